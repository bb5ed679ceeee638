/**
 * Writes export tables (tables.ts) as NDJSON or Parquet files, one file per table.
 * Parquet through hyparquet-writer (pure JS, no native build): columns typed by the schema,
 * nested values as JSON columns, snappy-compressed (the writer's default).
 */

import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parquetWriteFile } from "hyparquet-writer";
import type { ColumnType, TableSchema } from "./tables.js";

export type ExportFormat = "ndjson" | "parquet";

/** Collects a table's rows (in schema order, missing keys as null) and writes them out at the end. */
export class TableWriter<Row extends object> {
  private readonly ndjson: number | null = null;
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly columns: unknown[][];
  rows = 0;
  readonly path: string;

  constructor(
    readonly schema: TableSchema<Row>,
    readonly format: ExportFormat,
    dir: string,
  ) {
    this.path = join(dir, `${schema.name}.${format}`);
    this.columns = schema.columns.map(() => []);
    // NDJSON streams to FILE.partial, renamed at the end, so a failed export leaves no half table;
    // Parquet needs whole columns (a row group) and writes only at the end.
    if (format === "ndjson") this.ndjson = openSync(this.partial, "w");
  }

  add(row: Row): void {
    this.rows++;
    const cols = this.schema.columns;
    if (this.ndjson !== null) {
      const ordered: Record<string, unknown> = {};
      for (const c of cols) ordered[c.key] = (row as Record<string, unknown>)[c.key] ?? null;
      const line = `${JSON.stringify(ordered)}\n`;
      this.pending.push(line);
      this.pendingBytes += line.length;
      if (this.pendingBytes > 1 << 20) this.flushLines();
      return;
    }
    for (let i = 0; i < cols.length; i++) this.columns[i]!.push(normalise((row as Record<string, unknown>)[cols[i]!.key], cols[i]!.type));
  }

  private get partial(): string {
    return `${this.path}.partial`;
  }

  /** Nothing is written (an input could not be used): the partial file goes. */
  abort(): void {
    if (this.ndjson === null) return;
    closeSync(this.ndjson);
    rmSync(this.partial, { force: true });
  }

  private flushLines(): void {
    if (this.ndjson === null || this.pending.length === 0) return;
    writeSync(this.ndjson, this.pending.join(""));
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    if (this.ndjson !== null) {
      this.flushLines();
      closeSync(this.ndjson);
      renameSync(this.partial, this.path);
      return;
    }
    parquetWriteFile({
      filename: this.path,
      columnData: this.schema.columns.map((c, i) => ({ name: c.key, data: this.columns[i]!, type: c.type, nullable: true })),
      kvMetadata: [{ key: "kdiag.table", value: this.schema.name }],
      createdBy: "kdiag export",
    });
  }
}

/** A value as its Parquet column takes it: numbers checked, absent values null. */
function normalise(v: unknown, type: ColumnType): unknown {
  if (v === undefined || v === null) return null;
  switch (type) {
    case "INT32":
      return typeof v === "number" && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : null;
    case "DOUBLE":
      return typeof v === "number" ? v : null;
    case "BOOLEAN":
      return typeof v === "boolean" ? v : null;
    case "STRING":
      return typeof v === "string" ? v : String(v);
    case "JSON":
      return v;
  }
}
