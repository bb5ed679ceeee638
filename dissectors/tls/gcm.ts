/**
 * AES-GCM opening of many records under one key, without a node:crypto AEAD context per record.
 *
 * Why: node:crypto cannot re-key an AEAD context with a new nonce, so opening each record with
 * `createDecipheriv` costs a new OpenSSL context, a native wrapper object for the garbage
 * collector to finalise, and five calls through node's argument checks — several microseconds a
 * record, more than the AES-GCM itself on a 1.4 KB record (bench/README.md, "TLS decryption").
 *
 * How, with the two halves of GCM (NIST SP 800-38D) done apart:
 * - Decryption: GCM is counter mode. One AES-ECB context per key encrypts the record's counter
 *   blocks (J0 = nonce || 1, then nonce || 2, 3, ...) into its key stream in one call; the
 *   plaintext is the ciphertext xored with it.
 * - Authentication, of every record, checked in batches: a record's tag is
 *   T = S xor E(K, J0), S = GHASH_H(its additional data, its ciphertext, their lengths).
 *   Each record's GHASH input blocks, followed by the block T xor E(K, J0) (the S the record
 *   claims), are streamed into one GMAC per batch. GHASH is Horner's rule (Y = (Y xor X) * H),
 *   so after a record that authenticates the running value is where it was before the record,
 *   times a power of H: over a batch of good records it stays 0. node:crypto's GCM with all
 *   that as additional data and no plaintext then yields the tag L * H xor E(K, J0') (L: the
 *   batch's length block, J0': a fixed nonce), computed here with one multiplication in
 *   GF(2^128). A record that does not authenticate leaves a non-zero polynomial in the secret H,
 *   which vanishes with probability about (blocks in the batch) / 2^128: for finding a wrong key
 *   or altered bytes, as sure as checking each tag. When a batch fails, each of its records is
 *   checked on its own (GHASH in JavaScript, slow but only then) to name the first that failed.
 *
 * What a caller must know: a record's plaintext is returned before its batch is checked. The
 * caller checks at most `BATCH_RECORDS` records later, and at every key change, gap and close.
 */

import { createCipheriv, type Cipher, type CipherGCM, type KeyObject } from "node:crypto";

/** Records per batch: each batch costs one node:crypto GCM context. */
export const BATCH_RECORDS = 16;
const BLOCK = 16;
/** The nonce of the batch's GMAC: any fixed value will do, the key is the records' key. */
const BATCH_NONCE = new Uint8Array(12);
/** Largest ciphertext of a record kdiag reads (framing.ts: 2^14 + 2048 bytes of body). */
const MAX_CIPHERTEXT = 16384 + 2048;

/**
 * Scratch shared by every opener, used within one call: counter blocks (with word and big-endian
 * views), an aligned copy of the ciphertext (to xor a word at a time), and a record's last GHASH
 * blocks (padding, length block, claimed S).
 */
const COUNTERS = new ArrayBuffer((Math.ceil(MAX_CIPHERTEXT / BLOCK) + 1) * BLOCK);
const counterBytes = new Uint8Array(COUNTERS);
const counterWords = new Uint32Array(COUNTERS);
const counterView = new DataView(COUNTERS);
const nonceBytes = new Uint8Array(BLOCK);
const nonceWords = new Uint32Array(nonceBytes.buffer);
const aligned = new Uint8Array(Math.ceil(MAX_CIPHERTEXT / 4) * 4);
const alignedWords = new Int32Array(aligned.buffer);
const tail = new Uint8Array(3 * BLOCK);
const tailView = new DataView(tail.buffer);
/** The tail's views by padding length: what setAAD is given, made once. */
const TAIL_VIEWS = Array.from({ length: BLOCK }, (_, pad) => tail.subarray(0, pad + 2 * BLOCK));
const head = new Uint8Array(BLOCK);

/** A 128-bit block as four big-endian 32-bit words. */
type Block = Uint32Array;

export class GcmBatchOpener {
  private readonly ecb: Cipher;
  /** GHASH's hash subkey H = E(K, 0^128). */
  private readonly h: Block = new Uint32Array(4);
  /** E(K, J0') of the batch's GMAC nonce. */
  private readonly batchMask: Block = new Uint32Array(4);
  /** The batch's GMAC, fed each record's GHASH input as it is opened; null between batches. */
  private gmac: CipherGCM | null = null;
  /** Bytes of GHASH input in the batch (for its length block). */
  private bytes = 0;
  private records = 0;
  /**
   * Of each record in the batch, to name the one that failed: its packet, nonce, additional data,
   * claimed S, and its key stream buffer (which holds its plaintext; with the key stream
   * recomputed from the nonce, its ciphertext again).
   */
  private readonly packets = new Float64Array(BATCH_RECORDS);
  private readonly lengths = new Float64Array(BATCH_RECORDS);
  private readonly saved = new Uint8Array(BATCH_RECORDS * 48);
  private readonly aadLengths = new Uint8Array(BATCH_RECORDS);
  private readonly streams: Array<Buffer | null> = [];

  constructor(
    private readonly aead: "aes-128-gcm" | "aes-256-gcm",
    private readonly key: KeyObject,
  ) {
    this.ecb = createCipheriv(aead === "aes-128-gcm" ? "aes-128-ecb" : "aes-256-ecb", key, null);
    this.ecb.setAutoPadding(false);
    const init = new Uint8Array(2 * BLOCK);
    init.set(BATCH_NONCE, BLOCK);
    init[2 * BLOCK - 1] = 1;
    const out = this.ecb.update(init);
    readBlock(out, 0, this.h);
    readBlock(out, BLOCK, this.batchMask);
  }

  /** Records opened since the last check. */
  get pending(): number {
    return this.records;
  }

  /** Whether the batch must be checked before another record is opened. */
  full(): boolean {
    return this.records === BATCH_RECORDS;
  }

  /** Whether a ciphertext of `length` bytes can go through open() (the scratch's size). */
  static fits(length: number): boolean {
    return length <= MAX_CIPHERTEXT;
  }

  /**
   * Decrypts one record and adds it to the batch (check `full()` first). `nonce`: its 12 bytes;
   * `aad`: its additional data (up to 16 bytes: TLS uses 5 or 13); the ciphertext is
   * `record[start..end)` (at most 2^14 + 2048 bytes), the tag the 16 bytes after it. Returns the
   * key stream buffer, whose bytes from 16 on are now the plaintext (`end - start` of them).
   * Offsets instead of views: this runs once per record, and each view is an allocation.
   */
  open(nonce: Uint8Array, aad: Uint8Array, record: Uint8Array, start: number, end: number, packet: number): Buffer {
    const n = end - start;
    const stream = this.keyStream(nonce, Math.ceil(n / BLOCK));
    // The record's GHASH input, streamed into the batch's GMAC: aad, padded; ciphertext, padded;
    // the length block; then S as the record claims it, T xor E(K, J0).
    const gmac = (this.gmac ??= createCipheriv(this.aead, this.key, BATCH_NONCE) as CipherGCM);
    head.fill(0);
    head.set(aad);
    gmac.setAAD(head);
    const ciphertext = new Uint8Array(record.buffer, record.byteOffset + start, n);
    gmac.setAAD(ciphertext);
    const pad = (BLOCK - (n % BLOCK)) % BLOCK;
    tail.fill(0);
    // [len(A)]64 || [len(C)]64, in bits.
    tailView.setUint32(pad + 4, aad.length * 8);
    tailView.setUint32(pad + 12, n * 8);
    const r = this.records++;
    const saved = this.saved;
    for (let i = 0; i < BLOCK; i++) {
      const s = record[end + i]! ^ stream[i]!;
      tail[pad + BLOCK + i] = s;
      saved[48 * r + 32 + i] = s;
    }
    gmac.setAAD(TAIL_VIEWS[pad]!);
    this.bytes += BLOCK + n + pad + 2 * BLOCK;
    this.packets[r] = packet;
    this.lengths[r] = n;
    this.aadLengths[r] = aad.length;
    saved.set(nonce, 48 * r);
    saved.set(head, 48 * r + 16);
    this.streams[r] = stream;
    // Plaintext = ciphertext xor key stream, in place in the key stream (a buffer of our own),
    // a word at a time from an aligned copy of the ciphertext.
    aligned.set(ciphertext);
    xorAligned(stream, BLOCK, n);
    return stream;
  }

  /**
   * Checks the batch and empties it. Returns -1 when every record authenticated, otherwise the
   * packet of the first record that did not.
   */
  check(): number {
    const gmac = this.gmac;
    if (this.records === 0 || gmac === null) return -1;
    gmac.final();
    const tag = gmac.getAuthTag();
    // Expected: GHASH of the length block alone (the records' blocks sum to 0), masked.
    const expected = new Uint32Array(4);
    gfMul(new Uint32Array([0, this.bytes * 8, 0, 0]), this.h, expected);
    let ok = true;
    for (let i = 0; i < 4; i++) if (((expected[i]! ^ this.batchMask[i]!) >>> 0) !== tag.readUInt32BE(4 * i)) ok = false;
    const failed = ok ? -1 : this.firstFailure();
    this.discard();
    return failed;
  }

  /** Forgets the records not yet checked (the connection gave up decrypting, or they were checked). */
  discard(): void {
    this.gmac = null;
    this.bytes = 0;
    this.records = 0;
    this.streams.fill(null);
  }

  /** The packet of the first record of the batch whose own GHASH does not give 0. */
  private firstFailure(): number {
    const y = new Uint32Array(4);
    const x = new Uint32Array(4);
    const ghash = (bytes: Uint8Array, at: number): void => {
      readBlock(bytes, at, x);
      for (let i = 0; i < 4; i++) x[i]! ^= y[i]!;
      gfMul(x, this.h, y);
    };
    for (let r = 0; r < this.records; r++) {
      const n = this.lengths[r]!;
      const blocks = Math.ceil(n / BLOCK);
      // The ciphertext again: the plaintext xor the key stream, in a block-padded copy.
      const stream = this.keyStream(this.saved.subarray(48 * r, 48 * r + 12), blocks);
      const ciphertext = new Uint8Array(blocks * BLOCK);
      for (let i = 0; i < n; i++) ciphertext[i] = stream[BLOCK + i]! ^ this.streams[r]![BLOCK + i]!;
      const length = new Uint8Array(BLOCK);
      const view = new DataView(length.buffer);
      view.setUint32(4, this.aadLengths[r]! * 8);
      view.setUint32(12, n * 8);
      y.fill(0);
      ghash(this.saved, 48 * r + 16);
      for (let at = 0; at < ciphertext.length; at += BLOCK) ghash(ciphertext, at);
      ghash(length, 0);
      ghash(this.saved, 48 * r + 32);
      if (y[0] !== 0 || y[1] !== 0 || y[2] !== 0 || y[3] !== 0) return this.packets[r]!;
    }
    // Each record checks out on its own but the batch did not: cannot be, short of a bug.
    return this.packets[0]!;
  }

  /** E(K, J0), E(K, nonce || 2), ...: `1 + blocks` blocks of key stream for one record. */
  private keyStream(nonce: Uint8Array, blocks: number): Buffer {
    nonceBytes.set(nonce);
    const w0 = nonceWords[0]!;
    const w1 = nonceWords[1]!;
    const w2 = nonceWords[2]!;
    for (let b = 0; b <= blocks; b++) {
      counterWords[4 * b] = w0;
      counterWords[4 * b + 1] = w1;
      counterWords[4 * b + 2] = w2;
      // J0's counter is 1; the ciphertext's blocks start at 2 (inc32, whose wrap no record reaches).
      counterView.setUint32(16 * b + 12, b + 1);
    }
    return this.ecb.update(counterBytes.subarray(0, (blocks + 1) * BLOCK));
  }
}

function readBlock(bytes: Uint8Array, at: number, out: Block): void {
  for (let i = 0; i < 4; i++) {
    const p = at + 4 * i;
    out[i] = ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
  }
}

/** out[outAt..] ^= the first n bytes of `aligned`. */
function xorAligned(out: Uint8Array, outAt: number, n: number): void {
  let i = 0;
  if (((out.byteOffset + outAt) & 3) === 0) {
    const words = n >>> 2;
    const o = new Int32Array(out.buffer, out.byteOffset + outAt, words);
    for (let w = 0; w < words; w++) o[w]! ^= alignedWords[w]!;
    i = words << 2;
  }
  for (; i < n; i++) out[outAt + i]! ^= aligned[i]!;
}

/**
 * out = x * y in GCM's GF(2^128) (SP 800-38D 6.3, bit 0 the most significant bit of the first
 * byte). `out` may not be `y`.
 */
export function gfMul(x: Block, y: Block, out: Block): void {
  let z0 = 0, z1 = 0, z2 = 0, z3 = 0;
  let v0 = y[0]!, v1 = y[1]!, v2 = y[2]!, v3 = y[3]!;
  for (let i = 0; i < 128; i++) {
    if ((x[i >>> 5]! >>> (31 - (i & 31))) & 1) {
      z0 ^= v0;
      z1 ^= v1;
      z2 ^= v2;
      z3 ^= v3;
    }
    const lsb = v3 & 1;
    v3 = (v3 >>> 1) | (v2 << 31);
    v2 = (v2 >>> 1) | (v1 << 31);
    v1 = (v1 >>> 1) | (v0 << 31);
    v0 = v0 >>> 1;
    if (lsb) v0 ^= 0xe1000000;
  }
  out[0] = z0;
  out[1] = z1;
  out[2] = z2;
  out[3] = z3;
}
