/**
 * A dissector field with more than one dot (tls.record.content_type, tls.handshake.certificate.not_after,
 * kafka.sasl.mechanism) is reached by its documented name in a display filter and in a rule
 * condition. They used to select nothing: the facts kept "record.content_type" as one key of
 * `tls`, while the name reads tls -> record -> content_type; the advice of rules/auth.yaml sends
 * the user to `kdiag packets -Y 'tls.handshake.certificate.not_after'`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KDIAG_BIN, REPO_ROOT, tsharkAvailable } from "../helpers/tshark.js";

const CAPTURES = [
  "test/fixtures/tls/tls12-unknown-ca.pcap",
  "test/fixtures/tls/tls13-aes128-gcm.pcap",
  "test/fixtures/sasl/tls-expired-certificate-kafka-python.pcap",
];
const FILTERS = [
  "tls.record.content_type == 22",
  "tls.handshake.type == 1",
  "tls.handshake.extensions_server_name",
  "tls.alert_message.desc == 48 || tls.alert_message.desc == 45",
  "tls.handshake.ciphersuite == 0xc02f",
];

function kdiagSelects(file: string, filter: string): number[] {
  const r = spawnSync("node", [KDIAG_BIN, "packets", file, "-Y", filter, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).packets as Array<{ number: number }>).map((p) => p.number);
}

function tsharkSelects(file: string, filter: string): number[] {
  const r = spawnSync("tshark", ["-r", file, "-d", "tcp.port==9093,tls", "-d", "tcp.port==9094,tls", "-Y", filter, "-T", "fields", "-e", "frame.number"], { encoding: "utf8", cwd: REPO_ROOT });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\n").filter((l) => l !== "").map(Number);
}

describe("display filters on multi-dot TLS fields select what tshark selects", () => {
  for (const file of CAPTURES) {
    it(file, () => {
      if (!tsharkAvailable()) throw new Error("tshark is needed (.ci/run installs it)");
      let selected = 0;
      for (const filter of FILTERS) {
        const ours = kdiagSelects(file, filter);
        expect(ours, `${file}: ${filter}`).toEqual(tsharkSelects(file, filter));
        selected += ours.length;
      }
      expect(selected, "the filters select something on this capture").toBeGreaterThan(0);
    });
  }

  it("the certificate dates rules/auth.yaml's advice points at", () => {
    expect(kdiagSelects("test/fixtures/sasl/tls-expired-certificate-kafka-python.pcap", "tls.handshake.certificate.not_after")).toEqual([6, 16, 26, 35, 44, 54]);
  });

  it("kafka.sasl.mechanism (tshark 4.0 does not decode SASL)", () => {
    const file = "test/fixtures/sasl/plain-kafka-python.pcap";
    // Two logins: each SaslHandshake, its answer and the tokens exchanged under that mechanism.
    expect(kdiagSelects(file, 'kafka.sasl.mechanism == "PLAIN"')).toEqual([4, 6, 8, 9, 15, 17, 19, 20]);
    expect(kdiagSelects(file, 'kafka.sasl.mechanism == "SCRAM-SHA-256"')).toEqual([]);
  });
});

describe("rule conditions read multi-dot facts by their documented names", () => {
  it("a packet rule on tls.alert_message.desc fires on the alert", () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-nested-"));
    const rules = join(dir, "alerts.yaml");
    writeFileSync(
      rules,
      [
        "- rule: certificate-expired-alert",
        "  title: The client refused an expired certificate",
        "  desc: A TLS alert certificate_expired (45) from the client.",
        "  severity: warning",
        "  scope: packet",
        "  condition: has(tls.alert_message.desc) && tls.alert_message.desc == 45",
        "  output: alert {tls.alert_message.desc} in packet {frame.number}",
        "",
      ].join("\n"),
    );
    const r = spawnSync("node", [KDIAG_BIN, "analyze", "test/fixtures/sasl/tls-expired-certificate-kafka-python.pcap", "--no-builtin", "--rules", rules, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
    expect([0, 6], r.stderr).toContain(r.status);
    const findings = JSON.parse(r.stdout).findings as Array<{ rule: string; message: string }>;
    expect(findings.map((f) => f.message)).toEqual([8, 18, 28, 37, 46, 56].map((n) => `alert 45 in packet ${n}`));
  });
});
