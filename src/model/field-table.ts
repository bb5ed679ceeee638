/**
 * The flat field values of many stored messages (PDUs or exchanges), without an object per
 * message. A decoded Kafka message's fields were an object with a handful of in-object slots and
 * an out-of-object property array with slack: about 150 bytes for nine values. Here a message is
 * one row: the id of its list of field names (its shape: a few dozen distinct per capture) and
 * where its values start in fixed-size chunks of one value slot each (8 bytes; small integers
 * inline, strings and short lists pooled by StringPool). The object a reader asks for is built on
 * demand with the same keys in the same order, and dropped when the reader is done.
 */

import type { FieldValue } from "../plugins/api.js";
import { growInt32 } from "./grow.js";

/** Value slots per chunk: a row never spans two chunks, so a chunk wastes at most one row's worth. */
const CHUNK = 16384;

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
  private chunks: FieldValue[][] = [];
  private used = CHUNK;

  /** Stores `fields` at `row` (rows are written in order, each once). */
  set(row: number, fields: Record<string, FieldValue>): void {
    if (row >= this.shapeOf.length) {
      this.shapeOf = growInt32(this.shapeOf, row + 1);
      this.startOf = growInt32(this.startOf, row + 1);
    }
    const keys = Object.keys(fields);
    const id = this.shapeId(keys);
    if (this.used + keys.length > CHUNK) {
      this.chunks.push(new Array<FieldValue>(Math.max(CHUNK, keys.length)));
      this.used = 0;
    }
    const chunk = this.chunks.length - 1;
    const values = this.chunks[chunk]!;
    for (let k = 0; k < keys.length; k++) values[this.used + k] = fields[keys[k]!]!;
    this.shapeOf[row] = id;
    this.startOf[row] = chunk * CHUNK + this.used;
    this.used += keys.length;
  }

  /** The fields of `row`, as a fresh object (the caller may keep or change it). */
  get(row: number): Record<string, FieldValue> {
    const shape = this.shapes[this.shapeOf[row]!]!;
    const at = this.startOf[row]!;
    const values = this.chunks[Math.floor(at / CHUNK)]!;
    const base = at % CHUNK;
    const out: Record<string, FieldValue> = {};
    for (let k = 0; k < shape.keys.length; k++) out[shape.keys[k]!] = values[base + k]!;
    return out;
  }

  /** One field of `row` (undefined when the row has none of that name), without building the object. */
  value(row: number, name: string): FieldValue | undefined {
    const shape = this.shapes[this.shapeOf[row]!]!;
    const k = shape.at.get(name);
    if (k === undefined) return undefined;
    const at = this.startOf[row]!;
    return this.chunks[Math.floor(at / CHUNK)]![(at % CHUNK) + k];
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
