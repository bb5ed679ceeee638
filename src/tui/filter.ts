/**
 * The filter bar: its language (a Wireshark display filter, or a CEL condition as in rules) is
 * compiled by src/filter/compile.ts; here, what the bar shows about it, and the text search of
 * the panes that are not filtered.
 */

import type { CompiledFilter } from "../filter/compile.js";

export { compileFilter, withoutStacks, type CompiledFilter, type FilterScope } from "../filter/compile.js";

/** "col 7: message" for the status of the filter bar (columns 1-based, as editors count). */
export function filterStatus(f: CompiledFilter, glyphs: { ok: string; bad: string }): string {
  if (f.ok) return f.matchAll ? "" : `${glyphs.ok} valid ${f.syntax === "display" ? "display filter" : "CEL"}${f.notes.length > 0 ? `; ${f.notes[0]}` : ""}`;
  return `${glyphs.bad} col ${f.offset + 1}: ${f.message}`;
}

/** Plain-text search (findings, detail, hex): the next row at or after `from` containing `needle`, wrapping. */
export function searchRows(count: number, row: (i: number) => string, needle: string, from: number): number {
  if (needle === "" || count === 0) return -1;
  const n = needle.toLowerCase();
  for (let k = 0; k < count; k++) {
    const i = (from + k) % count;
    if (row(i).toLowerCase().includes(n)) return i;
  }
  return -1;
}
