/**
 * Test helper: Kafka PDUs out of the small public captures (classic pcap, Ethernet, IPv4, TCP).
 *
 * Deliberately minimal — the real capture pipeline lives in src/. Payloads are concatenated per
 * direction in packet order (duplicate sequence ranges dropped), then split on the int32 size
 * prefix. Each PDU remembers the frame (1-based, as in tshark) that carried its first byte.
 */
import { readFileSync } from "node:fs";

export interface CapturedPdu {
  frame: number;
  /** "c2s" when the destination port is the Kafka port. */
  dir: "c2s" | "s2c";
  srcPort: number;
  dstPort: number;
  /** PDU bytes after the int32 size prefix. */
  bytes: Uint8Array;
}

interface Segment {
  frame: number;
  seq: number;
  payload: Uint8Array;
}

export function readPcapPayloads(path: string): { key: string; srcPort: number; dstPort: number; segs: Segment[] }[] {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  // a1b2c3d4 = microseconds, a1b23c4d = nanoseconds; read little-endian, so both orders show here.
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`${path}: not a classic pcap`);
  const linkType = dv.getUint32(20, le);
  if (linkType !== 1) throw new Error(`${path}: link type ${linkType}, only Ethernet is handled here`);
  const flows = new Map<string, { key: string; srcPort: number; dstPort: number; segs: Segment[] }>();
  let off = 24;
  let frame = 0;
  while (off + 16 <= buf.length) {
    const capLen = dv.getUint32(off + 8, le);
    const p = off + 16;
    off = p + capLen;
    frame++;
    if (off > buf.length) break;
    let eth = p + 12;
    let etherType = dv.getUint16(eth);
    while (etherType === 0x8100) {
      eth += 4;
      etherType = dv.getUint16(eth);
    }
    if (etherType !== 0x0800) continue;
    const ip = eth + 2;
    const ihl = (buf[ip]! & 0x0f) * 4;
    if (buf[ip + 9] !== 6) continue;
    const ipEnd = ip + dv.getUint16(ip + 2);
    const tcp = ip + ihl;
    const srcPort = dv.getUint16(tcp);
    const dstPort = dv.getUint16(tcp + 2);
    const seq = dv.getUint32(tcp + 4);
    const dataOff = (buf[tcp + 12]! >> 4) * 4;
    const payload = buf.subarray(tcp + dataOff, Math.min(ipEnd, off));
    if (payload.length === 0) continue;
    const src = `${buf[ip + 12]}.${buf[ip + 13]}.${buf[ip + 14]}.${buf[ip + 15]}`;
    const dst = `${buf[ip + 16]}.${buf[ip + 17]}.${buf[ip + 18]}.${buf[ip + 19]}`;
    const key = `${src}:${srcPort}>${dst}:${dstPort}`;
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { key, srcPort, dstPort, segs: [] }));
    f.segs.push({ frame, seq, payload });
  }
  return [...flows.values()];
}

export function kafkaPdus(path: string, kafkaPorts: readonly number[] = [9092, 36333]): CapturedPdu[] {
  const out: CapturedPdu[] = [];
  for (const flow of readPcapPayloads(path)) {
    const dir = kafkaPorts.includes(flow.dstPort) ? "c2s" : "s2c";
    // Concatenate in order, skipping bytes already seen (retransmissions).
    const chunks: { frame: number; at: number; bytes: Uint8Array }[] = [];
    let next = flow.segs[0]!.seq;
    let total = 0;
    for (const s of flow.segs) {
      const skip = (next - s.seq) >>> 0;
      if (skip >= s.payload.length && s.seq !== next) continue;
      const b = s.payload.subarray(s.seq === next ? 0 : skip);
      chunks.push({ frame: s.frame, at: total, bytes: b });
      total += b.length;
      next = (s.seq + s.payload.length) >>> 0;
    }
    const stream = new Uint8Array(total);
    for (const c of chunks) stream.set(c.bytes, c.at);
    const frameAt = (pos: number): number => {
      let f = chunks[0]!.frame;
      for (const c of chunks) if (c.at <= pos) f = c.frame;
      return f;
    };
    const dv = new DataView(stream.buffer);
    let pos = 0;
    while (pos + 4 <= stream.length) {
      const size = dv.getInt32(pos);
      if (size < 0 || pos + 4 + size > stream.length) break;
      out.push({ frame: frameAt(pos), dir, srcPort: flow.srcPort, dstPort: flow.dstPort, bytes: stream.subarray(pos + 4, pos + 4 + size) });
      pos += 4 + size;
    }
  }
  return out.sort((a, b) => a.frame - b.frame);
}
