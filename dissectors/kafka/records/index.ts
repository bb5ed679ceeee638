/**
 * Kafka `records` decoding (record batches magic 2, legacy message sets magic 0/1, all codecs).
 *
 *   decodeRecords(bytes, { maxDecompressedBytes, maxRecords, keepValues, previewBytes }) → RecordsResult
 *
 * Pure function over a view of the bytes: it never throws, never allocates from an unchecked
 * wire count, bounds decompression per batch, and keeps only capped copies of keys and values, so
 * memory follows the number of records kept, not payload size. See types.ts for the result.
 */
export { decodeRecords, LOG_OVERHEAD } from "./decode.js";
export { describeRecordProblem } from "./describe.js";
export { MAX_DEPTH } from "./legacy.js";
export * from "./types.js";
