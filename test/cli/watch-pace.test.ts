/**
 * kdiag watch's re-run pace (src/cli/watch.ts stepGap): a finding settled by a packet prints
 * within the gap before the next re-run plus that re-run's time; the gap keeps that within a
 * second while the re-runs allow it (up to half of the time), and else leaves the pass two thirds.
 */
import { describe, expect, it } from "vitest";
import { stepGap } from "../../src/cli/watch.js";

describe("re-run pace", () => {
  it("re-runs cheap ones every 250 ms at most, so a finding prints a few hundred ms after its evidence", () => {
    expect(stepGap(0)).toBe(250);
    expect(stepGap(20)).toBe(250);
    expect(stepGap(100)).toBe(250);
  });

  it("gives re-runs a third of the time while a finding still prints within a second", () => {
    for (const took of [150, 200, 300, 333]) {
      expect(stepGap(took)).toBe(2 * took);
      expect(stepGap(took) + took).toBeLessThanOrEqual(1000);
    }
  });

  it("gives them up to half the time where that keeps a finding within a second", () => {
    for (const took of [400, 450, 500]) {
      expect(stepGap(took) + took).toBeLessThanOrEqual(1000);
      expect(stepGap(took)).toBeGreaterThanOrEqual(took);
    }
  });

  it("gives them a third of the time again once a second is out of reach (the pass comes first)", () => {
    for (const took of [501, 600, 1000, 2500]) expect(stepGap(took)).toBe(2 * took);
  });
});
