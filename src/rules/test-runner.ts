/**
 * `kdiag rules test FILE…`: the tests rule files declare (`- test:` items), each a capture and
 * what the rules must find there (or must not), so a rule file can be kept right in the user's CI.
 * A test passes when every expectation holds; each failure says what was expected and what came.
 */

import type { Finding } from "./evaluate.js";
import type { RuleTest } from "./load.js";
import type { ExpectationDecl } from "./schema.js";

export interface TestOutcome {
  test: RuleTest;
  passed: boolean;
  /** One line per expectation that did not hold. */
  failures: string[];
}

/** Checks one test's expectations against the findings of its capture. */
export function checkExpectations(test: RuleTest, findings: readonly Finding[]): TestOutcome {
  const failures: string[] = [];
  for (const e of test.decl.expect ?? []) {
    const hits = findings.filter((f) => matches(f, e));
    const want = e.count ?? null;
    if (want === null ? hits.length === 0 : hits.length !== want) {
      const same = findings.filter((f) => f.rule === e.rule);
      const seen = same.length === 0 ? "none" : same.map(describe).join("; ");
      failures.push(`expected ${want ?? "a"} finding${want !== null && want !== 1 ? "s" : ""} of ${what(e)}, found ${hits.length} (${e.rule}: ${seen})`);
    }
  }
  for (const rule of test.decl.expect_absent ?? []) {
    const hits = findings.filter((f) => f.rule === rule);
    if (hits.length > 0) failures.push(`expected no finding of ${rule}, found ${hits.length}: ${hits.map(describe).join("; ")}`);
  }
  return { test, passed: failures.length === 0, failures };
}

function matches(f: Finding, e: ExpectationDecl): boolean {
  if (f.rule !== e.rule) return false;
  if (e.connection !== undefined && f.evidence.connection !== e.connection) return false;
  if (e.severity !== undefined && f.severity !== e.severity) return false;
  if (e.message !== undefined && !f.message.includes(e.message)) return false;
  return true;
}

function what(e: ExpectationDecl): string {
  const parts = [e.rule];
  if (e.connection !== undefined) parts.push(`on connection ${e.connection}`);
  if (e.severity !== undefined) parts.push(`at ${e.severity}`);
  if (e.message !== undefined) parts.push(`saying "${e.message}"`);
  return parts.join(" ");
}

function describe(f: Finding): string {
  const where = f.evidence.connection !== undefined ? `c${f.evidence.connection}` : "capture";
  return `${f.severity} ${where}: ${f.message.length > 80 ? `${f.message.slice(0, 77)}...` : f.message}`;
}
