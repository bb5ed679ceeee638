/**
 * Turns a cel-js parse or type error into a rule problem code and an operator-facing message:
 * "unknown field conn.idle_before_clos (did you mean conn.idle_before_close_ms?)" rather than
 * "No such key: idle_before_clos".
 */

import type { ASTNode } from "@marcbachmann/cel-js";
import { chainText, parentOf } from "./ast.js";
import { ALL_VARIABLES, knownFunctions } from "./env.js";
import { allFacts, SCOPE_VARIABLES, scopeFacts, type Scope } from "../facts/schema.js";

/** The problem codes a CEL error maps to (a subset of the rule loader's ProblemCode). */
export type CelProblemCode =
  | "RULE_SYNTAX_ERROR"
  | "RULE_UNKNOWN_LIST"
  | "RULE_UNKNOWN_FIELD"
  | "RULE_UNKNOWN_MACRO"
  | "RULE_BAD_PARAM"
  | "RULE_UNKNOWN_FUNCTION"
  | "RULE_TYPE_ERROR";

export interface CelErrorLike {
  name?: string;
  code?: string;
  summary?: string;
  message: string;
  range?: { start: number; end: number };
  node?: unknown;
}

export interface Classified {
  code: CelProblemCode;
  message: string;
  /** Offset in the checked text the problem points at. */
  offset: number;
}

export interface ClassifyContext {
  /** null: checked against every scope at once (the rule's scope is unknown, an unused macro). */
  scope: Scope | null;
  ast: ASTNode | null;
  paramNames: readonly string[];
}

export function classifyCelError(err: CelErrorLike, ctx: ClassifyContext): Classified {
  const summary = err.summary ?? err.message.split("\n")[0]!;
  const inScope = ctx.scope === null ? "in any scope" : `in the ${ctx.scope} scope`;
  const offset = err.range?.start ?? 0;
  if (err.name === "ParseError") return { code: "RULE_SYNTAX_ERROR", message: `syntax error: ${summary}`, offset };
  const node = (err.node ?? null) as ASTNode | null;

  if (err.code === "unknown_variable" && node?.op === "id") {
    const name = node.args as string;
    const parent = ctx.ast ? parentOf(ctx.ast, node) : null;
    if (parent && parent.op === "in" && (parent.args as ASTNode[])[1] === node) {
      return { code: "RULE_UNKNOWN_LIST", message: `unknown list "${name}"`, offset };
    }
    if (ALL_VARIABLES.has(name)) {
      const where = Object.entries(SCOPE_VARIABLES)
        .filter(([, vars]) => vars.includes(name))
        .map(([s]) => s);
      return { code: "RULE_UNKNOWN_FIELD", message: `${name}.* facts are not available ${inScope} (they are in: ${where.join(", ")})`, offset };
    }
    if (parent && (parent.op === "." || parent.op === ".?")) {
      const chain = outermostChain(ctx.ast, parent);
      return { code: "RULE_UNKNOWN_FIELD", message: `unknown field "${chain}" ${inScope}${suggest(chain, ctx)}`, offset };
    }
    return { code: "RULE_UNKNOWN_MACRO", message: `unknown macro or field "${name}"${suggest(name, ctx)}`, offset };
  }

  if (err.code === "no_such_key" && node && (node.op === "." || node.op === ".?")) {
    const chain = chainText(node);
    if (chain?.startsWith("params.")) {
      const declared = ctx.paramNames.length > 0 ? ` (declared: ${ctx.paramNames.join(", ")})` : " (this rule declares none)";
      return { code: "RULE_BAD_PARAM", message: `unknown parameter "${chain.slice(7)}"${declared}`, offset };
    }
    const text = chain ?? summary.replace(/^No such key: /, "");
    return { code: "RULE_UNKNOWN_FIELD", message: `unknown field "${text}" ${inScope}${suggest(text, ctx)}`, offset };
  }

  if (err.code === "no_matching_overload" && node && (node.op === "call" || node.op === "rcall")) {
    const fn = (node.args as unknown as [string])[0];
    if (!knownFunctions().has(fn)) return { code: "RULE_UNKNOWN_FUNCTION", message: `unknown function "${fn}"`, offset };
  }
  return { code: "RULE_TYPE_ERROR", message: `type error: ${summary}`, offset };
}

/** The longest field chain a node belongs to ("conn.x" inside "conn.x.y" -> "conn.x.y"). */
function outermostChain(root: ASTNode | null, node: ASTNode): string {
  let cur = node;
  while (root) {
    const p = parentOf(root, cur);
    if (!p || (p.op !== "." && p.op !== ".?")) break;
    cur = p;
  }
  return chainText(cur) ?? "";
}

function suggest(name: string, ctx: ClassifyContext): string {
  const candidates = [...(ctx.scope === null ? allFacts() : scopeFacts(ctx.scope)).map((f) => f.name), ...ctx.paramNames.map((p) => `params.${p}`)];
  const best = closest(name, candidates);
  return best ? ` (did you mean "${best}"?)` : "";
}

/** The candidate nearest by edit distance, if it is near enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== null && bestD <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
