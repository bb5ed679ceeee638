/**
 * What loading rule files reports: a closed set of codes (tests and tools match codes, never
 * message text), each problem with file:line:col, the item it belongs to and a snippet.
 */

export const PROBLEM_CODES = [
  "RULE_READ_ERROR",
  "RULE_YAML_SYNTAX",
  "RULE_UNKNOWN_KEY",
  "RULE_MISSING_KEY",
  "RULE_BAD_VALUE",
  "RULE_DUPLICATE_ID",
  "RULE_UNKNOWN_SCOPE",
  "RULE_SYNTAX_ERROR",
  "RULE_UNKNOWN_FIELD",
  "RULE_UNKNOWN_FUNCTION",
  "RULE_UNKNOWN_MACRO",
  "RULE_UNKNOWN_LIST",
  "RULE_TYPE_ERROR",
  "RULE_BAD_PARAM",
  "RULE_TOO_COSTLY",
  "RULE_UNUSED_MACRO",
  "RULE_UNUSED_LIST",
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export type ItemKind = "rule" | "macro" | "list" | "params" | "test" | "file" | "param-override";

export interface RuleProblem {
  code: ProblemCode;
  severity: "error" | "warning";
  message: string;
  /** The rule file, or `--param` for a command-line override. */
  file: string;
  /** 1-based; 0 when the problem is not in a file (a command-line override). */
  line: number;
  col: number;
  /** The rule the problem belongs to (also set for a macro/list problem found while compiling that rule). */
  ruleId?: string;
  item?: { kind: ItemKind; name?: string };
  /** The source line the position is on. */
  snippet?: string;
}

/** `file:line:col: error RULE_X [rule id]: message`, then the source line and a caret under the column. */
export function formatProblem(p: RuleProblem, opts: { snippet?: boolean } = {}): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  const id = p.ruleId ? ` [${p.ruleId}]` : p.item?.name ? ` [${p.item.kind} ${p.item.name}]` : "";
  const head = `${where}: ${p.severity} ${p.code}${id}: ${p.message}`;
  if (!opts.snippet || p.snippet === undefined || p.line === 0) return head;
  const caretPad = p.snippet.slice(0, Math.max(0, p.col - 1)).replace(/[^\t]/g, " ");
  return `${head}\n  ${p.snippet}\n  ${caretPad}^`;
}
