import { describe, expect, it } from "vitest";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import { ethernet, ipv4, ipv6, nullHeader, sll, sll2, tcp } from "./helpers/build.js";

const v4 = ipv4(tcp({ srcPort: 1111, dstPort: 9092 }));
const v6 = ipv6(tcp({ srcPort: 2222, dstPort: 9092 }));

interface Case {
  name: string;
  linkType: number;
  frame: Uint8Array;
  ipVersion: 0 | 4 | 6;
  ipOffset?: number;
  etherType: number;
  vlanOuter?: number;
  vlanInner?: number;
  srcPort?: number;
}

const cases: Case[] = [
  { name: "Ethernet IPv4", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4), ipVersion: 4, ipOffset: 14, etherType: 0x0800, srcPort: 1111 },
  { name: "Ethernet IPv6", linkType: LinkType.ETHERNET, frame: ethernet(0x86dd, v6), ipVersion: 6, ipOffset: 14, etherType: 0x86dd, srcPort: 2222 },
  { name: "802.1Q", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4, [[0x8100, 100]]), ipVersion: 4, ipOffset: 18, etherType: 0x0800, vlanOuter: 100, srcPort: 1111 },
  { name: "802.1ad QinQ", linkType: LinkType.ETHERNET, frame: ethernet(0x86dd, v6, [[0x88a8, 300], [0x8100, 42]]), ipVersion: 6, ipOffset: 22, etherType: 0x86dd, vlanOuter: 300, vlanInner: 42, srcPort: 2222 },
  { name: "0x9100 double tag", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4, [[0x9100, 4095], [0x8100, 1]]), ipVersion: 4, ipOffset: 22, etherType: 0x0800, vlanOuter: 4095, vlanInner: 1, srcPort: 1111 },
  { name: "three tags: only two recorded", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4, [[0x88a8, 7], [0x8100, 8], [0x8100, 9]]), ipVersion: 4, ipOffset: 26, etherType: 0x0800, vlanOuter: 7, vlanInner: 8, srcPort: 1111 },
  { name: "Linux cooked v1", linkType: LinkType.LINUX_SLL, frame: sll(0x0800, v4), ipVersion: 4, ipOffset: 16, etherType: 0x0800, srcPort: 1111 },
  { name: "Linux cooked v2", linkType: LinkType.LINUX_SLL2, frame: sll2(0x86dd, v6), ipVersion: 6, ipOffset: 20, etherType: 0x86dd, srcPort: 2222 },
  { name: "raw IPv4 (101)", linkType: LinkType.RAW, frame: v4, ipVersion: 4, ipOffset: 0, etherType: -1, srcPort: 1111 },
  { name: "raw IPv6 (101)", linkType: LinkType.RAW, frame: v6, ipVersion: 6, ipOffset: 0, etherType: -1, srcPort: 2222 },
  { name: "LINKTYPE_IPV4", linkType: LinkType.IPV4, frame: v4, ipVersion: 4, ipOffset: 0, etherType: -1, srcPort: 1111 },
  { name: "LINKTYPE_IPV6", linkType: LinkType.IPV6, frame: v6, ipVersion: 6, ipOffset: 0, etherType: -1, srcPort: 2222 },
  { name: "NULL AF_INET little-endian", linkType: LinkType.NULL, frame: nullHeader(2, true, v4), ipVersion: 4, ipOffset: 4, etherType: 0x0800, srcPort: 1111 },
  { name: "NULL AF_INET big-endian", linkType: LinkType.NULL, frame: nullHeader(2, false, v4), ipVersion: 4, ipOffset: 4, etherType: 0x0800, srcPort: 1111 },
  ...[10, 24, 28, 30].flatMap((af) => [
    { name: `NULL AF_INET6=${af} LE`, linkType: LinkType.NULL, frame: nullHeader(af, true, v6), ipVersion: 6 as const, ipOffset: 4, etherType: 0x86dd, srcPort: 2222 },
    { name: `NULL AF_INET6=${af} BE`, linkType: LinkType.NULL, frame: nullHeader(af, false, v6), ipVersion: 6 as const, ipOffset: 4, etherType: 0x86dd, srcPort: 2222 },
    { name: `LOOP AF_INET6=${af}`, linkType: LinkType.LOOP, frame: nullHeader(af, false, v6), ipVersion: 6 as const, ipOffset: 4, etherType: 0x86dd, srcPort: 2222 },
  ]),
  { name: "LOOP AF_INET", linkType: LinkType.LOOP, frame: nullHeader(2, false, v4), ipVersion: 4, ipOffset: 4, etherType: 0x0800, srcPort: 1111 },
  { name: "ARP is not IP, not a stop", linkType: LinkType.ETHERNET, frame: ethernet(0x0806, new Uint8Array(28)), ipVersion: 0, etherType: 0x0806 },
  { name: "802.3 length field", linkType: LinkType.ETHERNET, frame: ethernet(46, new Uint8Array(46)), ipVersion: 0, etherType: 46 },
  { name: "SLL carrying ARP", linkType: LinkType.LINUX_SLL, frame: sll(0x0806, new Uint8Array(28)), ipVersion: 0, etherType: 0x0806 },
];

describe("link layers", () => {
  const out = createDecodedPacket();
  it.each(cases)("$name", (c) => {
    expect(decodePacket(c.frame, c.linkType, out)).toBe(out);
    expect(out.stop).toBeNull();
    expect(out.ipVersion).toBe(c.ipVersion);
    expect(out.etherType).toBe(c.etherType);
    expect(out.vlanOuter).toBe(c.vlanOuter ?? -1);
    expect(out.vlanInner).toBe(c.vlanInner ?? -1);
    if (c.ipVersion !== 0) {
      expect(out.ipOffset).toBe(c.ipOffset);
      expect(out.hasTcp).toBe(true);
      expect(out.srcPort).toBe(c.srcPort);
      expect(out.dstPort).toBe(9092);
    } else {
      expect(out.hasTcp).toBe(false);
      expect(out.srcAddr.length).toBe(0);
    }
  });
});

describe("link layer stops", () => {
  const out = createDecodedPacket();
  const stops: Array<{ name: string; linkType: number; frame: Uint8Array; layer: string; kind: string; need: number; have: number }> = [
    { name: "unknown link type", linkType: 147, frame: v4, layer: "link", kind: "unsupported", need: 0, have: v4.length },
    { name: "Ethernet cut at 10 bytes", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4).subarray(0, 10), layer: "link", kind: "short", need: 14, have: 10 },
    { name: "VLAN tag cut", linkType: LinkType.ETHERNET, frame: ethernet(0x0800, v4, [[0x8100, 5]]).subarray(0, 16), layer: "vlan", kind: "short", need: 4, have: 2 },
    { name: "SLL cut", linkType: LinkType.LINUX_SLL, frame: sll(0x0800, v4).subarray(0, 15), layer: "link", kind: "short", need: 16, have: 15 },
    { name: "SLL2 cut", linkType: LinkType.LINUX_SLL2, frame: sll2(0x0800, v4).subarray(0, 19), layer: "link", kind: "short", need: 20, have: 19 },
    { name: "NULL cut", linkType: LinkType.NULL, frame: Uint8Array.of(2, 0), layer: "link", kind: "short", need: 4, have: 2 },
    { name: "NULL family not IP", linkType: LinkType.NULL, frame: nullHeader(7, true, v4), layer: "link", kind: "unsupported", need: 0, have: v4.length + 4 },
    { name: "LOOP read in host order is not accepted", linkType: LinkType.LOOP, frame: nullHeader(2, true, v4), layer: "link", kind: "unsupported", need: 0, have: v4.length + 4 },
    { name: "raw IP, empty frame", linkType: LinkType.RAW, frame: new Uint8Array(0), layer: "link", kind: "short", need: 1, have: 0 },
    { name: "raw IP, version 5", linkType: LinkType.RAW, frame: Uint8Array.of(0x50, 0, 0, 0), layer: "link", kind: "bad", need: 1, have: 4 },
    { name: "LINKTYPE_IPV4 with a v6 packet", linkType: LinkType.IPV4, frame: v6, layer: "ipv4", kind: "bad", need: 20, have: v6.length },
  ];
  it.each(stops)("$name", (c) => {
    decodePacket(c.frame, c.linkType, out);
    expect(out.stop).toMatchObject({ layer: c.layer, kind: c.kind, need: c.need, have: c.have });
    expect(out.ipVersion).toBe(0);
    expect(out.hasTcp).toBe(false);
  });

  it("the stop record is reused and cleared by the next packet", () => {
    decodePacket(new Uint8Array(3), LinkType.ETHERNET, out);
    const first = out.stop;
    decodePacket(new Uint8Array(2), LinkType.NULL, out);
    expect(out.stop).toBe(first);
    decodePacket(ethernet(0x0800, v4), LinkType.ETHERNET, out);
    expect(out.stop).toBeNull();
  });

  it("works on a DecodedPacket that createDecodedPacket did not make", () => {
    const own = { ...createDecodedPacket(), sackEdges: new Uint32Array(8) };
    decodePacket(new Uint8Array(3), LinkType.ETHERNET, own);
    expect(own.stop).toMatchObject({ layer: "link", kind: "short" });
  });
});
