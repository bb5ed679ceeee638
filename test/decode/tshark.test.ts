/**
 * kdiag's decoder against tshark, packet by packet and field by field, on:
 * - the public captures (copies of ../shared/captures/public in test/fixtures/public) (Ethernet, real Kafka and other TCP);
 * - loopback captures made with tcpdump (Ethernet, Linux cooked v1 and v2; test/fixtures/decode);
 * - the same IP packets re-wrapped in every other link type kdiag reads (VLAN, QinQ, SLL, SLL2,
 *   raw IP, BSD NULL in both byte orders, LOOP), written to a temp dir and read by tshark;
 * - editcap snap-length cuts of all of the above;
 * - the hand-built edge-case frames of the unit tests (options, extension headers, fragments).
 * Requires tshark and editcap (Debian package tshark).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { LinkType } from "../../src/capture/types.js";
import { diffAgainstTshark, hasTshark } from "./helpers/tshark.js";
import { readPcap, writePcap } from "./helpers/pcap.js";
import { ethernet, ipv4, ipv6, nullHeader, sll, sll2, tcp, u16, u32 } from "./helpers/build.js";

/** Copies of ../shared/captures/public committed with the project (see their README). */
const PUBLIC = fileURLToPath(new URL("../fixtures/public/", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures/decode/", import.meta.url));

const publicFiles = readdirSync(PUBLIC, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".pcap"))
  .sort()
  .map((f) => join(PUBLIC, f));
const fixtureFiles = ["loopback-eth.pcap", "any-sll.pcap", "any-sll2.pcap"].map((f) => join(FIXTURES, f));
const realFiles = [...publicFiles, ...fixtureFiles];

let tmp = "";
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "kdiag-decode-"));
});
afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
});

function expectAgreement(path: string, minTcp: number): ReturnType<typeof diffAgainstTshark> {
  const r = diffAgainstTshark(path);
  expect(r.mismatches.slice(0, 10)).toEqual([]);
  expect(r.tcp).toBeGreaterThanOrEqual(minTcp);
  return r;
}

describe("differential against tshark", () => {
  it("tshark and editcap are installed (apt-get install tshark)", () => {
    expect(hasTshark()).toBe(true);
  });

  it("finds the capture files", () => {
    expect(publicFiles.length).toBeGreaterThanOrEqual(17);
  });

  it.each(realFiles)("agrees on every packet of %s", (path) => {
    const packets = readPcap(readFileSync(path)).records.length;
    const r = expectAgreement(path, packets); // every packet in these files is TCP
    if (path.startsWith(FIXTURES)) expect(r.flagsChecked).toBe(packets);
  });

  it.each(realFiles)("agrees on editcap -s 60 and -s 34 cuts of %s", (path) => {
    for (const snap of [60, 34]) {
      const cut = join(tmp, `s${snap}-${path.replace(/[/]/g, "_")}`);
      execFileSync("editcap", ["-F", "pcap", "-s", String(snap), path, cut], { stdio: "ignore" });
      expectAgreement(cut, 0);
    }
  });
});

/** The IP packets of all real files, with their version, for re-wrapping. */
function collectIpPackets(): Array<{ ip: Uint8Array; version: 4 | 6 }> {
  const out = createDecodedPacket();
  const packets: Array<{ ip: Uint8Array; version: 4 | 6 }> = [];
  for (const path of realFiles) {
    const f = readPcap(readFileSync(path));
    for (const r of f.records) {
      decodePacket(r.data, f.linkType, out);
      if (out.ipVersion === 0) continue;
      // Keep the bytes exactly as captured from the IP header on (padding included).
      packets.push({ ip: r.data.slice(out.ipOffset), version: out.ipVersion });
    }
  }
  return packets;
}

interface Wrapper {
  name: string;
  linkType: number;
  only?: 4 | 6;
  wrap(ip: Uint8Array, version: 4 | 6): Uint8Array;
}

const et = (v: 4 | 6) => (v === 4 ? 0x0800 : 0x86dd);
const wrappers: Wrapper[] = [
  { name: "802.1Q", linkType: LinkType.ETHERNET, wrap: (ip, v) => ethernet(et(v), ip, [[0x8100, 100]]) },
  { name: "802.1ad QinQ", linkType: LinkType.ETHERNET, wrap: (ip, v) => ethernet(et(v), ip, [[0x88a8, 300], [0x8100, 42]]) },
  { name: "0x9100 double tag", linkType: LinkType.ETHERNET, wrap: (ip, v) => ethernet(et(v), ip, [[0x9100, 7], [0x8100, 4094]]) },
  { name: "Linux cooked v1", linkType: LinkType.LINUX_SLL, wrap: (ip, v) => sll(et(v), ip) },
  { name: "Linux cooked v2", linkType: LinkType.LINUX_SLL2, wrap: (ip, v) => sll2(et(v), ip) },
  { name: "raw IP", linkType: LinkType.RAW, wrap: (ip) => ip },
  { name: "LINKTYPE_IPV4", linkType: LinkType.IPV4, only: 4, wrap: (ip) => ip },
  { name: "LINKTYPE_IPV6", linkType: LinkType.IPV6, only: 6, wrap: (ip) => ip },
  { name: "NULL little-endian (AF 2 / 30 macOS)", linkType: LinkType.NULL, wrap: (ip, v) => nullHeader(v === 4 ? 2 : 30, true, ip) },
  { name: "NULL big-endian (AF 2 / 24 OpenBSD)", linkType: LinkType.NULL, wrap: (ip, v) => nullHeader(v === 4 ? 2 : 24, false, ip) },
  { name: "NULL little-endian (AF 28 FreeBSD)", linkType: LinkType.NULL, only: 6, wrap: (ip) => nullHeader(28, true, ip) },
  { name: "LOOP (AF 2 / 24)", linkType: LinkType.LOOP, wrap: (ip, v) => nullHeader(v === 4 ? 2 : 24, false, ip) },
];

describe("the same packets in every link type, against tshark", () => {
  let packets: Array<{ ip: Uint8Array; version: 4 | 6 }> = [];
  beforeAll(() => {
    packets = collectIpPackets();
  });

  it.each(wrappers)("$name", (w) => {
    const chosen = packets.filter((p) => w.only === undefined || p.version === w.only);
    expect(chosen.length).toBeGreaterThan(20);
    const path = join(tmp, `wrap-${w.linkType}-${w.name.replace(/\W+/g, "_")}.pcap`);
    writePcap(path, w.linkType, chosen.map((p) => w.wrap(p.ip, p.version)));
    expectAgreement(path, chosen.length);
    const cut = path.replace(/\.pcap$/, "-s64.pcap");
    execFileSync("editcap", ["-F", "pcap", "-s", "64", path, cut], { stdio: "ignore" });
    expectAgreement(cut, 0);
  });
});

// Hand-built edge cases (the unit tests' frames), checked against tshark too.
const MSS = (v: number) => [2, 4, ...u16(v)];
const SACK = (...edges: number[]) => [5, 2 + edges.length * 4, ...edges.flatMap(u32)];
const TS = (a: number, b: number) => [8, 10, ...u32(a), ...u32(b)];
const V6_MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1];
const V6_COMPAT = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 1, 2, 3];
const V6_MID = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1];
const V6_TIE = [0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0];
const V6_LL = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55];

const handIp: Array<{ ip: Uint8Array; v: 4 | 6 }> = [
  { v: 4, ip: ipv4(tcp({ flags: 0x002, options: [...MSS(1460), 4, 2, ...TS(0xfedcba98, 0), 1, 3, 3, 14] })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x010, options: [1, 1, ...SACK(0xfffffff0, 0xfffffff8, 100, 200)] })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x010, options: SACK(1, 2, 3, 4, 5, 6, 7, 8) })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x0c2, seq: 0xffffffff })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x1ff })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x000 })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x014 })) },
  { v: 4, ip: ipv4(tcp({ flags: 0x011, payload: 10 }), { options: [7, 7, 4, 0, 0, 0, 0, 1] }) },
  { v: 4, ip: ipv4(tcp({ payload: 24 }), { mf: true }) },
  { v: 4, ip: ipv4(tcp({ flags: 0x018, payload: 100 }), { totalLen: 0 }) }, // offload: length from the frame
  { v: 4, ip: ipv4(tcp({ payload: 24 }), { fragOffset: 3 }) },
  { v: 4, ip: ipv4(tcp({ options: [...MSS(1000), 99, 0, 3, 3, 7, 1] })) },
  { v: 4, ip: ipv4(tcp({ options: [3, 3, 4, 8, 40, 0, 0] })) },
  { v: 6, ip: ipv6(tcp({ flags: 0x018, payload: 33 }), { ext: [{ type: 0 }, { type: 43, len: 24 }, { type: 60, len: 16 }] }) },
  { v: 6, ip: ipv6(tcp({ payload: 5 }), { ext: [{ type: 60 }, { type: 51, len: 12 }] }) },
  { v: 6, ip: ipv6(tcp({ payload: 5 }), { ext: [{ type: 0 }, { type: 44, more: true }] }) },
  { v: 6, ip: ipv6(tcp({ payload: 5 }), { ext: [{ type: 44, fragOffset: 9 }] }) },
  { v: 6, ip: ipv6(tcp(), { src: V6_MAPPED, dst: V6_COMPAT }) },
  { v: 6, ip: ipv6(tcp(), { src: V6_MID, dst: V6_TIE }) },
  { v: 6, ip: ipv6(tcp(), { src: V6_LL, dst: new Array(16).fill(0) }) },
];

describe("hand-built edge cases against tshark", () => {
  it.each([
    { name: "Ethernet", linkType: LinkType.ETHERNET, wrap: (ip: Uint8Array, v: 4 | 6) => ethernet(et(v), ip) },
    { name: "raw IP", linkType: LinkType.RAW, wrap: (ip: Uint8Array) => ip },
  ])("$name", ({ name, linkType, wrap }) => {
    const path = join(tmp, `hand-${name.replace(/\W+/g, "_")}.pcap`);
    writePcap(path, linkType, handIp.map((h) => wrap(h.ip, h.v)));
    const r = expectAgreement(path, handIp.length - 2); // the two later fragments carry no TCP header
    // Without payload no application dissector takes the Info column: every flags list is checked.
    expect(r.flagsChecked).toBeGreaterThanOrEqual(handIp.length - 4);
  });
});
