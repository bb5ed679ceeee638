import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { compress as lz4Compress } from "lz4js";
import { compress as snappyCompress } from "snappyjs";
import { describe, expect, it } from "vitest";
import { decodeRecords, type RecordBatchV2 } from "../../../dissectors/kafka/records/index.js";
import { concatBytes, encodeBatchV2, encodeRecordsV2, lz4Frame, sampleRecords, Writer, xerialSnappy, type Compressor } from "./encode.js";

const FIXTURES = new URL("../../fixtures/kafka-records/", import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

const RECORDS = sampleRecords(200, 120);
const RAW = encodeRecordsV2(RECORDS);

/** Decodes a batch whose records were compressed with `compress`, and checks decode == input. */
function roundTrip(codec: 1 | 2 | 3 | 4, compress: Compressor | Uint8Array, records = RECORDS): RecordBatchV2 {
  const bytes =
    compress instanceof Uint8Array
      ? encodeBatchV2({ codec, records, rawRecords: compress })
      : encodeBatchV2({ codec, records, compress });
  const res = decodeRecords(bytes, { keepValues: true });
  expect(res.problems).toEqual([]);
  const b = res.batches[0] as RecordBatchV2;
  expect(b.codec).toBe(["none", "gzip", "snappy", "lz4", "zstd"][codec]);
  expect(b.crc.ok).toBe(true);
  expect(b.uncompressedSize).toBe(encodeRecordsV2(records).length);
  expect(b.recordsDecoded).toBe(records.length);
  // Spot-check content against the input.
  records.forEach((t, i) => {
    const r = b.records[i]!;
    expect(r.offset).toBe(i);
    expect(r.valueLength).toBe(t.value === null ? -1 : t.value.length);
    expect(r.value).toEqual(t.value === null ? undefined : t.value);
    expect(r.key).toEqual(t.key === null ? undefined : t.key);
    expect(r.headers.map((h) => h.key)).toEqual((t.headers ?? []).map((h) => h.key));
  });
  return b;
}

function problemsOf(codec: number, section: Uint8Array, opts = {}): { code: string; reason?: string | undefined }[] {
  const res = decodeRecords(encodeBatchV2({ codec: codec as 1, records: [{ key: null, value: null }], rawRecords: section }), opts);
  return res.problems.map((p) => ({ code: p.code, reason: p.reason }));
}

describe("gzip", () => {
  it("round-trips", () => {
    roundTrip(1, (raw) => new Uint8Array(gzipSync(raw)));
  });
  it("reports corrupt data as decompress_failed", () => {
    const gz = new Uint8Array(gzipSync(RAW));
    gz[20] ^= 0xff;
    expect(problemsOf(1, gz)).toEqual([{ code: "decompress_failed", reason: "codec_error" }]);
    expect(problemsOf(1, new Uint8Array([1, 2, 3]))).toEqual([{ code: "decompress_failed", reason: "truncated" }]);
  });
});

describe("snappy", () => {
  it("round-trips raw snappy", () => {
    roundTrip(2, (raw) => snappyCompress(raw));
  });
  it("round-trips xerial framing with many blocks (as Java clients send)", () => {
    roundTrip(2, (raw) => xerialSnappy(raw, 1024));
  });
  it("round-trips xerial framing with one block and with no block", () => {
    roundTrip(2, (raw) => xerialSnappy(raw));
    const b = roundTrip(2, xerialSnappy(new Uint8Array(0)), []);
    expect(b.uncompressedSize).toBe(0);
  });
  it("reports a xerial block running past the end", () => {
    const x = xerialSnappy(RAW, 1024);
    expect(problemsOf(2, x.subarray(0, x.length - 10))).toEqual([{ code: "decompress_failed", reason: "bad_block" }]);
  });
  it("reports an invalid snappy stream", () => {
    // Declared length 10, a 1-byte literal 'a', then a copy with offset 0 (invalid).
    const bad = new Uint8Array([0x0a, 0x00, 0x61, 0x01, 0x00]);
    expect(problemsOf(2, bad)).toEqual([{ code: "decompress_failed", reason: "codec_error" }]);
    // A varint that never ends.
    expect(problemsOf(2, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toEqual([{ code: "decompress_failed", reason: "bad_header" }]);
  });
});

describe("lz4 frames", () => {
  it("round-trips lz4js frames (4 MiB blocks, dependent blocks allowed)", () => {
    roundTrip(3, (raw) => lz4Compress(raw));
  });
  it("round-trips hand-built frames: block checksums, content size, content checksum", () => {
    roundTrip(3, (raw) => lz4Frame(raw, { blockChecksum: true, contentSize: true, contentChecksum: true, blockSize: 4096 }));
  });
  it("round-trips uncompressed (stored) blocks, with and without block checksums", () => {
    roundTrip(3, (raw) => lz4Frame(raw, { stored: true, blockSize: 3000 }));
    roundTrip(3, (raw) => lz4Frame(raw, { stored: true, blockChecksum: true, blockSize: 3000 }));
  });
  it("accepts the pre-0.10 Kafka header checksum (computed over the magic too)", () => {
    roundTrip(3, (raw) => lz4Frame(raw, { kafkaLegacyHc: true }));
  });
  it("steps over a skippable frame and reads concatenated frames", () => {
    const half = RAW.length >> 1;
    const skippable = new Writer().u32le(0x184d2a53).u32le(3).bytes(new Uint8Array([9, 9, 9])).done();
    // Split on a record boundary is not needed: frames are just concatenated output.
    roundTrip(3, concatBytes(lz4Frame(RAW.subarray(0, half)), skippable, lz4Frame(RAW.subarray(half), { blockChecksum: true })));
  });
  it("refuses a bad header checksum, a bad magic, a wrong content size and a truncated frame", () => {
    const f = lz4Frame(RAW, { contentSize: true });
    const badHc = f.slice();
    badHc[14] ^= 0xff; // FLG BD + 8-byte size → HC at 4 + 2 + 8
    expect(problemsOf(3, badHc)).toEqual([{ code: "decompress_failed", reason: "header_checksum" }]);
    const badMagic = f.slice();
    badMagic[0] = 0;
    expect(problemsOf(3, badMagic)).toEqual([{ code: "decompress_failed", reason: "bad_magic" }]);
    expect(problemsOf(3, f.subarray(0, f.length - 2))).toEqual([{ code: "decompress_failed", reason: "truncated" }]);
    const wrongSize = lz4Frame(RAW.subarray(0, 100), { contentSize: true });
    wrongSize[6] ^= 1; // content size low byte; fix HC so only the size is wrong
    const { hash } = xxh();
    wrongSize[14] = (hash(0, wrongSize, 4, 10) >>> 8) & 0xff;
    expect(problemsOf(3, wrongSize)).toEqual([{ code: "decompress_failed", reason: "content_size_mismatch" }]);
  });
  it("refuses a block whose match points before the start of the output", () => {
    // token: 1 literal, match length 4; literal 'a'; offset 5 > 1 byte produced.
    const block = new Uint8Array([0x10, 0x61, 0x05, 0x00, 0x00]);
    const frame = lz4FrameWithBlock(block);
    expect(problemsOf(3, frame)).toEqual([{ code: "decompress_failed", reason: "bad_block" }]);
  });
});

describe("zstd (fixtures made with the zstd 1.5.4 CLI, see fixtures/kafka-records/README.md)", () => {
  const input = fixture("records-50.bin");
  const records = sampleRecords(50, 100);
  it("the fixture input is the test encoder's output", () => {
    expect(input).toEqual(encodeRecordsV2(records));
  });
  it("decodes a frame with content size and checksum (zstd -19 from a file)", () => {
    roundTrip(4, fixture("records-50.fcs.zst"), records);
  });
  it("decodes a streamed frame without content size (zstd -3 from a pipe, 2 MiB window)", () => {
    roundTrip(4, fixture("records-50.stream.zst"), records);
  });
  it("decodes a frame without checksum", () => {
    roundTrip(4, fixture("records-50.nocheck.zst"), records);
  });
  it("decodes two concatenated frames as one stream", () => {
    const twice = sampleRecords(50, 100).concat(sampleRecords(50, 100).map((r, i) => ({ ...r, offsetDelta: 50 + i })));
    // Frame 2 repeats frame 1's records; offsets are not part of this check (deltas restart).
    const bytes = encodeBatchV2({ codec: 4, records: twice, recordCount: 100, rawRecords: fixture("records-50x2.multi.zst") });
    const res = decodeRecords(bytes);
    expect(res.problems).toEqual([]);
    expect(res.batches[0]!.uncompressedSize).toBe(2 * input.length);
    expect(res.batches[0]!.recordsDecoded).toBe(100);
  });
  it("reports corrupt and truncated zstd data", () => {
    const z = fixture("records-50.stream.zst").slice();
    expect(problemsOf(4, z.subarray(0, z.length - 20)).map((p) => p.code)).toEqual(["decompress_failed"]);
    z[0] = 0;
    expect(problemsOf(4, z)).toEqual([{ code: "decompress_failed", reason: "bad_magic" }]);
  });
  it("refuses a frame that needs a preset dictionary", () => {
    // FHD: dictionary id 1 byte (flag 1), single segment, FCS 1 byte.
    const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x21, 0x07, 0x05, 0x01, 0x00, 0x00]);
    expect(problemsOf(4, frame)).toEqual([{ code: "decompress_failed", reason: "dictionary" }]);
  });
});

describe("codec ids", () => {
  it("reports ids 5–7 as unknown_codec and keeps the header", () => {
    for (const codec of [5, 6, 7] as const) {
      const res = decodeRecords(encodeBatchV2({ codec, records: sampleRecords(2, 2), rawRecords: new Uint8Array(10) }));
      expect(res.problems).toEqual([{ code: "unknown_codec", offset: 21, batch: 0, available: codec }]);
      expect(res.batches[0]).toMatchObject({ codecId: codec, codec: "unknown", recordCount: 2, uncompressedSize: -1, records: [] });
    }
  });
});

function xxh(): { hash: (seed: number, b: Uint8Array, i: number, n: number) => number } {
  return xxhMod;
}
import * as xxhMod from "lz4js/xxh32.js";

/** A frame (64 KiB blocks, no options) around one raw block. */
function lz4FrameWithBlock(block: Uint8Array): Uint8Array {
  const desc = new Uint8Array([0x60, 0x40]);
  return new Writer()
    .u32le(0x184d2204)
    .bytes(desc)
    .u8((xxhMod.hash(0, desc, 0, 2) >>> 8) & 0xff)
    .u32le(block.length)
    .bytes(block)
    .u32le(0)
    .done();
}
