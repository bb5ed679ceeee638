/**
 * A short, seeded fuzz run in the test suite (the long one: `npm run fuzz -- --cases 100000`):
 * mutated real captures through the whole analysis and every report. No case may throw, write
 * JSON that does not parse back, or take longer than the limit. scripts/fuzz/harness.ts says
 * what a case is.
 */
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { caseArbitrary, cleanup, mutate, runCase, seedCaptures } from "../../scripts/fuzz/harness.js";

const seeds = seedCaptures(process.cwd());
afterAll(() => cleanup());

describe("fuzzed captures", () => {
  it("300 mutated captures: no throw, valid JSON, bounded time", async () => {
    let stoppedEarly = 0;
    let decoded = 0;
    await fc.assert(
      fc.asyncProperty(caseArbitrary(seeds.length), async (c) => {
        const r = await runCase(mutate(seeds[c.seed]!.bytes, c.mutations), 20_000);
        if (r.stoppedBy) stoppedEarly++;
        else decoded++;
        expect(r.error ?? null, `${seeds[c.seed]!.name} ${JSON.stringify(c.mutations)}`).toBeNull();
      }),
      { numRuns: 300, seed: 20261207, endOnFailure: true },
    );
    // Both kinds of case happen: mutations the readers stop at, and ones that reach the dissectors.
    expect(stoppedEarly).toBeGreaterThan(20);
    expect(decoded).toBeGreaterThan(20);
  }, 300_000);
});
