/**
 * What a rule may cost: matches() runs in linear time whatever the pattern and the capture text
 * (ReDoS), RE2-incompatible patterns and nested comprehensions over capture lists are refused at
 * lint time with their position, and a template with thousands of placeholders lints in linear
 * time.
 */
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { evaluateRules, type RuleStats } from "../../src/rules/index.js";
import { compileFilter } from "../../src/tui/filter.js";
import { brief, load, rule } from "./helpers.js";

describe("matches() in linear time", () => {
  it("a catastrophic-backtracking pattern over a hostile client id answers at once", () => {
    const r = load(rule("redos", "connection", `conn.kafka_client_id.matches("^(a+)+$")`));
    expect(r.problems).toEqual([]);
    const program = r.rules[0]!.program.condition;
    const hostile = `${"a".repeat(100_000)}!`;
    const t = performance.now();
    expect(program({ conn: { kafka_client_id: hostile }, params: {} })).toBe(false);
    expect(program({ conn: { kafka_client_id: "aaaa" }, params: {} })).toBe(true);
    // JavaScript's RegExp would need about 2^100000 steps here; RE2 a few milliseconds.
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it("a pattern RE2 does not accept is refused where it is written", () => {
    const r = load(rule("look", "connection", `conn.kafka_client_id.matches("(?=x)y")`));
    expect(r.problems.map(brief)).toEqual([
      {
        code: "RULE_BAD_VALUE",
        line: 6,
        col: 43,
        message: "regular expression not supported (RE2 syntax, matched in linear time): invalid or unsupported Perl syntax: `(?=` (in condition)",
      },
    ]);
  });

  it("the TUI filter uses the same engine", () => {
    const f = compileFilter("connection", `conn.kafka_client_id.matches("^(a+)+$")`);
    expect(f.ok).toBe(true);
    if (f.ok) expect(f.test({ conn: { kafka_client_id: `${"a".repeat(100_000)}!` } })).toBe(false);
    const bad = compileFilter("connection", `conn.kafka_client_id.matches("(a)\\\\1")`);
    expect(bad.ok).toBe(false);
  });
});

describe("comprehension cost", () => {
  it("a comprehension over a capture list inside another is refused", () => {
    const r = load(rule("nested", "exchange", `kafka.topic_name.exists(a, kafka.topic_name.exists(b, a != b))`));
    expect(r.problems.map((p) => [p.code, p.line, p.col])).toEqual([["RULE_TOO_COSTLY", 6, 41]]);
    const m = load(rule("nested-map", "exchange", `kafka.topic_name.map(a, kafka.topic_name.map(b, b)).size() > 0`));
    expect(m.problems.map((p) => p.code)).toEqual(["RULE_TOO_COSTLY"]);
  });

  it("nesting over a bounded list (literal, rule list) and a single comprehension are fine", () => {
    const text = [
      "- list: watched",
      "  items: [orders, payments]",
      rule("ok1", "exchange", `kafka.topic_name.exists(t, watched.exists(w, t == w))`),
      rule("ok2", "exchange", `kafka.topic_name.exists(t, ["a", "b"].exists(w, t == w))`),
      rule("ok3", "exchange", `kafka.topic_name.exists(t, t in watched)`),
    ].join("\n");
    expect(load(text).problems).toEqual([]);
  });
});

describe("template size", () => {
  it("20,000 placeholders lint in linear time", () => {
    const output = Array.from({ length: 20_000 }, () => "{conn.client_addr}").join(" ");
    const t = performance.now();
    const r = load(rule("many", "connection", "true", `  output2: x`).replace('  output: "x"', `  output: "${output}"`).replace("\n  output2: x", ""));
    expect(r.problems).toEqual([]);
    expect(r.rules[0]!.program.output.parts.length).toBeGreaterThanOrEqual(20_000);
    // Quadratic before (77 s); a generous bound that only a quadratic walk can break.
    expect(performance.now() - t).toBeLessThan(20_000);
  });
});

describe("time budget per rule", () => {
  it("a rule past its budget is stopped, says after how many items, and the other rules go on", async () => {
    const capture = await analyseCapture("test/fixtures/real/port-reuse.pcap", { registry: createRegistry() });
    expect(capture.connections.length).toBeGreaterThan(2);
    const r = load([rule("slow", "connection", "true"), rule("other", "connection", "true")].join("\n"));
    const stats: Record<string, RuleStats> = {};
    // A budget of 0 ms: each rule is stopped after its first item.
    const findings = evaluateRules(r.rules, capture, { stats, timeBudgetMs: 0 });
    expect(stats["slow"]!.stoppedAfter).toBe(1);
    expect(stats["other"]!.stoppedAfter).toBe(1);
    expect(findings.map((f) => f.rule)).toEqual(["slow", "other"]);
    // With the default budget, every connection is evaluated.
    const all: Record<string, RuleStats> = {};
    evaluateRules(r.rules, capture, { stats: all });
    expect(all["slow"]!.stoppedAfter).toBeUndefined();
    expect(all["slow"]!.evaluated).toBe(capture.connections.length);
  });
});
