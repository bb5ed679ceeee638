#!/usr/bin/env node
/**
 * Runs SQL over kdiag exports with DuckDB's Node package (a devDependency) and prints the rows as
 * an aligned table: for machines without the duckdb CLI. The README's DuckDB examples were run
 * with it.
 *
 *   node scripts/export/query.mjs "select host, count(*) from 'exports/*\/exchanges.parquet' group by all"
 */
import { DuckDBInstance } from "@duckdb/node-api";

const sql = process.argv[2];
if (!sql) {
  process.stderr.write("usage: node scripts/export/query.mjs SQL\n");
  process.exit(2);
}
const conn = await (await DuckDBInstance.create(":memory:")).connect();
let reader;
try {
  reader = await conn.runAndReadAll(sql);
} catch (e) {
  process.stderr.write(`query: ${e.message}\n`);
  process.exit(1);
}
const names = reader.columnNames();
const rows = reader.getRowsJS().map((r) => r.map((v) => (v === null ? "NULL" : v instanceof Date ? v.toISOString() : typeof v === "object" ? JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x)) : String(v))));
const widths = names.map((n, i) => Math.max(n.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (/^-?[\d.]+$/.test(c) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
process.stdout.write(`${line(names)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n${rows.map(line).join("\n")}\n`);
