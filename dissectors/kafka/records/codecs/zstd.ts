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
 *
 * CPU: fzstd's streaming decoder shifts its whole window buffer after every block, so a frame of
 * many tiny blocks behind a large window costs blocks × window (measured: 10 000 one-byte RLE
 * blocks, 40 KB of input, behind an 8 MiB window took 1.4 s). Two defences:
 *  - a frame's window is lowered to what its output can reach (the walk's upper bound, rounded up
 *    to a power of two), by rewriting the window descriptor in a copy of the input. Safe: without
 *    a dictionary a match can only reach back into output already produced in the frame;
 *  - the remaining cost, Σ blocks × max(window, 128 KiB), is capped at what a stream of full
 *    128 KiB blocks reaching the bound behind an 8 MiB window would cost, and at least 4 GiB
 *    (reason "work_limit").
 *    Real encoders write full blocks; only a stream built to be slow trips this.
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

/** Window assumed for the work budget (zstd level 19 without a known size uses 8 MiB). */
const BUDGET_WINDOW = 8 << 20;
const WORK_FLOOR = 4 * 2 ** 30;

/** Thrown from fzstd's data callback to stop decoding at the bound. */
class OutputLimit extends Error {}

/** Walk result: window descriptors to lower ([position, new byte] pairs), or a refusal. */
type Walk = { ok: true; patches: number[] } | { ok: false; result: DecompressResult };

function walkFrames(input: Uint8Array, bound: number): Walk {
  let pos = 0;
  let minOutput = 0;
  let work = 0;
  let maxOutput = 0;
  const patches: number[] = [];
  const windowCap = Math.max(bound, WINDOW_FLOOR);
  // The cost is CPU time, so it has an absolute floor (4 GiB of window shifting ≈ 0.1 s here)
  // whatever the size bound; above that it grows with the bound like a legitimate stream would.
  const workBudget = Math.max(WORK_FLOOR, (Math.ceil(bound / BLOCK_MAX) + 16) * BUDGET_WINDOW);
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
    const windowAt = singleSegment ? -1 : at;
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
    let frameMax = 0;
    let blocks = 0;
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
      frameMax += type === 2 ? Math.min(BLOCK_MAX, window) : size;
      blocks++;
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
    let effective = window;
    if (windowAt >= 0 && frameMax < window) {
      // Smallest window descriptor (exponent only) covering frameMax: 2^(10 + e) >= frameMax.
      const e = Math.max(0, Math.ceil(Math.log2(Math.max(frameMax, 1))) - 10);
      if (2 ** (10 + e) < window) {
        patches.push(windowAt, e << 3);
        effective = 2 ** (10 + e);
      }
    }
    maxOutput += frameMax;
    work += blocks * Math.max(effective, BLOCK_MAX);
    // required = what the frames could produce; the cost, not the size, is what was refused.
    if (work > workBudget) return { ok: false, result: tooLarge("work_limit", maxOutput, pos) };
  }
  return { ok: true, patches };
}

export function unzstdBounded(input: Uint8Array, bound: number): DecompressResult {
  const walk = walkFrames(input, bound);
  if (!walk.ok) return walk.result;
  if (walk.patches.length > 0) {
    input = input.slice();
    for (let i = 0; i < walk.patches.length; i += 2) input[walk.patches[i]!] = walk.patches[i + 1]!;
  }
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
