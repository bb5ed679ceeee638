/**
 * What each connection's Kafka exchanges add up to (requests, unanswered ones, errors, client id,
 * topics, Produce sizes, the last request): one walk over the exchanges, shared by conn.* and
 * end.* (reading a dissector field costs a lookup in a large record, and there are tens of
 * thousands of exchanges).
 */

import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { connectionEnds, liveEndOf, type EndInfo } from "./end-shape.js";
import { connectionPacketScan } from "./packet-stats.js";
import { IdSlots, type ById } from "../tcp/id-slots.js";

export interface KafkaOfConnection {
  requests: number;
  /**
   * Exchanges left without an answer, gaps in the capture included, and those answered only after
   * the client's own FIN/RST (see answeredAfterClose).
   */
  unanswered: number;
  /** Last frames of the requests left unanswered, not counting those a capture gap explains. */
  unansweredFrames: number[];
  /** Exchanges whose response carries a non-zero error code. */
  errors: number;
  clientId: string | null;
  /** Topics named on the connection (up to 8). */
  topics: Set<string> | null;
  lastRequest: StoredExchange | null;
  /** Sizes of the Produce requests that went through (answered, or acks=0). */
  produceSizes: number[];
  /** Sizes of the Produce requests answered MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE. */
  sizeErrors: number[];
  /** The first of those. */
  refused: StoredExchange | null;
  /**
   * Requests whose response began only after the client's own FIN/RST: the answer reached a closed
   * socket (Kafka clients close(2), never half-close), so the client had given up waiting (its
   * request timeout) and the broker was late. Counted as unanswered for the connection's end.
   */
  answeredAfterClose: StoredExchange[];
  /** Longest wait, request to the client's close, of a request still waiting then (-1: none). */
  waitAtCloseUs: number;
  /**
   * Of the requests the client gave up on with no answer at all in the capture (its close came
   * first, and none followed: Kafka drops the answer to a channel closed on EOF), the one that had
   * waited longest, among APIs that are not meant to wait (DESIGNED_WAIT_APIS are); its wait in
   * silentWaitUs (-1: none).
   */
  silentAtClose: StoredExchange | null;
  silentWaitUs: number;
}

const MAX_TOPICS = 8;
const SIZE_ERRORS = new Set([10, 18]);
/**
 * APIs whose answer the broker may hold back by design, so a slow answer says nothing about a
 * stall: Fetch and ShareFetch (max_wait_ms, a long poll), JoinGroup and SyncGroup (a rebalance
 * waits for the group's members), and the admin requests that wait for the controller up to their
 * timeout_ms (CreateTopics, DeleteTopics, DeleteRecords, CreatePartitions, ElectLeaders,
 * AlterPartitionReassignments).
 */
export const DESIGNED_WAIT_APIS: ReadonlySet<number> = new Set([1, 78, 11, 14, 19, 20, 21, 37, 43, 45]);

const cache = new WeakMap<AnalysedCapture, KafkaOfConnection[]>();

function fresh(): KafkaOfConnection {
  return {
    requests: 0,
    unanswered: 0,
    unansweredFrames: [],
    errors: 0,
    clientId: null,
    topics: null,
    lastRequest: null,
    produceSizes: [],
    sizeErrors: [],
    refused: null,
    answeredAfterClose: [],
    waitAtCloseUs: -1,
    silentAtClose: null,
    silentWaitUs: -1,
  };
}

const NO_KAFKA: KafkaOfConnection = Object.freeze({ ...fresh(), unansweredFrames: Object.freeze([]) as unknown as number[], produceSizes: Object.freeze([]) as unknown as number[], sizeErrors: Object.freeze([]) as unknown as number[], answeredAfterClose: Object.freeze([]) as unknown as StoredExchange[] });

/** By connection id. Computed once per capture (a live capture's: kept and advanced). */
export function kafkaPerConnection(capture: AnalysedCapture): ById<KafkaOfConnection> {
  const kept = liveKafka.get(capture);
  if (kept) return kept.summaries(capture);
  let out = cache.get(capture);
  if (!out) cache.set(capture, (out = walk(capture)));
  return out;
}

function walk(capture: AnalysedCapture): KafkaOfConnection[] {
  const ends = connectionEnds(capture);
  // Connections without Kafka exchanges (most of a live capture's: those that left its window)
  // share one frozen empty summary; a connection gets its own once an exchange is seen.
  const out: KafkaOfConnection[] = new Array<KafkaOfConnection>(capture.connections.length).fill(NO_KAFKA);
  for (const e of capture.exchanges) {
    // Only Kafka's exchanges: a plugin's requests (Redis, BinKV) are not Kafka requests.
    if (e.connId >= out.length || e.dissector !== "kafka") continue;
    let k = out[e.connId]!;
    if (k === NO_KAFKA) out[e.connId] = k = fresh();
    fold(k, e, clientCloseOf(ends.at(e.connId)));
  }
  return out;
}

/** The client's first FIN/RST (a RST that its closed socket sends back later does not count). */
function clientCloseOf(end: EndInfo | undefined): EndInfo | null {
  return end && end.by === "client" && end.how !== "none" ? end : null;
}

/** Adds one Kafka exchange of the connection to its summary (exchanges in request order). */
function fold(k: KafkaOfConnection, e: StoredExchange, clientClose: EndInfo | null): void {
  const f = e.fields;
  const id = f["kafka.client_id"];
  if (k.clientId === null && typeof id === "string") k.clientId = id;
  const topics = f["kafka.topic_name"];
  if (Array.isArray(topics) && topics.length > 0 && (k.topics === null || k.topics.size < MAX_TOPICS)) {
    k.topics ??= new Set();
    for (const t of topics) if (typeof t === "string" && k.topics.size < MAX_TOPICS) k.topics.add(t);
  }
  const errs = f["kafka.error"];
  let anyError = false;
  let sizeError = false;
  if (Array.isArray(errs)) {
    for (const x of errs) {
      if (typeof x !== "number" || x === 0) continue;
      anyError = true;
      if (SIZE_ERRORS.has(x)) sizeError = true;
    }
  }
  if (anyError) k.errors++;
  // An answer still arriving when the client closed never reached it either (its closed socket
  // resets the rest): for the end, that request was still waiting.
  const late = clientClose !== null && e.status === "answered" && e.request !== null && e.response !== null &&
    e.request.last < clientClose.frame && e.response.last > clientClose.frame;
  if (late && e.response!.first > clientClose!.frame) k.answeredAfterClose.push(e);
  if (e.status === "unanswered" || late) k.unanswered++;
  if (!e.request) return;
  k.requests++;
  if (!k.lastRequest || e.request.last > k.lastRequest.request!.last) k.lastRequest = e;
  const gap = f["kafka.unanswered"] === "gap";
  if ((e.status === "unanswered" && !gap) || late) k.unansweredFrames.push(e.request.last);
  if (clientClose && (late || (e.status === "unanswered" && !gap)) && e.request.last < clientClose.frame) {
    const waited = clientClose.tsUs - e.request.tsUs;
    k.waitAtCloseUs = Math.max(k.waitAtCloseUs, waited);
    const api = f["kafka.api_key"];
    if (e.status === "unanswered" && !late && typeof api === "number" && !DESIGNED_WAIT_APIS.has(api) && waited > k.silentWaitUs) {
      k.silentAtClose = e;
      k.silentWaitUs = waited;
    }
  }
  if (f["kafka.api_key"] === 0) {
    if (sizeError) {
      k.sizeErrors.push(e.request.length);
      k.refused ??= e;
    } else if (e.status === "answered" || e.status === "no-response-expected") k.produceSizes.push(e.request.length);
  }
}

/** Where an exchange sits in the model's order (the snapshot lists exchanges by their request). */
export function exchangeOrder(e: StoredExchange): number {
  return e.request?.first ?? e.response?.first ?? 0;
}

/**
 * A live capture's Kafka summaries, kept between re-runs: each new exchange is folded into its
 * connection's summary as it arrives, instead of a walk over every exchange the window holds in
 * each re-run (that walk grew with the window and was a fifth of a re-run). Exact against walk():
 * a connection's summary is folded again from its own exchanges, in the snapshot's order, when an
 * exchange arrives out of that order or when the client's close (which decides what counts as
 * answered too late) changes; both are rare (Kafka answers in order; a connection closes once).
 * Also kept: each connection's last request packet over every dissector's exchanges (exchange.last_on_connection).
 */
export class LiveKafkaSummaries {
  /** By connection id (none: no Kafka exchange in the window, read as NO_KAFKA). */
  private readonly out = new IdSlots<KafkaOfConnection>();
  /** What the re-run reads: every connection, NO_KAFKA for those without a summary of their own. */
  private readonly view: ById<KafkaOfConnection> = {
    at: (id) => this.out.at(id) ?? NO_KAFKA,
    [Symbol.iterator]: () => this.out[Symbol.iterator](),
  };
  /** The window's exchanges per connection, in the snapshot's order (every dissector's). */
  private readonly byConn = new Map<number, StoredExchange[]>();
  /** Per connection with Kafka exchanges: the frame of the client close its summary was folded with (-1: none). */
  private readonly foldedWithClose = new Map<number, number>();
  /** Kafka exchanges taken in but not folded yet, per connection, in the snapshot's order. */
  private readonly unfolded = new Map<number, StoredExchange[]>();
  /** Connections whose summary must be folded again from their whole list (an exchange came out of order). */
  private readonly stale = new Set<number>();
  /** Per connection: the last packet of its latest request, over every dissector's exchanges. */
  private readonly lastRequest = new Map<number, number>();
  private cursor = 0;
  /** The snapshot the summaries were last brought up to date for. */
  private summarisedFor: AnalysedCapture | null = null;

  /**
   * Takes in the exchanges the pass appended since the last call and returns them in the
   * snapshot's order (by request packet; stable, as the snapshot's sort).
   */
  advance(appended: readonly StoredExchange[]): StoredExchange[] {
    const fresh = appended.slice(this.cursor);
    this.cursor = appended.length;
    this.summarisedFor = null;
    fresh.sort((a, b) => exchangeOrder(a) - exchangeOrder(b));
    for (const e of fresh) {
      const id = e.connId;
      const list = this.byConn.get(id);
      if (!list) this.byConn.set(id, [e]);
      else if (exchangeOrder(list[list.length - 1]!) > exchangeOrder(e)) {
        // Out of order: in place (after equal keys, as a stable sort puts it), and fold it all again.
        let at = list.length;
        while (at > 0 && exchangeOrder(list[at - 1]!) > exchangeOrder(e)) at--;
        list.splice(at, 0, e);
        this.stale.add(id);
      } else list.push(e);
      if (e.request && e.request.last > (this.lastRequest.get(id) ?? -1)) this.lastRequest.set(id, e.request.last);
      if (e.dissector !== "kafka") continue;
      const todo = this.unfolded.get(id);
      if (todo) todo.push(e);
      else this.unfolded.set(id, [e]);
    }
    return fresh;
  }

  /**
   * The window took the exchanges of connections that left out of the pass's list (all of them
   * taken in already): their summaries go (as walk() over the list without them would give), and
   * the cursor moves to the list's new end.
   */
  forget(ids: readonly number[], appended: readonly StoredExchange[]): void {
    for (const id of ids) {
      this.byConn.delete(id);
      this.foldedWithClose.delete(id);
      this.unfolded.delete(id);
      this.stale.delete(id);
      this.lastRequest.delete(id);
      this.out.delete(id);
    }
    this.cursor = appended.length;
    this.summarisedFor = null;
  }

  /** The last packet of the connection's latest request (-1: none in the window). */
  lastRequestOf(id: number): number {
    return this.lastRequest.get(id) ?? -1;
  }

  /** The exchanges of one connection the window holds, in the snapshot's order. */
  exchangesOf(id: number): readonly StoredExchange[] {
    return this.byConn.get(id) ?? NO_EXCHANGES;
  }

  /**
   * By connection id, for the snapshot's connections: every summary as walk() gives it. A
   * summary folds its new exchanges with the client's close as it is now; when that close differs
   * from the one its earlier exchanges were folded with, it is folded again from its whole list.
   */
  summaries(capture: AnalysedCapture): ById<KafkaOfConnection> {
    // A re-run reads them several times from one snapshot, over which nothing changes.
    if (capture === this.summarisedFor) return this.view;
    this.summarisedFor = capture;
    const scan = connectionPacketScan(capture);
    if (scan) scan.advance(capture);
    const closeOf = (id: number): EndInfo | null => {
      const c = capture.connections[id];
      return c && scan ? clientCloseOf(liveEndOf(capture, scan, c)) : null;
    };
    // Only connections with Kafka exchanges in the window have a summary of their own.
    for (const [id, folded] of this.foldedWithClose) {
      if (!this.stale.has(id) && (closeOf(id)?.frame ?? -1) !== folded) this.stale.add(id);
    }
    for (const [id, todo] of this.unfolded) {
      if (this.stale.has(id)) continue;
      const close = closeOf(id);
      let k = this.out.at(id);
      if (k === undefined) this.out.set(id, (k = fresh()));
      for (const e of todo) fold(k, e, close);
      this.foldedWithClose.set(id, close?.frame ?? -1);
    }
    this.unfolded.clear();
    for (const id of this.stale) {
      const close = closeOf(id);
      const k = fresh();
      let any = false;
      for (const e of this.byConn.get(id) ?? NO_EXCHANGES) {
        if (e.dissector !== "kafka") continue;
        fold(k, e, close);
        any = true;
      }
      if (any) {
        this.out.set(id, k);
        this.foldedWithClose.set(id, close?.frame ?? -1);
      } else this.out.delete(id);
    }
    this.stale.clear();
    return this.view;
  }
}

const NO_EXCHANGES: readonly StoredExchange[] = Object.freeze([]) as readonly StoredExchange[];

const liveKafka = new WeakMap<AnalysedCapture, LiveKafkaSummaries>();

/** A live re-run's snapshot reads these summaries instead of walking its exchanges. */
export function useLiveKafkaSummaries(capture: AnalysedCapture, kept: LiveKafkaSummaries): void {
  liveKafka.set(capture, kept);
}

/** The live summaries a snapshot reads, if any. */
export function liveKafkaSummaries(capture: AnalysedCapture): LiveKafkaSummaries | undefined {
  return liveKafka.get(capture);
}
