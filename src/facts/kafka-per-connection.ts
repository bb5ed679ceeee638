/**
 * What each connection's Kafka exchanges add up to (requests, unanswered ones, errors, client id,
 * topics, Produce sizes, the last request): one walk over the exchanges, shared by conn.* and
 * end.* (reading a dissector field costs a lookup in a large record, and there are tens of
 * thousands of exchanges).
 */

import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { connectionEnds } from "./end-shape.js";

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

/** Index = connection id. Computed once per capture. */
export function kafkaPerConnection(capture: AnalysedCapture): KafkaOfConnection[] {
  let out = cache.get(capture);
  if (!out) cache.set(capture, (out = walk(capture)));
  return out;
}

function walk(capture: AnalysedCapture): KafkaOfConnection[] {
  const ends = connectionEnds(capture);
  // Connections without Kafka exchanges (most of a live capture's: those that left its window)
  // share one frozen empty summary; a connection gets its own once an exchange is seen.
  const out: KafkaOfConnection[] = new Array<KafkaOfConnection>(capture.connections.length).fill(NO_KAFKA);
  const own = (id: number): KafkaOfConnection => {
    let k = out[id]!;
    if (k === NO_KAFKA) out[id] = k = fresh();
    return k;
  };
  for (const e of capture.exchanges) {
    // Only Kafka's exchanges: a plugin's requests (Redis, BinKV) are not Kafka requests.
    if (e.connId >= out.length || e.dissector !== "kafka") continue;
    const k = own(e.connId);
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
    // The client's first FIN/RST (a RST that its closed socket sends back later does not count).
    const end = ends[e.connId];
    const clientClose = end && end.by === "client" && end.how !== "none" ? end : null;
    // An answer still arriving when the client closed never reached it either (its closed socket
    // resets the rest): for the end, that request was still waiting.
    const late = clientClose !== null && e.status === "answered" && e.request !== null && e.response !== null &&
      e.request.last < clientClose.frame && e.response.last > clientClose.frame;
    if (late && e.response!.first > clientClose!.frame) k.answeredAfterClose.push(e);
    if (e.status === "unanswered" || late) k.unanswered++;
    if (!e.request) continue;
    k.requests++;
    if (!k.lastRequest || e.request.last > k.lastRequest.request!.last) k.lastRequest = e;
    const gap = f["kafka.unanswered"] === "gap";
    if ((e.status === "unanswered" && !gap) || late) k.unansweredFrames.push(e.request.last);
    if (clientClose && (late || (e.status === "unanswered" && !gap)) && e.request.last < clientClose.frame) {
      k.waitAtCloseUs = Math.max(k.waitAtCloseUs, clientClose.tsUs - e.request.tsUs);
      const api = f["kafka.api_key"];
      const waited = clientClose.tsUs - e.request.tsUs;
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
  return out;
}
