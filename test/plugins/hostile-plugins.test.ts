/**
 * Plugins that misbehave, loaded as a user would (`--plugin FILE`) on the real textline capture:
 * each fault stays the plugin's (sandbox/host.ts). kdiag names the plugin and what it did, keeps
 * the rest of the analysis, exits 0, prints valid JSON, and never hangs or dies with the plugin.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CAPTURE = "test/fixtures/textline/textline.pcap";
const dir = mkdtempSync(join(tmpdir(), "kdiag-hostile-plugin-"));

/** A line-per-PDU plugin on port 7777 whose `data` hook body is `body` (ctx, dir, bytes, at in scope). */
function plugin(name: string, body: string, extra = ""): string {
  const file = join(dir, `${name}.js`);
  writeFileSync(
    file,
    `export default {
  apiVersion: 1,
  name: "hostile",
  description: "misbehaves on purpose",
  layer: "stream",
  ports: [7777],
  fields: [{ name: "hostile.line", type: "string", description: "a line" }],
  ${extra}
  open(ctx) {
    return {
      data(dir, bytes, at) { ${body} },
      gap() {},
      close() {},
    };
  },
};
`,
  );
  return file;
}

function run(file: string) {
  const started = Date.now();
  const r = spawnSync("node", ["bin/kdiag.js", "--plugin", file, "packets", "--json", CAPTURE], { encoding: "utf8", timeout: 60_000 });
  return { ...r, seconds: (Date.now() - started) / 1000 };
}

/** The capture's packets are all still there, and nothing crashed. */
function survived(r: ReturnType<typeof run>) {
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  const packets = JSON.parse(r.stdout).packets as unknown[];
  expect(packets).toHaveLength(40);
}

const emit = `ctx.emit({ dir, ref: at, length: bytes.length, summary: "line", fields: { "hostile.line": "x" } });`;

describe("a plugin's faults stay the plugin's", () => {
  it("a hook that returns a rejected promise: named, that connection marked, no stack trace", () => {
    const r = run(plugin("rejects", `return Promise.reject(new Error("boom"));`));
    survived(r);
    expect(r.stderr).toContain("hostile failed on this connection: data() returned a promise (hooks must be synchronous)");
  });

  it("odd values: a Symbol, an object whose toString throws, a circular structure", () => {
    const r = run(
      plugin(
        "odd",
        `const circular = []; circular.push(circular);
         ctx.emit({ dir, ref: at, length: bytes.length, summary: Symbol("s"), fields: { "hostile.line": { toString() { throw new Error("no"); } }, "hostile.list": circular } });`,
      ),
    );
    survived(r);
    const rows = JSON.parse(r.stdout).packets.filter((p: { protocol: string }) => p.protocol === "hostile");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].info).toBe("Symbol(s)");
  });

  it("a hook that never returns: stopped after the time limit, disabled, the analysis goes on", () => {
    const r = run(plugin("loops", `for (;;) {}`));
    survived(r);
    expect(r.stderr).toContain("stopped: data() took longer than 2 s");
    // One time limit, not one per connection or per packet.
    expect(r.seconds).toBeLessThan(20);
  }, 60_000);

  it("a hook that allocates without bound: stopped at the memory limit, kdiag itself lives", () => {
    const r = run(plugin("hog", `const keep = []; for (;;) keep.push(new Array(1e6).fill(1));`));
    survived(r);
    expect(r.stderr).toMatch(/hostile.*stopped: data\(\) took longer than 2 s or went over 256 MB/);
  }, 60_000);

  it("a detect() that answers nonsense declines the connection it was asked about", () => {
    const r = run(plugin("detect", emit, `detect() { return 42; },`));
    survived(r);
    const packets = JSON.parse(r.stdout).packets as Array<{ protocol: string; dst_port: number; src_port: number }>;
    // Port 7777 is the plugin's by the port table; the other connection (6001) only a heuristic could claim.
    expect(packets.filter((p) => p.protocol === "hostile").every((p) => p.dst_port === 7777 || p.src_port === 7777)).toBe(true);
    expect(packets.some((p) => p.dst_port === 6001)).toBe(true);
  });

  it("a module that never finishes loading, or throws at load: one line, exit 2", () => {
    const file = join(dir, "throws.js");
    writeFileSync(file, `throw new Error("top level\\nsecond line");\n`);
    const r = spawnSync("node", ["bin/kdiag.js", "--plugin", file, "flows", CAPTURE], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("cannot load the module: top level");
  });

  it("a well-behaved plugin still works through the sandbox", () => {
    const r = run(plugin("good", emit));
    survived(r);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).packets.filter((p: { protocol: string }) => p.protocol === "hostile").length).toBeGreaterThan(5);
  });
});
