/**
 * State shared by one decodeRecords call: resolved options, the problem list, the count of
 * records kept (maxRecords is per call) and objects reused across batches.
 */
import {
  DEFAULT_MAX_DECOMPRESSED_BYTES,
  DEFAULT_MAX_RECORDS,
  DEFAULT_PREVIEW_BYTES,
  type DecodeRecordsOptions,
  type RecordProblem,
} from "./types.js";
import { VarintCursor } from "./varint.js";

export interface DecodeContext {
  readonly bound: number;
  /** Decompressed bytes still allowed in this call, all batches together (maxTotalDecompressedBytes). */
  totalLeft: number;
  readonly maxRecords: number;
  readonly keepValues: boolean;
  readonly previewBytes: number;
  kept: number;
  readonly problems: RecordProblem[];
  readonly cursor: VarintCursor;
  readonly utf8: TextDecoder;
}

/** Non-negative integer option with a default; NaN, negatives and non-numbers fall back to it. */
function limit(value: number | undefined, fallback: number): number {
  if (typeof value !== "number" || !(value >= 0)) return fallback;
  return Math.floor(value);
}

const EMPTY = new Uint8Array(0);
/**
 * One decoder for every call: decode() without `stream` keeps no state between calls, and making
 * a TextDecoder per records field cost more than the walk of a small batch (0.2 s of the 1M-packet
 * capture's pass, one per Produce request and Fetch response).
 */
const UTF8 = new TextDecoder("utf-8", { fatal: false });

export function makeContext(opts: DecodeRecordsOptions): DecodeContext {
  return {
    bound: limit(opts.maxDecompressedBytes, DEFAULT_MAX_DECOMPRESSED_BYTES),
    totalLeft: limit(opts.maxTotalDecompressedBytes, Number.POSITIVE_INFINITY),
    maxRecords: limit(opts.maxRecords, DEFAULT_MAX_RECORDS),
    keepValues: opts.keepValues === true,
    previewBytes: limit(opts.previewBytes, DEFAULT_PREVIEW_BYTES),
    kept: 0,
    problems: [],
    cursor: new VarintCursor(EMPTY, 0, 0),
    utf8: UTF8,
  };
}

/**
 * A copy of at most `max` bytes. Always a fresh Uint8Array: Buffer#slice would return a view
 * that keeps the whole (possibly decompressed, multi-MB) buffer alive.
 */
export function copyPrefix(data: Uint8Array, start: number, length: number, max: number): Uint8Array {
  const n = Math.min(length, max);
  const out = new Uint8Array(n);
  out.set(data.subarray(start, start + n));
  return out;
}
