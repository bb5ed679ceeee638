/**
 * `kdiag exchanges`: any protocol's requests and responses with Kafka's view (operation, client,
 * sizes, latency, errors, --stats), driven by the fields each protocol declares for its exchanges.
 * Through the CLI on the plugin captures (Redis RESP, BinKV: test/fixtures/plugins/README.md) and a
 * kcat capture, where it must agree with `kdiag kafka`.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const RESP = ["--plugin", "test/fixtures/plugins/resp.js"];
const RESP_PCAP = "test/fixtures/plugins/resp.pcap";
const BINKV = ["--plugin", "dissectors/example-binary/index.js"];
const BINKV_PCAP = "test/fixtures/plugins/binkv.pcap";
const KCAT = "test/fixtures/kcat/consume-none.pcap";

function kdiag(...args: string[]) {
  return spawnSync("node", ["bin/kdiag.js", ...args], { cwd: ROOT, encoding: "utf8" });
}

function json(...args: string[]) {
  const r = kdiag(...args);
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

interface Row {
  connection: number;
  protocol: string;
  operation: string | null;
  client_id: string | null;
  status: string;
  latency_ms: number | null;
  request_packets: [number, number] | null;
  response_packets: [number, number] | null;
  errors: Array<{ value: number | string; name: string }>;
  fields: Record<string, unknown>;
}

describe("kdiag exchanges", () => {
  it("Redis (a text plugin): each command with its operation, its error reply, the latency from the packets' times", () => {
    const rows: Row[] = json(...RESP, "exchanges", "--json", "--protocol", "resp", RESP_PCAP).exchanges;
    // Six connections, each SET, GET, INCR, GET, LPUSH (the capture's script, README.md).
    expect(rows.length).toBe(30);
    expect(rows.slice(0, 5).map((r) => r.operation)).toEqual(["SET", "GET", "INCR", "GET", "LPUSH"]);
    expect(new Set(rows.map((r) => r.protocol))).toEqual(new Set(["resp"]));
    const failed = rows.filter((r) => r.errors.length > 0);
    expect(failed.map((r) => r.operation)).toEqual(Array(6).fill("LPUSH"));
    expect(failed[0]!.errors[0]!.name).toMatch(/^WRONGTYPE /);
    // Latency is response minus request time of the packets that completed them.
    const times = new Map<number, number>(json(...RESP, "packets", "--json", RESP_PCAP).packets.map((p: { number: number; time: number }) => [p.number, p.time]));
    for (const r of rows) {
      const want = Math.round((times.get(r.response_packets![1])! - times.get(r.request_packets![1])!) * 1e6) / 1e3;
      expect(r.latency_ms).toBeCloseTo(want, 3);
    }
    // Text: the protocol's own label and its operation column; no client column (it declares none).
    const text = kdiag(...RESP, "exchanges", RESP_PCAP).stdout.split("\n");
    expect(text[0]).toMatch(/^time\s+conn\s+protocol\s+operation\s+req\s+resp\s+latency\s+result\s+summary$/);
    expect(text[5]).toMatch(/^\d+\.\d{3}s\s+0\s+Redis\s+LPUSH\s+34\s+68\s+[\d.]+ms\s+WRONGTYPE Operation/);
  });

  it("--stats per operation, computed from the rows, errors named by the protocol's error field", () => {
    const rows: Row[] = json(...RESP, "exchanges", "--json", RESP_PCAP).exchanges;
    const stats = json(...RESP, "exchanges", "--stats", "--json", RESP_PCAP);
    expect(stats.by_operation.map((s: { operation: string; count: number }) => [s.operation, s.count])).toEqual([
      ["GET", 12],
      ["INCR", 6],
      ["LPUSH", 6],
      ["SET", 6],
    ]);
    const incr = rows.filter((r) => r.operation === "INCR").map((r) => r.latency_ms!).sort((a, b) => a - b);
    const incrStats = stats.by_operation.find((s: { operation: string }) => s.operation === "INCR");
    expect(incrStats.max_ms).toBe(incr[incr.length - 1]);
    expect(incrStats.p50_ms).toBe(incr[2]);
    const lpush = stats.by_operation.find((s: { operation: string }) => s.operation === "LPUSH");
    expect(Object.values(lpush.errors)).toEqual([6]);
    expect(stats.by_client).toEqual([]);
    const text = kdiag(...RESP, "exchanges", "--stats", RESP_PCAP).stdout;
    expect(text).toMatch(/^By operation\noperation\s+count\s+bytes\s+p50 ms\s+p95 ms\s+p99 ms\s+max ms\s+errors\n/);
    expect(text).not.toMatch(/By client id/);
  });

  it("BinKV (a binary plugin): value names for operation and error, the reset request unanswered, -Y on its fields", () => {
    const rows: Row[] = json(...BINKV, "exchanges", "--json", "--protocol", "binkv", BINKV_PCAP).exchanges;
    expect(rows.filter((r) => r.errors.length > 0).map((r) => [r.operation, r.errors.map((e) => e.name).join(",")])).toEqual([
      ["PUT", "VALUE_TOO_LARGE"],
      ["GET", "BAD_REQUEST"],
      ["GET", "SERVER_BUSY"],
    ]);
    // NOT_FOUND is an answer, not an error (binkv.error is absent with it).
    const notFound = rows.find((r) => r.fields["binkv.status"] === 1)!;
    expect([notFound.operation, notFound.errors]).toEqual(["GET", []]);
    expect(rows.filter((r) => r.status === "unanswered").map((r) => [r.connection, r.operation])).toEqual([[2, "GET"]]);
    const stats = json(...BINKV, "exchanges", "--stats", "--json", "--protocol", "binkv", BINKV_PCAP);
    const get = stats.by_operation.find((s: { operation: string }) => s.operation === "GET");
    expect([get.count, get.errors, get.unanswered]).toEqual([rows.filter((r) => r.operation === "GET").length, { BAD_REQUEST: 1, SERVER_BUSY: 1 }, 1]);
    const text = kdiag(...BINKV, "exchanges", "--stats", BINKV_PCAP).stdout;
    expect(text).toMatch(/^GET\s+6\s+\S+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+BAD_REQUEST=1 SERVER_BUSY=1 NO_RESPONSE=1$/m);
    const slow: Row[] = json(...BINKV, "exchanges", "--json", "-Y", "binkv.response_time > 300", BINKV_PCAP).exchanges;
    expect(slow.map((r) => r.fields["binkv.key"])).toEqual([["slow:report"], ["slow:report"], ["slow:other"]]);
  });

  it("Kafka: the same operations, clients and stats as kdiag kafka", () => {
    const rows: Row[] = json("exchanges", "--json", KCAT).exchanges;
    const kafka = json("kafka", "--json", KCAT).exchanges;
    expect(rows.map((r) => [r.operation, r.client_id, r.latency_ms])).toEqual(kafka.map((e: { api_name: string; client_id: string; latency_ms: number }) => [e.api_name, e.client_id, e.latency_ms]));
    const stats = json("exchanges", "--stats", "--json", "--protocol", "kafka", KCAT);
    const kstats = json("kafka", "--stats", "--json", KCAT);
    const strip = (s: Record<string, unknown>) => ({ ...s, protocol: undefined, operation: undefined, api_key: undefined, api_name: undefined });
    const byOperation = Object.fromEntries(stats.by_operation.map((s: { operation: string }) => [s.operation, strip(s)]));
    expect(Object.keys(byOperation).length).toBeGreaterThan(3);
    expect(byOperation).toEqual(Object.fromEntries(kstats.by_api.map((s: { api_name: string }) => [s.api_name, strip(s)])));
    expect(stats.by_client.map((s: { client_id: string; p99_ms: number }) => [s.client_id, s.p99_ms])).toEqual(kstats.by_client.map((s: { client_id: string; p99_ms: number }) => [s.client_id, s.p99_ms]));
  });

  it("an unknown --protocol is a usage error naming the loaded ones (exit 2)", () => {
    const r = kdiag(...RESP, "exchanges", "--protocol", "redis", RESP_PCAP);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("kdiag: --protocol redis: no stream dissector of that name is loaded (loaded: kafka, tls, resp; a plugin's with --plugin)");
  });
});

describe("kdiag kafka: an answer that reached a closed socket", () => {
  // matrix set D: the broker stopped (SIGSTOP) until librdkafka's 2 s request timeout closed two
  // connections; the broker answered both requests after the client's FIN (packets 17 and 24).
  it("is LATE, not ok; the answers that reached the client stay ok", () => {
    const r = spawnSync("node", ["bin/kdiag.js", "kafka", "test/fixtures/matrix/conditions/hung-rdk-client.pcap.gz"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split("\n").slice(1);
    const late = rows.filter((l) => l.endsWith("LATE (after client close)"));
    expect(late.map((l) => l.split(/\s+/).slice(1, 5).join(" "))).toEqual(["0 Produce v7 5", "1 ApiVersions v3 6"]);
    expect(rows.filter((l) => l.endsWith(" ok"))).toHaveLength(rows.length - 2);
  });
});
