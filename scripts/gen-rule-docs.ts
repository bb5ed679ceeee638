// Rewrites the fact tables in docs/rules.md from the fact schema (src/facts/schema.ts, with the built-in dissectors); a test fails when they differ.
import { readFileSync, writeFileSync } from "node:fs";
import { FACT_GROUPS, factTable } from "../src/rules/fact-docs.js";
let doc = readFileSync(new URL("../docs/rules.md", import.meta.url), "utf8");
for (const g of FACT_GROUPS) {
  const re = new RegExp(`<!-- facts:${g} -->\\n[\\s\\S]*?\\n<!-- /facts:${g} -->`);
  doc = doc.replace(re, `<!-- facts:${g} -->\n${factTable(g)}\n<!-- /facts:${g} -->`);
}
writeFileSync(new URL("../docs/rules.md", import.meta.url), doc);
