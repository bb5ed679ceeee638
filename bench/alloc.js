#!/usr/bin/env node
/**
 * Allocations per packet of the analysis pass (what `flows` does before printing), in process:
 * v8.GCProfiler records the heap before and after every GC, so the bytes allocated are the sum of
 * (used before GC i - used after GC i-1) plus what was allocated after the last GC.
 *
 *   node bench/alloc.js FILE [DIST]   (DIST: the dist/ folder to load, default ../dist) prints one JSON line: { packets, allocatedBytes, bytesPerPacket, gcs, ... }
 *
 * Needs a build (dist/). The figure includes the per-connection and per-PDU objects the model
 * keeps, so it is an upper bound on the per-packet garbage.
 */
import { pathToFileURL } from "node:url";
import v8 from "node:v8";

const file = process.argv[2];
if (!file) {
  process.stderr.write("usage: node bench/alloc.js FILE\n");
  process.exit(2);
}
const dist = process.argv[3] ? pathToFileURL(process.argv[3] + "/").href : new URL("../dist/", import.meta.url).href;
const { analyseCapture } = await import(new URL("src/model/analyse.js", dist).href);
const { createRegistry } = await import(new URL("src/plugins/builtin.js", dist).href);

const registry = createRegistry();
const profiler = new v8.GCProfiler();
const startUsed = v8.getHeapStatistics().used_heap_size;
profiler.start();
const t0 = process.hrtime.bigint();
const capture = await analyseCapture(file, { registry });
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const endUsed = v8.getHeapStatistics().used_heap_size;
const { statistics } = profiler.stop();

const used = (stats) => stats.heapStatistics.usedHeapSize;
let allocated = 0;
let prevAfter = startUsed;
let scavenges = 0;
let markSweeps = 0;
for (const gc of statistics) {
  allocated += Math.max(0, used(gc.beforeGC) - prevAfter);
  prevAfter = used(gc.afterGC);
  if (gc.gcType === "Scavenge") scavenges++;
  else if (gc.gcType === "MarkSweepCompact") markSweeps++;
}
allocated += Math.max(0, endUsed - prevAfter);
const packets = capture.packets.count;
capture.bytes.close();
process.stdout.write(
  JSON.stringify({
    file,
    packets,
    connections: capture.connections.length,
    seconds,
    allocatedBytes: allocated,
    bytesPerPacket: packets ? allocated / packets : 0,
    gcs: statistics.length,
    scavenges,
    markSweeps,
    heapUsedAfter: endUsed,
  }) + "\n",
);
