/**
 * What stays of a connection that left a live window (src/live/retired-rows.ts): one typed-array
 * row behind one view, which must read back exactly what the pass and the facts had built.
 */
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { connectionEnds } from "../../src/facts/end-shape.js";
import { longestZeroWindowStall, scanPackets } from "../../src/facts/packet-stats.js";
import { RETIRED_ROW_BYTES, RetiredRows } from "../../src/live/retired-rows.js";
import { LeftIds } from "../../src/live/left-ids.js";

const CAPTURES = [
  "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz",
  "test/fixtures/incidents/fw-reset-client.pcap",
  "test/fixtures/incidents/keepalive-survives-client.pcap",
  "test/fixtures/incidents/broker-idle-close.pcap",
  // Zero windows (a 3.6 s stall) and retransmissions on the path.
  "test/fixtures/matrix/conditions/slow-reader-client.pcap.gz",
  "test/fixtures/matrix/conditions/lossy-busy-client.pcap.gz",
];
// A row keeps the longest zero-window stall with any stall still under way folded in.
const STALL_PARTS = new Set(["stallStartUs", "stallStartFrame", "longestStallUs", "longestStallBy", "longestStallFrame", "longestStallEndFrame"]);

describe("RetiredRows", () => {
  for (const file of CAPTURES) {
    it(`reads back every connection, end shape and counter of ${file.split("/").pop()}`, async () => {
      const capture = await analyseCapture(file, { registry: createRegistry() });
      const ends = connectionEnds(capture);
      const stats = scanPackets(capture);
      const rows = new RetiredRows();
      // Kept out of order: rows are indexed by connection id, not by arrival.
      const ids = capture.connections.map((c) => c.id).reverse();
      for (const id of ids) rows.keep(capture.connections[id]!, ends[id]!, stats[id]!);
      expect(rows.size).toBe(capture.connections.length);
      for (const c of capture.connections) {
        const v = rows.view(c.id)!;
        expect(JSON.parse(JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(c)));
        const e = ends[c.id]!;
        for (const k of Object.keys(e) as Array<keyof typeof e>) {
          if (k === "earlierBursts") expect(v.earlierBursts).toEqual(e.earlierBursts.length === 0 ? [] : [Math.max(...e.earlierBursts)]);
          else expect([k, v[k]]).toEqual([k, e[k]]);
        }
        const s = stats[c.id]!;
        for (const k of Object.keys(s) as Array<keyof typeof s>) if (!STALL_PARTS.has(k)) expect([k, v[k]]).toEqual([k, s[k]]);
        expect(longestZeroWindowStall(v, c.endUs)).toEqual(longestZeroWindowStall(s, c.endUs));
      }
      capture.bytes.close();
    });
  }

  it("costs a row of fixed size, not objects, per connection", () => {
    expect(RETIRED_ROW_BYTES).toBeLessThan(600);
  });
});

describe("LeftIds", () => {
  it("says which ids left, far apart, counts them, and lists those still held in id order", () => {
    const f = new LeftIds();
    f.see(5);
    f.add(3);
    f.add(100_000);
    f.add(3);
    expect(f.size).toBe(2);
    expect(f.has(3) && f.has(100_000)).toBe(true);
    // Opened and held, or never opened: not left.
    expect(f.has(4) || f.has(99_999) || f.has(10_000_000)).toBe(false);
    expect(f.stillHeld().slice(0, 4)).toEqual([0, 1, 2, 4]);
    expect(f.stillHeld().length).toBe(100_001 - 2);
  });
});
