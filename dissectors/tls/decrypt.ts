/**
 * One direction's record protection with known keys: opens AEAD-protected records in order,
 * counting the implicit sequence number (RFC 8446 5.3, RFC 5246 6.2.3.3).
 */

import { createDecipheriv, createSecretKey, type DecipherChaCha20Poly1305, type DecipherGCM, type KeyObject } from "node:crypto";
import type { SuiteInfo } from "./keys.js";

const TAG = 16;

/** The record did not authenticate (wrong keys, or bytes that are not what the peer sent). */
export class DecryptError extends Error {}

export interface Opened {
  /** The real content type: the record's own in TLS 1.2, the inner plaintext's in TLS 1.3. */
  type: number;
  plaintext: Uint8Array;
  /** Bytes of the record body before the ciphertext (TLS 1.2 AES-GCM's explicit nonce). */
  prefix: number;
}

/**
 * The per-record nonce: the IV with the 64-bit sequence number xored into its last 8 bytes
 * (TLS 1.3 and ChaCha20-Poly1305 in TLS 1.2), or, for TLS 1.2 AES-GCM, the 4-byte salt followed
 * by the record's explicit 8-byte nonce.
 */
export function recordNonce(suite: SuiteInfo, iv: Uint8Array, seq: bigint | number, explicit?: Uint8Array): Uint8Array {
  if (suite.explicitNonce) {
    const nonce = new Uint8Array(12);
    nonce.set(iv.subarray(0, 4), 0);
    nonce.set(explicit!.subarray(0, 8), 4);
    return nonce;
  }
  const nonce = iv.slice(0, 12);
  const [hi, lo] = seqHalves(seq);
  for (let i = 0; i < 4; i++) {
    nonce[11 - i]! ^= (lo >>> (8 * i)) & 0xff;
    nonce[7 - i]! ^= (hi >>> (8 * i)) & 0xff;
  }
  return nonce;
}

/** The 64-bit sequence number as two 32-bit halves (a record count stays far below 2^53). */
function seqHalves(seq: bigint | number): [number, number] {
  if (typeof seq === "bigint") return [Number((seq >> 32n) & 0xffffffffn), Number(seq & 0xffffffffn)];
  return [Math.floor(seq / 0x100000000) >>> 0, seq >>> 0];
}

export class RecordCipher {
  /** Sequence number of the next record, reset by each key change (a number: one per record). */
  seq = 0;
  /** The key imported once, not on every record. */
  private readonly key: KeyObject;

  constructor(
    readonly suite: SuiteInfo,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.key = createSecretKey(key);
  }

  /** Opens one record; `header` is its 5 bytes, `body` the rest. Throws DecryptError when it does not authenticate. */
  open(header: Uint8Array, body: Uint8Array): Opened {
    const tls13 = this.suite.tls === 13;
    const prefix = this.suite.explicitNonce ? 8 : 0;
    if (body.length < prefix + TAG) throw new DecryptError(`record of ${body.length} bytes is too short for ${this.suite.name}`);
    const nonce = recordNonce(this.suite, this.iv, this.seq, body.subarray(0, prefix));
    const ciphertext = body.subarray(prefix, body.length - TAG);
    const tag = body.subarray(body.length - TAG);
    let aad: Uint8Array;
    if (tls13) {
      aad = header;
    } else {
      // TLS 1.2: seq_num(8) + type + version + length of the plaintext (RFC 5246 6.2.3.3).
      aad = new Uint8Array(13);
      const [hi, lo] = seqHalves(this.seq);
      const view = new DataView(aad.buffer);
      view.setUint32(0, hi);
      view.setUint32(4, lo);
      aad.set(header.subarray(0, 3), 8);
      aad[11] = ciphertext.length >> 8;
      aad[12] = ciphertext.length & 0xff;
    }
    const decipher = createDecipheriv(this.suite.aead as "aes-128-gcm", this.key, nonce, { authTagLength: TAG }) as DecipherGCM | DecipherChaCha20Poly1305;
    (decipher as DecipherGCM).setAAD(aad, { plaintextLength: ciphertext.length });
    decipher.setAuthTag(tag);
    let plain: Uint8Array;
    try {
      // An AEAD's final() adds no bytes: no copy of the record into a new buffer.
      const head = decipher.update(ciphertext);
      const tail = decipher.final();
      plain = tail.length > 0 ? Buffer.concat([head, tail]) : head;
    } catch {
      throw new DecryptError("a record failed authentication");
    }
    this.seq++;
    if (!tls13) return { type: header[0]!, plaintext: plain, prefix };
    // TLSInnerPlaintext: content, the real type, then zero padding (RFC 8446 5.2).
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    if (end === 0) throw new DecryptError("a decrypted record has no content type (all padding)");
    return { type: plain[end - 1]!, plaintext: plain.subarray(0, end - 1), prefix };
  }
}
