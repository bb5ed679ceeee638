/**
 * Property tests of reassembly over random segmentations of one client stream: any order,
 * duplicates, overlaps, losses and snap-length cuts, with and without tight buffer limits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TcpTracker } from "../../src/tcp/tracker.js";
import { byteAt, RecordingSink, Scenario } from "./helpers.js";
import { expectSinkContract } from "./invariants.js";

interface Seg {
  off: number;
  len: number;
  cap: number;
}

const arbCase = fc
  .record({
    isn: fc.integer({ min: 0, max: 0xffffffff }),
    total: fc.integer({ min: 2, max: 3000 }),
    cuts: fc.array(fc.integer({ min: 1, max: 2999 }), { maxLength: 12 }),
    extra: fc.array(fc.record({ a: fc.nat(), b: fc.nat() }), { maxLength: 6 }),
    order: fc.array(fc.nat(), { maxLength: 40 }),
    dropMask: fc.array(fc.boolean(), { maxLength: 40 }),
    truncMask: fc.array(fc.nat({ max: 9 }), { maxLength: 40 }),
    perDir: fc.oneof(fc.constant(1 << 20), fc.integer({ min: 1, max: 1500 })),
  })
  .map((c) => {
    // Segment [0,total) at the cut points; add overlapping extra segments; shuffle by `order`.
    const points = [...new Set(c.cuts.filter((x) => x < c.total))].sort((a, b) => a - b);
    const segs: Seg[] = [];
    let prev = 0;
    for (const p of [...points, c.total]) {
      if (p - prev >= 2) segs.push({ off: prev, len: p - prev, cap: p - prev });
      else if (segs.length > 0) segs[segs.length - 1]!.len += p - prev;
      else segs.push({ off: prev, len: p - prev, cap: p - prev });
      segs[segs.length - 1]!.cap = segs[segs.length - 1]!.len;
      prev = p;
    }
    for (const e of c.extra) {
      const off = e.a % c.total;
      const len = Math.max(2, Math.min(c.total - off, 2 + (e.b % 700)));
      if (off + len <= c.total) segs.push({ off, len, cap: len });
    }
    for (let i = segs.length - 1; i > 0; i--) {
      const j = (c.order[i] ?? i) % (i + 1);
      [segs[i], segs[j]] = [segs[j]!, segs[i]!];
    }
    const dropped = segs.map((_, i) => c.dropMask[i] === true && c.dropMask.length > 3);
    segs.forEach((s, i) => {
      if ((c.truncMask[i] ?? 9) === 0 && s.len > 2) s.cap = 1 + (s.len >> 1);
    });
    return { isn: c.isn, total: c.total, segs, dropped, perDir: c.perDir };
  });

describe("reassembly properties", () => {
  it("delivers every byte at its offset, covers the stream exactly once, and respects the limit", () => {
    fc.assert(
      fc.property(arbCase, ({ isn, total, segs, dropped, perDir }) => {
        const sc = new Scenario().handshake(0, 10, isn, 5000);
        let t = 20;
        segs.forEach((s, i) => {
          if (dropped[i]) return;
          sc.c({ t: (t += 1), f: "PA", seq: (isn + 1 + s.off) >>> 0, ack: 5001, len: s.len, cap: s.cap });
        });
        let sink: RecordingSink | null = null;
        const tracker = new TcpTracker({
          limits: { perDirectionBytes: perDir, totalBytes: 1 << 30 },
          openSink: () => (sink = new RecordingSink()),
        });
        let maxHeld = 0;
        for (const p of sc.packets) {
          tracker.track(p.num, p.tsUs, p.wireLen, p.pkt, p.frame);
          maxHeld = Math.max(maxHeld, tracker.heldBytes);
        }
        tracker.finish();
        expect(maxHeld).toBeLessThanOrEqual(perDir);
        expect(tracker.heldBytes).toBe(0);
        const kept = segs.filter((_, i) => !dropped[i]);
        if (kept.length === 0) {
          expect(sink).toBeNull();
          return;
        }
        const rec = sink as unknown as RecordingSink;
        expectSinkContract(rec);
        // Coverage ends at the highest byte any captured segment declared.
        const end = Math.max(...kept.map((s) => s.off + s.len));
        let covered = 0;
        for (const c of rec.calls) {
          if (c.kind === "data") {
            for (let i = 0; i < c.bytes.length; i++) {
              if (c.bytes[i] !== byteAt((isn + 1 + c.ref.streamOffset + i) >>> 0)) throw new Error(`wrong byte at ${c.ref.streamOffset + i}`);
            }
            covered += c.bytes.length;
          } else if (c.kind === "gap") covered += c.length;
        }
        expect(covered).toBe(end);
        // Without losses, cuts or limits, there is nothing to report as a gap.
        const clean = dropped.every((d) => !d) && segs.every((s) => s.cap === s.len) && perDir >= 1 << 20;
        if (clean) expect(rec.calls.some((c) => c.kind === "gap")).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("sink contract on random conversations", () => {
  it("every sink sees contiguous data/gap per direction and exactly one close, last", async () => {
    const { randomScenario } = await import("./random-scenario.js");
    const { run } = await import("./run.js");
    for (const seed of [11, 12, 13, 14]) {
      const r = run(randomScenario(seed, 30, 80), { limits: { perDirectionBytes: 3000, totalBytes: 8000 } });
      const opened = r.sinks.filter((s) => s !== undefined);
      expect(opened.length).toBeGreaterThan(10);
      for (const s of opened) expectSinkContract(s);
      expect(r.tracker.heldBytes).toBe(0);
      const closes = opened.map((s) => {
        const last = s.calls.at(-1)!;
        return last.kind === "close" ? last.how.how : "none";
      });
      expect(closes.every((h) => h === "fin" || h === "rst" || h === "end-of-capture")).toBe(true);
      expect(closes.some((h) => h === "rst")).toBe(true);
      expect(closes.some((h) => h === "end-of-capture")).toBe(true);
    }
  });
});
