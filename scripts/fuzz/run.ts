/**
 * The long fuzz run (the test suite runs a short one):
 *
 *   npm run fuzz -- [--cases N=2000] [--seed S=1] [--limit-ms MS=20000] [--out DIR]
 *
 * Prints one line per failing case (seed capture, mutations, error) and a summary: cases,
 * failures, slowest case, peak RSS. Failing inputs are written to --out (default: a temp folder)
 * to reproduce with `kdiag analyze FILE`. Exit 1 when a case failed.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { caseArbitrary, cleanup, mutate, runCase, seedCaptures } from "./harness.js";

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const cases = opt("cases", 2000);
const seed = opt("seed", 1);
const limitMs = opt("limit-ms", 20_000);
const outIdx = args.indexOf("--out");
const out = outIdx >= 0 ? resolve(args[outIdx + 1]!) : mkdtempSync(join(tmpdir(), "kdiag-fuzz-failures-"));
mkdirSync(out, { recursive: true });

const seeds = seedCaptures(process.cwd());
const samples = fc.sample(caseArbitrary(seeds.length), { numRuns: cases, seed });
let failures = 0;
let slowest = 0;
let peakRss = 0;
let stopped = 0;
const started = Date.now();
for (const [i, c] of samples.entries()) {
  const bytes = mutate(seeds[c.seed]!.bytes, c.mutations);
  const r = await runCase(bytes, limitMs);
  slowest = Math.max(slowest, r.ms);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (r.stoppedBy) stopped++;
  if (!r.ok) {
    failures++;
    const file = join(out, `case-${i}.pcap`);
    writeFileSync(file, bytes);
    process.stdout.write(`FAIL case ${i}: ${seeds[c.seed]!.name} ${JSON.stringify(c.mutations)}\n  ${r.error}\n  input: ${file}\n`);
  }
  if ((i + 1) % 500 === 0) process.stderr.write(`${i + 1} cases, ${failures} failed\n`);
}
cleanup();
process.stdout.write(
  `${cases} cases (seed ${seed}) in ${((Date.now() - started) / 1000).toFixed(0)} s: ${failures} failed, ` +
    `${stopped} stopped early by a capture problem (expected), slowest ${Math.round(slowest)} ms, peak RSS ${Math.round(peakRss / 1048576)} MiB\n`,
);
process.exitCode = failures > 0 ? 1 : 0;
