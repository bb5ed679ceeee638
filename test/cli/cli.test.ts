/**
 * The command line as a user meets it: exit codes, one-line errors, damaged input, stdin.
 * Most cases run main() in-process (fast enough for a property test over many corruptions);
 * a few spawn the real bin to check what a shell sees.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

const CAPTURE = "test/fixtures/textline/textline.pcap";
const tmp = mkdtempSync(join(tmpdir(), "kdiag-cli-"));

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function file(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

describe("kdiag CLI", () => {
  it("prints the flows table with a headline", async () => {
    const r = await run("flows", CAPTURE);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe(`${CAPTURE}: pcap, 40 packets over 0.306s, 2 TCP connections`);
    expect(lines[1]).toMatch(/^#\s+client\s+server\s+role/);
    expect(lines[2]).toMatch(/^0\s+127\.0\.0\.1:50618\s+127\.0\.0\.1:7777\s+syn\s.*FIN by server #22/);
    expect(lines).toHaveLength(4);
  });

  it("fields lists exactly the names rules and filters accept", async () => {
    const r = await run("fields");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^conn\.idle_before_close_ms\s+double\s/m);
    expect(r.stdout).toMatch(/^tcp\.flags\.reset\s+bool\s+RST flag$/m);
    expect(r.stdout).toMatch(/^kafka\.api_key\s+int\s/m);
    // Header fields read back from the packet when a condition uses them.
    expect(r.stdout).toMatch(/^tcp\.seq\s+int\s+Sequence number, relative/m);
    expect(r.stdout).toMatch(/^ip\.ttl\s+int\s/m);
    // Nothing a condition would reject: every name listed compiles as a packet filter.
    const { compileFilter } = await import("../../src/filter/compile.js");
    const names = [...r.stdout.matchAll(/^((?:frame|ip|ipv6|udp|tcp)\.[a-z0-9_.]+)\s/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(40);
    for (const n of names) expect(compileFilter("packet", n).ok, n).toBe(true);
  });

  it("help lists the commands, examples and exit codes", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("flows [options] <files...>");
    expect(r.stdout).toContain("4  the capture is truncated or corrupt");
    const sub = await run("flows", "--help");
    expect(sub.stdout).toContain("tcpdump -i any -w - port 9092 | kdiag flows -");
  });

  it.each([
    [["flows"], "missing required argument 'files'"],
    [["flwos", CAPTURE], "unknown command 'flwos'"],
    [["flows", "--jsn", CAPTURE], "unknown option '--jsn'"],
    [["--decode-as", "kafka", "flows", CAPTURE], "--decode-as kafka: expected PORT=DISSECTOR"],
    [["--decode-as", "9092=nope", "flows", CAPTURE], 'no stream dissector named "nope"'],
    // The TUI checks its options as every command does, before it needs a terminal.
    [["--kafka-port", "abc", "tui", CAPTURE], "--kafka-port abc: expected a TCP port number"],
    [["--decode-as", "99999=kafka", "tui", CAPTURE], "--decode-as 99999=kafka: expected PORT=DISSECTOR"],
  ])("usage mistakes exit 2 with one line: %j", async (argv, expected) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("a missing file exits 3 with the file named", async () => {
    const r = await run("flows", "no-such.pcap");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("no-such.pcap");
  });

  it("a file that is not a capture exits 3", async () => {
    const r = await run("flows", file("notes.txt", new TextEncoder().encode("just some text, not a capture\n")));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/notes\.txt.*not a capture/);
  });

  it("an empty file exits 3", async () => {
    const r = await run("flows", file("empty.pcap", new Uint8Array(0)));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/empty\.pcap/);
  });

  it("a capture cut mid-record analyses the packets before the cut and exits 4 naming the packet", async () => {
    const whole = readFileSync(CAPTURE);
    // 24-byte file header, then records of 16 + capLen bytes: cut inside packet 31.
    let off = 24;
    for (let n = 1; n < 31; n++) off += 16 + whole.readUInt32LE(off + 8);
    const cut = file("cut.pcap", whole.subarray(0, off + 30));
    const r = await run("flows", "--json", cut);
    expect(r.code).toBe(4);
    const flows = JSON.parse(r.stdout).connections;
    expect(flows).toHaveLength(2);
    expect(flows[0].c2s.packets + flows[0].s2c.packets).toBe(24);
    expect(r.stderr).toMatch(/cut\.pcap: packet 31: .*\(results cover the 30 packets before it\)\n$/);
  });

  it("reads standard input through the real bin, gzip-compressed too", () => {
    const whole = readFileSync(CAPTURE);
    const plain = spawnSync("node", ["bin/kdiag.js", "flows", "--json", "-"], { input: whole, encoding: "utf8" });
    expect(plain.status).toBe(0);
    const gz = spawnSync("sh", ["-c", `gzip -c ${CAPTURE} | node bin/kdiag.js flows --json -`], { encoding: "utf8" });
    expect(gz.status).toBe(0);
    expect(JSON.parse(gz.stdout)).toEqual(JSON.parse(plain.stdout));
    expect(JSON.parse(plain.stdout).connections).toHaveLength(2);
  });

  it("stops quietly when the reader of its output goes away", () => {
    const r = spawnSync("sh", ["-c", `node bin/kdiag.js packets ${CAPTURE} | head -n 1`], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n")).toHaveLength(2);
    expect(r.stderr).toBe("");
  });

  it("never crashes or hangs on random corruption (property)", async () => {
    const whole = new Uint8Array(readFileSync(CAPTURE));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(whole.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.nat(whole.length),
        async (writes, cutAt) => {
          const bytes = whole.slice(0, Math.max(1, cutAt));
          for (const [at, value] of writes) if (at < bytes.length) bytes[at] = value;
          const r = await run("flows", "--json", file("fuzz.pcap", bytes));
          expect([0, 3, 4]).toContain(r.code);
          expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
          if (r.code !== 3) expect(() => JSON.parse(r.stdout)).not.toThrow();
          // Every message is a single line naming the file.
          for (const line of r.stderr.split("\n").filter(Boolean)) expect(line).toMatch(/^kdiag: (warning: )?.*fuzz\.pcap/);
        },
      ),
      { numRuns: 300 },
    );
  });
});
