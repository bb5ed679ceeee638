/**
 * `kdiag exchanges`: one row per request/response of any protocol (Kafka, a plugin's), as text or
 * as `{"exchanges": [...]}`; and `--stats`, latency, bytes and errors per operation and per client.
 * What an exchange's operation, client and errors are comes from the protocol's field
 * declarations (FieldSpec.exchange, through the facts layer), never from a dissector: a plugin
 * that declares them gets the same view as Kafka.
 */

import { factProtocols, protocolOf, type Protocol } from "../facts/schema.js";
import type { ExchangeSide, FieldSpec, FieldValue } from "../plugins/api.js";
import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import { formatCount, renderTable, tableLines, usToSeconds } from "./format.js";
import type { ExchangeJson } from "./kafka.js";
import { sanitize } from "./sanitize.js";

/** What the stats of a group of exchanges are computed from (this module's rows, `kafka`'s too). */
export interface StatsInput {
  latency_ms: number | null;
  request_size: number | null;
  response_size: number | null;
  status: StoredExchange["status"];
  errors: ReadonlyArray<{ name: string }>;
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

/** The keys every protocol's exchange has, as `kdiag kafka --json` documents them (README). */
type CommonKeys = "connection" | "client" | "server" | "time" | "status" | "confidence" | "request_packets" | "response_packets" | "request_size" | "response_size" | "latency_ms" | "summary" | "client_id";

export interface GenericExchangeJson extends Pick<ExchangeJson, CommonKeys> {
  /** The dissector that paired it (kafka, or a plugin's name), and how it names itself. */
  protocol: string;
  protocol_label: string;
  /** The value of the protocol's "operation" field, by its value name when it has one. */
  operation: string | null;
  /** Each error value of its "error" field once: the raw value and its name. */
  errors: Array<{ value: number | string; name: string }>;
  /** Every field the dissector gave the exchange, by its declared name. */
  fields: Record<string, FieldValue>;
}

/** The fields of a protocol that play a role in its exchanges. */
interface Roles {
  protocol: Protocol;
  operation?: FieldSpec;
  client?: FieldSpec;
  error?: FieldSpec;
}

function rolesOf(protocol: Protocol): Roles {
  const roles: Roles = { protocol };
  for (const f of protocol.fields) if (f.exchange) roles[f.exchange] = f;
  return roles;
}

export function endpoint(addr: string, port: number): string {
  return addr.includes(":") ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** A field's value as text: its value name where it declares one. */
function shown(spec: FieldSpec, v: FieldValue): string {
  if (typeof v === "number" && spec.values?.[v] !== undefined) return spec.values[v]!;
  if (Array.isArray(v)) return v.map((x) => shown(spec, x)).join(",");
  return String(v);
}

/** A value of an "error" field that says the exchange failed: anything but 0, "", false and null. */
function isError(v: FieldValue): v is number | bigint | string | true {
  return v !== null && v !== 0 && v !== 0n && v !== "" && v !== false;
}

function errorsOf(spec: FieldSpec | undefined, fields: Record<string, FieldValue>): Array<{ value: number | string; name: string }> {
  const v = spec ? fields[spec.name] : undefined;
  if (!spec || v === undefined) return [];
  const seen = new Map<string, { value: number | string; name: string }>();
  for (const x of Array.isArray(v) ? v : [v]) {
    if (!isError(x)) continue;
    const value = typeof x === "number" || typeof x === "string" ? x : String(x);
    seen.set(String(value), { value, name: typeof x === "number" ? (spec.values?.[x] ?? `${spec.name}=${x}`) : String(value) });
  }
  return [...seen.values()];
}

/** Request's last segment to response's last segment, as Wireshark's response_time fields. */
export function latencyMs(request: ExchangeSide | null, response: ExchangeSide | null): number | null {
  if (!request || !response) return null;
  return Math.round(response.tsUs - request.tsUs) / 1000;
}

/** Time of the request (of the response, for an orphan), seconds since the epoch. */
export function exchangeTime(capture: AnalysedCapture, request: ExchangeSide | null, response: ExchangeSide | null): number {
  const side = request ?? response!;
  const t = capture.packets.tsAt(side.first - 1);
  return usToSeconds(Number.isNaN(t) ? side.tsUs : t);
}

/** One literal with every key (see kafka.ts exchangeToJson: spreads made a slow object shape). */
function toJson(capture: AnalysedCapture, ex: StoredExchange, roles: Roles): GenericExchangeJson {
  const conn = capture.connections[ex.connId]!;
  // Read once: a stored exchange builds its fields and sides on each read (src/model/exchange-store.ts).
  const f = ex.fields;
  const request = ex.request;
  const response = ex.response;
  const op = roles.operation ? f[roles.operation.name] : undefined;
  const client = roles.client ? f[roles.client.name] : undefined;
  return {
    connection: ex.connId,
    client: endpoint(conn.client.addr, conn.client.port),
    server: endpoint(conn.server.addr, conn.server.port),
    time: exchangeTime(capture, request, response),
    protocol: roles.protocol.name,
    protocol_label: roles.protocol.label,
    operation: op === undefined || op === null ? null : shown(roles.operation!, op),
    client_id: client === undefined || client === null ? null : String(client),
    status: ex.status,
    confidence: ex.confidence,
    request_packets: request ? [request.first, request.last] : null,
    response_packets: response ? [response.first, response.last] : null,
    request_size: request?.length ?? null,
    response_size: response?.length ?? null,
    latency_ms: latencyMs(request, response),
    errors: errorsOf(roles.error, f),
    summary: ex.summary,
    fields: f,
  };
}

/**
 * The protocols a `--protocol` value selects: one by name (a usage error names the loaded ones
 * when it is unknown), or every loaded stream dissector.
 */
export function selectProtocols(name: string | undefined): Protocol[] | { unknown: string; loaded: string[] } {
  if (name === undefined) return [...factProtocols()];
  const p = protocolOf(name);
  return p ? [p] : { unknown: name, loaded: factProtocols().map((x) => x.name) };
}

/** The exchanges of the given protocols, in capture order, that `keep` keeps. */
export function* exchangeJsonItems(capture: AnalysedCapture, protocols: readonly Protocol[], keep: (index: number) => boolean = () => true): Generator<GenericExchangeJson> {
  const roles = new Map(protocols.map((p) => [p.name, rolesOf(p)]));
  const all = capture.exchanges;
  for (let i = 0; i < all.length; i++) {
    const r = roles.get(all[i]!.dissector);
    if (r && keep(i)) yield toJson(capture, all[i]!, r);
  }
}

/** The result column: the errors, else how the exchange ended. */
function result(e: GenericExchangeJson): string {
  if (e.errors.length > 0) return e.errors.map((x) => x.name).join(",");
  switch (e.status) {
    case "answered":
      return "ok";
    case "no-response-expected":
      return "no response expected";
    case "unanswered":
      return "NO RESPONSE";
    case "orphan-response":
      return `orphan (${e.confidence})`;
  }
}

export function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** The protocols of the list that paired at least one exchange of the capture. */
function present(capture: AnalysedCapture, protocols: readonly Protocol[]): Protocol[] {
  const seen = new Set(capture.exchanges.map((e) => e.dissector));
  return protocols.filter((p) => seen.has(p.name));
}

/** One line per exchange; a client column when a protocol with exchanges here declares a client field. */
export function exchangeLines(capture: AnalysedCapture, protocols: readonly Protocol[], keep?: (index: number) => boolean): Iterable<string> {
  const start = capture.packets.count > 0 ? capture.packets.firstTsUs / 1e6 : 0;
  const withClient = present(capture, protocols).some((p) => rolesOf(p).client);
  const header = ["time", "conn", "protocol", "operation", ...(withClient ? ["client id"] : []), "req", "resp", "latency", "result", "summary"];
  const row = (e: GenericExchangeJson): string[] => [
    `${(e.time - start).toFixed(3)}s`,
    String(e.connection),
    e.protocol_label,
    sanitize(truncate(e.operation ?? "-", 24)),
    ...(withClient ? [sanitize(truncate(e.client_id ?? "-", 28))] : []),
    e.request_size === null ? "-" : formatCount(e.request_size),
    e.response_size === null ? "-" : formatCount(e.response_size),
    e.latency_ms === null ? "-" : `${e.latency_ms.toFixed(1)}ms`,
    sanitize(truncate(result(e), 40)),
    sanitize(truncate(e.summary, 60)),
  ];
  const sizes = withClient ? [1, 5, 6, 7] : [1, 4, 5, 6];
  return tableLines(header, function* () {
    for (const e of exchangeJsonItems(capture, protocols, keep)) yield row(e);
  }, new Set(sizes));
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Counts, bytes, latency percentiles and errors of a group of exchanges. */
export function summarise(rows: readonly StatsInput[]): LatencyStats {
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

export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

/** A stats table: one row per group, its label first. */
export function statsTable(first: string, rows: ReadonlyArray<[string, LatencyStats]>): string {
  const ms = (v: number | null) => (v === null ? "-" : v.toFixed(1));
  const line = ([label, s]: [string, LatencyStats]) => {
    const errors = Object.entries(s.errors).map(([name, n]) => `${sanitize(name)}=${n}`);
    if (s.unanswered > 0) errors.push(`NO_RESPONSE=${s.unanswered}`);
    return [label, String(s.count), formatCount(s.bytes), ms(s.p50_ms), ms(s.p95_ms), ms(s.p99_ms), ms(s.max_ms), errors.join(" ") || "-"];
  };
  return renderTable([first, "count", "bytes", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows.map(line), new Set([1, 2, 3, 4, 5, 6]));
}

export interface ExchangeStatsJson {
  by_operation: Array<{ protocol: string; operation: string | null } & LatencyStats>;
  /** Only for protocols that declare a client field. */
  by_client: Array<{ protocol: string; client_id: string | null } & LatencyStats>;
}

export function exchangeStatsJson(capture: AnalysedCapture, protocols: readonly Protocol[]): ExchangeStatsJson {
  const rows = [...exchangeJsonItems(capture, protocols)];
  const withClient = new Set(protocols.filter((p) => rolesOf(p).client).map((p) => p.name));
  const key = (protocol: string, v: string | null) => `${protocol}\u0000${v ?? ""}`;
  const byOp = groupBy(rows, (r) => key(r.protocol, r.operation));
  const byClient = groupBy(rows.filter((r) => withClient.has(r.protocol)), (r) => key(r.protocol, r.client_id));
  const sorted = <T>(m: Map<string, T[]>) => [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  return {
    by_operation: sorted(byOp).map(([, g]) => ({ protocol: g[0]!.protocol, operation: g[0]!.operation, ...summarise(g) })),
    by_client: sorted(byClient).map(([, g]) => ({ protocol: g[0]!.protocol, client_id: g[0]!.client_id, ...summarise(g) })),
  };
}

export function exchangeStatsText(capture: AnalysedCapture, protocols: readonly Protocol[]): string {
  const stats = exchangeStatsJson(capture, protocols);
  const label = new Map(protocols.map((p) => [p.name, p.label]));
  const several = new Set(stats.by_operation.map((s) => s.protocol)).size > 1;
  const named = (protocol: string, text: string) => (several ? `${label.get(protocol) ?? protocol} ${text}` : text);
  const parts = [`By operation\n${statsTable("operation", stats.by_operation.map((s) => [named(s.protocol, sanitize(s.operation ?? "(none)")), s]))}`];
  if (stats.by_client.length > 0) parts.push(`By client id\n${statsTable("client id", stats.by_client.map((s) => [named(s.protocol, sanitize(s.client_id ?? "(none)")), s]))}`);
  return parts.join("\n\n");
}
