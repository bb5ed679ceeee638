/**
 * The one-line summaries of many stored messages (PDUs or exchanges), without a string per
 * message. A dissector's summaries follow a few templates whose numbers change from message to
 * message ("Fetch v11 Response corr=5123 topics=orders": 123 templates for 66,426 PDUs of the
 * benchmark's 207k-packet capture); a summary string costs about 72 bytes of heap and one in
 * every message is most of what the stores' heap held. Here a row is its template (the summary
 * with each run of digits cut out; kept once) and the numbers of those runs, in Int32Array
 * columns; the string is put back together when a reader asks for it, byte for byte the same.
 *
 * A run of digits is cut out only when it reads back as written (no leading zero, at most 9
 * digits); any other stays in the template. A summary with a NUL (the template key's marker)
 * or past `MAX_TEMPLATES` distinct templates is kept as it is.
 */

import { growInt32 } from "./grow.js";

/** Distinct templates kept; a capture whose summaries are mostly unique keeps them as strings past it. */
const MAX_TEMPLATES = 65_536;
/** Numbers per chunk: 128 KiB, a mapping of its own (see CHUNK in field-table.ts). */
const NUMBER_CHUNK = 32768;
/** Template id of a row kept as a plain string (in `literal`). */
const LITERAL = -1;

export class SummaryTable {
  /** Template key (the summary with a NUL for each number) -> id. */
  private readonly ids = new Map<string, number>();
  /** Per template: its text pieces around the numbers (pieces.length = numbers + 1). */
  private readonly templates: string[][] = [];
  private templateOf = new Int32Array(1024);
  /** Per row: chunk * NUMBER_CHUNK + offset of its first number. */
  private startOf = new Int32Array(1024);
  private readonly chunks: Int32Array[] = [];
  private used = NUMBER_CHUNK;
  private readonly literal = new Map<number, string>();
  /** Reused by `set`: the numbers of the summary being stored. */
  private readonly numbers: number[] = [];

  /** Stores `summary` at `row` (rows are written in order, each once). */
  set(row: number, summary: string): void {
    if (row >= this.templateOf.length) {
      this.templateOf = growInt32(this.templateOf, row + 1);
      this.startOf = growInt32(this.startOf, row + 1);
    }
    const id = summary.includes("\u0000") ? LITERAL : this.templateId(summary);
    this.templateOf[row] = id;
    if (id === LITERAL) {
      this.literal.set(row, summary);
      return;
    }
    const nums = this.numbers;
    if (this.used + nums.length > NUMBER_CHUNK) {
      this.chunks.push(new Int32Array(Math.max(NUMBER_CHUNK, nums.length)));
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1]!;
    for (let k = 0; k < nums.length; k++) chunk[this.used + k] = nums[k]!;
    this.startOf[row] = (this.chunks.length - 1) * NUMBER_CHUNK + this.used;
    this.used += nums.length;
  }

  /**
   * Stores at `row` the summary stored at `from` (an earlier row), sharing its numbers: for a
   * message whose summary is known to be that row's, without reading the text again.
   */
  copy(row: number, from: number): void {
    if (row >= this.templateOf.length) {
      this.templateOf = growInt32(this.templateOf, row + 1);
      this.startOf = growInt32(this.startOf, row + 1);
    }
    const id = this.templateOf[from]!;
    this.templateOf[row] = id;
    if (id === LITERAL) this.literal.set(row, this.literal.get(from)!);
    else this.startOf[row] = this.startOf[from]!;
  }

  get(row: number): string {
    const id = this.templateOf[row]!;
    if (id === LITERAL) return this.literal.get(row)!;
    const pieces = this.templates[id]!;
    if (pieces.length === 1) return pieces[0]!;
    const at = this.startOf[row]!;
    const chunk = this.chunks[Math.floor(at / NUMBER_CHUNK)]!;
    const base = at % NUMBER_CHUNK;
    let out = pieces[0]!;
    for (let k = 1; k < pieces.length; k++) out += String(chunk[base + k - 1]!) + pieces[k]!;
    return out;
  }

  /** Cuts the row columns to `rows` rows (they double as they grow). */
  trim(rows: number): void {
    this.templateOf = this.templateOf.slice(0, rows);
    this.startOf = this.startOf.slice(0, rows);
  }

  /**
   * The template id of `summary`, its numbers left in `this.numbers`; LITERAL when the templates
   * are full and this one is new.
   */
  private templateId(summary: string): number {
    const nums = this.numbers;
    nums.length = 0;
    let key = "";
    let from = 0;
    const n = summary.length;
    for (let i = 0; i < n; ) {
      const c = summary.charCodeAt(i);
      if (c < 48 || c > 57) {
        i++;
        continue;
      }
      let j = i + 1;
      let value = c - 48;
      for (let d: number; j < n && (d = summary.charCodeAt(j)) >= 48 && d <= 57; j++) value = value * 10 + d - 48;
      // "0" or no leading zero, and an int32: String(number) gives the same digits back.
      if ((c !== 48 || j === i + 1) && j - i <= 9) {
        key += summary.slice(from, i) + "\u0000";
        nums.push(value);
        from = j;
      }
      i = j;
    }
    key = from === 0 ? summary : key + summary.slice(from);
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.templates.length >= MAX_TEMPLATES) return LITERAL;
      id = this.templates.length;
      this.templates.push(key.split("\u0000"));
      this.ids.set(key, id);
    }
    return id;
  }
}
