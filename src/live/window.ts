/**
 * The detail window of a live capture (`kdiag watch --window`): the Kafka messages and exchanges
 * of connections that closed, were evaluated in their final state and whose last packet is older
 * than the window leave the model; what stays of them is a compact summary (how many connections
 * and exchanges, and per API the exchanges' count, errors and latency) and their findings, printed
 * when they left (each with its evidence packets). So the stored messages, and the cost of each
 * live evaluation, are bounded by the window instead of growing with the capture.
 *
 * What is not windowed: the packet index (41 bytes a packet, typed arrays) and the connection
 * table (one record per connection, about 1 kB) still grow with the capture; see README "Memory
 * and scale".
 */

import type { StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import type { PassSoFar } from "../model/analyse.js";
import type { Connection } from "../tcp/types.js";

/** How much detail to keep: the last `packets` packets, or the last `us` microseconds of capture time. */
export type WindowSize = { packets: number } | { us: number };

/** Default: the last 200,000 packets (at 100k packets/s, two seconds; at 1k packets/s, over three minutes). */
export const DEFAULT_WINDOW: WindowSize = { packets: 200_000 };

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
  readonly retired = new Set<number>();
  readonly summary: RetiredSummary = { connections: 0, pdus: 0, exchanges: 0, byApi: new Map() };

  constructor(readonly size: WindowSize) {}

  /**
   * Drops from the pass's lists the PDUs and exchanges of the connections `done` says are settled
   * (closed, evaluated in their final state) whose last packet is out of the window. Returns the
   * ids of the connections retired now (the caller prints their pending findings first).
   */
  retire(so: PassSoFar, done: (c: Connection) => boolean, nowUs: number): number[] {
    const now: number[] = [];
    for (const c of so.connections) {
      if (this.retired.has(c.id) || !this.leaving(c, so.packets.count, nowUs) || !done(c)) continue;
      now.push(c.id);
    }
    if (now.length === 0) return now;
    const leaving = new Set(now);
    for (const id of now) this.retired.add(id);
    this.summary.connections += now.length;
    this.summary.pdus += compact(so.pdus as StoredPdu[], (d) => leaving.has(d.connId));
    this.summary.exchanges += compact(so.exchanges as StoredExchange[], (x) => {
      if (!leaving.has(x.connId)) return false;
      this.tally(x);
      return true;
    });
    return now;
  }

  /** A closed connection not retired yet whose last packet is out of the window (`newest`: the packet count). */
  leaving(c: Connection, newest: number, nowUs: number): boolean {
    if (this.retired.has(c.id) || c.close.how === "open") return false;
    return "packets" in this.size ? newest - c.lastPacket >= this.size.packets : nowUs - c.endUs >= this.size.us;
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
