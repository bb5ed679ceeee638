/**
 * Test-only encoder for Kafka record formats: magic 2 batches (every codec), legacy magic 0/1
 * messages, and hand-built LZ4 frames / xerial snappy streams. Written from the format
 * description in shared/kafka-protocol/README.md, independently of the decoder under test.
 */
import { gzipSync } from "node:zlib";
import CRC32 from "crc-32";
import CRC32C from "crc-32/crc32c.js";
import { compress as lz4Compress } from "lz4js";
import { hash as xxh32 } from "lz4js/xxh32.js";
import { compress as snappyCompress } from "snappyjs";

export const enc = new TextEncoder();

export class Writer {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }
  i16(v: number): this {
    this.room(2);
    new DataView(this.buf.buffer).setInt16(this.length, v);
    this.length += 2;
    return this;
  }
  i32(v: number): this {
    this.room(4);
    new DataView(this.buf.buffer).setInt32(this.length, v);
    this.length += 4;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0);
    this.length += 4;
    return this;
  }
  u32le(v: number): this {
    this.room(4);
    new DataView(this.buf.buffer).setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  i64(v: bigint | number): this {
    this.room(8);
    new DataView(this.buf.buffer).setBigInt64(this.length, BigInt(v));
    this.length += 8;
    return this;
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** Unsigned LEB128 of a non-negative bigint. */
  uvarlong(v: bigint): this {
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      this.u8(b);
    } while (v > 0n);
    return this;
  }
  /** Zigzag varint / varlong (Kafka's writeVarint / writeVarlong). */
  zigzag(v: number | bigint): this {
    const b = BigInt(v);
    return this.uvarlong(b >= 0n ? b << 1n : ((-b) << 1n) - 1n);
  }
  uvarint(v: number): this {
    return this.uvarlong(BigInt(v));
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

export interface TestHeader {
  key: string;
  value: Uint8Array | null;
}

export interface TestRecord {
  timestampDelta?: number;
  offsetDelta?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers?: TestHeader[];
}

/** The records section of a magic 2 batch, uncompressed. */
export function encodeRecordsV2(records: TestRecord[]): Uint8Array {
  const out = new Writer();
  records.forEach((r, i) => {
    const body = new Writer();
    body.u8(0);
    body.zigzag(r.timestampDelta ?? 0);
    body.zigzag(r.offsetDelta ?? i);
    if (r.key === null) body.zigzag(-1);
    else body.zigzag(r.key.length).bytes(r.key);
    if (r.value === null) body.zigzag(-1);
    else body.zigzag(r.value.length).bytes(r.value);
    const headers = r.headers ?? [];
    body.zigzag(headers.length);
    for (const h of headers) {
      const k = enc.encode(h.key);
      body.zigzag(k.length).bytes(k);
      if (h.value === null) body.zigzag(-1);
      else body.zigzag(h.value.length).bytes(h.value);
    }
    const b = body.done();
    out.zigzag(b.length).bytes(b);
  });
  return out.done();
}

export type Compressor = (raw: Uint8Array) => Uint8Array;

export interface BatchSpec {
  baseOffset?: number;
  partitionLeaderEpoch?: number;
  /** Attribute bits above the codec (timestamp type 0x08, transactional 0x10, control 0x20). */
  flags?: number;
  codec?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** Compressor for the records section (defaults per codec: gzip, raw snappy, lz4js frame). */
  compress?: Compressor;
  lastOffsetDelta?: number;
  baseTimestamp?: number;
  maxTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /** Overrides the record count written in the header. */
  recordCount?: number;
  records: TestRecord[];
  /** Replaces the (compressed) records section entirely. */
  rawRecords?: Uint8Array;
}

export const COMPRESSORS: Record<number, Compressor | undefined> = {
  1: (raw) => new Uint8Array(gzipSync(raw)),
  2: (raw) => snappyCompress(raw),
  3: (raw) => lz4Compress(raw),
};

export function encodeBatchV2(spec: BatchSpec): Uint8Array {
  const codec = spec.codec ?? 0;
  const raw = encodeRecordsV2(spec.records);
  let section = spec.rawRecords;
  if (section === undefined) {
    if (codec === 0) section = raw;
    else {
      const c = spec.compress ?? COMPRESSORS[codec];
      if (!c) throw new Error(`no compressor for codec ${codec}`);
      section = c(raw);
    }
  }
  const n = spec.records.length;
  const base = spec.baseTimestamp ?? 1_700_000_000_000;
  const afterCrc = new Writer()
    .i16(codec | (spec.flags ?? 0))
    .i32(spec.lastOffsetDelta ?? Math.max(0, n - 1))
    .i64(base)
    .i64(spec.maxTimestamp ?? base + Math.max(0, ...spec.records.map((r) => r.timestampDelta ?? 0)))
    .i64(spec.producerId ?? -1n)
    .i16(spec.producerEpoch ?? -1)
    .i32(spec.baseSequence ?? -1)
    .i32(spec.recordCount ?? n)
    .bytes(section)
    .done();
  const crc = CRC32C.buf(afterCrc, 0) >>> 0;
  const w = new Writer()
    .i64(spec.baseOffset ?? 0)
    .i32(4 + 1 + 4 + afterCrc.length)
    .i32(spec.partitionLeaderEpoch ?? 0)
    .u8(2)
    .u32(crc)
    .bytes(afterCrc);
  return w.done();
}

export interface LegacySpec {
  offset?: number;
  magic: 0 | 1;
  attributes?: number;
  timestamp?: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
}

/** One legacy message (magic 0/1) with a correct CRC-32. */
export function encodeLegacy(m: LegacySpec): Uint8Array {
  const body = new Writer().u8(m.magic).u8(m.attributes ?? 0);
  if (m.magic === 1) body.i64(m.timestamp ?? 1_479_416_797_449);
  if (m.key === null) body.i32(-1);
  else body.i32(m.key.length).bytes(m.key);
  if (m.value === null) body.i32(-1);
  else body.i32(m.value.length).bytes(m.value);
  const b = body.done();
  const crc = CRC32.buf(b, 0) >>> 0;
  return new Writer().i64(m.offset ?? 0).i32(4 + b.length).u32(crc).bytes(b).done();
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const w = new Writer();
  for (const p of parts) w.bytes(p);
  return w.done();
}

/** Xerial-framed snappy, as Java clients write it: header, then int32-length raw snappy blocks. */
export function xerialSnappy(raw: Uint8Array, blockSize = 32 * 1024): Uint8Array {
  const w = new Writer().bytes(new Uint8Array([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])).i32(1).i32(1);
  for (let at = 0; at < raw.length; at += blockSize) {
    const block = snappyCompress(raw.subarray(at, Math.min(raw.length, at + blockSize)));
    w.i32(block.length).bytes(block);
  }
  return w.done();
}

export interface Lz4FrameSpec {
  /** Block max size id 4..7 (64 KiB .. 4 MiB). */
  bdId?: number;
  blockChecksum?: boolean;
  contentSize?: boolean;
  contentChecksum?: boolean;
  /** Store every block uncompressed (high bit set) instead of compressing. */
  stored?: boolean;
  /** Compute the header checksum the pre-0.10 Kafka way (over the magic too). */
  kafkaLegacyHc?: boolean;
  /** Block size for splitting the input. */
  blockSize?: number;
}

/**
 * An LZ4 frame built by hand around raw blocks. Compressed blocks come from lz4js's own frame
 * (one block per call, so each is independent), re-wrapped with the requested options.
 */
export function lz4Frame(raw: Uint8Array, spec: Lz4FrameSpec = {}): Uint8Array {
  const bdId = spec.bdId ?? 4;
  const flg = 0x40 | 0x20 | (spec.blockChecksum ? 0x10 : 0) | (spec.contentSize ? 0x08 : 0) | (spec.contentChecksum ? 0x04 : 0);
  const desc = new Writer().u8(flg).u8(bdId << 4);
  if (spec.contentSize) {
    desc.u32le(raw.length);
    desc.u32le(0);
  }
  const d = desc.done();
  const w = new Writer().u32le(0x184d2204).bytes(d);
  const hcInput = spec.kafkaLegacyHc ? concatBytes(new Uint8Array([0x04, 0x22, 0x4d, 0x18]), d) : d;
  w.u8((xxh32(0, hcInput, 0, hcInput.length) >>> 8) & 0xff);
  const blockSize = spec.blockSize ?? 64 * 1024;
  for (let at = 0; at < raw.length; at += blockSize) {
    const chunk = raw.subarray(at, Math.min(raw.length, at + blockSize));
    let data: Uint8Array;
    let stored = spec.stored === true;
    if (!stored) {
      const f = lz4Compress(chunk);
      // lz4js frame: magic 4, FLG, BD, HC, then the first block's u32 size.
      const word = new DataView(f.buffer, f.byteOffset).getUint32(7, true);
      stored = (word & 0x80000000) !== 0;
      data = f.slice(11, 11 + (word & 0x7fffffff));
    } else data = chunk;
    w.u32le((stored ? 0x80000000 : 0) | data.length).bytes(data);
    if (spec.blockChecksum) w.u32le(xxh32(0, data, 0, data.length));
  }
  w.u32le(0);
  if (spec.contentChecksum) w.u32le(xxh32(0, raw, 0, raw.length));
  return w.done();
}

/** Deterministic test payload: compressible text with some variation. */
export function sampleRecords(count: number, valueSize: number, seed = 1): TestRecord[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  const out: TestRecord[] = [];
  for (let i = 0; i < count; i++) {
    const v = new Uint8Array(valueSize);
    for (let j = 0; j < valueSize; j++) v[j] = j % 16 === 0 ? rand() & 0xff : 0x61 + ((i + j) % 26);
    out.push({
      timestampDelta: i * 3,
      offsetDelta: i,
      key: i % 5 === 0 ? null : enc.encode(`key-${i}`),
      value: i % 7 === 3 ? null : v,
      headers: i % 3 === 0 ? [{ key: "trace", value: enc.encode(`t${i}`) }, { key: "nul", value: null }] : [],
    });
  }
  return out;
}
