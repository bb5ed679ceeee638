/**
 * `kdiag watch`: findings printed once, as they happen, equal to `analyze --json`'s on the same
 * capture (the hidden --eval-packets 1 re-runs the rules after every packet, so even a small
 * capture prints its findings mid-way, as a live capture would); the errors of a live capture
 * that cannot start; Ctrl-C on a live capture leaves a file tshark reads with kdiag's count.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const tmp = mkdtempSync(join(tmpdir(), "kdiag-watch-"));

interface Finding {
  rule: string;
  title: string;
  severity: string;
  scope: string;
  time?: number;
  confidence?: string;
  message: string;
  advice: string | null;
  tags: string[];
  evidence: { connection?: number; packets: number[]; times: number[]; details?: unknown };
}

function kdiag(args: string[], opts: { input?: Buffer; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(process.execPath, ["bin/kdiag.js", ...args], { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
}

function analyzeFindings(file: string): Finding[] {
  const r = kdiag(["analyze", "--json", file]);
  expect([0, 6], r.stderr).toContain(r.status);
  return JSON.parse(r.stdout).findings;
}

function watchFindings(args: string[], input?: Buffer): { findings: Finding[]; stderr: string; status: number | null } {
  const r = kdiag(["watch", "--json", ...args], input ? { input } : {});
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  return { findings: lines.map((l) => JSON.parse(l) as Finding), stderr: r.stderr, status: r.status };
}

/** What decides a finding; the message may lack evidence that came after it was printed. */
const verdict = (f: Finding) => ({
  rule: f.rule,
  title: f.title,
  severity: f.severity,
  scope: f.scope,
  time: f.time,
  confidence: f.confidence,
  tags: f.tags,
  connection: f.evidence.connection,
  packets: f.evidence.packets,
  times: f.evidence.times,
});
const key = (f: Finding) => `${f.rule}|${f.evidence.connection ?? ""}|${f.evidence.packets.join(",")}`;
const sorted = (fs: Finding[]) => [...fs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)).map(verdict);

const FIXTURES = [
  "test/fixtures/incidents/fw-reset-client.pcap",
  "test/fixtures/incidents/fw-reset-broker.pcap",
  "test/fixtures/incidents/fw-drop-client.pcap",
  "test/fixtures/incidents/keepalive-too-slow-client.pcap",
  "test/fixtures/incidents/broker-idle-close.pcap",
  "test/fixtures/incidents/normal-produce.pcap",
  "test/fixtures/real/firewall-idle-client.pcap",
  "test/fixtures/real/port-reuse.pcap",
  "test/fixtures/real/ipv6.pcap",
  "test/fixtures/real/normal.pcap",
  "test/fixtures/real/loss.pcap",
  "test/fixtures/real/zero-window.pcap",
  "test/fixtures/real/rst-abort.pcap",
  "test/fixtures/kcat/message-too-large-acks0.pcap.gz",
  "test/fixtures/kcat/message-too-large-acks1.pcap.gz",
  // The scenario matrix (all 69 were compared the same way by hand; a few here for time).
  "test/fixtures/matrix/broker-causes/mtl-socket-request-rst-client.pcap.gz",
  "test/fixtures/matrix/path-causes/fwr-kjs-nat-client.pcap.gz",
  "test/fixtures/matrix/path-causes/fwr-rdk-midstart-client.pcap.gz",
  "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz",
  // Logins that fail (SASL, TLS): the live re-runs build the login summary of the connections they evaluate only.
  "test/fixtures/sasl/plain-wrong-password-kafka-python.pcap",
  "test/fixtures/sasl/tls-expired-certificate-kafka-python.pcap",
];

describe("kdiag watch on a file prints the findings of analyze --json, each once", () => {
  for (const file of FIXTURES) {
    it(file, () => {
      const want = analyzeFindings(file);
      const got = watchFindings(["--eval-packets", "1", file]);
      expect(got.status, got.stderr).toBe(0);
      expect(sorted(got.findings)).toEqual(sorted(want));
      // Nothing printed early was contradicted by the end of the capture.
      expect(got.stderr).not.toMatch(/revised/);
      // The same keys as analyze --json's findings.
      for (const f of got.findings) expect(Object.keys(f).sort()).toEqual(Object.keys(want.find((w) => key(w) === key(f))!).sort());
    });
  }

  it("prints the middlebox reset as it happens, before the end of the capture", () => {
    const got = watchFindings(["--eval-packets", "1", "test/fixtures/real/firewall-idle-client.pcap"]);
    expect(got.findings.map((f) => f.rule)).toEqual(["firewall-idle", "firewall-idle"]);
    expect(got.stderr).toContain("2 findings printed as they happened, 0 at the end of the capture");
    // Printed at its RST: the reconnect that follows is not in its evidence yet.
    expect(got.findings[0]!.message).toContain("was reset at 02:33:17.355 UTC (packet 12) after 4.96 s idle");
    expect(got.findings[0]!.message).not.toContain("reconnected");
  });

  it("waits for the end when later connections decide the cause (broker-gone)", () => {
    const got = watchFindings(["--eval-packets", "1", "test/fixtures/real/normal.pcap"]);
    expect(got.findings.map((f) => f.rule)).toEqual(["broker-gone"]);
    expect(got.stderr).toContain("0 findings printed as they happened, 1 at the end of the capture");
  });

  it("without --eval-packets: the same findings, messages exactly as analyze --json", () => {
    const file = "test/fixtures/incidents/fw-reset-client.pcap";
    const got = watchFindings([file]);
    expect(got.findings).toEqual(analyzeFindings(file));
  });

  it("reads standard input, gzip or not", () => {
    const file = "test/fixtures/kcat/message-too-large-acks1.pcap.gz";
    const got = watchFindings(["--eval-packets", "5", "-"], readFileSync(file));
    expect(got.status, got.stderr).toBe(0);
    expect(sorted(got.findings)).toEqual(sorted(analyzeFindings(file)));
    expect(got.findings.map((f) => f.rule)).toContain("message-too-large");
  });

  it("prints one line per finding without --json, and stops after --count", () => {
    const r = kdiag(["watch", "--eval-packets", "1", "-c", "1", "test/fixtures/real/firewall-idle-client.pcap"]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^2026-11-26 02:33:17\.355732 UTC ERROR firewall-idle \(high\) conn 0: Client kdiag-fwidle 10\.99\.1\.1:44458 -> 10\.99\.2\.2:9092 was reset .* \[packets 1,11,12\]$/);
    expect(r.stderr).toContain("(stopped at --count 1)");
  });
});

describe("kdiag watch: what cannot start says why, with its exit code", () => {
  const cases: Array<[string, string[], NodeJS.ProcessEnv | undefined, number, RegExp]> = [
    ["no input", ["watch"], undefined, 2, /give a capture file \(or - for standard input\) or -i INTERFACE/],
    ["file and -i", ["watch", "-i", "lo", "x.pcap"], undefined, 2, /not both/],
    ["-w without -i", ["watch", "-w", join(tmp, "o.pcap"), "test/fixtures/real/normal.pcap"], undefined, 2, /-w FILE keeps a live capture: it needs -i INTERFACE/],
    ["bad --count", ["watch", "-c", "0", "test/fixtures/real/normal.pcap"], undefined, 2, /--count 0: expected a whole number above 0/],
    ["missing file", ["watch", join(tmp, "nope.pcap")], undefined, 3, /nope\.pcap: no such file/],
    ["not a capture", ["watch", "package.json"], undefined, 3, /package\.json: .*not a capture file/],
    ["no such interface", ["watch", "-i", "kdiag-nosuch0"], undefined, 8, /-i kdiag-nosuch0: no such network interface/],
    ["no capture tool", ["watch", "-i", "lo"], { PATH: "/nonexistent" }, 8, /needs tcpdump or dumpcap, not found on PATH: install the package tcpdump/],
    ["analyze -i, no capture tool", ["analyze", "-i", "lo"], { PATH: "/nonexistent" }, 8, /needs tcpdump or dumpcap/],
  ];
  for (const [name, args, env, code, message] of cases) {
    it(name, () => {
      const r = kdiag(args, env ? { env: { ...process.env, ...env } } : {});
      expect(r.status, r.stderr).toBe(code);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  const root = process.getuid?.() === 0;
  const hasTcpdump = spawnSync("sh", ["-c", "command -v tcpdump"]).status === 0;
  it.skipIf(!root || !hasTcpdump || spawnSync("sh", ["-c", "command -v setpriv"]).status !== 0)("without permission: names the setcap command", () => {
    // Root without CAP_NET_RAW in its bounding set: what tcpdump sees for a user without the
    // capability, while the checkout stays readable (another user may not read a private clone).
    const r = spawnSync("setpriv", ["--bounding-set", "-net_raw,-net_admin", "--", process.execPath, "bin/kdiag.js", "watch", "-i", "lo"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(8);
    expect(r.stderr).toMatch(/capturing needs root or CAP_NET_RAW: .*setcap cap_net_raw,cap_net_admin=eip \S*tcpdump/);
  });

  it.skipIf(!root || !hasTcpdump)("a capture filter the tool refuses", () => {
    const r = kdiag(["watch", "-i", "lo", "-f", "tcp port ((("]);
    expect(r.status).toBe(8);
    expect(r.stderr).toMatch(/the capture filter is not valid BPF/);
  });
});

describe("kdiag watch -i: Ctrl-C ends the capture cleanly", () => {
  const root = process.getuid?.() === 0;
  const tools = spawnSync("sh", ["-c", "command -v tcpdump && command -v tshark"]).status === 0;
  it.skipIf(!root || !tools)("-w keeps a pcapng capture tshark reads with the packet count kdiag reported", async () => {
    // Real TCP traffic on the loopback, on a port of our own.
    const server = createServer((s) => s.on("data", (d) => s.write(d)));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const out = join(tmp, "lo.pcapng");
    const child = spawn(process.execPath, ["bin/kdiag.js", "watch", "-i", "lo", "-f", `tcp port ${port}`, "-w", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    for (let i = 0; i < 100 && !stderr.includes("capturing on"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain("capturing on lo with tcpdump");
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const c = connect(port, "127.0.0.1", () => c.end("hello\n"));
        c.on("close", () => resolve());
        c.resume();
      });
    }
    await new Promise((r) => setTimeout(r, 300));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    child.kill("SIGINT");
    const code = await exited;
    server.close();
    expect(code, stderr).toBe(0);
    const m = /(\d+) packets captured on lo, written to/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const tshark = execFileSync("tshark", ["-r", out], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const count = tshark.split("\n").filter((l) => l.trim() !== "").length;
    // Five connections: at least a SYN, SYN-ACK, ACK and FIN each (data and FIN may share a segment).
    expect(Number(m![1])).toBeGreaterThanOrEqual(5 * 4);
    expect(count).toBe(Number(m![1]));
    // tcpdump wrote classic pcap; what -w kept is pcapng, its interface named as captured.
    expect(stderr).toContain(`written to ${out} (pcapng)`);
    expect(execFileSync("capinfos", ["-t", out], { encoding: "utf8" })).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
    expect(execFileSync("tshark", ["-r", out, "-c", "1", "-T", "fields", "-e", "frame.interface_name"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()).toBe("lo");
  }, 30_000);
});
