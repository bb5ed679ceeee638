import { Environment } from "@marcbachmann/cel-js";
import { describe, expect, it } from "vitest";
import { quickRejects, withQuickReject } from "../../src/rules/quick-reject.js";

const env = new Environment({ unlistedVariablesAreDyn: true });

/** CEL's own answer, errors included (an error is not a match). */
function cel(text: string, facts: Record<string, unknown>): boolean {
  try {
    return env.evaluate(text, facts) === true;
  } catch {
    return false;
  }
}

/** The quick-fronted program's answer, and whether CEL ran. */
function quick(text: string, facts: Record<string, unknown>): { match: boolean; celRan: boolean } {
  const parsed = env.parse(text);
  let celRan = false;
  const program = withQuickReject((f: Record<string, unknown>) => {
    celRan = true;
    return parsed(f);
  }, parsed.ast);
  try {
    return { match: program(facts) === true, celRan };
  } catch {
    return { match: false, celRan };
  }
}

const CONDITIONS = [
  'exchange.status == "answered" && size(exchange.unknown_errors) > 0',
  '(exchange.dissector in ["kafka"]) && (has(exchange.throttle_time_ms) && exchange.throttle_time_ms > 0)',
  'has(exchange.batch_crc_ok) && !exchange.batch_crc_ok && conn.lost_segments == 0',
  'exchange.errors.exists(e, e != 3) && exchange.api_name != "ApiVersions"',
  '0 < conn.lost_segments && conn.retransmissions >= 2 && conn.ratio <= 0.5 && conn.ratio > -1.0',
  'conn.closed && conn.errors.size() != 0 && exchange.status in ["answered", "late"]',
  '"Produce" == exchange.api_name && 5 > conn.lost_segments',
  'exchange.status == "late" || (has(exchange.throttle_time_ms) && exchange.throttle_time_ms > 5) || conn.closed',
  '(exchange.api_name == "Fetch" || size(exchange.errors) > 1) && (conn.lost_segments > 2 || !conn.closed)',
  'conn.lost_segments + conn.retransmissions >= 3 && double(conn.retransmissions) >= conn.ratio * double(conn.lost_segments + 1)',
  'conn.lost_segments - conn.retransmissions < 0 && size(exchange.errors) * 2 == conn.retransmissions',
];

const EXCHANGES: Array<Record<string, unknown>> = [
  {},
  { status: "answered" },
  { status: "answered", unknown_errors: [], errors: [], api_name: "Produce", dissector: "kafka" },
  { status: "answered", unknown_errors: [77n], errors: [3n, 77n], api_name: "ApiVersions", dissector: "kafka" },
  { status: "unanswered", unknown_errors: [5n], errors: [9n], api_name: "Fetch", dissector: "kafka", throttle_time_ms: 0n },
  { status: "late", dissector: "kafka", throttle_time_ms: 12n, batch_crc_ok: false },
  { status: 3n, dissector: "other", throttle_time_ms: 12.5, batch_crc_ok: "no", unknown_errors: "x", errors: null },
  { dissector: "kafka", batch_crc_ok: true, throttle_time_ms: undefined },
];
const CONNS: Array<Record<string, unknown> | undefined> = [
  undefined,
  {},
  { lost_segments: 0n, retransmissions: 2n, ratio: 0.5, closed: true, errors: [1n] },
  { lost_segments: 3n, retransmissions: 1n, ratio: 0.7, closed: false, errors: [] },
  { lost_segments: 0, retransmissions: "2", ratio: 1n, closed: "yes", errors: {} },
  { lost_segments: 9n, retransmissions: 5n, ratio: -2.0, closed: true, errors: [0n, 1n] },
  // Their sum overflows CEL's int64: an error there, not a number to compare.
  { lost_segments: 2n ** 62n, retransmissions: 2n ** 62n, ratio: 0.1, closed: false, errors: [] },
];

describe("quick reject in front of CEL conditions", () => {
  it("answers as CEL does on every combination of present, absent and mistyped facts", () => {
    let compared = 0;
    let skipped = 0;
    for (const text of CONDITIONS) {
      for (const exchange of EXCHANGES) {
        for (const conn of CONNS) {
          const facts: Record<string, unknown> = conn === undefined ? { exchange } : { exchange, conn };
          const q = quick(text, facts);
          expect(q.match, `${text} on ${JSON.stringify(facts, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`).toBe(cel(text, facts));
          compared++;
          if (!q.celRan) skipped++;
        }
      }
    }
    expect(compared).toBe(CONDITIONS.length * EXCHANGES.length * CONNS.length);
    // About half are settled without CEL; the others read an absent or mistyped
    // fact, or pass the quick tests, and CEL decides them.
    expect(skipped).toBeGreaterThan(compared / 3);
  });

  it("settles a plain failing test without running CEL, and leaves what it cannot judge to CEL", () => {
    const text = 'exchange.status == "answered" && size(exchange.unknown_errors) > 0';
    expect(quick(text, { exchange: { status: "unanswered", unknown_errors: [1n] } })).toEqual({ match: false, celRan: false });
    expect(quick(text, { exchange: { status: "answered", unknown_errors: [] } })).toEqual({ match: false, celRan: false });
    expect(quick(text, { exchange: { status: "answered", unknown_errors: [1n] } })).toEqual({ match: true, celRan: true });
    // An absent fact is CEL's to judge (an error there is counted as "absent" in the rule stats).
    expect(quick(text, { exchange: { unknown_errors: [1n] } })).toEqual({ match: false, celRan: true });
    // Another type than the literal's: CEL's to judge.
    expect(quick(text, { exchange: { status: 1n, unknown_errors: [1n] } }).celRan).toBe(true);
  });

  it("finds the simple conjuncts at the top level of &&, and disjunctions made only of simple tests", () => {
    const count = (t: string): number => quickRejects(env.parse(t).ast).length;
    expect(count('a.x == 1 && (b.y == "s" && has(c.z)) && !d.flag && e.list.exists(v, v > 1)')).toBe(5);
    expect(count('a.x == 1 || (b.y == "s" && a.z + 1 > 2)')).toBe(1);
    // A disjunction with one part it cannot judge, or a negation: a false part does not make the whole false.
    expect(count('a.x == 1 || f(b.y)')).toBe(0);
    expect(count('!(a.x == 1 && b.y == "s")')).toBe(0);
    expect(count("f(a.y) && a.u == 1u && a.x in b.list && a.l.exists(v, v > a.x) == true")).toBe(0);
    expect(count("a.x + b.y * 2 >= c.z && double(a.x) < 1.5 && size(a.l) - 1 != 0")).toBe(3);
  });
});
