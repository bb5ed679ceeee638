import { describe, expect, it } from "vitest";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import { ethernet, ipv6, tcp, V6_A, V6_B, type Ipv6Ext } from "./helpers/build.js";

const out = createDecodedPacket();
const eth = (ip: Uint8Array) => decodePacket(ethernet(0x86dd, ip), LinkType.ETHERNET, out);

describe("IPv6", () => {
  it("records addresses, hop limit, no id, payload_len as the length source", () => {
    const frame = ethernet(0x86dd, ipv6(tcp({ payload: 9 }), { hopLimit: 7 }));
    decodePacket(frame, LinkType.ETHERNET, out);
    expect(Array.from(out.srcAddr)).toEqual(V6_A);
    expect(Array.from(out.dstAddr)).toEqual(V6_B);
    expect(out.srcAddr.buffer).toBe(frame.buffer);
    expect(out.ttl).toBe(7);
    expect(out.ipId).toBe(-1);
    expect(out.lenSource).toBe("ipv6.payload_len");
    expect(out.ipPayloadOffset).toBe(54);
    expect(out.ipPayloadEnd).toBe(54 + 29);
    expect(out.payloadLen).toBe(9);
    expect(out.stop).toBeNull();
  });

  const chains: Array<{ name: string; ext: Ipv6Ext[]; extLen: number; fragment: boolean }> = [
    { name: "hop-by-hop", ext: [{ type: 0 }], extLen: 8, fragment: false },
    { name: "hop-by-hop, routing (24), destination options (16)", ext: [{ type: 0 }, { type: 43, len: 24 }, { type: 60, len: 16 }], extLen: 48, fragment: false },
    { name: "AH (len field counts 4-byte units minus 2)", ext: [{ type: 51, len: 24 }], extLen: 24, fragment: false },
    { name: "destination options then AH (12)", ext: [{ type: 60 }, { type: 51, len: 12 }], extLen: 20, fragment: false },
    { name: "first fragment", ext: [{ type: 44, more: true }], extLen: 8, fragment: true },
    { name: "hop-by-hop, fragment, routing", ext: [{ type: 0 }, { type: 44, more: true }, { type: 43, len: 8 }], extLen: 24, fragment: true },
  ];
  it.each(chains)("walks $name to TCP", (c) => {
    eth(ipv6(tcp({ srcPort: 5555, payload: 4 }), { ext: c.ext }));
    expect(out.stop).toBeNull();
    expect(out.ipProto).toBe(6);
    expect(out.ipPayloadOffset).toBe(54 + c.extLen);
    expect(out.fragment).toBe(c.fragment);
    expect(out.hasTcp).toBe(true);
    expect(out.srcPort).toBe(5555);
    expect(out.payloadLen).toBe(4);
  });

  it("a later fragment has no TCP header", () => {
    eth(ipv6(tcp({ payload: 4 }), { ext: [{ type: 0 }, { type: 44, fragOffset: 100, more: false }] }));
    expect(out.fragment).toBe(true);
    expect(out.hasTcp).toBe(false);
    expect(out.ipProto).toBe(6);
    expect(out.stop).toBeNull();
  });

  it.each([
    { name: "ESP", proto: 50 },
    { name: "No Next Header", proto: 59 },
    { name: "UDP", proto: 17 },
  ])("$name ends the walk without a stop", ({ proto }) => {
    eth(ipv6(new Uint8Array(16), { ext: [{ type: 60 }], proto }));
    expect(out.ipProto).toBe(proto);
    expect(out.ipPayloadOffset).toBe(54 + 8);
    expect(out.hasTcp).toBe(false);
    expect(out.stop).toBeNull();
  });

  it("a jumbogram (payload_len 0 + hop-by-hop) takes its length from the frame", () => {
    eth(ipv6(tcp({ payload: 12 }), { ext: [{ type: 0 }], payloadLen: 0 }));
    expect(out.lenSource).toBe("frame");
    expect(out.payloadLen).toBe(12);
    expect(out.hasTcp).toBe(true);
  });

  it("payload_len 0 without hop-by-hop is taken at its word", () => {
    eth(ipv6(tcp(), { payloadLen: 0 }));
    expect(out.lenSource).toBe("ipv6.payload_len");
    expect(out.hasTcp).toBe(false);
    expect(out.stop).toMatchObject({ layer: "tcp", kind: "bad" });
  });

  it("snap-length truncation", () => {
    const frame = ethernet(0x86dd, ipv6(tcp({ payload: 200 }), { ext: [{ type: 60 }] }));
    decodePacket(frame.subarray(0, 14 + 40 + 8 + 20 + 50), LinkType.ETHERNET, out);
    expect(out.truncated).toBe(true);
    expect(out.payloadLen).toBe(200);
    expect(out.capturedPayloadLen).toBe(50);
    expect(out.stop).toBeNull();
  });

  const stops = [
    { name: "header cut", ip: ipv6(tcp()).subarray(0, 39), kind: "short", need: 40, have: 39, ipVersion: 0 },
    { name: "version 4 under 0x86dd", ip: ipv6(tcp(), { version: 4 }), kind: "bad", need: 40, have: 60, ipVersion: 0 },
    { name: "extension header cut by the snap length", ip: ipv6(tcp(), { ext: [{ type: 0 }, { type: 43, len: 32 }] }).subarray(0, 60), kind: "short", need: 80, have: 60, ipVersion: 6 },
    { name: "extension header beyond payload_len", ip: ipv6(tcp(), { ext: [{ type: 60, len: 16 }], payloadLen: 8 }), kind: "bad", need: 56, have: 48, ipVersion: 6 },
    { name: "fragment header cut", ip: ipv6(tcp(), { ext: [{ type: 44 }] }).subarray(0, 44), kind: "short", need: 48, have: 44, ipVersion: 6 },
  ];
  it.each(stops)("stop: $name", (c) => {
    eth(c.ip);
    expect(out.stop).toMatchObject({ layer: "ipv6", kind: c.kind, offset: 14, need: c.need, have: c.have });
    expect(out.ipVersion).toBe(c.ipVersion);
    expect(out.hasTcp).toBe(false);
  });
});
