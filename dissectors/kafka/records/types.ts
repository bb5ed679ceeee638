/**
 * Result types of the Kafka `records` decoder (record batches, magic 0/1/2).
 *
 * Number choices (int64 on the wire):
 * - Offsets and timestamps are JS numbers. They are exact up to 2^53 (offset 9e15, year 287396),
 *   which covers every real log; only a corrupt value above that is rounded, never thrown on.
 * - `producerId` is a decimal string: it is an identifier, not a quantity, nothing does
 *   arithmetic on it, and a string survives JSON output (a bigint makes JSON.stringify throw).
 */

/** Compression codec named by attribute bits 0–2 ("unknown" for the unassigned ids 5–7). */
export type CodecName = "none" | "gzip" | "snappy" | "lz4" | "zstd" | "unknown";

/** Codec id (attributes & 7) → name; ids 5–7 are unassigned. */
export const CODEC_NAMES: readonly CodecName[] = ["none", "gzip", "snappy", "lz4", "zstd", "unknown", "unknown", "unknown"];

/** Options of decodeRecords; every limit has a default so a caller cannot forget one. */
export interface DecodeRecordsOptions {
  /** Largest decompressed size accepted per compressed batch (default 64 MiB); for a legacy wrapper, for its
   *  whole nested tree together. Larger → decompressed_too_large, refused before that much is allocated. */
  maxDecompressedBytes?: number;
  /** Decompressed bytes allowed in the whole call, all batches together (default: no limit beyond the
   *  per-batch one). A batch that would pass it is refused (decompressed_too_large) and walked undecompressed. */
  maxTotalDecompressedBytes?: number;
  /** Records kept as objects per decodeRecords call (default 10 000). Records beyond are still walked and
   *  checked, and counted in `recordsDecoded`, but not kept, so memory does not grow with record count. */
  maxRecords?: number;
  /** Keep copies of key/value/header-value bytes, each cut to `previewBytes` (default false). */
  keepValues?: boolean;
  /** Bytes kept per key/value/header value when keepValues is on, and per header key (default 256). */
  previewBytes?: number;
}

export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_RECORDS = 10_000;
export const DEFAULT_PREVIEW_BYTES = 256;

/** Why the stored CRC was or was not matched; `computed` is over the bytes the format names. */
export interface CrcCheck {
  /** CRC as stored on the wire (uint32). */
  stored: number;
  /** CRC computed here (uint32): CRC-32C over attributes..end for magic 2, CRC-32 over magic..end for 0/1. */
  computed: number;
  ok: boolean;
}

export interface RecordHeader {
  /** Header key decoded as UTF-8 (first `previewBytes` bytes at most). Sanitise before printing. */
  key: string;
  keyLength: number;
  /** -1 = null. */
  valueLength: number;
  /** Copy of the first `previewBytes` value bytes (keepValues only). */
  value?: Uint8Array;
}

/** One record (magic 2) or one message (magic 0/1). */
export interface KafkaRecord {
  /**
   * Where the record, its key and its value lie in the input (magic 2 records of an uncompressed
   * batch only: a compressed record has no place in the captured bytes).
   */
  at?: { record: number; size: number; key: number; value: number };
  offset: number;
  /** Milliseconds since the epoch; -1 when the format has none (magic 0). */
  timestamp: number;
  /** -1 = null key. */
  keyLength: number;
  /** -1 = null value (a tombstone). */
  valueLength: number;
  /** Copy of the first `previewBytes` key bytes (keepValues only, absent for a null key). */
  key?: Uint8Array;
  /** Copy of the first `previewBytes` value bytes (keepValues only, absent for a null value). */
  value?: Uint8Array;
  /** Record headers (magic 2; always empty for 0/1). */
  headers: RecordHeader[];
  /** Control batches only: the control type from the record key (0 abort, 1 commit, …). */
  controlType?: number;
}

interface BatchCommon {
  /** Position of the batch's first byte in the input. */
  position: number;
  /** Bytes the batch occupies in the input (12 + batch_length, or 12 + message_size). */
  wireSize: number;
  codec: CodecName;
  /** Raw codec id (attributes & 7), useful when codec is unknown. */
  codecId: number;
  crc: CrcCheck;
  /** Attributes as on the wire. */
  attributes: number;
  baseOffset: number;
  /** Offset of the last record the batch claims (baseOffset + last_offset_delta; the wrapper offset for 0/1). */
  lastOffset: number;
  timestampType: "create" | "log_append";
  /** Milliseconds since the epoch; -1 when absent. */
  firstTimestamp: number;
  /** Milliseconds since the epoch; -1 when absent. */
  maxTimestamp: number;
  /** Records the batch declares (magic 2 record count; 1 or the inner message count for 0/1). */
  recordCount: number;
  /** Records walked and found well-formed (kept or not). */
  recordsDecoded: number;
  /** Size of the records section after decompression (its wire size when uncompressed); -1 if it could not be decompressed. */
  uncompressedSize: number;
  /** Records kept (at most maxRecords over the whole call). */
  records: KafkaRecord[];
}

/** A magic 2 record batch (Kafka ≥ 0.11). */
export interface RecordBatchV2 extends BatchCommon {
  magic: 2;
  batchLength: number;
  partitionLeaderEpoch: number;
  transactional: boolean;
  control: boolean;
  lastOffsetDelta: number;
  /** Decimal string, see the module note ("-1" = no idempotent producer). */
  producerId: string;
  producerEpoch: number;
  baseSequence: number;
}

/**
 * A legacy message (magic 0 or 1) as it appears at the top level of a message set. An uncompressed
 * message is a batch of one record; a compressed wrapper is a batch of its inner messages.
 */
export interface LegacyBatch extends BatchCommon {
  magic: 0 | 1;
  messageSize: number;
}

export type RecordBatch = RecordBatchV2 | LegacyBatch;

/** Closed set of problem codes; nothing should ever match on message text. */
export type RecordProblemCode =
  /** A batch or message length is below the format's minimum or above int32: the rest cannot be framed. */
  | "bad_length"
  /** Magic byte other than 0, 1, 2: the entry is skipped by its length. */
  | "unknown_magic"
  /** Stored CRC differs from the computed one: the batch is still decoded, but its bytes are suspect. */
  | "crc_mismatch"
  /** Codec id 5–7 (or zstd in a magic 0/1 message). */
  | "unknown_codec"
  /** The compressed data is malformed (see `reason`). */
  | "decompress_failed"
  /** The data would decompress to more than maxDecompressedBytes; refused before allocating that much. */
  | "decompressed_too_large"
  /** Record count negative or larger than the bytes could hold. */
  | "bad_record_count"
  /** A record's fields overrun its length or the data, or a length is invalid. */
  | "bad_record"
  /** The data ended before the declared number of records (required = declared, available = found). */
  | "record_count_mismatch"
  /** Bytes left after the declared records (available = how many). */
  | "trailing_bytes"
  /** Compressed legacy messages nested deeper than the cap. */
  | "too_deep";

/** Closed set of detail codes for decompress_failed / decompressed_too_large. */
export type DecompressReason =
  | "bad_magic"
  | "bad_header"
  | "header_checksum"
  | "dictionary"
  | "truncated"
  | "bad_block"
  | "content_size_mismatch"
  | "codec_error"
  | "declared_size"
  | "window_size"
  | "output_limit"
  /** Decoding would cost more CPU than a legitimate stream reaching the bound (zstd tiny blocks). */
  | "work_limit";

export interface RecordProblem {
  code: RecordProblemCode;
  /** Byte position in the input: of the batch, or of the offending field when it is in the wire bytes. */
  offset: number;
  /** Index into `batches` of the batch concerned, or -1 when no batch was produced. */
  batch: number;
  /** Position inside decompressed data (problems found after decompression). */
  innerOffset?: number;
  /** Bytes (or records) needed, when the problem is a shortage. */
  required?: number;
  /** Bytes (or records) available. */
  available?: number;
  /** Codec detail for decompress_failed / decompressed_too_large. */
  reason?: DecompressReason;
  codec?: CodecName;
}

export interface RecordsResult {
  batches: RecordBatch[];
  /**
   * The input ends inside a batch (fewer bytes than its length says). Normal at the end of a Fetch
   * response (the broker cuts at max_bytes); in a Produce request it means the request is malformed,
   * which the caller, knowing the context, decides.
   */
  partialTail: boolean;
  /** Bytes in the partial tail (0 when partialTail is false). */
  partialTailBytes: number;
  problems: RecordProblem[];
}
