/**
 * What a plugin hands back, made safe before it leaves the plugin's worker: every value is
 * rebuilt from the types the API allows (strings, finite numbers, bigints, booleans, null, lists),
 * so a Symbol, an object whose toString throws, a getter that throws, a circular or absurdly deep
 * structure or a huge list cannot reach kdiag. What cannot be made safe is an error naming the
 * hook and the part of the value.
 */

import type { Dir, Exchange, ExchangeSide, FieldValue, PacketRef, Pdu, TreeNode } from "../api.js";

/** Bounds on one returned value: deeper or longer parts are cut, with "…" where text was cut. */
export const OUTPUT_LIMITS = { depth: 8, listItems: 10_000, stringChars: 64 * 1024, treeNodes: 20_000, fields: 1_000 };

export class PluginOutputError extends Error {}

/** A string for any value, never a throw: String() of a Symbol works, a throwing toString gives a marker. */
export function safeString(v: unknown, max = OUTPUT_LIMITS.stringChars): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : String(v);
  } catch {
    s = "[value that cannot be shown]";
  }
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function finite(v: unknown, what: string): number {
  let n: unknown = v;
  try {
    if (typeof v === "bigint") n = Number(v);
  } catch {
    n = NaN;
  }
  if (typeof n !== "number" || !Number.isFinite(n)) throw new PluginOutputError(`${what} is not a finite number`);
  return n;
}

function dir(v: unknown, what: string): Dir {
  if (v === "c2s" || v === "s2c") return v;
  throw new PluginOutputError(`${what} is not "c2s" or "s2c"`);
}

/** An own property, read without letting a throwing getter escape. */
function prop(o: unknown, key: string, what: string): unknown {
  if (typeof o !== "object" || o === null) throw new PluginOutputError(`${what} is not an object`);
  try {
    return (o as Record<string, unknown>)[key];
  } catch (err) {
    throw new PluginOutputError(`reading ${what}.${key} threw: ${safeString(err instanceof Error ? err.message : err, 200)}`);
  }
}

export function cleanFieldValue(v: unknown, depth = 0, seen = new Set<unknown>()): FieldValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return safeString(v);
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "bigint" || typeof v === "boolean") return v;
  if (Array.isArray(v)) {
    if (depth >= OUTPUT_LIMITS.depth || seen.has(v)) return null;
    seen.add(v);
    const out: FieldValue[] = [];
    const n = Math.min(v.length, OUTPUT_LIMITS.listItems);
    for (let i = 0; i < n; i++) out.push(cleanFieldValue(v[i], depth + 1, seen));
    seen.delete(v);
    return out;
  }
  return safeString(v);
}

function cleanFields(v: unknown, what: string): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  if (v === undefined || v === null) return out;
  if (typeof v !== "object") throw new PluginOutputError(`${what} is not an object`);
  let keys: string[];
  try {
    keys = Object.keys(v).slice(0, OUTPUT_LIMITS.fields);
  } catch {
    throw new PluginOutputError(`${what} cannot be listed`);
  }
  for (const k of keys) out[safeString(k, 200)] = cleanFieldValue(prop(v, k, what));
  return out;
}

function cleanRef(v: unknown, what: string): PacketRef {
  const ref: PacketRef = {
    first: finite(prop(v, "first", what), `${what}.first`),
    last: finite(prop(v, "last", what), `${what}.last`),
    tsUs: finite(prop(v, "tsUs", what), `${what}.tsUs`),
    streamOffset: finite(prop(v, "streamOffset", what) ?? 0, `${what}.streamOffset`),
  };
  const ended = prop(v, "endedAfter", what);
  if (ended !== undefined) ref.endedAfter = finite(ended, `${what}.endedAfter`);
  return ref;
}

function cleanTree(v: unknown, budget: { left: number }, depth = 0): TreeNode[] {
  if (!Array.isArray(v) || depth >= OUTPUT_LIMITS.depth) return [];
  const out: TreeNode[] = [];
  for (const n of v) {
    if (budget.left-- <= 0) break;
    if (typeof n !== "object" || n === null) continue;
    const node: TreeNode = { label: safeString(prop(n, "label", "tree node"), 1000) };
    const field = prop(n, "field", "tree node");
    if (field !== undefined) node.field = safeString(field, 200);
    const value = prop(n, "value", "tree node");
    if (value !== undefined) node.value = cleanFieldValue(value);
    const offset = prop(n, "offset", "tree node");
    const length = prop(n, "length", "tree node");
    if (typeof offset === "number" && Number.isFinite(offset)) node.offset = offset;
    if (typeof length === "number" && Number.isFinite(length)) node.length = length;
    const children = prop(n, "children", "tree node");
    if (children !== undefined) node.children = cleanTree(children, budget, depth + 1);
    out.push(node);
  }
  return out;
}

export function cleanPdu(v: unknown): Pdu {
  const pdu: Pdu = {
    dir: dir(prop(v, "dir", "pdu"), "pdu.dir"),
    ref: cleanRef(prop(v, "ref", "pdu"), "pdu.ref"),
    length: finite(prop(v, "length", "pdu"), "pdu.length"),
    summary: safeString(prop(v, "summary", "pdu"), 1000),
    fields: cleanFields(prop(v, "fields", "pdu"), "pdu.fields"),
  };
  const tree = prop(v, "tree", "pdu");
  if (tree !== undefined) pdu.tree = cleanTree(tree, { left: OUTPUT_LIMITS.treeNodes });
  const malformed = prop(v, "malformed", "pdu");
  if (malformed !== undefined && malformed !== null) pdu.malformed = safeString(malformed, 1000);
  const secrets = prop(v, "secrets", "pdu");
  if (Array.isArray(secrets)) {
    // Ranges to mask: kept when they are numbers inside the PDU; a bad one is dropped, not fatal.
    const ok = secrets
      .slice(0, OUTPUT_LIMITS.listItems)
      .filter((x) => typeof x === "object" && x !== null)
      .map((s) => ({ offset: prop(s, "offset", "pdu.secrets"), length: prop(s, "length", "pdu.secrets") }))
      .filter((s): s is { offset: number; length: number } => Number.isInteger(s.offset) && Number.isInteger(s.length) && (s.offset as number) >= 0 && (s.length as number) > 0);
    if (ok.length > 0) pdu.secrets = ok;
  }
  return pdu;
}

function cleanSide(v: unknown, what: string): ExchangeSide | null {
  if (v === null || v === undefined) return null;
  const side: ExchangeSide = {
    first: finite(prop(v, "first", what), `${what}.first`),
    last: finite(prop(v, "last", what), `${what}.last`),
    tsUs: finite(prop(v, "tsUs", what), `${what}.tsUs`),
    length: finite(prop(v, "length", what), `${what}.length`),
  };
  const offset = prop(v, "streamOffset", what);
  if (offset !== undefined) side.streamOffset = finite(offset, `${what}.streamOffset`);
  return side;
}

const STATUSES: ReadonlySet<string> = new Set(["answered", "no-response-expected", "unanswered", "orphan-response"]);
const CONFIDENCES: ReadonlySet<string> = new Set(["certain", "likely", "guess"]);

export function cleanExchange(v: unknown): Exchange {
  const status = prop(v, "status", "exchange");
  const confidence = prop(v, "confidence", "exchange");
  if (typeof status !== "string" || !STATUSES.has(status)) throw new PluginOutputError(`exchange.status is not one of ${[...STATUSES].join(", ")}`);
  if (typeof confidence !== "string" || !CONFIDENCES.has(confidence)) throw new PluginOutputError(`exchange.confidence is not one of ${[...CONFIDENCES].join(", ")}`);
  const ex: Exchange = {
    request: cleanSide(prop(v, "request", "exchange"), "exchange.request"),
    response: cleanSide(prop(v, "response", "exchange"), "exchange.response"),
    status: status as Exchange["status"],
    confidence: confidence as Exchange["confidence"],
    summary: safeString(prop(v, "summary", "exchange"), 1000),
    fields: cleanFields(prop(v, "fields", "exchange"), "exchange.fields"),
  };
  if (!ex.request && !ex.response) throw new PluginOutputError("exchange has neither request nor response");
  return ex;
}

/** A hook's own return value, where the API gives it one. */
export function cleanDetect(v: unknown): "yes" | "client" | "no" | "more" {
  if (v === "yes" || v === "client" || v === "no" || v === "more") return v;
  throw new PluginOutputError(`detect() returned ${describe(v)}, not "yes", "client", "no" or "more"`);
}

export function cleanOffset(v: unknown, what: string): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw new PluginOutputError(`${what} returned ${describe(v)}, not an integer`);
}

export function describe(v: unknown): string {
  if (v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function") return "a promise (hooks must be synchronous)";
  if (typeof v === "string") return JSON.stringify(safeString(v, 40));
  if (typeof v === "symbol") return "a Symbol";
  return typeof v;
}
