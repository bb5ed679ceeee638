/**
 * `kdiag rules test FILE`: the tests a rule file declares, run as a user's CI would run them.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const kdiag = (...args: string[]) => spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });

const RULE = `
- rule: forged-rst
  title: A RST whose TTL is not its sender's
  desc: d
  severity: warning
  scope: packet
  condition: tcp.flags.reset == 1 and ip.ttl != 63
  output: "packet {frame.number}: RST with TTL {ip.ttl}"
`;

function ruleFile(tests: string): string {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-rt-"));
  copyFileSync("samples/firewall-idle-client.pcap", join(dir, "fw.pcap"));
  copyFileSync("test/fixtures/real/normal.pcap", join(dir, "normal.pcap"));
  const file = join(dir, "my-rules.yaml");
  writeFileSync(file, RULE + tests);
  return file;
}

describe("kdiag rules test", () => {
  it("passes when every expectation holds: counts, connections, severities, messages, silence", () => {
    const file = ruleFile(`
- test: two forged RSTs and the firewall cause
  capture: fw.pcap
  expect:
    - rule: forged-rst
      count: 2
      severity: warning
      message: "RST with TTL 64"
    - rule: firewall-idle
      connection: 1
  expect_absent: [broker-idle-close, message-too-large]
- test: healthy traffic stays quiet
  capture: normal.pcap
  expect_absent: [forged-rst, firewall-idle]
`);
    const r = kdiag("rules", "test", file);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PASS .*my-rules\.yaml:10 two forged RSTs and the firewall cause \(4 findings\)$/m);
    expect(r.stdout).toMatch(/^PASS .*my-rules\.yaml:20 healthy traffic stays quiet/m);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("2 tests, 2 passed, 0 failed");
  });

  it("fails with what was expected and what was found, exit 7", () => {
    const file = ruleFile(`
- test: wrong count and an unwanted finding
  capture: fw.pcap
  expect:
    - rule: forged-rst
      count: 3
  expect_absent: [firewall-idle]
`);
    const r = kdiag("rules", "test", file);
    expect(r.status).toBe(7);
    expect(r.stdout).toMatch(/^FAIL .*my-rules\.yaml:10 wrong count and an unwanted finding$/m);
    expect(r.stdout).toContain("  - expected 3 findings of forged-rst, found 2 (forged-rst: warning c0: packet 12: RST with TTL 64; warning c1: packet 24: RST with TTL 64)");
    expect(r.stdout).toMatch(/ {2}- expected no finding of firewall-idle, found 2: error c0: /);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("1 test, 0 passed, 1 failed");
  });

  it("a missing capture fails its test; a file without tests, a bad test item are said", () => {
    const missing = ruleFile(`
- test: no such capture
  capture: nope.pcap
  expect_absent: [forged-rst]
`);
    const r = kdiag("rules", "test", missing);
    expect(r.status).toBe(7);
    expect(r.stdout).toMatch(/^FAIL .* no such capture\n {2}- .*nope\.pcap/m);
    const none = ruleFile("");
    const n = kdiag("rules", "test", none);
    expect(n.status).toBe(7);
    expect(n.stderr).toMatch(/no tests in .*my-rules\.yaml: add "- test:" items/);
    const bad = ruleFile(`
- test: misspelt key
  capture: fw.pcap
  expect_abesnt: [forged-rst]
`);
    const b = kdiag("rules", "test", bad);
    expect(b.status).toBe(7);
    expect(b.stderr).toMatch(/my-rules\.yaml:\d+:\d+: error RULE_UNKNOWN_KEY .*expect_abesnt.*did you mean "expect_absent"/);
  });
});

describe("the built-in rule files' own tests", () => {
  // Each built-in file declares tests on real captures (the matrix, the incidents): positive
  // cases with the message an operator reads, and negative controls that must stay silent.
  it("all pass, and there are tests in every file that has causes or health rules", () => {
    const r = kdiag("rules", "test", "rules/");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const file of ["causes", "tcp-health", "aggregates", "auth", "kafka-errors"]) {
      expect(r.stdout, `rules/${file}.yaml declares tests`).toMatch(new RegExp(`^PASS rules/${file}\\.yaml:\\d+ `, "m"));
    }
    expect(r.stdout).toMatch(/^PASS rules\/tcp-health\.yaml:\d+ a consumer stopped for 4 s shuts its window/m);
    expect(r.stdout).toMatch(/^PASS rules\/causes\.yaml:\d+ a late answer within the broker's usual latency/m);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^(\d+) tests, \1 passed, 0 failed$/);
  }, 120_000);
});
