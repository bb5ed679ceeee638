import { expect } from "vitest";
import type { RecordingSink } from "./helpers.js";

/**
 * The sink contract, checked on a recording: per direction, data/gap calls cover the stream
 * contiguously from offset 0 (no overlap, no hole), every call has a positive length, and there
 * is exactly one close, as the last call (or none when `closed` is false).
 */
export function expectSinkContract(sink: RecordingSink, closed = true): void {
  const next: Record<string, number> = { c2s: 0, s2c: 0 };
  let closes = 0;
  sink.calls.forEach((c, i) => {
    if (c.kind === "close") {
      closes++;
      expect(i, "close is the last call").toBe(sink.calls.length - 1);
      return;
    }
    const len = c.kind === "data" ? c.bytes.length : c.length;
    expect(len, `${c.kind} length`).toBeGreaterThan(0);
    expect(c.ref.streamOffset, `${c.kind} ${c.dir} offset`).toBe(next[c.dir]);
    expect(c.ref.first).toBeLessThanOrEqual(c.ref.last);
    next[c.dir]! += len;
  });
  expect(closes).toBe(closed ? 1 : 0);
}
