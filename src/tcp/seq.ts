/**
 * 32-bit TCP sequence-number arithmetic (RFC 1982 serial numbers), as Wireshark's GT_SEQ/LT_SEQ.
 * Sequence numbers are kept as unsigned 32-bit JS numbers (0..2^32-1); every result is re-wrapped
 * with `>>> 0` so comparisons stay exact across the 2^32 wrap.
 */

/** Signed distance a - b in sequence space (-2^31..2^31-1). */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** a is after b. */
export function seqGt(a: number, b: number): boolean {
  return ((b - a) | 0) < 0;
}

/** a is before b. */
export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** a is before or equal to b. */
export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

/** A sequence or ack number relative to a direction's base, as Wireshark shows it (raw when no base). */
export function relativeSeq(raw: number, base: number): number {
  return base < 0 ? raw : (raw - base) >>> 0;
}
