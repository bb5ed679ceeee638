/**
 * `kdiag export`: the analysed capture as three tables for DuckDB, Spark or Trino: connections,
 * exchanges and findings. A row has exactly the keys of the matching `--json` output (flows
 * --json, kafka --json, analyze --json), after two columns that say where it came from:
 *
 *   host     the machine the export was made on (--host, default the hostname): many brokers'
 *            exports are queried together by reading all their files at once
 *   capture  the capture file (or the merged files' name)
 *
 * The schema is fixed here, per table, so a table with no rows still has its columns, and a
 * column has one type whatever the rows hold. Nested values (objects, lists) stay nested in
 * NDJSON; in Parquet they are JSON columns (DuckDB: `c2s->>'bytes'`, `errors->0->>'name'`).
 */

import type { Finding } from "../rules/index.js";
import type { ExchangeJson } from "../report/kafka.js";
import type { FlowJson } from "../report/flows.js";

/** Column types, as Parquet sees them (NDJSON keeps the JSON values). */
export type ColumnType = "STRING" | "INT32" | "DOUBLE" | "BOOLEAN" | "JSON";

export interface TableSchema<Row> {
  name: "connections" | "exchanges" | "findings";
  columns: ReadonlyArray<{ key: keyof Row & string; type: ColumnType; doc: string }>;
}

/** The two columns every table starts with. */
export interface Origin {
  host: string;
  capture: string;
}

const ORIGIN = [
  { key: "host", type: "STRING", doc: "machine the export was made on (--host; default the hostname)" },
  { key: "capture", type: "STRING", doc: "capture file, or the first of the merged files and how many more" },
] as const;

export const CONNECTIONS: TableSchema<Origin & FlowJson> = {
  name: "connections",
  columns: [
    ...ORIGIN,
    { key: "id", type: "INT32", doc: "connection number in this capture (flows #)" },
    { key: "client", type: "JSON", doc: "{addr, port} of the client side" },
    { key: "server", type: "JSON", doc: "{addr, port} of the server side" },
    { key: "role_inferred", type: "BOOLEAN", doc: "roles guessed (no SYN seen)" },
    { key: "role_reason", type: "STRING", doc: "how the roles were decided (syn, well-known-port?, ...)" },
    { key: "start_time", type: "DOUBLE", doc: "first packet, seconds since the epoch" },
    { key: "end_time", type: "DOUBLE", doc: "last packet, seconds since the epoch" },
    { key: "duration_s", type: "DOUBLE", doc: "end_time - start_time" },
    { key: "c2s", type: "JSON", doc: "{packets, bytes, payload_bytes} client to server" },
    { key: "s2c", type: "JSON", doc: "{packets, bytes, payload_bytes} server to client" },
    { key: "handshake_rtt_ms", type: "DOUBLE", doc: "SYN to ACK of the handshake, null without one" },
    { key: "close", type: "JSON", doc: "{how: fin|rst|open, by, packet, time, idle_before_ms}" },
    { key: "longest_idle_ms", type: "DOUBLE", doc: "longest silence within the connection" },
    { key: "events", type: "JSON", doc: "TCP analysis event counts (retransmission, zero_window, ...)" },
    { key: "dissector", type: "STRING", doc: "protocol dissector of the connection (kafka, tls, ...), null for none" },
    { key: "malformed", type: "STRING", doc: "why the dissector gave up on the connection (\"kafka: ...\": it threw), null when it did not" },
  ],
};

export const EXCHANGES: TableSchema<Origin & ExchangeJson> = {
  name: "exchanges",
  columns: [
    ...ORIGIN,
    { key: "connection", type: "INT32", doc: "connection number (connections.id)" },
    { key: "client", type: "STRING", doc: "client address:port" },
    { key: "server", type: "STRING", doc: "broker address:port" },
    { key: "time", type: "DOUBLE", doc: "request time (orphan response: its time), seconds since the epoch" },
    { key: "api_key", type: "INT32", doc: "Kafka API key" },
    { key: "api_name", type: "STRING", doc: "Kafka API name (Produce, Fetch, ...)" },
    { key: "api_version", type: "INT32", doc: "API version" },
    { key: "correlation_id", type: "INT32", doc: "correlation id" },
    { key: "client_id", type: "STRING", doc: "client.id of the request header" },
    { key: "topics", type: "JSON", doc: "topic names in the request" },
    { key: "status", type: "STRING", doc: "answered, unanswered, no-response-expected, orphan-response" },
    { key: "confidence", type: "STRING", doc: "how sure the pairing is" },
    { key: "request_packets", type: "JSON", doc: "[first, last] packet numbers of the request" },
    { key: "response_packets", type: "JSON", doc: "[first, last] packet numbers of the response" },
    { key: "request_size", type: "DOUBLE", doc: "request bytes" },
    { key: "response_size", type: "DOUBLE", doc: "response bytes" },
    { key: "latency_ms", type: "DOUBLE", doc: "request's last segment to response's last segment (Wireshark's kafka.response_time)" },
    { key: "acks", type: "INT32", doc: "Produce acks" },
    { key: "throttle_time_ms", type: "INT32", doc: "throttle time in the response" },
    { key: "unanswered_reason", type: "STRING", doc: "fin, rst, gap, end-of-capture for an unanswered request" },
    { key: "errors", type: "JSON", doc: "[{code, name}] non-zero error codes in the response" },
    { key: "summary", type: "STRING", doc: "one-line summary as kdiag kafka shows it" },
  ],
};

export const FINDINGS: TableSchema<Origin & Finding> = {
  name: "findings",
  columns: [
    ...ORIGIN,
    { key: "rule", type: "STRING", doc: "rule id (firewall-idle, message-too-large, ...)" },
    { key: "title", type: "STRING", doc: "rule title" },
    { key: "severity", type: "STRING", doc: "info, warning, error, critical" },
    { key: "scope", type: "STRING", doc: "what the rule looked at (end, exchange, capture, ...)" },
    { key: "time", type: "DOUBLE", doc: "when it happened, seconds since the epoch" },
    { key: "confidence", type: "STRING", doc: "high, medium, low" },
    { key: "message", type: "STRING", doc: "what was found" },
    { key: "advice", type: "STRING", doc: "what to change" },
    { key: "evidence", type: "JSON", doc: "{connection, packets, times, details}" },
    { key: "tags", type: "JSON", doc: "rule tags" },
  ],
};

export const TABLES = [CONNECTIONS, EXCHANGES, FINDINGS] as const;
