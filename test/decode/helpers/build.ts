/**
 * Builders for hand-made frames: each returns real wire bytes (checksums left zero, which neither
 * kdiag nor tshark checks by default). Layers are built separately and concatenated, so a test can
 * wrap the same IP packet in every link type.
 */

export function concat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}

export function u32(v: number): number[] {
  return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
}

export interface TcpSpec {
  srcPort?: number;
  dstPort?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  /** Raw option bytes; padded with EOL to a multiple of 4 unless `dataOffset` is given. */
  options?: number[];
  /** Override the data offset field (in 4-byte words). */
  dataOffset?: number;
  payload?: Uint8Array | number;
}

export function tcp(s: TcpSpec = {}): Uint8Array {
  const opts = s.options ?? [];
  const padded = [...opts];
  while (padded.length % 4 !== 0) padded.push(0);
  const doff = s.dataOffset ?? 5 + padded.length / 4;
  const flags = s.flags ?? 0x018;
  const head = [
    ...u16(s.srcPort ?? 40000),
    ...u16(s.dstPort ?? 9092),
    ...u32(s.seq ?? 1000),
    ...u32(s.ack ?? 2000),
    ((doff & 0x0f) << 4) | ((flags >> 8) & 0x01),
    flags & 0xff,
    ...u16(s.window ?? 512),
    0, 0, // checksum
    0, 0, // urgent pointer
    ...padded,
  ];
  const payload = typeof s.payload === "number" ? new Uint8Array(s.payload).fill(0x6b) : (s.payload ?? new Uint8Array(0));
  return concat(Uint8Array.from(head), payload);
}

export interface Ipv4Spec {
  src?: number[];
  dst?: number[];
  ttl?: number;
  id?: number;
  proto?: number;
  /** Option bytes, padded to a multiple of 4. */
  options?: number[];
  /** Override IHL (words). */
  ihl?: number;
  /** Override total length. */
  totalLen?: number;
  mf?: boolean;
  df?: boolean;
  fragOffset?: number; // in 8-byte units
  version?: number;
}

export function ipv4(payload: Uint8Array, s: Ipv4Spec = {}): Uint8Array {
  const opts = [...(s.options ?? [])];
  while (opts.length % 4 !== 0) opts.push(0);
  const ihl = s.ihl ?? 5 + opts.length / 4;
  const total = s.totalLen ?? 20 + opts.length + payload.length;
  const frag = (s.mf ? 0x2000 : 0) | (s.df ? 0x4000 : 0) | ((s.fragOffset ?? 0) & 0x1fff);
  const head = [
    ((s.version ?? 4) << 4) | (ihl & 0x0f),
    0,
    ...u16(total),
    ...u16(s.id ?? 0x1234),
    ...u16(frag),
    s.ttl ?? 64,
    s.proto ?? 6,
    0, 0,
    ...(s.src ?? [10, 0, 0, 1]),
    ...(s.dst ?? [10, 0, 0, 2]),
    ...opts,
  ];
  return concat(Uint8Array.from(head), payload);
}

export interface Ipv6Ext {
  /** 0 hop-by-hop, 43 routing, 44 fragment, 51 AH, 60 destination options, ... */
  type: number;
  /** Total header length in bytes (multiple of 8, or of 4 for AH); fragment headers are always 8. */
  len?: number;
  fragOffset?: number; // 8-byte units
  more?: boolean;
}

export interface Ipv6Spec {
  src?: number[];
  dst?: number[];
  hopLimit?: number;
  /** Protocol after the extension headers. */
  proto?: number;
  ext?: Ipv6Ext[];
  /** Override payload length. */
  payloadLen?: number;
  version?: number;
}

export const V6_A = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
export const V6_B = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];

export function ipv6(payload: Uint8Array, s: Ipv6Spec = {}): Uint8Array {
  const ext = s.ext ?? [];
  const extBytes: number[] = [];
  for (let i = 0; i < ext.length; i++) {
    const e = ext[i]!;
    const next = i + 1 < ext.length ? ext[i + 1]!.type : (s.proto ?? 6);
    if (e.type === 44) {
      extBytes.push(next, 0, ...u16(((e.fragOffset ?? 0) << 3) | (e.more ? 1 : 0)), ...u32(0xabcdef01));
    } else if (e.type === 51) {
      const len = e.len ?? 12;
      extBytes.push(next, len / 4 - 2, ...new Array<number>(len - 2).fill(0));
    } else {
      const len = e.len ?? 8;
      // PadN option filling the rest (type 1, length len - 4), valid for HBH and dest options.
      extBytes.push(next, len / 8 - 1, 1, len - 4, ...new Array<number>(len - 4).fill(0));
    }
  }
  const first = ext.length > 0 ? ext[0]!.type : (s.proto ?? 6);
  const plen = s.payloadLen ?? extBytes.length + payload.length;
  const head = [
    ((s.version ?? 6) << 4), 0, 0, 0,
    ...u16(plen),
    first,
    s.hopLimit ?? 64,
    ...(s.src ?? V6_A),
    ...(s.dst ?? V6_B),
  ];
  return concat(Uint8Array.from(head), Uint8Array.from(extBytes), payload);
}

export const MAC_A = [0x02, 0, 0, 0, 0, 0x0a];
export const MAC_B = [0x02, 0, 0, 0, 0, 0x0b];

/** Ethernet with optional tags: each tag is [tpid, vid]. */
export function ethernet(etherType: number, payload: Uint8Array, tags: Array<[number, number]> = []): Uint8Array {
  const head: number[] = [...MAC_B, ...MAC_A];
  for (const [tpid, vid] of tags) head.push(...u16(tpid), ...u16(vid & 0x0fff));
  head.push(...u16(etherType));
  return concat(Uint8Array.from(head), payload);
}

export function sll(protocol: number, payload: Uint8Array): Uint8Array {
  // packet type 0 (to us), ARPHRD_ETHER (1), address length 6, address padded to 8, protocol.
  return concat(Uint8Array.from([0, 0, 0, 1, 0, 6, ...MAC_A, 0, 0, ...u16(protocol)]), payload);
}

export function sll2(protocol: number, payload: Uint8Array): Uint8Array {
  // protocol, reserved, interface index 1, ARPHRD_ETHER, packet type 0, address length 6, address.
  return concat(Uint8Array.from([...u16(protocol), 0, 0, ...u32(1), 0, 1, 0, 6, ...MAC_A, 0, 0]), payload);
}

export function nullHeader(family: number, littleEndian: boolean, payload: Uint8Array): Uint8Array {
  const b = u32(family);
  return concat(Uint8Array.from(littleEndian ? b.reverse() : b), payload);
}
