/**
 * Test helpers for the TCP tracker: build real Ethernet/IPv4/TCP frames and the DecodedPacket the
 * decoder would produce for them (so the tests do not depend on src/decode), write them as a
 * classic pcap for tshark, and record what a StreamSink receives.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DecodedPacket } from "../../src/decode/types.js";
import { TcpFlag } from "../../src/decode/types.js";
import type { CloseInfo, Dir, PacketRef } from "../../src/plugins/api.js";
import type { StreamSink } from "../../src/tcp/types.js";

export interface TestPacket {
  num: number;
  tsUs: number;
  wireLen: number;
  frame: Uint8Array;
  pkt: DecodedPacket;
}

export interface SegSpec {
  /** Time in milliseconds from the scenario start. */
  t: number;
  /** Flags as letters: S A F R P (e.g. "SA", "PA", "FA"). */
  f: string;
  seq: number;
  ack?: number;
  /** Payload length (declared); bytes are generated from the sequence number unless `data` is given. */
  len?: number;
  data?: Uint8Array;
  win?: number;
  ws?: number;
  /** Captured payload bytes when the snap length cut the packet. */
  cap?: number;
  ttl?: number;
  ipId?: number;
}

function flagBits(f: string): number {
  let b = 0;
  for (const ch of f) {
    if (ch === "F") b |= TcpFlag.FIN;
    else if (ch === "S") b |= TcpFlag.SYN;
    else if (ch === "R") b |= TcpFlag.RST;
    else if (ch === "P") b |= TcpFlag.PSH;
    else if (ch === "A") b |= TcpFlag.ACK;
    else throw new Error(`unknown flag ${ch}`);
  }
  return b;
}

/** Deterministic payload byte for sequence number s: lets tests check delivered bytes by position. */
export function byteAt(seq: number): number {
  return (seq * 7 + 3) & 0xff;
}

export function expectedBytes(fromSeq: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = byteAt((fromSeq + i) >>> 0);
  return out;
}

function ipBytes(s: string): number[] {
  return s.split(".").map((x) => Number(x));
}

export class Scenario {
  readonly packets: TestPacket[] = [];
  private readonly baseUs = 1_700_000_000_000_000;

  constructor(
    readonly clientAddr = "10.0.0.1",
    readonly clientPort = 40000,
    readonly serverAddr = "10.0.0.2",
    readonly serverPort = 9092,
  ) {}

  /** Client-to-server segment. */
  c(spec: SegSpec): this {
    return this.add(true, spec);
  }

  /** Server-to-client segment. */
  s(spec: SegSpec): this {
    return this.add(false, spec);
  }

  add(fromClient: boolean, spec: SegSpec, ports?: { src: number; dst: number }): this {
    const src = fromClient ? this.clientAddr : this.serverAddr;
    const dst = fromClient ? this.serverAddr : this.clientAddr;
    const sport = ports?.src ?? (fromClient ? this.clientPort : this.serverPort);
    const dport = ports?.dst ?? (fromClient ? this.serverPort : this.clientPort);
    const len = spec.data ? spec.data.length : spec.len ?? 0;
    const flags = flagBits(spec.f);
    const payloadSeq = (spec.seq + (flags & TcpFlag.SYN ? 1 : 0)) >>> 0;
    const payload = spec.data ?? expectedBytes(payloadSeq, len);
    const optLen = spec.ws !== undefined ? 4 : 0; // NOP + WS(3)
    const tcpHdr = 20 + optLen;
    const ipLen = 20 + tcpHdr + len;
    const wireLen = 14 + ipLen;
    const full = new Uint8Array(wireLen);
    const dv = new DataView(full.buffer);
    // Ethernet
    full.set([0, 1, 2, 3, 4, fromClient ? 5 : 6, 0, 1, 2, 3, 4, fromClient ? 6 : 5], 0);
    dv.setUint16(12, 0x0800);
    // IPv4
    const ip = 14;
    full[ip] = 0x45;
    dv.setUint16(ip + 2, ipLen);
    const ipId = spec.ipId ?? (this.packets.length + 1) & 0xffff;
    dv.setUint16(ip + 4, ipId);
    dv.setUint16(ip + 6, 0x4000);
    const ttl = spec.ttl ?? 64;
    full[ip + 8] = ttl;
    full[ip + 9] = 6;
    full.set(ipBytes(src), ip + 12);
    full.set(ipBytes(dst), ip + 16);
    // TCP
    const tcp = ip + 20;
    dv.setUint16(tcp, sport);
    dv.setUint16(tcp + 2, dport);
    dv.setUint32(tcp + 4, spec.seq >>> 0);
    const ack = spec.ack ?? 0;
    dv.setUint32(tcp + 8, ack >>> 0);
    dv.setUint16(tcp + 12, ((tcpHdr / 4) << 12) | flags);
    const win = spec.win ?? 65535;
    dv.setUint16(tcp + 14, win);
    if (spec.ws !== undefined) full.set([1, 3, 3, spec.ws], tcp + 20);
    const payloadOffset = tcp + tcpHdr;
    full.set(payload, payloadOffset);
    const cap = spec.cap ?? len;
    const frame = full.subarray(0, wireLen - (len - cap));
    const pkt: DecodedPacket = {
      ipVersion: 4,
      etherType: 0x0800,
      vlanOuter: -1,
      vlanInner: -1,
      ipOffset: ip,
      srcAddr: frame.subarray(ip + 12, ip + 16),
      dstAddr: frame.subarray(ip + 16, ip + 20),
      ttl,
      ipId,
      fragment: false,
      ipProto: 6,
      ipPayloadOffset: tcp,
      ipPayloadEnd: ip + ipLen,
      lenSource: "ipv4.total_len",
      hasTcp: true,
      srcPort: sport,
      dstPort: dport,
      seq: spec.seq >>> 0,
      ack: ack >>> 0,
      flags,
      window: win,
      tcpHeaderLen: tcpHdr,
      mss: -1,
      windowScale: spec.ws ?? -1,
      sackPermitted: false,
      sackCount: 0,
      sackEdges: new Uint32Array(8),
      tsVal: 0,
      tsEcr: 0,
      hasTimestamps: false,
      payloadOffset,
      payloadLen: len,
      capturedPayloadLen: cap,
      truncated: cap < len,
      stop: null,
    };
    this.packets.push({ num: this.packets.length + 1, tsUs: this.baseUs + spec.t * 1000, wireLen, frame, pkt });
    return this;
  }

  /** A standard handshake at t0 ms with ISNs 1000 (client) and 5000 (server), window scale 7 both ways (null: no option). */
  handshake(t0 = 0, rttMs = 10, cIsn = 1000, sIsn = 5000, ws: number | null = 7): this {
    const opt = ws === null ? {} : { ws };
    this.c({ t: t0, f: "S", seq: cIsn, ...opt });
    this.s({ t: t0 + rttMs / 2, f: "SA", seq: sIsn, ack: cIsn + 1, ...opt });
    this.c({ t: t0 + rttMs, f: "A", seq: cIsn + 1, ack: sIsn + 1 });
    return this;
  }
}

/** A non-TCP frame (ARP) for "ignored" checks. */
export function arpPacket(num: number): TestPacket {
  const frame = new Uint8Array(42);
  frame[12] = 0x08;
  frame[13] = 0x06;
  const base = new Scenario().c({ t: 0, f: "A", seq: 1 }).packets[0]!;
  const pkt: DecodedPacket = { ...base.pkt, ipVersion: 0, hasTcp: false, etherType: 0x0806 };
  return { num, tsUs: 1_700_000_000_000_000, wireLen: 42, frame, pkt };
}

/** Write packets as a classic pcap (Ethernet, microsecond timestamps). */
export function writePcap(path: string, packets: readonly TestPacket[]): void {
  let size = 24;
  for (const p of packets) size += 16 + p.frame.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, 1, true);
  let off = 24;
  for (const p of packets) {
    const sec = Math.floor(p.tsUs / 1e6);
    const usec = Math.round(p.tsUs - sec * 1e6);
    dv.setUint32(off, sec, true);
    dv.setUint32(off + 4, usec, true);
    dv.setUint32(off + 8, p.frame.length, true);
    dv.setUint32(off + 12, p.wireLen, true);
    out.set(p.frame, off + 16);
    off += 16 + p.frame.length;
  }
  writeFileSync(path, out);
}

export const TSHARK_ANALYSIS_FIELDS = [
  "tcp.analysis.retransmission",
  "tcp.analysis.fast_retransmission",
  "tcp.analysis.spurious_retransmission",
  "tcp.analysis.out_of_order",
  "tcp.analysis.lost_segment",
  "tcp.analysis.ack_lost_segment",
  "tcp.analysis.duplicate_ack",
  "tcp.analysis.zero_window",
  "tcp.analysis.zero_window_probe",
  "tcp.analysis.zero_window_probe_ack",
  "tcp.analysis.window_full",
  "tcp.analysis.keep_alive",
  "tcp.analysis.keep_alive_ack",
  "tcp.analysis.reused_ports",
  "tcp.analysis.window_update",
] as const;

export interface TsharkRow {
  frame: number;
  stream: number;
  /** Wireshark field names present on this packet. */
  flags: Set<string>;
  dupAckNum: number;
  initialRtt: number | null;
}

/** Run tshark over a file: per packet tcp.stream and which tcp.analysis fields are present. */
export function tsharkRows(file: string): TsharkRow[] {
  const fields = ["frame.number", "tcp.stream", ...TSHARK_ANALYSIS_FIELDS, "tcp.analysis.duplicate_ack_num", "tcp.analysis.initial_rtt"];
  const args = ["-r", file, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f"];
  for (const f of fields) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 28 });
  const rows: TsharkRow[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const cols = line.split("\t");
    const flags = new Set<string>();
    TSHARK_ANALYSIS_FIELDS.forEach((name, i) => {
      if ((cols[2 + i] ?? "") !== "") flags.add(name);
    });
    const dupCol = cols[2 + TSHARK_ANALYSIS_FIELDS.length] ?? "";
    const rttCol = cols[3 + TSHARK_ANALYSIS_FIELDS.length] ?? "";
    rows.push({
      frame: Number(cols[0]),
      stream: cols[1] === "" || cols[1] === undefined ? -1 : Number(cols[1]),
      flags,
      dupAckNum: dupCol === "" ? 0 : Number(dupCol),
      initialRtt: rttCol === "" ? null : Number(rttCol),
    });
  }
  return rows;
}

export function tmpFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), "kdiag-tcp-")), name);
}

export type SinkCall =
  | { kind: "data"; dir: Dir; bytes: Uint8Array; ref: PacketRef }
  | { kind: "gap"; dir: Dir; length: number; ref: PacketRef }
  | { kind: "close"; how: CloseInfo };

/** A StreamSink that records every call (copying bytes and refs, as the contract asks). */
export class RecordingSink implements StreamSink {
  readonly calls: SinkCall[] = [];
  data(dir: Dir, bytes: Uint8Array, at: PacketRef): void {
    this.calls.push({ kind: "data", dir, bytes: bytes.slice(), ref: { ...at } });
  }
  gap(dir: Dir, length: number, at: PacketRef): void {
    this.calls.push({ kind: "gap", dir, length, ref: { ...at } });
  }
  close(how: CloseInfo): void {
    this.calls.push({ kind: "close", how: { ...how } });
  }
  /** Concatenated bytes delivered in one direction. */
  stream(dir: Dir): Uint8Array {
    const parts = this.calls.filter((c): c is Extract<SinkCall, { kind: "data" }> => c.kind === "data" && c.dir === dir);
    const out = new Uint8Array(parts.reduce((n, p) => n + p.bytes.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p.bytes, o);
      o += p.bytes.length;
    }
    return out;
  }
  /** Compact trace: "data c2s 0+100", "gap s2c 100+20", "close fin". */
  trace(): string[] {
    return this.calls.map((c) =>
      c.kind === "data"
        ? `data ${c.dir} ${c.ref.streamOffset}+${c.bytes.length}`
        : c.kind === "gap"
          ? `gap ${c.dir} ${c.ref.streamOffset}+${c.length}`
          : `close ${c.how.how}${c.how.by ? " " + c.how.by : ""}`,
    );
  }
}
