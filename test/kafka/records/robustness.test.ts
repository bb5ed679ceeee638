import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import CRC32C from "crc-32/crc32c.js";
import { decodeRecords, type RecordProblemCode, type RecordsResult } from "../../../dissectors/kafka/records/index.js";
import { concatBytes, enc, encodeBatchV2, encodeLegacy, lz4Frame, sampleRecords, xerialSnappy } from "./encode.js";

const ZSTD = new Uint8Array(readFileSync(new URL("../../fixtures/kafka-records/records-50.stream.zst", import.meta.url)));

const CODES: ReadonlySet<RecordProblemCode> = new Set<RecordProblemCode>([
  "bad_length", "unknown_magic", "crc_mismatch", "unknown_codec", "decompress_failed", "decompressed_too_large",
  "bad_record_count", "bad_record", "record_count_mismatch", "trailing_bytes", "too_deep",
]);

const BOUND = 1 << 20;

/** Invariants every result must satisfy, whatever the input. */
function checkInvariants(input: Uint8Array, res: RecordsResult, maxRecords: number): void {
  let kept = 0;
  let end = 0;
  for (const b of res.batches) {
    expect(b.position).toBeGreaterThanOrEqual(end);
    expect(b.position + b.wireSize).toBeLessThanOrEqual(input.length);
    end = b.position + b.wireSize;
    expect(b.uncompressedSize).toBeLessThanOrEqual(BOUND);
    // Records kept can never outnumber what the (decompressed) bytes could hold.
    const bytes = b.codec === "none" || b.uncompressedSize < 0 ? b.wireSize : b.uncompressedSize;
    expect(b.recordsDecoded).toBeLessThanOrEqual(Math.max(1, bytes / 7));
    kept += b.records.length;
    for (const r of b.records) {
      if (r.value) expect(r.value.length).toBeLessThanOrEqual(256);
      if (r.key) expect(r.key.length).toBeLessThanOrEqual(256);
    }
  }
  expect(kept).toBeLessThanOrEqual(maxRecords);
  for (const p of res.problems) {
    expect(CODES.has(p.code)).toBe(true);
    expect(p.offset).toBeGreaterThanOrEqual(0);
    expect(p.offset).toBeLessThanOrEqual(input.length);
  }
  if (!res.partialTail) expect(res.partialTailBytes).toBe(0);
  else expect(res.partialTailBytes).toBeGreaterThan(0);
}

function decodeChecked(input: Uint8Array, maxRecords = 50): RecordsResult {
  const res = decodeRecords(input, { maxDecompressedBytes: BOUND, maxRecords, keepValues: true });
  checkInvariants(input, res, maxRecords);
  return res;
}

/** Valid batches of every kind, concatenated the way a Fetch response carries them. */
function corpus(): { name: string; bytes: Uint8Array; ends: number[] }[] {
  const recs = sampleRecords(12, 40);
  const parts: [string, Uint8Array][] = [
    ["v2 none", encodeBatchV2({ baseOffset: 0, records: recs })],
    ["v2 gzip", encodeBatchV2({ codec: 1, baseOffset: 12, records: recs })],
    ["v2 snappy", encodeBatchV2({ codec: 2, baseOffset: 24, records: recs })],
    ["v2 snappy xerial", encodeBatchV2({ codec: 2, compress: (r) => xerialSnappy(r, 100), baseOffset: 36, records: recs })],
    ["v2 lz4", encodeBatchV2({ codec: 3, baseOffset: 48, records: recs })],
    ["v2 lz4 checksums", encodeBatchV2({ codec: 3, compress: (r) => lz4Frame(r, { blockChecksum: true, contentChecksum: true, contentSize: true, blockSize: 200 }), records: recs })],
    ["v2 zstd", encodeBatchV2({ codec: 4, records: sampleRecords(50, 100), rawRecords: ZSTD })],
    ["v1 none", encodeLegacy({ magic: 1, offset: 3, key: enc.encode("k"), value: enc.encode("value") })],
    ["v0 gzip", encodeLegacy({ magic: 0, offset: 9, attributes: 1, key: null, value: new Uint8Array(gzipSync(concatBytes(
      encodeLegacy({ magic: 0, offset: 8, key: null, value: enc.encode("a") }),
      encodeLegacy({ magic: 0, offset: 9, key: null, value: enc.encode("b") }),
    ))) })],
  ];
  return parts.map(([name, bytes]) => ({ name, bytes, ends: [bytes.length] }));
}

describe("truncation: every cut point", () => {
  const all = corpus();
  const stream = concatBytes(...all.map((c) => c.bytes));
  const boundaries = [0];
  for (const c of all) boundaries.push(boundaries[boundaries.length - 1]! + c.bytes.length);

  it("a cut anywhere in a stream of valid batches is a partial tail, never a problem or a throw", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const res = decodeChecked(stream.subarray(0, cut));
      const complete = boundaries.filter((b) => b <= cut);
      const last = complete[complete.length - 1]!;
      expect(res.problems).toEqual([]);
      expect(res.batches.length).toBe(complete.length - 1);
      expect(res.partialTail).toBe(cut !== last);
      expect(res.partialTailBytes).toBe(cut - last);
    }
  });

  it("a batch shrunk in place (length rewritten to the cut) yields problems, never a throw", () => {
    for (const c of all) {
      for (let cut = 17; cut < c.bytes.length; cut++) {
        const b = c.bytes.slice(0, cut);
        new DataView(b.buffer).setInt32(8, cut - 12);
        const res = decodeChecked(b);
        expect(res.partialTail).toBe(false);
        // The CRC no longer matches, or (under the minimum length) the batch cannot be framed.
        expect(res.problems.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("property: arbitrary and mutated input", () => {
  it("random bytes never throw and satisfy the invariants", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        decodeChecked(bytes);
      }),
      { numRuns: 3000 },
    );
  });

  it("random bodies behind a plausible v2 header (any codec, any count) never throw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer(), fc.uint8Array({ maxLength: 400 }), fc.boolean(), (codec, count, body, fixCrc) => {
        const b = encodeBatchV2({ codec: codec as 0, recordCount: count, records: [], rawRecords: body });
        if (fixCrc) new DataView(b.buffer).setUint32(17, CRC32C.buf(b.subarray(21), 0) >>> 0);
        decodeChecked(b);
      }),
      { numRuns: 3000 },
    );
  });

  it("valid batches with random byte mutations (CRC left stale or recomputed) never throw", () => {
    const all = corpus();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: all.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (which, edits, fixCrc) => {
          const b = all[which]!.bytes.slice();
          for (const [at, v] of edits) b[at % b.length] = v;
          if (fixCrc && b.length > 21 && b[16] === 2) {
            const end = Math.min(b.length, 12 + new DataView(b.buffer).getInt32(8));
            if (end > 21) new DataView(b.buffer).setUint32(17, CRC32C.buf(b.subarray(21, end), 0) >>> 0);
          }
          decodeChecked(b);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("garbage behind valid compression (v2 batches and legacy wrappers, CRCs correct) never throws", () => {
    const compressors = [
      (b: Uint8Array) => new Uint8Array(gzipSync(b)),
      (b: Uint8Array) => xerialSnappy(b, 64),
      (b: Uint8Array) => lz4Frame(b, { blockSize: 100, blockChecksum: true }),
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }), fc.uint8Array({ maxLength: 500 }), fc.integer({ min: -2, max: 200 }), (c, garbage, count) => {
        const section = compressors[c]!(garbage);
        decodeChecked(encodeBatchV2({ codec: (c + 1) as 1, recordCount: count, records: [], rawRecords: section }));
        // Legacy: the garbage is the inner message set; a plausible first entry half the time.
        const inner = count % 2 === 0 ? garbage : concatBytes(encodeLegacy({ magic: 1, key: null, value: garbage.subarray(0, 9) }), garbage);
        decodeChecked(encodeLegacy({ magic: 1, offset: 5, attributes: c + 1, key: null, value: compressors[c]!(inner) }));
      }),
      { numRuns: 1500 },
    );
  });

  it("declared counts and lengths larger than the bytes are refused, not allocated", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1000, max: 0x7fffffff }), (count) => {
        const res = decodeChecked(encodeBatchV2({ recordCount: count, records: sampleRecords(3, 4) }));
        expect(res.problems.map((p) => p.code)).toContain("bad_record_count");
        // A batch_length beyond the input is a partial tail, whatever its size.
        const cut = encodeBatchV2({ records: sampleRecords(3, 4) });
        new DataView(cut.buffer).setInt32(8, count);
        expect(decodeChecked(cut).partialTail).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
