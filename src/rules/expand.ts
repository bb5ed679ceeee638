/**
 * Macro expansion. A macro is a named, separately parsed CEL expression; a condition that names
 * it gets the macro's (already expanded) text in its place, in parentheses. Only identifier nodes
 * found by the CEL parser are replaced, and the replacement is itself a parsed expression, so the
 * result has the AST of the composition: no user text is spliced into the middle of a token.
 *
 * Every character of the expanded text remembers where it came from (the rule's condition or a
 * macro's), so a type error found in the expanded condition is reported in the right file, line
 * and column.
 */

import { parse, type ASTNode } from "@marcbachmann/cel-js";
import { identifiers } from "../cel/ast.js";

/** Where a piece of expression text lives in a rule file. */
export interface TextOrigin {
  file: string;
  /** Source offset -> line:col + snippet, computed by the loader. */
  locate(offset: number): { line: number; col: number; snippet: string };
  item: { kind: "rule" | "macro"; name: string };
}

interface Piece {
  /** Offset in the expanded text. */
  at: number;
  length: number;
  origin: TextOrigin;
  /** Offset in the origin's own text where the piece starts. */
  from: number;
  /** Synthetic text (the parentheses around a macro): maps to `from` whatever the offset. */
  synthetic: boolean;
}

export interface Expanded {
  text: string;
  pieces: Piece[];
  /** Macro and list names the expression uses (after expansion). */
  macros: Set<string>;
  identifiers: Set<string>;
}

export interface MacroDef {
  name: string;
  text: string;
  origin: TextOrigin;
}

export type ExpandFailure =
  | { kind: "syntax"; origin: TextOrigin; offset: number; message: string }
  | { kind: "cycle"; origin: TextOrigin; offset: number; chain: string[] };

/** Maps an offset of the expanded text back to its origin and the offset there. */
export function originOf(e: Expanded, offset: number): { origin: TextOrigin; offset: number } {
  let best = e.pieces[0]!;
  for (const p of e.pieces) {
    if (p.at <= offset) best = p;
    else break;
  }
  return { origin: best.origin, offset: best.synthetic ? best.from : best.from + Math.min(offset - best.at, Math.max(0, best.length)) };
}

export class MacroExpander {
  private readonly cache = new Map<string, Expanded | ExpandFailure>();

  constructor(private readonly macros: ReadonlyMap<string, MacroDef>) {}

  /** Expands `text` (from `origin`); returns the failure that stops it, if any. */
  expand(text: string, origin: TextOrigin, stack: string[] = []): Expanded | ExpandFailure {
    let ast: ASTNode;
    try {
      ast = parse(text).ast;
    } catch (err) {
      const e = err as { range?: { start: number }; summary?: string; message: string };
      return { kind: "syntax", origin, offset: e.range?.start ?? 0, message: e.summary ?? e.message };
    }
    const out: Expanded = { text: "", pieces: [], macros: new Set(), identifiers: new Set() };
    let cursor = 0;
    const literal = (from: number, to: number): void => {
      if (to <= from) return;
      out.pieces.push({ at: out.text.length, length: to - from, origin, from, synthetic: false });
      out.text += text.slice(from, to);
    };
    for (const id of identifiers(ast)) {
      out.identifiers.add(id.name);
      const macro = this.macros.get(id.name);
      // A name followed by "(" is a function call, never a macro.
      if (!macro || id.parent?.op === "call") continue;
      if (stack.includes(id.name)) return { kind: "cycle", origin, offset: id.start, chain: [...stack, id.name] };
      const inner = this.expandMacro(macro, [...stack, id.name]);
      if ("kind" in inner) return inner;
      out.macros.add(id.name);
      for (const m of inner.macros) out.macros.add(m);
      for (const n of inner.identifiers) out.identifiers.add(n);
      literal(cursor, id.start);
      out.pieces.push({ at: out.text.length, length: 1, origin, from: id.start, synthetic: true });
      out.text += "(";
      for (const p of inner.pieces) out.pieces.push({ ...p, at: p.at + out.text.length });
      out.text += inner.text;
      out.pieces.push({ at: out.text.length, length: 1, origin, from: id.start, synthetic: true });
      out.text += ")";
      cursor = id.end;
    }
    literal(cursor, text.length);
    if (out.pieces.length === 0) out.pieces.push({ at: 0, length: 0, origin, from: 0, synthetic: false });
    return out;
  }

  private expandMacro(m: MacroDef, stack: string[]): Expanded | ExpandFailure {
    // A cycle depends on the path taken, so only cycle-free results are cached.
    const cached = this.cache.get(m.name);
    if (cached) return cached;
    const r = this.expand(m.text, m.origin, stack);
    if (!("kind" in r) || r.kind === "syntax") this.cache.set(m.name, r);
    return r;
  }
}
