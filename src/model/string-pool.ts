/**
 * One copy of each repeated string in the stored fields. A capture of a million packets has a few
 * hundred thousand Kafka messages but a handful of client ids and topic names; each decoded
 * message carries its own copies of them, which is most of what the PDU and exchange fields
 * weigh. Arrays are copied to their exact length on the way: one built by push() keeps room for
 * 16 more elements, which for a one-error list is 17 times what it holds. On the benchmark's
 * million-packet capture the two take the stored fields from 215 to about 135 MB. Bounded: past
 * `maxEntries` distinct strings, or for strings longer than `maxLength`, a string is kept as it is.
 */

import type { FieldValue } from "../plugins/api.js";

/** Summary lines looked up before deciding whether pooling them finds copies (StringPool.summary). */
const SUMMARY_TRIAL = 10_000;
/** Pooling summaries stops when fewer than one in this many was found. */
const SUMMARY_MIN_HITS = 10;

/** Arrays up to this length, of numbers, strings and booleans, are shared (one error code, one topic). */
const SHARED_ARRAY_MAX = 4;

export class StringPool {
  private readonly pool = new Map<string, string>();
  /**
   * Short lists of plain values, one frozen copy each: most Kafka messages of a capture carry
   * `[0]` as their errors and one of a few topic and partition lists (measured on the benchmark's
   * million-packet capture: 1.1 M such arrays, a few thousand distinct). Frozen, since every
   * message holding one shares it.
   */
  private readonly arrays = new Map<string, FieldValue[]>();

  constructor(
    private readonly maxEntries = 65_536,
    private readonly maxLength = 256,
  ) {}

  /** Distinct strings held. */
  get size(): number {
    return this.pool.size;
  }

  /**
   * A packet list line as kept by the live pass: pooled while pooling finds copies. Kafka's lines
   * each carry their correlation id, so none repeats: after SUMMARY_TRIAL lines with fewer than
   * one in SUMMARY_MIN_HITS found, lines are kept as they are (hashing each one cost more than
   * the rest of storing the message). TLS record lines repeat and stay pooled.
   */
  summary(s: string): string {
    if (this.summaryTried >= SUMMARY_TRIAL && this.summaryHits * SUMMARY_MIN_HITS < this.summaryTried) return s;
    this.summaryTried++;
    const pooled = this.get(s);
    if (pooled !== s) this.summaryHits++;
    return pooled;
  }

  private summaryTried = 0;
  private summaryHits = 0;

  get(s: string): string {
    if (s.length > this.maxLength) return s;
    const known = this.pool.get(s);
    if (known !== undefined) return known;
    if (this.pool.size < this.maxEntries) this.pool.set(s, s);
    return s;
  }

  /** Replaces, in place, every string value of `fields` by its pooled copy, and every array by an exact-length copy. */
  fields(fields: Record<string, FieldValue>): void {
    // A frozen object is one a dissector shares among many messages: nothing in it can be replaced.
    if (Object.isFrozen(fields)) return;
    for (const key in fields) {
      const v = fields[key];
      if (typeof v === "string") fields[key] = this.get(v);
      else if (Array.isArray(v)) fields[key] = this.array(v);
    }
  }

  /** One-element lists (most of them: `[0]` errors, one topic, one partition), by their value: no key to build. */
  private readonly oneNumber = new Map<number, FieldValue[]>();
  private readonly oneString = new Map<string, FieldValue[]>();

  private array(values: FieldValue[]): FieldValue[] {
    if (values.length === 1) {
      const v = values[0];
      // -0 is not 0 here, but is as a Map key: it takes the general path.
      if (typeof v === "number" && !Object.is(v, -0)) return this.one(this.oneNumber, v, v);
      if (typeof v === "string" && v.length <= 64) {
        const pooled = this.get(v);
        return this.one(this.oneString, pooled, pooled);
      }
    }
    const key = sharedKey(values);
    if (key !== null) {
      const known = this.arrays.get(key);
      if (known) return known;
    }
    const out = values.slice();
    for (let i = 0; i < out.length; i++) {
      const v = out[i];
      if (typeof v === "string") out[i] = this.get(v);
      else if (Array.isArray(v)) out[i] = this.array(v);
    }
    if (key !== null && this.arrays.size < this.maxEntries) this.arrays.set(key, Object.freeze(out) as FieldValue[]);
    return out;
  }

  /** The shared frozen `[value]` of `map`; a fresh copy once the map is full (as for other lists). */
  private one<K>(map: Map<K, FieldValue[]>, key: K, value: FieldValue): FieldValue[] {
    const known = map.get(key);
    if (known) return known;
    const out = [value];
    if (map.size < this.maxEntries) map.set(key, Object.freeze(out) as FieldValue[]);
    return out;
  }
}

/** A key naming a short list of plain values and their types ("n0", "sorders"), or null when it is not one to share. */
function sharedKey(values: FieldValue[]): string | null {
  if (values.length > SHARED_ARRAY_MAX) return null;
  let key = "";
  for (const v of values) {
    if (typeof v === "number") key += Object.is(v, -0) ? "\u0000n-0" : `\u0000n${v}`;
    else if (typeof v === "string") {
      if (v.length > 64) return null;
      key += `\u0000s${v}`;
    } else if (typeof v === "boolean") key += v ? "\u0000t" : "\u0000f";
    else return null;
  }
  return key;
}
