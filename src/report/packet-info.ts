/**
 * The protocol column and Info text of one packet, as tshark writes them, shared by `kdiag
 * packets` and the TUI's packet list so the two cannot drift apart: analysis labels, TCP
 * Seq/Ack/Win/Len, and the packets that are not TCP (ARP, LLDP, other ethertypes, UDP, ICMP).
 * Called per printed or displayed row, never on the per-packet path of the pass.
 */

import { protocolLabel } from "../facts/schema.js";
import { flagsText, formatAddr } from "../decode/format.js";
import { decodeLink } from "../decode/link.js";
import { createDecodedPacket } from "../decode/packet.js";
import type { DecodedPacket } from "../decode/types.js";
import { TcpFlag } from "../decode/types.js";
import { TCP_EVENT_NAMES } from "../tcp/types.js";

/** tshark's labels for the analysis events it puts at the front of the info column. */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  retransmission: "TCP Retransmission",
  fast_retransmission: "TCP Fast Retransmission",
  spurious_retransmission: "TCP Spurious Retransmission",
  out_of_order: "TCP Out-Of-Order",
  lost_segment: "TCP Previous segment not captured",
  ack_lost_segment: "TCP ACKed unseen segment",
  duplicate_ack: "TCP Dup ACK",
  zero_window: "TCP ZeroWindow",
  zero_window_probe: "TCP ZeroWindowProbe",
  zero_window_probe_ack: "TCP ZeroWindowProbeAck",
  window_full: "TCP Window Full",
  keep_alive: "TCP Keep-Alive",
  keep_alive_ack: "TCP Keep-Alive ACK",
  reused_ports: "TCP Port numbers reused",
  window_update: "TCP Window Update",
  capture_duplicate: "Capture duplicate",
};

/** Event keys (TCP_EVENT_NAMES) of a packet's event bits, in tshark's order. */
export function eventKeys(bits: number): string[] {
  return TCP_EVENT_NAMES.filter((e) => (bits & e.bit) !== 0).map((e) => e.key);
}

/** "[TCP Retransmission]", one per event. */
export function eventLabels(keys: readonly string[]): string[] {
  return keys.map((e) => `[${EVENT_LABELS[e] ?? e}]`);
}

/**
 * Wireshark's "Bad TCP" colouring rule (tcp.analysis.flags && !tcp.analysis.window_update &&
 * !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack): events that point at a problem. A
 * capture duplicate (kdiag's own flag) is an artefact of the capture, not a problem.
 */
export function isBadTcp(keys: readonly string[]): boolean {
  return keys.some((k) => k !== "window_update" && k !== "keep_alive" && k !== "keep_alive_ack" && k !== "capture_duplicate");
}

/** A TCP row's pieces; `Ack` only when the ACK flag is set, `Win` scaled when the scale is known. */
export interface TcpInfo {
  events: readonly string[];
  srcPort: number;
  dstPort: number;
  flags: number;
  seq: number;
  ack: number;
  window: number;
  len: number;
}

/** tshark's order: labels, ports, flags, Seq, Ack, Win, Len. */
export function tcpInfoText(t: TcpInfo): string {
  return [...eventLabels(t.events), `${t.srcPort} → ${t.dstPort}`, flagsText(t.flags), tcpNumbers(t)].join(" ");
}

/** "Seq=1 Ack=1 Win=64512 Len=0". */
export function tcpNumbers(t: TcpInfo): string {
  const parts = [`Seq=${t.seq}`];
  if (t.flags & TcpFlag.ACK) parts.push(`Ack=${t.ack}`);
  parts.push(`Win=${t.window}`, `Len=${t.len}`);
  return parts.join(" ");
}

const IP_PROTOCOLS: Record<number, string> = { 1: "ICMP", 2: "IGMP", 6: "TCP", 17: "UDP", 47: "GRE", 50: "ESP", 58: "ICMPv6", 132: "SCTP" };
const ETHER_TYPES: Record<number, string> = { 0x0806: "ARP", 0x88cc: "LLDP", 0x8035: "RARP", 0x888e: "EAPOL", 0x8809: "Slow Protocols", 0x88f7: "PTP" };

/** The protocol column: the highest layer decoded (TCP, UDP, ARP...), or the ethertype in hex. */
export function protocolName(pkt: DecodedPacket): string {
  if (pkt.ipVersion === 0) return ETHER_TYPES[pkt.etherType] ?? (pkt.etherType >= 0 ? `0x${pkt.etherType.toString(16).padStart(4, "0")}` : "?");
  if (pkt.fragment && !pkt.hasTcp) return pkt.ipVersion === 4 ? "IPv4" : "IPv6";
  return IP_PROTOCOLS[pkt.ipProto] ?? `IP proto ${pkt.ipProto}`;
}

/**
 * The protocol column of a packet that completed PDUs: the first PDU's dissector by its declared
 * label (Kafka, TLS as tshark spells them; a plugin's `label`, else its name; raw: printers sanitise).
 */
export function dissectorColumn(dissector: string): string {
  return protocolLabel(dissector);
}

/** Source, destination and Info of a packet that is not TCP; link addresses for one that is not IP. */
export interface OtherInfo {
  src: string | null;
  dst: string | null;
  info: string;
}

/**
 * What tshark says about a packet that is not TCP: ARP's who-has/is-at, UDP ports and length,
 * ICMP and ICMPv6 message names, the name of other ethertypes; a decode problem in brackets.
 * `frame` is the packet's bytes (null when they are not at hand: only the decode problem is told).
 */
export function otherInfo(pkt: DecodedPacket, frame: Uint8Array | null, linkType: number): OtherInfo {
  const none: OtherInfo = { src: null, dst: null, info: pkt.stop ? `[${pkt.stop.layer}: ${pkt.stop.what}]` : "" };
  if (!frame) return none;
  if (pkt.ipVersion === 0) return linkInfo(pkt, frame, linkType) ?? none;
  if (pkt.fragment || pkt.ipPayloadOffset < 0) return none;
  const at = pkt.ipPayloadOffset;
  const u16 = (o: number) => (at + o + 1 < frame.length ? (frame[at + o]! << 8) | frame[at + o + 1]! : -1);
  if (pkt.ipProto === 17) {
    const sp = u16(0);
    const dp = u16(2);
    const len = u16(4);
    if (sp < 0 || dp < 0 || len < 0) return none;
    return { src: null, dst: null, info: `${sp} → ${dp} Len=${Math.max(0, len - 8)}` };
  }
  if ((pkt.ipProto === 1 || pkt.ipProto === 58) && at + 1 < frame.length) {
    const type = frame[at]!;
    const code = frame[at + 1]!;
    return { src: null, dst: null, info: pkt.ipProto === 1 ? icmpText(type, code) : icmp6Text(type, code, frame, at) };
  }
  return none;
}

const ICMP_TYPES: Record<number, string> = {
  0: "Echo (ping) reply",
  3: "Destination unreachable",
  4: "Source quench",
  5: "Redirect",
  8: "Echo (ping) request",
  11: "Time-to-live exceeded",
  12: "Parameter problem",
  13: "Timestamp request",
  14: "Timestamp reply",
};
const UNREACHABLE: Record<number, string> = {
  0: "Network unreachable",
  1: "Host unreachable",
  2: "Protocol unreachable",
  3: "Port unreachable",
  4: "Fragmentation needed",
  9: "Network administratively prohibited",
  10: "Host administratively prohibited",
  13: "Communication administratively filtered",
};

function icmpText(type: number, code: number): string {
  const name = ICMP_TYPES[type] ?? `Type ${type}`;
  if (type === 3) return `${name} (${UNREACHABLE[code] ?? `Code ${code}`})`;
  if (type === 11) return `${name} (${code === 0 ? "Time to live exceeded in transit" : "Fragment reassembly time exceeded"})`;
  return name;
}

const ICMP6_TYPES: Record<number, string> = {
  1: "Destination Unreachable",
  2: "Packet Too Big",
  3: "Time Exceeded",
  4: "Parameter Problem",
  128: "Echo (ping) request",
  129: "Echo (ping) reply",
  133: "Router Solicitation",
  134: "Router Advertisement",
  135: "Neighbor Solicitation",
  136: "Neighbor Advertisement",
  143: "Multicast Listener Report Message v2",
};

function icmp6Text(type: number, _code: number, frame: Uint8Array, at: number): string {
  const name = ICMP6_TYPES[type] ?? `Type ${type}`;
  // Neighbour discovery names its target, as tshark does: "Neighbor Solicitation for fe80::1".
  if ((type === 135 || type === 136) && at + 24 <= frame.length) {
    const target = formatAddr(frame.subarray(at + 8, at + 24), 6);
    return type === 135 ? `${name} for ${target}` : `${name} ${target}`;
  }
  return name;
}

const LINK_ETHERNET = 1;

/** ARP and other non-IP frames: link addresses, and what the frame says. */
function linkInfo(pkt: DecodedPacket, frame: Uint8Array, linkType: number): OtherInfo | null {
  const scratch = createDecodedPacket();
  const net = decodeLink(frame, linkType, scratch);
  if (net < 0) return null;
  const eth = linkType === LINK_ETHERNET && frame.length >= 14;
  const src = eth ? macText(frame.subarray(6, 12)) : null;
  const dst = eth ? macText(frame.subarray(0, 6)) : null;
  if (pkt.etherType === 0x0806 || pkt.etherType === 0x8035) return { src, dst, info: arpText(frame, net) ?? "ARP (cut short)" };
  if (pkt.etherType === 0x88cc) return { src, dst, info: "Link Layer Discovery Protocol" };
  return { src, dst, info: pkt.etherType >= 0 ? `Ethertype 0x${pkt.etherType.toString(16).padStart(4, "0")}` : "" };
}

/** tshark's ARP Info: "Who has 10.0.0.2? Tell 10.0.0.1", "10.0.0.2 is at 02:00:00:00:00:02". */
function arpText(frame: Uint8Array, at: number): string | null {
  if (at + 8 > frame.length) return null;
  const hlen = frame[at + 4]!;
  const plen = frame[at + 5]!;
  const op = (frame[at + 6]! << 8) | frame[at + 7]!;
  const end = at + 8 + 2 * (hlen + plen);
  if (end > frame.length || plen !== 4) return null;
  const sha = frame.subarray(at + 8, at + 8 + hlen);
  const spa = formatAddr(frame.subarray(at + 8 + hlen, at + 12 + hlen), 4);
  const tpa = formatAddr(frame.subarray(at + 12 + 2 * hlen, at + 16 + 2 * hlen), 4);
  if (op === 1) return spa === tpa ? `ARP Announcement for ${spa}` : `Who has ${tpa}? Tell ${spa}`;
  if (op === 2) return `${spa} is at ${macText(sha)}`;
  return `ARP opcode ${op}`;
}

/** Colon-separated hex; the all-ones address as tshark names it, "Broadcast". */
function macText(b: Uint8Array): string {
  if (b.length === 6 && b.every((x) => x === 0xff)) return "Broadcast";
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(":");
}
