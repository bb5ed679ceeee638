/**
 * The result of decoding one frame down to TCP. One object is owned by a pass and reused for every
 * packet (gopacket's DecodingLayerParser): valid until the next decode call, copy what you keep.
 * Decoding is lax: every layer that could be decoded is filled in, and `stop` says where and why
 * decoding ended early.
 */

export type DecodeLayer = "link" | "vlan" | "ipv4" | "ipv6" | "tcp";

export interface DecodeStop {
  layer: DecodeLayer;
  /** short: fewer bytes than the header needs; bad: a field makes no sense; unsupported: not ours to decode */
  kind: "short" | "bad" | "unsupported";
  /** Offset in the frame where the layer starts. */
  offset: number;
  /** Bytes needed and present, counted from the start of the layer (IPv6 extension headers: from the IPv6 header). */
  need: number;
  have: number;
  /** Short fixed text (no per-packet formatting: the hot path must not allocate). */
  what: string;
}

/** Where the IP payload's end came from (etherparse LenSource). */
export type LenSource = "frame" | "ipv4.total_len" | "ipv6.payload_len";

export interface DecodedPacket {
  /** 0 = not IP (ARP, LLDP, unknown link type...), 4 or 6; non-zero only once the fixed IP header was decoded. */
  ipVersion: 0 | 4 | 6;
  /** Ethertype of the network layer (the equivalent for BSD null/loop families), -1 for raw IP link types. */
  etherType: number;
  /** Up to two 802.1Q/802.1ad VLAN ids, -1 when absent. */
  vlanOuter: number;
  vlanInner: number;

  ipOffset: number;
  /** Views into the frame: 4 bytes for IPv4, 16 for IPv6. */
  srcAddr: Uint8Array;
  dstAddr: Uint8Array;
  /** TTL (IPv4) or hop limit (IPv6). */
  ttl: number;
  /** IPv4 identification, -1 for IPv6. */
  ipId: number;
  /** IPv4: more-fragments flag or a non-zero fragment offset; IPv6: a fragment header was present. */
  fragment: boolean;
  /** Upper-layer protocol after any IPv6 extension headers (6 = TCP). */
  ipProto: number;
  ipPayloadOffset: number;
  /** End of the IP payload as the IP header declares it (may exceed the captured bytes). */
  ipPayloadEnd: number;
  lenSource: LenSource;

  /** The fixed 20-byte TCP header was decoded (stays true when only the options were cut). */
  hasTcp: boolean;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** The 9 flag bits (NS CWR ECE URG ACK PSH RST SYN FIN), FIN = bit 0. */
  flags: number;
  /** Window field as sent (not scaled). */
  window: number;
  tcpHeaderLen: number;
  /** TCP options of interest; -1 when absent. */
  mss: number;
  windowScale: number;
  sackPermitted: boolean;
  /** Number of SACK blocks in this segment, and their edges (left/right pairs, up to 4). */
  sackCount: number;
  sackEdges: Uint32Array;
  tsVal: number;
  tsEcr: number;
  hasTimestamps: boolean;
  /** Offset of the first payload byte in the frame (may be past the frame end when stop is {tcp, short}). */
  payloadOffset: number;
  /** Payload length as the IP header declares it (the sequence space it covers); a first IP fragment's covers that fragment only. */
  payloadLen: number;
  /** Payload bytes present in the frame (< payloadLen when the snap length cut the packet). */
  capturedPayloadLen: number;

  /** true when the frame ends before the declared IP length (snap length). */
  truncated: boolean;
  stop: DecodeStop | null;
}

export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  /** tshark 4.0 labels this bit "AE" (accurate ECN). */
  NS: 0x100,
} as const;
