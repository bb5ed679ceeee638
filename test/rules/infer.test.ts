/**
 * The inferences the causes rest on, on small cases, including the ones that must not conclude.
 */
import { describe, expect, it } from "vitest";
import { bracket, inCluster, largestCluster, median } from "../../src/rules/infer.js";
import { formatBytes, formatClock, formatDuration } from "../../src/cel/functions.js";

describe("bracket: a limit between what got through and what did not", () => {
  it("lies between the largest accepted and the smallest refused", () => {
    expect(bracket([8_142, 25_100, 55_100], [240_500, 300_000])).toEqual({ low: 55_100, high: 240_500, consistent: true });
  });

  it("does not conclude when something larger got through than was refused", () => {
    // Refusals that were not about size (a firewall reset a small request): no limit between.
    expect(bracket([300_000], [167]).consistent).toBe(false);
  });

  it("keeps a one-sided bound when only one side was seen", () => {
    expect(bracket([], [2_000_142])).toEqual({ low: null, high: 2_000_142, consistent: true });
    expect(bracket([187], [])).toEqual({ low: 187, high: null, consistent: true });
    expect(bracket([], [])).toEqual({ low: null, high: null, consistent: false }); // nothing to conclude
  });
});

describe("idle closes clustered around one timeout", () => {
  it("a value near the others' median belongs", () => {
    expect(inCluster(2_955, [2_960, 3_010])).toBe(true);
  });

  it("a scattered value does not, and one value alone never makes a cluster", () => {
    expect(inCluster(9_000, [2_960, 3_010])).toBe(false);
    expect(inCluster(2_955, [])).toBe(false);
  });

  it("the largest cluster of closes, not the whole set", () => {
    expect(largestCluster([3_000, 3_100, 2_950, 20_000, 45_000])).toEqual([2_950, 3_000, 3_100]);
    expect(largestCluster([])).toEqual([]);
  });

  it("median of an even and an odd count", () => {
    expect(median([4, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe("numbers the way an operator reads them", () => {
  it("durations with three significant digits and a unit", () => {
    expect(formatDuration(965.14425)).toBe("965 ms");
    expect(formatDuration(5956.093)).toBe("5.96 s");
    expect(formatDuration(0.043)).toBe("43 µs");
    expect(formatDuration(362_000)).toBe("6 min 2 s");
    expect(formatDuration(600_000)).toBe("10 min");
    expect(formatDuration(7_200_000)).toBe("2 h");
  });

  it("byte counts with the exact number when rounded", () => {
    expect(formatBytes(167)).toBe("167 bytes");
    expect(formatBytes(1_048_588)).toBe("1.05 MB (1,048,588 bytes)");
    expect(formatBytes(60_000)).toBe("60 kB (60,000 bytes)");
  });

  it("times of day in UTC with milliseconds", () => {
    expect(formatClock(1_796_594_281.620056)).toBe("21:58:01.620 UTC");
  });
});
