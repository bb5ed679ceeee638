/**
 * Aggregate facts: the `group` scope. Its items are groups of Kafka exchanges — per API, per
 * client id, per API and client id, per connection — with counts, latency and size percentiles,
 * the Fetch wait the client asked for, and how often the group's client reconnected. A rule such
 * as "Fetch p99 over 500 ms beyond its max wait" or "more than 5 reconnects a minute per client
 * id" is then one condition, and its finding names the group, its worst exchanges (or the
 * reconnects) as evidence and the worst one's time.
 *
 * Built from the exchange facts (exchange.*, kafka.*, the same objects exchange rules read) and
 * the connections, never from a dissector.
 */

import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { TcpEvent } from "../tcp/types.js";
import type { Connection } from "../tcp/types.js";
import type { Facts } from "./build.js";
import type { FactSpec } from "./schema.js";

/** The kinds of group, as `group.by` names them. */
export const GROUP_KINDS = ["api", "client", "api_client", "connection"] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

/** Percentiles are nearest-rank: the smallest value with at least p% of the values at or below it. */
export const GROUP_FACTS: FactSpec[] = [
  { name: "group.by", type: "string", values: GROUP_KINDS, description: "What the group gathers: api (one API), client (one Kafka client id), api_client (one API of one client id), connection (one connection's exchanges)" },
  { name: "group.key", type: "string", description: "The group's name: Fetch, the client id, Fetch/client-id, or the connection index" },
  { name: "group.api_name", type: "string", optional: true, description: "API of an api or api_client group (Produce, Fetch...)" },
  { name: "group.client_id", type: "string", optional: true, description: "Kafka client id of a client or api_client group (the first request's on a connection group)" },
  { name: "group.connection", type: "int", optional: true, description: "Connection index (conn.id) of a connection group" },
  { name: "group.exchanges", type: "int", description: "Exchanges in the group: requests, and responses whose request was not captured" },
  { name: "group.answered", type: "int", description: "Exchanges answered" },
  { name: "group.unanswered", type: "int", description: "Requests left without a response (the connection closed or the capture ended first)" },
  { name: "group.error_responses", type: "int", description: "Responses carrying a non-zero error code" },
  { name: "group.error_ratio", type: "double", description: "error_responses / answered (0 when nothing was answered)" },
  { name: "group.latency_p50_ms", type: "double", unit: "ms", optional: true, description: "Median request-to-response time of the answered exchanges; absent when none was answered" },
  { name: "group.latency_p90_ms", type: "double", unit: "ms", optional: true, description: "90th percentile of the latency" },
  { name: "group.latency_p99_ms", type: "double", unit: "ms", optional: true, description: "99th percentile of the latency" },
  { name: "group.latency_max_ms", type: "double", unit: "ms", optional: true, description: "Slowest answer" },
  { name: "group.max_wait_ms", type: "int", unit: "ms", optional: true, description: "Largest Fetch max_wait_ms (kafka.max_wait_time) the group's requests asked for: how long the broker may hold a Fetch when there is no data (a long poll); absent without Fetch requests" },
  { name: "group.latency_beyond_wait_p99_ms", type: "double", unit: "ms", optional: true, description: "99th percentile, over the answered Fetch requests, of the time the broker held the request (from the request's last retransmission, if any, to the first segment of its answer: a request lost and sent again, or a large answer crawling over a slow path, is the path's time) minus the request's own max_wait_ms: a long poll answered when its wait ran out is about 0, a slow broker is well above; absent without answered Fetch requests" },
  { name: "group.request_bytes_p99", type: "int", unit: "bytes", optional: true, description: "99th percentile of the request sizes on the wire; absent without requests" },
  { name: "group.response_bytes_p99", type: "int", unit: "bytes", optional: true, description: "99th percentile of the response sizes on the wire; absent without responses" },
  { name: "group.connections", type: "int", description: "Connections that carried the group's exchanges" },
  { name: "group.connections_opened", type: "int", description: "Of those, connections whose SYN is in the capture" },
  { name: "group.connects_per_minute", type: "int", description: "Most of those connections opened within any 60 s" },
  { name: "group.reconnects", type: "int", description: "Connections opened after the same client host's previous connection to the same broker endpoint ended other than the normal way (the client's own FIN with every request answered)" },
  { name: "group.reconnects_per_minute", type: "int", description: "Most reconnects within any 60 s (a sliding minute)" },
];

/** Evidence of a group finding is bounded: the worst exchanges, the reconnects of the peak minute. */
const MAX_EVIDENCE_EXCHANGES = 10;
const MAX_EVIDENCE_CONNECTS = 20;
const MINUTE_US = 60_000_000;

/** What one exchange contributes to its groups. */
interface Row {
  connId: number;
  /** The exchange (its packets are the evidence; kept by reference, not copied per group). */
  e: StoredExchange;
  /** Time of the response's last segment, or of the request when unanswered. */
  endUs: number;
  latencyMs: number | null;
  /** Fetch max_wait_ms of the request. */
  waitMs: number | null;
  beyondWaitMs: number | null;
  requestBytes: number | null;
  responseBytes: number | null;
  error: boolean;
  unanswered: boolean;
}

/** Which evidence a group finding shows, from the facts its rule reads. */
export type EvidenceKind = "latency" | "beyond_wait" | "errors" | "unanswered" | "request_bytes" | "response_bytes" | "connects" | "reconnects";

interface Opened {
  conn: Connection;
  /** A reconnect: the previous connection from this host to this endpoint ended badly. */
  reconnect: boolean;
}

export interface GroupItem {
  facts: Facts;
  kind: GroupKind;
  key: string;
  rows: Row[];
  opened: Opened[];
}

export interface GroupEvidence {
  packets: number[];
  /** Time of the worst item (seconds since the epoch), or undefined when the group shows none. */
  timeUs: number | undefined;
  connections: number[];
  kinds: EvidenceKind[];
}

const big = (n: number): bigint => BigInt(Math.trunc(n));

/** Nearest-rank percentile of sorted values. */
/** Packets looked at between a request and its answer for retransmissions (bounds the cost in busy captures). */
const HELD_SCAN_MAX = 50_000;

/**
 * How long the server held a request, as far as the capture shows: from the request's last
 * (re)transmission to the first segment of its answer. A request lost on the way and sent again
 * reached the server only with its retransmission, and a large answer takes as long as the path
 * needs to carry it: both are the path's time (a lossy or slow link), not the server holding a
 * Fetch beyond its wait. null when the exchange lacks a side.
 */
function brokerHeldMs(capture: AnalysedCapture, e: StoredExchange): number | null {
  if (!e.request || !e.response) return null;
  const p = capture.packets;
  const answerAt = e.response.first - 1;
  if (answerAt < 0 || answerAt >= p.count) return null;
  let sentUs = e.request.tsUs;
  // Packet numbers are 1-based: index request.last is the packet after the request's last one.
  for (let i = e.request.last, n = 0; i < answerAt && n < HELD_SCAN_MAX; i++, n++) {
    if (p.connId[i] === e.connId && p.dir[i] === 0 && p.payloadLen[i]! > 0 && p.events[i]! & TcpEvent.RETRANSMISSION) sentUs = p.tsUs[i]!;
  }
  return (p.tsUs[answerAt]! - sentUs) / 1000;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/**
 * The groups of a capture. `exchangeFacts` gives each exchange's facts (exchange.*, kafka.*):
 * the same objects exchange rules see, so the two scopes agree on what an exchange is.
 */
export function buildGroupItems(capture: AnalysedCapture, exchangeFacts: (i: number) => Facts): GroupItem[] {
  const groups = new Map<string, { kind: GroupKind; key: string; api?: string; client?: string; connection?: number; rows: Row[]; conns: Set<number> }>();
  const add = (kind: GroupKind, key: string, row: Row, extra: { api?: string; client?: string; connection?: number }): void => {
    const id = `${kind}\u0000${key}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { kind, key, ...extra, rows: [], conns: new Set() }));
    g.rows.push(row);
    g.conns.add(row.connId);
  };
  const connClient = new Map<number, string>();
  capture.exchanges.forEach((e, i) => {
    const f = exchangeFacts(i);
    const x = f.exchange as Facts;
    const k = f.kafka as Facts;
    const latencyMs = typeof x.latency_ms === "number" ? x.latency_ms : null;
    const wait = typeof k.max_wait_time === "bigint" ? Number(k.max_wait_time) : null;
    const held = latencyMs !== null && wait !== null && latencyMs > wait ? brokerHeldMs(capture, e) : latencyMs;
    const row: Row = {
      connId: e.connId,
      e,
      endUs: (e.response ?? e.request)!.tsUs,
      latencyMs,
      waitMs: wait,
      beyondWaitMs: latencyMs !== null && held !== null && wait !== null ? Math.min(latencyMs, held) - wait : null,
      requestBytes: e.request ? e.request.length : null,
      responseBytes: e.response ? e.response.length : null,
      error: Array.isArray(x.errors) && x.errors.length > 0,
      unanswered: e.status === "unanswered",
    };
    const api = typeof x.api_name === "string" ? x.api_name : undefined;
    const client = typeof k.client_id === "string" ? k.client_id : undefined;
    if (client !== undefined && !connClient.has(e.connId)) connClient.set(e.connId, client);
    if (api !== undefined) add("api", api, row, { api });
    if (client !== undefined) add("client", client, row, { client });
    if (api !== undefined && client !== undefined) add("api_client", `${api}/${client}`, row, { api, client });
    add("connection", String(e.connId), row, { connection: e.connId });
  });
  const reconnect = reconnectFlags(capture, connClient);
  const out: GroupItem[] = [];
  for (const g of groups.values()) {
    const opened = [...g.conns]
      .map((id) => capture.connections[id]!)
      .filter((c) => c && c.synPacket > 0)
      .sort((a, b) => a.startUs - b.startUs)
      .map((conn) => ({ conn, reconnect: reconnect.has(conn.id) }));
    const client = g.client ?? (g.connection !== undefined ? connClient.get(g.connection) : undefined);
    const facts: Facts = {
      by: g.kind,
      key: g.key,
      ...(g.api !== undefined ? { api_name: g.api } : {}),
      ...(client !== undefined ? { client_id: client } : {}),
      ...(g.connection !== undefined ? { connection: big(g.connection) } : {}),
      ...rowFacts(g.rows),
      connections: big(g.conns.size),
      connections_opened: big(opened.length),
      connects_per_minute: big(peakMinute(opened.map((o) => o.conn.startUs)).count),
      reconnects: big(opened.filter((o) => o.reconnect).length),
      reconnects_per_minute: big(peakMinute(opened.filter((o) => o.reconnect).map((o) => o.conn.startUs)).count),
    };
    out.push({ facts: { group: facts }, kind: g.kind, key: g.key, rows: g.rows, opened });
  }
  return out;
}

function rowFacts(rows: readonly Row[]): Facts {
  // Float64Arrays sort numerically in native code: with a comparator, sorting the groups of a
  // million-packet capture took 2 s of its final evaluation.
  const n = rows.length;
  const latencyAt = new Float64Array(n);
  const beyondAt = new Float64Array(n);
  const reqAt = new Float64Array(n);
  const resAt = new Float64Array(n);
  let nl = 0;
  let nb = 0;
  let nq = 0;
  let ns = 0;
  let errors = 0;
  let unanswered = 0;
  let maxWait: number | null = null;
  for (const r of rows) {
    if (r.latencyMs !== null) latencyAt[nl++] = r.latencyMs;
    if (r.beyondWaitMs !== null) beyondAt[nb++] = r.beyondWaitMs;
    if (r.waitMs !== null) maxWait = Math.max(maxWait ?? r.waitMs, r.waitMs);
    if (r.requestBytes !== null) reqAt[nq++] = r.requestBytes;
    if (r.responseBytes !== null) resAt[ns++] = r.responseBytes;
    if (r.error) errors++;
    if (r.unanswered) unanswered++;
  }
  const latencies = latencyAt.subarray(0, nl).sort();
  const beyond = beyondAt.subarray(0, nb).sort();
  const req = reqAt.subarray(0, nq).sort();
  const res = resAt.subarray(0, ns).sort();
  const f: Facts = {
    exchanges: big(rows.length),
    answered: big(latencies.length),
    unanswered: big(unanswered),
    error_responses: big(errors),
    error_ratio: latencies.length > 0 ? errors / latencies.length : 0,
  };
  if (latencies.length > 0) {
    f.latency_p50_ms = percentile(latencies, 50);
    f.latency_p90_ms = percentile(latencies, 90);
    f.latency_p99_ms = percentile(latencies, 99);
    f.latency_max_ms = latencies[latencies.length - 1]!;
  }
  if (maxWait !== null) f.max_wait_ms = big(maxWait);
  if (beyond.length > 0) f.latency_beyond_wait_p99_ms = percentile(beyond, 99);
  if (req.length > 0) f.request_bytes_p99 = big(percentile(req, 99));
  if (res.length > 0) f.response_bytes_p99 = big(percentile(res, 99));
  return f;
}

/**
 * Connections (with a SYN) that are reconnects: the same client host (and client id where known)
 * had an earlier connection to the same broker endpoint that had ended by then, and not the
 * normal way (the client's own FIN with nothing unanswered). A client that runs, exits and is
 * started again is not reconnecting; one whose connections are reset or closed by the broker is.
 */
function reconnectFlags(capture: AnalysedCapture, connClient: ReadonlyMap<number, string>): Set<number> {
  const unanswered = new Set<number>();
  for (const e of capture.exchanges) if (e.status === "unanswered") unanswered.add(e.connId);
  type Prev = { id: number; how: Connection["close"]["how"]; by: Connection["close"]["by"]; tsUs: number };
  const last = new Map<string, Prev>();
  // A live capture's folded connections: the last one of each path is its connections' previous
  // one (folded connections' client ids went with their exchanges, as they do for compact rows).
  for (const [k, p] of capture.folded?.paths ?? []) if (p.last) last.set(`\u0000${k.replaceAll("|", "\u0000")}`, { id: -1, ...p.last });
  const out = new Set<number>();
  const byStart = capture.connections.filter((c): c is Connection => c !== undefined).sort((a, b) => a.startUs - b.startUs);
  for (const c of byStart) {
    const who = `${connClient.get(c.id) ?? ""}\u0000${c.client.addr}\u0000${c.server.addr}\u0000${c.server.port}`;
    const prev = last.get(who);
    if (c.synPacket > 0 && prev && prev.how !== "open" && prev.tsUs <= c.startUs) {
      const normal = prev.how === "fin" && prev.by === "client" && !unanswered.has(prev.id);
      if (!normal) out.add(c.id);
    }
    last.set(who, { id: c.id, how: c.close.how, by: c.close.by, tsUs: c.close.tsUs });
  }
  return out;
}

/** The most times within any 60 s, and the times of that minute (sorted input not required). */
function peakMinute(timesUs: readonly number[]): { count: number; from: number; to: number; times: number[] } {
  const t = [...timesUs].sort((a, b) => a - b);
  let best = { count: 0, from: 0, to: 0 };
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= MINUTE_US) lo++;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, from: lo, to: hi };
  }
  return { ...best, times: t.slice(best.from, best.count > 0 ? best.to + 1 : 0) };
}

/** Evidence kinds, in the order a finding lists them, and the facts that ask for each. */
const EVIDENCE_FACTS: ReadonlyArray<[EvidenceKind, RegExp]> = [
  ["beyond_wait", /\bgroup\.(latency_beyond_wait_p99_ms|max_wait_ms)\b/],
  ["latency", /\bgroup\.latency_(p50|p90|p99|max)_ms\b/],
  ["errors", /\bgroup\.error_(responses|ratio)\b/],
  ["unanswered", /\bgroup\.unanswered\b/],
  ["request_bytes", /\bgroup\.request_bytes_p99\b/],
  ["response_bytes", /\bgroup\.response_bytes_p99\b/],
  ["reconnects", /\bgroup\.reconnects(_per_minute)?\b/],
  ["connects", /\bgroup\.(connects_per_minute|connections_opened|connections)\b/],
];

/** What a rule's finding shows, from the facts its condition reads (latency when it reads none). */
export function evidenceKinds(condition: string): EvidenceKind[] {
  const kinds = EVIDENCE_FACTS.filter(([, re]) => re.test(condition)).map(([k]) => k);
  // beyond_wait already shows the slowest exchanges.
  return kinds.length > 0 ? kinds.filter((k) => k !== "latency" || !kinds.includes("beyond_wait")) : ["latency"];
}

/** The percentile a condition reads (the highest), for "exchanges at or above it". */
function latencyPercentile(condition: string): number {
  if (/\bgroup\.latency_max_ms\b/.test(condition)) return 100;
  if (/\bgroup\.latency_p99_ms\b/.test(condition)) return 99;
  if (/\bgroup\.latency_p90_ms\b/.test(condition)) return 90;
  if (/\bgroup\.latency_p50_ms\b/.test(condition)) return 50;
  return 99;
}

/**
 * A group finding's evidence: per kind the condition reads, the exchanges at or above the
 * percentile it names (worst first, at most 10), the error or unanswered exchanges, or the
 * reconnects of the peak minute (at most 20 SYNs). The time is the first kind's worst item.
 */
export function groupEvidence(g: GroupItem, condition: string): GroupEvidence {
  const kinds = evidenceKinds(condition);
  const frames = new Set<number>();
  const conns = new Set<number>();
  let timeUs: number | undefined;
  const takeRows = (rows: Row[]): void => {
    for (const r of rows.slice(0, MAX_EVIDENCE_EXCHANGES)) {
      for (const f of [r.e.request?.first ?? 0, r.e.request?.last ?? 0, r.e.response?.first ?? 0, r.e.response?.last ?? 0]) if (f > 0) frames.add(f);
      conns.add(r.connId);
    }
    if (timeUs === undefined && rows.length > 0) timeUs = rows[0]!.endUs;
  };
  const tail = (value: (r: Row) => number | null, p: number): Row[] => {
    const rows = g.rows.filter((r) => value(r) !== null);
    if (rows.length === 0) return [];
    const cut = percentile(rows.map((r) => value(r)!).sort((a, b) => a - b), p);
    return rows.filter((r) => value(r)! >= cut).sort((a, b) => value(b)! - value(a)!);
  };
  for (const kind of kinds) {
    if (kind === "latency") takeRows(tail((r) => r.latencyMs, latencyPercentile(condition)));
    else if (kind === "beyond_wait") takeRows(tail((r) => r.beyondWaitMs, 99));
    else if (kind === "request_bytes") takeRows(tail((r) => r.requestBytes, 99));
    else if (kind === "response_bytes") takeRows(tail((r) => r.responseBytes, 99));
    else if (kind === "errors") takeRows(g.rows.filter((r) => r.error));
    else if (kind === "unanswered") takeRows(g.rows.filter((r) => r.unanswered));
    else {
      const opened = kind === "reconnects" ? g.opened.filter((o) => o.reconnect) : g.opened;
      const peak = peakMinute(opened.map((o) => o.conn.startUs));
      const inPeak = opened.filter((o) => o.conn.startUs >= (peak.times[0] ?? Infinity) && o.conn.startUs <= (peak.times[peak.times.length - 1] ?? -Infinity));
      for (const o of inPeak.slice(0, MAX_EVIDENCE_CONNECTS)) {
        frames.add(o.conn.synPacket);
        conns.add(o.conn.id);
      }
      if (timeUs === undefined && inPeak.length > 0) timeUs = inPeak[Math.min(inPeak.length, MAX_EVIDENCE_CONNECTS) - 1]!.conn.startUs;
    }
  }
  return { packets: [...frames].sort((a, b) => a - b), timeUs, connections: [...conns].sort((a, b) => a - b), kinds };
}
