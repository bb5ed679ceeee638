/**
 * One magic 2 record batch, whose framing the caller has checked: [pos, pos + 12 + batchLength)
 * lies inside `bytes` and batchLength >= V2_MIN_BATCH_LENGTH.
 *
 * Header (61 bytes): base_offset int64 @0, batch_length int32 @8, partition_leader_epoch int32 @12,
 * magic int8 @16, crc uint32 @17 (CRC-32C of @21..end), attributes int16 @21, last_offset_delta
 * int32 @23, base_timestamp int64 @27, max_timestamp int64 @35, producer_id int64 @43,
 * producer_epoch int16 @51, base_sequence int32 @53, record count int32 @57, records @61.
 */
import { decompress } from "./codecs/index.js";
import type { DecodeContext } from "./context.js";
import { crc32c } from "./crc.js";
import { walkV2Records } from "./records-v2.js";
import { CODEC_NAMES, type RecordBatchV2 } from "./types.js";
import { int64, int64String } from "./varint.js";

export const V2_HEADER_SIZE = 61;
/** batch_length counts from partition_leader_epoch: 61 - 12. */
export const V2_MIN_BATCH_LENGTH = V2_HEADER_SIZE - 12;

export function decodeBatchV2(bytes: Uint8Array, view: DataView, pos: number, batchIndex: number, ctx: DecodeContext): RecordBatchV2 {
  const batchLength = view.getInt32(pos + 8);
  const end = pos + 12 + batchLength;
  const attributes = view.getInt16(pos + 21);
  const codecId = attributes & 7;
  const stored = view.getUint32(pos + 17);
  const computed = crc32c(bytes.subarray(pos + 21, end));
  const baseOffset = int64(view, pos);
  const lastOffsetDelta = view.getInt32(pos + 23);
  const batch: RecordBatchV2 = {
    magic: 2,
    position: pos,
    wireSize: 12 + batchLength,
    batchLength,
    partitionLeaderEpoch: view.getInt32(pos + 12),
    crc: { stored, computed, ok: stored === computed },
    attributes,
    codecId,
    codec: CODEC_NAMES[codecId]!,
    timestampType: (attributes & 0x08) !== 0 ? "log_append" : "create",
    transactional: (attributes & 0x10) !== 0,
    control: (attributes & 0x20) !== 0,
    lastOffsetDelta,
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    firstTimestamp: int64(view, pos + 27),
    maxTimestamp: int64(view, pos + 35),
    producerId: int64String(view, pos + 43),
    producerEpoch: view.getInt16(pos + 51),
    baseSequence: view.getInt32(pos + 53),
    recordCount: view.getInt32(pos + 57),
    recordsDecoded: 0,
    uncompressedSize: -1,
    records: [],
  };
  if (!batch.crc.ok) ctx.problems.push({ code: "crc_mismatch", offset: pos, batch: batchIndex });

  const recordsStart = pos + V2_HEADER_SIZE;
  if (codecId === 0) {
    batch.uncompressedSize = end - recordsStart;
    walkV2Records(bytes, recordsStart, end, batch, ctx, { batchIndex, batchPosition: pos, decompressed: false });
    return batch;
  }
  if (codecId > 4) {
    ctx.problems.push({ code: "unknown_codec", offset: pos + 21, batch: batchIndex, available: codecId });
    return batch;
  }
  const bound = Math.min(ctx.bound, ctx.totalLeft);
  const out = decompress(codecId, bytes.subarray(recordsStart, end), bound);
  if (!out.ok) {
    const p = { code: out.code, offset: recordsStart + Math.min(out.at, end - recordsStart), batch: batchIndex, reason: out.reason, codec: batch.codec };
    ctx.problems.push(out.required === undefined ? p : { ...p, required: out.required, available: bound });
    return batch;
  }
  ctx.totalLeft -= out.bytes.length;
  batch.uncompressedSize = out.bytes.length;
  walkV2Records(out.bytes, 0, out.bytes.length, batch, ctx, { batchIndex, batchPosition: pos, decompressed: true });
  return batch;
}
