import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FACT_GROUPS, factTable } from "../../src/rules/fact-docs.js";
import { allFacts, PROBLEM_CODES, SCOPES, SCOPE_VARIABLES } from "../../src/rules/index.js";
import { load } from "./helpers.js";

const doc = readFileSync("docs/rules.md", "utf8");

describe("docs/rules.md stays in step with the fact schema", () => {
  it("contains every fact table exactly as rendered from facts.ts", () => {
    for (const g of FACT_GROUPS) expect(doc).toContain(`<!-- facts:${g} -->\n${factTable(g)}\n<!-- /facts:${g} -->`);
  });

  it("names every fact, scope and problem code", () => {
    for (const f of allFacts()) expect(doc).toContain(`\`${f.name}\``);
    for (const s of SCOPES) expect(doc).toContain(`| \`${s}\` |`);
    for (const c of PROBLEM_CODES) expect(doc).toContain(`| \`${c}\` |`);
  });

  it("its first example loads without a problem", () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
    const r = load(example);
    expect(r.problems).toEqual([]);
    expect(r.rules.map((x) => x.id)).toEqual(["broker-closed-idle-connection"]);
  });
});

describe("fact schema", () => {
  it("names are unique, Wireshark-shaped, and never both a value and a parent", () => {
    const names = allFacts().map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
    for (const n of names) expect(names.filter((m) => m.startsWith(`${n}.`))).toEqual([]);
  });

  it("every scope variable has facts", () => {
    for (const vars of Object.values(SCOPE_VARIABLES)) for (const v of vars) expect(allFacts().some((f) => f.name.startsWith(`${v}.`))).toBe(true);
  });
});
