/**
 * Legacy message sets, magic 0 (Kafka < 0.10) and magic 1 (0.10):
 *   offset int64 @0 | message_size int32 @8 | crc uint32 @12 (CRC-32 of @16..end) | magic int8 @16 |
 *   attributes int8 @17 (bits 0–2 codec, bit 3 timestamp type) | timestamp int64 @18 (magic 1) |
 *   key (int32 length, -1 = null, + bytes) | value (likewise).
 * A compressed message ("wrapper") holds a whole inner message set in its value. Since magic 1
 * (KIP-31) the inner offsets are relative and the wrapper carries the absolute offset of the last
 * inner message; with log-append time the wrapper's timestamp overrides the inner ones. Nesting is
 * capped (MAX_DEPTH) because nothing stops a capture from nesting wrappers forever.
 */
import { decompress } from "./codecs/index.js";
import { copyPrefix, type DecodeContext } from "./context.js";
import { crc32 } from "./crc.js";
import { CODEC_NAMES, type KafkaRecord, type LegacyBatch, type RecordProblem, type RecordProblemCode } from "./types.js";
import { int64 } from "./varint.js";

/** message_size minimum: crc, magic, attributes, key length, value length (+ timestamp for magic 1). */
export const LEGACY_MIN_SIZE_V0 = 14;
export const LEGACY_MIN_SIZE_V1 = 22;
/** Compressed wrappers inside compressed wrappers, at most this deep (Kafka itself writes depth 1). */
export const MAX_DEPTH = 2;

/** One parsed message; positions are in the buffer it was parsed from. */
interface Message {
  offset: number;
  size: number;
  crcStored: number;
  crcComputed: number;
  magic: 0 | 1;
  attributes: number;
  timestamp: number;
  keyLength: number;
  keyStart: number;
  valueLength: number;
  valueStart: number;
}

/**
 * Parses the message framed at [pos, pos + 12 + size) (framing already checked against the data).
 * Returns null when the key or value lengths do not fit the message exactly.
 */
function parseMessage(data: Uint8Array, view: DataView, pos: number): Message | null {
  const size = view.getInt32(pos + 8);
  const end = pos + 12 + size;
  const magic = data[pos + 16] === 1 ? 1 : 0;
  let at = pos + (magic === 1 ? 26 : 18);
  if (end - at < 4) return null;
  const keyLength = view.getInt32(at);
  at += 4;
  if (keyLength < -1 || keyLength > end - at) return null;
  const keyStart = at;
  at += Math.max(keyLength, 0);
  if (end - at < 4) return null;
  const valueLength = view.getInt32(at);
  at += 4;
  if (valueLength < -1 || valueLength > end - at) return null;
  const valueStart = at;
  at += Math.max(valueLength, 0);
  if (at !== end) return null;
  const crcStored = view.getUint32(pos + 12);
  return {
    offset: int64(view, pos),
    size,
    crcStored,
    crcComputed: crc32(data.subarray(pos + 16, end)),
    magic,
    attributes: data[pos + 17]!,
    timestamp: magic === 1 ? int64(view, pos + 18) : -1,
    keyLength,
    keyStart,
    valueLength,
    valueStart,
  };
}

export function legacyMinSize(magic: number): number {
  return magic === 1 ? LEGACY_MIN_SIZE_V1 : LEGACY_MIN_SIZE_V0;
}

/** Where problems inside a wrapper go: the top-level message's position, plus innerOffset. */
interface Where {
  batchIndex: number;
  batchPosition: number;
  /** False for the top-level message (positions are input positions). */
  inner: boolean;
  /**
   * Decompressed bytes still allowed for this top-level message. Shared by every nested wrapper,
   * so maxDecompressedBytes bounds the whole tree: without it, one inner set of many tiny
   * compressed wrappers could make us inflate the bound once per wrapper.
   */
  budget: { left: number };
}

function report(ctx: DecodeContext, code: RecordProblemCode, where: Where, at: number, extra?: Partial<RecordProblem>): void {
  const p: RecordProblem = where.inner
    ? { code, offset: where.batchPosition, batch: where.batchIndex, innerOffset: at }
    : { code, offset: at, batch: where.batchIndex };
  ctx.problems.push(extra ? { ...p, ...extra } : p);
}

function toRecord(data: Uint8Array, m: Message, offset: number, timestamp: number, ctx: DecodeContext): KafkaRecord {
  const r: KafkaRecord = { offset, timestamp, keyLength: m.keyLength, valueLength: m.valueLength, headers: [] };
  if (ctx.keepValues) {
    if (m.keyLength >= 0) r.key = copyPrefix(data, m.keyStart, m.keyLength, ctx.previewBytes);
    if (m.valueLength >= 0) r.value = copyPrefix(data, m.valueStart, m.valueLength, ctx.previewBytes);
  }
  return r;
}

/** The top-level message at `pos` of the input (framing checked by the caller), as a batch. */
export function decodeLegacyBatch(bytes: Uint8Array, view: DataView, pos: number, batchIndex: number, ctx: DecodeContext): LegacyBatch {
  const size = view.getInt32(pos + 8);
  const magic = bytes[pos + 16] === 1 ? 1 : 0;
  const attributes = bytes[pos + 17]!;
  const codecId = attributes & 7;
  const batch: LegacyBatch = {
    magic,
    position: pos,
    wireSize: 12 + size,
    messageSize: size,
    crc: { stored: view.getUint32(pos + 12), computed: 0, ok: false },
    attributes,
    codecId,
    codec: CODEC_NAMES[codecId]!,
    timestampType: magic === 1 && (attributes & 0x08) !== 0 ? "log_append" : "create",
    baseOffset: int64(view, pos),
    lastOffset: int64(view, pos),
    firstTimestamp: -1,
    maxTimestamp: -1,
    recordCount: 0,
    recordsDecoded: 0,
    uncompressedSize: -1,
    records: [],
  };
  const allowed = Math.min(ctx.bound, ctx.totalLeft);
  const where: Where = { batchIndex, batchPosition: pos, inner: false, budget: { left: allowed } };
  const m = parseMessage(bytes, view, pos);
  if (m === null) {
    batch.crc.computed = crc32(bytes.subarray(pos + 16, pos + 12 + size));
    batch.crc.ok = batch.crc.computed === batch.crc.stored;
    report(ctx, "bad_record", where, pos);
    return batch;
  }
  batch.crc.computed = m.crcComputed;
  batch.crc.ok = m.crcComputed === m.crcStored;
  if (!batch.crc.ok) report(ctx, "crc_mismatch", where, pos);
  batch.firstTimestamp = m.timestamp;
  batch.maxTimestamp = m.timestamp;
  if (codecId === 0) {
    batch.recordCount = 1;
    batch.recordsDecoded = 1;
    batch.uncompressedSize = 12 + size;
    if (ctx.kept < ctx.maxRecords) {
      batch.records.push(toRecord(bytes, m, m.offset, m.timestamp, ctx));
      ctx.kept++;
    }
    return batch;
  }
  // zstd (4) came with magic 2; a legacy message cannot carry it.
  if (codecId > 3) {
    report(ctx, "unknown_codec", where, pos + 17, { available: codecId });
    return batch;
  }
  const inner = unwrap(bytes, m, codecId, where, ctx);
  if (inner === null) return batch;
  batch.uncompressedSize = inner.length;
  walkInner(inner, m, 1, batch, { ...where, inner: true }, ctx);
  ctx.totalLeft -= allowed - where.budget.left;
  if (batch.records.length > 0) batch.firstTimestamp = batch.records[0]!.timestamp;
  batch.recordCount = batch.recordsDecoded;
  return batch;
}

/** Decompresses a wrapper's value; null (with a problem reported) on failure. */
function unwrap(data: Uint8Array, m: Message, codecId: number, where: Where, ctx: DecodeContext): Uint8Array | null {
  if (m.valueLength < 0) {
    report(ctx, "decompress_failed", where, m.valueStart, { reason: "truncated", codec: CODEC_NAMES[codecId]! });
    return null;
  }
  const left = where.budget.left;
  const out = decompress(codecId, data.subarray(m.valueStart, m.valueStart + m.valueLength), left);
  if (out.ok) {
    where.budget.left -= out.bytes.length;
    return out.bytes;
  }
  const extra: Partial<RecordProblem> = { reason: out.reason, codec: CODEC_NAMES[codecId]! };
  if (out.required !== undefined) {
    extra.required = out.required;
    extra.available = left;
  }
  report(ctx, out.code, where, m.valueStart + Math.min(out.at, m.valueLength), extra);
  return null;
}

/**
 * Walks an inner message set (complete, decompressed): here a cut message is corruption, not a
 * fetch boundary. Pass 1 frames the messages to find the last offset (needed to make magic 1
 * relative offsets absolute) without allocating; pass 2 decodes.
 */
function walkInner(data: Uint8Array, wrapper: Message, depth: number, batch: LegacyBatch, where: Where, ctx: DecodeContext): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let lastInner = 0;
  let framedEnd = 0;
  for (let pos = 0; pos < data.length; ) {
    const size = data.length - pos >= 12 ? view.getInt32(pos + 8) : -1;
    if (size < LEGACY_MIN_SIZE_V0 || size > data.length - pos - 12) break;
    lastInner = int64(view, pos);
    pos += 12 + size;
    framedEnd = pos;
  }
  const base = wrapper.magic > 0 ? wrapper.offset - lastInner : 0;
  const logAppend = wrapper.magic === 1 && (wrapper.attributes & 0x08) !== 0;

  for (let pos = 0; pos < framedEnd; ) {
    const size = view.getInt32(pos + 8);
    const next = pos + 12 + size;
    const magic = data[pos + 16]!;
    if (magic > 1) {
      report(ctx, "unknown_magic", where, pos, { available: magic });
      pos = next;
      continue;
    }
    if (size < legacyMinSize(magic)) {
      report(ctx, "bad_length", where, pos, { required: legacyMinSize(magic), available: size });
      return;
    }
    const m = parseMessage(data, view, pos);
    if (m === null) {
      report(ctx, "bad_record", where, pos);
      pos = next;
      continue;
    }
    if (m.crcComputed !== m.crcStored) report(ctx, "crc_mismatch", where, pos);
    const codecId = m.attributes & 7;
    if (codecId !== 0) {
      if (depth >= MAX_DEPTH) report(ctx, "too_deep", where, pos, { available: depth + 1, required: MAX_DEPTH });
      else if (codecId > 3) report(ctx, "unknown_codec", where, pos + 17, { available: codecId });
      else {
        const inner = unwrap(data, m, codecId, where, ctx);
        if (inner !== null) walkInner(inner, m, depth + 1, batch, where, ctx);
      }
      pos = next;
      continue;
    }
    const offset = wrapper.magic > 0 ? base + m.offset : m.offset;
    const timestamp = logAppend ? wrapper.timestamp : m.timestamp;
    if (batch.recordsDecoded === 0) batch.baseOffset = offset;
    batch.recordsDecoded++;
    if (ctx.kept < ctx.maxRecords) {
      batch.records.push(toRecord(data, m, offset, timestamp, ctx));
      ctx.kept++;
    }
    pos = next;
  }
  if (framedEnd < data.length) {
    const left = data.length - framedEnd;
    report(ctx, "bad_length", where, framedEnd, left >= 12 ? { available: left - 12, required: view.getInt32(framedEnd + 8) } : { available: left, required: 12 });
  }
}
