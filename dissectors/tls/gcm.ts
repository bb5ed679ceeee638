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
 * Per record that is still node:crypto calls, each with a fixed cost of a microsecond or two
 * (argument checks, a new output buffer), so:
 * - The record's GHASH input goes to the GMAC in one `setAAD`: copied into one scratch buffer
 *   (additional data block, ciphertext, padding, length block, S), which also serves the xor.
 * - The key stream is made ahead: the nonces of the next records are known before they arrive
 *   (TLS 1.3: the IV xor the sequence number; TLS 1.2: its salt and an explicit nonce that the
 *   common stacks count up by one), so one ECB call makes the key stream of as many records as
 *   the key has opened so far, up to `AHEAD_RECORDS`, each as long as the longest record since
 *   the last such call (at most `AHEAD_BYTES` in all: what an opener holds between records). A
 *   record whose nonce is not the one predicted, or that is longer, starts a new call; once a
 *   nonce was not the predicted one (a TLS 1.2 peer that does not count), each record has its own.
 *
 * What a caller must know: a record's plaintext is returned before its batch is checked. The
 * caller checks at most `BATCH_RECORDS` records later, and at every key change, gap and close.
 */

import { createCipheriv, type Cipher, type CipherGCM } from "node:crypto";

/** Records per batch: each batch costs one node:crypto GCM context. */
export const BATCH_RECORDS = 16;
const BLOCK = 16;
/** Records whose key stream one ECB call makes ahead, at most. */
const AHEAD_RECORDS = 16;
/** Key stream bytes made ahead in one call, at most (16 records of 1.4 KB; 2 of 16 KB). */
const AHEAD_BYTES = 32 * 1024;
/** The nonce of the batch's GMAC: any fixed value will do, the key is the records' key. */
const BATCH_NONCE = new Uint8Array(12);
/** Largest ciphertext of a record kdiag reads (framing.ts: 2^14 + 2048 bytes of body). */
const MAX_CIPHERTEXT = 16384 + 2048;

/**
 * Scratch shared by every opener, used within one call: counter blocks (with word and big-endian
 * views), and a record's GHASH input.
 */
const COUNTERS = new ArrayBuffer(Math.max(Math.ceil(MAX_CIPHERTEXT / BLOCK) + 1, AHEAD_BYTES / BLOCK) * BLOCK);
const counterBytes = new Uint8Array(COUNTERS);
const counterWords = new Uint32Array(COUNTERS);
const counterView = new DataView(COUNTERS);
const nonceBytes = new Uint8Array(BLOCK);
const nonceWords = new Uint32Array(nonceBytes.buffer);
/** Most GHASH input of one record: the additional data block, the padded ciphertext, the length block, S. */
const MAX_GHASH_INPUT = BLOCK + Math.ceil(MAX_CIPHERTEXT / BLOCK) * BLOCK + 2 * BLOCK;
/** One record's GHASH input, used within one open(); its ciphertext (from byte 16) is word-aligned for the xor. */
const ghashInput = new Uint8Array(MAX_GHASH_INPUT);
const ghashWords = new Int32Array(ghashInput.buffer);
const ghashView = new DataView(ghashInput.buffer);

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
  /** Where in its stream buffer each record's J0 key stream block is (its plaintext follows). */
  private readonly streamAt = new Float64Array(BATCH_RECORDS);
  /** Where open() left the record's plaintext in the buffer it returned. */
  plainAt = 0;
  /** Records opened by this opener (its key's second record on). */
  private opened = 0;
  /** Key stream made ahead: slots of 1 + `aheadBlocks` blocks, for the nonces in `aheadNonces`. */
  private ahead: Buffer | null = null;
  private readonly aheadNonces = new Uint8Array(AHEAD_RECORDS * 12);
  private aheadCount = 0;
  private aheadNext = 0;
  private aheadBlocks = 0;
  /** Longest record (in blocks) since the last refill: the next slots' length. */
  private longest = 0;
  /** False once a nonce was not the one predicted: the peer does not count (TLS 1.2), no more making ahead. */
  private predictable = true;

  /**
   * `iv`: the 12-byte IV whose xor with the sequence number is each nonce (TLS 1.3); null when
   * the nonce's last 8 bytes are the record's explicit nonce (TLS 1.2 AES-GCM).
   */
  constructor(
    private readonly aead: "aes-128-gcm" | "aes-256-gcm",
    private readonly key: Uint8Array,
    private readonly iv: Uint8Array | null = null,
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
   * `record[start..end)` (at most 2^14 + 2048 bytes), the tag the 16 bytes after it. Returns a
   * key stream buffer whose bytes from `plainAt` on are now the plaintext (`end - start` of
   * them); the buffer may hold other records' key stream (made ahead), never another's plaintext.
   * Offsets instead of views: this runs once per record, and each view is an allocation.
   */
  open(nonce: Uint8Array, aad: Uint8Array, record: Uint8Array, start: number, end: number, packet: number): Buffer {
    const n = end - start;
    const blocks = Math.ceil(n / BLOCK);
    let stream: Buffer;
    // Where the record's J0 block is in `stream`.
    let base = 0;
    if (blocks > this.longest) this.longest = blocks;
    this.opened++;
    if (this.aheadNext < this.aheadCount && blocks <= this.aheadBlocks && this.predicted(nonce)) {
      stream = this.ahead!;
      base = this.aheadNext++ * (this.aheadBlocks + 1) * BLOCK;
    } else if (this.predictable && this.refill(nonce)) {
      stream = this.ahead!;
      this.aheadNext = 1;
    } else {
      stream = this.keyStream(nonce, blocks);
    }
    // The record's GHASH input, in one buffer for one setAAD: aad, padded; ciphertext, padded;
    // the length block; then S as the record claims it, T xor E(K, J0).
    const g = ghashInput;
    g.fill(0, 0, BLOCK);
    g.set(aad);
    g.set(new Uint8Array(record.buffer, record.byteOffset + start, n), BLOCK);
    const lengthAt = BLOCK + blocks * BLOCK;
    g.fill(0, BLOCK + n, lengthAt);
    // [len(A)]64 || [len(C)]64, in bits.
    ghashView.setUint32(lengthAt, 0);
    ghashView.setUint32(lengthAt + 4, aad.length * 8);
    ghashView.setUint32(lengthAt + 8, 0);
    ghashView.setUint32(lengthAt + 12, n * 8);
    const r = this.records++;
    const saved = this.saved;
    for (let i = 0; i < BLOCK; i++) {
      const s = record[end + i]! ^ stream[base + i]!;
      g[lengthAt + BLOCK + i] = s;
      saved[48 * r + 32 + i] = s;
      saved[48 * r + 16 + i] = g[i]!;
    }
    const gmac = (this.gmac ??= createCipheriv(this.aead, this.key, BATCH_NONCE) as CipherGCM);
    gmac.setAAD(g.subarray(0, lengthAt + 2 * BLOCK));
    this.bytes += lengthAt + 2 * BLOCK;
    this.packets[r] = packet;
    this.lengths[r] = n;
    this.aadLengths[r] = aad.length;
    saved.set(nonce, 48 * r);
    this.streams[r] = stream;
    this.streamAt[r] = base;
    // Plaintext = ciphertext xor key stream, in place in the key stream (a buffer of our own),
    // a word at a time from the ciphertext's aligned copy in the GHASH input.
    xorCiphertext(stream, base + BLOCK, n);
    this.plainAt = base + BLOCK;
    return stream;
  }

  /** Whether `nonce` is the one predicted for the next slot made ahead; if not, nothing is made ahead any more. */
  private predicted(nonce: Uint8Array): boolean {
    const at = 12 * this.aheadNext;
    const expected = this.aheadNonces;
    for (let i = 11; i >= 0; i--) {
      if (expected[at + i] !== nonce[i]) {
        this.predictable = false;
        this.aheadCount = 0;
        this.ahead = null;
        return false;
      }
    }
    return true;
  }

  /**
   * Makes the key stream of the record with `nonce` and of the records predicted after it, in one
   * ECB call. False when not worth it (fewer than two records of this length fit).
   */
  private refill(nonce: Uint8Array): boolean {
    const blocks = this.longest;
    const slot = blocks + 1;
    // As many records as were opened under this key so far: a connection makes ahead for more
    // records as it proves busy, and at most about half of what is made goes unused.
    const count = Math.min(AHEAD_RECORDS, this.opened, Math.floor(AHEAD_BYTES / (slot * BLOCK)));
    this.aheadCount = 0;
    this.ahead = null;
    if (count < 2) return false;
    this.longest = 0;
    const iv = this.iv;
    // The 64-bit counter in the nonce's last 8 bytes (xored with the IV's in TLS 1.3), as halves.
    const ivHi = iv ? readU32(iv, 4) : 0;
    const ivLo = iv ? readU32(iv, 8) : 0;
    const hi = (readU32(nonce, 4) ^ ivHi) >>> 0;
    const lo = (readU32(nonce, 8) ^ ivLo) >>> 0;
    const nonces = this.aheadNonces;
    for (let k = 0; k < count; k++) {
      const sum = lo + k;
      const carry = sum > 0xffffffff ? 1 : 0;
      const at = 12 * k;
      for (let i = 0; i < 4; i++) nonces[at + i] = nonce[i]!;
      writeU32(nonces, at + 4, ((hi + carry) ^ ivHi) >>> 0);
      writeU32(nonces, at + 8, ((sum - carry * 0x100000000) ^ ivLo) >>> 0);
      this.fillCounters(nonces.subarray(at, at + 12), k * slot, blocks);
    }
    this.ahead = this.ecb.update(counterBytes.subarray(0, count * slot * BLOCK));
    this.aheadBlocks = blocks;
    this.aheadCount = count;
    return true;
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
      const own = this.streams[r]!;
      const at = this.streamAt[r]! + BLOCK;
      for (let i = 0; i < n; i++) ciphertext[i] = stream[BLOCK + i]! ^ own[at + i]!;
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
    this.fillCounters(nonce, 0, blocks);
    return this.ecb.update(counterBytes.subarray(0, (blocks + 1) * BLOCK));
  }

  /** Writes the counter blocks J0 = nonce || 1, nonce || 2, ... (1 + `blocks`) from block `from` of the scratch. */
  private fillCounters(nonce: Uint8Array, from: number, blocks: number): void {
    nonceBytes.set(nonce);
    const w0 = nonceWords[0]!;
    const w1 = nonceWords[1]!;
    const w2 = nonceWords[2]!;
    for (let b = 0; b <= blocks; b++) {
      const w = 4 * (from + b);
      counterWords[w] = w0;
      counterWords[w + 1] = w1;
      counterWords[w + 2] = w2;
      // J0's counter is 1; the ciphertext's blocks start at 2 (inc32, whose wrap no record reaches).
      counterView.setUint32(4 * w + 12, b + 1);
    }
  }
}

function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function writeU32(bytes: Uint8Array, at: number, v: number): void {
  bytes[at] = v >>> 24;
  bytes[at + 1] = (v >>> 16) & 0xff;
  bytes[at + 2] = (v >>> 8) & 0xff;
  bytes[at + 3] = v & 0xff;
}

function readBlock(bytes: Uint8Array, at: number, out: Block): void {
  for (let i = 0; i < 4; i++) {
    const p = at + 4 * i;
    out[i] = ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
  }
}

/** out[outAt..] ^= the `n` ciphertext bytes in the GHASH input (from its byte 16, word-aligned). */
function xorCiphertext(out: Uint8Array, outAt: number, n: number): void {
  let i = 0;
  if (((out.byteOffset + outAt) & 3) === 0) {
    const words = n >>> 2;
    const o = new Int32Array(out.buffer, out.byteOffset + outAt, words);
    for (let w = 0; w < words; w++) o[w]! ^= ghashWords[4 + w]!;
    i = words << 2;
  }
  for (; i < n; i++) out[outAt + i]! ^= ghashInput[BLOCK + i]!;
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
