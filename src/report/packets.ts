/**
 * `kdiag packets`: one summary line per packet, like tshark's, or `{"packets": [...]}`.
 * Packet bytes are read back from the capture (the model keeps only the index) and decoded again
 * for the addresses and header fields; a protocol dissector's summary replaces TCP's on the packet
 * where its PDU completed.
 */

import { relativeSeq } from "../tcp/seq.js";
import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { formatAddr } from "../decode/format.js";
import type { DecodedPacket } from "../decode/types.js";
import { TcpFlag } from "../decode/types.js";
import type { PassSoFar } from "../model/analyse.js";
import type { AnalysedCapture, StoredPdu } from "../model/analysed-capture.js";
import type { Connection } from "../tcp/types.js";
import { usToSeconds } from "./format.js";
import { dissectorColumn, eventKeys, otherInfo, protocolName, tcpInfoText } from "./packet-info.js";
import { sanitize } from "./sanitize.js";

export interface PacketJson {
  number: number;
  time: number;
  length: number;
  captured_length: number;
  src: string | null;
  dst: string | null;
  src_port: number | null;
  dst_port: number | null;
  protocol: string;
  connection: number | null;
  direction: "c2s" | "s2c" | null;
  tcp_flags: number | null;
  seq: number | null;
  ack: number | null;
  window: number | null;
  /** Window in bytes after scaling (tshark's tcp.window_size); null when the scale is unknown. */
  window_size: number | null;
  payload_length: number | null;
  events: string[];
  info: string;
  /** Protocol messages that completed in this packet, with their fields (Wireshark names). */
  pdus?: PduJson[];
}

export interface PduJson {
  dissector: string;
  direction: "c2s" | "s2c";
  length: number;
  summary: string;
  fields: Record<string, unknown>;
  malformed: string | null;
}

/** Iterates the packets in order, yielding one JSON row each. Rows are built lazily: no list of all packets. */
export function* packetRows(capture: AnalysedCapture, keep: (index: number) => boolean = () => true): Generator<PacketJson> {
  const { packets, bytes } = capture;
  const pkt = createDecodedPacket();
  const pdusAt = pduCursor(capture.pdus);
  for (let i = 0; i < packets.count; i++) {
    if (!keep(i)) continue;
    const frame = bytes.view(packets.fileOffset[i]!, packets.capLen[i]!);
    decodePacket(frame, packets.linkType[i]!, pkt);
    const row = packetRow(capture.packets, i, pkt, capture.connections, frame);
    yield withPdus(row, pdusAt(row.number));
  }
}

/**
 * `kdiag packets` in the one pass: a row per packet as the pass takes it in, printed once the
 * next packet arrives (the PDUs a packet completes are all stored by then; those the end of the
 * capture completes go to the last packet, as in packetRows). Feed `packet` from
 * AnalyseOptions.onPacket, then call `end` with the analysed capture.
 */
export class StreamingPacketRows {
  private held: PacketJson | null = null;
  private pdusAt: ((packet: number) => StoredPdu[]) | null = null;

  constructor(private readonly emit: (row: PacketJson) => void) {}

  packet(index: number, pkt: DecodedPacket, so: PassSoFar, frame: Uint8Array | null = null): void {
    this.pdusAt ??= pduCursor(so.pdus);
    this.flushHeld();
    this.held = packetRow(so.packets, index, pkt, so.connections, frame);
  }

  end(): void {
    this.flushHeld();
  }

  private flushHeld(): void {
    if (!this.held) return;
    const row = this.held;
    this.held = null;
    this.emit(withPdus(row, this.pdusAt!(row.number)));
  }
}

/**
 * The row of packet `i` (0-based), decoded into `pkt` from `frame` (its bytes, for the Info of a
 * packet that is not TCP); PDUs are added by withPdus. The TUI's packet list is built from it too.
 */
export function packetRow(packets: AnalysedCapture["packets"], i: number, pkt: DecodedPacket, connections: readonly (Connection | undefined)[], frame: Uint8Array | null): PacketJson {
  const number = i + 1;
  const connId = packets.connId[i]!;
  const conn = connId >= 0 ? connections[connId] : undefined;
  const dir = packets.dir[i] === 0 ? "c2s" : "s2c";
  const events = eventKeys(packets.events[i]!);
  const row: PacketJson = {
    number,
    time: usToSeconds(packets.tsUs[i]!),
    length: packets.origLen[i]!,
    captured_length: packets.capLen[i]!,
    src: pkt.ipVersion ? formatAddr(pkt.srcAddr, pkt.ipVersion) : null,
    dst: pkt.ipVersion ? formatAddr(pkt.dstAddr, pkt.ipVersion) : null,
    src_port: null,
    dst_port: null,
    protocol: protocolName(pkt),
    connection: conn ? connId : null,
    direction: conn ? dir : null,
    tcp_flags: null,
    seq: null,
    ack: null,
    window: null,
    window_size: null,
    payload_length: null,
    events,
    info: "",
  };
  if (pkt.hasTcp && connId >= 0) {
    // A connection a live capture folded (no record left): its packets keep their ports and
    // flags, with raw sequence numbers and the unscaled window.
    const own = conn ? (dir === "c2s" ? conn.c2s : conn.s2c) : null;
    const peer = conn ? (dir === "c2s" ? conn.s2c : conn.c2s) : null;
    row.src_port = pkt.srcPort;
    row.dst_port = pkt.dstPort;
    row.tcp_flags = pkt.flags;
    row.seq = own ? relativeSeq(pkt.seq, own.baseSeq) : pkt.seq;
    row.ack = pkt.flags & TcpFlag.ACK ? (peer ? relativeSeq(pkt.ack, peer.baseSeq) : pkt.ack) : 0;
    row.window = pkt.window;
    row.window_size = own && peer ? scaledWindow(pkt, own.windowScale, peer.windowScale) : null;
    row.payload_length = pkt.payloadLen;
    row.info = tcpInfoText({ events, srcPort: pkt.srcPort, dstPort: pkt.dstPort, flags: pkt.flags, seq: row.seq, ack: row.ack, window: row.window_size ?? pkt.window, len: pkt.payloadLen });
  } else {
    const other = otherInfo(pkt, frame, packets.linkType[i]!);
    row.info = other.info;
    // Not IP (ARP...): the link addresses, as tshark's Source and Destination columns show them.
    row.src ??= other.src;
    row.dst ??= other.dst;
  }
  return row;
}

/** The row with the protocol messages that completed in its packet: their summary replaces TCP's. */
function withPdus(row: PacketJson, pdus: readonly StoredPdu[]): PacketJson {
  if (pdus.length === 0) return row;
  row.protocol = dissectorColumn(pdus[0]!.dissector);
  row.info = pdus.map((p) => (p.malformed ? `${p.summary} [Malformed: ${p.malformed}]` : p.summary)).join("; ");
  row.pdus = pdus.map((p) => ({
    dissector: p.dissector,
    direction: p.dir,
    length: p.length,
    summary: p.summary,
    fields: p.fields,
    malformed: p.malformed ?? null,
  }));
  return row;
}

/** Window scaling applies only when both SYNs offered it, and never to the SYNs themselves (RFC 7323). */
function scaledWindow(pkt: DecodedPacket, ownScale: number, peerScale: number): number | null {
  if (pkt.flags & TcpFlag.SYN) return pkt.window;
  if (ownScale < 0 || peerScale < 0) return null;
  return pkt.window * 2 ** ownScale;
}

/**
 * PDUs are stored in the order their packets were processed, so one forward cursor finds them
 * (the list may still be growing: the cursor reads it as it is at each call).
 */
function pduCursor(pdus: readonly StoredPdu[]): (packet: number) => StoredPdu[] {
  let next = 0;
  return (packet) => {
    while (next < pdus.length && pdus[next]!.packet < packet) next++;
    const out: StoredPdu[] = [];
    while (next < pdus.length && pdus[next]!.packet === packet) out.push(pdus[next++]!);
    return out;
  };
}

export function packetText(row: PacketJson, firstTsSec: number): string {
  const rel = (row.time - firstTsSec).toFixed(6);
  const src = row.src ?? "";
  const dst = row.dst ?? "";
  return `${String(row.number).padStart(6)} ${rel.padStart(12)} ${src} → ${dst} ${row.protocol} ${row.length} ${sanitize(row.info)}`;
}
