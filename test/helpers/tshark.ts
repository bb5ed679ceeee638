// tshark as an independent oracle for kdiag's TCP analysis, plus helpers that run kdiag's CLI.
//
// Everything here shells out; nothing shares code with src/, so a bug in kdiag's reader or TCP
// analysis cannot hide itself by being repeated in the oracle.
import { execFile, execFileSync, spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const KDIAG_BIN = resolve(REPO_ROOT, "bin", "kdiag.js");

/** The tcp.analysis.* flags kdiag reports as `events`, under the same names without the prefix. */
export const TCP_EVENTS = [
  "retransmission",
  "fast_retransmission",
  "spurious_retransmission",
  "out_of_order",
  "lost_segment",
  "ack_lost_segment",
  "duplicate_ack",
  "zero_window",
  "zero_window_probe",
  "zero_window_probe_ack",
  "window_full",
  "keep_alive",
  "keep_alive_ack",
  "window_update",
  "reused_ports",
] as const;
export type TcpEvent = (typeof TCP_EVENTS)[number];

export interface TsharkTcpPacket {
  number: number;
  /** Absolute time, seconds since the epoch (as printed by tshark, nanosecond digits). */
  time: number;
  /** frame.len: the original length on the wire. */
  length: number;
  /** frame.cap_len: what the capture holds. */
  capturedLength: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  stream: number;
  /** Relative sequence and acknowledgement numbers (tshark's default view). */
  seq: number;
  ack: number;
  len: number;
  flags: number;
  /** tcp.window_size_value: the raw header field. */
  windowRaw: number;
  /** tcp.window_size: scaled by the window scale tshark saw in the handshake (raw if none). */
  window: number;
  events: Set<TcpEvent>;
  /** tcp.analysis.initial_rtt in seconds, on the packets where tshark prints it. */
  initialRtt: number | null;
  /**
   * False when the snap length cuts the TCP header (inside its options): tshark then stops
   * dissecting the header and prints no tcp.analysis fields for the packet, whatever happened.
   */
  analysisShown: boolean;
}

export interface Conv {
  /** "addr:port" as tshark prints it (IPv6 addresses are not bracketed). */
  a: string;
  b: string;
  framesAtoB: number;
  bytesAtoB: number;
  framesBtoA: number;
  bytesBtoA: number;
  framesTotal: number;
  bytesTotal: number;
  /** Seconds from the first packet of the capture to the conversation's first packet. */
  relStart: number;
  /** Seconds, as printed (4 decimals). */
  duration: number;
  /** The tcp.stream this row belongs to (found by endpoints and start time). */
  stream: number;
}

/** One TCP stream as the per-packet fields describe it; `a` is the source of its first packet. */
export interface TsharkStream {
  stream: number;
  a: { addr: string; port: number };
  b: { addr: string; port: number };
  framesAtoB: number;
  bytesAtoB: number;
  framesBtoA: number;
  bytesBtoA: number;
  firstPacket: number;
  lastPacket: number;
  /** Absolute times (epoch seconds) of the first and last packet. */
  firstTime: number;
  lastTime: number;
  relStart: number;
  /** tcp.analysis.initial_rtt (seconds) where tshark saw a full handshake, else null. */
  initialRtt: number | null;
  /** False if tshark printed no analysis for some packet of the stream (see TsharkTcpPacket). */
  analysisShown: boolean;
}

export interface TsharkOptions {
  /** Each item is passed as `-d ITEM`, e.g. "tcp.port==36333,kafka". */
  decodeAs?: string[];
}

let available: boolean | undefined;

export function tsharkAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync("tshark", ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

// Pin the preferences the oracle depends on, so a user's Wireshark profile cannot change them.
const PREFS = [
  "-o", "tcp.analyze_sequence_numbers:TRUE",
  "-o", "tcp.relative_sequence_numbers:TRUE",
  "-o", "tcp.calculate_timestamps:TRUE",
  "-o", "tcp.track_bytes_in_flight:TRUE",
  "-o", "tcp.check_checksum:FALSE",
];

function tshark(args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(
      "tshark",
      ["-n", ...PREFS, ...args],
      { maxBuffer: 512 * 1024 * 1024, encoding: "utf8" },
      (err, stdout, stderr) => {
        if (err) rej(new Error(`tshark ${args.join(" ")} failed: ${err.message}\n${stderr}`));
        else res(stdout);
      },
    );
  });
}

const FIELDS = [
  "frame.number",
  "frame.time_epoch",
  "frame.len",
  "frame.cap_len",
  "frame.protocols",
  "ip.src",
  "ip.dst",
  "ipv6.src",
  "ipv6.dst",
  "tcp.srcport",
  "tcp.dstport",
  "tcp.stream",
  "tcp.seq",
  "tcp.ack",
  "tcp.len",
  "tcp.flags",
  "tcp.window_size_value",
  "tcp.window_size",
  "tcp.analysis.initial_rtt",
  "_ws.short",
  ...TCP_EVENTS.map((e) => `tcp.analysis.${e}`),
] as const;

interface RawRow {
  number: number;
  time: number;
  length: number;
  capturedLength: number;
  protocols: string[];
  fields: Map<string, string>;
}

async function rawRows(file: string, opts?: TsharkOptions): Promise<RawRow[]> {
  const args = ["-r", file];
  for (const d of opts?.decodeAs ?? []) args.push("-d", d);
  args.push("-T", "fields", "-E", "separator=/t", "-E", "occurrence=f", "-E", "header=n");
  for (const f of FIELDS) args.push("-e", f);
  const out = await tshark(args);
  const rows: RawRow[] = [];
  for (const line of out.split("\n")) {
    if (line === "") continue;
    const cols = line.split("\t");
    if (cols.length !== FIELDS.length) {
      throw new Error(`tshark printed ${cols.length} columns, expected ${FIELDS.length}: ${JSON.stringify(line)}`);
    }
    const fields = new Map<string, string>();
    FIELDS.forEach((f, i) => fields.set(f, cols[i]!));
    rows.push({
      number: Number(cols[0]),
      time: Number(cols[1]),
      length: Number(cols[2]),
      capturedLength: Number(cols[3]),
      protocols: cols[4]!.split(":"),
      fields,
    });
  }
  return rows;
}

/**
 * A packet is a TCP packet when TCP is carried directly by IP. TCP headers quoted inside an
 * ICMP error are not part of any connection.
 */
function isTcp(protocols: string[]): boolean {
  const t = protocols.indexOf("tcp");
  if (t < 0) return false;
  const before = protocols.slice(0, t);
  return !before.includes("icmp") && !before.includes("icmpv6");
}

function int(s: string | undefined, what: string, n: number): number {
  if (s === undefined || s === "") throw new Error(`packet ${n}: tshark printed no ${what}`);
  const v = s.startsWith("0x") ? parseInt(s, 16) : Number(s);
  if (!Number.isFinite(v)) throw new Error(`packet ${n}: bad ${what} ${JSON.stringify(s)}`);
  return v;
}

function packetsFromRows(rows: RawRow[]): TsharkTcpPacket[] {
  const out: TsharkTcpPacket[] = [];
  for (const r of rows) {
    if (!isTcp(r.protocols)) continue;
    const f = r.fields;
    const n = r.number;
    // tshark leaves tcp.stream empty when the TCP header itself is cut off by the snap length.
    if (f.get("tcp.stream") === "") continue;
    const events = new Set<TcpEvent>();
    for (const e of TCP_EVENTS) if (f.get(`tcp.analysis.${e}`) !== "") events.add(e);
    // The outer IP header is whichever of ip/ipv6 the protocol stack names first.
    const i4 = r.protocols.indexOf("ip");
    const i6 = r.protocols.indexOf("ipv6");
    const v6 = i6 >= 0 && (i4 < 0 || i6 < i4);
    const rtt = f.get("tcp.analysis.initial_rtt");
    out.push({
      number: n,
      time: r.time,
      length: r.length,
      capturedLength: r.capturedLength,
      src: (v6 ? f.get("ipv6.src") : f.get("ip.src"))!,
      dst: (v6 ? f.get("ipv6.dst") : f.get("ip.dst"))!,
      srcPort: int(f.get("tcp.srcport"), "tcp.srcport", n),
      dstPort: int(f.get("tcp.dstport"), "tcp.dstport", n),
      stream: int(f.get("tcp.stream"), "tcp.stream", n),
      seq: int(f.get("tcp.seq"), "tcp.seq", n),
      ack: f.get("tcp.ack") === "" ? 0 : int(f.get("tcp.ack"), "tcp.ack", n),
      len: int(f.get("tcp.len"), "tcp.len", n),
      flags: int(f.get("tcp.flags"), "tcp.flags", n),
      windowRaw: int(f.get("tcp.window_size_value"), "tcp.window_size_value", n),
      window: int(f.get("tcp.window_size"), "tcp.window_size", n),
      events,
      initialRtt: rtt ? Number(rtt) : null,
      analysisShown: !f.get("_ws.short")!.includes("TCP truncated"),
    });
  }
  return out;
}

/** Per-packet TCP view of a capture, as tshark's single-pass analysis sees it. */
export async function tsharkTcpPackets(file: string, opts?: TsharkOptions): Promise<TsharkTcpPacket[]> {
  return packetsFromRows(await rawRows(file, opts));
}

/** All frames of the capture with their numbers, for checks that non-TCP packets are present. */
export async function tsharkFrames(
  file: string,
  opts?: TsharkOptions,
): Promise<{ number: number; time: number; length: number; capturedLength: number; tcp: boolean }[]> {
  return (await rawRows(file, opts)).map((r) => ({
    number: r.number,
    time: r.time,
    length: r.length,
    capturedLength: r.capturedLength,
    tcp: isTcp(r.protocols) && r.fields.get("tcp.stream") !== "",
  }));
}

/** TCP streams summed from the per-packet fields (exact byte counts, every stream tshark numbers). */
export async function tsharkStreams(file: string, opts?: TsharkOptions): Promise<TsharkStream[]> {
  const rows = await rawRows(file, opts);
  const t0 = rows.length ? rows[0]!.time : 0;
  const pkts = packetsFromRows(rows);
  const byId = new Map<number, TsharkStream>();
  const time = new Map(rows.map((r) => [r.number, r.time]));
  for (const p of pkts) {
    let s = byId.get(p.stream);
    if (!s) {
      s = {
        stream: p.stream,
        a: { addr: p.src, port: p.srcPort },
        b: { addr: p.dst, port: p.dstPort },
        framesAtoB: 0,
        bytesAtoB: 0,
        framesBtoA: 0,
        bytesBtoA: 0,
        firstPacket: p.number,
        lastPacket: p.number,
        firstTime: p.time,
        lastTime: p.time,
        relStart: time.get(p.number)! - t0,
        initialRtt: null,
        analysisShown: true,
      };
      byId.set(p.stream, s);
    }
    if (p.src === s.a.addr && p.srcPort === s.a.port && p.dst === s.b.addr && p.dstPort === s.b.port) {
      s.framesAtoB++;
      s.bytesAtoB += p.length;
    } else {
      s.framesBtoA++;
      s.bytesBtoA += p.length;
    }
    s.lastPacket = p.number;
    s.lastTime = p.time;
    if (s.initialRtt === null && p.initialRtt !== null) s.initialRtt = p.initialRtt;
    if (!p.analysisShown) s.analysisShown = false;
  }
  return [...byId.values()].sort((x, y) => x.stream - y.stream);
}

/**
 * tshark 4.0 prints conversation byte counts through format_size(): whole bytes below 10 000,
 * then truncated SI units ("107 kB"). This renders an exact count the same way, so the exact
 * sums can be checked against the table.
 */
export function formatConvBytes(n: number): string {
  const units = ["bytes", "kB", "MB", "GB", "TB"];
  let v = n;
  let u = 0;
  while (u < units.length - 1 && Math.floor(v / 1000) >= 10) {
    v = Math.floor(v / 1000);
    u++;
  }
  return `${v} ${units[u]}`;
}

function endpointKey(addr: string, port: number): string {
  return `${addr}:${port}`;
}

/**
 * `tshark -q -z conv,tcp`, one entry per row. The table's byte columns are rounded in this tshark
 * version, so exact bytes come from the per-packet fields: each row is matched to its tcp.stream by
 * endpoints and start time, and the exact counts are checked to print as the table does.
 */
export async function tsharkConversations(file: string, opts?: TsharkOptions): Promise<Conv[]> {
  const args = ["-r", file];
  for (const d of opts?.decodeAs ?? []) args.push("-d", d);
  args.push("-q", "-z", "conv,tcp");
  const text = await tshark(args);
  // Columns: A <-> B | "<-" frames bytes (B to A) | "->" frames bytes (A to B) | total | rel start | duration
  const size = String.raw`(\d+ (?:bytes|kB|MB|GB|TB))`;
  const re = new RegExp(
    String.raw`^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+${size}\s+(\d+)\s+${size}\s+(\d+)\s+${size}\s+([\d.]+)\s+([\d.]+)\s*$`,
  );
  const header = text.split("\n").find((l) => l.includes("|") && l.includes("<-"));
  if (!header || header.indexOf("<-") > header.indexOf("->")) {
    throw new Error(`unexpected conv,tcp header in tshark output:\n${text}`);
  }
  const streams = await tsharkStreams(file, opts);
  const used = new Set<number>();
  const convs: Conv[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes("<->")) continue;
    const m = re.exec(line);
    if (!m) throw new Error(`cannot parse conv,tcp row: ${JSON.stringify(line)}`);
    const [, a, b, fBA, sBA, fAB, sAB, fT, sT, rel, dur] = m as unknown as string[];
    const relStart = Number(rel);
    // The row's stream: same endpoints (either order), same start, not taken by an earlier row.
    const match = streams.find((s) => {
      if (used.has(s.stream)) return false;
      const x = endpointKey(s.a.addr, s.a.port);
      const y = endpointKey(s.b.addr, s.b.port);
      const same = (x === a && y === b) || (x === b && y === a);
      return same && Math.abs(s.relStart - relStart) < 2e-6;
    });
    if (!match) throw new Error(`conv,tcp row has no tcp.stream with the same endpoints and start: ${line}`);
    used.add(match.stream);
    const aIsA = endpointKey(match.a.addr, match.a.port) === a;
    const c: Conv = {
      a: a!,
      b: b!,
      framesAtoB: aIsA ? match.framesAtoB : match.framesBtoA,
      bytesAtoB: aIsA ? match.bytesAtoB : match.bytesBtoA,
      framesBtoA: aIsA ? match.framesBtoA : match.framesAtoB,
      bytesBtoA: aIsA ? match.bytesBtoA : match.bytesAtoB,
      framesTotal: 0,
      bytesTotal: 0,
      relStart,
      duration: Number(dur),
      stream: match.stream,
    };
    c.framesTotal = c.framesAtoB + c.framesBtoA;
    c.bytesTotal = c.bytesAtoB + c.bytesBtoA;
    const expect = [Number(fAB), sAB, Number(fBA), sBA, Number(fT), sT];
    const got = [
      c.framesAtoB,
      formatConvBytes(c.bytesAtoB),
      c.framesBtoA,
      formatConvBytes(c.bytesBtoA),
      c.framesTotal,
      formatConvBytes(c.bytesTotal),
    ];
    if (JSON.stringify(expect) !== JSON.stringify(got)) {
      throw new Error(
        `conv,tcp row disagrees with tshark's own per-packet fields (stream ${match.stream}): ` +
          `table ${JSON.stringify(expect)}, fields ${JSON.stringify(got)}`,
      );
    }
    convs.push(c);
  }
  return convs;
}

// ------------------------------------------------------------------------------ kdiag CLI

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for the CLI's stdin (e.g. a capture read from "-"); stdin is closed either way. */
  input?: Buffer;
  timeoutMs?: number;
  /** Another script to run instead of bin/kdiag.js (for testing these helpers). */
  bin?: string;
}

/** Runs `node bin/kdiag.js ...args` from the repository root; `input` is written to its stdin. */
export function kdiagRun(args: string[], opts?: RunOptions): Promise<RunResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [opts?.bin ?? KDIAG_BIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts?.timeoutMs ?? 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      res({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    // A CLI that exits without reading stdin closes the pipe; that is not the caller's error.
    child.stdin.on("error", () => {});
    if (opts?.input) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** Runs kdiag and parses stdout as JSON; a non-zero exit or non-JSON output is an error with both streams. */
export async function kdiagJson(args: string[], opts?: RunOptions): Promise<any> {
  const r = await kdiagRun(args, opts);
  if (r.code !== 0) {
    throw new Error(`kdiag ${args.join(" ")} exited ${r.code}\nstderr: ${r.stderr.slice(0, 4000)}`);
  }
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    throw new Error(
      `kdiag ${args.join(" ")} printed no JSON (${(e as Error).message})\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`,
    );
  }
}
