/**
 * The shapes of rule-file items, checked by zod. Objects are strict: a misspelt key (`value` for
 * `values`) is an error, not silently ignored (Falco #2354). Messages for custom checks are set
 * here; issue → problem mapping (code, position) lives in load.ts.
 */

import { z } from "zod";

export const SEVERITIES = ["info", "warning", "error", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PARAM_TYPES = ["int", "double", "string", "bool"] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

export const EXCEPTION_COMPS = ["=", "!=", "<", "<=", ">", ">=", "in", "contains", "startswith", "endswith"] as const;
export type ExceptionComp = (typeof EXCEPTION_COMPS)[number];

const RULE_ID = /^[a-z0-9][a-z0-9_.-]*$/;
/** Macro, list and parameter names are CEL identifiers. */
const IDENT = /^[a-z_][a-z0-9_]*$/;
export const DURATION = /^(\d+(?:\.\d+)?)(us|ms|s|m|h)$/;

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: "must be a string, a number or true/false" });

export const paramDeclSchema = z.strictObject({
  default: scalar,
  type: z.enum(PARAM_TYPES).optional(),
  unit: z.string().optional(),
  description: z.string().optional(),
});
export type ParamDecl = z.infer<typeof paramDeclSchema>;

const paramsSchema = z.record(z.string().regex(IDENT, { error: "parameter names are lowercase identifiers (a-z, 0-9, _)" }), paramDeclSchema);

const stringOrList = z.union([z.string(), z.array(z.string())], { error: "must be a string or a list of strings" });

export const exceptionSchema = z.strictObject({
  name: z.string().min(1),
  fields: stringOrList,
  comps: z.union([z.enum(EXCEPTION_COMPS), z.array(z.enum(EXCEPTION_COMPS))], {
    error: `must be one of ${EXCEPTION_COMPS.join(" ")} or a list of them`,
  }).optional(),
  values: z.array(z.unknown()),
});
export type ExceptionDecl = z.infer<typeof exceptionSchema>;

export const windowSchema = z.strictObject({
  count: z.number().int().min(2, { error: "must be an integer of at least 2 (a window of 1 is the rule without a window)" }),
  within: z.string().regex(DURATION, { error: "must be a duration like 500ms, 60s, 5m or 1h" }),
  group_by: z.string().optional(),
});
export type WindowDecl = z.infer<typeof windowSchema>;

/** A signal of a cause (scope "end"): evidence for (weight > 0) or against (weight < 0) it. */
export const signalSchema = z.strictObject({
  signal: z.string().regex(RULE_ID, { error: "signal names are lowercase: a-z, 0-9, '-', '_', '.'" }),
  weight: z.number({ error: "must be a number: positive for, negative against" }),
  when: z.string().min(1),
  says: z.string().optional(),
});
export type SignalDecl = z.infer<typeof signalSchema>;

export const ruleSchema = z.strictObject({
  rule: z.string().regex(RULE_ID, { error: "rule ids are lowercase: a-z, 0-9, '-', '_', '.'" }),
  title: z.string().min(1),
  desc: z.string(),
  severity: z.enum(SEVERITIES),
  scope: z.string(),
  /** The dissector(s) whose connections the rule is about (docs/rules.md, "Which protocol a rule is about"). */
  dissector: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  params: paramsSchema.optional(),
  condition: z.string().min(1),
  output: z.string().min(1),
  advice: z.string().optional(),
  /**
   * The packet number of the event the finding reports (a `*_frame` fact): the finding's time is
   * that packet's and it leads the evidence, instead of the connection's start.
   */
  at: z.string().min(1).optional(),
  tags: z.array(z.string()).optional(),
  enabled: z.boolean().optional(),
  exceptions: z.array(exceptionSchema).optional(),
  window: windowSchema.optional(),
  prior: z.number().optional(),
  signals: z.array(signalSchema).optional(),
});
export type RuleDecl = z.infer<typeof ruleSchema>;

export const macroSchema = z.strictObject({
  macro: z.string().regex(IDENT, { error: "macro names are lowercase identifiers (a-z, 0-9, _)" }),
  condition: z.string().min(1),
  desc: z.string().optional(),
});
export type MacroDecl = z.infer<typeof macroSchema>;

export const listSchema = z.strictObject({
  list: z.string().regex(IDENT, { error: "list names are lowercase identifiers (a-z, 0-9, _)" }),
  items: z.array(z.union([z.string(), z.number()], { error: "list items are strings or numbers" })),
  desc: z.string().optional(),
});
export type ListDecl = z.infer<typeof listSchema>;

export const paramsItemSchema = z.strictObject({ params: paramsSchema });

/** What a rule test expects of one rule: findings (how many, on which connection, saying what). */
export const expectationSchema = z.strictObject({
  rule: z.string().min(1),
  connection: z.number().int().min(0).optional(),
  count: z.number().int().min(1).optional(),
  severity: z.enum(SEVERITIES).optional(),
  message: z.string().optional(),
});
export type ExpectationDecl = z.infer<typeof expectationSchema>;

/**
 * A test a rule file declares (`kdiag rules test FILE`): a capture (path relative to the rule
 * file), optional --param values, Kafka ports and TLS key log, the findings expected and the rules expected silent.
 */
export const testSchema = z.strictObject({
  test: z.string().min(1),
  capture: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  kafka_ports: z.array(z.number().int().min(1).max(65535)).optional(),
  /** A key log (SSLKEYLOGFILE format, path relative to the rule file) to decrypt the capture's TLS. */
  tls_keylog: z.string().min(1).optional(),
  expect: z.array(expectationSchema).optional(),
  expect_absent: z.array(z.string().min(1)).optional(),
});
export type TestDecl = z.infer<typeof testSchema>;

/** The key that says what an item is, in the order tried. */
// "test" before "params": a test item may set params of its own (`params: {x: 1}`).
export const ITEM_KINDS = ["rule", "macro", "list", "test", "params"] as const;
export type ItemKindKey = (typeof ITEM_KINDS)[number];

export const ITEM_SCHEMAS = {
  rule: ruleSchema,
  macro: macroSchema,
  list: listSchema,
  params: paramsItemSchema,
  test: testSchema,
} as const;

/** Every key an item of a kind may have (for "did you mean" hints). */
export function keysOf(kind: ItemKindKey): string[] {
  return Object.keys(ITEM_SCHEMAS[kind].shape);
}

/** Duration text to milliseconds ("60s" -> 60000). */
export function durationMs(text: string): number {
  const m = DURATION.exec(text);
  if (!m) return NaN;
  const n = Number(m[1]);
  const unit = m[2];
  return unit === "us" ? n / 1000 : unit === "ms" ? n : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n * 3_600_000;
}
