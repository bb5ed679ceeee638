/** The rule engine: load and check rule files, evaluate them over an analysed capture. */

export { BUILTIN_RULES_DIR, loadRuleFiles, loadRuleSources, type LoadOptions, type LoadResult, type RuleSource } from "./load.js";
export { formatProblem, PROBLEM_CODES, type ProblemCode, type RuleProblem } from "./problems.js";
export { evaluateRules, RULE_TIME_BUDGET_MS, type EvaluateOptions, type Finding, type RuleStats } from "./evaluate.js";
export { allFacts, scopeFacts, SCOPES, SCOPE_ITEMS, SCOPE_VARIABLES, type FactSpec, type Scope } from "../facts/schema.js";
export { WINDOW_FACTS } from "../cel/env.js";
export type { CompiledRule } from "./rule.js";
export { SEVERITIES, type Severity } from "./schema.js";
