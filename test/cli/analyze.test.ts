/**
 * `kdiag analyze`, `compare` and `rules` on the real incident captures: the root cause is named
 * with the packets that prove it, exit codes gate CI jobs, broken rule files are reported and
 * skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REAL = "test/fixtures/real";
const KCAT = "test/fixtures/kcat";
const tmp = mkdtempSync(join(tmpdir(), "kdiag-analyze-"));

interface Finding {
  time?: number;
  confidence?: string;
  rule: string;
  severity: string;
  message: string;
  advice: string | null;
  evidence: { connection?: number; packets: number[]; times: number[] };
}

function kdiag(...args: string[]) {
  return spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
}

function findings(...args: string[]): Finding[] {
  const r = kdiag(...args, "--json");
  expect([0, 6], r.stderr).toContain(r.status);
  return JSON.parse(r.stdout).findings;
}

const byRule = (fs: Finding[]) => fs.reduce<Record<string, number>>((m, f) => ((m[f.rule] = (m[f.rule] ?? 0) + 1), m), {});

describe("kdiag analyze on the firewall idle-timeout incident", () => {
  const fs = findings("analyze", `${REAL}/firewall-idle-client.pcap`);

  it("names the middlebox reset, one cause per connection, with the packets", () => {
    expect(byRule(fs)).toEqual({ "firewall-idle": 2 });
    const fw = fs.filter((f) => f.rule === "firewall-idle");
    // SYN, the request after 5 s idle, and the RST the firewall answered with.
    expect(fw.map((f) => f.evidence.packets)).toEqual([
      [1, 11, 12],
      [13, 23, 24],
    ]);
    expect(fw[0]!.message).toMatch(/was reset at 02:33:17\.355 UTC \(packet 12\) after 4\.96 s idle/);
    expect(fw[0]!.message).toContain("the RST's TTL 64 is not the broker's 63");
    expect(fw[0]!.message).toContain("the client reconnected 101 ms later");
    expect(fw[0]!.message).toContain("On this path 2 connection(s) died after 4.96 s idle");
    expect(fw.map((f) => f.confidence)).toEqual(["high", "high"]);
    // The event's own time (the RST), not the connection's SYN.
    expect(fw[0]!.time).toBeCloseTo(fw[0]!.evidence.times[2]!, 6);
    // Advice sized to what was measured: keepalive well under the 4.96 s the path killed.
    expect(fw[0]!.advice).toContain("net.ipv4.tcp_keepalive_time");
    expect(fw[0]!.advice).toContain("about a third, 1.65 s");
  });

  it("orders findings by severity and prints advice once per rule in text", () => {
    const r = kdiag("analyze", `${REAL}/firewall-idle-client.pcap`);
    expect(r.status).toBe(0);
    const heads = r.stdout.split("\n").filter((l) => /^[A-Z]+ {2}/.test(l));
    expect(heads).toEqual(["ERROR  firewall-idle: Connection reset by a middlebox after an idle period (2)"]);
    expect(r.stdout.match(/^ {2}advice:$/gm)).toHaveLength(1);
    // A summary an operator pastes into a ticket comes first.
    expect(r.stdout.split("\n").slice(0, 3).join(" ")).toMatch(/^Summary: +- firewall-idle: 2 connections to 10\.99\.2\.2:9092 .*first 02:33:17\.355\d* UTC, last 02:33:22\.459\d* UTC/);
    expect(r.stdout.trim().split("\n").pop()).toBe("2 findings from 1 rules: 2 error");
  });

  it("compare proves the broker never sent the RST", () => {
    const pair = findings("compare", `${REAL}/firewall-idle-client.pcap`, `${REAL}/firewall-idle-broker.pcap`);
    const rst = pair.filter((f) => f.rule === "rst-not-from-broker");
    expect(rst).toHaveLength(2);
    expect(rst[0]!.message).toContain("the broker side shows it ending open with no RST");
  });
});

describe("kdiag analyze on the message-too-large incident (real librdkafka traffic)", () => {
  it.each([
    ["message-too-large-acks1.pcap.gz", /the broker refused a Produce of 2 MB \(2,000,142 bytes\) with MESSAGE_TOO_LARGE at .* \(packet 79\)/],
    ["message-too-large-acks0.pcap.gz", /the broker closed the connection [\d.]+ ms after a 2 MB \(2,000,148 bytes\) request without answering .*limit lies between 187 bytes \(accepted\) and 2 MB/],
    ["socket-request-too-large.pcap.gz", /the broker reset the connection [\d.]+ µs after a 3 MB \(3,000,142 bytes\) request without answering/],
  ])("%s: one message-too-large finding for the one event", (file, message) => {
    const fs = findings("analyze", `${KCAT}/${file}`);
    const mtl = fs.filter((f) => f.rule === "message-too-large");
    expect(mtl).toHaveLength(1);
    expect(mtl[0]!.severity).toBe("error");
    expect(mtl[0]!.message).toMatch(message);
    expect(mtl[0]!.advice).toContain("message.max.bytes");
  });

  it("--param with what the user knows weighs against a cause it contradicts", () => {
    // The user says the broker accepts 4 MB: a close after a 2 MB request is then less likely a
    // size refusal, so the finding drops to low confidence (one severity lower) and says why.
    const fs = findings("analyze", `${KCAT}/message-too-large-acks0.pcap.gz`, "--param", "broker_message_max_bytes=4000000");
    const m = fs.filter((f) => f.rule === "message-too-large");
    expect(m.map((f) => [f.severity, f.confidence])).toEqual([["warning", "low"]]);
    expect(m[0]!.message).toContain("Against it: it is within the broker's message.max.bytes you gave (4 MB (4,000,000 bytes))");
  });

  it("a normal produce is not flagged", () => {
    expect(findings("analyze", `${KCAT}/produce-gzip.pcap`).filter((f) => f.rule === "message-too-large")).toEqual([]);
  });

  it("--param moves the limit", () => {
    const fs = findings("analyze", `${KCAT}/message-too-large-acks0.pcap.gz`, "--param", "message_max_bytes=4000000");
    // Still one finding: the broker closed right after the request, whatever the default says;
    // the default is only a prior, printed as such.
    const m = fs.filter((f) => f.rule === "message-too-large");
    expect(m).toHaveLength(1);
    expect(m[0]!.message).toContain("the default message.max.bytes would be 4000000");
    expect(m[0]!.message).not.toContain("over the default message.max.bytes");
  });
});

describe("connection health rules on real traffic", () => {
  it("loss.pcap: a retransmission hot spot on the bulk connection", () => {
    const fs = findings("analyze", `${REAL}/loss.pcap`);
    expect(byRule(fs)).toEqual({ "retransmission-hotspot": 1 });
    // tshark: tcp.analysis.retransmission on packets 43 (the first), 80, 112... from each side.
    expect(fs[0]!.message).toMatch(/6 retransmissions \(5 sent by the client, 1 by the server; the first at packet 43\), 30 duplicate ACKs and 21 segments lost/);
    expect(fs[0]!.evidence.packets).toContain(43);
    expect(fs[0]!.time).toBe(fs[0]!.evidence.times[fs[0]!.evidence.packets.indexOf(43)]);
  });

  it("zero-window.pcap: the receiver that stopped reading", () => {
    const fs = findings("analyze", `${REAL}/zero-window.pcap`);
    expect(byRule(fs)).toEqual({ "zero-window": 1 });
    // tshark: the server's Win=0 at packets 9, 11 and 14, its window update at 17 (2.918 s later).
    expect(fs[0]!.message).toMatch(/^The server 10\.99\.2\.2:5002 kept its receive window shut for 2\.92 s \(packets 9 to 17\)/);
    expect(fs[0]!.time).toBe(fs[0]!.evidence.times[fs[0]!.evidence.packets.indexOf(9)]);
    // Under a stall limit raised past 2.92 s it is flow control, said of a server (no Kafka here), not a broker.
    const brief = findings("analyze", `${REAL}/zero-window.pcap`, "--param", "zero_window_stall_ms=5000");
    expect(byRule(brief)).toEqual({ "zero-window-brief": 1 });
    expect(brief[0]!.message).toMatch(/\(from the server\); the longest shut the server's window for 2\.92 s/);
    expect(brief[0]!.advice).toMatch(/a larger receive buffer on the server \(its socket's SO_RCVBUF/);
    expect(`${brief[0]!.message} ${brief[0]!.advice}`).not.toMatch(/broker/);
  });

  it("ipv6.pcap: a scripted server closing connections after its answers is no reconnect storm, nothing above info", () => {
    // Four of the six Kafka connections are ended by the scripted server ~50 ms after its response
    // (the client's own FINs are normal): spread over time, that is the server's habit, not an
    // outage; its RST abort stays unexplained. The SYN refused on port 9999 is said at info: no
    // Kafka was seen on that port.
    const fs = findings("analyze", `${REAL}/ipv6.pcap`);
    expect(byRule(fs)).toEqual({ "broker-gone": 1, "connection-end-unexplained": 1, "connection-refused": 1 });
    expect(fs.filter((f) => f.severity !== "info")).toEqual([]);
  });

  it.each(["normal.pcap", "keepalive.pcap", "port-reuse.pcap"])("%s: nothing above info (negative control)", (f) => {
    // A scripted server closing a connection 50 ms after its answer is named at info (broker-gone,
    // low confidence): worth a look, not an alarm.
    expect(findings("analyze", `${REAL}/${f}`).filter((x) => x.severity !== "info")).toEqual([]);
  });
});

describe("exit codes, formats and evidence", () => {
  it("--fail-on gates a CI job", () => {
    expect(kdiag("analyze", `${REAL}/firewall-idle-client.pcap`, "--fail-on", "error").status).toBe(6);
    expect(kdiag("analyze", `${REAL}/firewall-idle-client.pcap`, "--fail-on", "critical").status).toBe(0);
    expect(kdiag("analyze", `${REAL}/normal.pcap`, "--fail-on", "warning").status).toBe(0);
    const bad = kdiag("analyze", `${REAL}/normal.pcap`, "--fail-on", "severe");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe("kdiag: --fail-on severe: expected info, warning, error or critical\n");
  });

  it("a broken rule file is reported with file:line:col and skipped; the other rules still run", () => {
    const file = join(tmp, "broken.yaml");
    writeFileSync(file, "- rule: mine\n  title: t\n  desc: d\n  severity: error\n  scope: connection\n  condition: conn.idle_befor_close_ms > 1\n  output: x\n");
    const r = kdiag("analyze", `${REAL}/firewall-idle-client.pcap`, "--rules", file, "--json");
    expect(r.status).toBe(5);
    expect(r.stderr).toContain(`${file}:6:19: error RULE_UNKNOWN_FIELD [mine]: unknown field "conn.idle_befor_close_ms" in the connection scope (did you mean "conn.idle_before_close_ms"?)`);
    expect(byRule(JSON.parse(r.stdout).findings)["firewall-idle"]).toBe(2);
  });

  it("--format md is a report to paste into a ticket", () => {
    const r = kdiag("analyze", `${REAL}/firewall-idle-client.pcap`, "--format", "md");
    expect(r.stdout).toMatch(/^# kdiag analysis of `test\/fixtures\/real\/firewall-idle-client.pcap`/);
    expect(r.stdout).toContain("## ERROR: firewall-idle");
    expect(r.stdout).toContain("| 1 | ");
  });

  it("--export-evidence writes the evidence packets as a pcap Wireshark opens", () => {
    const out = join(tmp, "evidence.pcap");
    const r = kdiag("analyze", `${REAL}/firewall-idle-client.pcap`, "--export-evidence", out);
    expect(r.stderr).toContain(`wrote 6 evidence packets to ${out}`);
    const frames = execFileSync("tshark", ["-r", out, "-T", "fields", "-e", "tcp.flags.str"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n");
    expect(frames).toHaveLength(6);
    expect(frames.filter((f) => f.includes("R"))).toHaveLength(2);
  });

  it("kdiag rules lists the built-in rules", () => {
    const r = kdiag("rules", "--json");
    expect(r.status).toBe(0);
    const ids = JSON.parse(r.stdout).rules.map((x: { rule: string }) => x.rule).sort();
    expect(ids).toEqual(
      [
        "auth-failure",
        "broker-gone",
        "broker-idle-close",
        "broker-stalled",
        "capture-boundary",
        "capture-duplicates",
        "client-abort",
        "connection-end-unexplained",
        "connection-refused",
        "firewall-idle",
        "firewall-silent-drop",
        "fetch-slow",
        "kafka-error-responses",
        "kafka-throttled",
        "kafka-unknown-error-code",
        "keepalive-mismatch",
        "message-too-large",
        "reconnect-storm",
        "record-batch-corrupt",
        "sasl-authentication-failed",
        "sasl-error",
        "sasl-illegal-state",
        "sasl-login-closed",
        "sasl-unsupported-mechanism",
        "tls-alert",
        "tls-bad-certificate",
        "tls-certificate-expired",
        "tls-handshake-failure",
        "tls-handshake-incomplete",
        "tls-protocol-version",
        "tls-unknown-ca",
        "retransmission-hotspot",
        "rst-not-from-broker",
        "zero-window",
        "zero-window-brief",
      ].sort(),
    );
  });
});
