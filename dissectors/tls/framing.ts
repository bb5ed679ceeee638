/**
 * Recognising TLS on the wire: the 5-byte record header that frames every record (content type,
 * version, length), the heuristic that finds TLS on any port from the client's first handshake
 * record, and the scan that finds the next record after bytes were lost.
 */

import type { DetectResult, Dir, Framing } from "../../src/plugins/api.js";

export const RECORD_HEADER = 5;
/**
 * Largest record body a peer may send: 2^14 plaintext bytes plus 2048 of expansion (RFC 5246
 * 6.2.3, the ciphertext bound; TLS 1.3 allows only 2^14 + 256). Anything longer is not TLS.
 */
export const MAX_RECORD_BODY = 16384 + 2048;

/** The content types of RFC 8446 and RFC 6520 (heartbeat); others are not a record start. */
function knownContentType(t: number): boolean {
  return t >= 20 && t <= 24;
}

/** Record-layer versions: SSL 3.0 (0x0300) to TLS 1.3's frozen 0x0303, and 0x0304 seen in the wild. */
function recordVersion(major: number, minor: number): boolean {
  return major === 3 && minor <= 4;
}

function u16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

function u24(b: Uint8Array, at: number): number {
  return (b[at]! << 16) | (b[at + 1]! << 8) | b[at + 2]!;
}

/** Body length of a plausible record header at `at`, or -1. */
export function recordBodyLength(b: Uint8Array, at: number): number {
  if (b.length - at < RECORD_HEADER) return -1;
  if (!knownContentType(b[at]!) || !recordVersion(b[at + 1]!, b[at + 2]!)) return -1;
  const len = u16(b, at + 3);
  return len <= MAX_RECORD_BODY ? len : -1;
}

export const tlsFraming: Framing = {
  headerLength: RECORD_HEADER,
  pduLength(head: Uint8Array): number {
    if (!knownContentType(head[0]!) || !recordVersion(head[1]!, head[2]!)) return -1;
    // An absurd length is returned as it is: the framer reports it against maxPduLength, which
    // says more to the user than "not a record start".
    return RECORD_HEADER + u16(head, 3);
  },
  maxPduLength: RECORD_HEADER + MAX_RECORD_BODY,
  resync: findRecordStart,
};

/**
 * After a gap: the offset of the first plausible record header, or -1. A header alone is 5 bytes
 * that random ciphertext matches now and then, so when the bytes hold the record's end, the next
 * header must be plausible too.
 */
export function findRecordStart(bytes: Uint8Array): number {
  for (let i = 0; i + RECORD_HEADER <= bytes.length; i++) {
    const len = recordBodyLength(bytes, i);
    if (len < 0) continue;
    const next = i + RECORD_HEADER + len;
    if (next + RECORD_HEADER <= bytes.length && recordBodyLength(bytes, next) < 0) continue;
    return i;
  }
  return -1;
}

/** Fixed part of a ClientHello body: version(2) + random(32) + session id length(1). */
const CLIENT_HELLO_MIN = 35;

/**
 * The heuristic: TLS is recognised from the client's first bytes, a handshake record (0x16, version
 * 3.0-3.4, a plausible length) holding a ClientHello whose own length and version are plausible.
 * A Kafka request cannot look like this: its first byte is the top byte of a size far below
 * 0x16000000 (369 MB). The server's first bytes alone are not enough: its side waits for the
 * client's.
 */
export function detectTls(head: Uint8Array, dir: Dir): DetectResult {
  const verdict = clientHelloStart(head);
  if (verdict === "yes") return dir === "c2s" ? "yes" : "client";
  if (verdict === "more") return "more";
  // A server's first record (ServerHello) says TLS too, but only the client's side decides.
  return dir === "s2c" && serverHelloStart(head) ? "more" : "no";
}

function clientHelloStart(head: Uint8Array): DetectResult {
  const checks: Array<[number, () => boolean]> = [
    [1, () => head[0] === 22],
    [3, () => recordVersion(head[1]!, head[2]!)],
    [5, () => {
      const len = u16(head, 3);
      return len >= 4 + CLIENT_HELLO_MIN && len <= MAX_RECORD_BODY;
    }],
    [6, () => head[5] === 1],
    // The ClientHello may span records, so its length is only bounded loosely.
    [9, () => u24(head, 6) >= CLIENT_HELLO_MIN && u24(head, 6) <= 0xffff],
    [11, () => recordVersion(head[9]!, head[10]!)],
  ];
  for (const [need, ok] of checks) {
    if (head.length < need) return "more";
    if (!ok()) return "no";
  }
  return "yes";
}

function serverHelloStart(head: Uint8Array): boolean {
  return head.length >= 6 && head[0] === 22 && recordVersion(head[1]!, head[2]!) && head[5] === 2;
}
