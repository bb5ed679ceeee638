import { describe, expect, it } from "vitest";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import { concat, ethernet, ipv4, tcp } from "./helpers/build.js";

const out = createDecodedPacket();
const eth = (ip: Uint8Array) => decodePacket(ethernet(0x0800, ip), LinkType.ETHERNET, out);

describe("IPv4", () => {
  it("records addresses as views, ttl, id and protocol", () => {
    const frame = ethernet(0x0800, ipv4(tcp({ payload: 5 }), { src: [192, 168, 1, 7], dst: [10, 9, 8, 7], ttl: 3, id: 0xbeef }));
    decodePacket(frame, LinkType.ETHERNET, out);
    expect(Array.from(out.srcAddr)).toEqual([192, 168, 1, 7]);
    expect(Array.from(out.dstAddr)).toEqual([10, 9, 8, 7]);
    expect(out.srcAddr.buffer).toBe(frame.buffer); // a view, not a copy
    expect(out.ttl).toBe(3);
    expect(out.ipId).toBe(0xbeef);
    expect(out.ipProto).toBe(6);
    expect(out.ipPayloadOffset).toBe(34);
    expect(out.ipPayloadEnd).toBe(14 + 20 + 20 + 5);
    expect(out.lenSource).toBe("ipv4.total_len");
    expect(out.payloadLen).toBe(5);
    expect(out.capturedPayloadLen).toBe(5);
    expect(out.truncated).toBe(false);
    expect(out.fragment).toBe(false);
  });

  it("skips IPv4 options by IHL", () => {
    // Record-route style option (7, len 7) + NOP: 8 bytes, IHL 7.
    eth(ipv4(tcp({ srcPort: 4321, payload: 3 }), { options: [7, 7, 4, 0, 0, 0, 0, 1] }));
    expect(out.ipPayloadOffset).toBe(14 + 28);
    expect(out.srcPort).toBe(4321);
    expect(out.payloadLen).toBe(3);
    expect(out.stop).toBeNull();
  });

  it("ignores Ethernet padding after total_len", () => {
    const ip = ipv4(tcp({ flags: 0x010 })); // 40 bytes: Ethernet pads to 60
    const frame = concat(ethernet(0x0800, ip), new Uint8Array(6).fill(0xee));
    decodePacket(frame, LinkType.ETHERNET, out);
    expect(out.ipPayloadEnd).toBe(54);
    expect(out.payloadLen).toBe(0);
    expect(out.capturedPayloadLen).toBe(0);
    expect(out.truncated).toBe(false);
  });

  it("flags a frame cut by the snap length as truncated and clamps the captured payload", () => {
    const full = ethernet(0x0800, ipv4(tcp({ payload: 100 })));
    decodePacket(full.subarray(0, 14 + 20 + 20 + 30), LinkType.ETHERNET, out);
    expect(out.truncated).toBe(true);
    expect(out.payloadLen).toBe(100);
    expect(out.capturedPayloadLen).toBe(30);
    expect(out.ipPayloadEnd).toBe(14 + 140);
    expect(out.stop).toBeNull();
  });

  it("treats total_len 0 (segmentation offload) as 'up to the frame end'", () => {
    eth(ipv4(tcp({ payload: 1000 }), { totalLen: 0 }));
    expect(out.lenSource).toBe("frame");
    expect(out.payloadLen).toBe(1000);
    expect(out.stop).toBeNull();
  });

  const fragments = [
    { name: "first fragment (MF, offset 0) keeps its TCP header", mf: true, off: 0, hasTcp: true },
    { name: "middle fragment (MF, offset 185) has no TCP header", mf: true, off: 185, hasTcp: false },
    { name: "last fragment (offset 185) has no TCP header", mf: false, off: 185, hasTcp: false },
  ];
  it.each(fragments)("$name", (f) => {
    eth(ipv4(tcp({ payload: 16 }), { mf: f.mf, fragOffset: f.off }));
    expect(out.fragment).toBe(true);
    expect(out.hasTcp).toBe(f.hasTcp);
    expect(out.ipVersion).toBe(4);
    expect(out.ipPayloadOffset).toBe(34);
    expect(out.stop).toBeNull();
  });

  it("DF alone is not a fragment", () => {
    eth(ipv4(tcp(), { df: true }));
    expect(out.fragment).toBe(false);
    expect(out.hasTcp).toBe(true);
  });

  it("a non-TCP protocol stops nowhere and has no TCP", () => {
    eth(ipv4(new Uint8Array(8), { proto: 17 }));
    expect(out.ipProto).toBe(17);
    expect(out.hasTcp).toBe(false);
    expect(out.stop).toBeNull();
  });

  const bad = [
    { name: "IHL 4", ip: ipv4(tcp(), { ihl: 4 }), kind: "bad", need: 20, have: 16 },
    { name: "IHL 0", ip: ipv4(tcp(), { ihl: 0 }), kind: "bad", need: 20, have: 0 },
    { name: "total_len below header length", ip: ipv4(tcp(), { totalLen: 19 }), kind: "bad", need: 20, have: 19 },
    { name: "total_len below IHL with options", ip: ipv4(tcp(), { options: [1, 1, 1, 1], totalLen: 22 }), kind: "bad", need: 24, have: 22 },
    { name: "version 6 under EtherType 0x0800", ip: ipv4(tcp(), { version: 6 }), kind: "bad", need: 20, have: 40 },
    { name: "header cut at 12 bytes", ip: ipv4(tcp()).subarray(0, 12), kind: "short", need: 20, have: 12 },
    { name: "options cut (IHL 15, 30 bytes present)", ip: ipv4(tcp(), { ihl: 15 }).subarray(0, 30), kind: "short", need: 60, have: 30 },
  ];
  it.each(bad)("stop: $name", (c) => {
    eth(c.ip);
    expect(out.stop).toMatchObject({ layer: "ipv4", kind: c.kind, offset: 14, need: c.need, have: c.have });
    expect(out.ipVersion).toBe(0);
    expect(out.hasTcp).toBe(false);
  });
});
