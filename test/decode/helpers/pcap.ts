/**
 * A minimal classic-pcap reader and writer for tests only (the project's reader lives in
 * src/capture/ and is tested there). Reading handles both byte orders and both timestamp
 * resolutions; the tests only need link type, bytes and lengths.
 */
import { writeFileSync } from "node:fs";

export interface PcapRecord {
  data: Uint8Array;
  origLen: number;
}

export interface PcapFile {
  linkType: number;
  records: PcapRecord[];
}

export function readPcap(buf: Uint8Array): PcapFile {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magic = dv.getUint32(0, false);
  let le: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) le = false;
  else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) le = true;
  else throw new Error("not a classic pcap file");
  const linkType = dv.getUint32(20, le) & 0x0fffffff;
  const records: PcapRecord[] = [];
  let at = 24;
  while (at + 16 <= buf.length) {
    const capLen = dv.getUint32(at + 8, le);
    const origLen = dv.getUint32(at + 12, le);
    if (at + 16 + capLen > buf.length) throw new Error("truncated pcap record");
    records.push({ data: buf.subarray(at + 16, at + 16 + capLen), origLen });
    at += 16 + capLen;
  }
  return { linkType, records };
}

export function writePcap(path: string, linkType: number, frames: Uint8Array[]): void {
  let n = 24;
  for (const f of frames) n += 16 + f.length;
  const buf = new Uint8Array(n);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, linkType, true);
  let at = 24;
  frames.forEach((f, i) => {
    dv.setUint32(at, 1_700_000_000 + i, true);
    dv.setUint32(at + 8, f.length, true);
    dv.setUint32(at + 12, f.length, true);
    buf.set(f, at + 16);
    at += 16 + f.length;
  });
  writeFileSync(path, buf);
}
