/**
 * The binary example plugin (dissectors/example-binary/index.js: BinKV, length-prefixed requests
 * and responses paired by correlation id), loaded with --plugin as a user would, on real captures
 * (scripts/fixtures/make-binkv-capture.sh: the Python server and client of scripts/fixtures/binkv.py,
 * tcpdump on a namespace's loopback). Through the CLI: packets, flows --json, fields, -Y on its
 * fields, analyze with its rule file, rules test; and kdiag's Kafka causes stay off its connections.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const PLUGIN = "dissectors/example-binary/index.js";
const RULES = "dissectors/example-binary/rules.yaml";
const CAPTURE = "test/fixtures/plugins/binkv.pcap";
const HEALTHY = "test/fixtures/plugins/binkv-healthy.pcap";
const ABSURD = "binkv: length field 2147483632 is absurd (the protocol allows 1048576)";

function kdiag(...args: string[]) {
  return spawnSync("node", ["bin/kdiag.js", ...args], { cwd: ROOT, encoding: "utf8" });
}

interface JsonPacket {
  number: number;
  time: number;
  protocol: string;
  info: string;
}

function packets(capture: string): JsonPacket[] {
  const r = kdiag("--plugin", PLUGIN, "packets", "--json", capture);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout).packets as JsonPacket[];
}

/** Packet numbers of `kdiag packets` lines (the first column). */
function numbers(r: ReturnType<typeof kdiag>): number[] {
  return r.stdout.trim().split("\n").filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[0]));
}

function findings(...args: string[]): Array<{ rule: string; message: string; advice?: string | null; connection?: number }> {
  const r = kdiag(...args);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout).findings;
}

describe("the binary example plugin (BinKV) through the CLI", () => {
  it("packets: its messages by its label, pipelined ones in one packet, responses out of order, the absurd length malformed", () => {
    const binkv = packets(CAPTURE).filter((p) => p.protocol === "BinKV").map((p) => `${p.number} ${p.info}`);
    expect(binkv).toEqual([
      "7 PUT request #1 photo:1",
      "9 PUT response #1 VALUE_TOO_LARGE value of 70000 bytes over the 65536 byte limit",
      '11 GET request #2 ""',
      "12 GET response #2 BAD_REQUEST empty key",
      "13 GET request #3 busy:1; PING request #4",
      "14 GET response #3 SERVER_BUSY too many requests in flight, retry later",
      "16 PING response #4 OK",
      "23 PUT request #1 slow:report",
      "25 PUT response #1 OK",
      "27 GET request #2 slow:report; PING request #3",
      // The slow GET is answered after the PING pipelined behind it: only the id pairs them.
      "28 PING response #3 OK",
      "30 GET response #2 OK 2000B",
      "32 GET request #4 slow:report; GET request #5 slow:other; PING request #6",
      "33 PING response #6 OK",
      "37 GET response #4 OK 2000B",
      "39 GET response #5 NOT_FOUND",
      "46 PING request #1",
      "48 PING response #1 OK",
      "50 GET request #2 reset:now",
      "55 PING request #1",
      "57 PING response #1 OK",
      "59 Length 2147483632: not a BinKV message [Malformed: length field 2147483632 is absurd (the protocol allows 1048576)]",
    ]);
    // The plugin's note and its giving up, each one line naming the packet, no stack trace.
    const r = kdiag("--plugin", PLUGIN, "packets", CAPTURE);
    expect(r.stderr.trim().split("\n")).toEqual([
      "kdiag: warning: test/fixtures/plugins/binkv.pcap: packet 59: BinKV length field 2147483632 is absurd (the protocol allows 1048576)",
      `kdiag: warning: test/fixtures/plugins/binkv.pcap: packet 59: binkv failed on this connection: ${ABSURD.slice("binkv: ".length)}`,
    ]);
    expect(r.stdout).toMatch(/^\s+12\s+\S+ 127\.0\.0\.1 → 127\.0\.0\.1 BinKV 89 GET response #2 BAD_REQUEST empty key$/m);
  });

  it("the heuristic finds it on a port its table does not name; flows --json says which connection it gave up on", () => {
    const healthy = JSON.parse(kdiag("--plugin", PLUGIN, "flows", "--json", HEALTHY).stdout).connections as Array<{ server: { port: number }; dissector: string; malformed: unknown }>;
    expect(healthy.map((c) => [c.server.port, c.dissector, c.malformed])).toEqual(Array(4).fill([17070, "binkv", null]));
    // Without the plugin nothing claims port 17070.
    const bare = JSON.parse(kdiag("flows", "--json", HEALTHY).stdout).connections as Array<{ dissector: string | null }>;
    expect(bare.map((c) => c.dissector)).not.toContain("binkv");
    // Plain flows identifies without decoding ("malformed" null); a filter on it decodes.
    const flows = JSON.parse(kdiag("--plugin", PLUGIN, "flows", "--json", CAPTURE).stdout).connections as Array<{ id: number; dissector: string; malformed: unknown }>;
    expect(flows.map((c) => [c.id, c.dissector, c.malformed])).toEqual([0, 1, 2, 3].map((id) => [id, "binkv", null]));
    const bad = kdiag("--plugin", PLUGIN, "flows", "--json", "-Y", "conn.malformed", CAPTURE);
    expect((JSON.parse(bad.stdout).connections as Array<{ id: number; malformed: unknown }>).map((c) => [c.id, c.malformed])).toEqual([[3, ABSURD]]);
  });

  it("fields lists its fields with types, lists and units, and its expert notes", () => {
    const r = kdiag("--plugin", PLUGIN, "fields");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^binkv\.key\s+list<string> Keys of the request \(one, or several for MGET\); a list, empty when the message has none$/m);
    expect(r.stdout).toMatch(/^binkv\.value_length\s+list<int> .*\[bytes\]$/m);
    expect(r.stdout).toMatch(/^binkv\.response_time\s+double\s+Request to response.*\[ms\]$/m);
    expect(r.stdout).toMatch(/^binkv\.status\s+int\s+Response status/m);
    expect(r.stdout).toMatch(/^binkv\.length_absurd\s+error\s+A length field over the protocol's 1 MiB limit/m);
    expect(r.stdout).toMatch(/^Protocols, alone a test .* binkv$/m);
  });

  it("-Y filters on its fields: a comparison, a value name's number, any element of a list, the protocol alone", () => {
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", "binkv.status >= 2", CAPTURE))).toEqual([9, 12, 14]);
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", 'binkv.key == "slow:report"', CAPTURE))).toEqual([23, 27, 32]);
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", "binkv.opcode == 4 && tcp.srcport == 17070", HEALTHY))).toEqual([13, 34, 55, 76]);
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", "binkv && tcp.flags.reset == 0 && tcp.dstport == 7070", CAPTURE))).toEqual([7, 11, 13, 23, 27, 32, 46, 50, 55, 59]);
    const unknown = kdiag("--plugin", PLUGIN, "packets", "-Y", "binkv.stauts == 1", CAPTURE);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/binkv\.stauts/);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });

  it("analyze --rules: each problem found once, latencies from the packets' times; kdiag's Kafka causes stay off BinKV", () => {
    const all = findings("--plugin", PLUGIN, "analyze", "--format", "json", "--rules", RULES, CAPTURE);
    const of = (rule: string) => all.filter((f) => f.rule === rule).map((f) => f.message);
    expect(of("binkv-error-status")).toEqual([
      'request #1 photo:1 on connection 0 answered status 3: "value of 70000 bytes over the 65536 byte limit"',
      'request #2 on connection 0 answered status 2: "empty key"',
      'request #3 busy:1 on connection 0 answered status 4: "too many requests in flight, retry later"',
    ]);
    // The slow GETs: request packet to response packet, as the capture timed them.
    const t = new Map(packets(CAPTURE).map((p) => [p.number, p.time]));
    const ms = (req: number, resp: number) => Math.round((t.get(resp)! - t.get(req)!) * 1e6) / 1e3;
    expect(of("binkv-slow-response")).toEqual([
      `request #2 slow:report on connection 1 answered after ${ms(27, 30)} ms`,
      `request #4 slow:report on connection 1 answered after ${ms(32, 37)} ms`,
      `request #5 slow:other on connection 1 answered after ${ms(32, 39)} ms`,
    ]);
    expect(ms(27, 30)).toBeGreaterThan(400);
    expect(of("binkv-unanswered")).toEqual(["request #2 reset:now on connection 2 got no response: the connection ended by rst from the server"]);
    expect(of("binkv-malformed")).toEqual(["connection 3 (127.0.0.1:50348) stopped being BinKV; see the note on its last frame"]);
    // Negative control: the two server resets are TCP-level ends, never Kafka's size limit or broker.
    expect([...new Set(all.map((f) => f.rule))].sort()).toEqual(["binkv-error-status", "binkv-malformed", "binkv-slow-response", "binkv-unanswered", "connection-end-unexplained"]);
    expect(all.find((f) => f.rule === "connection-end-unexplained")!.message).toMatch(/Confidence: low \(from TCP\/IP alone: the connection carried BinKV, not Kafka\)\.$/);
    // The generic cause speaks of a server and of TCP, not of a Kafka broker or Kafka settings.
    const unexplained = all.find((f) => f.rule === "connection-end-unexplained")!;
    expect(unexplained.message).toContain("Ruled out: not firewall-idle (the RST's TTL is the server's own (64);");
    expect(unexplained.advice).toBe("A capture on the other side (kdiag compare) or the client's and server's logs around that time can tell more.");
    expect(`${unexplained.message} ${unexplained.advice}`).not.toMatch(/broker|connections\.max\.idle\.ms|librdkafka|Kafka client id/);
  });

  it("negative control: no built-in rule fires on healthy BinKV or on the Redis capture", () => {
    expect(findings("--plugin", PLUGIN, "analyze", "--format", "json", HEALTHY)).toEqual([]);
    expect(findings("--plugin", "test/fixtures/plugins/resp.js", "analyze", "--format", "json", "test/fixtures/plugins/resp.pcap")).toEqual([]);
    // The same resets without the plugin: nothing decoded, so the TCP-only Kafka reading still applies.
    const bare = findings("analyze", "--format", "json", CAPTURE).map((f) => f.rule);
    expect(bare).toContain("message-too-large");
  });

  it("without --plugin its rule file is refused with RULE_UNKNOWN_FIELD (exit 5)", () => {
    const r = kdiag("analyze", "--rules", RULES, CAPTURE);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/rules\.yaml:\d+:\d+: error RULE_UNKNOWN_FIELD \[binkv-error-status\]: unknown field "binkv\.status"/);
  });

  it("rules test passes its file's tests, and fails (exit 7) naming the expectation that did not hold", () => {
    const pass = kdiag("--plugin", PLUGIN, "rules", "test", RULES);
    expect(pass.stdout).toMatch(/^PASS .*rules\.yaml:\d+ errors, slow responses, a reset and an absurd length field are each found, and no Kafka cause fires \(10 findings\)$/m);
    expect(pass.stdout).toMatch(/^PASS .*rules\.yaml:\d+ healthy traffic found by the heuristic on another port raises nothing \(0 findings\)$/m);
    expect(pass.stdout).toMatch(/^2 tests, 2 passed, 0 failed$/m);
    expect(pass.status).toBe(0);
    // A copy that expects two slow responses where a 20 ms threshold finds five (two PINGs of 40 ms too).
    const dir = mkdtempSync(join(tmpdir(), "kdiag-binkv-"));
    const wrong = join(dir, "wrong.yaml");
    writeFileSync(
      wrong,
      readFileSync(join(ROOT, RULES), "utf8")
        .replace("- rule: binkv-slow-response\n      count: 3", "- rule: binkv-slow-response\n      count: 2")
        .replace("default: 200.0", "default: 20.0")
        .replaceAll("../../test/fixtures/plugins/", `${join(ROOT, "test/fixtures/plugins")}/`),
    );
    const fail = kdiag("--plugin", PLUGIN, "rules", "test", wrong);
    expect(fail.stdout).toMatch(/^FAIL .*wrong\.yaml:\d+ errors, slow responses/m);
    expect(fail.stdout).toMatch(/expected 2 findings of binkv-slow-response, found 5/);
    // 20 ms is slower than some healthy MGETs (answered in about 45 ms): the negative test fails too.
    expect(fail.stdout).toMatch(/^FAIL .*wrong\.yaml:\d+ healthy traffic/m);
    expect(fail.stdout).toMatch(/binkv-slow-response/);
    expect(fail.status).toBe(7);
  });
});
