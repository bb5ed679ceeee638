/**
 * The flat field values of many stored messages (PDUs or exchanges), without an object per
 * message. A decoded Kafka message's fields were an object with a handful of in-object slots and
 * an out-of-object property array with slack: about 150 bytes for nine values. Here a message is
 * one row: the id of its list of field names (its shape: a few dozen distinct per capture) and
 * where its values start in fixed-size Int32Array chunks of one 4-byte slot per value. Most values
 * are small integers (api key, version, correlation id, lengths: 56% of the slots on the benchmark's
 * capture): they sit in their slot. Any other value but a number (a string, a boolean, a list) is
 * kept once in a table of values and its slot holds the table index; the
 * strings and short lists pooled by StringPool and the booleans are shared there, so a client id
 * repeated in 100,000 messages costs 100,000 slots of 4 bytes (a JS array slot is 8). Any other
 * number (a fraction such as kafka.response_time, a large integer, -0) is kept in a Float64Array
 * of its own and its slot holds its index there: in the table it cost a boxed number (16 bytes)
 * and an 8-byte table slot; 160,000 of them in each store at 1M packets. The object a
 * reader asks for is built on demand with the same keys in the same order, and dropped when the
 * reader is done.
 */

import type { FieldValue } from "../plugins/api.js";
import { growInt32 } from "./grow.js";

/**
 * Value slots per chunk: a row never spans two chunks, so a chunk wastes at most one row's worth.
 * 128 KiB: at the mmap threshold `kdiag tui` sets for glibc (bin/kdiag.js) each chunk is a mapping
 * of its own; chunks of 64 KiB sat in the malloc heap among the load's short-lived buffers, whose
 * holes were never returned (the heap 43 -> 17 MiB at 1M packets, bench/README.md "Memory").
 */
const CHUNK = 32768;
/**
 * Integers in [-INLINE, INLINE) sit in their slot; a slot at INLINE or above is INLINE + a table
 * index; a slot below -INLINE is DOUBLE + an index into the doubles.
 */
const INLINE = 0x40000000;
const DOUBLE = -0x80000000;
/** Doubles per chunk (128 KiB, as CHUNK). Up to 2^30 doubles: below that DOUBLE + index stays under -INLINE. */
const DOUBLE_CHUNK = 16384;

/** Whether `v` is stored in its slot: a small integer (and not -0, which would come back as 0). */
function inline(v: FieldValue): v is number {
  return typeof v === "number" && (v | 0) === v && v >= -INLINE && v < INLINE && (v !== 0 || 1 / v > 0);
}

/** Values shared across rows by identity (pooled strings, booleans, null, frozen pooled lists): one table entry each. */
function shareable(v: FieldValue): boolean {
  return typeof v === "string" || typeof v === "boolean" || v === null || (Array.isArray(v) && Object.isFrozen(v));
}

interface Shape {
  keys: readonly string[];
  /** Position of each key in the row, for one field's lookup without building the object. */
  at: ReadonlyMap<string, number>;
}

export class FieldTable {
  private readonly shapeIds = new Map<string, number>();
  private readonly shapes: Shape[] = [];
  private lastShape = -1;
  /** Per row: its shape. */
  private shapeOf = new Int32Array(1024);
  /** Per row: chunk * CHUNK + offset of its first value. */
  private startOf = new Int32Array(1024);
  private chunks: Int32Array[] = [];
  private used = CHUNK;
  /** The values that are not inline, by table index. */
  private readonly table: FieldValue[] = [];
  /** Table index of each shared value (see `shareable`); other values get an entry each. */
  private readonly tableIndex = new Map<FieldValue, number>();
  /** The numbers that are not inline, DOUBLE_CHUNK a chunk. */
  private readonly doubles: Float64Array[] = [];
  private doubleCount = 0;

  /** Stores `fields` at `row` (rows are written in order, each once). */
  set(row: number, fields: Record<string, FieldValue>): void {
    if (row >= this.shapeOf.length) {
      this.shapeOf = growInt32(this.shapeOf, row + 1);
      this.startOf = growInt32(this.startOf, row + 1);
    }
    const keys = Object.keys(fields);
    const id = this.shapeId(keys);
    if (this.used + keys.length > CHUNK) {
      this.chunks.push(new Int32Array(Math.max(CHUNK, keys.length)));
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    const values = this.chunks[chunk]!;
    for (let k = 0; k < keys.length; k++) values[this.used + k] = this.slot(fields[keys[k]!]!);
    this.shapeOf[row] = id;
    this.startOf[row] = chunk * CHUNK + this.used;
    this.used += keys.length;
  }

  /**
   * Stores at `row` the fields stored at `from` (an earlier row), sharing its value slots: rows
   * are never written again, so two rows with the same values can read the same slots.
   */
  copy(row: number, from: number): void {
    if (row >= this.shapeOf.length) {
      this.shapeOf = growInt32(this.shapeOf, row + 1);
      this.startOf = growInt32(this.startOf, row + 1);
    }
    this.shapeOf[row] = this.shapeOf[from]!;
    this.startOf[row] = this.startOf[from]!;
  }

  /** The fields of `row`, as a fresh object (the caller may keep or change it). */
  get(row: number): Record<string, FieldValue> {
    const shape = this.shapes[this.shapeOf[row]!]!;
    const at = this.startOf[row]!;
    const values = this.chunks[Math.floor(at / CHUNK)]!;
    const base = at % CHUNK;
    const out: Record<string, FieldValue> = {};
    for (let k = 0; k < shape.keys.length; k++) out[shape.keys[k]!] = this.valueOf(values[base + k]!);
    return out;
  }

  /** One field of `row` (undefined when the row has none of that name), without building the object. */
  value(row: number, name: string): FieldValue | undefined {
    const shape = this.shapes[this.shapeOf[row]!]!;
    const k = shape.at.get(name);
    if (k === undefined) return undefined;
    const at = this.startOf[row]!;
    return this.valueOf(this.chunks[Math.floor(at / CHUNK)]![(at % CHUNK) + k]!);
  }

  /** The slot of `v`: itself when inline, else INLINE + its table index. */
  private slot(v: FieldValue): number {
    if (inline(v)) return v;
    if (typeof v === "number") return this.addDouble(v);
    if (shareable(v)) {
      const known = this.tableIndex.get(v);
      if (known !== undefined) return INLINE + known;
      this.tableIndex.set(v, this.table.length);
    }
    this.table.push(v);
    return INLINE + this.table.length - 1;
  }

  private addDouble(v: number): number {
    const at = this.doubleCount++;
    if (at % DOUBLE_CHUNK === 0) this.doubles.push(new Float64Array(DOUBLE_CHUNK));
    this.doubles[this.doubles.length - 1]![at % DOUBLE_CHUNK] = v;
    return DOUBLE + at;
  }

  private valueOf(slot: number): FieldValue {
    if (slot >= INLINE) return this.table[slot - INLINE]!;
    if (slot >= -INLINE) return slot;
    const at = slot - DOUBLE;
    return this.doubles[Math.floor(at / DOUBLE_CHUNK)]![at % DOUBLE_CHUNK]!;
  }

  /** Cuts the row columns to `rows` rows (they double as they grow). */
  trim(rows: number): void {
    this.shapeOf = this.shapeOf.slice(0, rows);
    this.startOf = this.startOf.slice(0, rows);
  }


  private shapeId(keys: string[]): number {
    // Most messages repeat the shape of the one before (one dissector, one message kind): compare
    // with it key by key before building the joined name (a string per message).
    const last = this.shapes[this.lastShape];
    if (last && sameKeys(last.keys, keys)) return this.lastShape;
    const name = keys.join("\u0000");
    let id = this.shapeIds.get(name);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push({ keys, at: new Map(keys.map((k, i) => [k, i])) });
      this.shapeIds.set(name, id);
    }
    this.lastShape = id;
    return id;
  }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
