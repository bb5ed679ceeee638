#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time.
 *
 *   node bench/cpuprofile-top.js FILE.cpuprofile [N=15]
 *
 * Self time of a node = samples whose leaf is that node x the mean sample interval; nodes are
 * merged by (function name, url, line).
 */
import { readFileSync } from "node:fs";

const [file, nArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write("usage: node bench/cpuprofile-top.js FILE.cpuprofile [N]\n");
  process.exit(2);
}
const top = Number(nArg ?? 15);
const prof = JSON.parse(readFileSync(file, "utf8"));
const total = (prof.endTime - prof.startTime) / 1000; // ms
const hits = new Map();
for (const id of prof.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const perSample = total / Math.max(1, prof.samples.length);
const byFn = new Map();
for (const node of prof.nodes) {
  const n = hits.get(node.id) ?? 0;
  if (!n) continue;
  const cf = node.callFrame;
  const url = cf.url.replace(/^file:\/\/.*?\/(dist|node_modules|bench)\//, "$1/");
  const key = `${cf.functionName || "(anonymous)"}  ${url ? `${url}:${cf.lineNumber + 1}` : ""}`;
  byFn.set(key, (byFn.get(key) ?? 0) + n);
}
const rows = [...byFn.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
console.log(`${file}: ${total.toFixed(0)} ms profiled, ${prof.samples.length} samples`);
console.log("  self ms   self %  function");
for (const [key, n] of rows) {
  console.log(`${(n * perSample).toFixed(1).padStart(9)}  ${((100 * n) / prof.samples.length).toFixed(1).padStart(6)}%  ${key}`);
}
