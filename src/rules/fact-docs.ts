/**
 * The fact tables of docs/rules.md, rendered from the fact schema (src/facts/schema.ts, built-in dissectors) (a test checks the document contains
 * exactly this text, so the two cannot drift). Also usable for a `kdiag fields`-style listing.
 */

import { WINDOW_FACTS } from "../cel/env.js";
import { FACTS_BY_VARIABLE, type FactSpec } from "../facts/schema.js";

function row(f: Pick<FactSpec, "name" | "type" | "unit" | "optional" | "values" | "description">): string {
  const notes = [f.optional ? "may be absent" : "", f.values ? `one of: ${f.values.map((v) => `\`${v}\``).join(", ")}` : ""].filter(Boolean).join("; ");
  const desc = `${f.description}${notes ? ` (${notes})` : ""}`.replace(/\|/g, "\\|");
  return `| \`${f.name}\` | ${f.type.replace(/</g, "&lt;").replace(/>/g, "&gt;")} | ${f.unit ?? ""} | ${desc} |`;
}

/** Markdown table of one fact group (frame, ip, tcp, kafka, conn, exchange, capture, pair, window). */
export function factTable(variable: string): string {
  const facts: ReadonlyArray<Pick<FactSpec, "name" | "type" | "description">> =
    variable === "window" ? WINDOW_FACTS : (FACTS_BY_VARIABLE[variable] ?? []);
  return ["| fact | type | unit | meaning |", "|---|---|---|---|", ...facts.map((f) => row(f as FactSpec))].join("\n");
}

export const FACT_GROUPS = ["frame", "ip", "ipv6", "udp", "tcp", "kafka", "tls", "conn", "exchange", "capture", "pair", "end", "path", "other", "group", "window"] as const;
