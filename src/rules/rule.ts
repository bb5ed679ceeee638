/** A compiled rule: what the loader hands to the evaluator (and what reports may describe). */

import type { Scope } from "../facts/schema.js";
import type { ExceptionComp, Severity } from "./schema.js";
import type { TemplatePart } from "./template.js";

/** A CEL value a parameter holds: int parameters are BigInt, as CEL ints are. */
export type ParamValue = bigint | number | string | boolean;

/** A checked CEL program: call with the item's facts (plus `params`). */
export type Program = (context: Record<string, unknown>) => unknown;

export interface CompiledTemplate {
  parts: Array<{ text: string } | { expr: string; program: Program }>;
}

export interface CompiledException {
  name: string;
  fields: Program[];
  comps: ExceptionComp[];
  /** One tuple per line of `values`, already in the fields' CEL types. */
  values: unknown[][];
}

/** A compiled signal of a cause. */
export interface CompiledSignal {
  name: string;
  weight: number;
  when: Program;
  says: CompiledTemplate | null;
}

export interface CompiledRule {
  id: string;
  title: string;
  desc: string;
  severity: Severity;
  scope: Scope;
  tags: string[];
  enabled: boolean;
  /** Where the rule is defined. */
  file: string;
  line: number;
  /** The condition as CEL after macro expansion (what actually runs). */
  condition: string;
  /** Effective parameter values (defaults, then --param overrides), ints as numbers. */
  params: Record<string, number | string | boolean>;
  window: { count: number; withinMs: number; groupBy: string | null } | null;
  /** Scope "end" (causes): the starting score and the signals weighed on top of it. */
  prior: number;
  signals: CompiledSignal[];
  /** Runtime parts, built once at load time. */
  program: {
    paramValues: Record<string, ParamValue>;
    condition: Program;
    exceptions: CompiledException[];
    output: CompiledTemplate;
    advice: CompiledTemplate | null;
    groupBy: Program | null;
    /** `at:` the packet number of the event, on connection and exchange rules. */
    at: Program | null;
  };
}

export type { TemplatePart };
