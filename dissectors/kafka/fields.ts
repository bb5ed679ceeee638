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
  "kafka.sasl.mechanism",
  "kafka.sasl.enabled_mechanisms",
  "kafka.sasl.username",
  "kafka.sasl.authzid",
  "kafka.sasl.scram_step",
  "kafka.sasl.scram_iterations",
  "kafka.sasl.scram_error",
  "kafka.sasl.raw_token",
  "kafka.sasl.password",
  "kafka.sasl.scram_proof",
  "kafka.sasl.oauth_token",
]);

export const KAFKA_FIELDS: readonly FieldSpec[] = [
  { name: "kafka.len", type: "int", unit: "bytes", description: "Length of the Kafka message after the int32 size prefix" },
  { name: "kafka.api_key", type: "int", description: "API key of the request (or of the request a response answers)", values: API_NAMES, exchange: "operation" },
  { name: "kafka.api_version", type: "int", description: "API version of the request (or of the request a response answers)" },
  { name: "kafka.correlation_id", type: "int", description: "Correlation id pairing a response with its request" },
  { name: "kafka.client_id", type: "string", description: "Client id from the request header", exchange: "client" },
  { name: "kafka.topic_name", type: "string", repeated: true, description: "Topic name (each topic in the message)" },
  { name: "kafka.partition_id", type: "int", repeated: true, description: "Partition index (each partition in the message)" },
  { name: "kafka.error", type: "int", repeated: true, description: "Error code (each one in the message; 0 = none)", values: KAFKA_ERRORS, valueHelp: KAFKA_ERROR_HELP, exchange: "error" },
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
  // SASL (dissectors/kafka/sasl.ts). Wireshark has kafka.sasl_mechanism and the opaque
  // kafka.sasl_auth_bytes; kdiag decodes the tokens by mechanism and never shows a secret
  // unless run with --show-secrets.
  { name: "kafka.sasl.mechanism", type: "string", description: "SASL mechanism the client asked for in SaslHandshake (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, GSSAPI), on the handshake and every token after it; SCRAM when guessed from a token without the handshake" },
  { name: "kafka.sasl.enabled_mechanisms", type: "string", repeated: true, description: "Mechanisms the broker's listener enables (SaslHandshake response: sasl.enabled.mechanisms)" },
  { name: "kafka.sasl.username", type: "string", description: "User name of a PLAIN token or a SCRAM client-first message" },
  { name: "kafka.sasl.authzid", type: "string", description: "Authorization id of a PLAIN token, when the client sent one" },
  { name: "kafka.sasl.scram_step", type: "string", description: "SCRAM message: client-first, server-first, client-final or server-final" },
  { name: "kafka.sasl.scram_iterations", type: "int", description: "SCRAM server-first iteration count (i=)" },
  { name: "kafka.sasl.scram_error", type: "string", description: "SCRAM server-final error (e=), e.g. invalid-proof" },
  { name: "kafka.sasl.raw_token", type: "bool", description: "A bare SASL token after a SaslHandshake v0 (no Kafka header, framed by its length alone)" },
  { name: "kafka.sasl.password", type: "string", description: "PLAIN password: only with --show-secrets (masked otherwise, and absent)" },
  { name: "kafka.sasl.scram_proof", type: "string", description: "SCRAM client proof (p=): only with --show-secrets" },
  { name: "kafka.sasl.oauth_token", type: "string", description: "OAUTHBEARER bearer token: only with --show-secrets" },
];
