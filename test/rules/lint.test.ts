/**
 * `kdiag rules lint`: every problem of a rule file in one run, each at file:line:col, none hidden
 * behind another stage's problem and none an echo of another.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { brief, load, rule } from "./helpers.js";

const kdiag = (...args: string[]) => spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
const MANY = "test/rules/fixtures/lint-many-problems.yaml";

describe("kdiag rules lint", () => {
  it("reports all twenty problems of a file in one run, in file order, exit 5", () => {
    const r = kdiag("rules", "lint", "--no-builtin", MANY);
    expect(r.status).toBe(5);
    const heads = r.stdout.split("\n").filter((l) => l.startsWith(`${MANY}:`)).map((l) => /^\d+:\d+: \w+ \w+/.exec(l.slice(MANY.length + 1))![0]);
    expect(heads).toEqual([
      "4:24: error RULE_BAD_PARAM",
      "6:10: warning RULE_UNUSED_MACRO",
      // An unused macro is type-checked too (against every scope's facts).
      "7:14: error RULE_TYPE_ERROR",
      "9:10: warning RULE_UNUSED_MACRO",
      "10:42: error RULE_SYNTAX_ERROR",
      // A misspelt key (so no scope) hides neither the condition nor the output.
      "15:3: error RULE_MISSING_KEY",
      "19:3: error RULE_UNKNOWN_KEY",
      "20:19: error RULE_UNKNOWN_FIELD",
      "21:14: error RULE_SYNTAX_ERROR",
      // An unknown scope: the condition is still checked (and the list it uses is not "unused").
      "27:10: error RULE_UNKNOWN_SCOPE",
      "28:14: error RULE_TYPE_ERROR",
      // A bad severity hides nothing; the parameter with a bad default is read without an echo.
      "34:13: error RULE_BAD_VALUE",
      "37:22: error RULE_UNKNOWN_FIELD",
      // A duplicate id is reported, and the duplicate is still checked.
      "39:9: error RULE_DUPLICATE_ID",
      "44:19: error RULE_UNKNOWN_FIELD",
      "47:3: error RULE_MISSING_KEY",
      // A params item with one bad entry: the others (and the bad one, as a name) still exist.
      "51:22: error RULE_BAD_PARAM",
      "52:29: error RULE_UNKNOWN_KEY",
      // A bad window is dropped; the condition is still checked.
      "59:94: error RULE_TYPE_ERROR",
      "60:19: error RULE_BAD_VALUE",
    ]);
    // Each with its source line and a caret under the column.
    expect(r.stdout).toContain(`${MANY}:20:19: error RULE_UNKNOWN_FIELD [typo-key]: unknown field "conn.no_such_fact" in any scope (in condition)\n    condition: conn.no_such_fact > 1\n${" ".repeat(20)}^\n`);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("18 errors, 2 warnings in 1 file (0 rules loaded)");
  });

  it("--json: the problems, counted", () => {
    const r = kdiag("rules", "lint", "--no-builtin", "--json", MANY);
    expect(r.status).toBe(5);
    const j = JSON.parse(r.stdout) as { problems: Array<{ code: string; line: number; col: number }>; errors: number; warnings: number };
    expect([j.errors, j.warnings, j.problems.length]).toEqual([18, 2, 20]);
    expect(j.problems[0]).toMatchObject({ code: "RULE_BAD_PARAM", line: 4, col: 24, file: MANY });
  });

  it("a clean file: a count and exit 0; the built-in files lint clean", () => {
    const r = kdiag("rules", "lint", "rules/");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^0 errors, 0 warnings in 1 file \(\d+ rules loaded\)\n$/);
  });
});

describe("loading goes on where the rest is still checkable", () => {
  it("a rule with a misspelt key still has its condition checked", () => {
    const text = rule("a", "connection", "conn.nope > 1", "  titel: x");
    expect(load(text).problems.map((p) => [p.code, p.line])).toEqual([["RULE_UNKNOWN_KEY", 8], ["RULE_UNKNOWN_FIELD", 6]].sort((a, b) => (a[1] as number) - (b[1] as number)));
  });

  it("a macro with a misspelt key still defines its name (no 'unknown macro' echo)", () => {
    const text = ["- macro: closed", "  condition: conn.close_how == \"fin\"", "  descr: x", rule("a", "connection", "closed")].join("\n");
    expect(load(text).problems.map(brief)).toMatchObject([{ code: "RULE_UNKNOWN_KEY", line: 3 }]);
  });

  it("a rule parameter with a bad default is declared for checking, the rule does not run", () => {
    const r = load(rule("a", "connection", "conn.duration_ms > params.limit", "  params:\n    limit: {default: slow, type: double}"));
    expect(r.problems.map((p) => p.code)).toEqual(["RULE_BAD_PARAM"]);
    expect(r.rules).toEqual([]);
  });

  it("an unused macro that is fine in some scope is fine", () => {
    const text = ["- macro: slow_fetch", "  condition: group.latency_beyond_wait_p99_ms > 500.0", "- macro: key", "  condition: conn.client_addr + \":\" + string(conn.client_port)"].join("\n");
    expect(load(text).problems.map((p) => p.code)).toEqual(["RULE_UNUSED_MACRO", "RULE_UNUSED_MACRO"]);
  });
});
