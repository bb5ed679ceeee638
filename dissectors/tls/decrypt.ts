/**
 * One direction's record protection with known keys: opens AEAD-protected records in order,
 * counting the implicit sequence number (RFC 8446 5.3, RFC 5246 6.2.3.3).
 *
 * Called once per record, so the per-record work allocates as little as node:crypto allows: the
 * nonce and the additional data are written into buffers owned by the cipher, and what a record
 * opened to is left in the cipher's fields instead of a result object. The one allocation left is
 * node:crypto's own (a decipher object and its output buffer per record: an AEAD context cannot be
 * re-keyed with a new nonce through node's API).
 */

import { createDecipheriv, createSecretKey, type DecipherGCM, type KeyObject } from "node:crypto";
import type { SuiteInfo } from "./keys.js";

const TAG = 16;
const NONCE = 12;

/** The record did not authenticate (wrong keys, or bytes that are not what the peer sent). */
export class DecryptError extends Error {}

/**
 * The per-record nonce: the IV with the 64-bit sequence number xored into its last 8 bytes
 * (TLS 1.3 and ChaCha20-Poly1305 in TLS 1.2), or, for TLS 1.2 AES-GCM, the 4-byte salt followed
 * by the record's explicit 8-byte nonce.
 */
export function recordNonce(suite: SuiteInfo, iv: Uint8Array, seq: bigint | number, explicit?: Uint8Array): Uint8Array {
  const nonce = new Uint8Array(NONCE);
  const n = typeof seq === "bigint" ? seq : BigInt(seq);
  writeRecordNonce(nonce, suite.explicitNonce, iv, Number((n >> 32n) & 0xffffffffn), Number(n & 0xffffffffn), explicit ?? nonce, 0);
  return nonce;
}

/**
 * Writes a record's nonce into `out` (12 bytes), with no allocation: the sequence number as its
 * two 32-bit halves; with an explicit nonce (TLS 1.2 AES-GCM), its 8 bytes are read from `body` at `at`.
 */
function writeRecordNonce(out: Uint8Array, explicitNonce: boolean, iv: Uint8Array, seqHi: number, seqLo: number, body: Uint8Array, at: number): void {
  if (explicitNonce) {
    for (let i = 0; i < 4; i++) out[i] = iv[i]!;
    for (let i = 0; i < 8; i++) out[4 + i] = body[at + i]!;
    return;
  }
  for (let i = 0; i < 4; i++) out[i] = iv[i]!;
  for (let i = 0; i < 4; i++) {
    out[7 - i] = iv[7 - i]! ^ ((seqHi >>> (8 * i)) & 0xff);
    out[11 - i] = iv[11 - i]! ^ ((seqLo >>> (8 * i)) & 0xff);
  }
}

export class RecordCipher {
  /** Sequence number of the next record, reset by each key change (a number: one per record). */
  seq = 0;
  /** Of the record last opened: its real content type (the record's own in TLS 1.2, the inner plaintext's in TLS 1.3). */
  type = 0;
  /** Bytes of the record body before the ciphertext (TLS 1.2 AES-GCM's explicit nonce): 8 or 0. */
  readonly prefix: number;
  /** The key imported once, not on every record. */
  private readonly key: KeyObject;
  private readonly tls13: boolean;
  /** Reused for every record: the nonce, and TLS 1.2's additional data (TLS 1.3's is the record header itself). */
  private readonly nonce = Buffer.alloc(NONCE);
  private readonly aad = Buffer.alloc(13);

  constructor(
    readonly suite: SuiteInfo,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.key = createSecretKey(key);
    this.tls13 = suite.tls === 13;
    this.prefix = suite.explicitNonce ? 8 : 0;
  }

  /**
   * Opens one record: `record` holds its 5-byte header and body (`record.length` bytes, all of
   * them). Returns the plaintext (the content, without TLS 1.3's type byte and padding) and sets
   * `type`. Throws DecryptError when it does not authenticate.
   */
  open(record: Uint8Array): Uint8Array {
    const prefix = this.prefix;
    const bodyLength = record.length - 5;
    if (bodyLength < prefix + TAG) throw new DecryptError(`record of ${bodyLength} bytes is too short for ${this.suite.name}`);
    // The sequence number as two halves: a record count stays far below 2^53.
    const seq = this.seq;
    const seqHi = Math.floor(seq / 0x100000000) >>> 0;
    const seqLo = seq >>> 0;
    writeRecordNonce(this.nonce, this.suite.explicitNonce, this.iv, seqHi, seqLo, record, 5);
    const cipherEnd = record.length - TAG;
    const cipherLength = cipherEnd - 5 - prefix;
    // Typed as GCM: ChaCha20-Poly1305 takes the same calls (plaintextLength is needed by CCM only).
    const decipher = createDecipheriv(this.suite.aead as "aes-128-gcm", this.key, this.nonce, { authTagLength: TAG }) as DecipherGCM;
    if (this.tls13) {
      decipher.setAAD(record.subarray(0, 5));
    } else {
      // TLS 1.2: seq_num(8) + type + version + length of the plaintext (RFC 5246 6.2.3.3).
      const aad = this.aad;
      aad.writeUInt32BE(seqHi, 0);
      aad.writeUInt32BE(seqLo, 4);
      aad[8] = record[0]!;
      aad[9] = record[1]!;
      aad[10] = record[2]!;
      aad[11] = cipherLength >> 8;
      aad[12] = cipherLength & 0xff;
      decipher.setAAD(aad);
    }
    decipher.setAuthTag(record.subarray(cipherEnd));
    let plain: Buffer;
    try {
      // An AEAD's final() adds no bytes: no copy of the record into a new buffer.
      plain = decipher.update(record.subarray(5 + prefix, cipherEnd));
      decipher.final();
    } catch {
      throw new DecryptError("a record failed authentication");
    }
    this.seq++;
    // Plain Uint8Array views: their subarrays (the inner framer's) are cheaper than a Buffer's.
    if (!this.tls13) {
      this.type = record[0]!;
      return new Uint8Array(plain.buffer, plain.byteOffset, plain.length);
    }
    // TLSInnerPlaintext: content, the real type, then zero padding (RFC 8446 5.2).
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    if (end === 0) throw new DecryptError("a decrypted record has no content type (all padding)");
    this.type = plain[end - 1]!;
    return new Uint8Array(plain.buffer, plain.byteOffset, end - 1);
  }
}
