/**
 * Walks the records of a magic 2 batch (after decompression, if any):
 *   length varint | attributes int8 | timestamp_delta varlong | offset_delta varint |
 *   key (varint length, -1 = null) | value (likewise) | header count varint |
 *   headers (key: varint length + UTF-8, value: varint length (-1 = null) + bytes).
 * Every length is checked against the bytes left in the record before it is used, and the record
 * must end exactly where its length says. Nothing is pre-allocated from a count.
 */
import { copyPrefix, type DecodeContext } from "./context.js";
import type { KafkaRecord, RecordBatchV2, RecordHeader, RecordProblem, RecordProblemCode } from "./types.js";

/**
 * Smallest possible record: length, attributes, timestamp delta, offset delta, key length,
 * value length, header count — one byte each.
 */
export const MIN_RECORD_BYTES = 7;
/** Smallest record body (everything after the length varint). */
const MIN_RECORD_BODY = 6;

/** Where problems found in this data are reported. */
export interface RecordsLocation {
  batchIndex: number;
  /** Position of the batch in the input. */
  batchPosition: number;
  /** True when `data` is decompressed: positions go to innerOffset. Else `data` is the input. */
  decompressed: boolean;
}

export function walkV2Records(
  data: Uint8Array,
  start: number,
  end: number,
  batch: RecordBatchV2,
  ctx: DecodeContext,
  loc: RecordsLocation,
): void {
  const problem = (code: RecordProblemCode, at: number, required?: number, available?: number): void => {
    const p: RecordProblem = loc.decompressed
      ? { code, offset: loc.batchPosition, batch: loc.batchIndex, innerOffset: at }
      : { code, offset: at, batch: loc.batchIndex };
    if (required !== undefined) p.required = required;
    if (available !== undefined) p.available = available;
    ctx.problems.push(p);
  };

  const declared = batch.recordCount;
  const room = Math.floor((end - start) / MIN_RECORD_BYTES);
  // An impossible count is reported up front; the walk then goes by the bytes, not by the count.
  const trustCount = declared >= 0 && declared <= room;
  if (!trustCount) problem("bad_record_count", start, declared, room);

  const cur = ctx.cursor;
  cur.reset(data, start, end);
  const logAppend = batch.timestampType === "log_append";
  let n = 0;
  while (trustCount ? n < declared : cur.pos < end) {
    const recStart = cur.pos;
    if (recStart >= end) break;
    const length = cur.varint();
    if (!cur.ok || length < MIN_RECORD_BODY || length > end - cur.pos) {
      problem("bad_record", recStart, length, end - cur.pos);
      return;
    }
    const recEnd = cur.pos + length;
    cur.end = recEnd;
    cur.int8(); // record attributes: unused by Kafka so far
    const timestampDelta = cur.varlong();
    const offsetDelta = cur.varint();
    const keyLength = cur.varint();
    const keyStart = cur.pos;
    if (keyLength < -1) cur.ok = false;
    else if (keyLength > 0) cur.skip(keyLength);
    const valueLength = cur.varint();
    const valueStart = cur.pos;
    if (valueLength < -1) cur.ok = false;
    else if (valueLength > 0) cur.skip(valueLength);
    const headerCount = cur.varint();
    // Each header needs at least two bytes (key length and value length).
    if (headerCount < 0 || headerCount > (recEnd - cur.pos) / 2) cur.ok = false;
    const keep = ctx.kept < ctx.maxRecords;
    const headers: RecordHeader[] = [];
    for (let h = 0; cur.ok && h < headerCount; h++) {
      const hKeyLength = cur.varint();
      const hKeyStart = cur.pos;
      if (hKeyLength < 0) {
        cur.ok = false;
        break;
      }
      cur.skip(hKeyLength);
      const hValueLength = cur.varint();
      const hValueStart = cur.pos;
      if (hValueLength < -1) cur.ok = false;
      else if (hValueLength > 0) cur.skip(hValueLength);
      if (!cur.ok || !keep) continue;
      const header: RecordHeader = {
        key: ctx.utf8.decode(data.subarray(hKeyStart, hKeyStart + Math.min(hKeyLength, ctx.previewBytes))),
        keyLength: hKeyLength,
        valueLength: hValueLength,
      };
      if (ctx.keepValues && hValueLength >= 0) header.value = copyPrefix(data, hValueStart, hValueLength, ctx.previewBytes);
      headers.push(header);
    }
    if (!cur.ok || cur.pos !== recEnd) {
      problem("bad_record", recStart);
      return;
    }
    cur.end = end;
    n++;
    if (keep) {
      const record: KafkaRecord = {
        offset: batch.baseOffset + offsetDelta,
        timestamp: logAppend ? batch.maxTimestamp : batch.firstTimestamp + timestampDelta,
        keyLength,
        valueLength,
        headers,
      };
      if (ctx.keepValues) {
        if (keyLength >= 0) record.key = copyPrefix(data, keyStart, keyLength, ctx.previewBytes);
        if (valueLength >= 0) record.value = copyPrefix(data, valueStart, valueLength, ctx.previewBytes);
        if (!loc.decompressed) record.at = { record: recStart, size: recEnd - recStart, key: keyStart, value: valueStart };
      }
      // A control record's key is version int16 + type int16 (0 abort, 1 commit).
      if (batch.control && keyLength >= 4) record.controlType = (data[keyStart + 2]! << 8) | data[keyStart + 3]!;
      batch.records.push(record);
      ctx.kept++;
    }
    batch.recordsDecoded = n;
  }
  if (!trustCount) return;
  // Records ran out before the count: required = declared, available = found.
  if (n < declared) problem("record_count_mismatch", cur.pos, declared, n);
  // Bytes left after the declared records (Kafka rejects such a batch too).
  else if (cur.pos < end) problem("trailing_bytes", cur.pos, 0, end - cur.pos);
}
