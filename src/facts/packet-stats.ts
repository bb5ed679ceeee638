/**
 * What one walk over the packet index learns per connection that the Connection lacks (RST and
 * FIN counts, keep-alive probes, what followed the longest silence), and each connection's packet
 * numbers. A static capture walks its index once per evaluation (scanPackets); a live capture
 * keeps a ConnectionPacketScan between evaluations and advances it over the packets that arrived
 * since, so an evaluation costs the new packets, not the whole capture (src/live/incremental.ts).
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { TcpEvent, type Connection } from "../tcp/types.js";
import { IdSlots, type ById } from "../tcp/id-slots.js";

/**
 * What stays of a connection the scan forgot (a live window's retired row, src/live/retired-rows.ts):
 * its counters, and the values its memos held, read from there instead of kept per connection.
 */
export interface ForgottenConnections {
  has(id: number): boolean;
  stats(id: number): PacketStats;
  /** A memo's value for a forgotten connection, undefined when it kept none for that slot. */
  memo(slot: string, id: number): unknown;
}

const RST = 0x004;
const FIN = 0x001;

export interface PacketStats {
  rstPackets: number;
  finPackets: number;
  /** Keep-alive probe times, per direction (0 = from client, 1 = from server). */
  keepalive: [number[], number[]];
  /** Silence before the first probe, µs (-1 before any). */
  keepaliveIdleUs: number;
  afterIdleClientRetransmissions: number;
  afterIdleServerPackets: number;
  /** Retransmissions per sender (0 = the client, 1 = the server), and the first one's packet number (-1: none). */
  retransmissions: [number, number];
  firstRetransmissionFrame: number;
  /** Zero-window advertisements per advertiser (0 = the client, 1 = the server). */
  zeroWindows: [number, number];
  /**
   * Per advertiser, the zero-window stall under way: the time and packet number (1-based) of the
   * advertisement that closed the window, or -1 when the window is open.
   */
  stallStartUs: [number, number];
  stallStartFrame: [number, number];
  /** The longest stall that ended: µs, who advertised it, its first and its ending packet (-1 before any). */
  longestStallUs: number;
  longestStallBy: 0 | 1;
  longestStallFrame: number;
  longestStallEndFrame: number;
}

function newStats(): PacketStats {
  return {
    rstPackets: 0,
    finPackets: 0,
    keepalive: [[], []],
    keepaliveIdleUs: -1,
    afterIdleClientRetransmissions: 0,
    afterIdleServerPackets: 0,
    retransmissions: [0, 0],
    firstRetransmissionFrame: -1,
    zeroWindows: [0, 0],
    stallStartUs: [-1, -1],
    stallStartFrame: [-1, -1],
    longestStallUs: -1,
    longestStallBy: 0,
    longestStallFrame: -1,
    longestStallEndFrame: -1,
  };
}

/**
 * A receive window's longest stall: from the advertisement that closed it to the advertiser's
 * next packet that does not advertise zero (its window update, or its FIN or RST), or, for a
 * window still shut, to the connection's last packet (`endFrame` -1). Null without zero windows.
 */
export function longestZeroWindowStall(s: PacketStats, lastUs: number): { us: number; by: 0 | 1; frame: number; endFrame: number } | null {
  let best = s.longestStallUs >= 0 ? { us: s.longestStallUs, by: s.longestStallBy, frame: s.longestStallFrame, endFrame: s.longestStallEndFrame } : null;
  for (const d of [0, 1] as const) {
    if (s.stallStartUs[d] < 0) continue;
    const us = Math.max(0, lastUs - s.stallStartUs[d]);
    if (!best || us > best.us) best = { us, by: d, frame: s.stallStartFrame[d], endFrame: -1 };
  }
  return best;
}

/** The stats of every connection (index = connection id), from one walk over the whole index. */
export function scanPackets(capture: AnalysedCapture): PacketStats[] {
  const scan = new ConnectionPacketScan(false);
  scan.advance(capture);
  return Array.from({ length: capture.connections.length }, (_, id) => scan.stats.at(id)!);
}

/** What the scan keeps per connection. */
interface ScanEntry {
  stats: PacketStats;
  /** The connection's last packet time (-1: none yet). */
  lastTs: number;
  /** The longest-silence end its after-idle counters count from. */
  idleEnd: number;
  /** Packet indexes (absolute) and how many are used; null once forgotten. */
  list: Int32Array | null;
  used: number;
  /** Packets seen (kept after forget, for the memo's validity). */
  seen: number;
  /** Values derived from its packets, by slot (memo), with the packets seen when computed. */
  memos: Map<string, { n: number; value: unknown }> | null;
}

/**
 * Per-connection stats (and, with `keepLists`, packet numbers) kept up to date as packets arrive.
 * Exact against scanPackets over the same packets: every counter is a running sum in packet
 * order, and the counters after the longest silence restart when the tracker moves that silence
 * (it moves it to the packet it is processing, always one this scan has not seen yet).
 * A connection folded out of a live capture (fold) leaves nothing here (src/tcp/id-slots.ts).
 */
export class ConnectionPacketScan {
  private readonly entries = new IdSlots<ScanEntry>();
  /** Connections taken in (ids [0, opened)). */
  private opened = 0;
  /** Packets the scan has taken in (the index rows [0, cursor)). */
  private cursor = 0;
  /** Connections whose packets are gone (their detail left a live window), and what stays of them. */
  private forgotten: ForgottenConnections = NONE_FORGOTTEN;

  /** Each connection's counters (a folded one: an empty, frozen one). */
  readonly stats: ById<PacketStats> = {
    at: (id) => this.entries.at(id)?.stats ?? (id >= 0 && id < this.opened ? FOLDED_STATS : undefined),
    [Symbol.iterator]: () => [...this.entries].map((e) => e.stats)[Symbol.iterator](),
  };

  constructor(private readonly keepLists: boolean) {}

  /** Takes in the packets added to the index since the last call (and the connections opened since). */
  advance(capture: Pick<AnalysedCapture, "packets" | "connections">): void {
    const conns = capture.connections;
    for (; this.opened < conns.length; this.opened++) {
      // A connection folded before the scan saw it (none on the live path) gets no entry.
      if (conns[this.opened] !== undefined) this.entries.set(this.opened, { stats: newStats(), lastTs: -1, idleEnd: 0, list: null, used: 0, seen: 0, memos: null });
    }
    const p = capture.packets;
    const b = p.base;
    // Rows that left the index before the scan saw them cannot be counted (not on the live path: it advances before rows leave).
    for (let i = Math.max(this.cursor, b); i < p.count; i++) {
      const r = i - b;
      const c = p.connId[r]!;
      // A capture copy (tcpdump -i any) is not a packet the connection sent: see TcpTracker.
      if (c < 0 || p.events[r]! & TcpEvent.CAPTURE_DUPLICATE) continue;
      const conn = conns[c];
      // A connection a live capture folded (a hole): nothing is counted for it any more.
      if (conn === undefined) continue;
      const e = this.entries.at(c);
      if (e === undefined) continue;
      const s = e.stats;
      e.seen++;
      if (this.keepLists && !this.forgotten.has(c)) append(e, i);
      const flags = p.tcpFlags[r]!;
      if (flags & RST) s.rstPackets++;
      if (flags & FIN) s.finPackets++;
      const ts = p.tsUs[r]!;
      // What happened once the longest silence ended: a silent drop shows the client retransmitting
      // into nothing, with no packet from the server.
      if (conn.longestIdleEndPacket !== e.idleEnd) {
        e.idleEnd = conn.longestIdleEndPacket;
        s.afterIdleClientRetransmissions = 0;
        s.afterIdleServerPackets = 0;
      }
      if (conn.longestIdleEndPacket > 0 && i + 1 >= conn.longestIdleEndPacket) {
        if (p.dir[r] === 0 && p.events[r]! & TcpEvent.RETRANSMISSION) s.afterIdleClientRetransmissions++;
        if (p.dir[r] === 1) s.afterIdleServerPackets++;
      }
      // Wireshark's zero_window: a window of 0 on any packet but SYN, FIN and RST (the
      // advertiser's own probe ACKs included), so the stall lasts until a packet of the same side
      // without it.
      const d = p.dir[r] === 0 ? 0 : 1;
      if (p.events[r]! & TcpEvent.RETRANSMISSION) {
        s.retransmissions[d]++;
        if (s.firstRetransmissionFrame < 0) s.firstRetransmissionFrame = i + 1;
      }
      if (p.events[r]! & TcpEvent.ZERO_WINDOW) {
        s.zeroWindows[d]++;
        if (s.stallStartUs[d] < 0) {
          s.stallStartUs[d] = ts;
          s.stallStartFrame[d] = i + 1;
        }
      } else if (s.stallStartUs[d] >= 0) {
        const us = ts - s.stallStartUs[d];
        if (us > s.longestStallUs) {
          s.longestStallUs = us;
          s.longestStallBy = d;
          s.longestStallFrame = s.stallStartFrame[d];
          s.longestStallEndFrame = i + 1;
        }
        s.stallStartUs[d] = -1;
        s.stallStartFrame[d] = -1;
      }
      if (p.events[r]! & TcpEvent.KEEP_ALIVE) {
        if (s.keepaliveIdleUs < 0 && e.lastTs >= 0) s.keepaliveIdleUs = ts - e.lastTs;
        s.keepalive[p.dir[r]! === 0 ? 0 : 1].push(ts);
      }
      e.lastTs = ts;
    }
    this.cursor = p.count;
  }

  /** A connection's packet indexes (0-based), in capture order (lists kept only). */
  packetsOf(connId: number): Int32Array {
    const e = this.entries.at(connId);
    return e?.list ? e.list.subarray(0, e.used) : EMPTY;
  }

  /**
   * A value derived from one connection's packets, computed again only when the connection has
   * packets it did not have then. A forgotten connection keeps its last value (its packets are gone).
   */
  memo<T>(slot: string, connId: number, compute: () => T): T {
    if (this.forgotten.has(connId)) {
      const kept = this.forgotten.memo(slot, connId);
      if (kept !== undefined) return kept as T;
    }
    const e = this.entries.at(connId);
    const hit = e?.memos?.get(slot);
    const n = e?.seen ?? 0;
    if (hit && (hit.n === n || this.forgotten.has(connId))) return hit.value as T;
    const value = compute();
    if (e) (e.memos ??= new Map()).set(slot, { n, value });
    return value;
  }

  /**
   * Drops the packet lists of connections whose detail left the window. With `kept` (what stays
   * of them: their retired rows), their counters and memos are read from there and the scan's own
   * objects for them are let go; without it, their memos stay as they are.
   */
  forget(ids: readonly number[], kept?: ForgottenConnections): void {
    // One way per scan: rows (a live window) or the scan's own set (kept as they are).
    if (kept) this.forgotten = kept;
    else if (this.forgotten === NONE_FORGOTTEN) this.forgotten = new ForgottenSet(this);
    for (const id of ids) {
      if (!kept) (this.forgotten as ForgottenSet).add(id);
      const e = this.entries.at(id);
      if (!e) continue;
      e.list = null;
      e.used = 0;
      if (kept) {
        e.stats = kept.stats(id);
        e.memos = null;
      }
    }
  }

  /**
   * Connections folded out of a live capture (src/live/folded.ts): their rows, which the scan read
   * their counters from, are freed, and so is their entry here (their counters read as an empty one).
   */
  fold(ids: readonly number[]): void {
    for (const id of ids) this.entries.delete(id);
  }

  /**
   * The index dropped the rows before absolute index `base` (the window moved): each connection's
   * packet list keeps its packets from there on (a connection longer than the window is described
   * from its last part; see describeEnd). Lists are in capture order, so it is a cut of each list's
   * head. Walks the connections the scan holds, not every one it saw.
   */
  trimBefore(base: number): void {
    this.entries.forEach((e) => {
      const l = e.list;
      const n = e.used;
      if (!l || n === 0 || l[0]! >= base) return;
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (l[mid]! < base) lo = mid + 1;
        else hi = mid;
      }
      if (lo === n) {
        e.list = null;
        e.used = 0;
        return;
      }
      const rest = n - lo;
      // Shrink a list that is mostly empty now (a long connection's list would otherwise keep its peak).
      if (rest * 4 < l.length && l.length > 16) {
        const next = new Int32Array(Math.max(16, rest * 2));
        next.set(l.subarray(lo, n));
        e.list = next;
      } else l.copyWithin(0, lo, n);
      e.used = rest;
    });
  }
}

function append(e: ScanEntry, i: number): void {
  let l = e.list;
  const n = e.used;
  if (!l) e.list = l = new Int32Array(16);
  else if (n === l.length) {
    const bigger = new Int32Array(l.length * 2);
    bigger.set(l);
    e.list = l = bigger;
  }
  l[n] = i;
  e.used = n + 1;
}

const EMPTY = new Int32Array(0);

/** What a folded connection's counters read as: nothing (its aggregate is elsewhere); never written, as no packet reaches it. */
const FOLDED_STATS: PacketStats = Object.freeze(newStats());

const NONE_FORGOTTEN: ForgottenConnections = { has: () => false, stats: () => newStats(), memo: () => undefined };

/** Forgotten connections that keep their own stats and memos (forget without rows). */
class ForgottenSet implements ForgottenConnections {
  private readonly ids = new Set<number>();
  constructor(private readonly scan: ConnectionPacketScan) {}
  has(id: number): boolean {
    return this.ids.has(id);
  }
  add(id: number): void {
    this.ids.add(id);
  }
  stats(id: number): PacketStats {
    return this.scan.stats.at(id) ?? newStats();
  }
  memo(): unknown {
    return undefined;
  }
}

/**
 * The live capture's scan, for the snapshot the rules read (a live evaluation registers it; a
 * static capture has none and the facts walk the index themselves).
 */
const live = new WeakMap<object, ConnectionPacketScan>();

export function useConnectionPacketScan(capture: AnalysedCapture, scan: ConnectionPacketScan): void {
  live.set(capture, scan);
}

export function connectionPacketScan(capture: AnalysedCapture): ConnectionPacketScan | undefined {
  return live.get(capture);
}
