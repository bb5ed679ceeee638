/**
 * Compiles one validated rule: expands macros, type-checks every expression (condition, output
 * and advice placeholders, exception fields, window group_by) in the rule's scope, and turns
 * exceptions into checked field programs plus typed values — never text spliced into the
 * condition. Every failure becomes a problem pointing into the file.
 */

import type { Environment } from "@marcbachmann/cel-js";
import { nestedComprehension } from "./cost.js";
import { linearProgram } from "../cel/linear-regex.js";
import { paramRefs } from "../cel/ast.js";
import { withParams } from "../cel/env.js";
import { classifyCelError, type CelErrorLike } from "../cel/errors.js";
import { originOf, type Expanded, type MacroExpander, type TextOrigin } from "./expand.js";
import { factProtocols, protocolOf, type Scope } from "../facts/schema.js";
import type { ItemLocator } from "./locate.js";
import { displayValue, type ParamEntry } from "./params.js";
import type { ProblemCode, RuleProblem } from "./problems.js";
import type { CompiledException, CompiledRule, CompiledSignal, CompiledTemplate, ParamValue, Program } from "./rule.js";
import { durationMs, type ExceptionComp, type ExceptionDecl, type ParamType, type RuleDecl } from "./schema.js";
import { parseTemplate } from "./template.js";
import { withQuickReject } from "./quick-reject.js";
import { translateDisplayFilter } from "../filter/translate.js";
import type { PathKey } from "./yaml-source.js";

export interface CompileContext {
  env(scope: Scope): Environment;
  expander: MacroExpander;
  report(p: RuleProblem): void;
  /** Macro and identifier names any expression used (for unused macro/list warnings). */
  used: Set<string>;
  /** Names of the rule files' lists (bounded ranges for the cost check). */
  lists?: ReadonlySet<string>;
  /**
   * The rule's scope is unknown (its problem is reported): `env` declares every scope's variables,
   * so the rest of the rule is still checked, and scope-specific checks are skipped.
   */
  anyScope?: boolean;
}

interface Checked {
  program: Program;
  /** The expression after macro expansion. */
  text: string;
  type: string;
  paramNames: string[];
}

class RuleCompiler {
  failed = false;
  readonly env: Environment;
  /** Output and advice may also read `window.*` in a windowed rule. */
  readonly templateEnv: Environment;
  readonly paramNames: string[];

  constructor(
    private readonly decl: RuleDecl,
    private readonly scope: Scope,
    private readonly loc: ItemLocator,
    private readonly ctx: CompileContext,
    private readonly params: ReadonlyMap<string, ParamEntry>,
  ) {
    const types: Record<string, ParamType> = {};
    // A broken parameter of unknown type is dyn: whatever reads it checks, nothing runs.
    for (const p of params.values()) types[p.name] = (p.broken?.celType ?? p.type) as ParamType;
    this.env = withParams(ctx.env(scope), types);
    this.templateEnv = decl.window ? withParams(ctx.env(scope), types, { window: true }) : this.env;
    this.paramNames = [...params.keys()];
  }

  private fail(code: ProblemCode, message: string, where: { line: number; col: number; snippet: string }, file?: string, item?: TextOrigin["item"]): void {
    this.failed = true;
    const p = this.loc.problem(code, message, where, { ruleId: this.decl.rule });
    if (file) p.file = file;
    if (item && item.kind === "macro") p.item = { kind: "macro", name: item.name };
    this.ctx.report(p);
  }

  /**
   * The condition as CEL. A condition written as a Wireshark display filter (`tcp.port == 9092`,
   * `kafka.error == 10`, `ip.addr == 10.0.0.0/8 and not tcp.flags.syn == 1`) is translated, but
   * only where that is unambiguous: the text is not valid CEL here (with the rule's params), is a
   * valid display filter of the scope, and compares no text field with an unquoted value.
   * Anything else is checked as CEL, with CEL's errors.
   */
  conditionText(): string {
    const text = this.decl.condition;
    if (this.ctx.anyScope) return text;
    if (this.scope !== "packet" && this.scope !== "connection" && this.scope !== "exchange") return text;
    try {
      if (this.env.parse(text).check().valid) return text;
    } catch {
      // not CEL: perhaps a display filter
    }
    // A text field against an unquoted value (`conn.close_how == 1`) is CEL's type error to report.
    const display = translateDisplayFilter(this.scope, text);
    return display.ok && !display.unquotedText ? display.cel : text;
  }

  /** Expands, parses and type-checks an expression found at `path` (optionally at an offset inside it). */
  check(path: readonly PathKey[], text: string, what: string, opts: { bool?: boolean; baseOffset?: number; env?: Environment } = {}): Checked | null {
    const base = this.loc.origin(path);
    if (!base) return null;
    const shift = opts.baseOffset ?? 0;
    const origin: TextOrigin = shift === 0 ? base : { ...base, locate: (o) => base.locate(o + shift) };
    const expanded = this.ctx.expander.expand(text, origin);
    if ("kind" in expanded) {
      // The macros involved are used, even if broken: no "unused" warning on top of the error.
      if (expanded.kind === "cycle") for (const n of expanded.chain) this.ctx.used.add(n);
      if (expanded.origin.item.kind === "macro") this.ctx.used.add(expanded.origin.item.name);
      const where = expanded.origin.locate(expanded.offset);
      const inMacro = expanded.origin.item.kind === "macro" ? `in macro "${expanded.origin.item.name}": ` : "";
      if (expanded.kind === "syntax") {
        this.fail("RULE_SYNTAX_ERROR", `${inMacro}syntax error in ${what}: ${expanded.message}`, where, expanded.origin.file, expanded.origin.item);
      } else {
        this.fail("RULE_BAD_VALUE", `macros use each other in a cycle: ${expanded.chain.join(" -> ")}`, where, expanded.origin.file, expanded.origin.item);
      }
      return null;
    }
    for (const n of expanded.identifiers) this.ctx.used.add(n);
    for (const n of expanded.macros) this.ctx.used.add(n);
    let parsed: ReturnType<Environment["parse"]>;
    try {
      parsed = (opts.env ?? this.env).parse(expanded.text);
    } catch (err) {
      this.celProblem(err as CelErrorLike, expanded, null, what);
      return null;
    }
    const result = parsed.check();
    if (!result.valid) {
      this.celProblem(result.error as CelErrorLike, expanded, parsed.ast, what);
      return null;
    }
    const type = result.type ?? "dyn";
    if (opts.bool && type !== "bool" && type !== "dyn") {
      this.fail("RULE_TYPE_ERROR", `${what} must be true or false (a bool), but it is ${type}`, origin.locate(0));
      return null;
    }
    const refs = paramRefs(parsed.ast).map((r) => r.name);
    for (const name of refs) {
      // Its declaration's problem is reported where it is declared: the rule is only not run.
      if (this.params.get(name)?.broken) this.failed = true;
      const bad = this.params.get(name)?.badOverride;
      if (bad) {
        this.fail("RULE_BAD_PARAM", `rule not run: parameter "${name}" has a bad --param value (${bad})`, origin.locate(0));
        return null;
      }
    }
    const nested = nestedComprehension(parsed.ast, this.ctx.lists ?? new Set());
    if (nested) {
      const at = originOf(expanded, nested.start);
      this.fail(
        "RULE_TOO_COSTLY",
        `a comprehension over a capture list inside another one costs the product of their sizes (thousands of topics make millions of steps per item): use one comprehension, "in", or a rule list (in ${what})`,
        at.origin.locate(at.offset),
        at.origin.file,
        at.origin.item,
      );
      return null;
    }
    // matches() over capture text runs in linear time (linear-regex.ts); positions are the rule's own.
    const linear = linearProgram(opts.env ?? this.env, parsed, expanded.text);
    if (!linear.ok) {
      const at = originOf(expanded, linear.offset);
      this.fail("RULE_BAD_VALUE", `regular expression not supported (RE2 syntax, matched in linear time): ${linear.problem} (in ${what})`, at.origin.locate(at.offset), at.origin.file, at.origin.item);
      return null;
    }
    const program = linear.program;
    return { program: program as unknown as Program, text: expanded.text, type, paramNames: refs };
  }

  /**
   * `dissector: kafka` (or a list): the condition holds only on items of connections whose decoded
   * protocols (conn.protocols) are all among those named, not counting a carrier another protocol
   * was decoded inside (TLS around decrypted Kafka) — a connection on which nothing was decoded (a
   * refused SYN, a reset before the first byte) counts, one that carried another protocol (a
   * plugin's) does not; for exchanges, only on the named dissectors' exchanges. The
   * condition was checked on its own, so its problems point into the file; the guard is kdiag's.
   */
  forDissectors(checked: Checked, names: string | readonly string[]): Checked | null {
    const list = typeof names === "string" ? [names] : names;
    const where = this.loc.at(["dissector"]);
    if (this.scope === "capture" || this.scope === "pair") {
      this.fail("RULE_BAD_VALUE", `dissector: the ${this.scope} scope is not about one connection; use it in the packet, connection, exchange or end scope`, where);
      return null;
    }
    const unknown = list.find((n) => !protocolOf(n));
    if (unknown !== undefined) {
      const loaded = factProtocols().map((p) => p.name);
      this.fail("RULE_BAD_VALUE", `dissector: no stream dissector named "${unknown}" is loaded (loaded: ${loaded.join(", ")}; a plugin's with --plugin)`, where);
      return null;
    }
    const names_ = `[${list.map((n) => JSON.stringify(n)).join(", ")}]`;
    const guard = this.scope === "exchange" ? `exchange.dissector in ${names_}` : `conn.protocols.all(p, p in ${names_} || (p == conn.dissector && conn.protocols.size() > 1))`;
    const text = `(${guard}) && (${checked.text})`;
    const parsed = this.env.parse(text);
    const linear = linearProgram(this.env, parsed, text);
    if (!linear.ok) return checked;
    return { ...checked, text, program: linear.program as unknown as Program };
  }

  /** A checked condition with its quick "no" in front (quick-reject.ts): same answers, less CEL. */
  quick(checked: Checked): Checked {
    return { ...checked, program: withQuickReject(checked.program, this.env.parse(checked.text).ast) };
  }

  private celProblem(err: CelErrorLike, expanded: Expanded, ast: Parameters<typeof classifyCelError>[1]["ast"], what: string): void {
    const c = classifyCelError(err, { scope: this.ctx.anyScope ? null : this.scope, ast, paramNames: this.paramNames });
    const at = originOf(expanded, c.offset);
    const inMacro = at.origin.item.kind === "macro" ? `in macro "${at.origin.item.name}": ` : "";
    this.fail(c.code, `${inMacro}${c.message} (in ${what})`, at.origin.locate(at.offset), at.origin.file, at.origin.item);
  }

  template(path: readonly PathKey[], text: string, what: string): CompiledTemplate | null {
    const t = parseTemplate(text);
    if (!t.ok) {
      const origin = this.loc.origin(path);
      this.fail("RULE_SYNTAX_ERROR", `${t.message} (in ${what})`, origin ? origin.locate(t.offset) : this.loc.at(path));
      return null;
    }
    const parts: CompiledTemplate["parts"] = [];
    for (const p of t.parts) {
      if ("text" in p) {
        parts.push(p);
        continue;
      }
      const c = this.check(path, p.expr, `${what} placeholder {${p.expr}}`, { baseOffset: p.offset, env: this.templateEnv });
      if (c) parts.push({ expr: p.expr, program: c.program });
    }
    return parts.length === t.parts.length ? { parts } : null;
  }

  exception(ex: ExceptionDecl, i: number): CompiledException | null {
    const base: PathKey[] = ["exceptions", i];
    const fieldTexts = typeof ex.fields === "string" ? [ex.fields] : ex.fields;
    const single = typeof ex.fields === "string";
    if (fieldTexts.length === 0) {
      this.fail("RULE_BAD_VALUE", `exception "${ex.name}": fields is empty`, this.loc.at([...base, "fields"]));
      return null;
    }
    const comps: ExceptionComp[] =
      ex.comps === undefined ? fieldTexts.map(() => "=") : typeof ex.comps === "string" ? fieldTexts.map(() => ex.comps as ExceptionComp) : ex.comps;
    if (comps.length !== fieldTexts.length) {
      this.fail("RULE_BAD_VALUE", `exception "${ex.name}": ${comps.length} comps for ${fieldTexts.length} fields`, this.loc.at([...base, "comps"]));
      return null;
    }
    const fields: Checked[] = [];
    fieldTexts.forEach((f, j) => {
      const c = this.check(single ? [...base, "fields"] : [...base, "fields", j], f, `exception "${ex.name}" field`);
      if (c) fields.push(c);
    });
    if (fields.length !== fieldTexts.length) return null;
    const values: unknown[][] = [];
    let ok = true;
    ex.values.forEach((raw, k) => {
      const tuple = single ? [raw] : raw;
      const at = this.loc.at([...base, "values", k]);
      if (!Array.isArray(tuple) || tuple.length !== fieldTexts.length) {
        this.fail("RULE_BAD_VALUE", `exception "${ex.name}": each value must be a list of ${fieldTexts.length} (one per field)`, at);
        ok = false;
        return;
      }
      const row: unknown[] = [];
      tuple.forEach((v, j) => {
        const conv = exceptionValue(v, fields[j]!.type, comps[j]!);
        if (typeof conv === "object" && conv !== null && "error" in conv) {
          const where = single ? at : this.loc.at([...base, "values", k, j]);
          this.fail("RULE_TYPE_ERROR", `exception "${ex.name}": ${conv.error} for field ${fieldTexts[j]} (${fields[j]!.type}) with "${comps[j]}"`, where);
          ok = false;
        } else row.push(conv);
      });
      values.push(row);
    });
    return ok ? { name: ex.name, fields: fields.map((f) => f.program), comps, values } : null;
  }
}

/** Converts an exception value to the field's CEL type for `comp`, or says why it cannot. */
function exceptionValue(v: unknown, type: string, comp: ExceptionComp): unknown {
  if (comp === "in") {
    if (!Array.isArray(v)) return { error: `"in" needs a list of values` };
    const out: unknown[] = [];
    for (const x of v) {
      const c = scalarValue(x, type);
      if (typeof c === "object" && c !== null) return c;
      out.push(c);
    }
    return out;
  }
  if (comp === "contains" && type.startsWith("list<")) return scalarValue(v, type.slice(5, -1));
  if ((comp === "contains" || comp === "startswith" || comp === "endswith") && type !== "string") {
    return { error: `"${comp}" works on strings and lists` };
  }
  if (type.startsWith("list<") || type.startsWith("map<")) return { error: `a ${type} can only be matched with "contains"` };
  if (type === "bool" && comp !== "=" && comp !== "!=") return { error: `a bool can only be compared with = or !=` };
  return scalarValue(v, type);
}

function scalarValue(v: unknown, type: string): unknown {
  switch (type) {
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : { error: `value ${JSON.stringify(v)} is not an int` };
    case "double":
      return typeof v === "number" ? v : { error: `value ${JSON.stringify(v)} is not a number` };
    case "string":
      return typeof v === "string" ? v : { error: `value ${JSON.stringify(v)} is not a string` };
    case "bool":
      return typeof v === "boolean" ? v : { error: `value ${JSON.stringify(v)} is not true or false` };
    default:
      return v === null || typeof v === "object" ? { error: `value ${JSON.stringify(v)} is not a single value` } : v;
  }
}

export function compileRule(
  decl: RuleDecl,
  scope: Scope,
  loc: ItemLocator,
  ctx: CompileContext,
  params: ReadonlyMap<string, ParamEntry>,
): CompiledRule | null {
  const rc = new RuleCompiler(decl, scope, loc, ctx, params);
  const checked = rc.check(["condition"], rc.conditionText(), "condition", { bool: true });
  const guarded = checked && decl.dissector !== undefined ? rc.forDissectors(checked, decl.dissector) : checked;
  const condition = guarded && rc.quick(guarded);
  const output = rc.template(["output"], decl.output, "output");
  const advice = decl.advice !== undefined ? rc.template(["advice"], decl.advice, "advice") : null;
  const exceptions = (decl.exceptions ?? []).map((ex, i) => rc.exception(ex, i));
  const at = decl.at !== undefined ? rc.check(["at"], decl.at, "at") : null;
  const groupBy = decl.window?.group_by !== undefined ? rc.check(["window", "group_by"], decl.window.group_by, "window group_by") : null;
  const signals: CompiledSignal[] = [];
  (decl.signals ?? []).forEach((sig, i) => {
    const when = rc.check(["signals", i, "when"], sig.when, `signal "${sig.signal}" when`, { bool: true });
    const says = sig.says !== undefined ? rc.template(["signals", i, "says"], sig.says, `signal "${sig.signal}" says`) : null;
    if (when && (sig.says === undefined || says)) signals.push({ name: sig.signal, weight: sig.weight, when: rc.quick(when).program, says });
  });
  if (ctx.anyScope) return null;
  if (decl.window && scope === "capture") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_BAD_VALUE", "window counts items over time, but the capture scope has a single item: use the packet, connection, exchange or pair scope", loc.at(["window"], { key: true })));
  }
  if (decl.window && scope === "group") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_BAD_VALUE", "window counts items over time, but a group already gathers its items over the whole capture: use group.reconnects_per_minute or group.connects_per_minute, or the connection or exchange scope", loc.at(["window"], { key: true })));
  }
  if (decl.window && scope === "end") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_BAD_VALUE", "causes (scope end) compete for each connection's end, one finding each: a window does not apply", loc.at(["window"], { key: true })));
  }
  if ((decl.signals !== undefined || decl.prior !== undefined) && scope !== "end") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_BAD_VALUE", 'signals and prior weigh competing causes: they belong to rules of scope "end"', loc.at([decl.signals !== undefined ? "signals" : "prior"], { key: true })));
  }
  if (decl.at !== undefined && scope !== "connection" && scope !== "exchange") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_BAD_VALUE", 'at names the packet of a connection\'s or exchange\'s event: it belongs to rules of scope "connection" or "exchange"', loc.at(["at"], { key: true })));
  }
  if (at && at.type !== "int" && at.type !== "dyn") {
    rc.failed = true;
    ctx.report(loc.problem("RULE_TYPE_ERROR", `at must be a packet number (an int, such as conn.zero_window_stall_frame), but it is ${at.type}`, loc.at(["at"])));
  }
  if (rc.failed || !condition || !output) return null;

  const paramValues: Record<string, ParamValue> = {};
  const display: Record<string, number | string | boolean> = {};
  for (const p of params.values()) {
    paramValues[p.name] = p.value;
    display[p.name] = displayValue(p.value);
  }
  return {
    id: decl.rule,
    title: decl.title,
    desc: decl.desc,
    severity: decl.severity,
    scope,
    tags: decl.tags ?? [],
    enabled: decl.enabled ?? true,
    file: loc.src.file,
    line: loc.at([]).line,
    condition: condition.text,
    params: display,
    window: decl.window ? { count: decl.window.count, withinMs: durationMs(decl.window.within), groupBy: decl.window.group_by ?? null } : null,
    prior: decl.prior ?? 0,
    signals,
    program: {
      paramValues,
      condition: condition.program,
      exceptions: exceptions.filter((e): e is CompiledException => e !== null),
      output,
      advice,
      groupBy: groupBy?.program ?? null,
      at: at?.program ?? null,
    },
  };
}

/**
 * Checks a macro no rule uses, in an environment of every scope's variables (`ctx.env` gives it):
 * an unused macro is otherwise never type-checked, and its mistakes would wait for the day a rule
 * uses it. Reports like a rule's condition, naming the macro.
 */
export function checkUnusedMacro(name: string, text: string, loc: ItemLocator, ctx: CompileContext, params: ReadonlyMap<string, ParamEntry>): void {
  const decl = { rule: "", title: "", desc: "", severity: "info", scope: "", condition: text, output: "?" } as RuleDecl;
  const rc = new RuleCompiler(decl, "capture", loc, { ...ctx, anyScope: true }, params);
  // Not required to be a bool: a macro may stand for any expression (a group_by key...).
  rc.check(["condition"], text, "condition");
}
