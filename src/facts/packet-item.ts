/**
 * Packet-scope items for rules and filters: one object per packet (per PDU completing in it),
 * its top-level variables (frame, ip, ipv6, udp, tcp, conn, and each loaded protocol's: kafka,
 * tls, a plugin's) built on first read.
 * What the packet index holds (time, lengths, flags, analysis events, connection) costs nothing
 * to read; header fields it does not hold (TTL, sequence numbers, windows, non-TCP packets) come
 * from decoding the packet's bytes again, once per item and only when a condition reads them
 * (about 0.2 µs a packet). CEL reads a top-level variable as a plain property, so getters on the
 * prototype serve (see ExchangeItem in build.ts).
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { formatAddr } from "../decode/format.js";
import { TcpFlag, type DecodedPacket } from "../decode/types.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import { PdusByPacket } from "../model/pdus-by-packet.js";
import type { FieldValue } from "../plugins/api.js";
import { relativeSeq } from "../tcp/seq.js";
import { TCP_EVENT_NAMES } from "../tcp/types.js";
import { protocolVariables, SNAPSHOT } from "./build.js";
import { defineProtocolGetters, PROTOCOL, protocolFacts, type Facts, type ProtocolItem } from "./protocol-facts.js";
import { TCP_FLAGS } from "./schema.js";

const big = (n: number): bigint => BigInt(Math.trunc(n));
const EMPTY: Facts = Object.freeze({}) as Facts;

/** Link-layer names as Wireshark's frame.protocols starts them, by pcap link type. */
const LINK_PROTOCOLS: Record<number, string> = {
  0: "null",
  1: "eth:ethertype",
  12: "raw",
  14: "raw",
  101: "raw",
  108: "null",
  113: "sll:ethertype",
  228: "raw",
  229: "raw",
  276: "sll:ethertype",
};
const ETHER_PROTOCOLS: Record<number, string> = { 0x0806: "arp", 0x8035: "rarp", 0x88cc: "lldp" };
const IP_PROTOCOLS: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6", 132: "sctp" };

/** What an item needs from the packet's bytes, copied out of the shared DecodedPacket. */
interface Decoded {
  ip: Facts;
  ipv6: Facts;
  udp: Facts;
  tcpHeader: Facts;
  protocols: string;
}

/** What of the packet's bytes a condition reads (see readsOf): the rest is never decoded. */
export interface PacketReads {
  /** tcp.seq, tcp.ack, windows, header length. */
  tcpHeader: boolean;
  /** frame.protocols. */
  protocols: boolean;
}

const TCP_HEADER_FACT = /\btcp\.(seq|ack|seq_raw|ack_raw|window_size|window_size_value|hdr_len)\b/;

/** What the conditions (CEL texts) read from the packet's bytes; ip.*, ipv6.* and udp.* are decoded whenever read. */
export function readsOf(conditions: readonly string[]): PacketReads {
  return { tcpHeader: conditions.some((c) => TCP_HEADER_FACT.test(c)), protocols: conditions.some((c) => c.includes("frame.protocols")) };
}

/** Builds the items of one capture; shares the decoder and the per-connection tables between them. */
export class PacketItems {
  readonly t0: number;
  /** Set before a run to what its conditions read; by default everything. */
  reads: PacketReads = { tcpHeader: true, protocols: true };
  private readonly flagObjects = new Map<number, Facts>();
  private readonly eventObjects = new Map<number, Facts>();
  private readonly pkt: DecodedPacket = createDecodedPacket();
  /**
   * The previous packet of each connection as of packet `cursor` (exclusive), -1 for none: a
   * filter or a rule pass walks the packets in order, so one slot per connection answers
   * "previous packet of this packet's connection" for each (a table of every packet's previous
   * one cost 4 bytes a packet: 4 MB at 1M packets, kept for the TUI's session).
   */
  private lastInConn: Int32Array | null = null;
  private cursor = 0;
  private connFacts: Facts[] | null;
  private readonly makeConnFacts: (() => Facts[]) | null;

  constructor(
    readonly capture: AnalysedCapture,
    /**
     * The connections' facts (conn.*), or what builds them: built on the first read of `conn`,
     * so a filter that never reads conn.* does not build (and keep) them (10 MB at 1M packets).
     */
    conns: Facts[] | (() => Facts[]),
    readonly pdusByPacket: { get(packet: number): ReadonlyArray<{ dissector?: string; fields: Record<string, FieldValue> }> | undefined },
  ) {
    this.t0 = capture.packets.count > 0 ? capture.packets.tsUs[0]! : 0;
    this.connFacts = typeof conns === "function" ? null : conns;
    this.makeConnFacts = typeof conns === "function" ? conns : null;
    defineProtocolGetters(PacketItem.prototype);
  }

  /** Calls `visit` with each item of packet `i` (0-based) until it returns true; returns whether one did. */
  some(i: number, visit: (facts: Facts) => boolean): boolean {
    const pdus = this.pdusByPacket.get(i + 1);
    if (!pdus || pdus.length === 0) return visit(new PacketItem(this, i, null) as unknown as Facts);
    for (const pdu of pdus) if (visit(new PacketItem(this, i, pdu) as unknown as Facts)) return true;
    return false;
  }

  flags(bits: number): Facts {
    let f = this.flagObjects.get(bits);
    if (!f) {
      f = {};
      for (const fl of TCP_FLAGS) f[fl.name] = (bits & fl.bit) !== 0;
      this.flagObjects.set(bits, f);
    }
    return f;
  }

  analysis(events: number): Facts {
    let a = this.eventObjects.get(events);
    if (!a) {
      a = {};
      for (const e of TCP_EVENT_NAMES) a[e.field.slice("tcp.analysis.".length)] = (events & e.bit) !== 0;
      a.flags = events !== 0;
      this.eventObjects.set(events, a);
    }
    return a;
  }

  /** `name`.* of an item: its PDU's fields when the PDU is that protocol's, else the empty facts. */
  protocol(name: string, pdu: { dissector?: string; fields: Record<string, FieldValue> } | null): Facts {
    return protocolFacts(name, pdu && (pdu.dissector === undefined || pdu.dissector === name) ? pdu.fields : null);
  }

  /** The connections' facts (built on first use when given as a builder). */
  get conns(): Facts[] {
    return (this.connFacts ??= this.makeConnFacts!());
  }

  /** Index of the previous packet of packet `i`'s connection, -1 for its first (or a non-TCP packet). */
  previousInConnection(i: number): number {
    const p = this.capture.packets;
    const c = p.connId[i]!;
    if (c < 0) return -1;
    if (!this.lastInConn || i < this.cursor) {
      // The first call, or a walk that starts again (a new filter): fold in from the first packet.
      this.lastInConn ??= new Int32Array(this.capture.connections.length);
      this.lastInConn.fill(-1);
      this.cursor = 0;
    }
    const last = this.lastInConn;
    for (let k = this.cursor; k < i; k++) {
      const ck = p.connId[k]!;
      if (ck >= 0) last[ck] = k;
    }
    this.cursor = i;
    return last[c]!;
  }

  decode(i: number): Decoded {
    const p = this.capture.packets;
    const pkt = this.pkt;
    const frame = this.capture.bytes.view(p.fileOffset[i]!, p.capLen[i]!);
    decodePacket(frame, p.linkType[i]!, pkt);
    const protocols = [LINK_PROTOCOLS[p.linkType[i]!] ?? "unknown"];
    const out: Decoded = { ip: EMPTY, ipv6: EMPTY, udp: EMPTY, tcpHeader: EMPTY, protocols: "" };
    if (pkt.vlanOuter >= 0) protocols.push("vlan:ethertype");
    if (pkt.vlanInner >= 0) protocols.push("vlan:ethertype");
    if (pkt.ipVersion === 0) {
      const name = ETHER_PROTOCOLS[pkt.etherType];
      if (name) protocols.push(name);
    } else {
      const src = formatAddr(pkt.srcAddr, pkt.ipVersion);
      const dst = formatAddr(pkt.dstAddr, pkt.ipVersion);
      out.ip = { version: big(pkt.ipVersion), src, dst, ttl: big(pkt.ttl), proto: big(pkt.ipProto), len: big(pkt.ipPayloadEnd - pkt.ipOffset) };
      if (pkt.ipVersion === 4) {
        out.ip.id = big(pkt.ipId);
        protocols.push("ip");
      } else {
        out.ipv6 = { src, dst, hlim: big(pkt.ttl), nxt: big(pkt.ipProto) };
        protocols.push("ipv6");
      }
      const upper = IP_PROTOCOLS[pkt.ipProto];
      if (upper && !(pkt.fragment && !pkt.hasTcp)) protocols.push(upper);
      if (pkt.ipProto === 17 && !pkt.fragment && pkt.ipPayloadOffset + 8 <= frame.length) {
        const o = pkt.ipPayloadOffset;
        out.udp = { srcport: big((frame[o]! << 8) | frame[o + 1]!), dstport: big((frame[o + 2]! << 8) | frame[o + 3]!), length: big((frame[o + 4]! << 8) | frame[o + 5]!) };
      }
    }
    if (pkt.hasTcp) out.tcpHeader = this.tcpHeader(i, pkt);
    out.protocols = protocols.join(":");
    return out;
  }

  /** Sequence numbers relative to each side's first, and the scaled window, as `kdiag packets` shows them. */
  private tcpHeader(i: number, pkt: DecodedPacket): Facts {
    const p = this.capture.packets;
    const conn = p.connId[i]! >= 0 ? this.capture.connections[p.connId[i]!] : undefined;
    const h: Facts = { seq_raw: big(pkt.seq), ack_raw: big(pkt.ack), window_size_value: big(pkt.window), hdr_len: big(pkt.tcpHeaderLen) };
    if (!conn) return h;
    const own = p.dir[i] === 0 ? conn.c2s : conn.s2c;
    const peer = p.dir[i] === 0 ? conn.s2c : conn.c2s;
    h.seq = big(relativeSeq(pkt.seq, own.baseSeq));
    h.ack = big(pkt.flags & TcpFlag.ACK ? relativeSeq(pkt.ack, peer.baseSeq) : 0);
    // As Wireshark: unscaled on SYNs, when either side did not offer scaling, and when the
    // handshake was not captured (scale unknown).
    const scaled = !(pkt.flags & TcpFlag.SYN) && own.windowScale >= 0 && peer.windowScale >= 0;
    h.window_size = big(scaled ? pkt.window * 2 ** own.windowScale : pkt.window);
    return h;
  }
}

/** One packet item; each top-level variable is made on first read and kept. */
class PacketItem implements ProtocolItem {
  private decodedCache: Decoded | null = null;
  private protocolCache: Facts | null = null;
  private protocolName = "";
  private tcpCache: Facts | null = null;
  private frameCache: Facts | null = null;

  constructor(
    private readonly items: PacketItems,
    private readonly i: number,
    private readonly pdu: { dissector?: string; fields: Record<string, FieldValue> } | null,
  ) {}

  private decoded(): Decoded {
    return (this.decodedCache ??= this.items.decode(this.i));
  }

  get frame(): Facts {
    if (this.frameCache) return this.frameCache;
    const p = this.items.capture.packets;
    const i = this.i;
    const protocols = this.items.reads.protocols ? this.decoded().protocols + (this.pdu ? `:${this.pduProtocol()}` : "") : "";
    return (this.frameCache = {
      number: big(i + 1),
      time: p.tsUs[i]! / 1e6,
      time_relative: (p.tsUs[i]! - this.items.t0) / 1e6,
      time_delta: i > 0 ? (p.tsUs[i]! - p.tsUs[i - 1]!) / 1e6 : 0,
      len: big(p.origLen[i]!),
      cap_len: big(p.capLen[i]!),
      protocols,
    });
  }

  /** The protocol name of the PDU (its dissector's, as in frame.protocols). */
  private pduProtocol(): string {
    const list = this.items.pdusByPacket.get(this.i + 1);
    return (list?.[0]?.dissector ?? "kafka").toLowerCase();
  }

  get ip(): Facts {
    return this.decoded().ip;
  }

  get ipv6(): Facts {
    return this.decoded().ipv6;
  }

  get udp(): Facts {
    return this.decoded().udp;
  }

  get tcp(): Facts {
    if (this.tcpCache) return this.tcpCache;
    const items = this.items;
    const p = items.capture.packets;
    const i = this.i;
    const connId = p.connId[i]!;
    const c = connId >= 0 ? items.capture.connections[connId] : undefined;
    if (!c) return (this.tcpCache = EMPTY);
    const fromClient = p.dir[i]! === 0;
    const src = fromClient ? c.client : c.server;
    const dst = fromClient ? c.server : c.client;
    const prev = items.previousInConnection(i);
    return (this.tcpCache = {
      srcport: big(src.port),
      dstport: big(dst.port),
      stream: big(connId),
      len: big(p.payloadLen[i]!),
      from: fromClient ? "client" : "server",
      flags_value: big(p.tcpFlags[i]!),
      flags: items.flags(p.tcpFlags[i]!),
      analysis: items.analysis(p.events[i]!),
      time_delta: prev >= 0 ? (p.tsUs[i]! - p.tsUs[prev]!) / 1e6 : 0,
      time_relative: (p.tsUs[i]! - c.startUs) / 1e6,
      ...(items.reads.tcpHeader ? this.decoded().tcpHeader : EMPTY),
    });
  }

  /** A protocol's variable (getters from defineProtocolGetters); the last one read is kept. */
  [PROTOCOL](name: string): Facts {
    if (this.protocolCache && this.protocolName === name) return this.protocolCache;
    this.protocolName = name;
    return (this.protocolCache = this.items.protocol(name, this.pdu));
  }

  /** A plain copy of every variable (for a finding's output, after the pass has moved on). */
  [SNAPSHOT](): Facts {
    return { frame: this.frame, ip: this.ip, ipv6: this.ipv6, udp: this.udp, tcp: this.tcp, ...protocolVariables(this), conn: this.conn };
  }

  get conn(): Facts {
    const connId = this.items.capture.packets.connId[this.i]!;
    return connId >= 0 ? (this.items.conns[connId] ?? EMPTY) : EMPTY;
  }
}

/**
 * Packet items, one at a time (hundreds of thousands of packets): `visit` gets the packet number
 * and its facts, once per PDU completing in the packet (once when none).
 */
export function forEachPacketFacts(capture: AnalysedCapture, conns: Facts[], visit: (frame: number, facts: Facts) => void, reads?: PacketReads): void {
  const items = new PacketItems(capture, conns, pdusByPacket(capture));
  if (reads) items.reads = reads;
  for (let i = 0; i < capture.packets.count; i++) {
    items.some(i, (f) => {
      visit(i + 1, f);
      return false;
    });
  }
}

/** The stored PDUs by the packet (number) that completed them. */
export function pdusByPacket(capture: AnalysedCapture): PdusByPacket {
  return new PdusByPacket(capture.pdus);
}
