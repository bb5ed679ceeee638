/**
 * Lint reports every problem of a file in one run: an item whose shape is wrong (a misspelt key,
 * a bad severity, a parameter with a bad default) is reported, then "salvaged" — the offending
 * keys dropped or given a neutral stand-in — so that the rest of it (its condition, templates,
 * exceptions) is still checked, and the names it defines (macros, lists, parameters) still exist,
 * so that other items do not report errors that are only echoes of the first one.
 *
 * A salvaged item never runs: its file already has an error, and a file with an error
 * contributes no rules.
 */

import type { $ZodIssue } from "zod/v4/core";
import { ITEM_SCHEMAS, PARAM_TYPES, type ItemKindKey, type ParamType } from "./schema.js";

export interface Salvaged {
  data: unknown;
  /** Top-level keys that were replaced by a stand-in (their own problem is already reported). */
  standIns: Set<string>;
  /** Parameters whose declaration was broken: declared anyway (for type checks), never run. */
  brokenParams: Map<string, ParamType | "dyn">;
}

/** Stand-ins for a rule's required keys: neutral values that check cleanly. */
const RULE_STAND_INS: Record<string, unknown> = {
  rule: "invalid-id",
  title: "?",
  desc: "",
  severity: "info",
  scope: "",
  condition: "true",
  output: "?",
};

/** What survives of a rule, macro, list or params item whose shape has `issues`; null when nothing checkable is left. */
export function salvage(kind: ItemKindKey, raw: Record<string, unknown>, issues: readonly $ZodIssue[]): Salvaged | null {
  if (kind === "test") return null; // a test item defines nothing others use
  const copy: Record<string, unknown> = { ...raw };
  const standIns = new Set<string>();
  const brokenParams = new Map<string, ParamType | "dyn">();
  const paramsMap = (): Record<string, unknown> | null => {
    const p = copy.params;
    if (p === null || typeof p !== "object" || Array.isArray(p)) return null;
    return (copy.params = { ...(p as Record<string, unknown>) });
  };
  for (const issue of issues) {
    const path = issue.path;
    const top = path[0];
    if (issue.code === "unrecognized_keys") {
      // A misspelt key says nothing about the item's other keys: drop it and go on.
      const target = path.length === 0 ? copy : nestedCopy(copy, path);
      if (target) for (const k of issue.keys) delete target[k];
      continue;
    }
    if (typeof top !== "string") return null;
    if (top === "params" && path.length >= 2) {
      const map = paramsMap();
      const name = String(path[1]);
      if (!map) return null;
      const decl = map[name] as Record<string, unknown> | undefined;
      const declared = decl && typeof decl === "object" && (PARAM_TYPES as readonly unknown[]).includes(decl.type) ? (decl.type as ParamType) : null;
      const type = declared ?? inferType(decl?.default);
      // A bad parameter name cannot be referenced anyway.
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
        delete map[name];
        continue;
      }
      brokenParams.set(name, type);
      // A stand-in the schema accepts; the entry is marked broken, so its value is never used.
      map[name] = { default: type === "dyn" || type === "string" ? "" : type === "bool" ? false : 0, ...(declared ? { type: declared } : {}) };
      continue;
    }
    if (kind === "rule" && top in RULE_STAND_INS) {
      copy[top] = RULE_STAND_INS[top];
      standIns.add(top);
      continue;
    }
    if (kind === "rule" && top !== "rule") {
      // window, exceptions, signals, tags...: dropped whole; the rest is still checked.
      delete copy[top];
      continue;
    }
    return null; // a macro's or list's name or body: nothing left to check
  }
  const parsed = ITEM_SCHEMAS[kind].safeParse(copy);
  if (!parsed.success) return null;
  const data = parsed.data as Record<string, unknown>;
  // Keep the id as written (duplicates are still found); a non-string one becomes the stand-in.
  if (kind === "rule" && typeof raw.rule === "string") data.rule = raw.rule;
  return { data, standIns, brokenParams };
}

function inferType(d: unknown): ParamType | "dyn" {
  if (typeof d === "boolean") return "bool";
  if (typeof d === "number") return Number.isInteger(d) ? "int" : "double";
  if (typeof d === "string") return "string";
  return "dyn";
}

/** The object at `path` inside `root`, copied on the way so `raw` is never changed. */
function nestedCopy(root: Record<string, unknown>, path: readonly PropertyKey[]): Record<string, unknown> | null {
  let node: Record<string, unknown> = root;
  for (const k of path) {
    const key = k as string | number;
    const next = node[key];
    if (next === null || typeof next !== "object") return null;
    const copy = (Array.isArray(next) ? [...next] : { ...(next as Record<string, unknown>) }) as unknown as Record<string, unknown>;
    node[key] = copy;
    node = copy;
  }
  return node;
}
