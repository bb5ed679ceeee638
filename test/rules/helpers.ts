import { loadRuleSources, type LoadOptions, type RuleProblem } from "../../src/rules/index.js";

/** Loads one rule file given as text, named t.yaml. */
export function load(text: string, opts: LoadOptions = {}) {
  return loadRuleSources([{ file: "t.yaml", text }], opts);
}

/** The parts of a problem tests pin: code, position, message. */
export function brief(p: RuleProblem) {
  return { code: p.code, line: p.line, col: p.col, message: p.message };
}

/** A minimal valid rule item, with overrides as raw YAML lines appended. */
export function rule(id: string, scope: string, condition: string, extra = ""): string {
  return [
    `- rule: ${id}`,
    "  title: T",
    "  desc: D",
    "  severity: warning",
    `  scope: ${scope}`,
    `  condition: ${condition === "true" || condition === "false" ? `"${condition}"` : condition}`,
    '  output: "x"',
    ...(extra ? [extra] : []),
  ].join("\n");
}
