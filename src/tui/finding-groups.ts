/**
 * The findings pane lists causes, not connections: one row per rule (with its severity), the
 * connections it hit inside. A cause that hit one connection reads as before
 * (`error message-too-large c0 Client ...`); one that hit several is a group row
 * (`error fw-idle-reset ▸ 3 connections: <title>`) that Enter opens into a row per connection,
 * and Enter on one of those goes to its evidence packets, as on a single finding.
 */

import type { Finding } from "../rules/index.js";
import { findingTree, type UiNode } from "./tree.js";
import { fit, type Glyphs } from "./text.js";
import { wrapWords } from "../report/format.js";

export interface FindingGroup {
  rule: string;
  severity: string;
  title: string;
  findings: Finding[];
}

/** A row of the findings pane: a group, or one finding of an open group. */
export interface FindingItem {
  group: number;
  /** Index in the group's findings; null for the group row. */
  finding: number | null;
}

/** Findings grouped by rule and severity, in the order of their first finding (most severe first). */
export function groupFindings(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const key = `${f.severity}\u0000${f.rule}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { rule: f.rule, severity: f.severity, title: f.title, findings: [] }));
    g.findings.push(f);
  }
  return [...groups.values()];
}

/** The pane's rows: every group, and the findings of the open ones (a one-finding group has none). */
export function findingItems(groups: readonly FindingGroup[], open: ReadonlySet<number>): FindingItem[] {
  const out: FindingItem[] = [];
  groups.forEach((g, i) => {
    out.push({ group: i, finding: null });
    if (g.findings.length > 1 && open.has(i)) g.findings.forEach((_, k) => out.push({ group: i, finding: k }));
  });
  return out;
}

/** The finding a row stands for: a one-finding group's, or an open group's child; null for a group of several. */
export function itemFinding(groups: readonly FindingGroup[], item: FindingItem | undefined): Finding | null {
  if (!item) return null;
  const g = groups[item.group];
  if (!g) return null;
  if (item.finding !== null) return g.findings[item.finding] ?? null;
  return g.findings.length === 1 ? g.findings[0]! : null;
}

function where(f: Finding): string {
  return f.evidence.connection !== undefined ? `c${f.evidence.connection}` : "-";
}

function count(g: FindingGroup): string {
  const n = g.findings.length;
  return g.findings.every((f) => f.evidence.connection !== undefined) ? `${n} connections` : `${n} findings`;
}

/**
 * A row's text (unsafe: the caller passes `safe` for capture text). Group rows carry the rule's
 * title; finding rows the finding's message.
 */
export function findingItemText(groups: readonly FindingGroup[], item: FindingItem, open: boolean, width: number, g: Glyphs, safe: (s: string) => string): string {
  const group = groups[item.group]!;
  const sev = group.severity.slice(0, 5).padEnd(5);
  if (item.finding !== null) {
    const f = group.findings[item.finding]!;
    return fit(`${" ".repeat(6)}${where(f)} ${safe(f.message)}`, width, g.ellipsis);
  }
  if (group.findings.length === 1) {
    const f = group.findings[0]!;
    return fit(`${sev} ${f.rule} ${where(f)} ${safe(f.message)}`, width, g.ellipsis);
  }
  return fit(`${sev} ${group.rule} ${open ? g.expanded : g.collapsed} ${count(group)}: ${safe(group.title)}`, width, g.ellipsis);
}

const WRAP = 74;

/**
 * The detail pane for a group of several: the cause, then each connection with its message and
 * evidence packets, then the advice (once when every finding gives the same).
 */
export function groupTree(group: FindingGroup, enterKey = "Enter"): UiNode[] {
  if (group.findings.length === 1) return findingTree(group.findings[0]!, enterKey);
  const advice = [...new Set(group.findings.map((f) => f.advice).filter((a): a is string => !!a))];
  const connections: UiNode[] = group.findings.map((f) => ({
    label: `${f.evidence.connection !== undefined ? `connection ${f.evidence.connection}` : "capture"}: packets ${f.evidence.packets.join(", ") || "-"}`,
    open: true,
    children: [
      ...wrapWords(f.message, WRAP).map((label) => ({ label })),
      ...(advice.length > 1 && f.advice ? [{ label: "Advice", children: wrapWords(f.advice, WRAP).map((label) => ({ label })) }] : []),
    ],
  }));
  const nodes: UiNode[] = [
    { label: `${group.severity.toUpperCase()} ${group.rule}: ${group.title}` },
    { label: `${count(group)} (${enterKey} in the findings pane lists them; ${enterKey} on one selects its evidence)`, open: true, children: connections },
  ];
  if (advice.length === 1) nodes.push({ label: "Advice", open: true, children: wrapWords(advice[0]!, WRAP).map((label) => ({ label })) });
  return nodes;
}
