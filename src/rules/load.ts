/**
 * Loading rule files, in stages (Falco's rule loader): read (YAML with positions) -> collect items
 * by kind (shape checked by zod, names checked for duplicates) -> parameters and --param
 * overrides -> compile (lists -> macros -> rules) -> warnings (unused macros and lists).
 *
 * Every problem is returned, never thrown, and all of a file's problems come out of one run: a
 * stage goes on past a problem wherever the rest is still checkable (a misspelt key or scope, a
 * duplicate id, a bad parameter default do not hide the condition's errors; unused macros are
 * type-checked too). A file with an error contributes no rules (the other files still load); its
 * lists, macros and parameters that are themselves valid stay available, so one broken rule does
 * not cascade into errors in other files.
 */

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Environment } from "@marcbachmann/cel-js";
import { isMap, isSeq, visit, type Document, type Node, type YAMLMap } from "yaml";
import type { $ZodIssue } from "zod/v4/core";
import { createAnyScopeEnvironment, createScopeEnvironment, RESERVED_NAMES, type ListConstant } from "../cel/env.js";
import { closest } from "../cel/errors.js";
import { checkUnusedMacro, compileRule } from "./compile.js";
import { MacroExpander, type MacroDef } from "./expand.js";
import { SCOPES, type Scope } from "../facts/schema.js";
import { ItemLocator } from "./locate.js";
import { defaultValue, paramType, parseParamText, splitOverride, type ParamEntry } from "./params.js";
import type { ProblemCode, RuleProblem } from "./problems.js";
import { salvage, type Salvaged } from "./salvage.js";
import type { CompiledRule } from "./rule.js";
import { ITEM_KINDS, ITEM_SCHEMAS, keysOf, type ItemKindKey, type ListDecl, type MacroDecl, type ParamDecl, type ParamType, type RuleDecl, type TestDecl } from "./schema.js";
import { lineText, parseYamlSource, positionAt, type PathKey } from "./yaml-source.js";

/** The built-in rule files (`rules/` at the package root, from src/ or dist/src/). */
export const BUILTIN_RULES_DIR = findRulesDir(dirname(fileURLToPath(import.meta.url)));

/** The package root is the nearest directory up with a package.json (src/rules or dist/src/rules). */
function findRulesDir(from: string): string {
  let dir = from;
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "rules");
    dir = dirname(dir);
  }
  return resolve(from, "../../rules");
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface LoadOptions {
  /** `--param` overrides: "name" or "rule-id.name" -> value text. */
  params?: Record<string, string>;
}

export interface LoadResult {
  rules: CompiledRule[];
  problems: RuleProblem[];
  /** The tests the files declare (`- test:` items), for `kdiag rules test`. */
  tests: RuleTest[];
}

/** A `- test:` item, its capture (and key log) paths resolved against its rule file's folder. */
export interface RuleTest {
  decl: TestDecl;
  file: string;
  line: number;
  capture: string;
  tlsKeylog?: string;
}

export interface RuleSource {
  file: string;
  text: string;
}

/** Reads rule files and directories (every *.yaml / *.yml inside, sorted) and loads them. */
export function loadRuleFiles(paths: readonly string[], opts: LoadOptions = {}): LoadResult {
  const sources: RuleSource[] = [];
  const problems: RuleProblem[] = [];
  // A file named twice (the built-in folder and one of its files, as `kdiag rules test
  // rules/x.yaml` does) is loaded once: its rules would otherwise collide with themselves.
  const seen = new Set<string>();
  for (const path of paths) {
    for (const file of expandPath(path)) {
      if (seen.has(resolve(file))) continue;
      seen.add(resolve(file));
      try {
        sources.push({ file, text: readFileSync(file, "utf8") });
      } catch (err) {
        problems.push({ code: "RULE_READ_ERROR", severity: "error", message: `cannot read rule file: ${(err as Error).message}`, file, line: 0, col: 0, item: { kind: "file" } });
      }
    }
  }
  const loaded = loadRuleSources(sources, opts);
  return { rules: loaded.rules, problems: [...problems, ...loaded.problems], tests: loaded.tests };
}

function expandPath(path: string): string[] {
  if (!isDir(path)) return [path];
  return readdirSync(path)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(path, f));
}

interface Item<T> {
  decl: T;
  loc: ItemLocator;
  fileIndex: number;
}

interface RuleItem extends Item<RuleDecl> {
  /** null: unknown or missing scope (reported); the rule is then checked in every scope at once. */
  scope: Scope | null;
  /** Checked for problems only, never run: a duplicate id, or an item salvaged from shape errors. */
  checkOnly: boolean;
  /** Its rule-level parameters (declaration problems reported, then declared as broken). */
  params: Map<string, ParamEntry>;
  /** Rule parameters whose shape was wrong (salvage.ts). */
  brokenParams: ReadonlyMap<string, ParamType | "dyn">;
}

/** Loads rule files given as text (what loadRuleFiles does after reading; tests use it directly). */
export function loadRuleSources(sources: readonly RuleSource[], opts: LoadOptions = {}): LoadResult {
  return new Loader(sources).load(opts);
}

/**
 * The stages of loading, each reporting every problem it finds and handing the next stage what
 * is still checkable: read (YAML) -> collect items (shape, names; shape errors salvaged, see
 * salvage.ts) -> parameters and --param overrides -> compile (lists -> macros -> rules, unknown
 * scopes against every scope's facts) -> unused macros (type-checked too) and lists.
 */
class Loader {
  private readonly problems: RuleProblem[] = [];
  private readonly failedFiles = new Set<number>();
  private readonly rules: RuleItem[] = [];
  private readonly macros = new Map<string, Item<MacroDecl>>();
  private readonly lists = new Map<string, Item<ListDecl>>();
  private readonly shared = new Map<string, { entry: ParamEntry; loc: ItemLocator }>();
  private readonly ruleIds = new Map<string, ItemLocator>();
  private readonly tests: RuleTest[] = [];
  /** Order of the files, for sorting problems. */
  private readonly fileOrder = new Map<string, number>();

  constructor(private readonly sources: readonly RuleSource[]) {
    sources.forEach((s, i) => this.fileOrder.set(s.file, i));
  }

  load(opts: LoadOptions): LoadResult {
    this.sources.forEach((source, fileIndex) => this.read(source, fileIndex));
    this.ruleParams();
    this.overrides(opts.params ?? {});
    const compiled = this.compile();
    return {
      rules: compiled.filter((c) => !this.failedFiles.has(c.fileIndex)).map((c) => c.rule),
      problems: this.sorted(),
      tests: this.tests,
    };
  }

  private report(fileIndex: number): (p: RuleProblem) => void {
    return (p) => {
      this.problems.push(p);
      if (p.severity === "error") this.failedFiles.add(fileIndex);
    };
  }

  /** Problems in file order, then by position (as a compiler lists them); --param ones last. */
  private sorted(): RuleProblem[] {
    const order = (p: RuleProblem): number => (p.line > 0 ? (this.fileOrder.get(p.file) ?? this.fileOrder.size) : this.fileOrder.size + 1);
    return this.problems
      .map((p, i) => ({ p, i }))
      .sort((a, b) => order(a.p) - order(b.p) || a.p.line - b.p.line || a.p.col - b.p.col || a.i - b.i)
      .map((x) => x.p);
  }

  // Stage 1: read one file and collect its items.
  private read(source: RuleSource, fileIndex: number): void {
    const src = parseYamlSource(source.file, source.text);
    const add = this.report(fileIndex);
    if (src.doc.errors.length > 0) {
      // Past a YAML error the structure is a guess: report every YAML error, check nothing else.
      for (const e of src.doc.errors) {
        const p = positionAt(src, e.pos[0]);
        add({ code: "RULE_YAML_SYNTAX", severity: "error", message: `YAML: ${e.message.split("\n")[0]}`, file: src.file, line: p.line, col: p.col, item: { kind: "file" }, snippet: lineText(src, p.line) });
      }
      return;
    }
    const top = src.doc.contents;
    if (top === null || top === undefined) return;
    if (!isSeq(top)) {
      const p = positionAt(src, top.range?.[0] ?? 0);
      add({ code: "RULE_BAD_VALUE", severity: "error", message: "a rule file is a list of items (- rule: ..., - macro: ..., - list: ..., - params: ...)", file: src.file, line: p.line, col: p.col, item: { kind: "file" }, snippet: lineText(src, p.line) });
      return;
    }
    // Aliases can be unresolved or explode (billion laughs): yaml throws, the loader reports.
    let all: unknown[];
    try {
      all = src.doc.toJS({ maxAliasCount: 100 }) as unknown[];
    } catch (err) {
      const alias = firstAlias(src.doc);
      const p = positionAt(src, alias?.range?.[0] ?? 0);
      add({ code: "RULE_YAML_SYNTAX", severity: "error", message: `YAML: ${(err as Error).message.split("\n")[0]}`, file: src.file, line: p.line, col: p.col, item: { kind: "file" }, snippet: lineText(src, p.line) });
      return;
    }
    top.items.forEach((node, index) => {
      const probe = new ItemLocator(src, index, "file", undefined);
      if (!isMap(node)) {
        add(probe.problem("RULE_BAD_VALUE", "each item is a map starting with rule:, macro:, list:, params: or test:", probe.at([])));
        return;
      }
      const kind = ITEM_KINDS.find((k) => (node as YAMLMap).has(k));
      if (!kind) {
        add(probe.problem("RULE_MISSING_KEY", "item has none of rule, macro, list, params, test: say what it is", probe.at([])));
        return;
      }
      const raw = all[index] as Record<string, unknown>;
      const name = kind === "params" ? undefined : typeof raw[kind] === "string" ? (raw[kind] as string) : undefined;
      const loc = new ItemLocator(src, index, kind, name);
      const parsed = ITEM_SCHEMAS[kind].safeParse(raw);
      if (parsed.success) {
        this.collect(kind, parsed.data, loc, fileIndex, add, null);
        return;
      }
      for (const issue of parsed.error.issues) add(issueProblem(issue, raw, kind, loc));
      // What is still checkable is checked, and names it defines still exist (no echoes).
      const rest = salvage(kind, raw, parsed.error.issues);
      if (rest) this.collect(kind, rest.data, loc, fileIndex, add, rest);
    });
  }

  private collect(kind: ItemKindKey, data: unknown, loc: ItemLocator, fileIndex: number, add: (p: RuleProblem) => void, salvaged: Salvaged | null): void {
    const firstAt = (l: ItemLocator): string => `${l.src.file}:${l.at([]).line}`;
    if (kind === "rule") {
      const decl = data as RuleDecl;
      let checkOnly = salvaged !== null;
      const first = this.ruleIds.get(decl.rule);
      if (first) {
        add(loc.problem("RULE_DUPLICATE_ID", `rule "${decl.rule}" is already defined at ${firstAt(first)}`, loc.at(["rule"])));
        checkOnly = true; // its other problems are still worth knowing
      } else if (!salvaged?.standIns.has("rule")) this.ruleIds.set(decl.rule, loc);
      let scope: Scope | null = null;
      if ((SCOPES as readonly string[]).includes(decl.scope)) scope = decl.scope as Scope;
      else if (!salvaged?.standIns.has("scope")) {
        const hint = closest(decl.scope, SCOPES);
        add(loc.problem("RULE_UNKNOWN_SCOPE", `unknown scope "${decl.scope}": one of ${SCOPES.join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`, loc.at(["scope"])));
      }
      this.rules.push({ decl, loc, fileIndex, scope, checkOnly, params: new Map(), brokenParams: salvaged?.brokenParams ?? new Map() });
    } else if (kind === "test") {
      const decl = data as TestDecl;
      const here = dirname(loc.src.file);
      this.tests.push({
        decl,
        file: loc.src.file,
        line: loc.at([]).line,
        capture: resolve(here, decl.capture),
        ...(decl.tls_keylog !== undefined ? { tlsKeylog: resolve(here, decl.tls_keylog) } : {}),
      });
    } else if (kind === "macro" || kind === "list") {
      const decl = data as MacroDecl & ListDecl;
      const name = kind === "macro" ? decl.macro : decl.list;
      if (RESERVED_NAMES.has(name)) {
        add(loc.problem("RULE_BAD_VALUE", `"${name}" is a reserved name (a fact group or CEL word): choose another ${kind} name`, loc.at([kind])));
        return;
      }
      const first = this.macros.get(name) ?? this.lists.get(name);
      if (first) {
        add(loc.problem("RULE_DUPLICATE_ID", `"${name}" is already defined as a ${first.loc.kind} at ${firstAt(first.loc)}`, loc.at([kind])));
        return;
      }
      if (kind === "list") {
        const kinds = new Set(decl.items.map((v) => (typeof v === "string" ? "string" : Number.isInteger(v) ? "int" : "double")));
        if (kinds.has("string") && kinds.size > 1) {
          add(loc.problem("RULE_BAD_VALUE", `list "${name}" mixes strings and numbers`, loc.at(["items"])));
          return;
        }
        this.lists.set(name, { decl, loc, fileIndex });
      } else this.macros.set(name, { decl, loc, fileIndex });
    } else {
      const decls = (data as { params: Record<string, ParamDecl> }).params;
      for (const [pname, pdecl] of Object.entries(decls)) {
        const entry = paramEntry(pname, pdecl, loc, ["params", pname], add, salvaged?.brokenParams.get(pname));
        const first = this.shared.get(pname);
        if (first) {
          add(loc.problem("RULE_DUPLICATE_ID", `parameter "${pname}" is already declared at ${firstAt(first.loc)}`, loc.at(["params", pname], { key: true })));
          continue;
        }
        this.shared.set(pname, { entry, loc });
      }
    }
  }

  // Stage 2: rule-local parameters (once every shared one is known), then --param overrides.
  private ruleParams(): void {
    for (const r of this.rules) {
      const add = this.report(r.fileIndex);
      for (const [name, p] of Object.entries(r.decl.params ?? {})) {
        const firstShared = this.shared.get(name);
        if (firstShared) {
          add(r.loc.problem("RULE_BAD_PARAM", `parameter "${name}" is already declared for all rules at ${firstShared.loc.src.file}:${firstShared.loc.at([]).line}`, r.loc.at(["params", name], { key: true })));
          continue;
        }
        r.params.set(name, paramEntry(name, p, r.loc, ["params", name], add, r.brokenParams.get(name)));
      }
    }
  }

  private overrides(values: Record<string, string>): void {
    const firstOf = (id: string): RuleItem | undefined => this.rules.find((r) => r.decl.rule === id);
    for (const [key, text] of Object.entries(values)) {
      const { rule, name } = splitOverride(key);
      const targets: ParamEntry[] = [];
      if (rule === null) {
        const s = this.shared.get(name);
        if (s) targets.push(s.entry);
        for (const r of this.rules) {
          const p = r.params.get(name);
          if (p && !targets.includes(p)) targets.push(p);
        }
      } else {
        const r = firstOf(rule);
        const p = r ? (r.params.get(name) ?? this.shared.get(name)?.entry) : undefined;
        if (p) targets.push(p);
      }
      const where = `--param ${key}=${text}`;
      if (targets.length === 0) {
        const known = [...this.shared.keys(), ...this.rules.flatMap((r) => [...r.params.keys()])];
        const hint = closest(name, known);
        const what = rule !== null && !firstOf(rule) ? `no rule "${rule}"` : `no parameter "${name}"${rule !== null ? ` in rule "${rule}"` : ""}`;
        this.problems.push({ code: "RULE_BAD_PARAM", severity: "error", message: `${what}${hint ? ` (did you mean "${hint}"?)` : ""}`, file: where, line: 0, col: 0, item: { kind: "param-override", name: key } });
        continue;
      }
      for (const t of targets) {
        const v = parseParamText(text, t.type);
        if (typeof v === "object") {
          t.badOverride = v.error;
          this.problems.push({ code: "RULE_BAD_PARAM", severity: "error", message: `parameter "${name}" is ${article(t.type)} ${t.type}: ${v.error}; rules using it are not run`, file: where, line: 0, col: 0, item: { kind: "param-override", name: key } });
          break;
        }
        t.value = v;
      }
    }
  }

  // Stage 3: compile. Lists become CEL constants; macros are expanded into the rules that name them.
  private compile(): Array<{ rule: CompiledRule; fileIndex: number }> {
    const listConstants: ListConstant[] = [...this.lists.values()].map(({ decl }) => ({
      name: decl.list,
      type: decl.items.every((v) => typeof v === "string") && decl.items.length > 0 ? "list<string>" : decl.items.every((v) => typeof v === "number" && Number.isInteger(v)) ? "list<int>" : "list<double>",
      values: decl.items.map((v) => (typeof v === "number" && Number.isInteger(v) && decl.items.every((x) => typeof x === "number" && Number.isInteger(x)) ? BigInt(v) : v)),
    }));
    const envs = new Map<Scope, Environment>();
    const envFor = (scope: Scope): Environment => {
      let env = envs.get(scope);
      if (!env) envs.set(scope, (env = createScopeEnvironment(scope, listConstants)));
      return env;
    };
    let anyEnv: Environment | null = null;
    const anyScope = (): Environment => (anyEnv ??= createAnyScopeEnvironment(listConstants));
    const macroDefs = new Map<string, MacroDef>();
    for (const [name, m] of this.macros) {
      const origin = m.loc.origin(["condition"]);
      if (origin) macroDefs.set(name, { name, text: m.decl.condition, origin });
    }
    const expander = new MacroExpander(macroDefs);
    // A macro's syntax is checked on its own, so an unused broken macro is still reported.
    const badSyntax = new Set<string>();
    for (const [name, m] of macroDefs) {
      const r = expander.expand(m.text, m.origin);
      if ("kind" in r && r.kind === "syntax" && r.origin === m.origin) {
        badSyntax.add(name);
        const where = r.origin.locate(r.offset);
        this.report(this.macros.get(name)!.fileIndex)(this.macros.get(name)!.loc.problem("RULE_SYNTAX_ERROR", `syntax error in macro condition: ${r.message}`, where));
      }
    }
    const used = new Set<string>();
    const lists = new Set(this.lists.keys());
    const compiled: Array<{ rule: CompiledRule; fileIndex: number }> = [];
    for (const r of this.rules) {
      const params = new Map<string, ParamEntry>();
      for (const [n, s] of this.shared) params.set(n, s.entry);
      for (const [n, p] of r.params) params.set(n, p);
      const report = this.report(r.fileIndex);
      const ctx = r.scope
        ? { env: envFor, expander, report, used, lists }
        : { env: anyScope, expander, report, used, lists, anyScope: true };
      const rule = compileRule(r.decl, r.scope ?? "capture", r.loc, ctx, params);
      if (rule && !r.checkOnly) compiled.push({ rule, fileIndex: r.fileIndex });
    }

    // Stage 4: what no rule uses. An unused macro is still type-checked (in every scope at once),
    // so its mistakes show now, not on the day a rule uses it.
    const unused = [...this.macros].filter(([name]) => !used.has(name));
    const allParams = new Map<string, ParamEntry>();
    for (const r of this.rules) for (const [n, p] of r.params) allParams.set(n, p);
    for (const [n, s] of this.shared) allParams.set(n, s.entry);
    for (const [name, m] of unused) {
      if (!badSyntax.has(name)) checkUnusedMacro(name, m.decl.condition, m.loc, { env: anyScope, expander, report: this.report(m.fileIndex), used, lists }, allParams);
      this.problems.push(m.loc.problem("RULE_UNUSED_MACRO", `macro "${name}" is not used by any rule: use it in a condition or remove it`, m.loc.at(["macro"]), { severity: "warning" }));
    }
    for (const [name, l] of this.lists) {
      if (!used.has(name)) this.problems.push(l.loc.problem("RULE_UNUSED_LIST", `list "${name}" is not used by any rule: use it (x in ${name}) or remove it`, l.loc.at(["list"]), { severity: "warning" }));
    }
    return compiled;
  }
}

function firstAlias(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_key, node) {
      found = node as Node;
      return visit.BREAK;
    },
  });
  return found;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? "an" : "a";
}

/**
 * A parameter's entry. One whose declaration is wrong (reported here, or already by its shape:
 * `broken`) is still declared, typed as far as known, so rules reading it are checked without an
 * echo of its problem; they are not run.
 */
function paramEntry(name: string, decl: ParamDecl, loc: ItemLocator, path: PathKey[], add: (p: RuleProblem) => void, broken?: ParamType | "dyn"): ParamEntry {
  const type = paramType(decl);
  const base = { name, type, ...(decl.unit ? { unit: decl.unit } : {}), ...(decl.description ? { description: decl.description } : {}) };
  if (broken !== undefined) return { ...base, value: "", broken: { celType: broken } };
  const value = defaultValue(decl, type);
  if (typeof value === "object") {
    add(loc.problem("RULE_BAD_PARAM", `parameter "${name}" (${type}): ${value.error}`, loc.at([...path, "default"])));
    return { ...base, value: "", broken: { celType: type } };
  }
  return { ...base, value };
}

/** One zod issue -> one problem at the offending key or value. */
function issueProblem(issue: $ZodIssue, raw: unknown, kind: ItemKindKey, loc: ItemLocator): RuleProblem {
  const path = issue.path.filter((k): k is PathKey => typeof k === "string" || typeof k === "number");
  const label = path.length > 0 ? path.join(".") : kind;
  if (issue.code === "unrecognized_keys") {
    // One problem per key would be nicer to read but zod groups them; report the first key's position.
    const keys = issue.keys;
    const allowed = path.length === 0 ? keysOf(kind) : knownKeysAt(kind, path);
    const hints = keys.map((k) => {
      const h = closest(k, allowed);
      return h ? `"${k}" (did you mean "${h}"?)` : `"${k}"`;
    });
    const where = loc.at([...path, keys[0]!], { key: true });
    return loc.problem("RULE_UNKNOWN_KEY", `unknown key ${hints.join(", ")}${path.length ? ` in ${label}` : ` in ${kind}`}; allowed: ${allowed.join(", ")}`, where);
  }
  const value = valueAt(raw, path);
  if (value === undefined && path.length > 0 && !hasKey(raw, path)) {
    return loc.problem("RULE_MISSING_KEY", `missing required key "${path[path.length - 1]}"`, loc.at(path.slice(0, -1)));
  }
  let code: ProblemCode = "RULE_BAD_VALUE";
  let message: string;
  if (issue.code === "invalid_value") message = `${label} must be one of ${issue.values.map((v) => String(v)).join(", ")}, not ${JSON.stringify(value)}`;
  else if (issue.code === "invalid_type") message = `${label} must be ${describeExpected(issue.expected)}, not ${describeValue(value)}`;
  else message = `${label}: ${issue.message}`;
  if (path[0] === "params") code = "RULE_BAD_PARAM";
  return loc.problem(code, message, loc.at(path));
}

function knownKeysAt(kind: ItemKindKey, path: PathKey[]): string[] {
  const last = path.filter((k) => typeof k === "string");
  const at = last[last.length - 1];
  if (at === "window") return ["count", "within", "group_by"];
  if (at === "exceptions") return ["name", "fields", "comps", "values"];
  if (at === "params" || last[0] === "params") return ["default", "type", "unit", "description"];
  return keysOf(kind);
}

function hasKey(raw: unknown, path: PathKey[]): boolean {
  const parent = valueAt(raw, path.slice(0, -1));
  return parent !== null && typeof parent === "object" && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]!);
}

function valueAt(raw: unknown, path: PathKey[]): unknown {
  let v = raw;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function describeExpected(t: string): string {
  switch (t) {
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "an integer";
    case "boolean":
      return "true or false";
    case "array":
      return "a list";
    case "object":
    case "record":
      return "a map";
    default:
      return t;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return "empty";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return JSON.stringify(v);
}
