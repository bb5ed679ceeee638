/**
 * Aggregate facts (scope group): what a group rule sees and reports on real captures, and the
 * rule files that use them (rules/aggregates.yaml, a user's reconnect rule) run through
 * `kdiag rules test` as a CI job would.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { percentile } from "../../src/facts/aggregate.js";
import { evaluateRules, type Finding } from "../../src/rules/index.js";
import { brief, load, rule } from "./helpers.js";

const kdiag = (...args: string[]) => spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
const analyse = (f: string): Promise<AnalysedCapture> => analyseCapture(f, { registry: createRegistry() });

const caps: Record<string, AnalysedCapture> = {};
beforeAll(async () => {
  caps.slow = await analyse("test/fixtures/aggregates/slow-fetch.pcap.gz");
  caps.storm = await analyse("test/fixtures/aggregates/reconnect-storm.pcap.gz");
  caps.longpoll = await analyse("test/fixtures/matrix/controls/longpoll-kcat-v6-client.pcap.gz");
});

/** Findings of rules that must load cleanly. */
function run(text: string, capture: AnalysedCapture): Finding[] {
  const r = load(text);
  expect(r.problems).toEqual([]);
  return evaluateRules(r.rules, capture);
}

describe("group facts", () => {
  it("percentiles are nearest-rank", () => {
    const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([percentile(v, 50), percentile(v, 90), percentile(v, 99), percentile(v, 100)]).toEqual([5, 9, 10, 10]);
    expect(percentile([42], 99)).toBe(42);
  });

  it("a slow broker: latency and the wait the client asked for (tshark shows max_wait 100, frame 20 -> 22 in 1.3048 s)", () => {
    const f = run(
      rule("probe", "group", 'group.by == "api_client" && group.api_name == "Fetch"', '  output: "{group.key} n={group.exchanges} answered={group.answered} wait={group.max_wait_ms} p99={group.latency_p99_ms} beyond={group.latency_beyond_wait_p99_ms}"').replace('  output: "x"\n', ""),
      caps.slow!,
    );
    expect(f.map((x) => x.message)).toEqual(["Fetch/agg-slow-consumer n=8 answered=7 wait=100 p99=1304.761 beyond=1204.761"]);
    // Evidence: the exchange at or above p99 (the slowest: the condition reads no latency fact, so
    // latency is what it shows), its time the response's.
    expect(f[0]!.evidence.packets).toEqual([20, 22]);
    expect(f[0]!.evidence.connection).toBe(0);
    expect(f[0]!.time).toBe(f[0]!.evidence.times[1]);
    expect(f[0]!.evidence.details).toEqual({ group: "api_client", key: "Fetch/agg-slow-consumer", evidence: ["latency"], connections: [0] });
  });

  it("a long poll: p99 latency at the 4 s wait, about 11 ms beyond it", () => {
    const f = run(rule("probe", "group", 'group.by == "api" && group.latency_p99_ms > 4000.0 && group.latency_beyond_wait_p99_ms < 50.0'), caps.longpoll!);
    expect(f.map((x) => x.evidence.details?.key)).toEqual(["Fetch"]);
  });

  it("a reconnect storm: 30 reconnects in the peak minute, evidence the SYNs (at most 20), time the last of them", () => {
    const f = run(rule("probe", "group", 'group.by == "client" && group.reconnects_per_minute >= 30', '  exceptions: [{name: x, fields: group.client_id, values: [someone-else]}]'), caps.storm!);
    expect(f).toHaveLength(1);
    const e = f[0]!.evidence;
    expect(e.packets).toHaveLength(20);
    expect(e.details).toMatchObject({ group: "client", key: "agg-storm-consumer", evidence: ["reconnects"] });
    expect(e.connection).toBeUndefined();
    expect(f[0]!.time).toBe(e.times[e.times.length - 1]);
    // The evidence packets are SYNs of the reconnects: the first connection is not one.
    const syn = caps.storm!.connections.map((c) => c.synPacket);
    expect(e.packets.every((p) => syn.slice(1).includes(p))).toBe(true);
  });

  it("one group of every kind; connection groups know their client id", () => {
    const f = run(rule("probe", "group", "true", '  output: "{group.by} {group.key} {group.client_id}"').replace('  output: "x"\n', ""), caps.slow!);
    expect(f.map((x) => x.message).sort()).toEqual([
      "api ApiVersions ?", "api Fetch ?", "api ListOffsets ?", "api Metadata ?",
      "api_client ApiVersions/agg-slow-consumer agg-slow-consumer", "api_client Fetch/agg-slow-consumer agg-slow-consumer",
      "api_client ListOffsets/agg-slow-consumer agg-slow-consumer", "api_client Metadata/agg-slow-consumer agg-slow-consumer",
      "client agg-slow-consumer agg-slow-consumer", "connection 0 agg-slow-consumer",
    ]);
  });

  it("refuses a window (a group spans the capture) and unknown group facts, with positions", () => {
    const r = load(rule("w", "group", "group.reconnects > 1", "  window: {count: 2, within: 60s}") + "\n" + rule("u", "group", "group.latency_p95_ms > 1.0"));
    expect(r.problems.map(brief)).toMatchObject([
      { code: "RULE_BAD_VALUE", line: 8 },
      { code: "RULE_UNKNOWN_FIELD", line: 14, col: 20 },
    ]);
  });
});

describe("docs/rules.md Aggregates examples", () => {
  const doc = readFileSync("docs/rules.md", "utf8");
  const section = doc.slice(doc.indexOf("## Aggregates (scope `group`)"));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;

  it("load and fire where they should, and only there", () => {
    expect(run(example, caps.slow!).map((f) => f.rule)).toEqual(["fetch-p99-slow"]);
    expect(run(example, caps.storm!).map((f) => f.rule)).toEqual(["client-reconnecting"]);
    expect(run(example, caps.longpoll!)).toEqual([]);
  });
});

describe("kdiag rules test on aggregate rule files", () => {
  it("the built-in fetch-slow: fires on the slow broker, quiet on long polls, busy traffic, exits, resets, a congested path", () => {
    const r = kdiag("rules", "test", "rules/aggregates.yaml");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^PASS rules\/aggregates\.yaml:\d+ a broker that answers every Fetch 1\.2 s late/m);
    expect(r.stdout).toMatch(/^PASS rules\/aggregates\.yaml:\d+ a Fetch lost on a congested 512 kbit\/s path/m);
    expect(r.stdout.trim().split("\n").at(-1)).toBe("7 tests, 7 passed, 0 failed");
  });

  it("a user's reconnect rule passes its tests, and fails them (exit 7) when its limit is raised past the storm", () => {
    const file = "test/fixtures/aggregates/client-reconnecting.yaml";
    const ok = kdiag("rules", "test", file);
    expect(ok.stderr).toBe("");
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split("\n").at(-1)).toBe("5 tests, 5 passed, 0 failed");
    const raised = kdiag("rules", "test", file, "--param", "reconnects_per_minute=40");
    expect(raised.status).toBe(7);
    expect(raised.stdout).toMatch(/^FAIL .*client-reconnecting\.yaml:16 a broker that resets/m);
    expect(raised.stdout).toContain("expected 1 finding of client-reconnecting saying \"client id agg-storm-consumer: 30 reconnects within a minute\", found 0");
    expect(raised.stdout.trim().split("\n").at(-1)).toBe("5 tests, 4 passed, 1 failed");
  });
});
