/**
 * Recognising Kafka on the wire: the int32 size prefix that frames every message, the heuristic
 * that finds Kafka on any port from a request header, and the scan that finds the next message
 * start after bytes were lost.
 */

import type { DetectResult, Dir, Framing } from "../../src/plugins/api.js";
import { apiDef } from "./schema/index.js";

/**
 * Largest message accepted as a frame. Kafka sizes are int32; brokers refuse requests over
 * socket.request.max.bytes (100 MiB by default) but a client may still send one — which is the
 * message-too-large incident — so the bound is generous.
 */
export const MAX_KAFKA_MESSAGE = 1024 * 1024 * 1024;

/** size(4) + api_key(2) + api_version(2) + correlation_id(4) + client_id length(2). */
const REQUEST_HEAD = 14;
/** Versions a little past the table's newest are still plausible (a newer client). */
const VERSION_SLACK = 5;

function int32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) | 0;
}

function int16(b: Uint8Array, at: number): number {
  return ((b[at]! << 8) | b[at + 1]!) << 16 >> 16;
}

export const kafkaFraming: Framing = {
  // Requests: size + api_key + api_version; responses: size + correlation_id.
  headerLength: 8,
  pduLength(head: Uint8Array, dir: Dir): number {
    const size = int32(head, 0);
    if (dir === "c2s") {
      // Unknown API keys must still be framed (and flagged later), so only absurd values fail here.
      const key = int16(head, 4);
      const version = int16(head, 6);
      if (size < 8 || key < 0 || key > 1000 || version < 0 || version > 1000) return -1;
    } else if (size < 4) {
      return -1;
    }
    return size + 4;
  },
  maxPduLength: MAX_KAFKA_MESSAGE + 4,
};

/**
 * A strict reading of a request header at `at`: a known API key, a version in (or just past) its
 * range, a non-negative correlation id, and a printable client id that fits in the message.
 * Returns the client id (null when absent) or undefined when the bytes are not a request start.
 */
export function plausibleRequest(b: Uint8Array, at: number): string | null | undefined {
  if (b.length - at < REQUEST_HEAD) return undefined;
  const size = int32(b, at);
  if (size < 10 || size > MAX_KAFKA_MESSAGE) return undefined;
  const api = apiDef(int16(b, at + 4));
  const version = int16(b, at + 6);
  if (!api || version < api.valid[0] || version > api.valid[1] + VERSION_SLACK) return undefined;
  if (int32(b, at + 8) < 0) return undefined;
  const idLength = int16(b, at + 12);
  if (idLength === -1) return null;
  if (idLength < 0 || idLength > size - 10) return undefined;
  const end = Math.min(b.length, at + REQUEST_HEAD + idLength);
  for (let i = at + REQUEST_HEAD; i < end; i++) {
    const c = b[i]!;
    if (c < 0x20 || c > 0x7e) return undefined;
  }
  return new TextDecoder().decode(b.subarray(at + REQUEST_HEAD, end));
}

/** The heuristic: Kafka is recognised from the client's first request header. */
export function detectKafka(head: Uint8Array, dir: Dir): DetectResult {
  if (head.length < REQUEST_HEAD) {
    if (head.length >= 4 && (int32(head, 0) < 4 || int32(head, 0) > MAX_KAFKA_MESSAGE)) return "no";
    return "more";
  }
  if (plausibleRequest(head, 0) !== undefined) return dir === "c2s" ? "yes" : "client";
  // Responses alone say too little: on the server's side, wait for the client's requests.
  return dir === "s2c" && int32(head, 0) >= 4 && int32(head, 0) <= MAX_KAFKA_MESSAGE ? "more" : "no";
}

/**
 * After a gap: the offset of the first plausible message start in `bytes`, or -1. Requests must
 * look like a request header (and carry the connection's client id when we know it); responses
 * must carry a correlation id that a request is waiting for.
 */
export function findMessageStart(
  bytes: Uint8Array,
  dir: Dir,
  clientId: string | null | undefined,
  waiting: ReadonlySet<number>,
): number {
  const last = bytes.length - 8;
  for (let i = 0; i <= last; i++) {
    if (dir === "c2s") {
      const id = plausibleRequest(bytes, i);
      if (id !== undefined && (clientId === undefined || id === clientId)) return i;
    } else {
      const size = int32(bytes, i);
      if (size >= 4 && size <= MAX_KAFKA_MESSAGE && waiting.has(int32(bytes, i + 4))) return i;
    }
  }
  return -1;
}
