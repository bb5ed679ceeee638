/**
 * Connections folded past --keep-connections (src/live/folded.ts): the facts of the connections
 * still held read the aggregates instead of the folded connections' rows, and come out the same
 * (path.*, end.*, conn.*), on real captures; kdiag watch says when it folded, and what it cannot
 * see any more (bursts over connections at the end).
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { connectionEnds } from "../../src/facts/end-shape.js";
import { scanPackets } from "../../src/facts/packet-stats.js";
import { buildConnectionFacts, connShare } from "../../src/facts/build.js";
import { buildEndFacts, endShare } from "../../src/rules/end-facts.js";
import { RetiredRows } from "../../src/live/retired-rows.js";
import { FoldedConnections } from "../../src/live/folded.js";
import type { Connection } from "../../src/tcp/types.js";

// Several connections on one path and server each: reconnects, idle kills and survivals, the
// broker's idle closes, refused Produces, closes together.
const CAPTURES = [
  "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz",
  "test/fixtures/incidents/fw-reset-client.pcap",
  "test/fixtures/incidents/broker-idle-close.pcap",
  "test/fixtures/matrix/broker-causes/mtl-socket-request-rst-client.pcap.gz",
  "test/fixtures/sasl/plain-wrong-password-kafka-python.pcap",
  "test/fixtures/real/ipv6.pcap",
];

/**
 * The capture as a live window leaves it once connections [0, k) left: each is its row's view
 * (kept whole, `folded` false) or a hole with its row folded into the aggregates (`folded` true);
 * their messages and exchanges are gone either way.
 */
function leftBelow(capture: AnalysedCapture, k: number, folded: boolean): AnalysedCapture {
  const ends = connectionEnds(capture);
  const stats = scanPackets(capture);
  const rows = new RetiredRows();
  const agg = new FoldedConnections((c, e) => endShare(c, e, c.dissector === "kafka"), connShare);
  const connections: Array<Connection | undefined> = capture.connections.map((c) => (c!.id < k ? rows.keep(c!, ends[c!.id]!, stats[c!.id]!) : c));
  if (folded) for (const id of rows.foldOldest(0, agg)) connections[id] = undefined;
  return {
    ...capture,
    connections,
    pdus: capture.pdus.filter((d) => d.connId >= k),
    exchanges: capture.exchanges.filter((x) => x.connId >= k),
    notes: capture.notes.filter((n) => n.connId >= k),
    ...(folded ? { folded: agg } : {}),
  };
}

describe("facts over folded connections", () => {
  for (const file of CAPTURES) {
    it(`are the facts over their compact rows: ${file.split("/").pop()}`, async () => {
      const capture = await analyseCapture(file, { registry: createRegistry() });
      const n = capture.connections.length;
      expect(n).toBeGreaterThanOrEqual(2);
      let compared = 0;
      // Fold the oldest k connections, for every k: each later connection's facts must not change.
      for (let k = 1; k < n; k++) {
        const rows = leftBelow(capture, k, false);
        const holes = leftBelow(capture, k, true);
        expect(holes.connections.slice(0, k).every((c) => c === undefined)).toBe(true);
        const wantEnd = buildEndFacts(rows);
        const gotEnd = buildEndFacts(holes);
        const wantConn = buildConnectionFacts(rows);
        const gotConn = buildConnectionFacts(holes);
        for (let id = k; id < n; id++) {
          const { folded_connections: foldedHere, ...path } = gotEnd[id]!.path;
          expect(foldedHere).toBe(BigInt(capture.connections.slice(0, k).filter((c) => c!.server.addr === capture.connections[id]!.server.addr && c!.server.port === capture.connections[id]!.server.port).length));
          const { folded_connections: zero, ...wantPath } = wantEnd[id]!.path;
          expect(zero).toBe(0n);
          expect([file, k, id, path]).toEqual([file, k, id, wantPath]);
          expect([file, k, id, gotEnd[id]!.end]).toEqual([file, k, id, wantEnd[id]!.end]);
          expect([file, k, id, gotConn[id]]).toEqual([file, k, id, wantConn[id]]);
          compared++;
        }
      }
      expect(compared).toBe((n * (n - 1)) / 2);
      capture.bytes.close();
    });
  }
});

describe("RetiredRows past a cap", () => {
  it("folds the oldest rows first, frees their slots for new rows, and a folded view is not read silently", async () => {
    const capture = await analyseCapture(CAPTURES[0]!, { registry: createRegistry() });
    const ends = connectionEnds(capture);
    const stats = scanPackets(capture);
    const rows = new RetiredRows();
    const agg = new FoldedConnections((c, e) => endShare(c, e, c.dissector === "kafka"), connShare);
    const views = capture.connections.slice(0, 6).map((c) => rows.keep(c!, ends[c!.id]!, stats[c!.id]!));
    expect(rows.foldOldest(4, agg)).toEqual([0, 1]);
    expect(rows.size).toBe(4);
    expect(agg.count).toBe(2);
    expect(rows.has(0) || rows.has(1)).toBe(false);
    expect(() => views[0]!.startUs).toThrow(/connection 0 read after it was folded/);
    // The freed rows are reused: four more connections fit in the same columns.
    const capacity = rows.capacity;
    for (const c of capture.connections.slice(6, 10)) rows.keep(c!, ends[c!.id]!, stats[c!.id]!);
    expect(rows.foldOldest(4, agg)).toEqual([2, 3, 4, 5]);
    expect(rows.capacity).toBe(capacity);
    // What stays of the rest reads back as before.
    for (const c of capture.connections.slice(6, 10)) expect(JSON.parse(JSON.stringify(rows.view(c!.id)))).toEqual(JSON.parse(JSON.stringify(c)));
    expect(agg.summary()).toMatchObject({ connections: 6, servers: 1, paths: 1 });
    capture.bytes.close();
  });
});

function kdiag(args: string[]) {
  return spawnSync(process.execPath, ["bin/kdiag.js", ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
}

describe("kdiag watch --keep-connections", () => {
  it("folding every connection as it leaves changes no finding on the busy host, and says so", () => {
    const file = "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz";
    const all = kdiag(["watch", "--json", "--window", "1", "--eval-packets", "1", "--keep-connections", "all", file]);
    const none = kdiag(["watch", "--json", "--window", "1", "--eval-packets", "1", "--keep-connections", "0", file]);
    expect(none.status, none.stderr).toBe(0);
    expect(none.stdout).toBe(all.stdout);
    expect(all.stderr).not.toMatch(/folded/);
    expect(none.stderr).toMatch(/^kdiag: 10 older connections folded into per-server and per-path aggregates \(past --keep-connections 0\)/m);
    // With --json, a script reads the same as one JSON object.
    const line = none.stderr.split("\n").find((l) => l.startsWith("kdiag: folded: "))!;
    expect(JSON.parse(line.slice("kdiag: folded: ".length))).toMatchObject({ keepConnections: 0, connections: 10, servers: 1, paths: 1, closedBy: { client: 10 } });
  });

  it("a reconnect storm among folded connections is not seen at the end, and the output says bursts do not see them", () => {
    // 14 short connections from one client, refused by a wrong password: a storm over connections
    // that all left the window; folded, the final evaluation no longer has them.
    const file = "test/fixtures/sasl/plain-wrong-password-kafka-python.pcap";
    const all = kdiag(["watch", "--json", "--window", "1", "--eval-packets", "1", "--keep-connections", "all", file]);
    const none = kdiag(["watch", "--json", "--window", "1", "--eval-packets", "1", "--keep-connections", "0", file]);
    const rules = (out: string) => out.split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { rule: string }).rule);
    expect(rules(all.stdout)).toContain("reconnect-storm");
    expect(rules(none.stdout)).not.toContain("reconnect-storm");
    expect(rules(none.stdout).filter((r) => r !== "reconnect-storm")).toEqual(rules(all.stdout).filter((r) => r !== "reconnect-storm"));
    expect(none.stderr).toMatch(/bursts over connections \(reconnect-storm\) and the other rules over the whole capture at the end do not see them/);
  });

  it("refuses a cap it cannot read, in one line", () => {
    const r = kdiag(["watch", "--keep-connections", "lots", "test/fixtures/real/normal.pcap"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/--keep-connections lots: expected a whole number of connections \(200000\), 0, or all/);
  });
});
