/**
 * Per-connection values that cost the ids held (src/tcp/id-slots.ts): read back as a map over
 * the same operations gives them, through the moves of the base, and with a few long-lived ids
 * pinned far below the recent ones, the array spans only about twice the values it holds.
 */
import { describe, expect, it } from "vitest";
import { IdSlots } from "../../src/tcp/id-slots.js";

/** A small deterministic generator (xorshift32), so a failure replays. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe("IdSlots", () => {
  it("reads every id as a Map would, over a live capture's pattern: new ids, most let go soon, some kept long", () => {
    const rnd = random(12);
    const slots = new IdSlots<string>();
    const want = new Map<number, string>();
    let next = 0;
    for (let step = 0; step < 200_000; step++) {
      const r = rnd();
      if (r < 0.5) {
        const id = next++;
        slots.set(id, `v${id}`);
        want.set(id, `v${id}`);
      } else if (r < 0.95 && want.size > 0) {
        // Let go of a recent id mostly, of an old one sometimes (a long-lived connection ends).
        const id = rnd() < 0.9 ? next - 1 - Math.floor(rnd() * Math.min(next, 300)) : Math.floor(rnd() * next);
        slots.delete(id);
        want.delete(id);
      } else if (want.size > 0) {
        // A value replaced (an id below the base included).
        const id = Math.floor(rnd() * next);
        if (want.has(id)) {
          slots.set(id, `w${id}`);
          want.set(id, `w${id}`);
        }
      }
    }
    for (let id = 0; id < next; id++) expect(slots.at(id)).toBe(want.get(id));
    expect(slots.size).toBe(want.size);
    expect([...slots].sort()).toEqual([...want.values()].sort());
    const seen = new Map<number, string>();
    slots.forEach((v, id) => seen.set(id, v));
    expect(seen).toEqual(want);
  });

  it("spans about twice the ids it holds when a few old ones stay and a million were let go", () => {
    const slots = new IdSlots<number>();
    const pinned = [0, 17, 5_000, 250_000];
    for (let id = 0; id < 1_000_000; id++) {
      slots.set(id, id);
      // The window: 1,000 ids held; older ones go, but the pinned ones stay.
      const old = id - 1000;
      if (old >= 0 && !pinned.includes(old)) slots.delete(old);
    }
    expect(slots.size).toBe(1000 + pinned.length);
    expect(slots.span).toBeLessThanOrEqual(4 * 1000);
    for (const id of pinned) expect(slots.at(id)).toBe(id);
    expect(slots.at(1)).toBeUndefined();
    expect(slots.at(999_999)).toBe(999_999);
    expect(slots.at(2_000_000)).toBeUndefined();
  });
});
