/**
 * lz4 (codec 3): the LZ4 *frame* format, walked here; lz4js only decodes the raw blocks.
 *
 * Why our own walker: lz4js's frame decoder reads a block checksum *before* the block data (the
 * format puts it after), ignores the content size, and its block decoder writes without bounds
 * checks. So we do it in two passes:
 *  1. walk every frame and block, and scan each compressed block's sequences (token, literal
 *     run, offset, match length) without writing anything: this validates that literals stay in the
 *     block and that every match offset points into output already produced, and yields the exact
 *     output size. The scan costs O(compressed bytes).
 *  2. only if the exact total is within the bound: allocate it once and let lz4js decode each
 *     (now known-safe) block into it, back-references crossing blocks included (frames written
 *     with dependent blocks, e.g. by lz4js itself, need that).
 *
 * Frame layout (lz4 frame format 1.6): magic 04 22 4D 18, FLG, BD, [content size u64 LE],
 * [dict id u32], HC (second byte of xxh32 over FLG..dict id), blocks (u32 LE size, high bit =
 * stored uncompressed, 0 = end mark; [u32 checksum]), [u32 content checksum]. Skippable frames
 * (magic 0x184D2A50..5F) are stepped over.
 *
 * Header checksum: Kafka before 0.10 (magic 0 messages, KAFKA-3160) computed HC over the magic
 * too; both forms are accepted. Block and content checksums are not verified: the batch CRC
 * already covers the compressed bytes, and they are skipped by their declared presence.
 */
import { decompressBlock } from "lz4js";
import { hash as xxh32 } from "lz4js/xxh32.js";
import { failed, tooLarge, type DecompressResult } from "./result.js";

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const BLOCK_MAX_SIZES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };

function u32le(b: Uint8Array, at: number): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

/** A block to decode in pass 2. */
interface Block {
  start: number;
  length: number;
  stored: boolean;
}

/**
 * Scans one raw LZ4 block without decoding it. `produced` is the output written before the block
 * (matches may reach into earlier blocks). Returns the block's output size, or -1 if malformed.
 */
export function scanLz4Block(src: Uint8Array, start: number, end: number, produced: number): number {
  let pos = start;
  let out = 0;
  while (pos < end) {
    const token = src[pos++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (pos >= end) return -1;
        b = src[pos++]!;
        literals += b;
      } while (b === 255);
    }
    if (literals > end - pos) return -1;
    pos += literals;
    out += literals;
    // The last sequence has literals only.
    if (pos === end) break;
    if (end - pos < 2) return -1;
    const offset = src[pos]! | (src[pos + 1]! << 8);
    pos += 2;
    if (offset === 0 || offset > produced + out) return -1;
    let match = token & 15;
    if (match === 15) {
      let b: number;
      do {
        if (pos >= end) return -1;
        b = src[pos++]!;
        match += b;
      } while (b === 255);
    }
    out += match + 4;
  }
  return out;
}

export function unlz4Bounded(input: Uint8Array, bound: number): DecompressResult {
  const blocks: Block[] = [];
  let total = 0;
  let pos = 0;
  if (input.length < 4) return failed("truncated", 0);
  while (pos < input.length) {
    if (input.length - pos < 4) return failed("truncated", pos);
    const magic = u32le(input, pos);
    if ((magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE) {
      if (input.length - pos < 8) return failed("truncated", pos);
      const size = u32le(input, pos + 4);
      if (size > input.length - pos - 8) return failed("truncated", pos);
      pos += 8 + size;
      continue;
    }
    if (magic !== MAGIC) return failed("bad_magic", pos);
    const frameStart = pos;
    pos += 4;
    if (input.length - pos < 3) return failed("truncated", pos);
    const flg = input[pos]!;
    const bd = input[pos + 1]!;
    if ((flg >>> 6) !== 1 || (flg & 0x02) !== 0 || (bd & 0x8f) !== 0) return failed("bad_header", pos);
    const blockMax = BLOCK_MAX_SIZES[(bd >>> 4) & 7];
    if (blockMax === undefined) return failed("bad_header", pos + 1);
    const hasBlockChecksum = (flg & 0x10) !== 0;
    const hasContentSize = (flg & 0x08) !== 0;
    const hasContentChecksum = (flg & 0x04) !== 0;
    const hasDictId = (flg & 0x01) !== 0;
    const descLength = 2 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
    if (input.length - pos < descLength + 1) return failed("truncated", pos);
    const hc = input[pos + descLength]!;
    const expected = (xxh32(0, input, pos, descLength) >>> 8) & 0xff;
    const kafkaLegacy = (xxh32(0, input, frameStart, descLength + 4) >>> 8) & 0xff;
    if (hc !== expected && hc !== kafkaLegacy) return failed("header_checksum", pos + descLength);
    // A preset dictionary is never used by Kafka and cannot be decoded without it.
    if (hasDictId) return failed("dictionary", pos);
    let contentSize = -1;
    if (hasContentSize) {
      const lo = u32le(input, pos + 2);
      const hi = u32le(input, pos + 6);
      contentSize = hi * 4294967296 + lo;
      if (total + contentSize > bound) return tooLarge("declared_size", total + contentSize, pos + 2);
    }
    pos += descLength + 1;
    const frameOutStart = total;
    for (;;) {
      if (input.length - pos < 4) return failed("truncated", pos);
      const word = u32le(input, pos);
      pos += 4;
      if (word === 0) break;
      const stored = (word & 0x80000000) !== 0;
      const length = word & 0x7fffffff;
      if (length > blockMax) return failed("bad_block", pos - 4);
      if (length > input.length - pos) return failed("truncated", pos - 4);
      // Back-references may not cross frames: output before this frame does not count.
      const size = stored ? length : scanLz4Block(input, pos, pos + length, total - frameOutStart);
      if (size < 0) return failed("bad_block", pos);
      total += size;
      if (total > bound) return tooLarge("output_limit", total, pos);
      blocks.push({ start: pos, length, stored });
      pos += length;
      if (hasBlockChecksum) {
        if (input.length - pos < 4) return failed("truncated", pos);
        pos += 4;
      }
    }
    if (hasContentChecksum) {
      if (input.length - pos < 4) return failed("truncated", pos);
      pos += 4;
    }
    if (contentSize >= 0 && total - frameOutStart !== contentSize) return failed("content_size_mismatch", frameStart);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of blocks) {
    if (b.stored) {
      out.set(input.subarray(b.start, b.start + b.length), at);
      at += b.length;
    } else {
      at = decompressBlock(input, out, b.start, b.length, at);
    }
  }
  if (at !== total) return failed("codec_error", 0);
  return { ok: true, bytes: out };
}
