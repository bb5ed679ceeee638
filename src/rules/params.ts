/**
 * Rule parameters: typed values with a default in the file, overridable with
 * `--param name=value` (every parameter of that name) or `--param rule-id.name=value` (one rule's).
 */

import type { ParamValue } from "./rule.js";
import type { ParamDecl, ParamType } from "./schema.js";

export interface ParamEntry {
  name: string;
  type: ParamType;
  value: ParamValue;
  unit?: string;
  description?: string;
  /** Set when a --param override for it was rejected: rules using it are not run. */
  badOverride?: string;
  /**
   * Set when its declaration is wrong (its problem is already reported): declared anyway so that
   * rules reading it are still checked without an echo of that problem, but they are not run.
   * "dyn" when even its type is unknown.
   */
  broken?: { celType: ParamType | "dyn" };
}

/** The declared type, or the default's: 5 -> int, 0.5 -> double, "x" -> string, true -> bool. */
export function paramType(decl: ParamDecl): ParamType {
  if (decl.type) return decl.type;
  const d = decl.default;
  if (typeof d === "boolean") return "bool";
  if (typeof d === "number") return Number.isInteger(d) ? "int" : "double";
  return "string";
}

/** The default as a CEL value of the parameter's type, or an error message. */
export function defaultValue(decl: ParamDecl, type: ParamType): ParamValue | { error: string } {
  const d = decl.default;
  switch (type) {
    case "int":
      return typeof d === "number" && Number.isSafeInteger(d) ? BigInt(d) : { error: `default ${JSON.stringify(d)} is not an int` };
    case "double":
      return typeof d === "number" ? d : { error: `default ${JSON.stringify(d)} is not a number` };
    case "bool":
      return typeof d === "boolean" ? d : { error: `default ${JSON.stringify(d)} is not true or false` };
    case "string":
      return typeof d === "string" ? d : { error: `default ${JSON.stringify(d)} is not a string (quote it)` };
  }
}

/** Parses command-line text by the parameter's type. */
export function parseParamText(text: string, type: ParamType): ParamValue | { error: string } {
  const t = text.trim();
  switch (type) {
    case "int":
      return /^-?\d+$/.test(t) ? BigInt(t) : { error: `"${text}" is not an int` };
    case "double": {
      const n = Number(t);
      return t !== "" && Number.isFinite(n) ? n : { error: `"${text}" is not a number` };
    }
    case "bool":
      return t === "true" ? true : t === "false" ? false : { error: `"${text}" is not true or false` };
    case "string":
      return text;
  }
}

/** `name=value` or `rule-id.name=value`. */
export function splitOverride(key: string): { rule: string | null; name: string } {
  const dot = key.lastIndexOf(".");
  return dot < 0 ? { rule: null, name: key } : { rule: key.slice(0, dot), name: key.slice(dot + 1) };
}

/** A parameter value as reports show it (no BigInt in JSON). */
export function displayValue(v: ParamValue): number | string | boolean {
  return typeof v === "bigint" ? Number(v) : v;
}
