import { describe, expect, it } from "vitest";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import { TcpFlag } from "../../src/decode/types.js";
import { ipv4, tcp, u16, u32, type TcpSpec } from "./helpers/build.js";

const out = createDecodedPacket();
// Raw IPv4 keeps offsets simple: the TCP header starts at 20.
const raw = (s: TcpSpec) => decodePacket(ipv4(tcp(s)), LinkType.RAW, out);

const MSS = (v: number) => [2, 4, ...u16(v)];
const WS = (v: number) => [3, 3, v];
const SACK_PERM = [4, 2];
const TS = (a: number, b: number) => [8, 10, ...u32(a), ...u32(b)];
const SACK = (...edges: number[]) => [5, 2 + edges.length * 4, ...edges.flatMap(u32)];

describe("TCP header", () => {
  it("reads ports, unsigned seq/ack, window and header length", () => {
    raw({ srcPort: 65535, dstPort: 1, seq: 0xfffffffe, ack: 0x80000000, window: 0xffff, payload: 7 });
    expect(out.hasTcp).toBe(true);
    expect(out.srcPort).toBe(65535);
    expect(out.dstPort).toBe(1);
    expect(out.seq).toBe(0xfffffffe);
    expect(out.ack).toBe(0x80000000);
    expect(out.window).toBe(0xffff);
    expect(out.tcpHeaderLen).toBe(20);
    expect(out.payloadOffset).toBe(40);
    expect(out.payloadLen).toBe(7);
    expect(out.capturedPayloadLen).toBe(7);
    expect(out.stop).toBeNull();
  });

  it.each([
    ["FIN", TcpFlag.FIN],
    ["SYN", TcpFlag.SYN],
    ["RST", TcpFlag.RST],
    ["PSH", TcpFlag.PSH],
    ["ACK", TcpFlag.ACK],
    ["URG", TcpFlag.URG],
    ["ECE", TcpFlag.ECE],
    ["CWR", TcpFlag.CWR],
    ["NS", TcpFlag.NS],
    ["all nine", 0x1ff],
  ])("flag bit %s", (_name, bit) => {
    raw({ flags: bit });
    expect(out.flags).toBe(bit);
  });

  it("ignores the three reserved bits", () => {
    const ip = ipv4(tcp({ flags: TcpFlag.SYN }));
    ip[20 + 12]! |= 0x0e;
    decodePacket(ip, LinkType.RAW, out);
    expect(out.flags).toBe(TcpFlag.SYN);
    expect(out.tcpHeaderLen).toBe(20);
  });
});

describe("TCP options", () => {
  it("reads a Linux SYN's options (MSS, SACK permitted, timestamps, NOP, window scale)", () => {
    raw({ flags: TcpFlag.SYN, options: [...MSS(65495), ...SACK_PERM, ...TS(0xf0000001, 0), 1, ...WS(10)] });
    expect(out.mss).toBe(65495);
    expect(out.sackPermitted).toBe(true);
    expect(out.tsVal).toBe(0xf0000001);
    expect(out.tsEcr).toBe(0);
    expect(out.hasTimestamps).toBe(true);
    expect(out.windowScale).toBe(10);
    expect(out.tcpHeaderLen).toBe(40);
    expect(out.stop).toBeNull();
  });

  it("leaves absent options at their defaults", () => {
    raw({ options: [1, 1, 1, 1] });
    expect(out.mss).toBe(-1);
    expect(out.windowScale).toBe(-1);
    expect(out.sackPermitted).toBe(false);
    expect(out.sackCount).toBe(0);
    expect(out.hasTimestamps).toBe(false);
    expect(out.tsVal).toBe(-1);
  });

  it.each([1, 2, 3, 4])("reads %i SACK block(s) into sackEdges", (n) => {
    const edges = Array.from({ length: n * 2 }, (_, i) => 0xfffffff0 + i);
    const opts = n === 4 ? SACK(...edges) : [1, 1, ...TS(5, 6), ...SACK(...edges)];
    raw({ options: opts });
    expect(out.sackCount).toBe(n);
    expect(Array.from(out.sackEdges.subarray(0, n * 2))).toEqual(edges);
    expect(Array.from(out.sackEdges.subarray(n * 2))).toEqual(new Array(8 - n * 2).fill(0));
  });

  it("clears SACK edges left by the previous packet", () => {
    raw({ options: SACK(1, 2, 3, 4) });
    raw({});
    expect(out.sackCount).toBe(0);
    expect(Array.from(out.sackEdges)).toEqual(new Array(8).fill(0));
  });

  it("stops at EOL: options after it are not read", () => {
    raw({ options: [...MSS(1460), 0, 0, 0, 0, ...WS(7), 0] });
    expect(out.mss).toBe(1460);
    expect(out.windowScale).toBe(-1);
  });

  const malformed: Array<{ name: string; options: number[]; mss: number; ws: number; ts: boolean }> = [
    { name: "length 0 ends parsing (would loop forever if trusted)", options: [...MSS(1000), 99, 0, ...WS(3), 1], mss: 1000, ws: -1, ts: false },
    { name: "length 1 ends parsing", options: [...MSS(1000), 99, 1, ...WS(3), 1], mss: 1000, ws: -1, ts: false },
    { name: "length past the header ends parsing", options: [...WS(4), 8, 40, 0, 0], mss: -1, ws: 4, ts: false },
    { name: "kind byte in the last byte, no length", options: [1, 1, 1, 2], mss: -1, ws: -1, ts: false },
    { name: "MSS with length 3 is skipped, the rest still read", options: [2, 3, 5, ...WS(2), 0, 0], mss: -1, ws: 2, ts: false },
    { name: "timestamps with length 6 are skipped", options: [8, 6, 0, 0, 0, 1, ...MSS(500), 0, 0], mss: 500, ws: -1, ts: false },
    { name: "unknown kind with a good length is stepped over", options: [30, 4, 0, 0, ...TS(1, 2), 1, 1], mss: -1, ws: -1, ts: true },
  ];
  it.each(malformed)("$name", (c) => {
    raw({ options: c.options, payload: 3 });
    expect(out.stop).toBeNull();
    expect(out.hasTcp).toBe(true);
    expect(out.payloadLen).toBe(3);
    expect(out.mss).toBe(c.mss);
    expect(out.windowScale).toBe(c.ws);
    expect(out.hasTimestamps).toBe(c.ts);
  });

  it("SACK with a length that is not 2 + 8n records no blocks", () => {
    raw({ options: [5, 14, ...new Array(12).fill(1), 1, 1] });
    expect(out.sackCount).toBe(0);
    expect(out.stop).toBeNull();
  });
});

describe("TCP stops", () => {
  it("a header cut by the snap length is short, with need and have", () => {
    const ip = ipv4(tcp({ payload: 10 }));
    decodePacket(ip.subarray(0, 20 + 13), LinkType.RAW, out);
    expect(out.stop).toEqual({ layer: "tcp", kind: "short", offset: 20, need: 20, have: 13, what: expect.any(String) });
    expect(out.hasTcp).toBe(false);
    expect(out.truncated).toBe(true);
    expect(out.ipVersion).toBe(4);
  });

  it("options cut by the snap length: fixed header and captured options kept, stop short", () => {
    const ip = ipv4(tcp({ flags: TcpFlag.SYN, options: [...MSS(1400), 1, ...WS(9), ...TS(7, 8)] }));
    decodePacket(ip.subarray(0, 20 + 28), LinkType.RAW, out);
    expect(out.hasTcp).toBe(true);
    expect(out.flags).toBe(TcpFlag.SYN);
    expect(out.mss).toBe(1400);
    expect(out.windowScale).toBe(9);
    expect(out.hasTimestamps).toBe(false);
    expect(out.stop).toMatchObject({ layer: "tcp", kind: "short", offset: 20, need: 40, have: 28 });
    expect(out.capturedPayloadLen).toBe(0);
  });

  it.each([0, 1, 4])("data offset %i is bad", (doff) => {
    raw({ dataOffset: doff, payload: 8 });
    expect(out.stop).toMatchObject({ layer: "tcp", kind: "bad", need: 20, have: doff * 4 });
    expect(out.hasTcp).toBe(false);
  });

  it("data offset past the IP payload is bad", () => {
    raw({ dataOffset: 15 });
    expect(out.stop).toMatchObject({ layer: "tcp", kind: "bad", need: 60, have: 20 });
    expect(out.hasTcp).toBe(false);
  });

  it("an IP length too small for a TCP header is bad, not short", () => {
    decodePacket(ipv4(tcp(), { totalLen: 30 }), LinkType.RAW, out);
    expect(out.stop).toMatchObject({ layer: "tcp", kind: "bad", need: 20, have: 10 });
  });
});
