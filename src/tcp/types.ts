/**
 * TCP connection tracking: what the tracker knows of each connection, and the per-packet
 * analysis events with Wireshark's meanings (tcp.analysis.*).
 */

import type { CloseInfo, Dir, PacketRef } from "../plugins/api.js";

/** Per-packet analysis events, as a bit mask stored in the packet index. */
export const TcpEvent = {
  RETRANSMISSION: 1 << 0,
  FAST_RETRANSMISSION: 1 << 1,
  SPURIOUS_RETRANSMISSION: 1 << 2,
  OUT_OF_ORDER: 1 << 3,
  LOST_SEGMENT: 1 << 4,
  ACKED_UNSEEN_SEGMENT: 1 << 5,
  DUPLICATE_ACK: 1 << 6,
  ZERO_WINDOW: 1 << 7,
  ZERO_WINDOW_PROBE: 1 << 8,
  ZERO_WINDOW_PROBE_ACK: 1 << 9,
  WINDOW_FULL: 1 << 10,
  KEEP_ALIVE: 1 << 11,
  KEEP_ALIVE_ACK: 1 << 12,
  REUSED_PORTS: 1 << 13,
  WINDOW_UPDATE: 1 << 14,
  /** kdiag's own: the previous packet seen again on another interface (see TcpTracker). */
  CAPTURE_DUPLICATE: 1 << 15,
} as const;

/**
 * Event bit -> Wireshark field name (tcp.analysis.<name>) and our snake_case key. As in tshark,
 * the retransmission bit is also set on fast and spurious retransmissions.
 */
export const TCP_EVENT_NAMES: ReadonlyArray<{ bit: number; key: string; field: string }> = [
  { bit: TcpEvent.RETRANSMISSION, key: "retransmission", field: "tcp.analysis.retransmission" },
  { bit: TcpEvent.FAST_RETRANSMISSION, key: "fast_retransmission", field: "tcp.analysis.fast_retransmission" },
  { bit: TcpEvent.SPURIOUS_RETRANSMISSION, key: "spurious_retransmission", field: "tcp.analysis.spurious_retransmission" },
  { bit: TcpEvent.OUT_OF_ORDER, key: "out_of_order", field: "tcp.analysis.out_of_order" },
  { bit: TcpEvent.LOST_SEGMENT, key: "lost_segment", field: "tcp.analysis.lost_segment" },
  { bit: TcpEvent.ACKED_UNSEEN_SEGMENT, key: "ack_lost_segment", field: "tcp.analysis.ack_lost_segment" },
  { bit: TcpEvent.DUPLICATE_ACK, key: "duplicate_ack", field: "tcp.analysis.duplicate_ack" },
  { bit: TcpEvent.ZERO_WINDOW, key: "zero_window", field: "tcp.analysis.zero_window" },
  { bit: TcpEvent.ZERO_WINDOW_PROBE, key: "zero_window_probe", field: "tcp.analysis.zero_window_probe" },
  { bit: TcpEvent.ZERO_WINDOW_PROBE_ACK, key: "zero_window_probe_ack", field: "tcp.analysis.zero_window_probe_ack" },
  { bit: TcpEvent.WINDOW_FULL, key: "window_full", field: "tcp.analysis.window_full" },
  { bit: TcpEvent.KEEP_ALIVE, key: "keep_alive", field: "tcp.analysis.keep_alive" },
  { bit: TcpEvent.KEEP_ALIVE_ACK, key: "keep_alive_ack", field: "tcp.analysis.keep_alive_ack" },
  { bit: TcpEvent.REUSED_PORTS, key: "reused_ports", field: "tcp.analysis.reused_ports" },
  { bit: TcpEvent.WINDOW_UPDATE, key: "window_update", field: "tcp.analysis.window_update" },
  // Not a Wireshark field: Wireshark flags such a copy as a retransmission or duplicate ACK unless
  // its "ignore duplicate frames" preference drops it first.
  { bit: TcpEvent.CAPTURE_DUPLICATE, key: "capture_duplicate", field: "tcp.analysis.capture_duplicate" },
];

export interface Endpoint {
  addr: string;
  port: number;
}

/**
 * How the client/server roles were decided. Only "syn" and "syn-ack" are certain; "dissector"
 * means a protocol dissector saw which side sends requests (after a port-based guess).
 */
export type RoleReason = "syn" | "syn-ack" | "well-known-port" | "lower-port" | "dissector";

export interface DirectionStats {
  packets: number;
  /** Frame bytes on the wire (origLen), as tshark's conversation table counts them. */
  bytes: number;
  /** TCP payload bytes (sequence space), including retransmitted bytes. */
  payloadBytes: number;
  /** TTL / hop limit of the first and the most recent packet in this direction, -1 before any. */
  firstTtl: number;
  lastTtl: number;
  /** IPv4 identification of the most recent packet, -1 for IPv6 or before any. */
  lastIpId: number;
  /** Window scale shift announced in the SYN (-1 when none was seen). */
  windowScale: number;
  /**
   * Raw sequence number that displays as relative 0 in this direction, as Wireshark computes it
   * (the ISN when the SYN was seen); -1 before any packet. Relative ack numbers of the other
   * direction use the same base.
   */
  baseSeq: number;
  /**
   * Raw sequence number of this direction's stream offset 0 as reassembly numbers it (the byte
   * after the SYN, else the first byte delivered), so a PDU's `ref.streamOffset` can be turned
   * back into sequence numbers; -1 while no stream was started (or no dissector asked for one).
   */
  streamSeq: number;
}

export interface CloseState {
  how: "fin" | "rst" | "open";
  /** Who sent the first FIN or the RST (null while open). */
  by: "client" | "server" | null;
  /** Packet number and time of that FIN/RST. */
  packet: number;
  tsUs: number;
  /** Time with no packet in either direction before the FIN/RST. */
  idleBeforeUs: number;
  /** For RST: TTL and IPv4 id of the RST packet (-1 when not applicable). */
  rstTtl: number;
  rstIpId: number;
  /**
   * Payload bytes the other side had sent and the closing side had not acknowledged when the
   * FIN/RST was sent (as far as this capture point saw): a request still arriving. -1 unknown.
   */
  unackedFromOtherBytes: number;
  /** IPv4 id of the closing side's packet before the FIN/RST (-1 for IPv6 or none). */
  senderPrevIpId: number;
}

export interface ReassemblyStats {
  /** Segments that arrived ahead of a hole and were held until it filled. */
  outOfOrderBuffered: number;
  /** Holes given up on (reported to the dissector as gaps) and their total bytes. */
  gaps: number;
  gapBytes: number;
  /** Late segments whose bytes fall inside a hole already given up as a gap. */
  dropped: number;
}

export interface Connection {
  /** 0-based, in order of first packet; tshark's tcp.stream numbering for the same file. */
  id: number;
  client: Endpoint;
  server: Endpoint;
  roleInferred: boolean;
  roleReason: RoleReason;
  firstPacket: number;
  lastPacket: number;
  startUs: number;
  endUs: number;
  /** SYN -> first ACK of the SYN-ACK (tshark's tcp.analysis.initial_rtt), null without a handshake. */
  handshakeRttUs: number | null;
  synPacket: number;
  c2s: DirectionStats;
  s2c: DirectionStats;
  close: CloseState;
  /** Longest time with no packet in either direction, and the packet that ended it. */
  longestIdleUs: number;
  longestIdleEndPacket: number;
  /** Time of that packet (µs), 0 before any: a live index may no longer hold its row. */
  longestIdleEndUs: number;
  /** Counts by event key (TCP_EVENT_NAMES[].key). */
  events: Record<string, number>;
  reassembly: ReassemblyStats;
  /** Name of the stream dissector that took the connection, null for none. */
  dissector: string | null;
  /** Set when the dissector threw on this connection: the reason, once. */
  malformed: string | null;
}

/** What reassembly delivers to, per connection (implemented by plugins/dispatch). */
export interface StreamSink {
  data(dir: Dir, bytes: Uint8Array, at: PacketRef): void;
  gap(dir: Dir, length: number, at: PacketRef): void;
  close(how: CloseInfo): void;
}

/** Result of tracking one packet; one object reused by the tracker. */
export interface PacketVerdict {
  /** Connection id, -1 when the packet is not TCP. */
  connId: number;
  /** 0 = client to server, 1 = server to client. */
  dir: 0 | 1;
  /** TcpEvent bit mask. */
  events: number;
}

export interface ReassemblyLimits {
  /** Out-of-order bytes held per connection direction before the oldest hole is declared a gap. */
  perDirectionBytes: number;
  /** Out-of-order bytes held across all connections. */
  totalBytes: number;
}

export const DEFAULT_REASSEMBLY_LIMITS: ReassemblyLimits = {
  perDirectionBytes: 4 * 1024 * 1024,
  totalBytes: 256 * 1024 * 1024,
};
