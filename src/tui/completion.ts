/**
 * Tab in the filter bar: the field name (or, after `name ==`, the value) being typed, completed
 * from the names the pane's scope knows (src/filter/fields.ts) and the closed value sets of the
 * facts (`conn.close_how`: fin, rst, open). Pure: text and cursor in, new text, cursor and the
 * candidates to show out.
 */

import { filterFields, type FilterScope } from "../filter/fields.js";
import { scopeFacts } from "../facts/schema.js";

export interface Completion {
  text: string;
  cursor: number;
  /** Every name that fits what was typed (shown when there is more than one). */
  candidates: string[];
}

const NAME_CHAR = /[A-Za-z0-9_.]/;

export function complete(scope: FilterScope, text: string, cursor: number): Completion {
  let start = cursor;
  while (start > 0 && NAME_CHAR.test(text[start - 1]!)) start--;
  const prefix = text.slice(start, cursor);
  const before = text.slice(0, start);
  const valueOf = /([A-Za-z_][A-Za-z0-9_.]*)\s*(==|!=|eq|ne)\s*["']?$/.exec(before);
  const candidates = valueOf ? valuesOf(scope, valueOf[1]!, prefix) : namesFor(scope, prefix);
  if (candidates.length === 0) return { text, cursor, candidates };
  const quoted = valueOf && /["']$/.test(before);
  let insert = commonPrefix(candidates);
  if (candidates.length === 1) insert += valueOf && quoted ? `${before.slice(-1)} ` : valueOf ? " " : "";
  return { text: before + insert + text.slice(cursor), cursor: start + insert.length, candidates };
}

/** Names in the scope that start with `prefix`; one level at a time (`tcp.` lists tcp.flags., not every flag). */
function namesFor(scope: FilterScope, prefix: string): string[] {
  const out = new Set<string>();
  for (const name of filterFields(scope).keys()) {
    if (!name.startsWith(prefix)) continue;
    const dot = name.indexOf(".", prefix.length);
    out.add(dot >= 0 && dot < name.length - 1 ? name.slice(0, dot + 1) : name);
  }
  return [...out].sort();
}

function valuesOf(scope: FilterScope, field: string, prefix: string): string[] {
  const spec = scopeFacts(scope).find((f) => f.name === field);
  const kind = filterFields(scope).get(field)?.kind;
  const values = spec?.values ?? (kind === "bool" ? ["1", "0"] : []);
  return values.filter((v) => v.startsWith(prefix));
}

function commonPrefix(list: string[]): string {
  let p = list[0]!;
  for (const s of list) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}
