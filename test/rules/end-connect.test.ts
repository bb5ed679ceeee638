/**
 * Connection attempts the broker refused (SYN answered by RST) or never answered, on small
 * synthetic captures: the end kinds connect-refused / connect-unanswered, the count of refused
 * attempts after another connection's end (only those before the broker accepted again), and the
 * causes they lead to. Includes the cases that must not conclude (a lone SYN at the capture's end,
 * a broker that was back before the next attempt).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { buildEndFacts } from "../../src/rules/end-facts.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles } from "../../src/rules/index.js";
import { Scenario, writePcap, type TestPacket } from "../tcp/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kdiag-connect-"));

/** A connection the broker closes with a FIN after `idleMs` of silence, starting at t0 ms. */
function idleClosed(port: number, t0: number, idleMs: number): Scenario {
  const s = new Scenario("10.0.0.1", port).handshake(t0);
  s.c({ t: t0 + 20, f: "PA", seq: 1001, ack: 5001, len: 100 });
  s.s({ t: t0 + 25, f: "PA", seq: 5001, ack: 1101, len: 50 });
  s.c({ t: t0 + 30, f: "A", seq: 1101, ack: 5051 });
  s.s({ t: t0 + 30 + idleMs, f: "FA", seq: 5051, ack: 1101 });
  s.c({ t: t0 + 31 + idleMs, f: "FA", seq: 1101, ack: 5052 });
  s.s({ t: t0 + 32 + idleMs, f: "A", seq: 5052, ack: 1102 });
  return s;
}

/** A SYN the broker's host answers with a RST. */
function refused(port: number, t: number): Scenario {
  return new Scenario("10.0.0.1", port).c({ t, f: "S", seq: 7000 }).s({ t: t + 0.1, f: "RA", seq: 0, ack: 7001 });
}

/** A SYN sent `times` times, 1 s apart, never answered. */
function unanswered(port: number, t: number, times: number): Scenario {
  const s = new Scenario("10.0.0.1", port);
  for (let i = 0; i < times; i++) s.c({ t: t + i * 1000, f: "S", seq: 8000 });
  return s;
}

async function analyse(name: string, scenarios: Scenario[]) {
  const packets: TestPacket[] = scenarios.flatMap((s) => s.packets).sort((a, b) => a.tsUs - b.tsUs);
  const file = join(dir, `${name}.pcap`);
  writePcap(file, packets);
  const capture = await analyseCapture(file, { registry: createRegistry() });
  const ends = buildEndFacts(capture);
  const byPort = (port: number) => {
    const c = capture.connections.find((x) => x.client.port === port);
    if (!c) throw new Error(`no connection from port ${port}`);
    return ends[c.id]!.end;
  };
  const rules = loadRuleFiles([BUILTIN_RULES_DIR]).rules;
  const causes = (port: number) =>
    evaluateRules(rules, capture)
      .filter((f) => f.scope === "end" && capture.connections[f.evidence.connection!]?.client.port === port)
      .map((f) => `${f.rule}:${f.severity}`);
  return { byPort, causes };
}

describe("connection attempts refused or unanswered", () => {
  it("a SYN answered by RST is connect-refused; the broker's earlier close counts the refusals after it", async () => {
    const r = await analyse("refused", [idleClosed(40001, 0, 3000), refused(40002, 4000), refused(40003, 5000)]);
    expect(r.byPort(40002).kind).toBe("connect-refused");
    expect(r.byPort(40002).syn_count).toBe(1n);
    expect(r.byPort(40001).kind).toBe("fin");
    expect(r.byPort(40001).later_connects_refused).toBe(2n);
    expect(r.byPort(40001).later_connects_answered).toBe(0n);
    // The idle close is the broker going away, not its idle reaper: the port stopped listening.
    expect(r.causes(40001)).toEqual(["broker-gone:warning"]);
    expect(r.causes(40002)).toEqual(["connection-refused:warning"]);
    expect(r.causes(40003)).toEqual(["connection-refused:warning"]);
  });

  it("counts only the refusals before the broker accepted again (a restart long after is another story)", async () => {
    const r = await analyse("back", [idleClosed(40011, 0, 3000), idleClosed(40012, 4000, 2000), refused(40013, 60_000)]);
    expect(r.byPort(40011).later_connects_refused).toBe(0n);
    expect(r.byPort(40011).later_connects_answered).toBe(1n);
    expect(r.causes(40011)).toEqual(["broker-idle-close:info"]);
    // The refusal a minute later still concerns the second connection: the next attempt after it.
    expect(r.byPort(40012).later_connects_refused).toBe(1n);
  });

  it("a SYN sent again and never answered is connect-unanswered; a lone SYN at the capture's end concludes nothing", async () => {
    const r = await analyse("unanswered", [unanswered(40021, 0, 3), unanswered(40022, 10_000, 1)]);
    expect(r.byPort(40021).kind).toBe("connect-unanswered");
    expect(r.byPort(40021).syn_count).toBe(3n);
    // No Kafka was seen on that port in this capture: said at info, not as a broker problem.
    expect(r.causes(40021)).toEqual(["connection-refused:info"]);
    expect(r.byPort(40022).kind).toBe("open");
    expect(r.causes(40022)).toEqual([]);
  });

  it("a connection caught after its handshake is not a failed connect", async () => {
    const s = new Scenario("10.0.0.1", 40031);
    s.c({ t: 0, f: "PA", seq: 1001, ack: 5001, len: 100 });
    s.s({ t: 5, f: "RA", seq: 5001, ack: 1101 });
    const r = await analyse("midstream", [s]);
    expect(r.byPort(40031).syn_count).toBe(0n);
    expect(r.byPort(40031).kind).toBe("rst");
  });
});
