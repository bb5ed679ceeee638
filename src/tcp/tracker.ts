/**
 * TcpTracker: one pass over decoded packets builds the connection list (roles, handshake, close,
 * idle gaps, counters), flags each packet with Wireshark's tcp.analysis.* events, and feeds each
 * connection's reassembled byte streams to a sink chosen lazily by the caller.
 *
 * Connections are numbered like tshark's tcp.stream: in order of first packet, and a SYN (without
 * ACK) whose sequence number differs from the ISN already seen in that direction starts a new
 * connection on the same 4-tuple, flagged tcp.analysis.reused_ports (Wireshark 4.0's rule).
 *
 * Sink contract (see ConnectionReassembler for the full text): per connection and direction,
 * data/gap calls in stream order covering every offset once; exactly one close, last:
 *   - "rst" when a RST is seen (pending holes are reported as gaps first),
 *   - "fin" once both directions have delivered everything up to their FIN,
 *   - "end-of-capture" from finish(), or when a reused port starts a new connection first;
 * a sink that throws gets no further call; its message is stored once in conn.malformed.
 * Keep-alive and zero-window-probe bytes never reach the sink.
 *
 * A capture made with `tcpdump -i any` on a host the traffic crosses (a router, a container host's
 * veth and bridge) holds each packet twice or more, microseconds apart. Such a copy of the
 * connection's previous packet (see isCaptureCopy) is flagged CAPTURE_DUPLICATE and left out of
 * everything else: the counters, the sequence analysis, the close and the reassembly, as
 * Wireshark's "ignore duplicate frames" preference does. Without it every copy reads as a
 * retransmission or a duplicate ACK, and a healthy connection as a lossy one.
 *
 * Per packet the tracker allocates nothing for IPv4 packets of a known connection without
 * out-of-order payload (the verdict and the PacketRef are reused objects: copy what you keep).
 */
import type { DecodedPacket } from "../decode/types.js";
import { TcpFlag } from "../decode/types.js";
import type { CloseInfo, PacketRef } from "../plugins/api.js";
import { afterSegment, analyzeSegment, ConnAnalysis, FlowAnalysis, toFieldMask } from "./analysis.js";
import { formatAddr } from "../decode/format.js";
import { ConnectionTable } from "./connection-table.js";
import { IdSlots } from "./id-slots.js";
import { ConnectionReassembler, ReassemblyBudget } from "./reassembly.js";
import { inferServer, type InferredRole } from "./roles.js";
import type { Connection, DirectionStats, PacketVerdict, ReassemblyLimits, StreamSink } from "./types.js";
import { DEFAULT_REASSEMBLY_LIMITS, TCP_EVENT_NAMES, TcpEvent } from "./types.js";

export interface TcpTrackerOptions {
  /**
   * Called once per connection, when its first payload byte is about to be reassembled (so the
   * caller can pick a dissector; it may set conn.dissector). null: nobody wants the bytes, and no
   * reassembly work is done for that connection.
   */
  openSink?: (conn: Connection) => StreamSink | null;
  limits?: ReassemblyLimits;
}

/** The per-packet result, extended with Wireshark's duplicate-ACK numbering. */
export interface TrackVerdict extends PacketVerdict {
  /** tcp.analysis.duplicate_ack_num (0 when the packet is not a duplicate ACK). */
  dupAckNum: number;
  /** tcp.analysis.duplicate_ack_frame: the packet this ACK duplicates (0 when none). */
  dupAckFrame: number;
}

const SINK_UNASKED = 0;
const SINK_ACTIVE = 1;
const SINK_DONE = 2;

/** Tracker-private state of one connection. */
interface Tracked {
  conn: Connection;
  /** The client is the lower endpoint in the connection table's ordering. */
  clientIsLow: boolean;
  flows: [FlowAnalysis, FlowAnalysis];
  analysis: ConnAnalysis;
  sinkState: number;
  reasm: ConnectionReassembler | null;
  /** Sequence number of the SYN / FIN seen per direction (-1 none), replayed when a sink opens late. */
  synSeq: [number, number];
  finSeq: [number, number];
  lastTsUs: number;
  /** The previous packet's direction and segment, for isCaptureCopy (lastDir -1: none yet). */
  last: SegmentKey;
}

/** What makes two captured packets the same sent segment. */
interface SegmentKey {
  dir: number;
  ipVersion: number;
  ipId: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  payloadLen: number;
  /** TCP timestamp option values, -1 when absent. */
  tsVal: number;
  tsEcr: number;
  sackCount: number;
  sackLeft: number;
  sackRight: number;
}

/**
 * A copy can only be seen this soon after the original: the same packet on the way in and on the
 * way out of one host is microseconds apart, while a sender's own repeat of a segment needs at
 * least a retransmission timer (Linux's tail-loss probe waits 10 ms or more; the RTO 200 ms) or
 * duplicate ACKs from the peer in between.
 */
const CAPTURE_COPY_MAX_US = 1000;

/**
 * The packet is the connection's previous packet captured again: same direction, nothing of the
 * connection in between, within CAPTURE_COPY_MAX_US, and the same segment: sequence and
 * acknowledgement numbers, flags, window, length, TCP timestamps and first SACK block, and for
 * IPv4 the same IP identification (a sender gives a retransmitted segment a new one; with
 * timestamps it also carries a new TSval). TTL and addresses are not compared: a router lowers
 * the TTL between the two copies.
 */
function isCaptureCopy(last: SegmentKey, dir: number, sinceLastUs: number, pkt: DecodedPacket): boolean {
  return (
    last.dir === dir &&
    sinceLastUs >= 0 &&
    sinceLastUs <= CAPTURE_COPY_MAX_US &&
    last.seq === pkt.seq &&
    last.ack === pkt.ack &&
    last.flags === pkt.flags &&
    last.window === pkt.window &&
    last.payloadLen === pkt.payloadLen &&
    last.ipVersion === pkt.ipVersion &&
    last.ipId === pkt.ipId &&
    last.tsVal === (pkt.hasTimestamps ? pkt.tsVal : -1) &&
    last.tsEcr === (pkt.hasTimestamps ? pkt.tsEcr : -1) &&
    last.sackCount === pkt.sackCount &&
    (pkt.sackCount === 0 || (last.sackLeft === pkt.sackEdges[0] && last.sackRight === pkt.sackEdges[1]))
  );
}

function rememberSegment(last: SegmentKey, dir: number, pkt: DecodedPacket): void {
  last.dir = dir;
  last.ipVersion = pkt.ipVersion;
  last.ipId = pkt.ipId;
  last.seq = pkt.seq;
  last.ack = pkt.ack;
  last.flags = pkt.flags;
  last.window = pkt.window;
  last.payloadLen = pkt.payloadLen;
  last.tsVal = pkt.hasTimestamps ? pkt.tsVal : -1;
  last.tsEcr = pkt.hasTimestamps ? pkt.tsEcr : -1;
  last.sackCount = pkt.sackCount;
  last.sackLeft = pkt.sackCount > 0 ? pkt.sackEdges[0]! : -1;
  last.sackRight = pkt.sackCount > 0 ? pkt.sackEdges[1]! : -1;
}

const EVENT_KEYS = TCP_EVENT_NAMES.map((e) => e.key);

function newDirectionStats(): DirectionStats {
  return { packets: 0, bytes: 0, payloadBytes: 0, firstTtl: -1, lastTtl: -1, lastIpId: -1, windowScale: -1, baseSeq: -1, streamSeq: -1 };
}

export class TcpTracker {
  private readonly table = new ConnectionTable<Tracked>();
  /** Index = connection id; undefined once folded (fold): a live capture's oldest connections past its cap. */
  private readonly list: Array<Connection | undefined> = [];
  /** The records of `list` not folded, in id order: a walk over them skips the folded ones' holes. */
  private readonly held = new IdSlots<Connection>();
  /** Per connection id; none once let go (forget): a live capture holds only its window's (src/tcp/id-slots.ts). */
  private readonly tracked = new IdSlots<Tracked>();
  private readonly openSink: ((conn: Connection) => StreamSink | null) | undefined;
  private readonly budget: ReassemblyBudget;
  private readonly ref: PacketRef = { first: 0, last: 0, tsUs: 0, streamOffset: 0 };
  private readonly verdict: TrackVerdict = { connId: -1, dir: 0, events: 0, dupAckNum: 0, dupAckFrame: 0 };
  private readonly role: InferredRole = { serverIsDst: true, reason: "lower-port" };
  private finished = false;

  constructor(opts: TcpTrackerOptions = {}) {
    this.openSink = opts.openSink;
    this.budget = new ReassemblyBudget(opts.limits ?? DEFAULT_REASSEMBLY_LIMITS);
  }

  get connections(): readonly (Connection | undefined)[] {
    return this.list;
  }

  /** The connections not folded, in id order. */
  get connectionsHeld(): Iterable<Connection> {
    return this.held;
  }

  /** Bytes currently held out of order across all connections (for tests and memory reports). */
  get heldBytes(): number {
    return this.budget.used;
  }

  /**
   * Track one packet. `frame` is the captured frame (payload at pkt.payloadOffset), `wireLen` its
   * original length. Returns a verdict object reused for every call.
   */
  track(packetNumber: number, tsUs: number, wireLen: number, pkt: DecodedPacket, frame: Uint8Array): TrackVerdict {
    const v = this.verdict;
    v.events = 0;
    v.dupAckNum = 0;
    v.dupAckFrame = 0;
    // IP fragments are left out: tshark tracks the reassembled datagram at its last fragment, the
    // decoder does not reassemble, so a first fragment's partial TCP segment would mislead.
    if (!pkt.hasTcp || pkt.fragment || this.finished) {
      v.connId = -1;
      v.dir = 0;
      return v;
    }
    const flags = pkt.flags;
    let mask = 0;
    let t = this.table.get(pkt);
    const srcIsLow = this.table.srcIsLow;
    if (t === undefined) {
      t = this.create(packetNumber, tsUs, pkt, srcIsLow);
    } else {
      const copyDir = srcIsLow === t.clientIsLow ? 0 : 1;
      if (isCaptureCopy(t.last, copyDir, tsUs - t.lastTsUs, pkt)) return this.captureCopy(t, copyDir, packetNumber, tsUs);
      const fwd = t.flows[srcIsLow === t.clientIsLow ? 0 : 1];
      const synOnly = (flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
      const synAck = (flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
      if ((synOnly || synAck) && fwd.baseSeqSet && pkt.seq !== fwd.baseSeq) {
        // A new ISN on a known 4-tuple. A SYN starts a new connection (tshark's new tcp.stream);
        // a SYN-ACK stays in the connection and only moves its sequence base, as in Wireshark.
        mask |= TcpEvent.REUSED_PORTS;
        if (synOnly) {
          this.endForReuse(t);
          t = this.create(packetNumber, tsUs, pkt, srcIsLow);
        } else {
          fwd.baseSeq = pkt.seq;
        }
      } else if (synOnly && fwd.baseSeqSet) {
        // The same SYN again: Wireshark rewinds the expected sequence number to the highest
        // contiguous one (a RST may have carried seq = ack and moved it, issue 17616).
        fwd.nextSeq = fwd.maxSeqToBeAcked;
      }
    }

    const conn = t.conn;
    const dir: 0 | 1 = srcIsLow === t.clientIsLow ? 0 : 1;
    const stats = dir === 0 ? conn.c2s : conn.s2c;

    // Idle time: the silence this packet ends.
    const idle = tsUs - t.lastTsUs;
    if (conn.lastPacket >= 0 && idle > conn.longestIdleUs) {
      conn.longestIdleUs = idle;
      conn.longestIdleEndPacket = packetNumber;
      conn.longestIdleEndUs = tsUs;
    }

    stats.packets++;
    stats.bytes += wireLen;
    stats.payloadBytes += pkt.payloadLen;
    if (stats.firstTtl < 0) stats.firstTtl = pkt.ttl;
    const prevIpId = stats.lastIpId;
    stats.lastTtl = pkt.ttl;
    stats.lastIpId = pkt.ipVersion === 4 ? pkt.ipId : -1;
    if (flags & TcpFlag.SYN && pkt.windowScale >= 0) stats.windowScale = pkt.windowScale;

    // Wireshark's sequence analysis, then its post-dissection bookkeeping.
    const fwd = t.flows[dir];
    const rev = t.flows[dir === 0 ? 1 : 0];
    // Before this packet's own ACK is counted: what the other side sent that this side had not
    // acknowledged yet (a close while a request is still arriving leaves bytes unread).
    const unacked = rev.nextSeq !== 0 && fwd.lastAck !== 0 ? (rev.nextSeq - fwd.lastAck) >>> 0 : -1;
    mask = analyzeSegment(fwd, rev, t.analysis, packetNumber, tsUs, pkt.seq, pkt.ack, pkt.payloadLen, flags, pkt.window, mask);
    afterSegment(fwd, rev, t.analysis, tsUs, flags, pkt.windowScale);
    if (fwd.baseSeqSet) stats.baseSeq = fwd.baseSeq;
    if (rev.baseSeqSet) (dir === 0 ? conn.s2c : conn.c2s).baseSeq = rev.baseSeq;
    if (conn.handshakeRttUs === null && t.analysis.firstRttUs !== 0) conn.handshakeRttUs = t.analysis.firstRttUs;
    if (flags & TcpFlag.SYN && !(flags & TcpFlag.ACK) && conn.synPacket < 0) conn.synPacket = packetNumber;

    const fieldMask = toFieldMask(mask);
    if (fieldMask !== 0) {
      const counts = conn.events;
      for (let i = 0; i < TCP_EVENT_NAMES.length; i++) {
        if (fieldMask & TCP_EVENT_NAMES[i]!.bit) counts[EVENT_KEYS[i]!]!++;
      }
    }

    // How it ended: the first FIN, overridden by the first RST (an abort says more than a close).
    const close = conn.close;
    if (flags & TcpFlag.RST) {
      if (close.how !== "rst") {
        close.how = "rst";
        close.by = dir === 0 ? "client" : "server";
        close.packet = packetNumber;
        close.tsUs = tsUs;
        close.idleBeforeUs = conn.lastPacket >= 0 ? idle : 0;
        close.rstTtl = pkt.ttl;
        close.rstIpId = pkt.ipVersion === 4 ? pkt.ipId : -1;
        close.unackedFromOtherBytes = unacked < 0x80000000 ? unacked : -1;
        close.senderPrevIpId = prevIpId;
      }
    } else if (flags & TcpFlag.FIN && close.how === "open") {
      close.how = "fin";
      close.by = dir === 0 ? "client" : "server";
      close.packet = packetNumber;
      close.tsUs = tsUs;
      close.idleBeforeUs = conn.lastPacket >= 0 ? idle : 0;
      close.unackedFromOtherBytes = unacked < 0x80000000 ? unacked : -1;
      close.senderPrevIpId = prevIpId;
    }

    if (conn.lastPacket < 0) conn.firstPacket = packetNumber;
    conn.lastPacket = packetNumber;
    conn.endUs = tsUs;
    t.lastTsUs = tsUs;
    rememberSegment(t.last, dir, pkt);

    this.reassemble(t, dir, packetNumber, tsUs, pkt, frame, mask);

    v.connId = conn.id;
    v.dir = dir;
    v.events = fieldMask;
    v.dupAckNum = t.analysis.dupAckNum;
    v.dupAckFrame = t.analysis.dupAckFrame;
    return v;
  }

  /** The verdict for a capture copy: counted as one, and nothing else about the connection changes. */
  private captureCopy(t: Tracked, dir: 0 | 1, packetNumber: number, tsUs: number): TrackVerdict {
    const conn = t.conn;
    conn.events["capture_duplicate"]!++;
    conn.lastPacket = packetNumber;
    conn.endUs = tsUs;
    const v = this.verdict;
    v.connId = conn.id;
    v.dir = dir;
    v.events = TcpEvent.CAPTURE_DUPLICATE;
    return v;
  }

  /**
   * End of capture: pending holes become gaps, still-open sinks get close("end-of-capture").
   * Connections without FIN or RST keep close.how = "open". Later track() calls are ignored.
   */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const t of this.tracked) {
      if (t.reasm !== null) {
        t.reasm.flush(t.conn.lastPacket, t.conn.endUs);
        this.closeSink(t, { how: "end-of-capture", by: null, tsUs: t.conn.endUs });
      }
    }
    this.table.clear();
  }

  /**
   * Lets go of connections (a live capture's window: closed and settled, or silent too long): their
   * sequence-analysis state and any reassembly in progress are dropped (held bytes return to the
   * budget; the dissector gets no further call), and their 4-tuples leave the lookup table, so a
   * later packet on the same 4-tuple starts a new connection. Their Connection records stay, as
   * they are or as what `compact` makes of them (a live window keeps them as compact rows).
   */
  forget(ids: Iterable<number>, compact?: (c: Connection) => Connection): void {
    let n = 0;
    for (const id of ids) {
      const t = this.tracked.at(id);
      if (!t) continue;
      if (compact) {
        const kept = compact(t.conn);
        this.list[id] = kept;
        this.held.set(id, kept);
      }
      t.reasm?.release();
      t.reasm = null;
      t.sinkState = SINK_DONE;
      this.tracked.delete(id);
      n++;
    }
    if (n > 0) this.table.retain((t) => this.tracked.at(t.conn.id) === t);
  }

  /**
   * Drops the records of connections already let go (forget): their place in the list becomes a
   * hole, so nothing is kept per connection but the list's slot (src/live/folded.ts keeps their
   * aggregates).
   */
  fold(ids: Iterable<number>): void {
    for (const id of ids) {
      if (this.tracked.at(id)) throw new Error(`connection ${id} folded while still tracked`);
      this.list[id] = undefined;
      this.held.delete(id);
    }
  }

  private create(packetNumber: number, tsUs: number, pkt: DecodedPacket, srcIsLow: boolean): Tracked {
    const flags = pkt.flags;
    let clientIsSrc: boolean;
    let reason: Connection["roleReason"];
    if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      clientIsSrc = true;
      reason = "syn";
    } else if ((flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK)) {
      clientIsSrc = false;
      reason = "syn-ack";
    } else {
      inferServer(pkt.srcPort, pkt.dstPort, this.role);
      clientIsSrc = this.role.serverIsDst;
      reason = this.role.reason;
    }
    const src = { addr: formatAddr(pkt.srcAddr, pkt.ipVersion === 6 ? 6 : 4), port: pkt.srcPort };
    const dst = { addr: formatAddr(pkt.dstAddr, pkt.ipVersion === 6 ? 6 : 4), port: pkt.dstPort };
    const events: Record<string, number> = {};
    for (const k of EVENT_KEYS) events[k] = 0;
    const conn: Connection = {
      id: this.list.length,
      client: clientIsSrc ? src : dst,
      server: clientIsSrc ? dst : src,
      roleInferred: reason === "well-known-port" || reason === "lower-port",
      roleReason: reason,
      firstPacket: packetNumber,
      lastPacket: -1,
      startUs: tsUs,
      endUs: tsUs,
      handshakeRttUs: null,
      synPacket: -1,
      c2s: newDirectionStats(),
      s2c: newDirectionStats(),
      close: { how: "open", by: null, packet: -1, tsUs: 0, idleBeforeUs: 0, rstTtl: -1, rstIpId: -1, unackedFromOtherBytes: -1, senderPrevIpId: -1 },
      longestIdleUs: 0,
      longestIdleEndPacket: -1,
      longestIdleEndUs: 0,
      events,
      reassembly: { outOfOrderBuffered: 0, gaps: 0, gapBytes: 0, dropped: 0 },
      dissector: null,
      malformed: null,
    };
    const t: Tracked = {
      conn,
      clientIsLow: clientIsSrc === srcIsLow,
      flows: [new FlowAnalysis(), new FlowAnalysis()],
      analysis: new ConnAnalysis(),
      sinkState: this.openSink === undefined ? SINK_DONE : SINK_UNASKED,
      reasm: null,
      synSeq: [-1, -1],
      finSeq: [-1, -1],
      lastTsUs: tsUs,
      last: { dir: -1, ipVersion: 0, ipId: -1, seq: 0, ack: 0, flags: 0, window: 0, payloadLen: 0, tsVal: -1, tsEcr: -1, sackCount: 0, sackLeft: -1, sackRight: -1 },
    };
    this.list.push(conn);
    this.held.set(conn.id, conn);
    this.tracked.set(t.conn.id, t);
    this.table.set(t);
    return t;
  }

  private reassemble(t: Tracked, dir: 0 | 1, packetNumber: number, tsUs: number, pkt: DecodedPacket, frame: Uint8Array, mask: number): void {
    const flags = pkt.flags;
    if (flags & TcpFlag.SYN && t.synSeq[dir] < 0) t.synSeq[dir] = pkt.seq;
    const dataSeq = (pkt.seq + (flags & TcpFlag.SYN ? 1 : 0)) >>> 0;
    if (flags & TcpFlag.FIN && t.finSeq[dir] < 0) t.finSeq[dir] = (dataSeq + pkt.payloadLen) >>> 0;
    if (t.sinkState === SINK_DONE) return;

    // Probe bytes are not stream bytes: a keep-alive repeats an old byte, a zero-window probe's
    // byte is sent again once the window opens.
    const hasPayload = pkt.payloadLen > 0 && (mask & (TcpEvent.KEEP_ALIVE | TcpEvent.ZERO_WINDOW_PROBE)) === 0;
    if (t.sinkState === SINK_UNASKED) {
      if (!hasPayload || flags & TcpFlag.RST) return;
      let sink: StreamSink | null;
      try {
        sink = this.openSink!(t.conn);
      } catch (e) {
        t.conn.malformed = e instanceof Error ? e.message : String(e);
        t.sinkState = SINK_DONE;
        return;
      }
      if (sink === null) {
        t.sinkState = SINK_DONE;
        return;
      }
      t.sinkState = SINK_ACTIVE;
      const r = new ConnectionReassembler(sink, t.conn.reassembly, this.budget, this.ref);
      if (t.synSeq[0] >= 0) r.syn(0, t.synSeq[0]);
      if (t.synSeq[1] >= 0) r.syn(1, t.synSeq[1]);
      t.reasm = r;
    }
    const r = t.reasm!;
    if (flags & TcpFlag.SYN) r.syn(dir, pkt.seq);
    if (flags & TcpFlag.ACK) r.acked(dir === 0 ? 1 : 0, pkt.ack, packetNumber, tsUs);
    if (flags & TcpFlag.RST) {
      r.flush(packetNumber, tsUs);
      this.closeSink(t, { how: "rst", by: dir === 0 ? "client" : "server", tsUs });
      return;
    }
    if (hasPayload) {
      const start = pkt.payloadOffset;
      let capLen = pkt.capturedPayloadLen;
      if (start + capLen > frame.length) capLen = Math.max(0, frame.length - start);
      r.segment(dir, dataSeq, pkt.payloadLen, frame.subarray(start, start + capLen), packetNumber, tsUs);
    }
    // Replay FINs here (not only this packet's): a sink opened after a FIN needs it too.
    if (t.finSeq[0] >= 0) r.fin(0, t.finSeq[0]);
    if (t.finSeq[1] >= 0) r.fin(1, t.finSeq[1]);
    if (t.conn.c2s.streamSeq < 0) t.conn.c2s.streamSeq = r.startSeq(0);
    if (t.conn.s2c.streamSeq < 0) t.conn.s2c.streamSeq = r.startSeq(1);
    if (r.error !== null) {
      this.sinkFailed(t, r.error);
      return;
    }
    if (r.bothEnded()) {
      const c = t.conn.close;
      this.closeSink(t, { how: "fin", by: c.how === "fin" ? c.by : null, tsUs });
    }
  }

  /** A reused port starts a new connection: the old one's sink is finished first. */
  private endForReuse(t: Tracked): void {
    if (t.reasm === null) return;
    t.reasm.flush(t.conn.lastPacket, t.conn.endUs);
    const c = t.conn.close;
    this.closeSink(t, { how: c.how === "fin" ? "fin" : "end-of-capture", by: c.by, tsUs: t.conn.endUs });
  }

  private closeSink(t: Tracked, how: CloseInfo): void {
    const r = t.reasm;
    if (r === null) return;
    if (r.error === null) r.close(how);
    t.reasm = null;
    t.sinkState = SINK_DONE;
    if (r.error !== null) this.sinkFailed(t, r.error);
  }

  private sinkFailed(t: Tracked, message: string): void {
    if (t.conn.malformed === null) t.conn.malformed = message;
    t.reasm = null;
    t.sinkState = SINK_DONE;
  }
}
