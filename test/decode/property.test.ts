/**
 * Properties over arbitrary input: decodePacket never throws, and whatever it reports stays inside
 * the frame. Inputs are random bytes and random mutations (byte changes, cuts, extensions) of real
 * frames in every link type kdiag reads.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import type { DecodedPacket } from "../../src/decode/types.js";
import { readPcap } from "./helpers/pcap.js";
import { ethernet, ipv4, ipv6, nullHeader, sll, sll2, tcp } from "./helpers/build.js";

const ALL_LINK_TYPES = Object.values(LinkType) as number[];

/** The invariants every decode result keeps, whatever the input. */
function checkInvariants(frame: Uint8Array, p: DecodedPacket): void {
  const n = frame.length;
  if (p.stop !== null) {
    expect(p.stop.offset).toBeGreaterThanOrEqual(0);
    expect(p.stop.offset).toBeLessThanOrEqual(n);
    expect(p.stop.have).toBeGreaterThanOrEqual(0);
  }
  if (p.ipVersion !== 0) {
    const addrLen = p.ipVersion === 4 ? 4 : 16;
    expect(p.ipOffset).toBeGreaterThanOrEqual(0);
    expect(p.srcAddr.length).toBe(addrLen);
    expect(p.dstAddr.length).toBe(addrLen);
    for (const a of [p.srcAddr, p.dstAddr]) {
      expect(a.buffer).toBe(frame.buffer);
      expect(a.byteOffset - frame.byteOffset).toBeGreaterThanOrEqual(p.ipOffset);
      expect(a.byteOffset - frame.byteOffset + addrLen).toBeLessThanOrEqual(n);
    }
    expect(p.ipPayloadOffset).toBeGreaterThanOrEqual(p.ipOffset);
    expect(p.ipPayloadOffset).toBeLessThanOrEqual(n);
    expect(p.ipPayloadEnd).toBeGreaterThanOrEqual(p.ipPayloadOffset);
    expect(p.truncated).toBe(p.ipPayloadEnd > n);
  } else {
    expect(p.hasTcp).toBe(false);
    expect(p.srcAddr.length).toBe(0);
  }
  if (p.hasTcp) {
    expect(p.payloadOffset).toBe(p.ipPayloadOffset + p.tcpHeaderLen);
    expect(p.tcpHeaderLen).toBeGreaterThanOrEqual(20);
    expect(p.payloadLen).toBeGreaterThanOrEqual(0);
    expect(p.capturedPayloadLen).toBeGreaterThanOrEqual(0);
    expect(p.capturedPayloadLen).toBeLessThanOrEqual(p.payloadLen);
    // The payload offset is declared; it passes the frame end only when the options were cut.
    if (p.stop === null) expect(p.payloadOffset).toBeLessThanOrEqual(n);
    else expect(p.stop).toMatchObject({ layer: "tcp", kind: "short" });
    expect(p.payloadOffset + p.capturedPayloadLen).toBeLessThanOrEqual(Math.max(n, p.payloadOffset));
    expect(p.sackCount).toBeLessThanOrEqual(4);
    expect(p.seq).toBeGreaterThanOrEqual(0);
    expect(p.ack).toBeGreaterThanOrEqual(0);
    expect(p.flags).toBeLessThanOrEqual(0x1ff);
  }
}

// Real frames, each paired with its link type: the fixtures, plus their IP packets re-wrapped.
const FIXTURES = fileURLToPath(new URL("../fixtures/decode/", import.meta.url));
const seeds: Array<{ linkType: number; frame: Uint8Array }> = [];
{
  const out = createDecodedPacket();
  for (const f of ["loopback-eth.pcap", "any-sll.pcap", "any-sll2.pcap"]) {
    const file = readPcap(readFileSync(FIXTURES + f));
    for (const r of file.records) {
      seeds.push({ linkType: file.linkType, frame: r.data });
      decodePacket(r.data, file.linkType, out);
      const ip = r.data.slice(out.ipOffset);
      const et = out.ipVersion === 4 ? 0x0800 : 0x86dd;
      seeds.push({ linkType: LinkType.ETHERNET, frame: ethernet(et, ip, [[0x88a8, 5], [0x8100, 6]]) });
      seeds.push({ linkType: LinkType.RAW, frame: ip });
      seeds.push({ linkType: out.ipVersion === 4 ? LinkType.IPV4 : LinkType.IPV6, frame: ip });
      seeds.push({ linkType: LinkType.NULL, frame: nullHeader(out.ipVersion === 4 ? 2 : 30, true, ip) });
      seeds.push({ linkType: LinkType.LOOP, frame: nullHeader(out.ipVersion === 4 ? 2 : 24, false, ip) });
    }
  }
  // Hand-built frames with option and extension-header variety for the mutator to work on.
  seeds.push({ linkType: LinkType.LINUX_SLL, frame: sll(0x0800, ipv4(tcp({ options: [2, 4, 5, 180, 1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2] }), { options: [1, 1, 1, 1] })) });
  seeds.push({ linkType: LinkType.LINUX_SLL2, frame: sll2(0x86dd, ipv6(tcp({ payload: 3 }), { ext: [{ type: 0 }, { type: 44, more: true }, { type: 51, len: 16 }] })) });
}

const mutation = fc.oneof(
  fc.record({ op: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat(), value: fc.constant(0) }),
  fc.record({ op: fc.constant("grow" as const), at: fc.nat({ max: 64 }), value: fc.integer({ min: 0, max: 255 }) }),
);

function mutate(frame: Uint8Array, muts: Array<{ op: "set" | "cut" | "grow"; at: number; value: number }>): Uint8Array {
  let f = frame.slice();
  for (const m of muts) {
    if (m.op === "set" && f.length > 0) f[m.at % f.length] = m.value;
    else if (m.op === "cut") f = f.slice(0, f.length === 0 ? 0 : m.at % (f.length + 1));
    else if (m.op === "grow") {
      const g = new Uint8Array(f.length + m.at).fill(m.value);
      g.set(f);
      f = g;
    }
  }
  return f;
}

describe("decodePacket on arbitrary input", () => {
  const out = createDecodedPacket();

  it("random bytes, every link type (and unknown ones): never throws, stays in the frame", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, size: "max" }), fc.oneof(fc.constantFrom(...ALL_LINK_TYPES), fc.nat({ max: 300 })), (bytes, lt) => {
        decodePacket(bytes, lt, out);
        checkInvariants(bytes, out);
      }),
      { numRuns: 5000 },
    );
  });

  it("random bytes behind a valid link header and IP version nibble reach the deeper layers", () => {
    let reachedTcp = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120, size: "max" }), fc.boolean(), (bytes, six) => {
        const b = bytes.slice();
        if (b.length > 0) b[0] = six ? 0x60 | (b[0]! & 0x0f) : 0x45;
        if (!six && b.length > 9) {
          b[6] = b[6]! & 0xe0; // fragment offset 0 (most random values would be later fragments)
          b[7] = 0;
          b[9] = 6;
        }
        if (six && b.length > 6) b[6] = [0, 6, 43, 44, 60, 51, 50][b[6]! % 7]!;
        decodePacket(b, LinkType.RAW, out);
        checkInvariants(b, out);
        if (out.hasTcp) reachedTcp++;
      }),
      { numRuns: 5000 },
    );
    expect(reachedTcp).toBeGreaterThan(100); // the property exercised TCP parsing, not just stops
  });

  it("mutated real frames in every link type: never throws, stays in the frame", () => {
    expect(new Set(seeds.map((s) => s.linkType)).size).toBe(ALL_LINK_TYPES.length);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, muts) => {
        const seed = seeds[i]!;
        const frame = mutate(seed.frame, muts);
        decodePacket(frame, seed.linkType, out);
        checkInvariants(frame, out);
      }),
      { numRuns: 10000 },
    );
  });

  it("a frame that is a view into a larger buffer keeps its views inside its own bounds", () => {
    const ip = ipv4(tcp({ payload: 10 }));
    const big = new Uint8Array(100 + ip.length + 50).fill(0xff);
    big.set(ip, 100);
    const frame = big.subarray(100, 100 + ip.length - 5); // cut 5 bytes of payload
    decodePacket(frame, LinkType.RAW, out);
    checkInvariants(frame, out);
    expect(out.capturedPayloadLen).toBe(5);
    expect(out.truncated).toBe(true);
  });
});
