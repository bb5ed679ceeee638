/**
 * decodeRecords: the `records` field of a Produce request or Fetch response (or any other
 * `records`-typed field) → batches, a partial-tail flag and problems. Never throws on any input.
 *
 * Framing is shared by every magic: each entry starts with offset int64 and a length int32
 * (batch_length or message_size: the bytes that follow), and the magic byte sits at +16. So the
 * loop frames by length first and dispatches by magic second; an unknown magic is skipped by its
 * length. An entry cut by the end of the input is a partial tail (Fetch responses end like that
 * when the broker stops at max_bytes), not a problem. A length below the format's minimum means
 * the rest cannot be framed: it is reported and the walk stops.
 */
import { decodeBatchV2, V2_MIN_BATCH_LENGTH } from "./batch-v2.js";
import { makeContext } from "./context.js";
import { decodeLegacyBatch, legacyMinSize, LEGACY_MIN_SIZE_V0 } from "./legacy.js";
import type { DecodeRecordsOptions, RecordBatch, RecordsResult } from "./types.js";

/** offset int64 + length int32: the bytes before an entry's length counts. */
export const LOG_OVERHEAD = 12;
/** Bytes needed to see the magic byte. */
const HEADER_UP_TO_MAGIC = 17;
/** An entry of unknown magic must at least reach past its magic byte to be skipped. */
const UNKNOWN_MAGIC_MIN_SIZE = HEADER_UP_TO_MAGIC - LOG_OVERHEAD;

function minSize(magic: number): number {
  if (magic === 2) return V2_MIN_BATCH_LENGTH;
  if (magic === 0 || magic === 1) return legacyMinSize(magic);
  return UNKNOWN_MAGIC_MIN_SIZE;
}

export function decodeRecords(bytes: Uint8Array, opts: DecodeRecordsOptions = {}): RecordsResult {
  const ctx = makeContext(opts);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: RecordBatch[] = [];
  let partialTail = false;
  let partialTailBytes = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const left = bytes.length - pos;
    if (left < LOG_OVERHEAD) {
      partialTail = true;
      partialTailBytes = left;
      break;
    }
    const size = view.getInt32(pos + 8);
    // Before the magic is visible, only the smallest legal size can be asked for.
    const magicVisible = left >= HEADER_UP_TO_MAGIC;
    const magic = magicVisible ? (bytes[pos + 16]! << 24) >> 24 : -1;
    const min = magicVisible ? minSize(magic) : LEGACY_MIN_SIZE_V0;
    if (size < min) {
      ctx.problems.push({ code: "bad_length", offset: pos, batch: -1, required: min, available: size });
      break;
    }
    if (size > left - LOG_OVERHEAD) {
      partialTail = true;
      partialTailBytes = left;
      break;
    }
    if (magic === 2) batches.push(decodeBatchV2(bytes, view, pos, batches.length, ctx));
    else if (magic === 0 || magic === 1) batches.push(decodeLegacyBatch(bytes, view, pos, batches.length, ctx));
    else ctx.problems.push({ code: "unknown_magic", offset: pos + 16, batch: -1, available: magic });
    pos += LOG_OVERHEAD + size;
  }
  return { batches, partialTail, partialTailBytes, problems: ctx.problems };
}
