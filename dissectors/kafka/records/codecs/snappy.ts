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

function decodeBlock(block: Uint8Array, declared: number, at: number): DecompressResult {
  try {
    // maxLength = declared: the library re-reads the varint and refuses anything longer.
    const out = uncompress(block, declared);
    return { ok: true, bytes: out };
  } catch {
    return failed("codec_error", at);
  }
}
