/**
 * One direction's record protection with known keys: opens AEAD-protected records in order,
 * counting the implicit sequence number (RFC 8446 5.3, RFC 5246 6.2.3.3).
 *
 * Called once per record, so the per-record work allocates as little as node:crypto allows: the
 * nonce and the additional data are written into buffers owned by the cipher, and what a record
 * opened to is left in the cipher's fields instead of a result object.
 *
 * The first record under each key is opened with node:crypto's AEAD (`createDecipheriv`), so a
 * wrong key is found before any of its plaintext is used. After it, AES-GCM records go through
 * gcm.ts: decrypted at once, authenticated in batches of up to BATCH_RECORDS records, which the
 * caller checks with `check()` at each key change, gap and close (and `open` checks when a batch
 * is full). ChaCha20-Poly1305 records are all opened one by one.
 */

import { createDecipheriv, type DecipherGCM } from "node:crypto";
import { GcmBatchOpener } from "./gcm.js";
import type { SuiteInfo } from "./keys.js";

const TAG = 16;
const NONCE = 12;

/** The record did not authenticate (wrong keys, or bytes that are not what the peer sent). */
export class DecryptError extends Error {
  /** The packet of the record that failed, when it is not the record being opened (a batch's). */
  constructor(
    message: string,
    readonly packet?: number,
  ) {
    super(message);
  }
}

const FAILED = "a record failed authentication";

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
  /**
   * The raw key, given to each node:crypto context as it is: a key has few contexts (its first
   * record, its key stream, one GMAC per batch), and a KeyObject made per key cost more to make
   * (four per TLS 1.3 connection) than it saved on them. ChaCha20-Poly1305's context per record
   * takes a raw key no slower.
   */
  private readonly key: Uint8Array;
  private readonly tls13: boolean;
  /** Reused for every record: the nonce, and TLS 1.2's additional data (TLS 1.3's is the record header itself). */
  private readonly nonce = Buffer.alloc(NONCE);
  private readonly aad = Buffer.alloc(13);
  private readonly header = new Uint8Array(5);
  /** AES-GCM after the first record: decryption by key stream, authentication in batches. */
  private batch: GcmBatchOpener | null = null;

  constructor(
    readonly suite: SuiteInfo,
    key: Uint8Array,
    private readonly iv: Uint8Array,
  ) {
    this.key = key;
    this.tls13 = suite.tls === 13;
    this.prefix = suite.explicitNonce ? 8 : 0;
  }

  /**
   * Checks the records opened but not yet authenticated. Throws DecryptError naming the packet
   * of the first that failed; the caller then gives up on the connection.
   */
  check(): void {
    const failed = this.batch?.check() ?? -1;
    if (failed >= 0) throw new DecryptError(FAILED, failed);
  }

  /** Forgets the records not yet authenticated (decryption was given up). */
  discard(): void {
    this.batch?.discard();
  }

  /**
   * Opens one record: `record` holds its 5-byte header and body (`record.length` bytes, all of
   * them), `packet` the packet that completed it. Returns the plaintext (the content, without TLS
   * 1.3's type byte and padding) and sets `type`. Throws DecryptError when it does not
   * authenticate, or when a batch checked on the way did not.
   */
  open(record: Uint8Array, packet: number): Uint8Array {
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
    const aad = this.additionalData(record, seqHi, seqLo, cipherLength);
    // From the second record under this key on (the first authenticated on its own), AES-GCM goes
    // through batches; not before, as TLS 1.3's handshake keys protect a record or two.
    let batch = this.batch;
    if (batch === null && this.seq > 0 && this.suite.aead !== "chacha20-poly1305") batch = this.batch = new GcmBatchOpener(this.suite.aead, this.key, this.suite.explicitNonce ? null : this.iv);
    // The plaintext: `length` bytes of `plain` from `at`.
    let plain: Uint8Array;
    let at = 0;
    if (batch !== null && GcmBatchOpener.fits(cipherLength)) {
      if (batch.full()) this.check();
      plain = batch.open(this.nonce, aad, record, 5 + prefix, cipherEnd, packet);
      at = batch.plainAt;
    } else {
      plain = this.openOne(aad, record.subarray(5 + prefix, cipherEnd), record.subarray(cipherEnd));
    }
    this.seq++;
    let end = at + cipherLength;
    if (this.tls13) {
      // TLSInnerPlaintext: content, the real type, then zero padding (RFC 8446 5.2).
      while (end > at && plain[end - 1] === 0) end--;
      if (end === at) {
        // Garbage from a record of the batch that does not authenticate says so first.
        this.check();
        throw new DecryptError("a decrypted record has no content type (all padding)");
      }
      this.type = plain[--end]!;
    } else {
      this.type = record[0]!;
    }
    // A plain Uint8Array view: its subarrays (the inner framer's) are cheaper than a Buffer's.
    return new Uint8Array(plain.buffer, plain.byteOffset + at, end - at);
  }

  /**
   * The record's additional data, in a buffer reused: TLS 1.3's is the record header (RFC 8446
   * 5.2); TLS 1.2's seq_num(8) + type + version + length of the plaintext (RFC 5246 6.2.3.3).
   */
  private additionalData(record: Uint8Array, seqHi: number, seqLo: number, cipherLength: number): Uint8Array {
    if (this.tls13) {
      const header = this.header;
      for (let i = 0; i < 5; i++) header[i] = record[i]!;
      return header;
    }
    const aad = this.aad;
    aad.writeUInt32BE(seqHi, 0);
    aad.writeUInt32BE(seqLo, 4);
    aad[8] = record[0]!;
    aad[9] = record[1]!;
    aad[10] = record[2]!;
    aad[11] = cipherLength >> 8;
    aad[12] = cipherLength & 0xff;
    return aad;
  }

  /** One record with node:crypto's AEAD: a context of its own, the tag checked at once. */
  private openOne(aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array {
    // Typed as GCM: ChaCha20-Poly1305 takes the same calls (plaintextLength is needed by CCM only).
    const decipher = createDecipheriv(this.suite.aead as "aes-128-gcm", this.key, this.nonce, { authTagLength: TAG }) as DecipherGCM;
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    let plain: Buffer;
    try {
      // An AEAD's final() adds no bytes: no copy of the record into a new buffer.
      plain = decipher.update(ciphertext);
      decipher.final();
    } catch {
      throw new DecryptError(FAILED);
    }
    return plain;
  }
}
