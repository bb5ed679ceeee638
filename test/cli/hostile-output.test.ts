/**
 * Outputs under hostile or huge input: a capture with 130,000 connections goes through every
 * table and JSON document without a stack overflow or a whole-document string; and no control
 * character or escape sequence from a capture, a rule file or a file name reaches stdout or
 * stderr raw, whatever the command.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeManyConnections } from "../../bench/make-many-connections.js";
import { tableLines } from "../../src/report/format.js";
import { kdiagRun } from "../helpers/tshark.js";

const tmp = mkdtempSync(join(tmpdir(), "kdiag-hostile-"));

describe("outputs of any size", () => {
  const many = join(tmp, "many.pcap");
  const N = 130_000;
  beforeAll(() => {
    makeManyConnections(many, { connections: N, kind: "syn" });
  });

  it("flows prints a row per connection, aligned", async () => {
    const r = await kdiagRun(["flows", many], { timeoutMs: 120_000 });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(N + 2); // headline, header, rows
    expect(lines[2]!.startsWith("     0  10.1.0.0:1024")).toBe(true);
    expect(lines.at(-1)!.startsWith(`${N - 1}  `)).toBe(true);
  }, 180_000);

  it("flows --json is one valid document with every connection", async () => {
    const r = await kdiagRun(["flows", "--json", many], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.connections).toHaveLength(N);
    expect(doc.connections[N - 1].id).toBe(N - 1);
  }, 180_000);

  it("a table of 300,000 rows is laid out without spreading rows into arguments", () => {
    const rows = function* () {
      for (let i = 0; i < 300_000; i++) yield [String(i), i % 2 ? "x" : "longer cell"];
    };
    let n = 0;
    let last = "";
    for (const l of tableLines(["#", "cell"], rows, new Set([0]))) {
      n++;
      last = l;
    }
    expect(n).toBe(300_001);
    expect(last).toBe("299999  x");
  });
});

/** Every way a capture, a rule file or a file name can try to drive the terminal. */
const HOSTILE = ["\u001b]0;owned\u0007", "\u001b[2J", "\u009b31m", "\u0000", "\u202e", "\u001b]52;c;Y2xpcGJvYXJk\u0007"];
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("no control character reaches the terminal", () => {
  const evil = HOSTILE.join("");
  let capture = "";
  let rules = "";
  let broken = "";
  beforeAll(() => {
    // A file name carrying escape sequences (a real capture behind it).
    capture = join(tmp, `cap${evil.replace(/\u0000/g, "")}.pcap`);
    copyFileSync("test/fixtures/real/firewall-idle-client.pcap", capture);
    // A rule file whose text, titles and syntax error carry them.
    rules = join(tmp, "evil.yaml");
    writeFileSync(
      rules,
      [
        `- rule: evil-title`,
        `  title: "T ${evil.replace(/\u0000/g, "")}"`,
        `  desc: "D ${evil.replace(/\u0000/g, "")}"`,
        `  severity: info`,
        `  scope: connection`,
        `  condition: conn.client_addr == "${"\u001b[2J"}" || true`,
        `  output: "O ${evil.replace(/\u0000/g, "")}"`,
      ].join("\n"),
    );
    broken = join(tmp, "broken.yaml");
    writeFileSync(
      broken,
      [
        `- rule: evil-syntax`,
        `  title: t`,
        `  desc: d`,
        `  severity: info`,
        `  scope: connection`,
        `  condition: conn.nope${"\u001b]0;x\u0007"} == 1`,
        `  output: x`,
      ].join("\n"),
    );
  });

  const commands = (): string[][] => [
    ["flows", capture],
    ["flows", "--json", capture],
    ["packets", capture],
    ["kafka", capture],
    ["analyze", capture, "--rules", rules, "--rules", broken],
    ["analyze", capture, "--rules", rules, "--rules", broken, "--json"],
    ["analyze", capture, "--rules", rules, "--format", "md"],
    ["rules", "--rules", rules, "--rules", broken],
    ["rules", "--rules", rules, "--rules", broken, "--json"],
    ["flows", join(tmp, `missing${evil.replace(/\u0000/g, "")}.pcap`)],
    ["packets", "-Y", "tcp.port == 9092 && frame.len > 60", capture],
    ["kafka", "--json", "-Y", "kafka.api_key == 18", capture],
    ["packets", "-Y", `kafka.client_id == "${evil.replace(/\u0000/g, "")}"`, capture],
    ["packets", "-Y", `${evil.replace(/\u0000/g, "")} == 1`, capture],
  ];

  it("in any command, text or JSON, on stdout and stderr", async () => {
    for (const args of commands()) {
      const r = await kdiagRun(args);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).not.toBe(1);
      expect(RAW.test(r.stdout), `stdout of kdiag ${JSON.stringify(args)}`).toBe(false);
      expect(RAW.test(r.stderr), `stderr of kdiag ${JSON.stringify(args)}`).toBe(false);
    }
  }, 120_000);

  it("the escaped text is still there to read", async () => {
    const r = await kdiagRun(["rules", "--rules", rules, "--rules", broken]);
    expect(r.stdout).toContain("T \\e]0;owned\\x07");
    expect(r.stderr).toContain("conn.nope\\e]0;x\\x07");
  });
});
