/**
 * Protocol facts (kafka.*, tls.*, a plugin's) from a PDU's or an exchange's flat fields, typed by
 * the fields' declarations (schema.ts): the same code serves Kafka and any plugin. A repeated
 * field is a list on every item (empty when the message has none); a single one is absent when
 * the message has none (an absent key, never a made-up 0).
 */

import type { FieldValue } from "../plugins/api.js";
import { factProtocols, FACTS_BY_VARIABLE, schemaGeneration } from "./schema.js";

export type Facts = Record<string, unknown>;

const big = (n: number): bigint => BigInt(Math.trunc(n));

/** Shared by every item without a value: conditions only read facts. */
const NO_VALUES: readonly unknown[] = Object.freeze([]);

interface FieldSpec {
  /** The fact's name without the prefix ("record.content_type" for tls.record.content_type). */
  short: string;
  /** Its steps when it has more than one ("record", "content_type"), else null. */
  steps: string[] | null;
  type: string;
}

interface ProtocolSpecs {
  /** Dissector field name -> its fact. */
  byField: Map<string, FieldSpec>;
  /** List facts (without the prefix): present on every item. */
  lists: FieldSpec[];
  /** The facts of an item without this protocol's fields (lists empty), shared. */
  empty: Facts;
}

let specs = new Map<string, ProtocolSpecs>();
let specsGeneration = -1;

function specsOf(protocol: string): ProtocolSpecs {
  if (specsGeneration !== schemaGeneration()) {
    specs = new Map();
    specsGeneration = schemaGeneration();
  }
  let s = specs.get(protocol);
  if (!s) {
    const prefix = protocol.length + 1;
    const byField = new Map(
      (FACTS_BY_VARIABLE[protocol] ?? []).map((f): [string, FieldSpec] => {
        const short = f.name.slice(prefix);
        return [f.name, { short, steps: short.includes(".") ? short.split(".") : null, type: f.type }];
      }),
    );
    const lists = [...byField.values()].filter((f) => f.type.startsWith("list<"));
    s = { byField, lists, empty: Object.freeze(build(byField, lists, null)) as Facts };
    specs.set(protocol, s);
  }
  return s;
}

/** Converts a dissector field value to the declared CEL type of its fact; undefined = absent. */
export function celValue(type: string, v: FieldValue | undefined): unknown {
  if (v === undefined || v === null) return type.startsWith("list<") ? [] : undefined;
  // Plain loops: this runs for every list field of every exchange.
  if (type === "list<int>") {
    const out: bigint[] = [];
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === "number") out.push(BigInt(x));
      else if (typeof x === "bigint") out.push(x);
    } else if (typeof v === "number") out.push(BigInt(v));
    else if (typeof v === "bigint") out.push(v);
    return out;
  }
  if (type === "list<string>") {
    if (!Array.isArray(v)) return typeof v === "string" ? [v] : [];
    const out: string[] = [];
    for (const x of v) if (typeof x === "string") out.push(x);
    return out;
  }
  if (Array.isArray(v)) return undefined;
  if (type === "int") return typeof v === "number" ? big(v) : typeof v === "bigint" ? v : undefined;
  if (type === "double") return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
  if (type === "bool") return typeof v === "boolean" ? v : undefined;
  if (type === "string") return typeof v === "string" ? v : undefined;
  return undefined;
}

function build(byField: ProtocolSpecs["byField"], lists: readonly FieldSpec[], fields: Record<string, FieldValue> | null): Facts {
  const out: Facts = {};
  for (const spec of lists) put(out, spec, NO_VALUES);
  if (fields) {
    // Walks the fields the message has, not every declared one: runs once per exchange and PDU.
    for (const name in fields) {
      const spec = byField.get(name);
      if (spec === undefined) continue;
      const v = celValue(spec.type, fields[name]);
      if (v !== undefined) put(out, spec, v);
    }
  }
  return out;
}

/**
 * Sets a fact, nesting a dotted name (tls.record.content_type is tls.record.content_type in CEL,
 * not a key "record.content_type" of tls): a rule condition and a display filter read it by its
 * documented name.
 */
function put(out: Facts, spec: FieldSpec, v: unknown): void {
  if (spec.steps === null) {
    out[spec.short] = v;
    return;
  }
  let at = out;
  const last = spec.steps.length - 1;
  for (let i = 0; i < last; i++) {
    const step = spec.steps[i]!;
    let next = at[step];
    if (typeof next !== "object" || next === null || Array.isArray(next)) at[step] = next = {};
    at = next as Facts;
  }
  at[spec.steps[last]!] = v;
}

/** `protocol`.* from a PDU's or exchange's flat fields (other protocols' fields are ignored). */
export function protocolFacts(protocol: string, fields: Record<string, FieldValue> | null): Facts {
  const s = specsOf(protocol);
  return fields ? build(s.byField, s.lists, fields) : s.empty;
}

/** kafka.* from a PDU's or exchange's flat fields; lists default to empty. */
export function kafkaFacts(fields: Record<string, FieldValue> | null): Facts {
  return protocolFacts("kafka", fields);
}

/** The method an item class implements to serve its protocol variables. */
export const PROTOCOL = Symbol("protocol facts");

export interface ProtocolItem {
  [PROTOCOL](name: string): Facts;
}

const installed = new WeakMap<object, Set<string>>();

/**
 * Puts a getter for each loaded protocol's variable on an item class's prototype (CEL reads a
 * top-level variable as a plain property; a getter on the prototype keeps items fast objects,
 * where one in an object literal would make every item a slow dictionary).
 */
export function defineProtocolGetters(proto: ProtocolItem): void {
  let done = installed.get(proto);
  if (!done) installed.set(proto, (done = new Set()));
  for (const { name } of factProtocols()) {
    if (done.has(name)) continue;
    done.add(name);
    Object.defineProperty(proto, name, {
      configurable: true,
      enumerable: false,
      get(this: ProtocolItem) {
        return this[PROTOCOL](name);
      },
    });
  }
}
