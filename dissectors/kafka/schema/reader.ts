/**
 * Bounds-checked big-endian primitives over a Uint8Array view (Kafka's wire types).
 *
 * Every read checks the bytes it needs against `end` first. A failure throws a DecodeFail — a
 * small plain record, not an Error (no stack capture) — which the schema interpreter catches at
 * its boundary and turns into a `{ok:false}` result; nothing outside this folder sees a throw.
 *
 * Value choices (documented once, here):
 *   - int64 / varlong are `bigint`: offsets, timestamps and producer ids must stay exact, and -1
 *     sentinels stay -1n. JSON printers convert them to strings.
 *   - uuid is the canonical lowercase 8-4-4-4-12 string.
 *   - bytes are lowercase hex strings (they are small in practice: SASL tokens, group metadata);
 *     `records` are never copied: the interpreter returns a reference {offset, length}.
 */

/** Closed set of reasons a decode stops. */
export type DecodeErrorCode =
  | "short" // fewer bytes left than the field needs
  | "bad_length" // a string/bytes length that is negative where not allowed, or past the end
  | "bad_count" // an array or tagged-field count that cannot fit in the remaining bytes
  | "bad_varint" // a varint longer than its type allows
  | "too_deep" // struct nesting beyond the depth cap
  | "unknown_api" // API key not in the table
  | "unknown_version"; // version outside the API's valid versions

/** Thrown inside the interpreter only; `path` is built on the way out (outermost first). */
export class DecodeFail {
  readonly path: (string | number)[] = [];
  constructor(
    readonly code: DecodeErrorCode,
    readonly offset: number,
  ) {}
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const utf8 = new TextDecoder("utf-8");

export function toHex(buf: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += HEX[buf[i]!];
  return s;
}

/** Strings up to this many bytes are looked up in the recent ones (client ids, topics, group ids). */
const RECENT_TEXT_MAX = 64;
const RECENT_SLOTS = 1024;
/**
 * The last string decoded per slot (slot = hash of its bytes). A capture's Kafka messages repeat a
 * handful of client ids and topic names hundreds of thousands of times: built char by char each
 * time, every copy was garbage to collect, and the model's string pool then hashed each new copy
 * again to find its shared one. A repeated name is now the same string, already hashed.
 */
const recent: (string | undefined)[] = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);

/** The ASCII string of bytes [s, s + n) (checked ASCII, FNV-1a hash `h`): the one kept in its slot when equal. */
function recentText(b: Uint8Array, s: number, n: number, h: number): string {
  const slot = (h >>> 0) & (RECENT_SLOTS - 1);
  const known = recent[slot];
  if (known !== undefined && known.length === n) {
    let i = 0;
    while (i < n && known.charCodeAt(i) === b[s + i]) i++;
    if (i === n) return known;
  }
  // One flat string (a char-by-char concatenation is a rope, twice the size once stored).
  const ascii = String.fromCharCode.apply(null, b.subarray(s, s + n) as unknown as number[]);
  recent[slot] = ascii;
  return ascii;
}

export class Reader {
  readonly buf: Uint8Array;
  readonly dv: DataView;
  pos: number;
  /** Exclusive limit; narrowed temporarily while reading a tagged field's bounded value. */
  end: number;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = Math.min(end, buf.length);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Throws "short" unless `n` more bytes are available. */
  need(n: number): void {
    if (n > this.end - this.pos) throw new DecodeFail("short", this.pos);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int8(): number {
    this.need(1);
    return this.dv.getInt8(this.pos++);
  }

  int16(): number {
    this.need(2);
    const v = this.dv.getInt16(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.dv.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.dv.getInt32(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.dv.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const v = this.dv.getBigInt64(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.dv.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  uuid(): string {
    this.need(16);
    const h = toHex(this.buf, this.pos, this.pos + 16);
    this.pos += 16;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  /** Unsigned LEB128 varint of at most 32 bits (5 bytes), as Kafka's compact lengths use. */
  uvarint(): number {
    const start = this.pos;
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.pos >= this.end) throw new DecodeFail("short", this.pos);
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift; // multiply, not <<: bit 31 must not turn the value negative
      if ((b & 0x80) === 0) {
        if (v > 0xffffffff) throw new DecodeFail("bad_varint", start);
        return v;
      }
    }
    throw new DecodeFail("bad_varint", start);
  }

  /** Zigzag-encoded signed 32-bit varint (record batches). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Unsigned 64-bit varint (10 bytes at most). */
  uvarlong(): bigint {
    const start = this.pos;
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) throw new DecodeFail("short", this.pos);
      const b = this.buf[this.pos++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) {
        if (v > 0xffffffffffffffffn) throw new DecodeFail("bad_varint", start);
        return v;
      }
    }
    throw new DecodeFail("bad_varint", start);
  }

  /** Zigzag-encoded signed 64-bit varint (record batches). */
  varlong(): bigint {
    const u = this.uvarlong();
    return (u >> 1n) ^ -(u & 1n);
  }

  /**
   * Length of a string/bytes/array: int16 or int32 when not compact, uvarint(n+1) when compact.
   * Returns -1 for null. The caller checks the value against the remaining bytes.
   */
  length(compact: boolean, wide: boolean): number {
    if (compact) return this.uvarint() - 1;
    return wide ? this.int32() : this.int16();
  }

  /** `n` bytes starting at pos, checked; advances. Returns the start offset. */
  skip(n: number, at: number): number {
    if (n < 0 || n > this.end - this.pos) throw new DecodeFail("bad_length", at);
    const s = this.pos;
    this.pos += n;
    return s;
  }

  /** A UTF-8 string of `n` bytes (length already read at `at`). */
  text(n: number, at: number): string {
    const s = this.skip(n, at);
    const b = this.buf;
    // Short ASCII (client ids, topic names) is the common case: skip TextDecoder's call cost, and
    // hand back the string these bytes gave last time (recentText) instead of a new one.
    if (n <= RECENT_TEXT_MAX) {
      let h = 0x811c9dc5;
      let i = s;
      for (; i < s + n; i++) {
        const c = b[i]!;
        if (c >= 0x80) break;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (i === s + n) return recentText(b, s, n, h);
    }
    return utf8.decode(b.subarray(s, s + n));
  }

  /** string / compact string; null only when `nullable`, else "bad_length". */
  string(compact: boolean, nullable: boolean): string | null {
    const at = this.pos;
    const n = this.length(compact, false);
    if (n < 0) {
      if (nullable && n === -1) return null;
      throw new DecodeFail("bad_length", at);
    }
    return this.text(n, at);
  }

  /** bytes / compact bytes as a range [start, start+length); -1 start for null. */
  bytesRange(compact: boolean, nullable: boolean): { start: number; length: number } | null {
    const at = this.pos;
    const n = this.length(compact, true);
    if (n < 0) {
      if (nullable && n === -1) return null;
      throw new DecodeFail("bad_length", at);
    }
    return { start: this.skip(n, at), length: n };
  }
}
