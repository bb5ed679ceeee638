import { describe, expect, it } from "vitest";
import type { Framing, PacketRef } from "../../src/plugins/api.js";
import { Framer } from "../../src/plugins/framer.js";

/** Kafka-like framing: int32 big-endian length prefix, length excludes the prefix. */
const framing: Framing = {
  headerLength: 4,
  pduLength: (h: Uint8Array) => {
    const n = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
    return n > 0x7fffffff ? -1 : n + 4;
  },
  maxPduLength: 1024,
};

function pdu(body: string): Uint8Array {
  const b = new TextEncoder().encode(body);
  const out = new Uint8Array(4 + b.length);
  new DataView(out.buffer).setUint32(0, b.length);
  out.set(b, 4);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function harness(f: Framing = framing) {
  const got: Array<{ body: string; first: number; last: number; wire: number; offset: number }> = [];
  const errors: string[] = [];
  const framer = new Framer(f, "c2s", {
    pdu: (bytes, at, wire) =>
      got.push({ body: new TextDecoder().decode(bytes.subarray(4)), first: at.first, last: at.last, wire, offset: at.streamOffset }),
    framingError: (_o, _p, what) => errors.push(what),
  });
  let offset = 0;
  let packet = 0;
  return {
    got,
    errors,
    feed(bytes: Uint8Array) {
      packet++;
      const at: PacketRef = { first: packet, last: packet, tsUs: packet, streamOffset: offset };
      framer.data(bytes, at);
      offset += bytes.length;
    },
    gap(length: number) {
      packet++;
      framer.gap(length, { first: packet, last: packet, tsUs: packet, streamOffset: offset });
      offset += length;
    },
  };
}

describe("Framer", () => {
  it("delivers several PDUs from one segment", () => {
    const h = harness();
    h.feed(concat(pdu("one"), pdu("two"), pdu("three")));
    expect(h.got.map((g) => g.body)).toEqual(["one", "two", "three"]);
    expect(h.got.map((g) => g.offset)).toEqual([0, 7, 14]);
  });

  it("reassembles a PDU split at every possible byte, including inside the length prefix", () => {
    const stream = concat(pdu("hello world"), pdu("second"));
    for (let cut = 1; cut < stream.length; cut++) {
      const h = harness();
      h.feed(stream.subarray(0, cut));
      h.feed(stream.subarray(cut));
      expect(h.got.map((g) => g.body), `cut at ${cut}`).toEqual(["hello world", "second"]);
    }
  });

  it("names the first and last packet of a PDU spread over three segments", () => {
    const h = harness();
    const p = pdu("abcdefghij");
    h.feed(p.subarray(0, 2));
    h.feed(p.subarray(2, 9));
    h.feed(p.subarray(9));
    expect(h.got).toEqual([{ body: "abcdefghij", first: 1, last: 3, wire: 14, offset: 0 }]);
  });

  it("stays in step across a gap inside a PDU of known length and hands on the head", () => {
    const h = harness();
    const big = pdu("0123456789ABCDEFGHIJ");
    h.feed(big.subarray(0, 8)); // prefix + "0123"
    h.gap(10); // "456789ABCD" never captured
    h.feed(concat(big.subarray(18), pdu("next")));
    expect(h.got.map((g) => [g.body, g.wire])).toEqual([
      ["0123", 24],
      ["next", 8],
    ]);
  });

  it("resynchronises at a segment start after a gap that hides PDU boundaries", () => {
    const h = harness();
    h.feed(pdu("before"));
    h.gap(100);
    h.feed(new Uint8Array([0xff, 0xff, 0xff, 0xff, 1, 2])); // garbage tail of something
    h.feed(pdu("after"));
    expect(h.got.map((g) => g.body)).toEqual(["before", "after"]);
  });

  it("reports an absurd length and resynchronises instead of buffering it", () => {
    const h = harness();
    h.feed(new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0, 0]));
    h.feed(pdu("ok"));
    expect(h.errors).toHaveLength(1);
    expect(h.errors[0]).toContain("outside 4..1024");
    expect(h.got.map((g) => g.body)).toEqual(["ok"]);
  });

  it("uses the plugin's resync() to find a PDU start inside a segment", () => {
    const magic = { ...framing, resync: (bytes: Uint8Array) => bytes.indexOf(0x00) };
    const h = harness(magic);
    h.gap(5);
    h.feed(concat(new Uint8Array([0xaa, 0xbb]), pdu("found")));
    expect(h.got.map((g) => [g.body, g.offset])).toEqual([["found", 7]]);
  });

  it("keeps at most bufferLimit bytes of a long PDU but reports its wire length", () => {
    const h = harness({ ...framing, bufferLimit: 8 });
    const long = pdu("x".repeat(100));
    for (let i = 0; i < long.length; i += 10) h.feed(long.subarray(i, i + 10));
    expect(h.got).toHaveLength(1);
    expect(h.got[0]!.body).toBe("xxxx");
    expect(h.got[0]!.wire).toBe(104);
  });
});

describe("Framer at the end of a stream", () => {
  it("hands on a PDU whose length is known but whose bytes stopped coming (a reset mid-request)", () => {
    const got: Array<{ bytes: number; wire: number }> = [];
    const framer = new Framer(framing, "c2s", { pdu: (b, _at, wire) => got.push({ bytes: b.length, wire }), framingError: () => {} });
    const p = pdu("0123456789");
    framer.data(p.subarray(0, 9), { first: 1, last: 1, tsUs: 1, streamOffset: 0 });
    framer.end();
    expect(got).toEqual([{ bytes: 9, wire: 14 }]);
  });

  it("hands on nothing when not even the length was seen", () => {
    const got: number[] = [];
    const framer = new Framer(framing, "c2s", { pdu: (b) => got.push(b.length), framingError: () => {} });
    framer.data(new Uint8Array([0, 0]), { first: 1, last: 1, tsUs: 1, streamOffset: 0 });
    framer.end();
    expect(got).toEqual([]);
  });
});
