/**
 * Wireshark display-filter syntax, parsed into a small tree that translate.ts turns into the
 * rules' expression language (CEL). Only the syntax lives here: which names are fields and what
 * type they have is the translator's business. Every node keeps its offset in the text, so an
 * error can point at its column.
 *
 * Grammar (Wireshark 4, the forms an operator types):
 *   expr   := and (("or" | "||" | "xor" | "^^") and)*
 *   and    := unary (("and" | "&&") unary)*
 *   unary  := ("not" | "!") unary | "(" expr ")" | test
 *   test   := NAME [ op value | "in" set | "not" "in" set ]
 *   op     := == != ~= < > <= >= eq ne any_eq all_ne any_ne gt lt ge le contains matches
 *   set    := "{" value [".." value] ([","] value [".." value])* "}"
 */

export type CompareOp = "==" | "!=" | "~=" | "<" | ">" | "<=" | ">=" | "contains" | "matches";

export interface Literal {
  /** The text as written (quotes removed and escapes resolved for a quoted string). */
  text: string;
  quoted: boolean;
  start: number;
  end: number;
}

export type SetItem = { kind: "value"; value: Literal } | { kind: "range"; low: Literal; high: Literal };

export type FilterNode =
  | { kind: "and" | "or" | "xor"; left: FilterNode; right: FilterNode; start: number }
  | { kind: "not"; operand: FilterNode; start: number }
  | { kind: "test"; field: string; start: number; end: number }
  | { kind: "compare"; field: string; start: number; end: number; op: CompareOp; opStart: number; value: Literal }
  | { kind: "in"; field: string; start: number; end: number; set: SetItem[]; negated: boolean };

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type TokenKind = "word" | "string" | "op" | "(" | ")" | "{" | "}" | "," | ".." | "end";
interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** For strings: the value with escapes resolved. */
  value?: string;
}

const WORD_OPS: Record<string, CompareOp> = {
  eq: "==",
  any_eq: "==",
  ne: "!=",
  all_ne: "!=",
  any_ne: "~=",
  gt: ">",
  lt: "<",
  ge: ">=",
  le: "<=",
  contains: "contains",
  matches: "matches",
};
const SYMBOL_OPS = ["===", "!==", "==", "!=", "~=", "<=", ">=", "&&", "||", "^^", "<", ">", "!", "~"];
/** Unquoted words: field names, numbers, addresses (IPv4, IPv6 with ':', CIDR with '/'), bare strings. */
const WORD_CHAR = /[A-Za-z0-9_.:\-/]/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'") {
      const { value, end } = readString(text, i, c);
      out.push({ kind: "string", text: text.slice(start, end), start, end, value });
      i = end;
      continue;
    }
    if ("(){},".includes(c)) {
      out.push({ kind: c as TokenKind, text: c, start, end: i + 1 });
      i++;
      continue;
    }
    if (text.startsWith("..", i) && !WORD_CHAR.test(text[i + 2] ?? " ") ) {
      out.push({ kind: "..", text: "..", start, end: i + 2 });
      i += 2;
      continue;
    }
    const sym = SYMBOL_OPS.find((s) => text.startsWith(s, i));
    if (sym) {
      out.push({ kind: "op", text: sym, start, end: i + sym.length });
      i += sym.length;
      continue;
    }
    if (WORD_CHAR.test(c)) {
      while (i < text.length && WORD_CHAR.test(text[i]!)) i++;
      // "1..10" inside a set: the range operator splits the word.
      const word = text.slice(start, i);
      const dots = word.indexOf("..");
      if (dots > 0) {
        out.push({ kind: "word", text: word.slice(0, dots), start, end: start + dots });
        out.push({ kind: "..", text: "..", start: start + dots, end: start + dots + 2 });
        if (dots + 2 < word.length) out.push({ kind: "word", text: word.slice(dots + 2), start: start + dots + 2, end: i });
        continue;
      }
      out.push({ kind: "word", text: word, start, end: i });
      continue;
    }
    if (c === "[") throw new FilterSyntaxError("slices (field[0:4]) are not supported; compare the whole field", i);
    if (c === "$" || c === "@" || c === "#") throw new FilterSyntaxError(`"${c}" (field references and layers) is not supported`, i);
    if ("+-*/%".includes(c)) throw new FilterSyntaxError(`arithmetic ("${c}") is not supported in a display filter; write the condition in CEL (docs/rules.md)`, i);
    throw new FilterSyntaxError(`unexpected character "${c}"`, i);
  }
  out.push({ kind: "end", text: "", start: text.length, end: text.length });
  return out;
}

function readString(text: string, at: number, quote: string): { value: string; end: number } {
  let i = at + 1;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\\") {
      const n = text[i + 1];
      if (n === undefined) break;
      if (n === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
        i += 4;
        continue;
      }
      if (/[0-7]/.test(n) && /^[0-7]{3}$/.test(text.slice(i + 1, i + 4))) {
        value += String.fromCharCode(parseInt(text.slice(i + 1, i + 4), 8));
        i += 4;
        continue;
      }
      value += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n === "0" ? "\0" : n;
      i += 2;
      continue;
    }
    value += c;
    i++;
  }
  throw new FilterSyntaxError(`the string starting here has no closing ${quote}`, at);
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
  ) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === "word" && words.includes(t.text.toLowerCase());
  }

  parse(): FilterNode {
    const node = this.or();
    const t = this.peek();
    if (t.kind !== "end") {
      if (t.kind === ")") throw new FilterSyntaxError('this ")" closes nothing', t.start);
      throw new FilterSyntaxError(`expected "and", "or" or the end after the test, not "${t.text}"`, t.start);
    }
    return node;
  }

  private or(): FilterNode {
    let left = this.and();
    for (;;) {
      const t = this.peek();
      const kind = this.isWord(t, "or") || (t.kind === "op" && t.text === "||") ? "or" : this.isWord(t, "xor") || (t.kind === "op" && t.text === "^^") ? "xor" : null;
      if (!kind) return left;
      this.next();
      left = { kind, left, right: this.and(), start: left.start };
    }
  }

  private and(): FilterNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!(this.isWord(t, "and") || (t.kind === "op" && t.text === "&&"))) return left;
      this.next();
      left = { kind: "and", left, right: this.unary(), start: left.start };
    }
  }

  private unary(): FilterNode {
    const t = this.peek();
    if (this.isWord(t, "not") || (t.kind === "op" && t.text === "!")) {
      this.next();
      return { kind: "not", operand: this.unary(), start: t.start };
    }
    if (t.kind === "(") {
      this.next();
      const inner = this.or();
      const close = this.peek();
      if (close.kind !== ")") throw new FilterSyntaxError(close.kind === "end" ? 'this "(" is never closed' : `expected ")" here, not "${close.text}"`, close.kind === "end" ? t.start : close.start);
      this.next();
      return inner;
    }
    return this.test();
  }

  private test(): FilterNode {
    const t = this.next();
    if (t.kind === "end") throw new FilterSyntaxError("expected a field name here (the filter ends too early)", t.start);
    if (t.kind !== "word" || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(t.text) || t.text.endsWith(".")) {
      throw new FilterSyntaxError(`expected a field name (such as tcp.port), not "${t.text}"`, t.start);
    }
    const field = t.text.toLowerCase();
    const after = this.peek();
    if (after.kind === "(") throw new FilterSyntaxError(`functions such as ${t.text}() are not supported in a display filter; write the condition in CEL (docs/rules.md)`, t.start);
    if (this.isWord(after, "in") || (this.isWord(after, "not") && this.isWord(this.tokens[this.pos + 1]!, "in"))) {
      const negated = this.isWord(after, "not");
      this.next();
      if (negated) this.next();
      return { kind: "in", field, start: t.start, end: t.end, set: this.set(), negated };
    }
    const op = this.op(after);
    if (!op) return { kind: "test", field, start: t.start, end: t.end };
    this.next();
    const v = this.peek();
    if (v.kind !== "word" && v.kind !== "string") {
      throw new FilterSyntaxError(`expected a value after "${after.text}"${v.kind === "end" ? " (the filter ends too early)" : `, not "${v.text}"`}`, v.start);
    }
    this.next();
    return { kind: "compare", field, start: t.start, end: t.end, op, opStart: after.start, value: literal(v) };
  }

  private op(t: Token): CompareOp | null {
    if (t.kind === "op") {
      if (t.text === "===" ) return "==";
      if (t.text === "!==") return "!=";
      if (t.text === "~") return "matches";
      if (["==", "!=", "~=", "<", ">", "<=", ">="].includes(t.text)) return t.text as CompareOp;
      return null;
    }
    if (t.kind === "word") return WORD_OPS[t.text.toLowerCase()] ?? null;
    return null;
  }

  private set(): SetItem[] {
    const open = this.next();
    if (open.kind !== "{") throw new FilterSyntaxError(`expected "{" after "in", not "${open.text}"`, open.start);
    const items: SetItem[] = [];
    for (;;) {
      const t = this.next();
      if (t.kind === "}") break;
      if (t.kind === "," && items.length > 0) continue;
      if (t.kind !== "word" && t.kind !== "string") {
        throw new FilterSyntaxError(t.kind === "end" ? 'this "{" is never closed' : `expected a value in the set, not "${t.text}"`, t.kind === "end" ? open.start : t.start);
      }
      if (this.peek().kind === "..") {
        this.next();
        const high = this.next();
        if (high.kind !== "word" && high.kind !== "string") throw new FilterSyntaxError('expected the end of the range after ".."', high.start);
        items.push({ kind: "range", low: literal(t), high: literal(high) });
      } else items.push({ kind: "value", value: literal(t) });
    }
    if (items.length === 0) throw new FilterSyntaxError("the set is empty", open.start);
    return items;
  }
}

function literal(t: Token): Literal {
  return t.kind === "string" ? { text: t.value!, quoted: true, start: t.start, end: t.end } : { text: t.text, quoted: false, start: t.start, end: t.end };
}

/** Parses a display filter; throws FilterSyntaxError with the offset of the problem. */
export function parseDisplayFilter(text: string): FilterNode {
  return new Parser(tokenize(text)).parse();
}
