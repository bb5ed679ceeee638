/**
 * A Wireshark display filter translated to the rules' expression language (CEL), so one
 * evaluator serves rules, the TUI filter bar and `-Y`. The translation keeps Wireshark's
 * meaning where CEL's differs:
 *   - a name that is absent makes its test false, also under `not` (`!ip.src == 1.2.3.4` is true
 *     for an ARP packet), so every read is guarded by has();
 *   - a name with several values (`ip.addr`, `tcp.port`, a Kafka list such as `kafka.error`)
 *     matches when any value does; `!=` needs the name present and every value different, `~=`
 *     one value different (Wireshark 4's all_ne and any_ne);
 *   - booleans compare with 1 and 0, addresses with addresses or networks (10.0.0.0/8),
 *     `matches` ignores case (Wireshark's default), `contains` does not.
 * One deliberate difference: a bare boolean field (`tcp.flags.reset`) is true when the flag is
 * set; Wireshark's is true whenever the field is present, i.e. on every TCP packet.
 */

import { closest } from "../cel/errors.js";
import { parseNetwork } from "../cel/ip-functions.js";
import { filterFields, type FieldKind, type FilterField, type FilterScope } from "./fields.js";
import { FilterSyntaxError, parseDisplayFilter, type CompareOp, type FilterNode, type Literal, type SetItem } from "./parse.js";

export type Translation =
  | {
      ok: true;
      cel: string;
      notes: string[];
      /** A text field was compared with an unquoted value (`conn.close_how == 1`): fine in a filter, a likely mistake in a rule. */
      unquotedText: boolean;
    }
  | { ok: false; offset: number; message: string };

const SCOPE_WORDS: Record<FilterScope, string> = { packet: "packets", connection: "connections", exchange: "Kafka exchanges" };

export function translateDisplayFilter(scope: FilterScope, text: string): Translation {
  const notes: string[] = [];
  try {
    const tree = parseDisplayFilter(text);
    const t = new Translator(scope, notes);
    const cel = t.node(tree);
    return { ok: true, cel, notes, unquotedText: t.unquotedText };
  } catch (err) {
    if (err instanceof FilterSyntaxError) return { ok: false, offset: err.offset, message: err.message };
    throw err;
  }
}

class Translator {
  private readonly fields: Map<string, FilterField>;
  unquotedText = false;

  constructor(
    private readonly scope: FilterScope,
    private readonly notes: string[],
  ) {
    this.fields = filterFields(scope);
  }

  node(n: FilterNode): string {
    switch (n.kind) {
      case "and":
        return `(${this.node(n.left)} && ${this.node(n.right)})`;
      case "or":
        return `(${this.node(n.left)} || ${this.node(n.right)})`;
      case "xor":
        return `(${this.node(n.left)} != ${this.node(n.right)})`;
      case "not":
        return `!${this.node(n.operand)}`;
      case "test":
        return this.test(this.field(n.field, n.start));
      case "compare":
        return this.compare(this.field(n.field, n.start), n.op, n.value, n.opStart);
      case "in": {
        const f = this.field(n.field, n.start);
        const inSet = this.any(f, (x, k) => `(${n.set.map((item) => this.setItem(f, k, x, item)).join(" || ")})`);
        return n.negated ? `!${inSet}` : inSet;
      }
    }
  }

  private field(name: string, at: number): FilterField {
    const f = this.fields.get(name);
    if (f) return f;
    const elsewhere = (["packet", "connection", "exchange"] as const).filter((s) => s !== this.scope && filterFields(s).has(name));
    if (elsewhere.length > 0) {
      throw new FilterSyntaxError(`"${name}" is a field of ${elsewhere.map((s) => SCOPE_WORDS[s]).join(" and ")}; this filters ${SCOPE_WORDS[this.scope]}`, at);
    }
    const hint = closest(name, [...this.fields.keys()]);
    throw new FilterSyntaxError(`unknown field "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; kdiag fields lists them`, at);
  }

  /** A bare name: the protocol is in the packet, the flag is set, or the field is present. */
  private test(f: FilterField): string {
    if (f.kind === "protocol") return f.name === "frame" ? "true" : `(":" + frame.protocols + ":").contains(":${f.name}:")`;
    if (f.kind === "bool") {
      if (f.name.startsWith("tcp.flags.")) this.notes.push(`${f.name} alone is true when the flag is set (in Wireshark: on every TCP packet; there write ${f.name} == 1)`);
      return this.any(f, (x) => `${x} == true`);
    }
    return this.present(f);
  }

  private compare(f: FilterField, op: CompareOp, v: Literal, opAt: number): string {
    const element = elementKind(f.kind);
    if (f.kind === "protocol") throw new FilterSyntaxError(`${f.name} is a protocol: test it alone (${f.name}) or compare one of its fields (${f.name}.…)`, opAt);
    if (f.kind === "map") throw new FilterSyntaxError(`${f.name} is a table (client -> count): it cannot be compared in a display filter; use CEL (docs/rules.md)`, opAt);
    if (op === "contains" || op === "matches") {
      if (element !== "string" && element !== "ip") throw new FilterSyntaxError(`"${op}" works on text; ${f.name} is ${describe(element)}`, opAt);
      const arg = op === "matches" ? JSON.stringify(`(?i)${v.text}`) : JSON.stringify(v.text);
      return this.any(f, (x) => `${x}.${op}(${arg})`);
    }
    if (element === "bool" && !["==", "!=", "~="].includes(op)) throw new FilterSyntaxError(`${f.name} is a flag (1 or 0): compare it with == or !=`, opAt);
    if (op === "!=") return `(${this.present(f)} && !${this.any(f, (x) => this.cmp(f, element, x, "==", v))})`;
    if (op === "~=") return this.any(f, (x) => this.cmp(f, element, x, "!=", v));
    return this.any(f, (x) => this.cmp(f, element, x, op, v));
  }

  private setItem(f: FilterField, element: FieldKind, x: string, item: SetItem): string {
    if (item.kind === "value") return this.cmp(f, element, x, "==", item.value);
    if (element === "bool" || element === "string") throw new FilterSyntaxError(`a range needs numbers or addresses; ${f.name} is ${describe(element)}`, item.low.start);
    return `(${this.cmp(f, element, x, ">=", item.low)} && ${this.cmp(f, element, x, "<=", item.high)})`;
  }

  /** One value `x` of the field against a literal. */
  private cmp(f: FilterField, element: FieldKind, x: string, op: "==" | "!=" | "<" | ">" | "<=" | ">=", v: Literal): string {
    switch (element) {
      case "ip": {
        const net = parseNetwork(v.text);
        if (!net) throw new FilterSyntaxError(`${f.name} is an address: "${v.text}" is not an IPv4 or IPv6 address or network (10.0.0.0/8)`, v.start);
        const lit = JSON.stringify(v.text);
        if (op === "==" || op === "!=") return `${op === "!=" ? "!" : ""}ipMatch(${x}, ${lit})`;
        if (v.text.includes("/")) throw new FilterSyntaxError(`a network (${v.text}) can only be compared with == or !=`, v.start);
        return `ipCompare(${x}, ${lit}) ${op} 0`;
      }
      case "int":
        return `${x} ${op} ${intLiteral(f, v)}`;
      case "double":
        return `${x} ${op} ${doubleLiteral(f, v)}`;
      case "bool":
        return `${x} ${op} ${boolLiteral(f, v)}`;
      default:
        if (!v.quoted) this.unquotedText = true;
        return `${x} ${op} ${JSON.stringify(v.text)}`;
    }
  }

  /** True when `test` holds for any value of the field (each path; each element of a list). */
  private any(f: FilterField, test: (x: string, element: FieldKind) => string): string {
    const element = elementKind(f.kind);
    const each = f.paths.map((p) => (isList(f.kind) ? `${p}.exists(kdiag_each, ${test("kdiag_each", element)})` : `(${has(p)} && ${test(p, element)})`));
    const body = each.length === 1 ? each[0]! : `(${each.join(" || ")})`;
    return f.guard ? `(${guarded(f.guard)} && ${body})` : body;
  }

  /** The field has a value in the item. */
  private present(f: FilterField): string {
    const each = f.paths.map((p) => (isList(f.kind) ? `size(${p}) > 0` : has(p)));
    const body = each.length === 1 ? each[0]! : `(${each.join(" || ")})`;
    return f.guard ? `(${guarded(f.guard)} && ${body})` : body;
  }
}

/** has() of every step of a dotted path below the variable: has(a.b) && has(a.b.c). */
function has(path: string): string {
  const parts = path.split(".");
  const out: string[] = [];
  for (let i = 2; i <= parts.length; i++) out.push(`has(${parts.slice(0, i).join(".")})`);
  return out.join(" && ");
}

/** A guard such as `ip.version == 4`, with its own read guarded. */
function guarded(guard: string): string {
  const [path] = guard.split(" ");
  return `(${has(path!)} && ${guard})`;
}

function isList(kind: FieldKind): boolean {
  return kind === "list<int>" || kind === "list<string>";
}

function elementKind(kind: FieldKind): FieldKind {
  return kind === "list<int>" ? "int" : kind === "list<string>" ? "string" : kind;
}

const KIND_WORDS: Record<FieldKind, string> = {
  int: "a number",
  double: "a number",
  bool: "a flag (1 or 0)",
  string: "text",
  ip: "an address",
  "list<int>": "a list of numbers",
  "list<string>": "a list of text",
  protocol: "a protocol",
  map: "a table",
};

function describe(kind: FieldKind): string {
  return KIND_WORDS[kind];
}

function intLiteral(f: FilterField, v: Literal): string {
  const t = v.text.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t).toString();
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t).toString();
  if (/^(true|false)$/i.test(t)) return /^true$/i.test(t) ? "1" : "0";
  throw new FilterSyntaxError(`${f.name} is a number: "${v.text}" is not one`, v.start);
}

function doubleLiteral(f: FilterField, v: Literal): string {
  const t = v.text.trim();
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(t)) throw new FilterSyntaxError(`${f.name} is a number: "${v.text}" is not one`, v.start);
  const n = Number(t);
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}

function boolLiteral(f: FilterField, v: Literal): string {
  const t = v.text.trim().toLowerCase();
  if (t === "1" || t === "true") return "true";
  if (t === "0" || t === "false") return "false";
  throw new FilterSyntaxError(`${f.name} is a flag: compare it with 1 or 0, not "${v.text}"`, v.start);
}
