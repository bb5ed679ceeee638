/**
 * Pairing one TCP connection seen at two capture points (kdiag compare): by 4-tuple, else through
 * NAT by the client's ISN, else by start time and payload sizes (src/rules/pair.ts, infer.ts).
 * The pure helper on small cases, including those that must not pair; then `kdiag compare` on
 * real captures through source NAT (test/fixtures/matrix/*\/README.md: masquerade with
 * fully-random ports, so the two sides share no client address or port) and on one without NAT.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pairByIsnOrTiming, type PairCandidate } from "../../src/rules/infer.js";
import { REPO_ROOT } from "../helpers/tshark.js";

const S = 1_000_000;

function cand(id: number, over: Partial<PairCandidate> = {}): PairCandidate {
  return { id, isn: -1, startUs: 100 * S, endUs: 110 * S, payloadC2s: 1000, payloadS2c: 500, serverPort: 9092, ...over };
}

const pairs = (ms: ReturnType<typeof pairByIsnOrTiming>) => ms.map((m) => [m.a, m.b, m.how]).sort();

describe("pairByIsnOrTiming", () => {
  it("pairs equal client ISNs whatever the start times", () => {
    const as = [cand(0, { isn: 111, startUs: 100 * S }), cand(1, { isn: 222, startUs: 101 * S })];
    const bs = [cand(7, { isn: 222, startUs: 500 * S }), cand(8, { isn: 111, startUs: 499 * S })];
    expect(pairs(pairByIsnOrTiming(as, bs))).toEqual([
      [0, 8, "isn"],
      [1, 7, "isn"],
    ]);
  });

  it("pairs by start time when there is no ISN, the sizes telling apart two that start together", () => {
    const as = [cand(0, { payloadC2s: 200_000 }), cand(1, { payloadC2s: 300 })];
    const bs = [cand(5, { startUs: 100 * S + 1000, payloadC2s: 300 }), cand(6, { startUs: 100 * S + 2000, payloadC2s: 199_000 })];
    expect(pairs(pairByIsnOrTiming(as, bs))).toEqual([
      [0, 6, "timing"],
      [1, 5, "timing"],
    ]);
  });

  it("takes the closest start first, not the first connection's nearest", () => {
    // Greedy in order would give a0 (1.0 s away) the only b, and a1 (10 ms away) nothing.
    const as = [cand(0, { startUs: 100 * S }), cand(1, { startUs: 101 * S })];
    const bs = [cand(5, { startUs: 101 * S + 10_000 })];
    expect(pairs(pairByIsnOrTiming(as, bs))).toEqual([[1, 5, "timing"]]);
  });

  it("removes the clock offset the ISN pairs show before matching on time", () => {
    // The far host's clock is 30 s ahead: the second connection, without a SYN there, still pairs.
    const as = [cand(0, { isn: 111, startUs: 100 * S }), cand(1, { isn: 222, startUs: 105 * S })];
    const bs = [cand(3, { isn: 111, startUs: 130 * S + 500 }), cand(4, { startUs: 135 * S + 700 })];
    expect(pairs(pairByIsnOrTiming(as, bs))).toEqual([
      [0, 3, "isn"],
      [1, 4, "timing"],
    ]);
    // Without the ISN pair there is no offset to remove: 30 s is far outside the slack.
    expect(pairByIsnOrTiming([as[1]!], [bs[1]!])).toEqual([]);
  });

  it("does not pair a different server port, even with the same ISN", () => {
    expect(pairByIsnOrTiming([cand(0, { isn: 111 })], [cand(1, { isn: 111, serverPort: 9093 })])).toEqual([]);
    expect(pairByIsnOrTiming([cand(0)], [cand(1, { serverPort: 9093 })])).toEqual([]);
  });

  it("does not pair start times further apart than the slack", () => {
    expect(pairByIsnOrTiming([cand(0)], [cand(1, { startUs: 100 * S + 2.5 * S })])).toEqual([]);
    expect(pairByIsnOrTiming([cand(0)], [cand(1, { startUs: 100 * S + 2.5 * S })], 3 * S)).toHaveLength(1);
  });

  it("does not pair payloads that cannot be the same traffic", () => {
    expect(pairByIsnOrTiming([cand(0, { payloadC2s: 100_000 })], [cand(1, { payloadC2s: 20_000 })])).toEqual([]);
    expect(pairByIsnOrTiming([cand(0, { payloadS2c: 0 })], [cand(1, { payloadS2c: 50_000 })])).toEqual([]);
    // A few kB lost on the way (a request the path dropped) still fits.
    expect(pairByIsnOrTiming([cand(0, { payloadC2s: 1566 })], [cand(1, { payloadC2s: 404 })])).toHaveLength(1);
  });

  it("once ISNs are seen to survive the path, two SYNs with different ISNs are not paired by time", () => {
    const as = [cand(0, { isn: 111 }), cand(1, { isn: 222, startUs: 101 * S })];
    const bs = [cand(5, { isn: 111 }), cand(6, { isn: 333, startUs: 101 * S })];
    expect(pairs(pairByIsnOrTiming(as, bs))).toEqual([[0, 5, "isn"]]);
    // Without that proof the NAT may scramble ISNs: then time and sizes decide.
    expect(pairs(pairByIsnOrTiming([as[1]!], [bs[1]!]))).toEqual([[1, 6, "timing"]]);
  });
});

// ---------------------------------------------------------------- kdiag compare on real captures

interface Finding {
  rule: string;
  message: string;
  evidence: { connection?: number; details: Record<string, unknown> };
}

/** A pair-scope rule that reports every pair: how it was matched and both sides' connections. */
const PAIR_DUMP = `
- rule: pair-dump
  title: every pair
  desc: test rule
  severity: info
  scope: pair
  condition: "true"
  output: >-
    {pair.matched_by} {has(pair.conn_client_side) ? string(pair.conn_client_side) : "-"}
    {has(pair.conn_server_side) ? string(pair.conn_server_side) : "-"}
    {pair.client_addr}:{pair.client_port}
    {has(pair.client_addr_server_side) ? pair.client_addr_server_side + ":" + string(pair.client_port_server_side) : "-"}
`;

let rulesFile: string;
beforeAll(() => {
  rulesFile = join(mkdtempSync(join(tmpdir(), "kdiag-pair-")), "pair-dump.yaml");
  writeFileSync(rulesFile, PAIR_DUMP);
});

function kdiagJson(...args: string[]): Record<string, unknown> {
  const r = spawnSync("node", ["bin/kdiag.js", ...args, "--json"], { encoding: "utf8", cwd: REPO_ROOT });
  expect([0, 6], r.stderr).toContain(r.status);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function compare(client: string, broker: string) {
  // Only the pair rules (incidents.yaml) and the dump: the cause rules are not what is tested here.
  const rules = ["--no-builtin", "--rules", join(REPO_ROOT, "rules", "incidents.yaml"), "--rules", rulesFile];
  const findings = kdiagJson("compare", client, broker, ...rules).findings as Finding[];
  const dump = findings
    .filter((f) => f.rule === "pair-dump")
    .map((f) => {
      const [how, c, s, clientView, serverView] = f.message.split(" ");
      return { how, c, s, clientView, serverView };
    });
  return { findings, dump };
}

const connCount = (file: string) => (kdiagJson("flows", file).connections as unknown[]).length;

const NAT = [
  ["path-causes", "fwr-kjs-nat"],
  ["path-causes", "fwd-kjs-nat"],
  ["broker-causes", "mtl-kpy-acksall-nat"],
] as const;

describe.each(NAT)("kdiag compare through source NAT: %s/%s", (dir, name) => {
  const client = join(REPO_ROOT, "test", "fixtures", "matrix", dir, `${name}-client.pcap.gz`);
  const broker = join(REPO_ROOT, "test", "fixtures", "matrix", dir, `${name}-broker.pcap.gz`);
  let r: ReturnType<typeof compare>;
  beforeAll(() => {
    r = compare(client, broker);
  });

  it("pairs every connection by the client's ISN, though addresses and ports differ", () => {
    // Both sides have the same connections (README: the NAT only rewrites the client's address/port).
    const n = connCount(client);
    expect(connCount(broker)).toBe(n);
    expect(n).toBeGreaterThanOrEqual(2);
    expect(r.dump).toHaveLength(n);
    for (const p of r.dump) {
      expect(p.how).toBe("isn");
      expect(p.serverView).not.toBe(p.clientView);
      expect(p.serverView!.split(":")[0]).not.toBe(p.clientView!.split(":")[0]);
    }
    // Each connection once on each side; both captures number them in order of their first packet.
    expect(r.dump.map((p) => [p.c, p.s]).sort()).toEqual(Array.from({ length: n }, (_, i) => [String(i), String(i)]));
  });

  it("no finding says the broker side never saw a connection", () => {
    expect(r.findings.filter((f) => /never saw the connection/.test(f.message))).toEqual([]);
  });
});

describe("kdiag compare through source NAT: the forged RST (fwr-kjs-nat)", () => {
  it("rst-not-from-broker names the connection the broker saw end open", () => {
    const dir = join(REPO_ROOT, "test", "fixtures", "matrix", "path-causes");
    const { findings } = compare(join(dir, "fwr-kjs-nat-client.pcap.gz"), join(dir, "fwr-kjs-nat-broker.pcap.gz"));
    const rst = findings.filter((f) => f.rule === "rst-not-from-broker");
    expect(rst).toHaveLength(1);
    expect(rst[0]!.evidence.connection).toBe(0);
    expect(rst[0]!.evidence.details.server_side_connection).toBe(0);
    expect(rst[0]!.message).toContain("shows it ending open with no RST");
  });
});

describe("kdiag compare without NAT (fw-reset)", () => {
  it("pairs by 4-tuple and still finds the RST the broker never sent", () => {
    const dir = join(REPO_ROOT, "test", "fixtures", "incidents");
    const { findings, dump } = compare(join(dir, "fw-reset-client.pcap"), join(dir, "fw-reset-broker.pcap"));
    expect(dump.length).toBeGreaterThan(0);
    for (const p of dump) {
      expect(p.how).toBe("4-tuple");
      expect(p.serverView).toBe(p.clientView);
    }
    const rst = findings.filter((f) => f.rule === "rst-not-from-broker");
    expect(rst).toHaveLength(1);
    expect(rst[0]!.evidence.connection).toBe(0);
  });
});
