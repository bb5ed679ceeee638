import { describe, expect, it } from "vitest";
import { decodeRecords, describeRecordProblem, type RecordBatchV2 } from "../../../dissectors/kafka/records/index.js";
import { concatBytes, enc, encodeBatchV2, encodeRecordsV2, sampleRecords, Writer, type TestRecord } from "./encode.js";

function v2(b: unknown): RecordBatchV2 {
  expect((b as RecordBatchV2).magic).toBe(2);
  return b as RecordBatchV2;
}

/** Decoded records in the encoder's terms, for whole-batch equality. */
function expectRecords(batch: RecordBatchV2, input: TestRecord[], baseOffset: number, baseTimestamp: number): void {
  expect(batch.records.length).toBe(input.length);
  batch.records.forEach((r, i) => {
    const t = input[i]!;
    expect(r.offset).toBe(baseOffset + (t.offsetDelta ?? i));
    expect(r.timestamp).toBe(baseTimestamp + (t.timestampDelta ?? 0));
    expect(r.keyLength).toBe(t.key === null ? -1 : t.key.length);
    expect(r.valueLength).toBe(t.value === null ? -1 : t.value.length);
    expect(r.key).toEqual(t.key === null ? undefined : t.key.subarray(0, 256));
    expect(r.value).toEqual(t.value === null ? undefined : t.value.subarray(0, 256));
    expect(r.headers.map((h) => [h.key, h.valueLength, h.value])).toEqual(
      (t.headers ?? []).map((h) => [h.key, h.value === null ? -1 : h.value.length, h.value === null ? undefined : h.value]),
    );
  });
}

describe("magic 2 record batch, uncompressed", () => {
  it("decodes every header field", () => {
    const bytes = encodeBatchV2({
      baseOffset: 1234567,
      partitionLeaderEpoch: 17,
      flags: 0x10,
      lastOffsetDelta: 2,
      baseTimestamp: 1_700_000_000_123,
      maxTimestamp: 1_700_000_000_999,
      producerId: 9_007_199_254_740_993n, // 2^53 + 1: exact only as a string
      producerEpoch: 3,
      baseSequence: 42,
      records: sampleRecords(3, 10),
    });
    const res = decodeRecords(bytes);
    expect(res.problems).toEqual([]);
    expect(res.partialTail).toBe(false);
    const b = v2(res.batches[0]);
    expect(b).toMatchObject({
      position: 0,
      wireSize: bytes.length,
      batchLength: bytes.length - 12,
      partitionLeaderEpoch: 17,
      codec: "none",
      codecId: 0,
      timestampType: "create",
      transactional: true,
      control: false,
      baseOffset: 1234567,
      lastOffsetDelta: 2,
      lastOffset: 1234569,
      firstTimestamp: 1_700_000_000_123,
      maxTimestamp: 1_700_000_000_999,
      producerId: "9007199254740993",
      producerEpoch: 3,
      baseSequence: 42,
      recordCount: 3,
      recordsDecoded: 3,
      uncompressedSize: bytes.length - 61,
    });
    expect(b.crc.ok).toBe(true);
    expect(b.crc.stored).toBe(b.crc.computed);
  });

  it("round-trips keys, values, null key/value and headers", () => {
    const records = sampleRecords(40, 50);
    const bytes = encodeBatchV2({ baseOffset: 100, baseTimestamp: 1_600_000_000_000, records });
    const res = decodeRecords(bytes, { keepValues: true });
    expect(res.problems).toEqual([]);
    expectRecords(v2(res.batches[0]), records, 100, 1_600_000_000_000);
  });

  it("keeps no value bytes unless asked, and caps previews", () => {
    const big = new Uint8Array(100_000).fill(7);
    const records: TestRecord[] = [{ key: big.subarray(0, 1000), value: big, headers: [{ key: "k".repeat(400), value: big }] }];
    const bytes = encodeBatchV2({ records });
    const lean = v2(decodeRecords(bytes).batches[0]).records[0]!;
    expect(lean.key).toBeUndefined();
    expect(lean.value).toBeUndefined();
    expect(lean.valueLength).toBe(100_000);
    expect(lean.headers[0]!.value).toBeUndefined();
    expect(lean.headers[0]!.keyLength).toBe(400);
    expect(lean.headers[0]!.key).toBe("k".repeat(256));
    const kept = v2(decodeRecords(bytes, { keepValues: true, previewBytes: 16 }).batches[0]).records[0]!;
    expect(kept.value).toEqual(new Uint8Array(16).fill(7));
    expect(kept.key!.length).toBe(16);
    expect(kept.headers[0]!.value!.length).toBe(16);
    // Copies, not views: the preview must not pin the input buffer.
    expect(kept.value!.buffer.byteLength).toBe(16);
  });

  it("uses max_timestamp for every record of a log-append-time batch", () => {
    const bytes = encodeBatchV2({ flags: 0x08, baseTimestamp: 1000, maxTimestamp: 5000, records: sampleRecords(3, 4) });
    const b = v2(decodeRecords(bytes).batches[0]);
    expect(b.timestampType).toBe("log_append");
    expect(b.records.map((r) => r.timestamp)).toEqual([5000, 5000, 5000]);
  });

  it("reads the control type of a control batch (commit marker)", () => {
    const key = new Writer().i16(0).i16(1).done();
    const value = new Writer().i16(0).i32(5).done();
    const bytes = encodeBatchV2({ flags: 0x20 | 0x10, producerId: 4000n, records: [{ key, value }] });
    const b = v2(decodeRecords(bytes).batches[0]);
    expect(b.control).toBe(true);
    expect(b.records[0]!.controlType).toBe(1);
  });

  it("decodes several batches back to back and an empty input", () => {
    const a = encodeBatchV2({ baseOffset: 0, records: sampleRecords(2, 5) });
    const b = encodeBatchV2({ baseOffset: 2, records: sampleRecords(5, 5) });
    const res = decodeRecords(concatBytes(a, b));
    expect(res.batches.map((x) => [x.position, x.baseOffset, x.recordCount])).toEqual([
      [0, 0, 2],
      [a.length, 2, 5],
    ]);
    expect(decodeRecords(new Uint8Array(0))).toEqual({ batches: [], partialTail: false, partialTailBytes: 0, problems: [] });
  });

  it("stops keeping records at maxRecords but still walks and counts them", () => {
    const a = encodeBatchV2({ records: sampleRecords(30, 5) });
    const b = encodeBatchV2({ baseOffset: 30, records: sampleRecords(30, 5) });
    const res = decodeRecords(concatBytes(a, b), { maxRecords: 40 });
    expect(res.batches.map((x) => [x.records.length, x.recordsDecoded])).toEqual([
      [30, 30],
      [10, 30],
    ]);
    expect(res.problems).toEqual([]);
  });

  it("flags a CRC mismatch and still decodes the batch", () => {
    const bytes = encodeBatchV2({ records: sampleRecords(3, 8) });
    bytes[bytes.length - 3]! ^= 0x01; // flip a bit of the last value (before the header count byte)
    const res = decodeRecords(bytes);
    expect(res.problems).toEqual([{ code: "crc_mismatch", offset: 0, batch: 0 }]);
    const b = v2(res.batches[0]);
    expect(b.crc.ok).toBe(false);
    expect(b.recordsDecoded).toBe(3);
    expect(describeRecordProblem(res.problems[0]!)).toMatch(/^CRC mismatch.*at byte 0$/);
  });

  it("refuses a record count larger than the bytes could hold, before walking by it", () => {
    const bytes = encodeBatchV2({ recordCount: 0x7fffffff, records: sampleRecords(2, 3) });
    const res = decodeRecords(bytes);
    const p = res.problems.find((x) => x.code === "bad_record_count")!;
    expect(p).toMatchObject({ offset: 61, required: 0x7fffffff });
    expect(p.available).toBeLessThan(10);
    // The walk follows the bytes: both real records are still found.
    expect(res.batches[0]!.recordsDecoded).toBe(2);
  });

  it("reports fewer records than declared, and bytes left after the declared ones", () => {
    const fewer = decodeRecords(encodeBatchV2({ recordCount: 3, records: sampleRecords(2, 30) }));
    expect(fewer.problems).toEqual([expect.objectContaining({ code: "record_count_mismatch", required: 3, available: 2 })]);
    const more = decodeRecords(encodeBatchV2({ recordCount: 1, records: sampleRecords(2, 3) }));
    expect(more.problems).toEqual([expect.objectContaining({ code: "trailing_bytes" })]);
    expect(more.batches[0]!.recordsDecoded).toBe(1);
  });

  it("reports a record whose fields overrun its length, with its position", () => {
    // A record claiming a 1000-byte value inside a 10-byte record.
    const rec = new Writer().u8(0).zigzag(0).zigzag(0).zigzag(-1).zigzag(1000).bytes(new Uint8Array(4)).done();
    const section = new Writer().zigzag(rec.length).bytes(rec).done();
    const bytes = encodeBatchV2({ records: [{ key: null, value: null }], rawRecords: section });
    const res = decodeRecords(bytes);
    expect(res.problems).toEqual([{ code: "bad_record", offset: 61, batch: 0 }]);
    expect(res.batches[0]!.records).toEqual([]);
  });

  it("rejects a negative header count and a negative header key length", () => {
    const recWith = (tail: Uint8Array): Uint8Array => {
      const body = new Writer().u8(0).zigzag(0).zigzag(0).zigzag(-1).zigzag(-1).bytes(tail).done();
      return new Writer().zigzag(body.length).bytes(body).done();
    };
    for (const tail of [new Writer().zigzag(-5).done(), new Writer().zigzag(1).zigzag(-1).zigzag(0).done()]) {
      const res = decodeRecords(encodeBatchV2({ records: [{ key: null, value: null }], rawRecords: recWith(tail) }));
      expect(res.problems.map((p) => p.code)).toEqual(["bad_record"]);
    }
  });

  it("reads multi-byte varints and negative deltas", () => {
    const records: TestRecord[] = [
      { timestampDelta: -5, offsetDelta: 0, key: enc.encode("a"), value: new Uint8Array(300) },
      { timestampDelta: 2 ** 40, offsetDelta: 70000, key: null, value: new Uint8Array(20000) },
    ];
    const bytes = encodeBatchV2({ baseTimestamp: 1_000_000, lastOffsetDelta: 70000, records });
    const b = v2(decodeRecords(bytes).batches[0]);
    expect(b.records.map((r) => [r.offset, r.timestamp, r.valueLength])).toEqual([
      [0, 999_995, 300],
      [70000, 1_000_000 + 2 ** 40, 20000],
    ]);
  });

  it("refuses an over-long varint (more than 5 bytes) as a malformed record", () => {
    const section = new Uint8Array([0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0, 0, 0, 0, 0, 0]);
    const res = decodeRecords(encodeBatchV2({ records: [{ key: null, value: null }], rawRecords: section }));
    expect(res.problems.map((p) => p.code)).toEqual(["bad_record"]);
  });

  it("encodes the records section the way the protocol says (sanity of the test encoder)", () => {
    // length 7 | attrs 0 | ts 0 | off 0 | key -1 | value 1 'x' | 0 headers
    expect([...encodeRecordsV2([{ key: null, value: enc.encode("x") }])]).toEqual([14, 0, 0, 0, 1, 2, 0x78, 0]);
  });
});
