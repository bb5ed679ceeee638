/**
 * conn.protocols: the stream dissectors that decoded something on each connection — the one that
 * took it, and any it opened inside (Kafka in decrypted TLS: ["tls", "kafka"]). Connections with
 * the same protocols share one frozen list.
 */

import type { AnalysedCapture, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import type { Connection } from "../tcp/types.js";

const shared = new Map<string, string[]>();

/** One frozen list per distinct set of protocols. */
function sharedList(list: string[]): string[] {
  const key = list.join(",");
  let s = shared.get(key);
  if (!s) shared.set(key, (s = Object.freeze(list) as string[]));
  return s;
}

/**
 * The protocols of each connection (`need`: only those; others read []), from one walk over the
 * messages and exchanges; a live capture's snapshot reads its kept sets instead (LiveProtocols).
 */
export function protocolsPerConnection(capture: AnalysedCapture, need?: (id: number) => boolean): (id: number) => string[] {
  const kept = live.get(capture);
  if (kept) return (id) => kept.of(capture.connections[id]);
  const seen: Array<Set<string> | null> = capture.connections.map((c) => (c?.dissector ? new Set([c.dissector]) : null));
  // Most messages are their connection's own dissector's: a set is touched only for another one.
  for (const pdu of capture.pdus) {
    if (pdu.dissector === capture.connections[pdu.connId]?.dissector || (need && !need(pdu.connId))) continue;
    (seen[pdu.connId] ??= new Set()).add(pdu.dissector);
  }
  for (const e of capture.exchanges) {
    if (e.dissector === capture.connections[e.connId]?.dissector || (need && !need(e.connId))) continue;
    (seen[e.connId] ??= new Set()).add(e.dissector);
  }
  const lists = seen.map((set) => sharedList(set ? [...set] : []));
  return (id) => lists[id] ?? NONE;
}

const NONE = sharedList([]);

/**
 * A live capture's protocols per connection, advanced over the messages and exchanges the pass
 * appended since the last re-run instead of a walk over all the window holds. Per connection it
 * keeps the dissectors its messages named and those its exchanges named, each in first-seen
 * order, so the list read is the walk's: the connection's own dissector, then the messages',
 * then the exchanges'.
 */
export class LiveProtocols {
  private readonly fromPdus = new Map<number, string[]>();
  private readonly fromExchanges = new Map<number, string[]>();
  private pduCursor = 0;
  private exchangeCursor = 0;

  advance(pdus: readonly StoredPdu[], exchanges: readonly StoredExchange[]): void {
    for (let i = this.pduCursor; i < pdus.length; i++) note(this.fromPdus, pdus[i]!.connId, pdus[i]!.dissector);
    this.pduCursor = pdus.length;
    for (let i = this.exchangeCursor; i < exchanges.length; i++) note(this.fromExchanges, exchanges[i]!.connId, exchanges[i]!.dissector);
    this.exchangeCursor = exchanges.length;
  }

  /** The window took the messages of connections that left out of the lists (all taken in already). */
  forget(ids: readonly number[], pdus: readonly StoredPdu[], exchanges: readonly StoredExchange[]): void {
    for (const id of ids) {
      this.fromPdus.delete(id);
      this.fromExchanges.delete(id);
    }
    this.pduCursor = pdus.length;
    this.exchangeCursor = exchanges.length;
  }

  of(c: Connection | undefined): string[] {
    if (!c) return NONE;
    const p = this.fromPdus.get(c.id);
    const x = this.fromExchanges.get(c.id);
    if (!p && !x) return c.dissector ? sharedList([c.dissector]) : NONE;
    const out = new Set<string>(c.dissector ? [c.dissector] : []);
    for (const d of p ?? []) out.add(d);
    for (const d of x ?? []) out.add(d);
    return sharedList([...out]);
  }
}

/** Adds a dissector to a connection's first-seen list (a handful at most). */
function note(m: Map<number, string[]>, id: number, dissector: string): void {
  const l = m.get(id);
  if (!l) m.set(id, [dissector]);
  else if (!l.includes(dissector)) l.push(dissector);
}

const live = new WeakMap<AnalysedCapture, LiveProtocols>();

/** A live re-run's snapshot reads these sets instead of walking its messages. */
export function useLiveProtocols(capture: AnalysedCapture, kept: LiveProtocols): void {
  live.set(capture, kept);
}
