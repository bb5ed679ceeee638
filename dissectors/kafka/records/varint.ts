/**
 * Bounded cursor for the variable-length fields of magic 2 records (zigzag varints). Reads never
 * throw and never go past `end`: a read that would sets `ok = false` and returns 0, and the caller
 * checks `ok` once per record (etherparse-style lax decoding; no exception on the hot path).
 */
export class VarintCursor {
  buf: Uint8Array;
  pos: number;
  end: number;
  ok = true;

  constructor(buf: Uint8Array, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Re-point the cursor (reuse one object per batch instead of allocating per record). */
  reset(buf: Uint8Array, pos: number, end: number): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.ok = true;
  }

  /** Zigzag varint of at most 5 bytes (Kafka's readVarint; a longer one is malformed). */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    if (pos < this.end) {
      const b = buf[pos]!;
      if (b < 0x80) {
        // Fast path: one byte covers -64..63, i.e. nearly every length and delta in practice.
        this.pos = pos + 1;
        return (b >>> 1) ^ -(b & 1);
      }
    }
    let raw = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) return this.fail();
      const b = buf[pos++]!;
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    return this.fail();
  }

  /**
   * Zigzag varlong of at most 10 bytes, as a JS number (exact while |value| < 2^53; timestamps
   * deltas are far below). Accumulates in floating point because 64 bits do not fit int32 ops.
   */
  varlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) return this.fail();
      const b = buf[pos++]!;
      raw += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        // Zigzag: even → raw/2, odd → -(raw+1)/2.
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      scale *= 128;
    }
    return this.fail();
  }

  int8(): number {
    if (this.pos >= this.end) return this.fail();
    const b = this.buf[this.pos++]!;
    return (b << 24) >> 24;
  }

  /** Skip n bytes if they are there. */
  skip(n: number): void {
    if (n < 0 || n > this.end - this.pos) {
      this.fail();
      return;
    }
    this.pos += n;
  }

  private fail(): 0 {
    this.ok = false;
    this.pos = this.end;
    return 0;
  }
}

/** Signed int64 big-endian as a number (see types.ts for why numbers). */
export function int64(view: DataView, at: number): number {
  return view.getInt32(at) * 4294967296 + view.getUint32(at + 4);
}

/** Signed int64 big-endian as an exact decimal string. */
export function int64String(view: DataView, at: number): string {
  return view.getBigInt64(at).toString();
}
