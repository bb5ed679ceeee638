/**
 * Fields the Kafka dissector exposes to filters, rules and JSON output. Names are Wireshark's
 * (checked against `tshark -G fields` of 4.0.17) so a Wireshark user already knows them; the few
 * Wireshark lacks are listed in KAFKA_OWN_FIELDS.
 */
import type { FieldSpec } from "../../src/plugins/api.js";
import { APIS } from "./generated/protocol.js";
import { KAFKA_ERRORS } from "./generated/errors.js";
import { KAFKA_ERROR_HELP } from "./error-help.js";

/** API key → API name, from the generated table. */
export const API_NAMES: Readonly<Record<number, string>> = Object.fromEntries(APIS.map((a) => [a.key, a.name]));

/** Field names kdiag adds that Wireshark 4.0 does not have. */
export const KAFKA_OWN_FIELDS: ReadonlySet<string> = new Set([
  "kafka.response_time",
  "kafka.response_size",
  "kafka.records_length",
  "kafka.topic_id",
  "kafka.unknown_api",
  "kafka.unanswered",
  "kafka.record_count",
  "kafka.batch_crc_ok",
]);

export const KAFKA_FIELDS: readonly FieldSpec[] = [
  { name: "kafka.len", type: "int", unit: "bytes", description: "Length of the Kafka message after the int32 size prefix" },
  { name: "kafka.api_key", type: "int", description: "API key of the request (or of the request a response answers)", values: API_NAMES },
  { name: "kafka.api_version", type: "int", description: "API version of the request (or of the request a response answers)" },
  { name: "kafka.correlation_id", type: "int", description: "Correlation id pairing a response with its request" },
  { name: "kafka.client_id", type: "string", description: "Client id from the request header" },
  { name: "kafka.topic_name", type: "string", repeated: true, description: "Topic name (each topic in the message)" },
  { name: "kafka.partition_id", type: "int", repeated: true, description: "Partition index (each partition in the message)" },
  { name: "kafka.error", type: "int", repeated: true, description: "Error code (each one in the message; 0 = none)", values: KAFKA_ERRORS, valueHelp: KAFKA_ERROR_HELP },
  { name: "kafka.error_message", type: "string", repeated: true, description: "Error message sent with an error code, when the version carries one" },
  { name: "kafka.required_acks", type: "int", description: "Produce acks: 0 none, 1 leader, -1 all in-sync replicas" },
  { name: "kafka.timeout", type: "int", unit: "ms", description: "Produce request timeout, milliseconds" },
  { name: "kafka.max_wait_time", type: "int", unit: "ms", description: "Fetch: how long the broker may hold the request waiting for data (MaxWaitMs), milliseconds" },
  { name: "kafka.throttle_time", type: "int", unit: "ms", description: "Time the broker throttled the client, milliseconds" },
  { name: "kafka.transactional_id", type: "string", description: "Transactional id of a producer" },
  { name: "kafka.consumer_group", type: "string", description: "Consumer group id" },
  { name: "kafka.member_id", type: "string", description: "Consumer group member id" },
  { name: "kafka.request_frame", type: "uint", description: "Packet number of the request this response answers" },
  { name: "kafka.response_frame", type: "uint", description: "Packet number of the response to this request" },
  { name: "kafka.response_time", type: "double", unit: "ms", description: "Time from request to response, milliseconds" },
  { name: "kafka.response_size", type: "uint", unit: "bytes", description: "Bytes of the response on the wire (exchanges)" },
  { name: "kafka.batch_size", type: "uint", repeated: true, unit: "bytes", description: "Bytes of each record batch on the wire (what message.max.bytes limits)" },
  {
    name: "kafka.batch_codec",
    type: "uint",
    description: "Compression codec of the record batches",
    values: { 0: "none", 1: "gzip", 2: "snappy", 3: "lz4", 4: "zstd" },
  },
  { name: "kafka.record_count", type: "uint", description: "Records the message's batches declare" },
  { name: "kafka.batch_crc_ok", type: "bool", description: "Every record batch passed its CRC check (CRC-32C for magic 2, CRC-32 for 0/1)" },
  { name: "kafka.records_length", type: "uint", repeated: true, unit: "bytes", description: "Bytes of each records field (a partition's record batches)" },
  { name: "kafka.topic_id", type: "string", repeated: true, description: "Topic id (UUID) where the version names topics by id" },
  { name: "kafka.unknown_api", type: "bool", description: "API key or version not in the protocol table: only the header was decoded" },
  {
    name: "kafka.unanswered",
    type: "string",
    description: "Why a request has no response: fin, rst, gap (it may be in bytes not captured) or end-of-capture",
  },
];
