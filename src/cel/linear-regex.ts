/**
 * `matches()` in linear time. CEL's matches() takes RE2 syntax, but cel-js runs it with
 * JavaScript's backtracking RegExp: a pattern such as `(a+)+$` over a client id from the capture
 * (attacker-controlled bytes) can run for minutes. Conditions are therefore evaluated with
 * `re2Matches`, the same function on re2js (a port of RE2: time linear in the input), after the
 * rule compiler has checked the rule as written; a pattern RE2 does not accept (lookaround,
 * backreferences) is a lint error with its position.
 */

import type { ASTNode, Environment } from "@marcbachmann/cel-js";

/** A parsed expression, as Environment.parse returns it. */
type Parsed = ReturnType<Environment["parse"]>;
import { RE2JS } from "re2js";
import { walk } from "./ast.js";

/** The name conditions call instead of matches() once checked. */
export const LINEAR_MATCHES = "re2Matches";

const MAX_CACHED = 256;
const cache = new Map<string, RE2JS>();

function compiled(pattern: string): RE2JS {
  let re = cache.get(pattern);
  if (!re) {
    re = RE2JS.compile(pattern);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(pattern, re);
  }
  return re;
}

/** Why RE2 refuses a pattern, or null when it accepts it. */
function re2Problem(pattern: string): string | null {
  try {
    compiled(pattern);
    return null;
  } catch (err) {
    return (err as Error).message.replace(/^error parsing regexp: /, "");
  }
}

export function registerLinearMatches(env: Environment): void {
  env.registerFunction(`string.${LINEAR_MATCHES}(string): bool`, (s: string, pattern: string) => compiled(pattern).matcher(s).find(), {
    description: "matches() in linear time (RE2 semantics); conditions use it in place of matches()",
  });
}

/** The `matches` receiver calls of an expression: where the name is in the text, and the pattern when it is a literal. */
function matchesCalls(root: ASTNode, text: string): Array<{ nameAt: number; pattern: string | null; patternAt: number }> {
  const out: Array<{ nameAt: number; pattern: string | null; patternAt: number }> = [];
  walk(root, (n) => {
    if (n.op !== "rcall") return;
    const [name, receiver, args] = n.args as [string, ASTNode, ASTNode[]];
    if (name !== "matches" || args.length !== 1) return;
    const nameAt = text.indexOf("matches", receiver.end);
    if (nameAt < 0) return;
    const arg = args[0]!;
    out.push({ nameAt, pattern: arg.op === "value" && typeof arg.args === "string" ? arg.args : null, patternAt: arg.start });
  });
  return out;
}

/** The expression with every `x.matches(p)` turned into `x.re2Matches(p)` (same meaning, linear time). */
function withLinearMatches(text: string, calls: ReadonlyArray<{ nameAt: number }>): string {
  let out = text;
  for (const c of [...calls].sort((a, b) => b.nameAt - a.nameAt)) {
    out = `${out.slice(0, c.nameAt)}${LINEAR_MATCHES}${out.slice(c.nameAt + "matches".length)}`;
  }
  return out;
}

/**
 * The program to evaluate for a checked expression: the same one when it calls no matches(),
 * else the expression re-parsed with re2Matches. A literal pattern RE2 refuses is a problem at
 * the pattern's offset in `text`.
 */
export function linearProgram(env: Environment, parsed: Parsed, text: string): { ok: true; program: Parsed } | { ok: false; offset: number; problem: string } {
  const calls = matchesCalls(parsed.ast, text);
  for (const c of calls) {
    const problem = c.pattern === null ? null : re2Problem(c.pattern);
    if (problem !== null) return { ok: false, offset: c.patternAt, problem };
  }
  return { ok: true, program: calls.length === 0 ? parsed : env.parse(withLinearMatches(text, calls)) };
}
