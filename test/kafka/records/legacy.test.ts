import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeRecords, type LegacyBatch } from "../../../dissectors/kafka/records/index.js";
import { concatBytes, enc, encodeLegacy, lz4Frame, xerialSnappy, Writer } from "./encode.js";

const gz = (b: Uint8Array): Uint8Array => new Uint8Array(gzipSync(b));

function legacy(b: unknown): LegacyBatch {
  expect([0, 1]).toContain((b as LegacyBatch).magic);
  return b as LegacyBatch;
}

/** Inner messages with relative offsets 0..n-1 (magic 1, KIP-31) or given absolute ones. */
function innerSet(magic: 0 | 1, values: string[], firstOffset = 0, timestamp = 1000): Uint8Array {
  return concatBytes(
    ...values.map((v, i) => encodeLegacy({ magic, offset: firstOffset + i, timestamp: timestamp + i, key: enc.encode(`k${i}`), value: enc.encode(v) })),
  );
}

describe("legacy message sets (magic 0 and 1)", () => {
  it("decodes uncompressed magic 0 and magic 1 messages, one batch each", () => {
    const set = concatBytes(
      encodeLegacy({ magic: 0, offset: 5, key: null, value: enc.encode("zero") }),
      encodeLegacy({ magic: 1, offset: 6, timestamp: 1_479_416_797_449, key: enc.encode("k"), value: null }),
    );
    const res = decodeRecords(set, { keepValues: true });
    expect(res.problems).toEqual([]);
    const [a, b] = res.batches.map(legacy);
    expect(a).toMatchObject({ magic: 0, codec: "none", baseOffset: 5, lastOffset: 5, firstTimestamp: -1, recordCount: 1, messageSize: 14 + 4 });
    expect(a!.records).toEqual([{ offset: 5, timestamp: -1, keyLength: -1, valueLength: 4, value: enc.encode("zero"), headers: [] }]);
    expect(b).toMatchObject({ magic: 1, position: a!.wireSize, baseOffset: 6, timestampType: "create" });
    expect(b!.records).toEqual([{ offset: 6, timestamp: 1_479_416_797_449, keyLength: 1, valueLength: -1, key: enc.encode("k"), headers: [] }]);
    expect(a!.crc.ok && b!.crc.ok).toBe(true);
  });

  it("makes magic 1 relative inner offsets absolute from the wrapper offset (gzip)", () => {
    const wrapper = encodeLegacy({ magic: 1, offset: 12, attributes: 1, timestamp: 2000, key: null, value: gz(innerSet(1, ["a", "b", "c"])) });
    const res = decodeRecords(wrapper);
    expect(res.problems).toEqual([]);
    const b = legacy(res.batches[0]);
    expect(b).toMatchObject({ codec: "gzip", baseOffset: 10, lastOffset: 12, recordCount: 3, recordsDecoded: 3, maxTimestamp: 2000, firstTimestamp: 1000 });
    expect(b.records.map((r) => [r.offset, r.timestamp, r.valueLength])).toEqual([
      [10, 1000, 1],
      [11, 1001, 1],
      [12, 1002, 1],
    ]);
    expect(b.uncompressedSize).toBe(innerSet(1, ["a", "b", "c"]).length);
  });

  it("keeps magic 0 inner offsets as they are (snappy, xerial framing)", () => {
    const wrapper = encodeLegacy({ magic: 0, offset: 101, attributes: 2, key: null, value: xerialSnappy(innerSet(0, ["x", "y"], 100)) });
    const b = legacy(decodeRecords(wrapper).batches[0]);
    expect(b.codec).toBe("snappy");
    expect(b.records.map((r) => [r.offset, r.timestamp])).toEqual([
      [100, -1],
      [101, -1],
    ]);
  });

  it("decodes lz4 wrappers, including the pre-0.10 header checksum of magic 0", () => {
    for (const [magic, kafkaLegacyHc] of [[0, true], [1, false]] as const) {
      const wrapper = encodeLegacy({ magic, offset: 1, attributes: 3, key: null, value: lz4Frame(innerSet(magic, ["p", "q"]), { kafkaLegacyHc }) });
      const res = decodeRecords(wrapper);
      expect(res.problems).toEqual([]);
      expect(res.batches[0]!.records.map((r) => r.offset)).toEqual([0, 1]);
    }
  });

  it("gives inner records the wrapper timestamp under log-append time", () => {
    const wrapper = encodeLegacy({ magic: 1, offset: 1, attributes: 1 | 0x08, timestamp: 9999, key: null, value: gz(innerSet(1, ["a", "b"])) });
    const b = legacy(decodeRecords(wrapper).batches[0]);
    expect(b.timestampType).toBe("log_append");
    expect(b.records.map((r) => r.timestamp)).toEqual([9999, 9999]);
  });

  it("follows nesting to depth 2 and refuses depth 3", () => {
    const level2 = encodeLegacy({ magic: 1, offset: 1, attributes: 1, key: null, value: gz(innerSet(1, ["deep", "er"])) });
    const ok = encodeLegacy({ magic: 1, offset: 1, attributes: 1, key: null, value: gz(level2) });
    const res = decodeRecords(ok);
    expect(res.problems).toEqual([]);
    expect(res.batches[0]!.recordsDecoded).toBe(2);
    const tooDeep = encodeLegacy({ magic: 1, offset: 1, attributes: 1, key: null, value: gz(ok) });
    const bad = decodeRecords(tooDeep);
    expect(bad.problems).toEqual([{ code: "too_deep", offset: 0, batch: 0, innerOffset: 0, required: 2, available: 3 }]);
  });

  it("shares one decompression budget across nested wrappers", () => {
    const values = ["x".repeat(1000), "y".repeat(1000), "z".repeat(1000)];
    const wrappers = values.map((v, i) => encodeLegacy({ magic: 1, offset: i, attributes: 1, key: null, value: gz(innerSet(1, [v])) }));
    const innerSize = innerSet(1, [values[0]!]).length;
    const outerSet = concatBytes(...wrappers);
    const top = encodeLegacy({ magic: 1, offset: 2, attributes: 1, key: null, value: gz(outerSet) });
    // Room for the outer set and two inner sets, not three.
    const bound = outerSet.length + 2 * innerSize + 10;
    const res = decodeRecords(top, { maxDecompressedBytes: bound });
    expect(res.batches[0]!.recordsDecoded).toBe(2);
    expect(res.problems).toEqual([
      expect.objectContaining({ code: "decompressed_too_large", innerOffset: expect.any(Number), available: 10 }),
    ]);
    expect(decodeRecords(top, { maxDecompressedBytes: bound + innerSize }).problems).toEqual([]);
  });

  it("flags CRC mismatches of the wrapper and of inner messages", () => {
    const inner = innerSet(1, ["a", "b"]);
    inner[inner.length - 1] ^= 0x20; // last byte of the second inner value
    const wrapper = encodeLegacy({ magic: 1, offset: 1, attributes: 1, key: null, value: gz(inner) });
    const res = decodeRecords(wrapper);
    const secondAt = encodeLegacy({ magic: 1, offset: 0, key: enc.encode("k0"), value: enc.encode("a") }).length;
    expect(res.problems).toEqual([{ code: "crc_mismatch", offset: 0, batch: 0, innerOffset: secondAt }]);
    const outer = encodeLegacy({ magic: 0, key: null, value: enc.encode("v") });
    outer[outer.length - 1] ^= 1;
    expect(decodeRecords(outer).problems).toEqual([{ code: "crc_mismatch", offset: 0, batch: 0 }]);
  });

  it("reports zstd in a legacy message as unknown_codec", () => {
    const wrapper = encodeLegacy({ magic: 1, attributes: 4, key: null, value: new Uint8Array(8) });
    expect(decodeRecords(wrapper).problems).toEqual([{ code: "unknown_codec", offset: 17, batch: 0, available: 4 }]);
  });

  it("reports key/value lengths that do not fit the message", () => {
    const m = encodeLegacy({ magic: 0, key: enc.encode("abc"), value: enc.encode("defg") });
    new DataView(m.buffer).setInt32(18, 100); // key length beyond the message
    expect(decodeRecords(m).problems.map((p) => p.code)).toEqual(["bad_record"]);
  });

  it("reports a cut inner message set as bad_length inside the decompressed data", () => {
    const inner = innerSet(1, ["a", "b"]);
    const wrapper = encodeLegacy({ magic: 1, offset: 1, attributes: 1, key: null, value: gz(inner.subarray(0, inner.length - 3)) });
    const res = decodeRecords(wrapper);
    const firstLen = encodeLegacy({ magic: 1, key: enc.encode("k0"), value: enc.encode("a") }).length;
    expect(res.problems).toEqual([expect.objectContaining({ code: "bad_length", offset: 0, innerOffset: firstLen })]);
    expect(res.batches[0]!.recordsDecoded).toBe(1);
  });

  it("refuses a message_size below the format minimum", () => {
    const m = new Writer().i64(0).i32(10).u32(0).u8(1).u8(0).done();
    expect(decodeRecords(concatBytes(m, new Uint8Array(20))).problems).toEqual([
      { code: "bad_length", offset: 0, batch: -1, required: 22, available: 10 },
    ]);
  });
});
