/**
 * snappy (codec 2). Java clients wrap raw snappy in xerial framing:
 *   magic 82 53 4E 41 50 50 59 00, int32 version, int32 compatible version,
 *   then blocks of int32 length + raw snappy;
 * other clients (librdkafka can do both, Go, Python) may send raw snappy. Raw snappy starts with
 * the uncompressed length as a varint, so the output size is known before anything is allocated:
 * we sum it over every block, compare with the bound, then decompress block by block.
 */
import { uncompress } from "snappyjs";
import { failed, tooLarge, type DecompressResult } from "./result.js";

const XERIAL_MAGIC = [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00];
const XERIAL_HEADER = 16;

function isXerial(input: Uint8Array): boolean {
  if (input.length < XERIAL_HEADER) return false;
  for (let i = 0; i < XERIAL_MAGIC.length; i++) if (input[i] !== XERIAL_MAGIC[i]) return false;
  return true;
}

/** The varint uncompressed length that opens a raw snappy block, or -1 if malformed (max 2^32-1). */
export function snappyDeclaredLength(input: Uint8Array, start: number, end: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    if (start + i >= end) return -1;
    const b = input[start + i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value <= 0xffffffff ? value : -1;
    scale *= 128;
  }
  return -1;
}

export function unsnappyBounded(input: Uint8Array, bound: number): DecompressResult {
  // Collect the [start, end) of each raw snappy block and its declared output length.
  const starts: number[] = [];
  const ends: number[] = [];
  let total = 0;
  if (isXerial(input)) {
    let pos = XERIAL_HEADER;
    const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
    while (pos < input.length) {
      if (input.length - pos < 4) return failed("truncated", pos);
      const len = view.getInt32(pos);
      if (len < 0 || len > input.length - pos - 4) return failed("bad_block", pos);
      starts.push(pos + 4);
      ends.push(pos + 4 + len);
      pos += 4 + len;
    }
  } else {
    starts.push(0);
    ends.push(input.length);
  }
  const lengths: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    const declared = snappyDeclaredLength(input, starts[i]!, ends[i]!);
    if (declared < 0) return failed("bad_header", starts[i]!);
    total += declared;
    if (total > bound) return tooLarge("declared_size", total, starts[i]!);
    lengths.push(declared);
  }
  if (starts.length === 1) return decodeBlock(input.subarray(starts[0], ends[0]), lengths[0]!, starts[0]!);
  const out = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < starts.length; i++) {
    const r = decodeBlock(input.subarray(starts[i], ends[i]), lengths[i]!, starts[i]!);
    if (!r.ok) return r;
    out.set(r.bytes, at);
    at += r.bytes.length;
  }
  return { ok: true, bytes: out };
}

/**
 * Walks a raw snappy block's tags without decompressing: every literal and copy must stay inside
 * the block and inside the declared output. snappyjs reads a 4-byte literal length as a signed
 * int, so a length with its top bit set moves its read position backwards and it loops for ever
 * on bytes a capture controls; a block that passes this walk cannot do that.
 */
export function snappyTagsValid(block: Uint8Array, declared: number): boolean {
  let pos = 0;
  while (pos < block.length && block[pos]! >= 0x80) pos++; // the varint length, checked by the caller
  pos++;
  let out = 0;
  while (pos < block.length) {
    const c = block[pos++]!;
    let len: number;
    if ((c & 3) === 0) {
      len = (c >>> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > block.length) return false;
        len = 0;
        for (let i = extra - 1; i >= 0; i--) len = len * 256 + block[pos + i]!;
        len += 1;
        pos += extra;
      }
      if (len > block.length - pos) return false;
      pos += len;
    } else {
      let offset: number;
      if ((c & 3) === 1) {
        if (pos >= block.length) return false;
        len = ((c >>> 2) & 7) + 4;
        offset = block[pos]! + ((c >>> 5) << 8);
        pos += 1;
      } else if ((c & 3) === 2) {
        if (pos + 2 > block.length) return false;
        len = (c >>> 2) + 1;
        offset = block[pos]! + block[pos + 1]! * 256;
        pos += 2;
      } else {
        if (pos + 4 > block.length) return false;
        len = (c >>> 2) + 1;
        offset = block[pos]! + block[pos + 1]! * 256 + block[pos + 2]! * 65536 + block[pos + 3]! * 16777216;
        pos += 4;
      }
      if (offset === 0 || offset > out) return false;
    }
    out += len;
    if (out > declared) return false;
  }
  return true;
}

function decodeBlock(block: Uint8Array, declared: number, at: number): DecompressResult {
  if (!snappyTagsValid(block, declared)) return failed("codec_error", at);
  try {
    // maxLength = declared: the library re-reads the varint and refuses anything longer.
    const out = uncompress(block, declared);
    return { ok: true, bytes: out };
  } catch {
    return failed("codec_error", at);
  }
}
