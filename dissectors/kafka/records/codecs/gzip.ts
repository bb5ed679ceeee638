/**
 * gzip (codec 1) through node:zlib. Two guards against a bomb:
 * 1. the gzip trailer's ISIZE (uncompressed size mod 2^32 of the last member) is read first: if it
 *    alone exceeds the bound, the whole output must too (or the stream is corrupt), so we refuse
 *    without inflating anything;
 * 2. otherwise zlib inflates with maxOutputLength = bound and stops as soon as it would exceed it
 *    (a lying ISIZE or many small members cannot get past this).
 */
import { gunzipSync } from "node:zlib";
import { failed, tooLarge, type DecompressResult } from "./result.js";

/** Smallest gzip member: 10-byte header, empty deflate block (2 bytes), 8-byte trailer. */
const MIN_GZIP = 18;

export function gunzipBounded(input: Uint8Array, bound: number): DecompressResult {
  if (input.length < MIN_GZIP) return failed("truncated", 0);
  if (input[0] !== 0x1f || input[1] !== 0x8b) return failed("bad_magic", 0);
  const n = input.length;
  const isize = (input[n - 4]! | (input[n - 3]! << 8) | (input[n - 2]! << 16) | (input[n - 1]! << 24)) >>> 0;
  if (isize > bound) return tooLarge("declared_size", isize, n - 4);
  try {
    const out = gunzipSync(input, { maxOutputLength: Math.max(1, bound) });
    return { ok: true, bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  } catch (e) {
    if ((e as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE") return tooLarge("output_limit", bound + 1);
    return failed("codec_error", 0);
  }
}
