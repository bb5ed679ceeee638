/**
 * Test helper: the `records` fields of Produce requests in the small public captures.
 * Minimal on purpose (classic pcap, Ethernet, IPv4, TCP; payload concatenated per direction in
 * packet order), and independent of src/ so the records decoder is checked against bytes found
 * by a second, simple path. Produce layouts walked by hand:
 *   v0–2: acks int16, timeout int32, [topic string, [partition int32, records int32-bytes]]
 *   v3–8: transactional_id nullable string first, then as v2
 *   v9+ (flexible): transactional_id compact nullable string, acks, timeout,
 *         [compact topic, [partition int32, records compact bytes, tags], tags], tags
 */
import { readFileSync } from "node:fs";

export interface ProduceRecords {
  /** 1-based frame number (as tshark) of the packet carrying the request's first byte. */
  frame: number;
  apiVersion: number;
  correlationId: number;
  topic: string;
  partition: number;
  /** Position of the records field in the request (after the size prefix). */
  recordsAt: number;
  records: Uint8Array;
}

interface Flow {
  bytes: number[];
  /** frame number of each byte's packet, parallel to bytes, only recorded at segment starts */
  starts: { at: number; frame: number }[];
  nextSeq: number | undefined;
}

/** Payload bytes per direction "src:port>dst:port", duplicates (retransmissions) dropped. */
export function tcpStreams(path: string): Map<string, Flow> {
  const buf = readFileSync(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, true);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) throw new Error(`${path}: not a classic pcap`);
  if (dv.getUint32(20, le) !== 1) throw new Error(`${path}: not Ethernet`);
  const flows = new Map<string, Flow>();
  let off = 24;
  for (let frame = 1; off + 16 <= buf.length; frame++) {
    const capLen = dv.getUint32(off + 8, le);
    const p = off + 16;
    off = p + capLen;
    if (off > buf.length) break;
    if (dv.getUint16(p + 12) !== 0x0800) continue;
    const ip = p + 14;
    const ihl = (buf[ip]! & 0x0f) * 4;
    const totalLen = dv.getUint16(ip + 2);
    if (buf[ip + 9] !== 6) continue;
    const tcp = ip + ihl;
    const src = `${buf.subarray(ip + 12, ip + 16).join(".")}:${dv.getUint16(tcp)}`;
    const dst = `${buf.subarray(ip + 16, ip + 20).join(".")}:${dv.getUint16(tcp + 2)}`;
    const seq = dv.getUint32(tcp + 4);
    const dataOff = (buf[tcp + 12]! >> 4) * 4;
    const payload = buf.subarray(tcp + dataOff, ip + totalLen);
    if (payload.length === 0) continue;
    const key = `${src}>${dst}`;
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { bytes: [], starts: [], nextSeq: undefined }));
    if (f.nextSeq !== undefined && seq !== f.nextSeq) continue; // retransmission or gap: ignore here
    f.starts.push({ at: f.bytes.length, frame });
    for (const b of payload) f.bytes.push(b);
    f.nextSeq = (seq + payload.length) >>> 0;
  }
  return flows;
}

class Walk {
  pos: number;
  readonly dv: DataView;
  constructor(readonly b: Uint8Array, pos = 0) {
    this.pos = pos;
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  i16(): number {
    const v = this.dv.getInt16(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.dv.getInt32(this.pos);
    this.pos += 4;
    return v;
  }
  uvarint(): number {
    let v = 0;
    for (let s = 0; ; s += 7) {
      if (this.pos >= this.b.length || s > 28) throw new Error("bad uvarint");
      const x = this.b[this.pos++]!;
      v += (x & 0x7f) * 2 ** s;
      if (x < 0x80) return v;
    }
  }
  str(): string {
    const n = this.i16();
    if (n < 0) return "";
    const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  compactStr(): string {
    const n = this.uvarint() - 1;
    if (n < 0) return "";
    const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  tags(): void {
    const n = this.uvarint();
    for (let i = 0; i < n; i++) {
      this.uvarint();
      this.pos += this.uvarint();
    }
  }
}

/** Every (topic, partition) records field of every Produce request in the capture. */
export function produceRecords(path: string, kafkaPorts: number[] = [9092, 36333]): ProduceRecords[] {
  const out: ProduceRecords[] = [];
  for (const [key, flow] of tcpStreams(path)) {
    // Requests only: the direction towards the broker port.
    if (!kafkaPorts.includes(Number(key.split(":").pop()))) continue;
    const bytes = Uint8Array.from(flow.bytes);
    const dv = new DataView(bytes.buffer);
    for (let at = 0; at + 4 <= bytes.length; ) {
      const size = dv.getInt32(at);
      const pdu = bytes.subarray(at + 4, at + 4 + size);
      const start = at;
      at += 4 + size;
      if (pdu.length < size || size < 8) break;
      const w = new Walk(pdu);
      const apiKey = w.i16();
      const apiVersion = w.i16();
      const correlationId = w.i32();
      if (apiKey !== 0) continue;
      const frame = [...flow.starts].reverse().find((s) => s.at <= start)!.frame;
      w.str(); // client_id (non-compact even in header v2)
      const flexible = apiVersion >= 9;
      if (flexible) w.tags();
      if (apiVersion >= 3) {
        if (flexible) w.compactStr();
        else w.str();
      }
      w.i16(); // acks
      w.i32(); // timeout
      const topics = flexible ? w.uvarint() - 1 : w.i32();
      for (let t = 0; t < topics; t++) {
        const topic = flexible ? w.compactStr() : w.str();
        const parts = flexible ? w.uvarint() - 1 : w.i32();
        for (let p = 0; p < parts; p++) {
          const partition = w.i32();
          const len = flexible ? w.uvarint() - 1 : w.i32();
          const recordsAt = w.pos;
          out.push({ frame, apiVersion, correlationId, topic, partition, recordsAt, records: pdu.slice(w.pos, w.pos + len) });
          w.pos += Math.max(0, len);
          if (flexible) w.tags();
        }
        if (flexible) w.tags();
      }
    }
  }
  return out;
}
