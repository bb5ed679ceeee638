/**
 * zstd (codec 4, magic 2 only) through fzstd, which cannot be told a maximum output size and
 * allocates a window buffer as large as the frame header says (up to 2 GB). So, before fzstd
 * sees a byte, we walk the frames ourselves (RFC 8878 §3.1):
 *   frame header (magic 28 B5 2F FD, descriptor, [window descriptor], [dict id], [content size]),
 *   blocks (3-byte header: last flag, type raw/RLE/compressed/reserved, size), [checksum];
 *   skippable frames (magic 0x184D2A5?) are stepped over.
 * The walk gives, per frame, the declared content size if any, and a lower bound on the output
 * (raw and RLE blocks are exact). We refuse when either exceeds the bound, or when a window would
 * need more than max(bound, 8 MiB) of memory. Then fzstd decodes in streaming mode and we count
 * what it emits, stopping the moment the count passes the bound (compressed blocks are where a
 * bomb without a content size hides: each may expand to 128 KiB).
 */
import { Decompress } from "fzstd";
import { concat, failed, tooLarge, type DecompressResult } from "./result.js";

const MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const BLOCK_MAX = 128 << 10;
/** A window this large is accepted even when the bound is smaller (zstd level 19 uses 8 MiB). */
const WINDOW_FLOOR = 8 << 20;

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** Thrown from fzstd's data callback to stop decoding at the bound. */
class OutputLimit extends Error {}

/** Walk result: the lower bound on the output, or a refusal. */
type Walk = { ok: true; minOutput: number } | { ok: false; result: DecompressResult };

function walkFrames(input: Uint8Array, bound: number): Walk {
  let pos = 0;
  let minOutput = 0;
  const windowCap = Math.max(bound, WINDOW_FLOOR);
  if (input.length < 4) return { ok: false, result: failed("truncated", 0) };
  while (pos < input.length) {
    if (input.length - pos < 4) return { ok: false, result: failed("truncated", pos) };
    const magic = u32le(input, pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (input.length - pos < 8) return { ok: false, result: failed("truncated", pos) };
      const size = u32le(input, pos + 4);
      if (size > input.length - pos - 8) return { ok: false, result: failed("truncated", pos) };
      pos += 8 + size;
      continue;
    }
    if (magic !== MAGIC) return { ok: false, result: failed("bad_magic", pos) };
    pos += 4;
    if (pos >= input.length) return { ok: false, result: failed("truncated", pos) };
    const fhd = input[pos]!;
    const fcsFlag = fhd >>> 6;
    const singleSegment = (fhd & 0x20) !== 0;
    const hasChecksum = (fhd & 0x04) !== 0;
    const dictFlag = fhd & 0x03;
    if ((fhd & 0x08) !== 0) return { ok: false, result: failed("bad_header", pos) };
    const dictBytes = [0, 1, 2, 4][dictFlag]!;
    const fcsBytes = fcsFlag === 0 ? (singleSegment ? 1 : 0) : 1 << fcsFlag;
    const headerLength = 1 + (singleSegment ? 0 : 1) + dictBytes + fcsBytes;
    if (input.length - pos < headerLength) return { ok: false, result: failed("truncated", pos) };
    let at = pos + 1;
    let window = 0;
    if (!singleSegment) {
      const wd = input[at++]!;
      const base = 2 ** (10 + (wd >>> 3));
      window = base + (base / 8) * (wd & 7);
    }
    let dictId = 0;
    for (let i = 0; i < dictBytes; i++) dictId += input[at++]! * 2 ** (8 * i);
    // A dictionary is never used by Kafka and cannot be decoded without it.
    if (dictId !== 0) return { ok: false, result: failed("dictionary", pos) };
    let contentSize = -1;
    if (fcsBytes > 0) {
      contentSize = 0;
      for (let i = 0; i < fcsBytes; i++) contentSize += input[at++]! * 2 ** (8 * i);
      if (fcsBytes === 2) contentSize += 256;
      if (minOutput + contentSize > bound) return { ok: false, result: tooLarge("declared_size", minOutput + contentSize, pos) };
    }
    if (singleSegment) window = contentSize;
    if (window > windowCap) return { ok: false, result: tooLarge("window_size", window, pos) };
    pos += headerLength;
    let frameMin = 0;
    for (;;) {
      if (input.length - pos < 3) return { ok: false, result: failed("truncated", pos) };
      const h = input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16);
      const last = (h & 1) !== 0;
      const type = (h >>> 1) & 3;
      const size = h >>> 3;
      pos += 3;
      if (type === 3) return { ok: false, result: failed("bad_block", pos - 3) };
      if (size > BLOCK_MAX) return { ok: false, result: failed("bad_block", pos - 3) };
      const bytes = type === 1 ? 1 : size;
      if (bytes > input.length - pos) return { ok: false, result: failed("truncated", pos - 3) };
      if (type !== 2) frameMin += size;
      if (minOutput + frameMin > bound) return { ok: false, result: tooLarge("output_limit", minOutput + frameMin, pos - 3) };
      pos += bytes;
      if (last) break;
    }
    if (hasChecksum) {
      if (input.length - pos < 4) return { ok: false, result: failed("truncated", pos) };
      pos += 4;
    }
    if (contentSize >= 0 && frameMin > contentSize) return { ok: false, result: failed("content_size_mismatch", pos) };
    minOutput += contentSize >= 0 ? contentSize : frameMin;
  }
  return { ok: true, minOutput };
}

export function unzstdBounded(input: Uint8Array, bound: number): DecompressResult {
  const walk = walkFrames(input, bound);
  if (!walk.ok) return walk.result;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > bound) throw new OutputLimit();
    // fzstd reuses no output buffers across callbacks, so keeping the chunk is safe.
    if (chunk.length > 0) chunks.push(chunk);
  });
  try {
    stream.push(input, true);
  } catch (e) {
    if (e instanceof OutputLimit) return tooLarge("output_limit", total);
    return failed("codec_error", 0);
  }
  return { ok: true, bytes: concat(chunks, total) };
}
