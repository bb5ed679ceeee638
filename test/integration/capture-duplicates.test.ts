/**
 * `tcpdump -i any` on a host the traffic crosses records every packet once per interface. Real
 * captures of the same healthy run, made by scripts/fixtures/make-any-duplicates.sh: in the router
 * with -i any (each packet twice) and on the client's own interface (once). kdiag must read the
 * first like the second -- the copies counted apart, never read as packet loss -- while tshark
 * flags every copy as a retransmission or a duplicate ACK.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KDIAG_BIN, REPO_ROOT, tsharkAvailable } from "../helpers/tshark.js";

const DIR = join(REPO_ROOT, "test", "fixtures", "variants");
const ROUTED = join(DIR, "any-router-dup.pcap.gz");
const ROUTED_CLIENT = join(DIR, "any-router-dup-client.pcap.gz");
const NAT = join(DIR, "any-router-nat-dup.pcap.gz");
const NAT_CLIENT = join(DIR, "any-router-nat-dup-client.pcap.gz");

function kdiag(...args: string[]): { status: number | null; stdout: string } {
  const r = spawnSync("node", [KDIAG_BIN, ...args], { encoding: "utf8", cwd: REPO_ROOT });
  return { status: r.status, stdout: r.stdout };
}

interface Flow {
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  c2s: { packets: number; payload_bytes: number };
  s2c: { packets: number; payload_bytes: number };
  events: Record<string, number>;
  close: { how: string; by: string | null };
}

function flows(file: string): Flow[] {
  return JSON.parse(kdiag("flows", file, "--json").stdout).connections as Flow[];
}

/** What a connection looks like whatever interface it was captured on. */
function shape(f: Flow): unknown {
  const { capture_duplicate: _copies, ...events } = f.events;
  return {
    client: f.client.addr,
    server: `${f.server.addr}:${f.server.port}`,
    c2s: [f.c2s.packets, f.c2s.payload_bytes],
    s2c: [f.s2c.packets, f.s2c.payload_bytes],
    events,
    close: [f.close.how, f.close.by],
  };
}

interface Finding {
  rule: string;
  severity: string;
  message: string;
}

function findings(file: string): Finding[] {
  const r = kdiag("analyze", file, "--json");
  expect([0, 6]).toContain(r.status);
  return JSON.parse(r.stdout).findings as Finding[];
}

const problems = (fs: Finding[]) => fs.filter((f) => f.severity !== "info").map((f) => f.rule);

describe("a capture holding every packet twice (tcpdump -i any in a router)", () => {
  it("has the client capture's connections, counts, TCP events and ends, with each copy counted apart", () => {
    const routed = flows(ROUTED);
    const client = flows(ROUTED_CLIENT);
    expect(routed.length).toBe(8);
    expect(routed.map(shape)).toEqual(client.map(shape));
    // 170 packets, each captured twice: every copy recognised, none in the client's capture.
    expect(routed.reduce((n, f) => n + f.events["capture_duplicate"]!, 0)).toBe(170);
    expect(client.every((f) => f.events["capture_duplicate"] === 0)).toBe(true);
    // IPv6 too, where there is no IP identification to compare.
    expect(routed.filter((f) => f.client.addr.includes(":")).every((f) => f.events["capture_duplicate"]! > 0)).toBe(true);
  });

  it("reports no packet loss and no cause the client capture does not have; says the copies are there", () => {
    const routed = findings(ROUTED);
    expect(problems(routed)).toEqual([]);
    expect(problems(routed)).toEqual(problems(findings(ROUTED_CLIENT)));
    const note = routed.find((f) => f.rule === "capture-duplicates");
    expect(note?.severity).toBe("info");
    expect(note?.message).toMatch(/^170 of 340 packets are copies .*\(the first: packet 2\)/);
    expect(findings(ROUTED_CLIENT).some((f) => f.rule === "capture-duplicates")).toBe(false);
  });

  it("flags as copies exactly the packets tshark calls retransmissions or duplicate ACKs", () => {
    if (!tsharkAvailable()) throw new Error("tshark is needed (.ci/run installs it)");
    const tshark = execFileSync("tshark", ["-r", ROUTED, "-Y", "tcp.analysis.flags", "-T", "fields", "-e", "frame.number"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
    const ours = JSON.parse(kdiag("packets", ROUTED, "-Y", "tcp.analysis.capture_duplicate", "--json").stdout).packets as Array<{ number: number; events: string[] }>;
    expect(ours.map((p) => p.number)).toEqual(tshark);
    expect(ours.every((p) => p.events.join() === "capture_duplicate")).toBe(true);
  });
});

describe("the same run through NAT (-i any in the router, masquerade on the way out)", () => {
  it("shows each connection twice, before and after NAT, and still no problem", () => {
    const nat = flows(NAT);
    const client = flows(NAT_CLIENT);
    // The copy after NAT has other addresses and ports: a connection of its own, not a copy.
    expect(nat.length).toBe(2 * client.length);
    expect(nat.every((f) => f.events["capture_duplicate"] === 0)).toBe(true);
    expect(problems(findings(NAT))).toEqual([]);
  });
});
