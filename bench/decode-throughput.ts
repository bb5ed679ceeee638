/**
 * Quick throughput figure for decodePacket (not a test: run by hand).
 *   npx tsx bench/decode-throughput.ts
 * Decodes the frames of the decode fixtures and the public captures over and over, and prints
 * packets/s and heap bytes allocated per packet (run with node --expose-gc for a steadier figure).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDecodedPacket, decodePacket } from "../src/decode/packet.js";
import { readPcap } from "../test/decode/helpers/pcap.js";

const FIXTURES = fileURLToPath(new URL("../test/fixtures/decode/", import.meta.url));
const PUBLIC = fileURLToPath(new URL("../test/fixtures/public/", import.meta.url));
const paths = readdirSync(FIXTURES).filter((f) => f.endsWith(".pcap")).map((f) => join(FIXTURES, f));
try {
  for (const f of readdirSync(PUBLIC, { recursive: true, encoding: "utf8" })) if (f.endsWith(".pcap")) paths.push(join(PUBLIC, f));
} catch {
  // the public captures are optional here
}
const frames: Array<{ data: Uint8Array; linkType: number }> = [];
for (const p of paths) {
  const f = readPcap(readFileSync(p));
  for (const r of f.records) frames.push({ data: r.data, linkType: f.linkType });
}

const out = createDecodedPacket();
const N = 5_000_000;
let sink = 0;
const run = (n: number) => {
  for (let i = 0; i < n; i++) {
    const fr = frames[i % frames.length]!;
    decodePacket(fr.data, fr.linkType, out);
    sink += out.payloadLen;
  }
};
run(200_000); // warm up
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const heap0 = process.memoryUsage().heapUsed;
const t0 = process.hrtime.bigint();
run(N);
const ns = Number(process.hrtime.bigint() - t0);
const heap1 = process.memoryUsage().heapUsed;
console.log(`${frames.length} distinct frames, ${N} decodes: ${((N / ns) * 1e9 / 1e6).toFixed(2)} M packets/s, ${(ns / N).toFixed(1)} ns/packet`);
console.log(`heap growth during the run (GC may have run): ${((heap1 - heap0) / N).toFixed(1)} bytes/packet (sink ${sink})`);
