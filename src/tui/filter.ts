/**
 * The filter bar's language is the rules' own: a CEL condition over the same documented facts
 * (`kdiag fields`), compiled in the scope of the pane it filters (packet, connection, exchange).
 * Pure: text in, a compiled test or an error with its position out, so it can run on every key.
 */

import type { Environment } from "@marcbachmann/cel-js";
import { createScopeEnvironment } from "../rules/cel-env.js";
import { classifyCelError, type CelErrorLike } from "../rules/cel-errors.js";
import { linearProgram } from "../rules/linear-regex.js";

export type FilterScope = "packet" | "connection" | "exchange";

export type CompiledFilter =
  | { ok: true; text: string; matchAll: boolean; test(facts: Record<string, unknown>): boolean }
  | { ok: false; text: string; offset: number; message: string };

const envs = new Map<FilterScope, Environment>();

function envFor(scope: FilterScope): Environment {
  let env = envs.get(scope);
  if (!env) envs.set(scope, (env = createScopeEnvironment(scope, [])));
  return env;
}

const ALL = { ok: true as const, matchAll: true, test: () => true };

export function compileFilter(scope: FilterScope, text: string): CompiledFilter {
  if (text.trim() === "") return { ...ALL, text };
  const env = envFor(scope);
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env.parse(text);
  } catch (err) {
    const c = classifyCelError(err as CelErrorLike, { scope, ast: null, paramNames: [] });
    return { ok: false, text, offset: clamp(c.offset, text), message: c.message };
  }
  const result = parsed.check();
  if (!result.valid) {
    const c = classifyCelError(result.error as unknown as CelErrorLike, { scope, ast: parsed.ast, paramNames: [] });
    return { ok: false, text, offset: clamp(c.offset, text), message: c.message };
  }
  if (result.type !== "bool" && result.type !== "dyn") {
    return { ok: false, text, offset: 0, message: `a filter must be true or false (a bool), but this is ${result.type}` };
  }
  // matches() over capture text in linear time, as in rules (linear-regex.ts).
  const linear = linearProgram(env, parsed, text);
  if (!linear.ok) return { ok: false, text, offset: clamp(linear.offset, text), message: `regular expression not supported (RE2 syntax): ${linear.problem}` };
  const program = linear.program as unknown as (facts: Record<string, unknown>) => unknown;
  return {
    ok: true,
    text,
    matchAll: false,
    test(facts) {
      // A fact the item does not have makes the item not match, as in a rule.
      try {
        return program(facts) === true;
      } catch {
        return false;
      }
    },
  };
}

function clamp(offset: number, text: string): number {
  return Math.max(0, Math.min(offset, text.length));
}

/** "col 7: message" for the status of the filter bar (columns 1-based, as editors count). */
export function filterStatus(f: CompiledFilter, glyphs: { ok: string; bad: string }): string {
  if (f.ok) return f.matchAll ? "" : `${glyphs.ok} valid`;
  return `${glyphs.bad} col ${f.offset + 1}: ${f.message}`;
}

/** Runs `fn` with stack capture off: a filter reading absent facts throws per item, and that is cheap then. */
export function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Plain-text search (findings, detail, hex): the next row at or after `from` containing `needle`, wrapping. */
export function searchRows(count: number, row: (i: number) => string, needle: string, from: number): number {
  if (needle === "" || count === 0) return -1;
  const n = needle.toLowerCase();
  for (let k = 0; k < count; k++) {
    const i = (from + k) % count;
    if (row(i).toLowerCase().includes(n)) return i;
  }
  return -1;
}
