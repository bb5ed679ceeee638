/**
 * `-Y FILTER` on packets, flows and kafka, as a user runs it: the binary, its stdout, stderr and
 * exit code.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const kdiag = (...args: string[]) => spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
const FIREWALL = "samples/firewall-idle-client.pcap";

describe("-Y display filters on the commands", () => {
  it("packets -Y prints only the matching packets, with their original numbers, as tshark -Y", () => {
    const r = kdiag("packets", "-Y", "tcp.flags.reset == 1 and ip.ttl != 63", FIREWALL);
    expect(r.status).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).map((l) => l.trim().split(/\s+/)[0])).toEqual(["12", "24"]);
    expect(r.stdout).toMatch(/9092 → 44458 \[RST\]/);
    const json = JSON.parse(kdiag("packets", "--json", "--filter", "kafka.api_key == 18 && tcp.srcport != 9092", FIREWALL).stdout) as { packets: Array<{ number: number }> };
    expect(json.packets.map((p) => p.number)).toEqual([4, 16, 28]);
  });

  it("flows -Y and kafka -Y filter their rows", () => {
    const flows = kdiag("flows", "-Y", 'ip.addr == 10.99.0.0/16 and conn.close_how == "rst"', FIREWALL);
    expect(flows.status).toBe(0);
    const rows = flows.stdout.split("\n").filter((l) => /^\d+ /.test(l));
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(["0", "1"]);
    const kafka = kdiag("kafka", "-Y", "kafka.api_key == 3", "test/fixtures/real/cooked-any.pcap");
    const lines = kafka.stdout.split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/^time +conn +api/);
    expect(lines.slice(1).every((l) => l.includes("Metadata v0"))).toBe(true);
    expect(lines.length).toBe(5);
  });

  it("a wrong filter is a usage error: one line with the column, exit 2, before the capture is read", () => {
    const r = kdiag("packets", "-Y", "tcp.flag.reset == 1", "no-such-file.pcap");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toEqual(['kdiag: -Y "tcp.flag.reset == 1": col 1: unknown field "tcp.flag.reset" (did you mean "tcp.flags.reset"?); kdiag fields lists them']);
    expect(kdiag("kafka", "--stats", "-Y", "kafka.api_key == 0", FIREWALL).status).toBe(2);
  });

  it("kdiag fields lists the Wireshark names a display filter adds", () => {
    const r = kdiag("fields");
    expect(r.stdout).toMatch(/^ip\.addr +ip +Either IPv4 address/m);
    expect(r.stdout).toMatch(/^tcp\.port +int +Either TCP port/m);
    expect(r.stdout).toMatch(/^Protocols, alone a test that the packet carries them: .*\barp\b.*\bkafka\b/m);
  });
});
