/**
 * `kdiag analyze` output: findings grouped by rule, most severe first, each with its evidence
 * (connection, packets, times) and the rule's advice once — as text, Markdown or the stable JSON
 * document `{"findings": [...]}`.
 */

import { SEVERITIES, type Finding, type Severity } from "../rules/index.js";
import { formatAbsoluteTime, wrapWords } from "./format.js";
import { sanitize } from "./sanitize.js";

/** Most severe first: the rule schema's list (least severe first) turned around. */
export const SEVERITY_ORDER: readonly Severity[] = [...SEVERITIES].reverse();
export type SeverityName = Severity;

export function severityRank(s: string): number {
  const i = SEVERITY_ORDER.indexOf(s as SeverityName);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

export interface FindingGroup {
  rule: string;
  title: string;
  severity: string;
  advice: string;
  findings: Finding[];
}

/** Findings grouped by rule: most severe rules first, then by rule id; findings in capture order. */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const byRule = new Map<string, FindingGroup>();
  for (const f of findings) {
    let g = byRule.get(f.rule);
    if (!g) {
      g = { rule: f.rule, title: f.title, severity: f.severity, advice: f.advice ?? "", findings: [] };
      byRule.set(f.rule, g);
    }
    g.findings.push(f);
  }
  const groups = [...byRule.values()];
  for (const g of groups) g.findings.sort((a, b) => eventTime(a) - eventTime(b));
  return groups.sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.rule.localeCompare(b.rule));
}

export function findingsJson(findings: readonly Finding[]): { findings: Finding[] } {
  const collapse = (s: string) => s.replace(/\s+/g, " ").trim();
  const ordered = groupFindings(findings).flatMap((g) => g.findings);
  return { findings: ordered.map((f) => ({ ...f, message: collapse(f.message), advice: f.advice === null ? null : collapse(f.advice) })) };
}

/** When the finding's event happened (seconds since the epoch): its own time, else its last evidence packet's. */
export function eventTime(f: Finding): number {
  return f.time ?? f.evidence.times[f.evidence.times.length - 1] ?? 0;
}

/**
 * One line per cause and server, most severe first: "firewall-idle: 5 connections to
 * 10.0.2.20:9092 (client ids a, b), first 09:12:03.120 UTC, last 11:40:55.004 UTC" — the
 * paragraph an operator pastes at the top of a ticket.
 */
export function causeSummary(findings: readonly Finding[]): string[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.scope !== "end" || f.severity === "info") continue;
    const server = (f.evidence.details?.["server"] as string | undefined) ?? "?";
    const k = `${f.rule}\u0000${server}`;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const out: string[] = [];
  const sorted = [...groups.entries()].sort((a, b) => severityRank(a[1][0]!.severity) - severityRank(b[1][0]!.severity));
  for (const [k, fs] of sorted) {
    const [rule, server] = k.split("\u0000");
    const times = fs.map(eventTime).sort((a, b) => a - b);
    const clock = (t: number) => formatAbsoluteTime(t * 1e6).slice(11);
    const n = fs.length;
    const when = n === 1 ? `at ${clock(times[0]!)}` : `first ${clock(times[0]!)}, last ${clock(times[n - 1]!)}`;
    const conf = [...new Set(fs.map((f) => f.confidence).filter((c) => c !== undefined))].join("/");
    out.push(`${rule}: ${n} connection${n === 1 ? "" : "s"} to ${server} — ${fs[0]!.title.toLowerCase()}; ${when}${conf ? ` (confidence ${conf})` : ""}`);
  }
  return out;
}

/** "packets 11, 12 (+3 more)" */
export function packetList(packets: readonly number[], max = 8): string {
  if (packets.length === 0) return "-";
  const shown = packets.slice(0, max).join(", ");
  return packets.length > max ? `${shown} (+${packets.length - max} more)` : shown;
}

function evidenceLine(f: Finding): string {
  const parts: string[] = [];
  if (f.evidence.connection !== undefined) parts.push(`connection ${f.evidence.connection}`);
  parts.push(`packets ${packetList(f.evidence.packets)}`);
  if (f.time !== undefined || f.evidence.times.length > 0) parts.push(`at ${formatAbsoluteTime(eventTime(f) * 1e6)}`);
  return parts.join(", ");
}

/** Rule templates may span lines in YAML; a finding reads as one paragraph. Sanitised. */
function oneLine(text: string): string {
  return sanitize(text.replace(/\s+/g, " ").trim());
}

function wrap(text: string, width: number, indent: string, hanging = indent): string {
  return wrapWords(text, width)
    .map((l, i) => (i === 0 ? indent : hanging) + l)
    .join("\n");
}

export function findingsText(findings: readonly Finding[], opts: { width?: number } = {}): string {
  const width = Math.max(60, (opts.width ?? 100) - 4);
  const groups = groupFindings(findings);
  if (groups.length === 0) return "No findings: none of the rules matched this capture.";
  const out: string[] = [];
  const summary = causeSummary(findings);
  if (summary.length > 0) {
    out.push("Summary:");
    for (const line of summary) out.push(wrap(`- ${oneLine(line)}`, width, "  ", "    "));
    out.push("");
  }
  for (const g of groups) {
    out.push(`${g.severity.toUpperCase()}  ${g.rule}: ${sanitize(g.title)} (${g.findings.length})`);
    for (const f of g.findings) {
      out.push(wrap(`- ${oneLine(f.message)}`, width, "  ", "    "));
      out.push(`    evidence: ${evidenceLine(f)}`);
    }
    if (g.advice) {
      out.push("  advice:");
      out.push(wrap(oneLine(g.advice), width, "    "));
    }
    out.push("");
  }
  out.push(summaryLine(findings));
  return out.join("\n");
}

export function summaryLine(findings: readonly Finding[]): string {
  const counts = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const rules = new Set(findings.map((f) => f.rule)).size;
  return `${findings.length} findings from ${rules} rules: ${counts.map(([s, n]) => `${n} ${s}`).join(", ") || "none"}`;
}

/**
 * Markdown for a ticket or a wiki page. Only what would break the table or turn into markup is
 * escaped (a pipe, angle brackets, backticks, a leading marker), so the text reads as written.
 */
export function findingsMarkdown(file: string, findings: readonly Finding[]): string {
  const md = (s: string) => oneLine(s).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/`/g, "'").replace(/\*/g, "\\*");
  const out = [`# kdiag analysis of \`${sanitize(file).replace(/`/g, "'")}\``, "", summaryLine(findings), ""];
  const summary = causeSummary(findings);
  if (summary.length > 0) out.push("## Summary", "", ...summary.map((l) => `- ${md(l)}`), "");
  for (const g of groupFindings(findings)) {
    out.push(`## ${g.severity.toUpperCase()}: ${g.rule} — ${md(g.title)} (${g.findings.length})`, "");
    out.push("| # | message | connection | packets | time |", "|---|---|---|---|---|");
    g.findings.forEach((f, i) => {
      const t = f.time !== undefined || f.evidence.times.length > 0 ? eventTime(f) : undefined;
      out.push(
        `| ${i + 1} | ${md(f.message)} | ${f.evidence.connection ?? "-"} | ${packetList(f.evidence.packets)} | ${t === undefined ? "-" : formatAbsoluteTime(t * 1e6)} |`,
      );
    });
    if (g.advice) out.push("", `**Advice:** ${md(g.advice)}`);
    out.push("");
  }
  return out.join("\n");
}
