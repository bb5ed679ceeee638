/**
 * What the analysis keeps of a `records` field: batch sizes, codecs, record counts and whether
 * every CRC checked out — enough for "batch larger than message.max.bytes" and corruption
 * findings, without keeping records in memory. Records are walked (decompressed, bounded) to
 * validate them, then dropped; views that show records decode them again from the packet bytes.
 */

import { decodeRecords, describeRecordProblem, type RecordsResult } from "./records/index.js";
import { DEFAULT_MAX_DECOMPRESSED_BYTES } from "./records/types.js";
import type { KafkaObject } from "./schema/index.js";

/** The summary object of a decoded `records` field (the same whatever the decode options kept). */
export function summariseRecords(r: RecordsResult, offset: number, length: number): KafkaObject {
  let records = 0;
  let crcOk = true;
  const sizes: number[] = [];
  const codecs: number[] = [];
  for (const b of r.batches) {
    records += b.recordCount;
    sizes.push(b.wireSize);
    codecs.push(b.codecId);
    if (!b.crc.ok) crcOk = false;
  }
  return {
    offset,
    length,
    batches: r.batches.length,
    records,
    batch_sizes: sizes,
    codecs,
    crc_ok: crcOk,
    partial_tail: r.partialTail,
    problems: r.problems.slice(0, 3).map(describeRecordProblem),
  };
}

/**
 * Bytes a capture, and one connection, may decompress in all (decompression bombs: each batch is
 * bounded by DEFAULT_MAX_DECOMPRESSED_BYTES, but hundreds of them are not). Past a budget,
 * batches are still walked and CRC-checked, not decompressed.
 */
export const DECOMPRESS_PER_CAPTURE = 1024 * 1024 * 1024;
export const DECOMPRESS_PER_CONNECTION = 256 * 1024 * 1024;

/** What is left of a decompression budget, in bytes. */
export interface DecompressBudget {
  left: number;
}

/** Bytes a decode decompressed (compressed batches only). */
export function decompressedBytes(r: RecordsResult): number {
  let n = 0;
  for (const b of r.batches) if (b.codecId !== 0 && b.uncompressedSize > 0) n += b.uncompressedSize;
  return n;
}

/**
 * Decodes within the budgets and charges them: the per-batch bound shrinks to what is left.
 * `onExhausted` runs when a batch was refused because a budget (not the per-batch bound) ran out.
 */
export function decodeWithinBudget(
  bytes: Uint8Array,
  budgets: readonly DecompressBudget[],
  opts: { maxRecords: number; keepValues?: boolean; previewBytes?: number },
  onExhausted: () => void,
): RecordsResult {
  let left = Number.POSITIVE_INFINITY;
  for (const b of budgets) left = Math.min(left, Math.max(0, b.left));
  const r = decodeRecords(bytes, { ...opts, maxTotalDecompressedBytes: left });
  const used = decompressedBytes(r);
  for (const b of budgets) b.left -= used;
  // Refused with less left than one batch may take: the budget did it, not the per-batch bound.
  if (left - used < DEFAULT_MAX_DECOMPRESSED_BYTES && r.problems.some((p) => p.code === "decompressed_too_large")) onExhausted();
  return r;
}
