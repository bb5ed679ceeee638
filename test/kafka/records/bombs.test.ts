/**
 * Decompression bombs, one or more per codec, each claiming or producing 1 GiB. They must be
 * refused with decompressed_too_large quickly and without memory growing past the bound.
 */
import { readFileSync } from "node:fs";
import { constants, deflateRawSync, gunzipSync } from "node:zlib";
import CRC32 from "crc-32";
import { describe, expect, it } from "vitest";
import { decodeRecords, type DecodeRecordsOptions, type RecordProblem } from "../../../dissectors/kafka/records/index.js";
import { concatBytes, encodeBatchV2, Writer } from "./encode.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const FIXTURES = new URL("../../fixtures/kafka-records/", import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));

/** A gzip member of `chunks` MiB of zeros, built from one byte-aligned, history-free deflate chunk. */
function gzipZeros(chunks: number, isize: number, crc = 0): Uint8Array {
  // Z_FULL_FLUSH ends the chunk on a byte boundary and resets the history, so copies of it
  // concatenate into a valid deflate stream (all blocks non-final).
  const chunk = new Uint8Array(deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_FULL_FLUSH }));
  const body = new Uint8Array(chunk.length * chunks);
  for (let i = 0; i < chunks; i++) body.set(chunk, i * chunk.length);
  const header = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
  const finalEmptyStoredBlock = new Uint8Array([0x01, 0x00, 0x00, 0xff, 0xff]);
  return concatBytes(header, body, finalEmptyStoredBlock, new Writer().u32le(crc).u32le(isize).done());
}

/** An LZ4 frame of `blocks` blocks of 4 MiB of zeros each (1 literal + one long match). */
function lz4Zeros(blocks: number, contentSize?: number): Uint8Array {
  const match = 4 * MiB - 1 - 4 - 15; // after the literal; 4 = min match, 15 = token nibble
  const block = new Writer().u8(0x1f).u8(0).u8(1).u8(0);
  for (let left = match; ; left -= 255) {
    if (left < 255) {
      block.u8(left);
      break;
    }
    block.u8(255);
  }
  const b = block.done();
  const flg = 0x40 | (contentSize !== undefined ? 0x08 : 0);
  const desc = new Writer().u8(flg).u8(7 << 4);
  if (contentSize !== undefined) desc.u32le(contentSize % 2 ** 32).u32le(Math.floor(contentSize / 2 ** 32));
  const d = desc.done();
  const w = new Writer().u32le(0x184d2204).bytes(d).u8((xxh.hash(0, d, 0, d.length) >>> 8) & 0xff);
  for (let i = 0; i < blocks; i++) w.u32le(b.length).bytes(b);
  return w.u32le(0).done();
}
import * as xxh from "lz4js/xxh32.js";

/** Decodes a batch with the given records section; returns its problems, time and RSS growth. */
function measure(codec: 1 | 2 | 3 | 4, section: Uint8Array, opts: DecodeRecordsOptions = {}): { problems: RecordProblem[]; ms: number; rssGrowth: number } {
  const bytes = encodeBatchV2({ codec, records: [{ key: null, value: null }], rawRecords: section });
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const res = decodeRecords(bytes, opts);
  const ms = performance.now() - t0;
  const rssGrowth = process.memoryUsage().rss - rss0;
  expect(res.batches[0]!.uncompressedSize).toBe(-1);
  return { problems: res.problems, ms, rssGrowth };
}

function expectRefused(m: { problems: RecordProblem[]; ms: number; rssGrowth: number }, reason: string, maxMs: number, maxRss: number): void {
  expect(m.problems).toEqual([expect.objectContaining({ code: "decompressed_too_large", reason })]);
  expect(m.ms).toBeLessThan(maxMs);
  expect(m.rssGrowth).toBeLessThan(maxRss);
}

describe("gzip bombs", () => {
  it("the hand-built gzip stream is valid (4 MiB of zeros, checked by zlib)", () => {
    const crc = CRC32.buf(new Uint8Array(4 * MiB), 0) >>> 0;
    const out = gunzipSync(gzipZeros(4, 4 * MiB, crc));
    expect(out.length).toBe(4 * MiB);
    expect(out.equals(Buffer.alloc(4 * MiB))).toBe(true);
  });

  it("1 GiB of zeros (~1 MB compressed) is refused from its trailer size, without inflating", () => {
    const bomb = gzipZeros(1024, GiB);
    expect(bomb.length).toBeLessThan(1.2 * MiB);
    expectRefused(measure(1, bomb), "declared_size", 200, 16 * MiB);
  });

  it("with a lying trailer (ISIZE 0) zlib stops at the bound", () => {
    const bomb = gzipZeros(1024, 0);
    const m = measure(1, bomb, { maxDecompressedBytes: 4 * MiB });
    expectRefused(m, "output_limit", 1000, 32 * MiB);
    expect(m.problems[0]!.available).toBe(4 * MiB);
  });

  it("many members, each small, stop at the bound too", () => {
    const member = gzipZeros(4, 4 * MiB, CRC32.buf(new Uint8Array(4 * MiB), 0) >>> 0);
    const bomb = concatBytes(...Array.from({ length: 256 }, () => member));
    expectRefused(measure(1, bomb, { maxDecompressedBytes: 8 * MiB }), "output_limit", 2000, 48 * MiB);
  });
});

describe("snappy bombs", () => {
  it("raw snappy declaring 1 GiB is refused from its length varint", () => {
    const bomb = new Writer().uvarint(GiB).u8(0x00).u8(0).done(); // varint + a 1-byte literal
    expectRefused(measure(2, bomb), "declared_size", 100, 8 * MiB);
  });

  it("xerial framing with 32 blocks of 32 MiB each is refused before any block is decoded", () => {
    const block = new Writer().uvarint(32 * MiB).u8(0x00).u8(0).done();
    const w = new Writer().bytes(new Uint8Array([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])).i32(1).i32(1);
    for (let i = 0; i < 32; i++) w.i32(block.length).bytes(block);
    const m = measure(2, w.done());
    expectRefused(m, "declared_size", 100, 8 * MiB);
    expect(m.problems[0]!.required).toBe(96 * MiB); // stopped at the third block
  });
});

describe("lz4 bombs", () => {
  it("1 GiB of zeros in 256 blocks (~4 MB compressed) is refused by the scan, before any output", () => {
    const bomb = lz4Zeros(256);
    const m = measure(3, bomb);
    expectRefused(m, "output_limit", 1000, 16 * MiB);
  });

  it("a frame declaring a 1 GiB content size is refused from its header", () => {
    expectRefused(measure(3, lz4Zeros(1, GiB)), "declared_size", 50, 8 * MiB);
  });

  it("the scan's size is exact: 2 blocks (8 MiB) decode when the bound allows", () => {
    const bytes = encodeBatchV2({ codec: 3, records: [], recordCount: 0, rawRecords: lz4Zeros(2) });
    const res = decodeRecords(bytes, { maxDecompressedBytes: 8 * MiB });
    expect(res.batches[0]!.uncompressedSize).toBe(8 * MiB);
    // Zeros are not records: the walk reports them as data after the 0 declared records.
    expect(res.problems.map((p) => p.code)).toEqual(["trailing_bytes"]);
  });
});

describe("zstd bombs (fixtures from `head -c 1G /dev/zero | zstd`, see README)", () => {
  it("1 GiB of zeros as RLE blocks (36 KB, no content size) is refused by the frame walk", () => {
    expectRefused(measure(4, fixture("zeros-1g.stream.zst")), "output_limit", 200, 16 * MiB);
  });

  it("1 GiB of a repeating pattern (compressed blocks, 128 KiB window, 132 KB) stops at the bound while decoding", () => {
    const m = measure(4, fixture("pattern-1g.wlog17.stream.zst"), { maxDecompressedBytes: 4 * MiB });
    expectRefused(m, "output_limit", 3000, 48 * MiB);
  });

  it("the same pattern with the default 64 MiB bound stays near the bound", () => {
    const m = measure(4, fixture("pattern-1g.wlog17.stream.zst"));
    expectRefused(m, "output_limit", 5000, 200 * MiB);
  });

  it("the same pattern behind an 8 MiB window is refused by the work budget before decoding", () => {
    const z = fixture("pattern-1g.wlog17.stream.zst").slice();
    expect(z[5]).toBe(7 << 3); // window descriptor: 2^17
    z[5] = 13 << 3; // 2^23 = 8 MiB: legal, only larger than needed
    const m = measure(4, z);
    expectRefused(m, "work_limit", 200, 16 * MiB);
    expect(m.problems[0]!.required).toBe(GiB);
  });

  /** A zstd frame of `blocks` RLE blocks of `size` bytes each, behind a 2^exp window. */
  function rleBlocks(blocks: number, size: number, exp: number): Uint8Array {
    const w = new Writer().u32le(0xfd2fb528).u8(0x00).u8((exp - 10) << 3);
    for (let i = 0; i < blocks; i++) {
      const h = (i === blocks - 1 ? 1 : 0) | (1 << 1) | (size << 3);
      w.u8(h & 0xff).u8((h >> 8) & 0xff).u8(h >> 16).u8(0x61);
    }
    return w.done();
  }

  it("many tiny blocks behind a large window decode fast (window lowered to what the frame can reach)", () => {
    // Unpatched, fzstd shifts its 8 MiB window after each block: 1.4 s for these 40 KB.
    const bytes = encodeBatchV2({ codec: 4, records: [], recordCount: 0, rawRecords: rleBlocks(10_000, 1, 23) });
    const t0 = performance.now();
    const res = decodeRecords(bytes);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(res.batches[0]!.uncompressedSize).toBe(10_000);
  });

  it("a quarter million tiny blocks (1 MB) is refused by the work budget", () => {
    const m = measure(4, rleBlocks(250_000, 1, 23));
    expectRefused(m, "work_limit", 500, 16 * MiB);
  });

  it("a frame declaring a 1 GiB content size is refused from its header", () => {
    // FHD 0xC0: 8-byte content size, not single segment; the fixture's own window descriptor (512 KiB).
    const zeros = fixture("zeros-1g.stream.zst");
    const blocks = zeros.subarray(6); // after magic, FHD 0x00 and the window descriptor
    const header = new Writer().u32le(0xfd2fb528).u8(0xc0).u8(zeros[5]!).u32le(GiB).u32le(0).done();
    expectRefused(measure(4, concatBytes(header, blocks)), "declared_size", 50, 8 * MiB);
  });

  it("a window larger than the bound (and than 8 MiB) is refused before fzstd allocates it", () => {
    // Window descriptor exponent 31 - 10 = 21 → 2 GiB; fzstd would allocate that much up front.
    const frame = new Writer().u32le(0xfd2fb528).u8(0x00).u8(21 << 3).u8(0x01).u8(0).u8(0).done();
    const m = measure(4, frame);
    expectRefused(m, "window_size", 50, 8 * MiB);
    expect(m.problems[0]!.required).toBe(2 * GiB);
  });
});

describe("snappy blocks that would send the decompressor backwards", () => {
  it("a literal whose 4-byte length has its top bit set is refused at once, not looped on", async () => {
    const { unsnappyBounded, snappyTagsValid } = await import("../../../dissectors/kafka/records/codecs/snappy.js");
    // varint length 8, then a literal tag 0xfc (4-byte length follows) of 0xfffffffe + 1: snappyjs
    // reads it as -1 and moves its position back by one, for ever.
    const block = Uint8Array.from([0x08, 0xfc, 0xfe, 0xff, 0xff, 0xff, 0x00, 0x00]);
    expect(snappyTagsValid(block, 8)).toBe(false);
    const started = Date.now();
    const r = unsnappyBounded(block, 1 << 20);
    expect(r.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("accepts what a real snappy encoder writes", async () => {
    const { compress } = await import("snappyjs");
    const { snappyTagsValid, unsnappyBounded } = await import("../../../dissectors/kafka/records/codecs/snappy.js");
    const text = new TextEncoder().encode("kafka kafka kafka record value ".repeat(200));
    const block = compress(text) as Uint8Array;
    expect(snappyTagsValid(block, text.length)).toBe(true);
    const r = unsnappyBounded(block, 1 << 20);
    expect(r.ok && Buffer.from(r.bytes).equals(Buffer.from(text))).toBe(true);
  });
});
