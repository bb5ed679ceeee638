/**
 * A plugin's declared fields reach every consumer exactly as Kafka's do (issue 11): the Redis RESP
 * plugin of test/fixtures/plugins/resp.js, loaded with --plugin as a user would, on a real capture
 * (scripts/fixtures/make-resp-capture.sh: six connections, each ending with a WRONGTYPE error
 * reply and the server's FIN). Through the CLI: labels in the packet list, -Y, rule files,
 * `kdiag rules test`, `kdiag fields`, `flows --json`; and Kafka's rules stay off Redis.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const PLUGIN = "test/fixtures/plugins/resp.js";
const CAPTURE = "test/fixtures/plugins/resp.pcap";
const RULES = "test/fixtures/plugins/resp-rules.yaml";
/** The packets carrying the six error replies (tshark -Y 'resp.type == "Error"' agrees). */
const ERROR_PACKETS = [16, 35, 54, 73, 92, 111];

function kdiag(...args: string[]) {
  return spawnSync("node", ["bin/kdiag.js", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("a plugin's fields are facts (RESP plugin via --plugin)", () => {
  it("the packet list names the plugin's messages by its label", () => {
    const r = kdiag("--plugin", PLUGIN, "packets", CAPTURE);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.find((l) => /^\s+4\s/.test(l))).toMatch(/127\.0\.0\.1 Redis 102 SET user:0 alice$/);
    expect(lines.find((l) => /^\s+16\s/.test(l))).toMatch(/Redis 134 -WRONGTYPE Operation against a key/);
    const json = JSON.parse(kdiag("--plugin", PLUGIN, "packets", "--json", CAPTURE).stdout).packets as Array<{ protocol: string }>;
    // Per connection: 4 packets of commands (GET and INCR pipelined in one) and 5 of replies.
    expect(json.filter((p) => p.protocol === "Redis")).toHaveLength(6 * 9);
  });

  it("-Y filters on the plugin's fields: a bare field, a comparison, a repeated field", () => {
    const numbers = (r: ReturnType<typeof kdiag>) => r.stdout.trim().split("\n").filter(Boolean).map((l) => Number(l.trim().split(/\s+/)[0]));
    const errors = kdiag("--plugin", PLUGIN, "packets", "-Y", "resp.error", CAPTURE);
    expect(errors.status).toBe(0);
    expect(numbers(errors)).toEqual(ERROR_PACKETS);
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", 'resp.command == "LPUSH"', CAPTURE))).toEqual(ERROR_PACKETS.map((n) => n - 1));
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", 'resp.args == "user:3"', CAPTURE))).toEqual([61, 65, 72]);
    // The protocol name alone, as in Wireshark.
    expect(numbers(kdiag("--plugin", PLUGIN, "packets", "-Y", "resp && tcp.srcport == 6379", CAPTURE))).toHaveLength(6 * 5);
    // Exchanges too: the plugin paired them.
    const ex = kdiag("--plugin", PLUGIN, "kafka", "--json", "-Y", 'exchange.dissector == "resp" && resp.response_time > 0.0', CAPTURE);
    expect(ex.status).toBe(0);
  });

  it("without the plugin its fields are unknown, with the one-line error", () => {
    const r = kdiag("packets", "-Y", "resp.error", CAPTURE);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/resp\.error/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a rule file uses the plugin's fields in conditions and output; Kafka's rules stay silent on Redis", () => {
    const r = kdiag("--plugin", PLUGIN, "analyze", "--format", "json", "--rules", RULES, CAPTURE);
    expect(r.status).toBe(0);
    const findings = JSON.parse(r.stdout).findings as Array<{ rule: string; message: string }>;
    const byRule = (id: string) => findings.filter((f) => f.rule === id);
    expect(byRule("redis-error-reply")).toHaveLength(6);
    expect(byRule("redis-error-reply")[0]!.message).toBe('LPUSH user:0, x answered "WRONGTYPE Operation against a key holding the wrong kind of value" on connection 0');
    expect(byRule("redis-wrongtype-packet").map((f) => f.message)).toEqual(ERROR_PACKETS.map((n) => `packet ${n}, 68 bytes`));
    // Six short connections closed by the server: the shape of a Kafka reconnect storm, but Redis.
    expect(byRule("reconnect-storm")).toEqual([]);
  });

  it("without --plugin the same rule file is refused with RULE_UNKNOWN_FIELD (exit 5)", () => {
    const r = kdiag("analyze", "--rules", RULES, CAPTURE);
    expect(r.status).toBe(5);
    expect(r.stderr).toMatch(/resp-rules\.yaml:11:\d+: error RULE_UNKNOWN_FIELD \[redis-error-reply\]: unknown field "resp\.error" in the exchange scope/);
  });

  it("kdiag rules test passes the file's test, and fails (exit 7) when the expectation is wrong", () => {
    const pass = kdiag("--plugin", PLUGIN, "rules", "test", RULES);
    expect(pass.stdout).toMatch(/^PASS .*resp-rules\.yaml:\d+ every LPUSH on a string key is refused/m);
    expect(pass.status).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "kdiag-resp-"));
    const wrong = join(dir, "wrong.yaml");
    writeFileSync(wrong, readFileSync(join(ROOT, RULES), "utf8").replace("count: 6\n      message: LPUSH", "count: 5\n      message: LPUSH").replace("capture: resp.pcap", `capture: ${join(ROOT, CAPTURE)}`));
    const fail = kdiag("--plugin", PLUGIN, "rules", "test", wrong);
    expect(fail.stdout).toMatch(/expected 5 findings of redis-error-reply saying "LPUSH", found 6/);
    expect(fail.status).toBe(7);
  });

  it("kdiag fields lists the plugin's fields as usable facts, with lists, units and expert notes", () => {
    const r = kdiag("--plugin", PLUGIN, "fields");
    expect(r.status).toBe(0);
    const usable = r.stdout.slice(0, r.stdout.indexOf("Also in display filters"));
    expect(usable).toMatch(/^resp\.error\s+string\s+Error reply text/m);
    expect(usable).toMatch(/^resp\.args\s+list<string> Arguments of the command; a list, empty when the message has none$/m);
    expect(usable).toMatch(/^resp\.length\s+int\s+Bytes of the message on the wire \[bytes\]$/m);
    expect(r.stdout).not.toMatch(/not usable in rules/);
    expect(r.stdout).toMatch(/^Protocols, alone a test .* resp$/m);
    expect(r.stdout).toMatch(/^resp\.error_reply\s+warning The server answered a command with an error reply$/m);
  });

  it("flows --json has the documented malformed key: null, or (decoded) the dissector's failure", () => {
    const ok = JSON.parse(kdiag("--plugin", PLUGIN, "flows", "--json", CAPTURE).stdout).connections as Array<{ dissector: string; malformed: unknown }>;
    expect(ok.map((c) => [c.dissector, c.malformed])).toEqual(Array(6).fill(["resp", null]));
    // The same plugin made to throw on its first reply.
    const dir = mkdtempSync(join(tmpdir(), "kdiag-resp-"));
    const broken = join(dir, "broken.js");
    writeFileSync(broken, readFileSync(join(ROOT, PLUGIN), "utf8").replace('const fields = { "resp.type": value.type', 'throw new Error("cannot parse this reply");\n    const fields = { "resp.type": value.type'));
    const bad = kdiag("--plugin", broken, "flows", "--json", "-Y", "conn.malformed", CAPTURE);
    const flows = JSON.parse(bad.stdout).connections as Array<{ id: number; malformed: unknown }>;
    expect(flows.map((c) => [c.id, c.malformed])).toEqual([0, 1, 2, 3, 4, 5].map((id) => [id, "resp: cannot parse this reply"]));
    // The commands that decode say it on stderr, once per connection, with the packet.
    const warned = kdiag("--plugin", broken, "packets", CAPTURE);
    expect(warned.stderr).toMatch(/resp\.pcap: packet 6: resp failed on this connection: cannot parse this reply/);
  });

  it("a rule may name the dissector it is about; an unknown one is a problem at its key", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-resp-"));
    const file = join(dir, "r.yaml");
    writeFileSync(file, "- rule: x\n  title: x\n  desc: x\n  severity: info\n  scope: connection\n  dissector: redis\n  condition: conn.id >= 0\n  output: x\n");
    const r = kdiag("--plugin", PLUGIN, "rules", "--no-builtin", "--rules", file);
    expect(r.stdout + r.stderr).toMatch(/r\.yaml:6:\d+: error RULE_BAD_VALUE \[x\]: dissector: no stream dissector named "redis" is loaded \(loaded: kafka, tls, resp;/);
  });

  it("dissector: kafka applies to Kafka inside TLS once it is decrypted (conn.protocols)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-resp-"));
    const file = join(dir, "k.yaml");
    writeFileSync(file, '- rule: k\n  title: k\n  desc: k\n  severity: info\n  scope: connection\n  dissector: kafka\n  condition: "true"\n  output: "{conn.id} {conn.protocols}"\n');
    const tls = "test/fixtures/tls/terminator-kafka-producer";
    const run = (...extra: string[]) => {
      const r = kdiag(...extra, "analyze", "--no-builtin", "--format", "json", "--rules", file, `${tls}.pcap`);
      return (JSON.parse(r.stdout).findings as Array<{ message: string }>).map((f) => f.message).sort();
    };
    // Connection 0 is TLS; connection 1 plain Kafka (the terminator's back end).
    expect(run("--tls-keylog", `${tls}.keys`)).toEqual(["0 tls, kafka", "1 kafka"]);
    expect(run()).toEqual(["1 kafka"]);
  });

  it("the registry refuses a plugin that would hide kdiag's facts or declares a list CEL cannot hold", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-resp-"));
    const conn = join(dir, "conn.js");
    writeFileSync(conn, 'export default { apiVersion: 1, name: "conn", description: "x", layer: "stream", fields: [], open() { return { data() {}, gap() {}, close() {} }; } };');
    let r = kdiag("--plugin", conn, "fields");
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`kdiag: ${conn}: name "conn" is taken by kdiag's own facts or rule language (conn.*)`);
    const list = join(dir, "list.js");
    writeFileSync(list, 'export default { apiVersion: 1, name: "p", description: "x", layer: "stream", fields: [{ name: "p.ok", type: "bool", repeated: true, description: "x" }], open() { return { data() {}, gap() {}, close() {} }; } };');
    r = kdiag("--plugin", list, "fields");
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`kdiag: ${list}: field p.ok: a repeated field must be int, uint, string or bytes`);
  });
});
