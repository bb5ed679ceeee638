/**
 * A quick "no" in front of a CEL condition. Most items fail a rule on one plain test of one fact
 * (`exchange.status == "answered"`, `has(exchange.throttle_time_ms)`, an empty error list), and
 * interpreting the whole condition to learn it cost about 3 µs an item: on a busy live capture the
 * exchange rules alone took a quarter of each re-run. So the top-level conjuncts of a condition
 * (`a && b && c`) made of such simple tests (joined by && and ||, as `end.kind == "rst" ||
 * has(end.late_answer_ms)`) are also compiled to plain JavaScript; when one of them is certainly
 * false, the condition is false and CEL is not run.
 *
 * Sound by construction: a test answers "false" only when it read a present value of the literal's
 * own type and CEL would evaluate that conjunct to false without an error. CEL's `&&` is false as
 * soon as one side is false, whatever the other sides do (errors included), so the answer is the
 * condition's. In every other case (an absent fact, another type, a shape not listed here) the
 * test says nothing and CEL decides as before. Only the rule statistics can differ: an item whose
 * other conjunct read an absent fact is counted as not matched rather than as "absent".
 */

import type { ASTNode } from "@marcbachmann/cel-js";

/** True when the item certainly fails the condition. */
type Reject = (facts: Record<string, unknown>) => boolean;

type Literal = string | bigint | number | boolean;

const UNKNOWN = Symbol("unknown");

/** A field chain's value (`conn.close_how`), or UNKNOWN when a link is missing. */
function reader(path: readonly string[]): (facts: Record<string, unknown>) => unknown {
  return (facts) => {
    let cur: unknown = facts;
    for (const key of path) {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return UNKNOWN;
      const next: unknown = cur instanceof Map ? cur.get(key) : (cur as Record<string, unknown>)[key];
      if (next === undefined) return UNKNOWN;
      cur = next;
    }
    return cur;
  };
}

/** ["conn", "close_how"] for `conn.close_how`, else null. */
function chain(node: ASTNode): string[] | null {
  if (node.op === "id") return [node.args as string];
  if (node.op === ".") {
    const [left, key] = node.args as [ASTNode, string];
    const base = chain(left);
    return base ? [...base, key] : null;
  }
  return null;
}

/** A literal of a type whose comparison JavaScript does exactly as CEL: string, int, double, bool. */
function literal(node: ASTNode): { value: Literal } | null {
  if (node.op === "value") {
    const v = node.args as unknown;
    return typeof v === "string" || typeof v === "bigint" || typeof v === "number" || typeof v === "boolean" ? { value: v } : null;
  }
  if (node.op === "-_") {
    const inner = literal(node.args as unknown as ASTNode);
    if (inner && typeof inner.value === "bigint") return { value: -inner.value };
    if (inner && typeof inner.value === "number") return { value: -inner.value };
  }
  return null;
}

const COMPARISONS = new Set(["<", "<=", ">", ">=", "==", "!="]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** `x OP y` is certainly false: both of one type whose comparison JavaScript does as CEL does. */
function comparisonFails(op: string, x: unknown, y: unknown): boolean {
  const t = typeof x;
  if (t !== typeof y || (t !== "string" && t !== "bigint" && t !== "number" && t !== "boolean")) return false;
  if (op === "==") return x !== y;
  if (op === "!=") return x === y;
  // Ordering only for numbers: CEL orders strings by code point, JavaScript by UTF-16 unit.
  if (t !== "bigint" && t !== "number") return false;
  const a = x as number | bigint;
  const b = y as number | bigint;
  switch (op) {
    case "<": return !(a < b);
    case "<=": return !(a <= b);
    case ">": return !(a > b);
    case ">=": return !(a >= b);
    default: return false;
  }
}

/** `a OP b` as CEL computes it for two ints (an overflow is CEL's error: UNKNOWN) or two doubles. */
function arithmetic(op: string, a: unknown, b: unknown): unknown {
  if (typeof a === "bigint" && typeof b === "bigint") {
    const r = op === "+" ? a + b : op === "-" ? a - b : a * b;
    return r < INT64_MIN || r > INT64_MAX ? UNKNOWN : r;
  }
  if (typeof a === "number" && typeof b === "number") return op === "+" ? a + b : op === "-" ? a - b : a * b;
  return UNKNOWN;
}

type ValueOf = (facts: Record<string, unknown>) => unknown;

/**
 * A value the quick tests can compute: a literal, a field chain, size() of a list, double() of a
 * number, and + - * of those; UNKNOWN at run time where CEL might do otherwise (an absent fact,
 * a type JavaScript would mix, an int overflow).
 */
function valueOf(node: ASTNode): ValueOf | null {
  const lit = literal(node);
  if (lit) return () => lit.value;
  const path = chain(node);
  if (path) return reader(path);
  if (node.op === "+" || node.op === "-" || node.op === "*") {
    const [a, b] = (node.args as unknown as ASTNode[]).map(valueOf);
    if (!a || !b) return null;
    const op = node.op;
    return (f) => {
      const x = a(f);
      return x === UNKNOWN ? UNKNOWN : arithmetic(op, x, b(f));
    };
  }
  const call = node.op === "call" ? (node.args as [string, ASTNode[]]) : node.op === "rcall" ? (() => {
    const [name, target, args] = node.args as [string, ASTNode, ASTNode[]];
    return args.length === 0 ? ([name, [target]] as [string, ASTNode[]]) : null;
  })() : null;
  if (!call || call[1].length !== 1) return null;
  const [name, [arg]] = call;
  const inner = valueOf(arg!);
  if (!inner) return null;
  if (name === "size") {
    return (f) => {
      const v = inner(f);
      return Array.isArray(v) ? BigInt(v.length) : UNKNOWN;
    };
  }
  if (name === "double") {
    return (f) => {
      const v = inner(f);
      return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : UNKNOWN;
    };
  }
  return null;
}

/** A test for one conjunct, or null when its shape is not one of the simple ones. */
function rejectOf(node: ASTNode): Reject | null {
  const op = node.op;
  if (COMPARISONS.has(op)) {
    // value OP value: chains, literals, sizes, sums (conn.packets_c2s + conn.packets_s2c >= params.min_packets)
    const [a, b] = (node.args as unknown as ASTNode[]).map(valueOf);
    if (!a || !b) return null;
    return (f) => {
      const x = a(f);
      if (x === UNKNOWN) return false;
      const y = b(f);
      return y !== UNKNOWN && comparisonFails(op, x, y);
    };
  }
  if (op === "in") {
    // chain in [literals]
    const [a, b] = node.args as [ASTNode, ASTNode];
    const path = chain(a);
    if (!path || b.op !== "list") return null;
    const items = (b.args as unknown as ASTNode[]).map(literal);
    if (items.length === 0 || items.some((x) => x === null)) return null;
    const values = items.map((x) => x!.value);
    if (values.some((v) => typeof v !== typeof values[0])) return null;
    const read = reader(path);
    return (f) => {
      const v = read(f);
      return v !== UNKNOWN && typeof v === typeof values[0] && !values.includes(v as Literal);
    };
  }
  if (op === "call") {
    // has(chain): the field is absent on a present parent
    const [name, args] = node.args as [string, ASTNode[]];
    const path = name === "has" && args.length === 1 ? chain(args[0]!) : null;
    if (!path || path.length < 2) return null;
    const parent = reader(path.slice(0, -1));
    const key = path[path.length - 1]!;
    return (f) => {
      const p = parent(f);
      if (p === UNKNOWN || p === null || typeof p !== "object" || Array.isArray(p)) return false;
      return (p instanceof Map ? p.get(key) : (p as Record<string, unknown>)[key]) === undefined;
    };
  }
  if (op === "rcall") {
    // list.exists(x, ...) / list.exists_one(x, ...) on an empty list
    const [name, target] = node.args as [string, ASTNode, ASTNode[]];
    const path = name === "exists" || name === "exists_one" ? chain(target) : null;
    if (!path) return null;
    const read = reader(path);
    return (f) => {
      const v = read(f);
      return Array.isArray(v) && v.length === 0;
    };
  }
  if (op === "!_") {
    // !flag
    const path = chain(node.args as unknown as ASTNode);
    if (!path) return null;
    const read = reader(path);
    return (f) => read(f) === true;
  }
  const path = chain(node);
  if (path) {
    // flag
    const read = reader(path);
    return (f) => read(f) === false;
  }
  return null;
}

/**
 * A test for any node: a && b is certainly false when one side is (CEL's && is false as soon as
 * one side is, errors on the other side included); a || b when both are (false || false is false).
 */
function rejectOfTree(node: ASTNode): Reject | null {
  if (node.op === "&&") {
    const sides = (node.args as unknown as ASTNode[]).map(rejectOfTree).filter((r): r is Reject => r !== null);
    if (sides.length === 0) return null;
    return sides.length === 1 ? sides[0]! : (f) => sides.some((r) => r(f));
  }
  if (node.op === "||") {
    const sides = (node.args as unknown as ASTNode[]).map(rejectOfTree);
    if (sides.some((r) => r === null)) return null;
    return (f) => sides.every((r) => r!(f));
  }
  return rejectOf(node);
}

/** The quick tests of a condition's top-level conjuncts (none when no conjunct is simple). */
export function quickRejects(ast: ASTNode): Reject[] {
  const out: Reject[] = [];
  const visit = (node: ASTNode): void => {
    if (node.op === "&&") for (const c of node.args as unknown as ASTNode[]) visit(c);
    else {
      const r = rejectOfTree(node);
      if (r) out.push(r);
    }
  };
  visit(ast);
  return out;
}

/** A program with its quick tests in front; `quickNo` runs the tests alone, `cel` the interpreter alone. */
export type QuickProgram<P> = P & { quickNo?: (facts: Record<string, unknown>) => boolean; cel?: P };

/** `program` with the quick tests in front: false at once when one of them is certain. */
export function withQuickReject<P extends (facts: Record<string, unknown>) => unknown>(program: P, ast: ASTNode): QuickProgram<P> {
  const rejects = quickRejects(ast);
  if (rejects.length === 0) return program;
  const quickNo = (facts: Record<string, unknown>): boolean => {
    for (const r of rejects) if (r(facts)) return true;
    return false;
  };
  const quick = (facts: Record<string, unknown>): unknown => (quickNo(facts) ? false : program(facts));
  return Object.assign(quick, { quickNo, cel: program }) as unknown as QuickProgram<P>;
}
