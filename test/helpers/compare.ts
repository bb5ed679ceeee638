// Comparison of kdiag's JSON output (the CLI contract) with tshark's view of the same capture.
// Each function returns one line per difference, naming the connection or packet, so a failing
// test shows every disagreement at once.
import type { Fixture } from "./fixtures.js";
import {
  tsharkConversations,
  tsharkFrames,
  tsharkStreams,
  tsharkTcpPackets,
  TCP_EVENTS,
  type TsharkStream,
  type TsharkTcpPacket,
} from "./tshark.js";

// ------------------------------------------------------------------ oracle, computed once per file

export interface Expected {
  /** One entry per tcp.stream: conv,tcp rows where tshark prints them, else the per-packet sums. */
  streams: TsharkStream[];
  frames: Awaited<ReturnType<typeof tsharkFrames>>;
  tcp: Map<number, TsharkTcpPacket>;
}

const oracleCache = new Map<string, Promise<Expected>>();

export function oracle(fx: Fixture): Promise<Expected> {
  let p = oracleCache.get(fx.file);
  if (!p) {
    p = (async () => {
      const opts = { decodeAs: fx.decodeAs };
      const [streams, convs, frames, pkts] = await Promise.all([
        tsharkStreams(fx.file, opts),
        tsharkConversations(fx.file, opts),
        tsharkFrames(fx.file, opts),
        tsharkTcpPackets(fx.file, opts),
      ]);
      // conv,tcp is the reference where it has a row; tsharkConversations has already checked each
      // row against the per-packet sums, so the two can only differ by rows the table leaves out
      // (streams whose TCP headers are truncated, as in snaplen-60.pcap).
      for (const c of convs) {
        const s = streams.find((x) => x.stream === c.stream)!;
        const aIsA = `${s.a.addr}:${s.a.port}` === c.a;
        if ((aIsA ? s.framesAtoB : s.framesBtoA) !== c.framesAtoB || (aIsA ? s.bytesAtoB : s.bytesBtoA) !== c.bytesAtoB) {
          throw new Error(`${fx.name}: conv,tcp row for stream ${c.stream} disagrees with the per-packet sums`);
        }
      }
      return { streams, frames, tcp: new Map(pkts.map((x) => [x.number, x])) };
    })();
    oracleCache.set(fx.file, p);
  }
  return p;
}

// ------------------------------------------------------------------ comparisons

const sameEndpoint = (e: { addr: string; port: number }, f: { addr: string; port: number }) =>
  e.addr === f.addr && e.port === f.port;

/** Every way kdiag's connection list differs from tshark's streams, one line each. */
export function compareConnections(conns: any[], streams: TsharkStream[]): string[] {
  const out: string[] = [];
  const byId = new Map<number, any>();
  for (const c of conns) {
    if (byId.has(c.id)) out.push(`connection id ${c.id} appears twice`);
    byId.set(c.id, c);
  }
  for (const s of streams) {
    const c = byId.get(s.stream);
    const ends = `${s.a.addr}:${s.a.port} <-> ${s.b.addr}:${s.b.port}`;
    if (!c) {
      out.push(`tcp.stream ${s.stream} (${ends}) has no connection with id ${s.stream}`);
      continue;
    }
    let c2sIsAtoB: boolean;
    if (sameEndpoint(c.client, s.a) && sameEndpoint(c.server, s.b)) c2sIsAtoB = true;
    else if (sameEndpoint(c.client, s.b) && sameEndpoint(c.server, s.a)) c2sIsAtoB = false;
    else {
      out.push(
        `connection ${s.stream}: endpoints kdiag ${c.client.addr}:${c.client.port} -> ${c.server.addr}:${c.server.port}, tshark ${ends}`,
      );
      continue;
    }
    const want = {
      "c2s.packets": c2sIsAtoB ? s.framesAtoB : s.framesBtoA,
      "c2s.bytes": c2sIsAtoB ? s.bytesAtoB : s.bytesBtoA,
      "s2c.packets": c2sIsAtoB ? s.framesBtoA : s.framesAtoB,
      "s2c.bytes": c2sIsAtoB ? s.bytesBtoA : s.bytesAtoB,
    };
    const got = {
      "c2s.packets": c.c2s?.packets,
      "c2s.bytes": c.c2s?.bytes,
      "s2c.packets": c.s2c?.packets,
      "s2c.bytes": c.s2c?.bytes,
    };
    for (const k of Object.keys(want) as (keyof typeof want)[]) {
      if (got[k] !== want[k]) out.push(`connection ${s.stream}: ${k} kdiag ${got[k]} tshark ${want[k]}`);
    }
    if (typeof c.start_time !== "number" || Math.abs(c.start_time - s.firstTime) > 2e-6) {
      out.push(`connection ${s.stream}: start_time kdiag ${c.start_time} tshark ${s.firstTime} (packet ${s.firstPacket})`);
    }
    if (typeof c.end_time !== "number" || Math.abs(c.end_time - s.lastTime) > 2e-6) {
      out.push(`connection ${s.stream}: end_time kdiag ${c.end_time} tshark ${s.lastTime} (packet ${s.lastPacket})`);
    }
  }
  for (const c of conns) {
    if (!streams.some((s) => s.stream === c.id)) {
      out.push(`connection ${c.id} (${c.client?.addr}:${c.client?.port} -> ${c.server?.addr}:${c.server?.port}) is not a tcp.stream in tshark`);
    }
  }
  return out;
}

function fmtSet(s: Iterable<string>): string {
  return `[${[...s].sort().join(", ")}]`;
}

/** Per packet: stream number and analysis flags; one line per differing packet. */
export function comparePacketEvents(pkts: any[], ex: Expected): string[] {
  const out: string[] = [];
  if (pkts.length !== ex.frames.length) out.push(`packet count kdiag ${pkts.length} tshark ${ex.frames.length}`);
  const byNumber = new Map<number, any>(pkts.map((p) => [p.number, p]));
  for (const f of ex.frames) {
    const k = byNumber.get(f.number);
    if (!k) {
      out.push(`packet ${f.number}: missing from kdiag`);
      continue;
    }
    const t = ex.tcp.get(f.number);
    if (!t) {
      if (k.connection !== null) out.push(`packet ${f.number}: not TCP for tshark, kdiag puts it in connection ${k.connection}`);
      continue;
    }
    if (k.connection !== t.stream) out.push(`packet ${f.number}: connection kdiag ${k.connection} tshark ${t.stream}`);
    // Where tshark could not print its analysis (TCP header cut by the snap length) it has no
    // opinion on the flags; kdiag, which needs only the fixed header, may still have one.
    if (!t.analysisShown) continue;
    const mine = new Set<string>(Array.isArray(k.events) ? k.events : []);
    const unknown = [...mine].filter((e) => !(TCP_EVENTS as readonly string[]).includes(e));
    const missing = [...t.events].filter((e) => !mine.has(e));
    const extra = [...mine].filter((e) => !t.events.has(e as never) && !unknown.includes(e));
    if (missing.length || extra.length || unknown.length) {
      out.push(
        `packet ${f.number}: events kdiag ${fmtSet(mine)} tshark ${fmtSet(t.events)}` +
          (missing.length ? ` missing ${fmtSet(missing)}` : "") +
          (extra.length ? ` extra ${fmtSet(extra)}` : "") +
          (unknown.length ? ` not-a-tcp-event ${fmtSet(unknown)}` : ""),
      );
    }
  }
  return out;
}

/** Per packet: header fields that tshark shows the same way the contract asks kdiag to. */
export function comparePacketFields(pkts: any[], ex: Expected): string[] {
  const out: string[] = [];
  const byNumber = new Map<number, any>(pkts.map((p) => [p.number, p]));
  for (const f of ex.frames) {
    const k = byNumber.get(f.number);
    if (!k) continue; // reported by the events comparison
    const diffs: string[] = [];
    if (k.length !== f.length) diffs.push(`length ${k.length}/${f.length}`);
    if (k.captured_length !== f.capturedLength) diffs.push(`captured_length ${k.captured_length}/${f.capturedLength}`);
    const t = ex.tcp.get(f.number);
    if (t) {
      if (k.src !== t.src) diffs.push(`src ${k.src}/${t.src}`);
      if (k.dst !== t.dst) diffs.push(`dst ${k.dst}/${t.dst}`);
      if (k.src_port !== t.srcPort) diffs.push(`src_port ${k.src_port}/${t.srcPort}`);
      if (k.dst_port !== t.dstPort) diffs.push(`dst_port ${k.dst_port}/${t.dstPort}`);
      if (k.tcp_flags !== t.flags) diffs.push(`tcp_flags ${k.tcp_flags}/${t.flags}`);
      if (k.seq !== t.seq) diffs.push(`seq ${k.seq}/${t.seq}`);
      // tshark prints 0 when the ACK flag is clear; only a set ACK flag makes the field meaningful.
      if (t.flags & 0x010 && k.ack !== t.ack) diffs.push(`ack ${k.ack}/${t.ack}`);
      if (k.payload_length !== t.len) diffs.push(`payload_length ${k.payload_length}/${t.len}`);
      if (Math.abs(k.time - t.time) > 2e-6) diffs.push(`time ${k.time}/${t.time}`);
    } else {
      for (const key of ["src_port", "dst_port", "connection", "direction", "tcp_flags", "seq", "ack"]) {
        if (k[key] !== null) diffs.push(`${key} ${JSON.stringify(k[key])}/null`);
      }
    }
    if (diffs.length) out.push(`packet ${f.number}: ${diffs.join(", ")} (kdiag/tshark)`);
  }
  return out;
}

