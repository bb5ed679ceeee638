/**
 * What the analysis keeps of a `records` field: batch sizes, codecs, record counts and whether
 * every CRC checked out — enough for "batch larger than message.max.bytes" and corruption
 * findings, without keeping records in memory. Records are walked (decompressed, bounded) to
 * validate them, then dropped; views that show records decode them again from the packet bytes.
 */

import { decodeRecords, describeRecordProblem, type RecordsResult } from "./records/index.js";
import type { KafkaObject, KafkaValue, RecordsHook } from "./schema/index.js";

export const recordsSummary: RecordsHook = (buf, offset, length): KafkaValue =>
  summariseRecords(decodeRecords(buf.subarray(offset, offset + length), { maxRecords: 0 }), offset, length);

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
