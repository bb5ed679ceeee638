import { describe, expect, it } from "vitest";
import { findBursts } from "../../src/rules/window.js";

const at = (...ms: number[]) => ms.map((t, i) => ({ timeUs: t * 1000, item: i }));
const items = (bursts: ReturnType<typeof findBursts<number>>) => bursts.map((b) => b.items.map((x) => x.item));

describe("findBursts", () => {
  it("reports nothing below the count", () => {
    expect(findBursts(at(0, 10, 20), 4, 100)).toEqual([]);
  });

  it("one burst while the window stays full, extended by later items", () => {
    expect(items(findBursts(at(0, 10, 20, 30, 500), 3, 100))).toEqual([[0, 1, 2, 3]]);
  });

  it("a new burst after the count drops", () => {
    expect(items(findBursts(at(0, 10, 20, 1000, 1010, 1020), 3, 100))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  it("the window bound is inclusive and input order does not matter", () => {
    expect(items(findBursts(at(100, 0), 2, 100))).toEqual([[1, 0]]);
    expect(findBursts(at(0, 101), 2, 100)).toEqual([]);
  });
});
