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

  it("names the middlebox reset and the keepalive mismatch, with the packets", () => {
    expect(byRule(fs)).toEqual({ "firewall-idle": 2, "keepalive-mismatch": 2, "requests-never-answered": 2 });
    const fw = fs.filter((f) => f.rule === "firewall-idle");
    // SYN, the request after 5 s idle, and the RST the firewall answered with.
    expect(fw.map((f) => f.evidence.packets)).toEqual([
      [1, 11, 12],
      [13, 23, 24],
    ]);
    expect(fw[0]!.message).toMatch(/was idle 4958\.\d+ ms, then reset .* \(RST packet 12, TTL 64 vs the broker's 63\)/);
    expect(fw[0]!.message).toContain("the client reconnected 100.549 ms later");
    expect(fw[0]!.message).toMatch(/2 idle resets after 4958\.333\.\.4958\.942 ms of idle; longest idle survived 456\.542 ms/);
    expect(fw[0]!.advice).toContain("net.ipv4.tcp_keepalive_time");
    expect(fs.find((f) => f.rule === "keepalive-mismatch")!.message).toContain("no TCP keepalive probe");
  });

  it("orders findings by severity and prints advice once per rule in text", () => {
    const r = kdiag("analyze", `${REAL}/firewall-idle-client.pcap`);
    expect(r.status).toBe(0);
    const heads = r.stdout.split("\n").filter((l) => /^[A-Z]+ {2}/.test(l));
    expect(heads).toEqual([
      "ERROR  firewall-idle: Connection reset by a middlebox after an idle period (2)",
      "ERROR  requests-never-answered: Kafka request never answered (2)",
      "WARNING  keepalive-mismatch: TCP keepalive too slow for the idle timeout on the path (2)",
    ]);
    expect(r.stdout.match(/^ {2}advice:$/gm)).toHaveLength(3);
    expect(r.stdout.trim().split("\n").pop()).toBe("6 findings from 3 rules: 4 error, 2 warning");
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
    ["message-too-large-acks1.pcap.gz", /record batches 2000079 bytes .*the broker answered MESSAGE_TOO_LARGE/],
    ["message-too-large-acks0.pcap.gz", /acks 0\): request 2000148 bytes, record batches 2000079 bytes .*the broker closed the connection [\d.]+ ms later without answering/],
    ["socket-request-too-large.pcap.gz", /request 3000142 bytes .*the broker closed the connection [\d.]+ ms later without answering/],
  ])("%s: one message-too-large finding for the one event", (file, message) => {
    const fs = findings("analyze", `${KCAT}/${file}`, "--param", "socket_request_max_bytes=2097152");
    const mtl = fs.filter((f) => f.rule === "message-too-large");
    expect(mtl).toHaveLength(1);
    expect(mtl[0]!.severity).toBe("error");
    expect(mtl[0]!.message).toMatch(message);
    expect(mtl[0]!.advice).toContain("message.max.bytes");
  });

  it("a normal produce is not flagged", () => {
    expect(findings("analyze", `${KCAT}/produce-gzip.pcap`).filter((f) => f.rule === "message-too-large")).toEqual([]);
  });

  it("--param moves the limit", () => {
    const fs = findings("analyze", `${KCAT}/message-too-large-acks0.pcap.gz`, "--param", "message_max_bytes=4000000");
    // Still one finding: the broker closed right after the request, whatever the limit says.
    expect(fs.filter((f) => f.rule === "message-too-large")[0]!.message).toContain("message.max.bytes 4000000");
  });
});

describe("connection health rules on real traffic", () => {
  it("loss.pcap: a retransmission hot spot on the bulk connection", () => {
    const fs = findings("analyze", `${REAL}/loss.pcap`);
    expect(byRule(fs)).toEqual({ "retransmission-hotspot": 1 });
    expect(fs[0]!.message).toMatch(/6 retransmissions, 30 duplicate ACKs and 21 segments lost/);
  });

  it("zero-window.pcap: the receiver that stopped reading", () => {
    expect(byRule(findings("analyze", `${REAL}/zero-window.pcap`))).toEqual({ "zero-window": 1 });
  });

  it("ipv6.pcap: six short connections in under 2 s from one client is a reconnect storm", () => {
    const fs = findings("analyze", `${REAL}/ipv6.pcap`);
    expect(byRule(fs)).toEqual({ "reconnect-storm": 1 });
    expect(fs[0]!.message).toMatch(/^6 connections fd99:1::1 -> fd99:2::2:9092 within 1751\.602 ms/);
  });

  it.each(["normal.pcap", "keepalive.pcap", "port-reuse.pcap"])("%s: no findings (negative control)", (f) => {
    expect(findings("analyze", `${REAL}/${f}`)).toEqual([]);
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
        "broker-idle-close",
        "firewall-idle",
        "firewall-silent-drop",
        "kafka-error-responses",
        "kafka-throttled",
        "keepalive-mismatch",
        "message-too-large",
        "reconnect-storm",
        "record-batch-corrupt",
        "requests-never-answered",
        "retransmission-hotspot",
        "rst-not-from-broker",
        "zero-window",
      ].sort(),
    );
  });
});
