/**
 * `kdiag export`: tables read back by DuckDB (@duckdb/node-api) give what kdiag itself reports:
 * the same keys as the --json outputs, and latency percentiles per API and per client id equal to
 * `kdiag kafka --stats --json` (nearest-rank percentiles, the definition kafka --stats uses).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { TABLES } from "../../src/export/tables.js";

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const tmp = mkdtempSync(join(tmpdir(), "kdiag-export-"));
const capture = join(tmp, "kafka-mixed.pcap");
const other = "test/fixtures/real/firewall-idle-client.pcap";
let db: DuckDBConnection;

async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
}

/** Nearest rank, as kafka --stats: the ceil(p * n)-th smallest latency. */
const nearestRank = (p: number) =>
  `list_sort(list(latency_ms) filter (where latency_ms is not null))[greatest(1, ceil(${p} * count(latency_ms)))::int]`;

beforeAll(async () => {
  writeFileSync(capture, gunzipSync(readFileSync("test/fixtures/rotation/kafka-mixed.pcap.gz")));
  for (const format of ["parquet", "ndjson"]) {
    const a = await run("export", "--format", format, "--out", join(tmp, format, "broker-1"), "--host", "broker-1", capture);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toContain(`wrote ${join(tmp, format, "broker-1", `exchanges.${format}`)} (487 rows)`);
    const b = await run("export", "--format", format, "--out", join(tmp, format, "broker-2"), "--host", "broker-2", other);
    expect(b.code, b.stderr).toBe(0);
  }
  db = await (await DuckDBInstance.create(":memory:")).connect();
});

afterAll(() => db?.closeSync());

const read = (format: string, table: string) =>
  format === "parquet" ? `read_parquet('${join(tmp, "parquet", "*", `${table}.parquet`)}')` : `read_json_auto('${join(tmp, "ndjson", "*", `${table}.ndjson`)}')`;

describe.each(["parquet", "ndjson"])("kdiag export --format %s read back by DuckDB", (format) => {
  it("latency percentiles per API and per client id equal kafka --stats --json", async () => {
    const stats = JSON.parse((await run("kafka", "--stats", "--json", capture)).stdout) as {
      by_api: Array<Record<string, unknown>>;
      by_client: Array<Record<string, unknown>>;
    };
    // quantile_disc is what the README's queries use; the nearest-rank expression is the definition.
    const cols = `count(*)::int as count, count(latency_ms)::int as answered, quantile_disc(latency_ms, 0.5) as p50_ms, quantile_disc(latency_ms, 0.95) as p95_ms, quantile_disc(latency_ms, 0.99) as p99_ms, max(latency_ms) as max_ms,
      count(*) filter (where status = 'unanswered')::int as unanswered`;
    const definition = await query(`select client_id, ${nearestRank(0.5)} as a, quantile_disc(latency_ms, 0.5) as b, ${nearestRank(0.95)} as c, quantile_disc(latency_ms, 0.95) as d, ${nearestRank(0.99)} as e, quantile_disc(latency_ms, 0.99) as f from ${read(format, "exchanges")} group by all`);
    for (const r of definition) expect([r.a, r.c, r.e]).toEqual([r.b, r.d, r.f]);
    const byApi = await query(`select api_key::int as api_key, api_name, ${cols} from ${read(format, "exchanges")} where host = 'broker-1' group by all order by api_key`);
    expect(byApi).toEqual(stats.by_api.map(({ api_key, api_name, count, answered, p50_ms, p95_ms, p99_ms, max_ms, unanswered }) => ({ api_key, api_name, count, answered, p50_ms, p95_ms, p99_ms, max_ms, unanswered })));
    const byClient = await query(`select client_id, ${cols} from ${read(format, "exchanges")} where host = 'broker-1' group by all order by client_id`);
    expect(byClient).toEqual(stats.by_client.map(({ client_id, count, answered, p50_ms, p95_ms, p99_ms, max_ms, unanswered }) => ({ client_id, count, answered, p50_ms, p95_ms, p99_ms, max_ms, unanswered })));
    expect(byClient.map((r) => r.client_id)).toEqual(["audit-svc", "big-producer", "billing-svc", "orders-reader", "orders-svc"]);
  });

  it("rows have the keys of the --json outputs, after host and capture; many hosts are one query", async () => {
    const flows = JSON.parse((await run("flows", "--json", capture)).stdout).connections as object[];
    const exchanges = JSON.parse((await run("kafka", "--json", capture)).stdout).exchanges as object[];
    const findings = JSON.parse((await run("analyze", "--json", capture)).stdout).findings as object[];
    const columns = async (table: string) => (await query(`describe select * from ${read(format, table)}`)).map((r) => r.column_name);
    expect(await columns("connections")).toEqual(["host", "capture", ...Object.keys(flows[0]!)]);
    expect(await columns("exchanges")).toEqual(["host", "capture", ...Object.keys(exchanges[0]!)]);
    // A finding's time and confidence are left out of --json when a rule has none; here they are null.
    expect(new Set(await columns("findings"))).toEqual(new Set(["host", "capture", "time", "confidence", ...Object.keys(findings[0]!)]));
    const perHost = await query(`select host, count(*)::int as n from ${read(format, "connections")} group by host order by host`);
    expect(perHost).toEqual([{ host: "broker-1", n: flows.length }, { host: "broker-2", n: 3 }]);
    // Which hosts saw middlebox resets: the firewall-idle findings of the second capture.
    const resets = await query(`select host, count(*)::int as n from ${read(format, "findings")} where rule = 'firewall-idle' group by host`);
    expect(resets).toEqual([{ host: "broker-2", n: 2 }]);
    const row = await query(`select capture, connection, request_packets, errors from ${read(format, "exchanges")} where host = 'broker-1' and api_name = 'Produce' and ${format === "parquet" ? "json_array_length(errors) > 0" : "len(errors) > 0"}`);
    expect(row).toHaveLength(1);
    expect(row[0]!.capture).toBe(capture);
  });
});

describe("docs/export.md", () => {
  it("lists every column of every table with its type and meaning, as src/export/tables.ts has them", () => {
    const doc = readFileSync("docs/export.md", "utf8");
    for (const t of TABLES) {
      const section = doc.split(`## ${t.name}\n`)[1]?.split("\n## ")[0] ?? "";
      const rows = section.split("\n").filter((l) => l.startsWith("| `"));
      expect(rows).toEqual(t.columns.map((c) => `| \`${c.key}\` | ${c.type} | ${c.doc} |`));
    }
  });
});

describe("kdiag export errors", () => {
  it("a capture that cannot be read is exit 3 and leaves no tables behind", async () => {
    const out = join(tmp, "failed");
    const r = await run("export", "--format", "ndjson", "--separate", "--out", out, "test/fixtures/real/normal.pcap", join(tmp, "missing.pcap"));
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`kdiag: ${join(tmp, "missing.pcap")}: offset 0: no such file`);
    expect(readdirSync(out)).toEqual([]);
  });

  it("a bad --format or a missing --out is a usage error (exit 2)", async () => {
    const bad = await run("export", "--format", "csv", "--out", tmp, capture);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("kdiag: --format csv: expected ndjson or parquet");
    const noOut = await run("export", capture);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr.trim()).toBe("kdiag: export needs --out DIR: where to write connections, exchanges and findings");
  });
});
