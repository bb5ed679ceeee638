/**
 * The stand-in broker's group coordinator (scripts/kafka-standin/groups.ts, broker.ts --groups),
 * which made set E's consumer-group captures: the answers a real client sees, in Kafka's order,
 * driven request by request with fake timers (no network).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { GroupCoordinator, type GroupRequest } from "../../scripts/kafka-standin/groups.js";

type Answer = Record<string, unknown>;

/** A request and the answer it got (null while the coordinator holds it). */
function call(
  fn: (conn: number, r: GroupRequest, reply: (b: Answer) => void) => void,
  version: number,
  body: Record<string, unknown>,
  clientId = "c",
): { answer: Answer | null } {
  const out = { answer: null as Answer | null };
  fn(1, { version, clientId, body: body as GroupRequest["body"] }, (b) => { out.answer = b; });
  return out;
}

const GROUP = "g";
const join = (g: GroupCoordinator, version: number, memberId: string, clientId = "c") =>
  call(g.joinGroup.bind(g), version, {
    group_id: GROUP, session_timeout_ms: 6000, rebalance_timeout_ms: 30000, member_id: memberId,
    protocol_type: "consumer", protocols: [{ name: "range", metadata: "0a0b" }],
  }, clientId);
const heartbeat = (g: GroupCoordinator, memberId: string, generation: number) =>
  call(g.heartbeat.bind(g), 3, { group_id: GROUP, member_id: memberId, generation_id: generation });
const sync = (g: GroupCoordinator, memberId: string, generation: number, assignments: { member_id: string; assignment: string }[] = []) =>
  call(g.syncGroup.bind(g), 3, { group_id: GROUP, member_id: memberId, generation_id: generation, assignments });
const leave = (g: GroupCoordinator, memberId: string) =>
  call(g.leaveGroup.bind(g), 1, { group_id: GROUP, member_id: memberId });

describe("the stand-in's group coordinator", () => {
  let g: GroupCoordinator;
  beforeEach(() => {
    vi.useFakeTimers();
    g = new GroupCoordinator({ initialRebalanceDelayMs: 3000, log: () => {} });
  });
  afterEach(() => vi.useRealTimers());

  it("a new member at JoinGroup v4+ gets MEMBER_ID_REQUIRED with its id, then its join is held for the initial delay", () => {
    const first = join(g, 5, "", "rdk");
    expect(first.answer).toMatchObject({ error_code: 79 });
    const id = first.answer!.member_id as string;
    expect(id).toMatch(/^rdk-/);
    const second = join(g, 5, id, "rdk");
    expect(second.answer).toBeNull();
    vi.advanceTimersByTime(2999);
    expect(second.answer).toBeNull();
    vi.advanceTimersByTime(1);
    expect(second.answer).toMatchObject({ error_code: 0, generation_id: 1, leader: id, member_id: id, protocol_name: "range" });
    expect(second.answer!.members).toEqual([{ member_id: id, group_instance_id: null, metadata: "0a0b" }]);
  });

  it("JoinGroup v2 has no MEMBER_ID_REQUIRED: the member is created at once", () => {
    const j = join(g, 2, "", "kp");
    expect(j.answer).toBeNull();
    vi.advanceTimersByTime(3000);
    expect(j.answer).toMatchObject({ error_code: 0, generation_id: 1 });
  });

  it("a member joining a stable group: REBALANCE_IN_PROGRESS to the others' heartbeats, the join held until all rejoined, the leader's assignment handed out", () => {
    const a = join(g, 2, "");
    vi.advanceTimersByTime(3000);
    const idA = a.answer!.member_id as string;
    sync(g, idA, 1, [{ member_id: idA, assignment: "aa" }]);
    expect(heartbeat(g, idA, 1).answer).toEqual({ error_code: 0 });

    const b = join(g, 2, "");
    expect(b.answer).toBeNull();
    expect(heartbeat(g, idA, 1).answer).toEqual({ error_code: 27 });
    const aAgain = join(g, 2, idA);
    expect(aAgain.answer).toMatchObject({ error_code: 0, generation_id: 2, leader: idA });
    expect((aAgain.answer!.members as unknown[]).length).toBe(2);
    const idB = b.answer!.member_id as string;
    expect(b.answer).toMatchObject({ error_code: 0, generation_id: 2, leader: idA, members: [] });

    const bSync = sync(g, idB, 2);
    expect(bSync.answer).toBeNull();
    const aSync = sync(g, idA, 2, [{ member_id: idA, assignment: "a1" }, { member_id: idB, assignment: "b1" }]);
    expect(aSync.answer).toMatchObject({ error_code: 0, assignment: "a1" });
    expect(bSync.answer).toMatchObject({ error_code: 0, assignment: "b1" });
    expect(heartbeat(g, idB, 1).answer).toEqual({ error_code: 22 });
    expect(heartbeat(g, "nobody", 2).answer).toEqual({ error_code: 25 });
  });

  it("a member that leaves while its JoinGroup is held: that JoinGroup is answered UNKNOWN_MEMBER_ID, then the LeaveGroup", () => {
    const a = join(g, 2, "");
    vi.advanceTimersByTime(3000);
    const idA = a.answer!.member_id as string;
    sync(g, idA, 1, [{ member_id: idA, assignment: "aa" }]);
    const first = join(g, 5, "");
    const idD = first.answer!.member_id as string;
    const held = join(g, 5, idD);
    expect(held.answer).toBeNull();
    const left = leave(g, idD);
    expect(held.answer).toMatchObject({ error_code: 25 });
    expect(left.answer).toMatchObject({ error_code: 0 });
  });

  it("a member silent for its session timeout is removed and the others rebalance", () => {
    const a = join(g, 2, "");
    const b = join(g, 2, "");
    vi.advanceTimersByTime(3000);
    const idA = a.answer!.member_id as string;
    const idB = b.answer!.member_id as string;
    sync(g, idA, 1, [{ member_id: idA, assignment: "a" }, { member_id: idB, assignment: "b" }]);
    sync(g, idB, 1);
    // Generation 1 began at 3 s; b's last sign of life was its SyncGroup then.
    for (let t = 0; t < 3; t++) {
      vi.advanceTimersByTime(1900);
      expect(heartbeat(g, idA, 1).answer).toEqual({ error_code: 0 });
    }
    vi.advanceTimersByTime(400);
    // 6.1 s without a word from b: gone; a learns of the rebalance and is alone in generation 2.
    expect(heartbeat(g, idA, 1).answer).toEqual({ error_code: 27 });
    const again = join(g, 2, idA);
    expect(again.answer).toMatchObject({ error_code: 0, generation_id: 2, leader: idA });
    expect(again.answer!.members).toEqual([{ member_id: idA, group_instance_id: null, metadata: "0a0b" }]);
  });

  it("offsets committed in a generation are fetched back; a commit while the group completes a rebalance is refused", () => {
    const a = join(g, 2, "");
    vi.advanceTimersByTime(3000);
    const idA = a.answer!.member_id as string;
    const commit = (generation: number) => call(g.offsetCommit.bind(g), 2, {
      group_id: GROUP, generation_id_or_member_epoch: generation, member_id: idA,
      topics: [{ name: "t", partitions: [{ partition_index: 0, committed_offset: 42n, committed_metadata: "" }] }],
    });
    expect(commit(1).answer).toMatchObject({ topics: [{ name: "t", partitions: [{ partition_index: 0, error_code: 27 }] }] });
    sync(g, idA, 1, [{ member_id: idA, assignment: "a" }]);
    expect(commit(1).answer).toMatchObject({ topics: [{ name: "t", partitions: [{ partition_index: 0, error_code: 0 }] }] });
    const fetched = call(g.offsetFetch.bind(g), 5, { group_id: GROUP, topics: [{ name: "t", partition_indexes: [0, 1] }] });
    expect(fetched.answer).toMatchObject({
      error_code: 0,
      topics: [{ name: "t", partitions: [{ partition_index: 0, committed_offset: 42n }, { partition_index: 1, committed_offset: -1n }] }],
    });
  });
});
