/**
 * Test helpers for the capture readers: collecting frames, independent readers (tshark,
 * pcap-parser), variant generation with editcap/mergecap/gzip, and small capture writers for the
 * cases no tool writes (big-endian pcap, power-of-two if_tsresol, simple/obsolete packet blocks).
 */
import { execFile, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { CaptureParser } from "../../src/capture/parser.js";
import { readCapture, type ReadOptions } from "../../src/capture/read.js";
import type { CaptureSummary, Frame } from "../../src/capture/types.js";

export const ROOT = new URL("../../", import.meta.url).pathname;
export const PUBLIC = join(ROOT, "test/fixtures/public");
export const VARIANTS = join(ROOT, "test/fixtures/variants");

/** All 17 public fixtures, as absolute paths. */
export function publicFixtures(): string[] {
  const out: string[] = [];
  for (const dir of ["deepflow-kafka", "deepflow-other"]) {
    for (const f of readdirSync(join(PUBLIC, dir)).sort()) if (f.endsWith(".pcap")) out.push(join(PUBLIC, dir, f));
  }
  return out;
}

export function shortName(path: string): string {
  return relative(ROOT, path);
}

/** A frame copied out of the callback (the reader's own object and view are reused). */
export interface Copied {
  number: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  linkType: number;
  interfaceId: number;
  fileOffset: number;
  data: Buffer;
}

export function copyFrame(f: Frame): Copied {
  return {
    number: f.number,
    tsSec: f.tsSec,
    tsNsec: f.tsNsec,
    capLen: f.capLen,
    origLen: f.origLen,
    linkType: f.linkType,
    interfaceId: f.interfaceId,
    fileOffset: f.fileOffset,
    data: Buffer.from(f.data),
  };
}

/** Read a file through the public entry point, copying every frame. Closes the PacketBytes. */
export async function readAll(path: string, opts?: ReadOptions): Promise<{ frames: Copied[]; summary: CaptureSummary }> {
  const frames: Copied[] = [];
  const { summary, bytes } = await readCapture(path, (f) => frames.push(copyFrame(f)), opts);
  bytes?.close();
  return { frames, summary };
}

/** Parse bytes in memory, pushed in chunks of the given sizes (cycled). */
export function parseBytes(bytes: Uint8Array, chunkSizes: number[] = [bytes.length || 1]): { frames: Copied[]; summary: CaptureSummary } {
  const frames: Copied[] = [];
  const p = new CaptureParser("mem", (f) => frames.push(copyFrame(f)));
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    p.push(bytes.subarray(pos, pos + n));
    pos += n;
  }
  return { frames, summary: p.end() };
}

export interface Reference {
  number: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
}

const TSHARK_ARGS = ["-T", "fields", "-e", "frame.number", "-e", "frame.time_epoch", "-e", "frame.cap_len", "-e", "frame.len"];
const tsharkCache = new Map<string, string>();

/** Run tshark on many files at once (its start-up dominates), filling the cache tsharkFrames reads. */
export async function prefetchTshark(paths: string[], parallel = 4): Promise<void> {
  const queue = [...paths];
  const worker = async () => {
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      const path = p;
      const out = await new Promise<string>((resolve, reject) =>
        execFile("tshark", ["-r", path, ...TSHARK_ARGS], { env: { ...process.env, HOME: tmpdir() } }, (err, stdout) =>
          err ? reject(err) : resolve(stdout),
        ),
      );
      tsharkCache.set(path, out);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** What tshark (an independent reader, any format it knows) says about every frame. */
export function tsharkFrames(path: string): Reference[] {
  const out =
    tsharkCache.get(path) ??
    execFileSync("tshark", ["-r", path, ...TSHARK_ARGS], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, HOME: tmpdir() },
    });
  return out
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((line) => {
      const [num, epoch, cap, len] = line.split("\t");
      const [sec, frac = ""] = epoch!.split(".");
      return {
        number: Number(num),
        tsSec: Number(sec),
        tsNsec: Number(frac.padEnd(9, "0").slice(0, 9)),
        capLen: Number(cap),
        origLen: Number(len),
      };
    });
}

/** What pcap-parser 0.2.1 (an independent classic-pcap reader) delivers. */
export function pcapParserFrames(path: string): Promise<Array<Reference & { data: Buffer }>> {
  const require = createRequire(import.meta.url);
  const pcapp = require("pcap-parser") as {
    parse(p: string): {
      on(ev: "packet", cb: (p: { header: Record<string, number>; data: Buffer }) => void): void;
      on(ev: "end", cb: () => void): void;
      on(ev: "error", cb: (e: Error) => void): void;
    };
  };
  return new Promise((resolve, reject) => {
    const out: Array<Reference & { data: Buffer }> = [];
    const parser = pcapp.parse(path);
    parser.on("packet", (p) => {
      out.push({
        number: out.length + 1,
        tsSec: p.header.timestampSeconds!,
        tsNsec: p.header.timestampMicroseconds! * 1000,
        capLen: p.header.capturedLength!,
        origLen: p.header.originalLength!,
        data: Buffer.from(p.data),
      });
    });
    parser.on("error", reject);
    parser.on("end", () => resolve(out));
  });
}

export function tool(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, HOME: tmpdir() } });
}

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-capture-test-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Classic pcap, byte-swapped to big-endian (what a SPARC or a big-endian MIPS router writes).
 * Only headers are swapped; packet bytes are untouched.
 */
export function toBigEndianPcap(le: Uint8Array): Buffer {
  const b = Buffer.from(le);
  const swap32 = (o: number) => b.writeUInt32BE(b.readUInt32LE(o), o);
  const swap16 = (o: number) => b.writeUInt16BE(b.readUInt16LE(o), o);
  if (b.readUInt32LE(0) !== 0xa1b2c3d4 && b.readUInt32LE(0) !== 0xa1b23c4d) throw new Error("not a LE pcap");
  swap32(0);
  swap16(4);
  swap16(6);
  for (const o of [8, 12, 16, 20]) swap32(o);
  let p = 24;
  while (p + 16 <= b.length) {
    const incl = b.readUInt32LE(p + 8);
    for (const o of [0, 4, 8, 12]) swap32(p + o);
    p += 16 + incl;
  }
  return b;
}

/** Record boundaries of a little/big-endian classic pcap: [start, end) of every record. */
export function pcapRecords(buf: Uint8Array): Array<[number, number]> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d;
  const out: Array<[number, number]> = [];
  let p = 24;
  while (p + 16 <= b.length) {
    const incl = le ? b.readUInt32LE(p + 8) : b.readUInt32BE(p + 8);
    if (p + 16 + incl > b.length) break;
    out.push([p, p + 16 + incl]);
    p += 16 + incl;
  }
  return out;
}

/** Block boundaries of a pcapng file: [start, end, type] of every block (trusting the lengths). */
export function pcapngBlocks(buf: Uint8Array): Array<[number, number, number]> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: Array<[number, number, number]> = [];
  let p = 0;
  let le = true;
  while (p + 12 <= b.length) {
    if (b.readUInt32LE(p) === 0x0a0d0d0a) le = b.readUInt32LE(p + 8) === 0x1a2b3c4d;
    const type = le ? b.readUInt32LE(p) : b.readUInt32BE(p);
    const len = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 4);
    if (len < 12 || p + len > b.length) break;
    out.push([p, p + len, type]);
    p += len;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// A small pcapng writer for the cases no tool at hand produces.

export interface NgPacket {
  kind?: "epb" | "spb" | "opb";
  ifId?: number;
  /** 64-bit timestamp in interface units, as a bigint. */
  ts?: bigint;
  data: Uint8Array;
  origLen?: number;
}

export interface NgInterface {
  linkType: number;
  snapLen?: number;
  tsresol?: number;
  tsoffset?: bigint;
  name?: string;
}

export interface NgSection {
  littleEndian?: boolean;
  interfaces: NgInterface[];
  packets: NgPacket[];
  /** Extra unknown blocks written before the packets (type, body). */
  unknown?: Array<[number, Uint8Array]>;
}

export function writePcapng(sections: NgSection[]): Buffer {
  const parts: Buffer[] = [];
  for (const s of sections) {
    const le = s.littleEndian ?? true;
    const w = new NgWriter(le);
    parts.push(w.block(0x0a0d0d0a, w.shbBody()));
    for (const i of s.interfaces) parts.push(w.block(1, w.idbBody(i)));
    for (const [t, body] of s.unknown ?? []) parts.push(w.block(t, Buffer.from(body)));
    for (const p of s.packets) parts.push(w.packet(p));
  }
  return Buffer.concat(parts);
}

class NgWriter {
  constructor(private readonly le: boolean) {}

  u16(v: number): Buffer {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return b;
  }

  u32(v: number): Buffer {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return b;
  }

  u64(v: bigint): Buffer {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigUInt64LE(BigInt.asUintN(64, v));
    else b.writeBigUInt64BE(BigInt.asUintN(64, v));
    return b;
  }

  pad(b: Uint8Array): Buffer {
    return Buffer.concat([Buffer.from(b), Buffer.alloc((4 - (b.length % 4)) % 4)]);
  }

  option(code: number, value: Uint8Array): Buffer {
    return Buffer.concat([this.u16(code), this.u16(value.length), this.pad(value)]);
  }

  block(type: number, body: Buffer): Buffer {
    const len = 12 + body.length;
    return Buffer.concat([this.u32(type), this.u32(len), body, this.u32(len)]);
  }

  shbBody(): Buffer {
    return Buffer.concat([this.u32(0x1a2b3c4d), this.u16(1), this.u16(0), this.u64(-1n)]);
  }

  idbBody(i: NgInterface): Buffer {
    const opts: Buffer[] = [];
    if (i.name !== undefined) opts.push(this.option(2, Buffer.from(i.name)));
    if (i.tsresol !== undefined) opts.push(this.option(9, Buffer.from([i.tsresol])));
    if (i.tsoffset !== undefined) opts.push(this.option(14, this.u64(i.tsoffset)));
    if (opts.length > 0) opts.push(this.option(0, Buffer.alloc(0)));
    return Buffer.concat([this.u16(i.linkType), this.u16(0), this.u32(i.snapLen ?? 0), ...opts]);
  }

  packet(p: NgPacket): Buffer {
    const kind = p.kind ?? "epb";
    const orig = p.origLen ?? p.data.length;
    if (kind === "spb") return this.block(3, Buffer.concat([this.u32(orig), this.pad(p.data)]));
    const ts = p.ts ?? 0n;
    const tsParts = [this.u32(Number(ts >> 32n)), this.u32(Number(ts & 0xffffffffn))];
    const id = kind === "opb" ? Buffer.concat([this.u16(p.ifId ?? 0), this.u16(0)]) : this.u32(p.ifId ?? 0);
    return this.block(kind === "opb" ? 2 : 6, Buffer.concat([id, ...tsParts, this.u32(p.data.length), this.u32(orig), this.pad(p.data)]));
  }
}

/** Minimal classic LE pcap writer (µs), used for big synthetic files and corner cases. */
export function writePcap(packets: Array<{ sec: number; usec: number; data: Uint8Array; origLen?: number }>, snapLen = 262144, linkType = 1): Buffer {
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(snapLen, 16);
  hdr.writeUInt32LE(linkType, 20);
  const parts = [hdr];
  for (const p of packets) {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(p.sec, 0);
    r.writeUInt32LE(p.usec, 4);
    r.writeUInt32LE(p.data.length, 8);
    r.writeUInt32LE(p.origLen ?? p.data.length, 12);
    parts.push(r, Buffer.from(p.data));
  }
  return Buffer.concat(parts);
}

export function gzipFile(src: string, dst: string): void {
  writeFileSync(dst, gzipSync(readFileSync(src)));
}
