/**
 * The example plugin, loaded from its path exactly as a user would (`--plugin FILE`), on a real
 * loopback capture (scripts/make-textline-capture.sh).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const KDIAG = "bin/kdiag.js";
const CAPTURE = "test/fixtures/textline/textline.pcap";
const PLUGIN = "dissectors/example-textline/index.js";

function kdiag(...args: string[]) {
  return spawnSync("node", [KDIAG, ...args], { encoding: "utf8" });
}

describe("example textline plugin via --plugin", () => {
  it("decodes lines on the port-table port and on a port found only by the heuristic", () => {
    const r = kdiag("--plugin", PLUGIN, "packets", "--json", CAPTURE);
    expect(r.status).toBe(0);
    const packets = JSON.parse(r.stdout).packets as Array<{ number: number; protocol: string; info: string }>;
    const lines = packets.filter((p) => p.protocol === "textline").map((p) => `${p.number} ${p.info}`);
    expect(lines).toEqual([
      "4 Request: HELLO kdiag",
      "6 Response: OK 11",
      "10 Request: SET key value", // one line sent as two segments: shown where it completed
      "12 Response: OK 13",
      "14 Request: GET key; Request: GET other", // two lines in one segment
      "15 Response: OK 7",
      "17 Response: OK 9",
      "19 Request: QUIT",
      "20 Response: BYE",
      "28 Request: PING",
      "30 Response: OK 4",
      "32 Request: ECHO \u001b[31mred\u001b[0m",
      "33 Response: OK 17",
      "35 Request: QUIT",
      "36 Response: BYE",
    ]);
    const flows = JSON.parse(kdiag("--plugin", PLUGIN, "flows", "--json", CAPTURE).stdout).connections;
    expect(flows.map((c: { server: { port: number }; dissector: string }) => [c.server.port, c.dissector])).toEqual([
      [7777, "textline"],
      [6001, "textline"],
    ]);
  });

  it("escapes the escape sequences a capture carries before they reach the terminal", () => {
    const out = execFileSync("node", [KDIAG, "--plugin", PLUGIN, "packets", CAPTURE], { encoding: "utf8" });
    expect(out).toContain("Request: ECHO \\e[31mred\\e[0m");
    expect(out).not.toContain("\u001b");
  });

  it("without the plugin the same packets are plain TCP", () => {
    const r = kdiag("packets", "--json", CAPTURE);
    const packets = JSON.parse(r.stdout).packets as Array<{ protocol: string }>;
    expect(packets.every((p) => p.protocol === "TCP")).toBe(true);
  });

  it("lists the plugin's fields", () => {
    const r = kdiag("--plugin", PLUGIN, "fields");
    expect(r.stdout).toMatch(/^textline\.line\s+string\s+The line, without its line ending$/m);
  });

  it("a broken plugin path is one line and exit code 2", () => {
    const r = kdiag("--plugin", "no/such/plugin.js", "flows", CAPTURE);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("kdiag: no/such/plugin.js: no such file\n");
  });
});

describe("a plugin that throws", () => {
  it("marks only that connection malformed and the analysis goes on", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join, resolve } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "kdiag-throw-"));
    const file = join(dir, "throws.js");
    // Wraps the example and throws on the first "SET" line (connection 0 only).
    writeFileSync(
      file,
      `import base from ${JSON.stringify(resolve(PLUGIN))};
       export default { ...base, name: "thrower", fields: [], open(ctx) {
         const inner = base.open(ctx);
         return { ...inner, data(dir, bytes, at) {
           if (new TextDecoder().decode(bytes).startsWith("SET")) throw new Error("cannot handle SET");
           inner.data(dir, bytes, at);
         } };
       } };`,
    );
    const r = kdiag("--plugin", file, "packets", "--json", CAPTURE);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`kdiag: warning: ${CAPTURE}: packet 8: thrower failed on this connection: cannot handle SET\n`);
    const packets = JSON.parse(r.stdout).packets as Array<{ number: number; protocol: string; info: string }>;
    const decoded = packets.filter((p) => p.protocol === "thrower").map((p) => p.number);
    // Connection 0 stops at the throw (packet 8); connection 1 is decoded in full.
    expect(decoded).toEqual([4, 6, 28, 30, 32, 33, 35, 36]);
    expect(packets).toHaveLength(40); // tracking went on after the throw
  });
});
