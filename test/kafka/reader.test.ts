/**
 * Primitives and the never-throw contract: bounds, counts checked before allocation, depth cap,
 * error coordinates (code, offset, field path), partial values, trailing bytes.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DecodeFail, Reader } from "../../dissectors/kafka/schema/reader.js";
import {
  compileReader,
  compiledReaderCount,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  fitVersions,
  type KafkaObject,
} from "../../dissectors/kafka/schema/decode.js";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import { encode, encodeRequestHeader, hexToBytes, sample, Writer } from "./encoder.js";

const fail = (f: () => unknown): DecodeFail => {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeFail) return e;
    throw e;
  }
  throw new Error("did not fail");
};

describe("Reader primitives", () => {
  it("reads big-endian integers, floats, uuids", () => {
    const r = new Reader(hexToBytes("ff" + "fffe" + "fffe" + "80000000" + "8000000000000001" + "3ff8000000000000" + "00112233445566778899aabbccddeeff"));
    expect(r.int8()).toBe(-1);
    expect(r.int16()).toBe(-2);
    expect(r.uint16()).toBe(65534);
    expect(r.int32()).toBe(-2147483648);
    expect(r.int64()).toBe(-9223372036854775807n);
    expect(r.float64()).toBe(1.5);
    expect(r.uuid()).toBe("00112233-4455-6677-8899-aabbccddeeff");
    expect(r.remaining).toBe(0);
  });

  it("reads varints: unsigned, zigzag 32 and 64", () => {
    expect(new Reader(hexToBytes("96 01".replace(" ", ""))).uvarint()).toBe(150);
    expect(new Reader(hexToBytes("ffffffff0f")).uvarint()).toBe(0xffffffff);
    expect(new Reader(hexToBytes("01")).varint()).toBe(-1);
    expect(new Reader(hexToBytes("02")).varint()).toBe(1);
    expect(new Reader(hexToBytes("feffffff0f")).varint()).toBe(2147483647);
    expect(new Reader(hexToBytes("ffffffff0f")).varint()).toBe(-2147483648);
    expect(new Reader(hexToBytes("03")).varlong()).toBe(-2n);
    expect(new Reader(hexToBytes("ffffffffffffffffff01")).varlong()).toBe(-9223372036854775808n);
    expect(fail(() => new Reader(hexToBytes("ffffffff1f")).uvarint()).code).toBe("bad_varint");
    expect(fail(() => new Reader(hexToBytes("ffffffffff")).uvarint()).code).toBe("bad_varint");
    expect(fail(() => new Reader(hexToBytes("80")).uvarint()).code).toBe("short");
  });

  it("checks bounds on every read and honours the view's start/end", () => {
    const buf = hexToBytes("00010203");
    expect(fail(() => new Reader(buf, 2).int32())).toMatchObject({ code: "short", offset: 2 });
    const r = new Reader(buf, 1, 3);
    expect(r.int16()).toBe(0x0102);
    expect(fail(() => r.int8()).code).toBe("short");
    // A view inside a larger buffer (DataView offsets must follow byteOffset).
    const big = hexToBytes("aabbccdd0005");
    expect(new Reader(big.subarray(4)).int16()).toBe(5);
  });

  it("strings: classic, compact, null, UTF-8, lengths past the end", () => {
    expect(new Reader(hexToBytes("0002" + "6869")).string(false, false)).toBe("hi");
    expect(new Reader(hexToBytes("03" + "6869")).string(true, false)).toBe("hi");
    expect(new Reader(hexToBytes("ffff")).string(false, true)).toBeNull();
    expect(new Reader(hexToBytes("00")).string(true, true)).toBeNull();
    expect(new Reader(hexToBytes("0003" + "c3bc61")).string(false, false)).toBe("üa");
    expect(fail(() => new Reader(hexToBytes("ffff")).string(false, false)).code).toBe("bad_length");
    expect(fail(() => new Reader(hexToBytes("0005" + "6869")).string(false, false))).toMatchObject({ code: "bad_length", offset: 0 });
    expect(fail(() => new Reader(hexToBytes("fffe")).string(false, true)).code).toBe("bad_length");
  });
});

describe("interpreter: wire counts are never trusted", () => {
  it("rejects a huge array count before allocating anything", () => {
    // Metadata v0 request: topics = [] of string; count 2^31-1 with 2 bytes left.
    const bytes = hexToBytes("7fffffff" + "0000");
    const t0 = performance.now();
    const r = compileReader(3, 0, "request")(bytes);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual({ code: "bad_count", offset: 0, path: "topics" });
  });

  it("uses the element's minimum size: 2 int64s cannot fit in 15 bytes", () => {
    // ListOffsets v0 response: each partition has old_style_offsets, an []int64.
    const api = APIS.find((a) => a.key === 2)!;
    expect(api.res.some((f) => f.k === "topics")).toBe(true);
    const w = new Writer();
    w.int32(1); // topics
    w.int16(1); w.raw(hexToBytes("74")); // name "t"
    w.int32(1); // partitions
    w.int32(0); // partition_index
    w.int16(0); // error_code
    w.int32(2); // old_style_offsets count: 2 × 8 bytes needed
    w.raw(new Uint8Array(15));
    const r = compileReader(2, 0, "response")(w.bytes());
    expect(r.error).toEqual({ code: "bad_count", offset: 17, path: "topics[0].partitions[0].old_style_offsets" });
    // The partial tree keeps what was read before the failure.
    expect(r.value).toEqual({ topics: [{ name: "t", partitions: [{ partition_index: 0, error_code: 0 }] }] });
  });

  it("caps struct nesting depth", () => {
    const api = APIS.find((a) => a.key === 0)!;
    const { bytes } = encode(api.req, sample(api.req, 3, false, "full"), 3, false);
    expect(compileReader(0, 3, "request")(bytes).ok).toBe(true);
    const r = compileReader(0, 3, "request")(bytes, 0, bytes.length, { maxDepth: 1 });
    expect(r.error?.code).toBe("too_deep");
    expect(r.error?.path).toBe("topic_data[0].partition_data[0]");
  });

  it("reports trailing bytes and unknown API keys/versions without throwing", () => {
    const bytes = hexToBytes("00000000" + "abcd");
    const r = compileReader(12, 0, "response")(bytes); // Heartbeat v0: error_code int16
    expect(r).toMatchObject({ ok: true, end: 2, trailing: 4, value: { error_code: 0 } });
    expect(compileReader(9999, 0, "request")(bytes).error?.code).toBe("unknown_api");
    expect(compileReader(0, 99, "request")(bytes).error?.code).toBe("unknown_version");
    expect(compileReader(0, -1, "request")(bytes).error?.code).toBe("unknown_version");
    // Garbage keys and versions from the wire do not grow the reader cache.
    const before = compiledReaderCount();
    for (let k = 1000; k < 1500; k++) compileReader(k, k, "request");
    for (let v = 100; v < 600; v++) compileReader(0, v, "response");
    expect(compiledReaderCount()).toBe(before);
  });

  it("reports a bad tagged field size and a known tag that does not fill its size", () => {
    // ApiVersions v3 request: client_software_name, client_software_version (compact), tags.
    const ok = hexToBytes("02" + "61" + "02" + "62" + "00");
    expect(compileReader(18, 3, "request")(ok)).toMatchObject({ ok: true, value: { client_software_name: "a", client_software_version: "b" } });
    const tooBig = hexToBytes("02" + "61" + "02" + "62" + "01" + "05" + "09" + "00");
    expect(compileReader(18, 3, "request")(tooBig).error).toEqual({ code: "bad_length", offset: 6, path: "" });
    const tooMany = hexToBytes("02" + "61" + "02" + "62" + "7f");
    expect(compileReader(18, 3, "request")(tooMany).error?.code).toBe("bad_count");
    // ApiVersions v3 response: tag 1 is finalized_features_epoch (int64). Size 8 decodes by
    // name; size 9 leaves a byte of the tag unread, which is an error, not a silent skip.
    const head = "0000" + "01" + "00000000";
    const good = compileReader(18, 3, "response")(hexToBytes(head + "01" + "01" + "08" + "0000000000000007"));
    expect(good).toMatchObject({ ok: true, trailing: 0, value: { finalized_features_epoch: 7n } });
    const loose = compileReader(18, 3, "response")(hexToBytes(head + "01" + "01" + "09" + "0000000000000007ff"));
    expect(loose.error).toEqual({ code: "bad_length", offset: 9, path: "finalized_features_epoch" });
    // An unknown tag is kept raw.
    const unknown = compileReader(18, 3, "response")(hexToBytes(head + "01" + "63" + "02" + "beef"));
    expect(unknown.value._unknown_tags).toEqual([{ tag: 99, length: 2, hex: "beef" }]);
  });
});

describe("headers", () => {
  it("request header v2 keeps client_id as an int16-length string and reads tagged fields", () => {
    const w = new Writer();
    encodeRequestHeader(w, 2, 18, 3, 7, "cli");
    const b = w.bytes();
    expect([...b.subarray(8, 10)]).toEqual([0, 3]); // int16 length, not a varint
    const h = decodeRequestHeader(b);
    expect(h).toEqual({ ok: true, header: { api_key: 18, api_version: 3, correlation_id: 7, client_id: "cli", header_version: 2 }, end: b.length });
  });

  it("ControlledShutdown v0 has no client id", () => {
    const w = new Writer();
    encodeRequestHeader(w, 0, 7, 0, 9, null);
    w.int32(5); // broker_id
    const r = decodeRequest(w.bytes());
    expect(r.ok).toBe(true);
    expect(r.header).toEqual({ api_key: 7, api_version: 0, correlation_id: 9, header_version: 0 });
    expect(r.body).toEqual({ broker_id: 5 });
  });

  it("unknown API: still yields key, version, correlation id and client id for pairing", () => {
    const w = new Writer();
    encodeRequestHeader(w, 1, 999, 4, 42, "x");
    const h = decodeRequestHeader(w.bytes());
    expect(h.ok).toBe(false);
    expect(h.error).toEqual({ code: "unknown_api", offset: 0, path: "api_key" });
    expect(h.header).toMatchObject({ api_key: 999, api_version: 4, correlation_id: 42, client_id: "x" });
    const w2 = new Writer();
    encodeRequestHeader(w2, 1, 0, 40, 43, "y");
    expect(decodeRequestHeader(w2.bytes()).error?.code).toBe("unknown_version");
  });

  it("short headers fail with coordinates", () => {
    expect(decodeRequestHeader(hexToBytes("0000")).error).toEqual({ code: "short", offset: 0, path: "request_api_key" });
    expect(decodeRequestHeader(hexToBytes("00000001000000")).error).toEqual({ code: "short", offset: 4, path: "correlation_id" });
    const r = decodeResponse(hexToBytes("000001"), 0, 9);
    expect(r.error).toEqual({ code: "short", offset: 0, path: "correlation_id" });
  });

  it("ApiVersions v3 response uses header v0 (no tagged section after the correlation id)", () => {
    const w = new Writer();
    w.int32(77);
    w.int16(0); // error_code
    w.uvarint(1); // api_keys: compact, empty
    w.int32(0); // throttle_time_ms
    w.uvarint(0); // tags
    const r = decodeResponse(w.bytes(), 18, 3);
    expect(r).toMatchObject({ ok: true, trailing: 0, header: { correlation_id: 77, header_version: 0 }, body: { error_code: 0, api_keys: [], throttle_time_ms: 0 } });
  });
});

describe("fitVersions", () => {
  it("finds the versions whose layout consumes a body exactly", () => {
    // Heartbeat response: v0 = error_code; v1-3 = throttle_time_ms + error_code; v4 flexible (+ tags).
    expect(fitVersions(12, "response", hexToBytes("0000"))).toEqual([0]);
    expect(fitVersions(12, "response", hexToBytes("00000000" + "0000"))).toEqual([1, 2, 3]);
    expect(fitVersions(12, "response", hexToBytes("00000000" + "0000" + "00"))).toEqual([4]);
    expect(fitVersions(12, "response", hexToBytes("00"))).toEqual([]);
    expect(fitVersions(9999, "response", hexToBytes("00"))).toEqual([]);
  });
});

describe("never throws on bad bytes", () => {
  // Real-shaped inputs: full samples of a spread of APIs and versions.
  const cases: { key: number; version: number; kind: "request" | "response"; bytes: Uint8Array }[] = [];
  for (const api of APIS) {
    for (const version of new Set([api.valid[0], api.valid[1], api.flex ?? api.valid[1]])) {
      const flexible = api.flex !== null && version >= api.flex;
      for (const kind of ["request", "response"] as const) {
        const fields = kind === "request" ? api.req : api.res;
        cases.push({ key: api.key, version, kind, bytes: encode(fields, sample(fields, version, flexible, "full"), version, flexible).bytes });
      }
    }
  }

  it("every truncation of every sample gives ok:false or a shorter ok, never a throw", () => {
    let failures = 0;
    for (const c of cases) {
      const read = compileReader(c.key, c.version, c.kind);
      for (let n = 0; n < c.bytes.length; n++) {
        const r = read(c.bytes, 0, n);
        expect(r.end).toBeLessThanOrEqual(n);
        if (!r.ok) {
          failures++;
          expect(["short", "bad_length", "bad_count", "bad_varint"]).toContain(r.error!.code);
          expect(r.error!.offset).toBeLessThanOrEqual(n);
        }
      }
    }
    expect(failures).toBeGreaterThan(1000);
  });

  it("random corruption never throws and offsets stay in bounds (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cases.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (ci, edits) => {
          const c = cases[ci]!;
          const bytes = c.bytes.slice();
          for (const [pos, b] of edits) if (bytes.length > 0) bytes[pos % bytes.length] = b;
          const r = compileReader(c.key, c.version, c.kind)(bytes);
          expect(r.end).toBeLessThanOrEqual(bytes.length);
          expect(r.trailing).toBe(bytes.length - r.end);
          if (!r.ok) expect(typeof r.error!.path).toBe("string");
        },
      ),
      { numRuns: 3000, seed: 20241001 },
    );
  });

  it("random bytes as a whole request never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = decodeRequest(bytes);
        expect(typeof r.ok).toBe("boolean");
        if (r.ok) expect(r.body as KafkaObject).toBeTypeOf("object");
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
