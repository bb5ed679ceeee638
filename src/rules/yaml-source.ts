/**
 * A rule file as YAML with positions: every value the loader checks can be traced back to a
 * line and column, including an offset inside a condition string (so an error points at the
 * offending token in the file, not at the start of the condition).
 */

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Scalar } from "yaml";

export interface Position {
  line: number;
  col: number;
}

export interface YamlSource {
  file: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { file, text, doc, lines };
}

export function positionAt(src: YamlSource, offset: number): Position {
  const p = src.lines.linePos(Math.max(0, Math.min(offset, src.text.length)));
  return { line: p.line, col: p.col };
}

/** The text of a 1-based line, for snippets. */
export function lineText(src: YamlSource, line: number): string {
  const start = src.lines.lineStarts[line - 1];
  if (start === undefined) return "";
  const end = src.text.indexOf("\n", start);
  return src.text.slice(start, end < 0 ? src.text.length : end).replace(/\r$/, "");
}

export type PathKey = string | number;

/**
 * The node at `path` (a zod issue path) and, for map entries, its key node. Missing tails
 * resolve to the deepest existing node, so "missing key" points at the map that lacks it.
 */
export function nodeAt(doc: Document.Parsed, path: readonly PathKey[]): { node: Node | null; key: Node | null; exact: boolean } {
  let node: Node | null = doc.contents;
  let key: Node | null = null;
  for (const step of path) {
    if (isSeq(node) && typeof step === "number") {
      const next = node.items[step];
      if (!next || !(next as Node).range) return { node, key: null, exact: false };
      node = next as Node;
      key = null;
    } else if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(step));
      if (!pair) return { node, key: null, exact: false };
      key = pair.key as Node;
      // `key:` with nothing after it has a null value node: point at the key.
      node = (pair.value as Node | null) ?? key;
    } else {
      return { node, key, exact: false };
    }
  }
  return { node, key, exact: true };
}

export function nodeStart(node: Node | null): number {
  return node?.range?.[0] ?? 0;
}

/**
 * Maps an offset in a scalar's value (what the YAML parser produced) to an offset in the file.
 * Works for plain, quoted and block scalars by walking value and source side by side: equal
 * characters map one to one, a folded line break or indentation maps to the run of source
 * whitespace, an escape (\" or '') maps to its first source character.
 */
export function scalarOffsetMap(src: YamlSource, node: Scalar): (valueOffset: number) => number {
  const value = typeof node.value === "string" ? node.value : String(node.value);
  const [start, end] = node.range ?? [0, 0];
  let s = start;
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    const nl = src.text.indexOf("\n", start);
    s = nl < 0 ? end : nl + 1;
  } else if (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") {
    s = start + 1;
  }
  const map = new Array<number>(value.length + 1);
  const text = src.text;
  const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\n" || c === "\r";
  let v = 0;
  while (v < value.length && s <= end) {
    const vc = value[v]!;
    const sc = text[s];
    if (sc === vc && !(node.type === "QUOTE_SINGLE" && sc === "'")) {
      map[v++] = s++;
    } else if (node.type === "QUOTE_DOUBLE" && sc === "\\") {
      map[v++] = s;
      s += escapeLength(text, s);
    } else if (node.type === "QUOTE_SINGLE" && sc === "'" && text[s + 1] === "'") {
      map[v++] = s;
      s += 2;
    } else if (isSpace(vc) && isSpace(sc)) {
      map[v++] = s;
      while (s < end && isSpace(text[s])) s++;
    } else {
      s++;
    }
  }
  for (; v <= value.length; v++) map[v] = Math.min(s, end);
  return (offset) => map[Math.max(0, Math.min(offset, value.length))]!;
}

function escapeLength(text: string, at: number): number {
  const c = text[at + 1];
  if (c === "x") return 4;
  if (c === "u") return 6;
  if (c === "U") return 10;
  return 2;
}
