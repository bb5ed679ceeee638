/**
 * pcapng timestamps: a 64-bit count of units since the epoch, the unit set per interface by
 * if_tsresol (10^-k or 2^-k seconds, default 10^-6), shifted by if_tsoffset seconds.
 *
 * A nanosecond count (~1.7e18 today) is beyond 2^53, so it cannot go through a double. The common
 * resolutions (units per second <= 2^32) are split into seconds and nanoseconds exactly with
 * 16-bit long division in doubles, no BigInt and no allocation. Finer resolutions (picoseconds,
 * 2^-40...) are rare and take a BigInt path.
 */

export interface TsResolution {
  /** Units per second when <= 2^32 (fast path), else 0. */
  readonly unitsPerSec: number;
  /** Units per second for the BigInt path, else 0n. */
  readonly bigUnits: bigint;
  /** Nanoseconds per unit for the fast path (exact: 10^(9-k) or 1953125 * 2^(9-k)). */
  readonly nsPerUnit: number;
  /** if_tsoffset: seconds added to every timestamp. */
  readonly offsetSec: number;
}

const TWO32 = 4294967296;

/** Decode an if_tsresol byte (MSB clear: 10^-k, set: 2^-k). null when too fine to be meaningful. */
export function tsResolution(tsresol: number, offsetSec = 0): TsResolution | null {
  const k = tsresol & 0x7f;
  const pow2 = (tsresol & 0x80) !== 0;
  if (pow2 ? k > 64 : k > 19) return null;
  if (pow2 ? k <= 32 : k <= 9) {
    const units = pow2 ? 2 ** k : 10 ** k;
    return { unitsPerSec: units, bigUnits: 0n, nsPerUnit: 1e9 / units, offsetSec };
  }
  const big = pow2 ? 1n << BigInt(k) : 10n ** BigInt(k);
  return { unitsPerSec: 0, bigUnits: big, nsPerUnit: 0, offsetSec };
}

export const MICROSECONDS: TsResolution = tsResolution(6)!;

/** Split the 64-bit count (high, low words) into seconds and nanoseconds; writes into `out`. */
export function splitTimestamp(
  res: TsResolution,
  high: number,
  low: number,
  out: { tsSec: number; tsNsec: number },
): void {
  const d = res.unitsPerSec;
  if (d === 0) {
    splitBig(res, high, low, out);
    return;
  }
  // Why floor(a / d) is the exact integer quotient below: the true quotient is q + f with
  // f <= 1 - 1/d, and the division's rounding error is at most q * 2^-53. Every dividend here
  // keeps q * 2^-53 < 1/d (a < 2^52 in the first branch; a < d * 2^16 in the limb steps), so the
  // rounded value never reaches q + 1.
  let q: number;
  let r: number;
  if (high < 0x100000) {
    // Below 2^52 the count is exact in a double.
    const v = high * TWO32 + low;
    q = Math.floor(v / d);
    r = v - q * d;
  } else {
    // Long division in 16-bit limbs: every intermediate stays below 2^48, exact in a double.
    const qh = Math.floor(high / d);
    r = high - qh * d;
    let t = r * 65536 + (low >>> 16);
    const q1 = Math.floor(t / d);
    r = t - q1 * d;
    t = r * 65536 + (low & 0xffff);
    const q2 = Math.floor(t / d);
    r = t - q2 * d;
    q = qh * TWO32 + q1 * 65536 + q2;
  }
  out.tsSec = q + res.offsetSec;
  out.tsNsec = Math.floor(r * res.nsPerUnit);
}

function splitBig(res: TsResolution, high: number, low: number, out: { tsSec: number; tsNsec: number }): void {
  const v = (BigInt(high) << 32n) | BigInt(low);
  const d = res.bigUnits;
  out.tsSec = Number(v / d) + res.offsetSec;
  out.tsNsec = Number(((v % d) * 1_000_000_000n) / d);
}
