/**
 * `kdiag kafka`: one row per exchange (request and response), as text or as the stable JSON
 * document `{"exchanges": [...]}`; and `--stats`, latency and errors per API and per client (the
 * stats as `kdiag exchanges --stats` computes them, report/exchanges.ts). The Kafka view keeps
 * Kafka's own columns (API version, correlation id, topics, acks, throttle).
 */

import { kafkaApiName, kafkaErrorName } from "../facts/kafka-names.js";
import type { FieldValue } from "../plugins/api.js";
import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { endpoint, exchangeTime, groupBy, latencyMs, statsTable, summarise, truncate, type LatencyStats } from "./exchanges.js";
import { formatCount, tableLines } from "./format.js";
import { sanitize } from "./sanitize.js";
import { answeredAfterClientClose } from "../model/late-answer.js";

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

/**
 * One literal with every key, not spreads of the shared builders (exchanges.ts): for 40,000
 * exchanges spread objects made `kafka --stats` 1.6x slower (a slow object shape, read again by
 * the stats), so the shared parts are values, not objects.
 */
export function exchangeToJson(capture: AnalysedCapture, ex: StoredExchange): ExchangeJson {
  const conn = capture.connections[ex.connId]!;
  // Read once: a stored exchange builds its fields and sides on each read (src/model/exchange-store.ts).
  const f = ex.fields;
  const request = ex.request;
  const response = ex.response;
  const apiKey = num(f["kafka.api_key"]);
  return {
    connection: ex.connId,
    client: endpoint(conn.client.addr, conn.client.port),
    server: endpoint(conn.server.addr, conn.server.port),
    time: exchangeTime(capture, request, response),
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

function outcome(e: ExchangeJson, capture: AnalysedCapture): string {
  if (e.errors.length > 0) return e.errors.map((x) => x.name).join(",");
  switch (e.status) {
    case "answered":
      return answeredAfterClientClose(capture, e.connection, side(e.request_packets), side(e.response_packets)) ? "LATE (after client close)" : "ok";
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

function side(p: [number, number] | null): { first: number; last: number } | null {
  return p ? { first: p[0], last: p[1] } : null;
}

/** One line per exchange (a capture can hold hundreds of thousands). */
export function kafkaLines(capture: AnalysedCapture, keep: (index: number) => boolean = () => true): Iterable<string> {
  const start = capture.packets.count > 0 ? capture.packets.firstTsUs / 1e6 : 0;
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
    outcome(e, capture),
  ];
  return tableLines(header, function* () {
    for (const e of kafkaJsonItems(capture, keep)) yield row(e);
  }, new Set([1, 3, 6, 7, 8]));
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

export function kafkaStatsText(capture: AnalysedCapture): string {
  const stats = kafkaStatsJson(capture);
  const api = statsTable("api", stats.by_api.map((s) => [s.api_name ?? `key ${s.api_key ?? "?"}`, s]));
  const client = statsTable("client id", stats.by_client.map((s) => [sanitize(s.client_id ?? "(none)"), s]));
  return `By API\n${api}\n\nBy client id\n${client}`;
}
