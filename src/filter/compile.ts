/**
 * A filter as an operator types it, compiled for one scope (packet, connection, exchange): a
 * Wireshark display filter (`tcp.flags.reset == 1 && ip.addr == 10.0.0.0/8`) is translated to
 * CEL (translate.ts); text that is not one is taken as a CEL condition over the same facts, as
 * in rules (`conn.idle_before_close_ms > 60000.0`). One evaluator for both.
 * Pure: text in, a compiled test or an error with its position out, so it can run on every key.
 */

import type { Environment } from "@marcbachmann/cel-js";
import { createScopeEnvironment } from "../cel/env.js";
import { schemaGeneration } from "../facts/schema.js";
import { classifyCelError, type CelErrorLike } from "../cel/errors.js";
import { linearProgram } from "../cel/linear-regex.js";
import type { FilterScope } from "./fields.js";
import { translateDisplayFilter } from "./translate.js";

export type { FilterScope } from "./fields.js";

export type CompiledFilter =
  | {
      ok: true;
      text: string;
      matchAll: boolean;
      /** Which language the text was read in. */
      syntax: "display" | "cel";
      /** The CEL that runs (the text itself for CEL). */
      cel: string;
      /** What the user may not expect (a deliberate difference from Wireshark). */
      notes: string[];
      test(facts: Record<string, unknown>): boolean;
    }
  | { ok: false; text: string; offset: number; message: string };

const envs = new Map<FilterScope, Environment>();
let envsGeneration = -1;

/** The scope's CEL environment, declared again when the fact schema changed (plugins loaded). */
function envFor(scope: FilterScope): Environment {
  if (envsGeneration !== schemaGeneration()) {
    envs.clear();
    envsGeneration = schemaGeneration();
  }
  let env = envs.get(scope);
  if (!env) envs.set(scope, (env = createScopeEnvironment(scope, [])));
  return env;
}

/** Text only CEL has: quoted with '…' is both, but macros, calls and arithmetic are CEL's. */
const CEL_ONLY = /\.(exists|all|exists_one|map|filter|size|contains|matches|startsWith|endsWith)\s*\(|\b(has|size|int|double|string)\s*\(|[?+*%]|\bnull\b/;

export function compileFilter(scope: FilterScope, text: string): CompiledFilter {
  if (text.trim() === "") return { ok: true, text, matchAll: true, syntax: "display", cel: "true", notes: [], test: () => true };
  const display = translateDisplayFilter(scope, text);
  if (display.ok) {
    const compiled = compileCel(scope, display.cel, text);
    // A translation CEL refuses is kdiag's defect: say so plainly rather than blame the user.
    if (!compiled.ok) return { ok: false, text, offset: 0, message: `this filter could not be translated (${compiled.message}); please report it` };
    return { ...compiled, text, syntax: "display", notes: display.notes };
  }
  const cel = compileCel(scope, text, text);
  if (cel.ok) return { ...cel, syntax: "cel", notes: [] };
  // Neither: the error of the language the text looks written in.
  return CEL_ONLY.test(text) ? cel : { ok: false, text, offset: clamp(display.offset, text), message: display.message };
}

function compileCel(scope: FilterScope, cel: string, text: string): CompiledFilter {
  const env = envFor(scope);
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env.parse(cel);
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
  const linear = linearProgram(env, parsed, cel);
  if (!linear.ok) return { ok: false, text, offset: clamp(linear.offset, text), message: `regular expression not supported (RE2 syntax): ${linear.problem}` };
  const program = linear.program as unknown as (facts: Record<string, unknown>) => unknown;
  return {
    ok: true,
    text,
    matchAll: false,
    syntax: "cel",
    cel,
    notes: [],
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
