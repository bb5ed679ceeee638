/**
 * A request the client gave up on that never got an answer (real Kafka drops the answer to a
 * channel closed on the client's EOF): broker-stalled when the same broker answered the same API
 * far faster elsewhere in the capture, never for the APIs the broker holds by design (a rebalance's
 * JoinGroup), and never when the client gave up within the broker's usual latency. Small synthetic
 * captures: four answered requests of one API (5 ms each), a fifth left unanswered, the client's
 * FIN after `giveUpMs`, the broker's FIN.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import { requestHeaderVersion, responseHeaderVersion } from "../../dissectors/kafka/schema/decode.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { buildEndFacts } from "../../src/rules/end-facts.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles } from "../../src/rules/index.js";
import { encode, encodeRequestHeader, encodeResponseHeader, sample, Writer } from "../kafka/encoder.js";
import { Scenario, writePcap } from "../tcp/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kdiag-stall-"));

function message(apiKey: number, corr: number, request: boolean): Uint8Array {
  const api = APIS.find((a) => a.key === apiKey)!;
  const v = api.valid[0] + (apiKey === 0 ? 3 : 0);
  const flexible = api.flex !== null && v >= api.flex;
  const w = new Writer();
  if (request) {
    const body = sample(api.req, v, flexible, "full");
    if (apiKey === 0) body.acks = 1;
    encodeRequestHeader(w, requestHeaderVersion(apiKey, v)!, apiKey, v, corr, "stall-test");
    w.raw(encode(api.req, body, v, flexible).bytes);
  } else {
    encodeResponseHeader(w, responseHeaderVersion(apiKey, v)!, corr);
    w.raw(encode(api.res, sample(api.res, v, flexible, "full"), v, flexible).bytes);
  }
  const out = new Uint8Array(4 + w.length);
  new DataView(out.buffer).setInt32(0, w.length);
  out.set(w.bytes(), 4);
  return out;
}

async function run(name: string, apiKey: number, giveUpMs: number) {
  const s = new Scenario("10.0.0.1", 41000, "10.0.0.2", 9092);
  let c = 1001;
  let b = 5001;
  s.c({ t: 0, f: "S", seq: 1000 }).s({ t: 0.2, f: "SA", seq: 5000, ack: 1001 }).c({ t: 0.4, f: "A", seq: 1001, ack: 5001 });
  let t = 10;
  for (let corr = 1; corr <= 5; corr++, t += 100) {
    const rq = message(apiKey, corr, true);
    s.c({ t, f: "PA", seq: c, ack: b, data: rq });
    c += rq.length;
    if (corr === 5) {
      // The broker's kernel acknowledges the last request; its process never answers.
      s.s({ t: t + 0.2, f: "A", seq: b, ack: c });
      break;
    }
    const rs = message(apiKey, corr, false);
    s.s({ t: t + 5, f: "PA", seq: b, ack: c, data: rs });
    b += rs.length;
    s.c({ t: t + 5.2, f: "A", seq: c, ack: b });
  }
  s.c({ t: t + giveUpMs, f: "FA", seq: c, ack: b });
  s.s({ t: t + giveUpMs + 0.2, f: "A", seq: b, ack: c + 1 });
  s.s({ t: t + giveUpMs + 1500, f: "FA", seq: b, ack: c + 1 });
  s.c({ t: t + giveUpMs + 1500.2, f: "A", seq: c + 1, ack: b + 1 });
  const file = join(dir, `${name}.pcap`);
  writePcap(file, s.packets);
  const capture = await analyseCapture(file, { registry: createRegistry() });
  const end = buildEndFacts(capture)[0]!.end;
  const causes = evaluateRules(loadRuleFiles([BUILTIN_RULES_DIR]).rules, capture)
    .filter((f) => f.scope === "end")
    .map((f) => `${f.rule}:${f.severity}`);
  return { end, causes };
}

describe("a request the client gave up on, never answered", () => {
  it("a Produce unanswered for 2 s where the broker answers in 5 ms: broker-stalled", async () => {
    const r = await run("produce", 0, 2000);
    expect(r.end.silent_api).toBe("Produce");
    expect(r.end.silent_wait_ms).toBeCloseTo(2000, 0);
    expect(r.end.silent_usual_samples).toBe(4n);
    expect(r.end.silent_usual_p99_ms).toBeCloseTo(5, 1);
    expect(r.causes).toEqual(["broker-stalled:warning"]);
  });

  it("a JoinGroup (a rebalance waits for the group's members by design): the client's own close", async () => {
    const r = await run("joingroup", 11, 2000);
    expect(r.end.silent_wait_ms).toBeUndefined();
    expect(r.causes).toEqual(["client-abort:info"]);
  });

  it("a Produce given up on after 300 ms (under the 500 ms floor): the client's own close", async () => {
    const r = await run("short", 0, 300);
    expect(r.end.silent_wait_ms).toBeCloseTo(300, 0);
    expect(r.causes).toEqual(["client-abort:info"]);
  });
});
