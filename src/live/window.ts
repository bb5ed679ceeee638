/**
 * The detail window of a live capture (`kdiag watch --window`): the Kafka messages and exchanges
 * of connections that closed, were evaluated in their final state and whose last packet is older
 * than the window leave the model; what stays of them is a compact summary (how many connections
 * and exchanges, and per API the exchanges' count, errors and latency) and their findings, printed
 * when they left (each with its evidence packets). So the stored messages, and the cost of each
 * live evaluation, are bounded by the window instead of growing with the capture.
 *
 * The packet index is windowed too by kdiag watch (indexFrom): its rows before the window leave,
 * but those of the oldest connection still in the window, up to a row cap (packet numbers stay
 * absolute; the index keeps a base offset), and
 * the tracker lets go of the state of the connections that left (their Connection record stays,
 * as the summary row the connection table and the aggregates per path and server read).
 * A connection that never closes (no FIN or RST seen: the capture missed it, or a middlebox
 * dropped it silently) leaves once it has been silent for `letGoUs` of capture time.
 */

import type { Note, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import type { PassSoFar } from "../model/analyse.js";
import type { Connection } from "../tcp/types.js";
import { LeftIds } from "./left-ids.js";

/** How much detail to keep: the last `packets` packets, or the last `us` microseconds of capture time. */
export type WindowSize = { packets: number } | { us: number };

/**
 * The packet index holds at least this many rows before it cuts a connection still in the window
 * (400,000 rows, 16 MiB; a packet window holds twice its size at most): connections longer than
 * that are described from their last part.
 */
export const INDEX_MAX_ROWS_MIN = 400_000;

/** Default: the last 200,000 packets (at 100k packets/s, two seconds; at 1k packets/s, over three minutes). */
export const DEFAULT_WINDOW: WindowSize = { packets: 200_000 };

/**
 * Default silence after which a connection with no FIN or RST is let go: 15 minutes. Longer than
 * Kafka's own idle reaper (connections.max.idle.ms, 10 minutes by default on the broker, 9 on
 * clients), so a Kafka connection is never let go while the broker would still keep it open; a
 * connection silent that long without a FIN or RST is one whose end the capture did not see.
 * (TCP keepalive, 2 hours by default on Linux, keeps a connection's packets coming if it is on.)
 */
export const DEFAULT_LET_GO_US = 15 * 60e6;

/**
 * Default number of connections that left the window kept as compact rows before the oldest are
 * folded into per-server and per-path aggregates (`--keep-connections`): 200,000 rows of 544
 * bytes of columns (allocated in doublings: 262,144 rows, 136 MiB at most) and a view of about
 * 60 bytes each (bench/README.md, "Connections folded"), so with the window's plateau of
 * 350-450 MiB the process stays well under 1 GiB. At 7 new connections a second that is 8 hours
 * of connections with their full row; a busy broker folds sooner.
 */
export const DEFAULT_KEEP_CONNECTIONS = 200_000;

/** Parses `--keep-connections`: a whole number of rows (0 folds every connection as it leaves), or all (never fold); null when it is neither. */
export function parseKeepConnections(text: string): number | null {
  if (text.trim() === "all") return Infinity;
  const n = Number(text);
  return text.trim() !== "" && Number.isInteger(n) && n >= 0 ? n : null;
}

export function keepConnectionsError(text: string): string {
  return `--keep-connections ${text}: expected a whole number of connections (200000), 0, or all`;
}

/** Parses a duration ("90s", "15m", "1h", or seconds): microseconds, or null. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (!(n > 0)) return null;
  return n * { s: 1e6, m: 60e6, h: 3600e6 }[(m[2] ?? "s") as "s" | "m" | "h"];
}

/** Parses `--window`: a packet count ("200000") or a duration ("90s", "10m", "1h"). null when it is neither. */
export function parseWindow(text: string): WindowSize | null {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (!(n > 0)) return null;
  if (!m[2]) return Number.isInteger(n) ? { packets: n } : null;
  const perUnit = { s: 1e6, m: 60e6, h: 3600e6 }[m[2] as "s" | "m" | "h"];
  return { us: n * perUnit };
}

export function describeWindow(w: WindowSize): string {
  return "packets" in w ? `the last ${w.packets} packets` : `the last ${w.us / 1e6} s`;
}

/** Per Kafka API (or other dissector's) exchanges that left the window. */
export interface ExchangeTally {
  exchanges: number;
  /** Exchanges with a non-zero error code. */
  errors: number;
  unanswered: number;
  /** Sum and maximum of the answered exchanges' latency, microseconds. */
  latencySumUs: number;
  latencyMaxUs: number;
}

/** What stays of the detail that left the window. */
export interface RetiredSummary {
  connections: number;
  pdus: number;
  exchanges: number;
  /** By API name as the exchange summary starts ("Produce v7 ..." -> "Produce"). */
  byApi: Map<string, ExchangeTally>;
}

export class LiveWindow {
  /** Connections whose detail left the window. */
  readonly retired = new LeftIds();
  readonly summary: RetiredSummary = { connections: 0, pdus: 0, exchanges: 0, byApi: new Map() };
  /** The oldest connection (by id, i.e. by first packet) not retired yet, as last looked at. */
  private oldest = 0;

  constructor(
    readonly size: WindowSize,
    /** Silence (capture time, µs) after which an open connection leaves (DEFAULT_LET_GO_US). */
    readonly letGoUs: number = DEFAULT_LET_GO_US,
    /** At least this many index rows before a connection in the window is cut (tests set it low). */
    private readonly maxRowsMin: number = INDEX_MAX_ROWS_MIN,
  ) {}

  /**
   * Drops from the pass's lists the PDUs and exchanges of the connections `done` says are settled
   * (closed, evaluated in their final state) whose last packet is out of the window. Returns the
   * ids of the connections retired now (the caller prints their pending findings first).
   */
  retire(so: PassSoFar, done: (c: Connection) => boolean, nowUs: number): number[] {
    const now: number[] = [];
    // The connections still held, not every id after the oldest of them.
    this.retired.see(so.connections.length);
    for (const id of this.retired.stillHeld()) {
      const c = so.connections[id];
      // A hole: folded, so retired long ago.
      if (c === undefined || !this.leaving(c, so.packets.count, nowUs) || !done(c)) continue;
      now.push(c.id);
    }
    if (now.length === 0) return now;
    const leaving = new Set(now);
    for (const id of now) this.retired.add(id);
    this.summary.connections += now.length;
    this.summary.pdus += compact(so.pdus as StoredPdu[], (d) => leaving.has(d.connId));
    // A dissector's notes on those connections (gaps, reused ids) go with their detail.
    compact(so.notes as Note[], (n) => leaving.has(n.connId));
    this.summary.exchanges += compact(so.exchanges as StoredExchange[], (x) => {
      if (!leaving.has(x.connId)) return false;
      this.tally(x);
      return true;
    });
    return now;
  }

  /**
   * A connection not retired yet that is due to leave (`newest`: the packet count): closed with its
   * last packet out of the window, or open and silent for letGoUs (and out of the window).
   */
  leaving(c: Connection, newest: number, nowUs: number): boolean {
    if (this.retired.has(c.id)) return false;
    if (c.close.how === "open" && !this.silent(c, nowUs)) return false;
    return "packets" in this.size ? newest - c.lastPacket >= this.size.packets : nowUs - c.endUs >= this.size.us;
  }

  /** An open connection silent long enough to be let go. */
  silent(c: Connection, nowUs: number): boolean {
    return c.close.how === "open" && nowUs - c.endUs >= this.letGoUs;
  }

  /**
   * The first packet (0-based, absolute) whose row the packet index must keep: the window's first,
   * or earlier, the first packet of the oldest connection still in the window (a connection is
   * described from all its packets until it leaves) — but never more than maxRows rows: past
   * that, a connection longer than that is described from its last part (src/facts/end-shape.ts).
   */
  indexFrom(packets: PassSoFar["packets"], nowUs: number, connections: readonly (Connection | undefined)[]): number {
    this.advanceOldest(connections);
    const pinned = this.oldest < connections.length ? connections[this.oldest]!.firstPacket - 1 : packets.count;
    const windowFrom = this.windowFrom(packets, nowUs);
    return Math.max(Math.min(windowFrom, pinned), packets.count - this.maxRows(), packets.base);
  }

  private advanceOldest(connections: readonly (Connection | undefined)[]): void {
    this.retired.see(connections.length);
    while (this.oldest < connections.length && this.retired.has(this.oldest)) this.oldest++;
  }

  /** The most rows the index holds: twice a packet window, and at least INDEX_MAX_ROWS_MIN. */
  maxRows(): number {
    return "packets" in this.size ? Math.max(2 * this.size.packets, this.maxRowsMin) : this.maxRowsMin;
  }

  private windowFrom(packets: PassSoFar["packets"], nowUs: number): number {
    if ("packets" in this.size) return Math.max(0, packets.count - this.size.packets);
    // Capture time: the first held row at or after now - window (times are nearly in order).
    const from = nowUs - this.size.us;
    let lo = packets.base;
    let hi = packets.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (packets.tsUs[mid - packets.base]! < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private tally(x: StoredExchange): void {
    const api = x.summary.split(" ", 1)[0] || x.dissector;
    let t = this.summary.byApi.get(api);
    if (!t) {
      t = { exchanges: 0, errors: 0, unanswered: 0, latencySumUs: 0, latencyMaxUs: 0 };
      this.summary.byApi.set(api, t);
    }
    t.exchanges++;
    const err = x.fields["kafka.error"];
    if (Array.isArray(err) ? err.some((e) => typeof e === "number" && e !== 0) : typeof err === "number" && err !== 0) t.errors++;
    if (x.status === "unanswered") t.unanswered++;
    if (x.request && x.response) {
      const us = x.response.tsUs - x.request.tsUs;
      t.latencySumUs += us;
      if (us > t.latencyMaxUs) t.latencyMaxUs = us;
    }
  }
}

/** Removes, in place and in order, the items `leaves` picks; returns how many left. */
function compact<T>(list: T[], leaves: (item: T) => boolean): number {
  let kept = 0;
  for (let i = 0; i < list.length; i++) {
    const item = list[i]!;
    if (!leaves(item)) list[kept++] = item;
  }
  const gone = list.length - kept;
  list.length = kept;
  return gone;
}
