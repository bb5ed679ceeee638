/**
 * `kdiag export --format ndjson|parquet --out DIR capture…`: connections, exchanges and findings
 * of the capture(s) as tables (tables.ts) in DIR, for querying many brokers' captures together.
 */

import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import type { RuleOptions } from "../cli/analyze.js";
import { UsageError } from "../cli/errors.js";
import type { Output } from "../cli/output.js";
import { captureFiles } from "../cli/capture-args.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import type { LoadResult } from "../rules/index.js";
import { flowsJsonItems } from "../report/flows.js";
import { findingsJson } from "../report/findings.js";
import { kafkaJsonItems } from "../report/kafka.js";
import { sanitize } from "../report/sanitize.js";
import { CONNECTIONS, EXCHANGES, FINDINGS, type Origin } from "./tables.js";
import { TableWriter, type ExportFormat } from "./write.js";

export interface ExportOptions extends RuleOptions {
  format?: string;
  out?: string;
  host?: string;
  separate?: boolean;
}

/** What the export needs from the CLI: the one analysis path every command uses. */
export interface ExportDeps {
  /** The rules of the run's session, compiled against its registry's fields. */
  rules: LoadResult;
  analyse(files: string[]): Promise<AnalysedCapture | null>;
  reportDamage(capture: AnalysedCapture): void;
}

export async function exportCommand(args: string[], opts: ExportOptions, out: Output, deps: ExportDeps): Promise<void> {
  const format = opts.format ?? "parquet";
  if (format !== "ndjson" && format !== "parquet") throw new UsageError(`--format ${format}: expected ndjson or parquet`);
  if (opts.out === undefined) throw new UsageError("export needs --out DIR: where to write connections, exchanges and findings");
  const { evaluate } = await import("../cli/analyze.js");
  const { rules } = deps;
  const files = await captureFiles(args, out);
  if (files === null) return;
  try {
    mkdirSync(opts.out, { recursive: true });
  } catch (e) {
    throw new UsageError(`--out ${opts.out}: cannot create the directory: ${(e as Error).message}`);
  }
  const host = opts.host ?? hostname();
  const tables = {
    connections: new TableWriter(CONNECTIONS, format as ExportFormat, opts.out),
    exchanges: new TableWriter(EXCHANGES, format as ExportFormat, opts.out),
    findings: new TableWriter(FINDINGS, format as ExportFormat, opts.out),
  };
  const captures = opts.separate ? files.map((f) => [f]) : [files];
  for (const group of captures) {
    const capture = await deps.analyse(group);
    if (capture === null) {
      // Said (exit 3): no half export.
      for (const t of Object.values(tables)) t.abort();
      return;
    }
    const origin: Origin = { host, capture: capture.file };
    for (const c of flowsJsonItems(capture)) tables.connections.add({ ...origin, ...c });
    for (const e of kafkaJsonItems(capture)) tables.exchanges.add({ ...origin, ...e });
    for (const f of findingsJson(evaluate(rules, capture, out)).findings) tables.findings.add({ ...origin, ...f });
    capture.bytes.close();
    deps.reportDamage(capture);
  }
  for (const t of Object.values(tables)) {
    t.close();
    out.note(`wrote ${sanitize(t.path)} (${t.rows} row${t.rows === 1 ? "" : "s"})`);
  }
}
