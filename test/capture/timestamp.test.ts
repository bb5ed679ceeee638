import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { splitTimestamp, tsResolution } from "../../src/capture/timestamp.js";

/** Reference: exact BigInt arithmetic. */
function reference(tsresol: number, v: bigint, offset: number): [number, number] {
  const k = BigInt(tsresol & 0x7f);
  const d = tsresol & 0x80 ? 1n << k : 10n ** k;
  return [Number(v / d) + offset, Number(((v % d) * 1_000_000_000n) / d)];
}

describe("splitTimestamp", () => {
  const resolutions = [0, 1, 3, 6, 9, 12, 19, 0x80, 0x80 | 1, 0x80 | 10, 0x80 | 20, 0x80 | 31, 0x80 | 32, 0x80 | 33, 0x80 | 40, 0x80 | 63];

  it("matches exact BigInt division for any 64-bit count and any supported resolution", () => {
    fc.assert(
      fc.property(fc.constantFrom(...resolutions), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: -1e9, max: 1e9 }), (r, v, off) => {
        const res = tsResolution(r, off)!;
        const out = { tsSec: 0, tsNsec: 0 };
        splitTimestamp(res, Number(v >> 32n), Number(v & 0xffffffffn), out);
        expect([out.tsSec, out.tsNsec]).toEqual(reference(r, v, off));
        expect(out.tsNsec).toBeGreaterThanOrEqual(0);
        expect(out.tsNsec).toBeLessThan(1e9);
      }),
      { numRuns: 20000 },
    );
  });

  it("is exact at the edges: one unit below a whole second, today's ns count, 2^64-1", () => {
    const cases: Array<[number, bigint]> = [
      [9, 1_700_000_000n * 1_000_000_000n - 1n],
      [9, 1_732_000_000_123_456_789n],
      [6, (1n << 52n) - 1n],
      [6, 1n << 52n],
      [9, (1n << 64n) - 1n],
      [0x80 | 32, (1n << 64n) - 1n],
    ];
    for (const [r, v] of cases) {
      const out = { tsSec: 0, tsNsec: 0 };
      splitTimestamp(tsResolution(r)!, Number(v >> 32n), Number(v & 0xffffffffn), out);
      expect([out.tsSec, out.tsNsec]).toEqual(reference(r, v, 0));
    }
  });

  it("refuses resolutions finer than 10^-19 or 2^-64", () => {
    expect(tsResolution(20)).toBeNull();
    expect(tsResolution(0x80 | 65)).toBeNull();
    expect(tsResolution(19)).not.toBeNull();
  });
});
