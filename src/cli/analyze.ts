/**
 * `kdiag analyze`, `kdiag compare` and `kdiag rules`: load the rule files (built-in and the
 * user's), report their problems with file:line:col, evaluate them over the analysed capture(s),
 * and print the findings.
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { evaluateRules, formatProblem, RULE_TIME_BUDGET_MS, type Finding, type LoadResult, type RuleStats } from "../rules/index.js";
import { writeEvidencePcap } from "../report/evidence-pcap.js";
import { findingsJson, findingsMarkdown, findingsText, severityRank } from "../report/findings.js";
import { sanitize } from "../report/sanitize.js";
import { RuleUsageError } from "./errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Output } from "./output.js";

export interface RuleOptions {
  rules: string[];
  param: string[];
  builtin: boolean;
}

export interface AnalyzeOptions extends RuleOptions {
  json?: boolean;
  format?: string;
  failOn?: string;
  exportEvidence?: string;
}


/** `--param name=value` (or `rule-id.name=value`) into the loader's map. */
export function parseParams(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    if (eq <= 0) throw new RuleUsageError(`--param ${spec}: expected NAME=VALUE, e.g. message_max_bytes=2097152`);
    out[spec.slice(0, eq)] = spec.slice(eq + 1);
  }
  return out;
}

/** Prints every problem of the loaded rules (rule files with errors were skipped by the loader). */
export function reportRuleProblems(result: LoadResult, out: Output): void {
  for (const p of result.problems) out.rawErr(`${formatProblem(p, { snippet: true })}\n`);
  if (result.problems.some((p) => p.severity === "error")) out.exitCode = ExitCode.RULE_ERRORS;
}

export function checkFailOn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (severityRank(value) >= 4) throw new RuleUsageError(`--fail-on ${value}: expected info, warning, error or critical`);
  return value;
}

export function checkFormat(opts: { json?: boolean; format?: string }): "text" | "json" | "md" {
  if (opts.json) return "json";
  const f = opts.format ?? "text";
  if (f !== "text" && f !== "md" && f !== "json") throw new RuleUsageError(`--format ${f}: expected text, md or json`);
  return f;
}

/** Prints findings, exports evidence, and sets the exit code for --fail-on. */
export function reportFindings(
  file: string,
  capture: AnalysedCapture,
  findings: Finding[],
  opts: AnalyzeOptions,
  out: Output,
  width?: number,
  /** The findings are already on screen (Ink on a terminal): only evidence and the exit code remain. */
  shown = false,
): void {
  const format = checkFormat(opts);
  if (shown) {
    // nothing to print
  } else if (format === "json") out.json(findingsJson(findings));
  else if (format === "md") out.line(findingsMarkdown(file, findings));
  else out.line(findingsText(findings, width === undefined ? {} : { width }));
  if (opts.exportEvidence) {
    const packets = findings.flatMap((f) => f.evidence.packets);
    const r = writeEvidencePcap(capture, packets, opts.exportEvidence);
    out.note(
      `wrote ${r.packets} evidence packets to ${sanitize(opts.exportEvidence)}` +
        (r.skipped > 0 ? ` (${r.skipped} of another link type left out)` : ""),
    );
  }
  const failOn = checkFailOn(opts.failOn);
  if (failOn !== undefined && findings.some((f) => severityRank(f.severity) <= severityRank(failOn))) {
    out.exitCode = Math.max(out.exitCode, ExitCode.FINDINGS);
  }
}

export function evaluate(
  result: LoadResult,
  capture: AnalysedCapture,
  out: Output,
  pair?: { clientSide: AnalysedCapture; serverSide: AnalysedCapture },
): Finding[] {
  const stats: Record<string, RuleStats> = {};
  const findings = evaluateRules(result.rules, capture, { stats, ...(pair ? { pair } : {}) });
  for (const [id, st] of Object.entries(stats)) {
    if (st.stoppedAfter === undefined) continue;
    out.warn(`rule ${id} stopped after ${st.stoppedAfter} items: it took over ${RULE_TIME_BUDGET_MS / 1000} s; its findings cover only those items`);
  }
  return findings;
}
