/**
 * `kdiag kafka`: one row per exchange (request and response), as text or as the stable JSON
 * document `{"exchanges": [...]}`; and `--stats`, latency and errors per API and per client.
 */

import { kafkaApiName, kafkaErrorName } from "../facts/kafka-names.js";
import type { ExchangeSide, FieldValue } from "../plugins/api.js";
import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { formatCount, renderTable, tableLines, usToSeconds } from "./format.js";
import { sanitize } from "./sanitize.js";

export interface ExchangeJson {
  connection: number;
  client: string;
  server: string;
  /** Time of the request (or of the response, for an orphan), seconds since the epoch. */
  time: number;
  api_key: number | null;
  api_name: string | null;
  api_version: number | null;
  correlation_id: number | null;
  client_id: string | null;
  topics: string[];
  status: StoredExchange["status"];
  confidence: StoredExchange["confidence"];
  request_packets: [number, number] | null;
  response_packets: [number, number] | null;
  request_size: number | null;
  response_size: number | null;
  latency_ms: number | null;
  acks: number | null;
  throttle_time_ms: number | null;
  /** For an unanswered request: "fin", "rst", "gap" (its response may be in bytes not captured) or "end-of-capture". */
  unanswered_reason: string | null;
  /** Non-zero error codes in the response, each once, with their names. */
  errors: Array<{ code: number; name: string }>;
  summary: string;
}

function num(v: FieldValue | undefined): number | null {
  return typeof v === "number" ? v : null;
}

function strings(v: FieldValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}

function numbers(v: FieldValue | undefined): number[] {
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : typeof v === "number" ? [v] : [];
}

function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** Latency as Wireshark's kafka.response_time: request's last segment to response's last segment. */
function latencyMs(request: ExchangeSide | null, response: ExchangeSide | null): number | null {
  if (!request || !response) return null;
  return Math.round(response.tsUs - request.tsUs) / 1000;
}

export function exchangeToJson(capture: AnalysedCapture, ex: StoredExchange): ExchangeJson {
  const conn = capture.connections[ex.connId]!;
  // Read once: a stored exchange builds its fields and sides on each read (src/model/exchange-store.ts).
  const f = ex.fields;
  const request = ex.request;
  const response = ex.response;
  const apiKey = num(f["kafka.api_key"]);
  const side = request ?? response!;
  return {
    connection: ex.connId,
    client: endpoint(conn.client.addr, conn.client.port),
    server: endpoint(conn.server.addr, conn.server.port),
    time: usToSeconds(capture.packets.tsUs[side.first - 1] ?? side.tsUs),
    api_key: apiKey,
    api_name: apiKey === null ? null : (kafkaApiName(apiKey) ?? null),
    api_version: num(f["kafka.api_version"]),
    correlation_id: num(f["kafka.correlation_id"]),
    client_id: typeof f["kafka.client_id"] === "string" ? f["kafka.client_id"] : null,
    topics: strings(f["kafka.topic_name"]),
    status: ex.status,
    confidence: ex.confidence,
    request_packets: request ? [request.first, request.last] : null,
    response_packets: response ? [response.first, response.last] : null,
    request_size: request?.length ?? null,
    response_size: response?.length ?? null,
    latency_ms: latencyMs(request, response),
    acks: num(f["kafka.required_acks"]),
    throttle_time_ms: num(f["kafka.throttle_time"]),
    unanswered_reason: typeof f["kafka.unanswered"] === "string" ? f["kafka.unanswered"] : null,
    errors: [...new Set(numbers(f["kafka.error"]).filter((c) => c !== 0))].map((code) => ({
      code,
      name: kafkaErrorName(code),
    })),
    summary: ex.summary,
  };
}

export function kafkaExchanges(capture: AnalysedCapture): StoredExchange[] {
  return capture.exchanges.filter((e) => e.dissector === "kafka");
}

export function kafkaJson(capture: AnalysedCapture): { exchanges: ExchangeJson[] } {
  return { exchanges: kafkaExchanges(capture).map((e) => exchangeToJson(capture, e)) };
}

/** The exchanges of `kafka --json`, one at a time (Output.jsonArray writes `{"exchanges": [...]}`). */
export function* kafkaJsonItems(capture: AnalysedCapture, keep: (index: number) => boolean = () => true): Generator<ExchangeJson> {
  const all = capture.exchanges;
  for (let i = 0; i < all.length; i++) if (all[i]!.dissector === "kafka" && keep(i)) yield exchangeToJson(capture, all[i]!);
}

function outcome(e: ExchangeJson): string {
  if (e.errors.length > 0) return e.errors.map((x) => x.name).join(",");
  switch (e.status) {
    case "answered":
      return "ok";
    case "no-response-expected":
      return "acks=0";
    case "unanswered":
      return e.unanswered_reason === "end-of-capture"
        ? "no response (capture ended)"
        : `NO RESPONSE (${e.unanswered_reason === "gap" ? "lost in capture?" : `${(e.unanswered_reason ?? "closed").toUpperCase()} first`})`;
    case "orphan-response":
      return `orphan (${e.confidence})`;
  }
}

/** One line per exchange (a capture can hold hundreds of thousands). */
export function kafkaLines(capture: AnalysedCapture, keep: (index: number) => boolean = () => true): Iterable<string> {
  const start = capture.packets.count > 0 ? capture.packets.tsUs[0]! / 1e6 : 0;
  const header = ["time", "conn", "api", "corr", "client id", "topics", "req", "resp", "latency", "result"];
  const row = (e: ExchangeJson): string[] => [
    `${(e.time - start).toFixed(3)}s`,
    String(e.connection),
    e.api_name === null ? "?" : `${e.api_name} v${e.api_version}`,
    e.correlation_id === null ? "?" : String(e.correlation_id),
    sanitize(truncate(e.client_id ?? "-", 28)),
    sanitize(truncate(e.topics.join(",") || "-", 28)),
    e.request_size === null ? "-" : formatCount(e.request_size),
    e.response_size === null ? "-" : formatCount(e.response_size),
    e.latency_ms === null ? "-" : `${e.latency_ms.toFixed(1)}ms`,
    outcome(e),
  ];
  return tableLines(header, function* () {
    for (const e of kafkaJsonItems(capture, keep)) yield row(e);
  }, new Set([1, 3, 6, 7, 8]));
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

export interface LatencyStats {
  count: number;
  bytes: number;
  answered: number;
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
  errors: Record<string, number>;
  unanswered: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function summarise(rows: ExchangeJson[]): LatencyStats {
  const latencies = rows.map((r) => r.latency_ms).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const errors: Record<string, number> = {};
  for (const r of rows) for (const e of r.errors) errors[e.name] = (errors[e.name] ?? 0) + 1;
  return {
    count: rows.length,
    bytes: rows.reduce((n, r) => n + (r.request_size ?? 0) + (r.response_size ?? 0), 0),
    answered: latencies.length,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    max_ms: latencies.length > 0 ? latencies[latencies.length - 1]! : null,
    errors,
    unanswered: rows.filter((r) => r.status === "unanswered").length,
  };
}

export function kafkaStatsJson(capture: AnalysedCapture): {
  by_api: Array<{ api_key: number | null; api_name: string | null } & LatencyStats>;
  by_client: Array<{ client_id: string | null } & LatencyStats>;
} {
  const rows = kafkaJson(capture).exchanges;
  const byApi = groupBy(rows, (r) => (r.api_key === null ? "?" : String(r.api_key)));
  const byClient = groupBy(rows, (r) => r.client_id ?? "");
  return {
    by_api: [...byApi.entries()]
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([, group]) => ({ api_key: group[0]!.api_key, api_name: group[0]!.api_name, ...summarise(group) })),
    by_client: [...byClient.entries()]
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([, group]) => ({ client_id: group[0]!.client_id, ...summarise(group) })),
  };
}

function groupBy<T>(rows: T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

function statsRow(label: string, s: LatencyStats): string[] {
  const ms = (v: number | null) => (v === null ? "-" : v.toFixed(1));
  const errors = Object.entries(s.errors).map(([name, n]) => `${name}=${n}`);
  if (s.unanswered > 0) errors.push(`NO_RESPONSE=${s.unanswered}`);
  return [label, String(s.count), formatCount(s.bytes), ms(s.p50_ms), ms(s.p95_ms), ms(s.p99_ms), ms(s.max_ms), errors.join(" ") || "-"];
}

export function kafkaStatsText(capture: AnalysedCapture): string {
  const stats = kafkaStatsJson(capture);
  const cols = ["count", "bytes", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"];
  const right = new Set([1, 2, 3, 4, 5, 6]);
  const api = renderTable(
    ["api", ...cols],
    stats.by_api.map((s) => statsRow(s.api_name ?? `key ${s.api_key ?? "?"}`, s)),
    right,
  );
  const client = renderTable(
    ["client id", ...cols],
    stats.by_client.map((s) => statsRow(sanitize(s.client_id ?? "(none)"), s)),
    right,
  );
  return `By API\n${api}\n\nBy client id\n${client}`;
}
