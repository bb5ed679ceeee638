/**
 * Differential testing against tshark: one row of text per packet, written once by tshark and once
 * from kdiag's DecodedPacket in the same format, so a mismatch names the packet and the field.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createDecodedPacket, decodePacket } from "../../../src/decode/packet.js";
import { formatAddr, flagsText } from "../../../src/decode/format.js";
import type { DecodedPacket } from "../../../src/decode/types.js";
import { readPcap } from "./pcap.js";

export const FIELDS = [
  "frame.number",
  "ieee8021ad.id",
  "vlan.id",
  "ip.src",
  "ipv6.src",
  "ip.dst",
  "ipv6.dst",
  "ip.ttl",
  "ipv6.hlim",
  "ip.id",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.seq_raw",
  "tcp.ack_raw",
  "tcp.flags",
  "tcp.window_size_value",
  "tcp.len",
  "tcp.options.mss_val",
  "tcp.options.wscale.shift",
  "tcp.options.timestamp.tsval",
  "tcp.options.timestamp.tsecr",
  "tcp.options.sack_perm",
  "tcp.options.sack_le",
  "tcp.options.sack_re",
  "_ws.col.Info",
] as const;

export type Row = Record<(typeof FIELDS)[number], string>;

const IP_FIELDS = new Set<string>(["ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "ip.ttl", "ipv6.hlim", "ip.id"]);
const TCP_FIELDS = new Set<string>(FIELDS.filter((f) => f.startsWith("tcp.")));
const OPTION_FIELDS = new Set<string>(FIELDS.filter((f) => f.startsWith("tcp.options.")));

const TSHARK_PREFS = [
  // Absolute SACK edges; no IP reassembly (it would move the TCP fields to the last fragment).
  "-o", "tcp.relative_sequence_numbers:FALSE",
  "-o", "ip.defragment:FALSE",
  "-o", "ipv6.defragment:FALSE",
];

export function tsharkRows(path: string): Row[] {
  const args = ["-n", "-r", path, ...TSHARK_PREFS, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a", "-E", "aggregator=,"];
  for (const f of FIELDS) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 << 20 });
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => {
      const cells = line.split("\t");
      const row = {} as Row;
      FIELDS.forEach((f, i) => (row[f] = cells[i] ?? ""));
      return row;
    });
}

/** kdiag's reading of one packet, in tshark's formatting. The Info column is left empty. */
export function kdiagRow(number: number, p: DecodedPacket): Row {
  const v4 = p.ipVersion === 4;
  const v6 = p.ipVersion === 6;
  const t = p.hasTcp;
  const sackLe: number[] = [];
  const sackRe: number[] = [];
  for (let i = 0; i < p.sackCount; i++) {
    sackLe.push(p.sackEdges[i * 2]!);
    sackRe.push(p.sackEdges[i * 2 + 1]!);
  }
  const vlans = [p.vlanOuter, p.vlanInner].filter((v) => v >= 0);
  return {
    "frame.number": String(number),
    "ieee8021ad.id": "",
    "vlan.id": vlans.join(","),
    "ip.src": v4 ? formatAddr(p.srcAddr, 4) : "",
    "ipv6.src": v6 ? formatAddr(p.srcAddr, 6) : "",
    "ip.dst": v4 ? formatAddr(p.dstAddr, 4) : "",
    "ipv6.dst": v6 ? formatAddr(p.dstAddr, 6) : "",
    "ip.ttl": v4 ? String(p.ttl) : "",
    "ipv6.hlim": v6 ? String(p.ttl) : "",
    "ip.id": v4 ? "0x" + p.ipId.toString(16).padStart(4, "0") : "",
    "tcp.srcport": t ? String(p.srcPort) : "",
    "tcp.dstport": t ? String(p.dstPort) : "",
    "tcp.seq_raw": t ? String(p.seq) : "",
    "tcp.ack_raw": t ? String(p.ack) : "",
    "tcp.flags": t ? "0x" + p.flags.toString(16).padStart(4, "0") : "",
    "tcp.window_size_value": t ? String(p.window) : "",
    "tcp.len": t ? String(p.payloadLen) : "",
    "tcp.options.mss_val": p.mss >= 0 ? String(p.mss) : "",
    "tcp.options.wscale.shift": p.windowScale >= 0 ? String(p.windowScale) : "",
    "tcp.options.timestamp.tsval": p.hasTimestamps ? String(p.tsVal) : "",
    "tcp.options.timestamp.tsecr": p.hasTimestamps ? String(p.tsEcr) : "",
    "tcp.options.sack_perm": p.sackPermitted ? "present" : "",
    "tcp.options.sack_le": sackLe.join(","),
    "tcp.options.sack_re": sackRe.join(","),
    "_ws.col.Info": "",
  };
}

export interface Mismatch {
  frame: number;
  field: string;
  tshark: string;
  kdiag: string;
}

/**
 * Decode every packet of `path` with kdiag and compare with tshark. The rules below cover
 * differences in scope, never a disagreement about the bytes:
 * - VLAN ids: tshark files an 802.1ad service tag under ieee8021ad.id and 802.1Q / 0x9100 tags
 *   under vlan.id; both lists, outer first, are compared with kdiag's [vlanOuter, vlanInner];
 * - tshark prints sack_perm as the option's bytes; kdiag compares presence;
 * - kdiag's flags list must equal the one in tshark's Info column, where TCP wrote that column;
 * - a header cut by the snap length: tshark shows each field that still fits, kdiag decodes a
 *   header only when it is whole (an IP header, the fixed TCP header, one TCP option). Where kdiag
 *   stopped "short", tshark may show more fields of that layer, kdiag's must then be empty, and
 *   neither may show anything of a later layer;
 * - an IP fragment: tshark gives no tcp.len (the segment's length is unknown), kdiag gives the
 *   bytes in this fragment; tshark's must be empty.
 */
export function diffAgainstTshark(path: string): { packets: number; tcp: number; flagsChecked: number; mismatches: Mismatch[] } {
  const file = readPcap(readFileSync(path));
  const theirs = tsharkRows(path);
  const out = createDecodedPacket();
  const mismatches: Mismatch[] = [];
  let tcp = 0;
  let flagsChecked = 0;
  if (theirs.length !== file.records.length) {
    mismatches.push({ frame: 0, field: "packet count", tshark: String(theirs.length), kdiag: String(file.records.length) });
  }
  file.records.forEach((rec, i) => {
    const number = i + 1;
    decodePacket(rec.data, file.linkType, out);
    if (out.hasTcp) tcp++;
    const mine = kdiagRow(number, out);
    const their = theirs[i];
    if (their === undefined) return;
    const shortAt = out.stop !== null && out.stop.kind === "short" ? out.stop.layer : null;
    const ipCut = shortAt === "ipv4" || shortAt === "ipv6";
    const tcpCut = shortAt === "tcp" && !out.hasTcp;
    const optionsCut = shortAt === "tcp" && out.hasTcp;
    const report = (field: string, a: string, b: string) => mismatches.push({ frame: number, field, tshark: a, kdiag: b });

    const theirVlans = [their["ieee8021ad.id"], their["vlan.id"]].filter((v) => v !== "").join(",");
    if (theirVlans !== mine["vlan.id"]) report("vlan ids", theirVlans, mine["vlan.id"]);

    // "[TCP Keep-Alive] 40000 → 9092 [ACK] Seq=..." : analysis tags may come first.
    const m = /(?:^|\] )\d+ → \d+ (\[[^\]]*\])/.exec(their["_ws.col.Info"]);
    if (out.hasTcp && m !== null) {
      flagsChecked++;
      if (m[1] !== flagsText(out.flags)) report("flagsText vs Info", m[1]!, flagsText(out.flags));
    }

    for (const f of FIELDS) {
      if (f === "ieee8021ad.id" || f === "vlan.id" || f === "_ws.col.Info") continue;
      let a = their[f];
      const b = mine[f];
      if (f === "tcp.options.sack_perm" && a !== "") a = "present";
      if (ipCut && IP_FIELDS.has(f)) {
        if (b !== "") report(f + " (kdiag stopped short)", a, b);
        continue;
      }
      if ((ipCut || tcpCut) && TCP_FIELDS.has(f)) {
        // Ports may fit before the cut; tshark shows them, kdiag does not decode a partial header.
        if (tcpCut && (f === "tcp.srcport" || f === "tcp.dstport")) continue;
        if (a !== "" || b !== "") report(f + " (past the cut)", a, b);
        continue;
      }
      if (optionsCut && OPTION_FIELDS.has(f) && b === "") continue;
      if (out.fragment && f === "tcp.len") {
        if (a !== "") report(f + " (fragment)", a, b);
        continue;
      }
      if (a !== b) report(f, a, b);
    }
  });
  return { packets: file.records.length, tcp, flagsChecked, mismatches };
}

export function hasTshark(): boolean {
  try {
    execFileSync("tshark", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
