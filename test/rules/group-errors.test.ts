/**
 * Error codes that are steps of the consumer group protocol, not failures: a new member's first
 * JoinGroup answered MEMBER_ID_REQUIRED (KIP-394: it joins again with the id it was given), a
 * Heartbeat answered REBALANCE_IN_PROGRESS (the member rejoins). A healthy group's start or scale-out
 * must not raise a warning; UNKNOWN_MEMBER_ID (the member was dropped from its group) still does.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles } from "../../src/rules/index.js";
import { kafkaMessage } from "../kafka/wire.js";
import { Scenario, writePcap } from "../tcp/helpers.js";

const dir = mkdtempSync(join(tmpdir(), "kdiag-group-errors-"));

/** One connection: `apiKey` answered with `errorCode`, then a clean close by the client. */
async function findings(name: string, apiKey: number, errorCode: number) {
  const s = new Scenario("10.0.0.1", 42000, "10.0.0.2", 9092);
  s.c({ t: 0, f: "S", seq: 1000 }).s({ t: 0.2, f: "SA", seq: 5000, ack: 1001 }).c({ t: 0.4, f: "A", seq: 1001, ack: 5001 });
  const rq = kafkaMessage(apiKey, 1, true);
  const rs = kafkaMessage(apiKey, 1, false, { error_code: errorCode });
  s.c({ t: 10, f: "PA", seq: 1001, ack: 5001, data: rq });
  s.s({ t: 12, f: "PA", seq: 5001, ack: 1001 + rq.length, data: rs });
  const c = 1001 + rq.length;
  const b = 5001 + rs.length;
  s.c({ t: 20, f: "FA", seq: c, ack: b }).s({ t: 20.2, f: "FA", seq: b, ack: c + 1 }).c({ t: 20.4, f: "A", seq: c + 1, ack: b + 1 });
  const file = join(dir, `${name}.pcap`);
  writePcap(file, s.packets);
  const capture = await analyseCapture(file, { registry: createRegistry() });
  expect(capture.exchanges[0]!.fields["kafka.error"]).toEqual([errorCode]);
  return evaluateRules(loadRuleFiles([BUILTIN_RULES_DIR]).rules, capture).map((f) => `${f.rule}:${f.severity}`);
}

/**
 * One connection: a JoinGroup held by the broker (a rebalance), the member's own LeaveGroup sent
 * meanwhile (its consumer was closed), the JoinGroup answered `joinError` only then, the LeaveGroup
 * answered, the client's close. With `leaveAfterAnswer` the LeaveGroup goes out only after the
 * JoinGroup's answer instead.
 */
async function leaveWhileJoinHeld(name: string, joinError: number, leaveAfterAnswer = false) {
  const s = new Scenario("10.0.0.1", 42000, "10.0.0.2", 9092);
  s.c({ t: 0, f: "S", seq: 1000 }).s({ t: 0.001, f: "SA", seq: 5000, ack: 1001 }).c({ t: 0.002, f: "A", seq: 1001, ack: 5001 });
  const join = kafkaMessage(11, 1, true);
  const leave = kafkaMessage(13, 2, true);
  const joinAnswer = kafkaMessage(11, 1, false, { error_code: joinError });
  const leaveAnswer = kafkaMessage(13, 2, false, { error_code: 0 });
  let c = 1001;
  let b = 5001;
  s.c({ t: 1, f: "PA", seq: c, ack: b, data: join });
  c += join.length;
  s.s({ t: 1.0002, f: "A", seq: b, ack: c });
  if (!leaveAfterAnswer) {
    s.c({ t: 2.1, f: "PA", seq: c, ack: b, data: leave });
    c += leave.length;
  }
  s.s({ t: 2.1003, f: "PA", seq: b, ack: c, data: joinAnswer });
  b += joinAnswer.length;
  if (leaveAfterAnswer) {
    s.c({ t: 2.1005, f: "PA", seq: c, ack: b, data: leave });
    c += leave.length;
  }
  s.s({ t: 2.1007, f: "PA", seq: b, ack: c, data: leaveAnswer });
  b += leaveAnswer.length;
  s.c({ t: 2.2, f: "FA", seq: c, ack: b }).s({ t: 2.2002, f: "FA", seq: b, ack: c + 1 }).c({ t: 2.2004, f: "A", seq: c + 1, ack: b + 1 });
  const file = join2(name);
  writePcap(file, s.packets);
  const capture = await analyseCapture(file, { registry: createRegistry() });
  const ex = capture.exchanges.find((e) => e.fields["kafka.api_key"] === 11)!;
  expect(ex.fields["kafka.error"]).toEqual([joinError]);
  return evaluateRules(loadRuleFiles([BUILTIN_RULES_DIR]).rules, capture).map((f) => `${f.rule}:${f.severity}`);
}
const join2 = (name: string): string => join(dir, `${name}.pcap`);

describe("consumer group protocol errors", () => {
  // Kafka's GroupCoordinator answers the held JoinGroup of a member that leaves with
  // UNKNOWN_MEMBER_ID (removeMemberAndUpdateGroup), then the LeaveGroup: the member left on purpose
  // (set E's churn-rdk captures, librdkafka closed during a rebalance).
  it("a held JoinGroup answered UNKNOWN_MEMBER_ID because the member itself left meanwhile: no warning", async () => {
    expect(await leaveWhileJoinHeld("left-while-held", 25)).toEqual([]);
  });

  it("a JoinGroup answered UNKNOWN_MEMBER_ID before any LeaveGroup (the member was dropped): a warning", async () => {
    expect(await leaveWhileJoinHeld("dropped-then-left", 25, true)).toEqual(["kafka-error-responses:warning"]);
  });

  it("another error on the held JoinGroup of a member that left is still a warning", async () => {
    expect(await leaveWhileJoinHeld("left-while-held-other-error", 23)).toEqual(["kafka-error-responses:warning"]);
  });

  it("JoinGroup answered MEMBER_ID_REQUIRED (a new member's first join): no warning", async () => {
    expect(await findings("member-id-required", 11, 79)).toEqual([]);
  });

  it("Heartbeat answered REBALANCE_IN_PROGRESS (the member rejoins): no warning", async () => {
    expect(await findings("rebalance", 12, 27)).toEqual([]);
  });

  it("ApiVersions answered UNSUPPORTED_VERSION (a client newer than the broker negotiating, KIP-511): no warning", async () => {
    expect(await findings("apiversions-negotiation", 18, 35)).toEqual([]);
  });

  it("FindCoordinator answered UNSUPPORTED_VERSION is no negotiation: a warning", async () => {
    expect(await findings("findcoordinator-unsupported", 10, 35)).toEqual(["kafka-error-responses:warning"]);
  });

  it("Heartbeat answered UNKNOWN_MEMBER_ID (the member was dropped from its group): a warning", async () => {
    expect(await findings("unknown-member", 12, 25)).toEqual(["kafka-error-responses:warning"]);
  });
});
