/**
 * CEL environments, one per scope, declared from the fact schema (src/facts/schema.ts, with the
 * loaded plugins' fields): the type checker
 * then rejects an unknown field or a type mismatch at load time, with a position. Shared lists
 * are CEL constants; each rule gets a cheap clone declaring its `params`.
 */

import { Environment } from "@marcbachmann/cel-js";
import { registerFormatFunctions } from "./functions.js";
import { registerIpFunctions } from "./ip-functions.js";
import { registerLinearMatches } from "./linear-regex.js";
import { FACTS_BY_VARIABLE, SCOPE_VARIABLES, type Scope } from "../facts/schema.js";

/** Limits on what a rule may ask of the evaluator (parse time). */
const LIMITS = { maxAstNodes: 5000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 16 };

type Schema = { [key: string]: string | Schema };

/** Nested CEL schema of one top-level variable: "tcp.flags.reset" -> {flags: {reset: "bool"}}. */
export function variableSchema(variable: string): Schema {
  const root: Schema = {};
  for (const f of FACTS_BY_VARIABLE[variable] ?? []) {
    const parts = f.name.split(".").slice(1);
    let node = root;
    for (const p of parts.slice(0, -1)) {
      const next = node[p];
      if (typeof next === "string") throw new Error(`fact ${f.name}: ${p} is both a value and a parent`);
      node = (node[p] ??= {}) as Schema;
    }
    node[parts[parts.length - 1]!] = f.type;
  }
  return root;
}

export interface ListConstant {
  name: string;
  type: "list<string>" | "list<int>" | "list<double>";
  values: unknown[];
}

export function createScopeEnvironment(scope: Scope, lists: readonly ListConstant[]): Environment {
  return createEnvironment(SCOPE_VARIABLES[scope], lists);
}

/**
 * Every scope's variables at once: what lint checks an expression against when it has no scope
 * (an unused macro, a rule whose scope is misspelt), so its other mistakes are still found.
 */
export function createAnyScopeEnvironment(lists: readonly ListConstant[]): Environment {
  return createEnvironment([...new Set(Object.values(SCOPE_VARIABLES).flat())], lists);
}

function createEnvironment(variables: readonly string[], lists: readonly ListConstant[]): Environment {
  const env = new Environment({ enableOptionalTypes: true, limits: LIMITS });
  for (const v of variables) env.registerVariable({ name: v, schema: variableSchema(v) });
  for (const l of lists) env.registerConstant(l.name, l.type, l.values);
  registerFormatFunctions(env);
  registerIpFunctions(env);
  registerLinearMatches(env);
  return env;
}

/** A rule's environment: its scope's, plus `params` typed by the rule's visible parameters. */
export function withParams(env: Environment, params: Readonly<Record<string, string>>, opts: { window?: boolean } = {}): Environment {
  const child = env.clone();
  child.registerVariable({ name: "params", schema: { ...params } });
  if (opts.window) child.registerVariable({ name: "window", schema: WINDOW_SCHEMA });
  return child;
}

/** What a windowed rule's output and advice can say about the burst. */
export const WINDOW_FACTS = [
  { name: "window.count", type: "int", description: "Matching items in the burst" },
  { name: "window.group", type: "string", description: "Value of group_by for the burst (empty without group_by)" },
  { name: "window.span_ms", type: "double", description: "First to last item of the burst, ms" },
] as const;
const WINDOW_SCHEMA = Object.fromEntries(WINDOW_FACTS.map((f) => [f.name.slice(7), f.type]));

/** Every variable name some scope declares (to say "not in this scope" instead of "unknown"); follows the loaded plugins. */
export const ALL_VARIABLES: { has(name: string): boolean } = {
  has: (name) => Object.values(SCOPE_VARIABLES).some((vars) => vars.includes(name)),
};

const OTHER_RESERVED: ReadonlySet<string> = new Set(["params", "true", "false", "null", "in", "has", "dyn", "cel"]);

/** Names a macro or list may not take: they would hide facts (a loaded plugin's variable included). */
export const RESERVED_NAMES: { has(name: string): boolean } = {
  has: (name) => OTHER_RESERVED.has(name) || ALL_VARIABLES.has(name),
};

/** CEL's parse-time macros: calls the function table does not list. */
export const CEL_MACROS: ReadonlySet<string> = new Set(["has", "all", "exists", "exists_one", "map", "filter", "bind", "optMap", "optFlatMap"]);

let functionNames: Set<string> | null = null;

/** Names of the functions CEL knows (for "unknown function" vs "wrong arguments"). */
export function knownFunctions(): ReadonlySet<string> {
  if (!functionNames) {
    const env = new Environment({ enableOptionalTypes: true });
    registerFormatFunctions(env);
    registerIpFunctions(env);
    functionNames = new Set(env.getDefinitions().functions.map((f) => f.name));
    for (const m of CEL_MACROS) functionNames.add(m);
  }
  return functionNames;
}
