/**
 * Decode speed of decodeRecords per codec on one ~4 MB batch (4000 records × 1 KiB values).
 * Run by hand: `npx tsx bench/records-throughput.ts` (needs the zstd CLI for the zstd row).
 * Not a test: timings belong in bench/, never in timed assertions.
 */
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { compress as lz4Compress } from "lz4js";
import { compress as snappyCompress } from "snappyjs";
import { decodeRecords } from "../dissectors/kafka/records/index.js";
import { crc32c } from "../dissectors/kafka/records/crc.js";
import { encodeBatchV2, encodeRecordsV2, lz4Frame, sampleRecords, xerialSnappy } from "../test/kafka/records/encode.js";

const records = sampleRecords(4000, 1024);
const raw = encodeRecordsV2(records);

function zstd(input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync("zstd", ["-3", "-q", "-c"], { input }));
}

const cases: [string, 0 | 1 | 2 | 3 | 4, () => Uint8Array][] = [
  ["none", 0, () => raw],
  ["gzip (zlib level 6)", 1, () => new Uint8Array(gzipSync(raw))],
  ["snappy raw", 2, () => snappyCompress(raw)],
  ["snappy xerial 32 KiB blocks", 2, () => xerialSnappy(raw)],
  ["lz4 frame (lz4js, 4 MiB blocks)", 3, () => lz4Compress(raw)],
  ["lz4 frame (64 KiB blocks + checksums)", 3, () => lz4Frame(raw, { blockChecksum: true, contentChecksum: true })],
  ["zstd -3 (CLI, streamed)", 4, () => zstd(raw)],
];

function time(fn: () => void, minMs = 1500): number {
  fn(); // warm-up
  fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

console.log(`records section: ${(raw.length / 1e6).toFixed(2)} MB uncompressed, ${records.length} records`);
console.log(`crc32c alone over it: ${(raw.length / 1e6 / (time(() => crc32c(raw)) / 1000)).toFixed(0)} MB/s`);
console.log("codec | wire MB | ms/batch | wire MB/s | uncompressed MB/s | keepValues ms");
for (const [name, codec, make] of cases) {
  const batch = encodeBatchV2({ codec, records, rawRecords: make() });
  const check = decodeRecords(batch);
  if (check.problems.length > 0 || check.batches[0]!.recordsDecoded !== records.length) throw new Error(`${name}: bad decode`);
  const ms = time(() => decodeRecords(batch));
  const msKeep = time(() => decodeRecords(batch, { keepValues: true }));
  console.log(
    `${name} | ${(batch.length / 1e6).toFixed(2)} | ${ms.toFixed(2)} | ${(batch.length / 1e3 / ms).toFixed(0)} | ${(raw.length / 1e3 / ms).toFixed(0)} | ${msKeep.toFixed(2)}`,
  );
}
