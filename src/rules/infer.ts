/**
 * Inferences from the capture itself, as pure functions over plain numbers so each can be tested
 * on small cases, including the ones that must not conclude: where a limit lies between what got
 * through and what did not, and whether idle closes cluster around one timeout.
 */

/** A limit bracketed by observations: above `low` (got through), at or below `high` (refused). */
export interface Bracket {
  /** Largest value that got through; null when none did. */
  low: number | null;
  /** Smallest value that was refused; null when none was. */
  high: number | null;
  /** True when both ends are known and consistent (low < high). */
  consistent: boolean;
}

/**
 * The limit lies between the largest accepted and the smallest refused value. Inconsistent
 * observations (something larger got through than was refused) say the refusals were not about
 * this limit; the bracket then reports consistent = false and callers must not conclude.
 */
export function bracket(accepted: readonly number[], refused: readonly number[]): Bracket {
  // Loops, not Math.max(...v): a spread of tens of thousands of sizes overflows the stack.
  let low: number | null = null;
  for (const v of accepted) if (low === null || v > low) low = v;
  let high: number | null = null;
  for (const v of refused) if (high === null || v < high) high = v;
  return { low, high, consistent: low !== null && high !== null ? low < high : high !== null || low !== null };
}

/** Median of the values (null when empty). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

/**
 * Whether `value` belongs with the others: within `tolerance` (a fraction) of their median. An
 * idle reaper closes after the same idle each time (plus its check interval), so its closes
 * cluster; unrelated closes scatter. Needs at least one other value to say yes.
 */
export function inCluster(value: number, others: readonly number[], tolerance = 0.2): boolean {
  const m = median(others);
  if (m === null || m <= 0) return false;
  return Math.abs(value - m) <= tolerance * m;
}

/**
 * The largest cluster among `values`: values within `tolerance` of the cluster's median. Returns
 * its members sorted; an empty list when there are no values.
 */
export function largestCluster(values: readonly number[], tolerance = 0.2): number[] {
  const v = [...values].sort((a, b) => a - b);
  let best: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const members = v.filter((x) => Math.abs(x - v[i]!) <= tolerance * v[i]!);
    if (members.length > best.length) best = members;
  }
  return best;
}

/**
 * Of two series of TCP initial sequence numbers seen at two capture points, the pairs that are
 * the same connection: NAT rewrites addresses and ports but (unless it scrambles sequence
 * numbers) not the ISN, so equal client ISNs pair connections. Where ISNs are missing or
 * scrambled, a connection pairs by its start time (within `slackUs`) and its payload sizes.
 */
export interface PairCandidate {
  id: number;
  /** Client's initial sequence number, -1 when the SYN was not captured. */
  isn: number;
  startUs: number;
  endUs: number;
  payloadC2s: number;
  payloadS2c: number;
  serverPort: number;
}

export interface PairMatch {
  a: number;
  b: number;
  how: "4-tuple" | "isn" | "timing";
}

/**
 * Pairs `as` (one capture point) with `bs` (the other): equal client ISNs first, then the closest
 * start times. The two hosts' clocks may disagree: the median start-time difference of the ISN
 * pairs is taken as b's clock minus a's and removed before comparing start times.
 */
export function pairByIsnOrTiming(
  as: readonly PairCandidate[],
  bs: readonly PairCandidate[],
  slackUs = 2_000_000,
): PairMatch[] {
  const out: PairMatch[] = [];
  const usedB = new Set<number>();
  const byIsn = new Map<number, PairCandidate[]>();
  for (const b of bs) {
    if (b.isn < 0) continue;
    const list = byIsn.get(b.isn);
    if (list) list.push(b);
    else byIsn.set(b.isn, [b]);
  }
  const rest: PairCandidate[] = [];
  const offsets: number[] = [];
  for (const a of as) {
    const m = a.isn >= 0 ? (byIsn.get(a.isn) ?? []).find((b) => !usedB.has(b.id) && b.serverPort === a.serverPort) : undefined;
    if (m) {
      usedB.add(m.id);
      out.push({ a: a.id, b: m.id, how: "isn" });
      offsets.push(m.startUs - a.startUs);
    } else rest.push(a);
  }
  const offsetUs = median(offsets) ?? 0;
  // ISN pairs prove the path keeps sequence numbers: then two SYNs with different ISNs are two
  // different connections, however close in time.
  const isnKept = offsets.length > 0;
  // Timing and sizes: the closest starts first (so a near pair is not taken by an earlier, looser
  // one), payloads that can be the same traffic.
  const cands: Array<{ a: PairCandidate; b: PairCandidate; d: number }> = [];
  for (const a of rest) {
    for (const b of bs) {
      if (usedB.has(b.id) || b.serverPort !== a.serverPort) continue;
      if (isnKept && a.isn >= 0 && b.isn >= 0) continue;
      const d = Math.abs(b.startUs - offsetUs - a.startUs);
      if (d > slackUs) continue;
      if (!sizesCompatible(a.payloadC2s, b.payloadC2s) || !sizesCompatible(a.payloadS2c, b.payloadS2c)) continue;
      cands.push({ a, b, d });
    }
  }
  cands.sort((x, y) => x.d - y.d);
  const usedA = new Set<number>();
  for (const { a, b } of cands) {
    if (usedA.has(a.id) || usedB.has(b.id)) continue;
    usedA.add(a.id);
    usedB.add(b.id);
    out.push({ a: a.id, b: b.id, how: "timing" });
  }
  return out;
}

/** Payload counts of one direction at two capture points can be the same traffic (loss, a cut). */
function sizesCompatible(x: number, y: number): boolean {
  if (x === 0 && y === 0) return true;
  const big = Math.max(x, y);
  const small = Math.min(x, y);
  // What a middlebox dropped or forged may differ; the bulk must agree.
  return small >= big * 0.5 || big - small <= 4096;
}
