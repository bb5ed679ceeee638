/**
 * A minimal classic group coordinator for the stand-in broker (broker.ts --groups): JoinGroup,
 * SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and OffsetFetch, with the state machine of
 * Kafka's GroupCoordinator (Empty -> PreparingRebalance -> CompletingRebalance -> Stable), so that
 * real consumer-group clients can be captured doing what they do against a real broker:
 *
 * - a JoinGroup without a member id at v4+ is answered MEMBER_ID_REQUIRED (79) with a new member
 *   id (KIP-394); the member must rejoin with it within its session timeout;
 * - a join is held until every known member (and every member id handed out) has (re)joined, or
 *   the rebalance timeout ran out (the members that did not rejoin are removed); the first
 *   rebalance of an empty group waits group.initial.rebalance.delay.ms more (Kafka's default
 *   3000 ms, extended per new member up to the rebalance timeout);
 * - the leader's JoinGroup answer lists the members with their metadata, the others' lists are
 *   empty; the leader's SyncGroup hands each member its assignment;
 * - Heartbeat, SyncGroup and OffsetCommit answer REBALANCE_IN_PROGRESS (27) while a rebalance is
 *   pending, ILLEGAL_GENERATION (22) or UNKNOWN_MEMBER_ID (25) when the member is out of date;
 * - a member silent for its session timeout (no Heartbeat, Join, Sync or commit) is removed and the
 *   others rebalance; LeaveGroup removes it at once.
 *
 * One node, no persistence, no static membership (group.instance.id is accepted and echoed only).
 * Requests and answers use the field names of the generated protocol table, so every version the
 * table knows is answered by the same code.
 */
import { randomUUID } from "node:crypto";
import type { KafkaObject, KafkaValue } from "../../dissectors/kafka/schema/index.js";

type Obj = { [k: string]: Value };
type Value = null | boolean | number | bigint | string | Value[] | Obj;

/** The part of a request the coordinator reads. */
export interface GroupRequest {
  version: number;
  clientId: string | null | undefined;
  body: KafkaObject;
}
/** Answers the request (the broker encodes it; a closed connection drops it). */
export type GroupReply = (body: Obj) => void;

// Kafka error codes used here (clients/src/main/java/org/apache/kafka/common/protocol/Errors.java).
const NONE = 0;
const ILLEGAL_GENERATION = 22;
const INCONSISTENT_GROUP_PROTOCOL = 23;
const UNKNOWN_MEMBER_ID = 25;
const INVALID_SESSION_TIMEOUT = 26;
const REBALANCE_IN_PROGRESS = 27;
const MEMBER_ID_REQUIRED = 79;

// Kafka's broker defaults: group.min/max.session.timeout.ms.
const MIN_SESSION_MS = 6000;
const MAX_SESSION_MS = 1800000;

type State = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

interface Member {
  id: string;
  clientId: string;
  instanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  /** Protocol name -> metadata (hex), in the member's order of preference. */
  protocols: Map<string, string>;
  /** The held JoinGroup / SyncGroup answer, while one waits. */
  awaitingJoin: { reply: GroupReply; version: number } | null;
  awaitingSync: GroupReply | null;
  assignment: string;
  sessionTimer: NodeJS.Timeout | null;
}

interface Group {
  id: string;
  state: State;
  generation: number;
  protocolType: string | null;
  protocol: string | null;
  leader: string | null;
  members: Map<string, Member>;
  /** Member ids handed out with MEMBER_ID_REQUIRED, not yet rejoined: id -> expiry timer. */
  pending: Map<string, NodeJS.Timeout>;
  joinTimer: NodeJS.Timeout | null;
  /** The initial delay of an empty group's first rebalance, while it runs. */
  initialDelayUntil: number;
  /** topic -> partition -> committed offset and metadata. */
  offsets: Map<string, Map<number, { offset: bigint; metadata: string | null; epoch: number }>>;
}

const str = (v: KafkaValue | undefined): string => (typeof v === "string" ? v : "");
const optStr = (v: KafkaValue | undefined): string | null => (typeof v === "string" ? v : null);
const arr = (v: KafkaValue | undefined): KafkaObject[] => (Array.isArray(v) ? (v as KafkaObject[]) : []);
const num = (v: KafkaValue | undefined): number => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : 0);

export interface GroupCoordinatorOptions {
  /** group.initial.rebalance.delay.ms (Kafka's default 3000). */
  initialRebalanceDelayMs: number;
  log: (msg: string) => void;
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();

  constructor(private readonly o: GroupCoordinatorOptions) {}

  private group(id: string): Group {
    let g = this.groups.get(id);
    if (!g) {
      g = {
        id, state: "Empty", generation: 0, protocolType: null, protocol: null, leader: null,
        members: new Map(), pending: new Map(), joinTimer: null, initialDelayUntil: 0, offsets: new Map(),
      };
      this.groups.set(id, g);
    }
    return g;
  }

  private log(g: Group, msg: string): void {
    this.o.log(`group ${JSON.stringify(g.id)} gen ${g.generation} ${g.state}: ${msg}`);
  }

  private setState(g: Group, s: State): void {
    if (g.state !== s) this.o.log(`group ${JSON.stringify(g.id)}: ${g.state} -> ${s}`);
    g.state = s;
  }

  // ---- JoinGroup --------------------------------------------------------------------------------

  joinGroup(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const g = this.group(str(b.group_id));
    const sessionTimeoutMs = num(b.session_timeout_ms);
    // v0 has no rebalance timeout: Kafka uses the session timeout.
    const rebalanceTimeoutMs = r.version >= 1 ? num(b.rebalance_timeout_ms) : sessionTimeoutMs;
    const protocolType = str(b.protocol_type);
    const protocols = new Map(arr(b.protocols).map((p) => [str(p.name), str(p.metadata)] as const));
    let memberId = str(b.member_id);
    const fail = (code: number, why: string): void => {
      this.log(g, `#${conn} JoinGroup ${JSON.stringify(memberId)}: ${why}`);
      reply({ error_code: code, generation_id: -1, protocol_type: null, protocol_name: null, leader: "", member_id: memberId, members: [] });
    };
    if (sessionTimeoutMs < MIN_SESSION_MS || sessionTimeoutMs > MAX_SESSION_MS) {
      return fail(INVALID_SESSION_TIMEOUT, `session timeout ${sessionTimeoutMs} ms outside ${MIN_SESSION_MS}-${MAX_SESSION_MS}: INVALID_SESSION_TIMEOUT`);
    }
    if (g.state !== "Empty" && g.members.size > 0 &&
        (protocolType !== g.protocolType || ![...protocols.keys()].some((p) => this.everyMemberSupports(g, p)))) {
      return fail(INCONSISTENT_GROUP_PROTOCOL, "no protocol in common with the group: INCONSISTENT_GROUP_PROTOCOL");
    }
    if (memberId === "") {
      memberId = `${r.clientId ?? ""}-${randomUUID()}`;
      if (r.version >= 4) {
        // KIP-394: hand out the id and wait for the member to rejoin with it.
        g.pending.set(memberId, setTimeout(() => this.expirePending(g, memberId), sessionTimeoutMs));
        this.log(g, `#${conn} JoinGroup v${r.version} without member id: MEMBER_ID_REQUIRED, id ${memberId}`);
        reply({ error_code: MEMBER_ID_REQUIRED, generation_id: -1, protocol_type: null, protocol_name: null, leader: "", member_id: memberId, members: [] });
        return;
      }
    } else if (!g.members.has(memberId) && !g.pending.has(memberId)) {
      return fail(UNKNOWN_MEMBER_ID, "not a member: UNKNOWN_MEMBER_ID");
    }
    const pendingTimer = g.pending.get(memberId);
    if (pendingTimer) {
      clearTimeout(pendingTimer);
      g.pending.delete(memberId);
    }
    let m = g.members.get(memberId);
    const isNew = !m;
    if (!m) {
      m = {
        id: memberId, clientId: r.clientId ?? "", instanceId: null, sessionTimeoutMs, rebalanceTimeoutMs,
        protocolType, protocols, awaitingJoin: null, awaitingSync: null, assignment: "", sessionTimer: null,
      };
      g.members.set(memberId, m);
      if (g.leader === null) g.leader = memberId;
      if (g.protocolType === null) g.protocolType = protocolType;
    }
    const changed = !isNew && !sameProtocols(m.protocols, protocols);
    m.sessionTimeoutMs = sessionTimeoutMs;
    m.rebalanceTimeoutMs = rebalanceTimeoutMs;
    m.protocols = protocols;
    m.instanceId = optStr(b.group_instance_id);
    this.stopSessionTimer(m);
    // Kafka: a known member rejoining with the same protocols gets the current generation back
    // without a rebalance (in Stable only a follower: the leader's rejoin rebalances).
    if (!isNew && !changed && ((g.state === "Stable" && memberId !== g.leader) || g.state === "CompletingRebalance")) {
      this.log(g, `#${conn} JoinGroup v${r.version} ${memberId}: same protocols, current generation`);
      this.answerJoin(g, m, { reply });
      this.startSessionTimer(g, m);
      return;
    }
    if (m.awaitingSync) {
      // A rejoin while its SyncGroup waits: that SyncGroup is answered REBALANCE_IN_PROGRESS.
      m.awaitingSync({ error_code: REBALANCE_IN_PROGRESS, assignment: "" });
      m.awaitingSync = null;
    }
    m.awaitingJoin = { reply, version: r.version };
    this.log(g, `#${conn} JoinGroup v${r.version} ${isNew ? "new " : ""}member ${memberId} (session ${sessionTimeoutMs} ms, rebalance ${rebalanceTimeoutMs} ms): held`);
    if (g.state !== "PreparingRebalance") this.prepareRebalance(g, isNew ? `member ${memberId} joined` : `member ${memberId} rejoined`);
    else if (g.initialDelayUntil > 0 && isNew) this.extendInitialDelay(g);
    this.maybeCompleteJoin(g);
  }

  private everyMemberSupports(g: Group, protocol: string): boolean {
    for (const m of g.members.values()) if (!m.protocols.has(protocol)) return false;
    return true;
  }

  private expirePending(g: Group, memberId: string): void {
    if (!g.pending.delete(memberId)) return;
    this.log(g, `member id ${memberId} never rejoined within its session timeout: forgotten`);
    this.maybeCompleteJoin(g);
  }

  private prepareRebalance(g: Group, why: string): void {
    // A SyncGroup waiting for the leader's assignment learns that the rebalance starts over.
    for (const m of g.members.values()) {
      if (m.awaitingSync) {
        m.awaitingSync({ error_code: REBALANCE_IN_PROGRESS, assignment: "" });
        m.awaitingSync = null;
      }
    }
    const wasEmpty = g.state === "Empty";
    this.setState(g, "PreparingRebalance");
    this.log(g, `rebalance: ${why}`);
    if (g.joinTimer) clearTimeout(g.joinTimer);
    if (wasEmpty && this.o.initialRebalanceDelayMs > 0) {
      // Kafka's InitialDelayedJoin: an empty group waits for more members before the first
      // generation, extended per new member up to the rebalance timeout.
      g.initialDelayUntil = Date.now() + this.maxRebalanceTimeout(g);
      g.joinTimer = setTimeout(() => this.initialDelayDone(g), Math.min(this.o.initialRebalanceDelayMs, this.maxRebalanceTimeout(g)));
      return;
    }
    g.initialDelayUntil = 0;
    g.joinTimer = setTimeout(() => this.joinTimeout(g), this.maxRebalanceTimeout(g));
  }

  private extendInitialDelay(g: Group): void {
    const left = g.initialDelayUntil - Date.now();
    if (left <= 0) return;
    if (g.joinTimer) clearTimeout(g.joinTimer);
    g.joinTimer = setTimeout(() => this.initialDelayDone(g), Math.min(this.o.initialRebalanceDelayMs, left));
  }

  private initialDelayDone(g: Group): void {
    g.initialDelayUntil = 0;
    g.joinTimer = setTimeout(() => this.joinTimeout(g), this.maxRebalanceTimeout(g));
    this.maybeCompleteJoin(g);
  }

  private maxRebalanceTimeout(g: Group): number {
    let t = 0;
    for (const m of g.members.values()) t = Math.max(t, m.rebalanceTimeoutMs);
    return t;
  }

  /** The rebalance timeout ran out: members that did not rejoin are removed, the join completes. */
  private joinTimeout(g: Group): void {
    g.joinTimer = null;
    if (g.state !== "PreparingRebalance") return;
    for (const m of [...g.members.values()]) {
      if (!m.awaitingJoin) this.removeMember(g, m, "did not rejoin within the rebalance timeout");
    }
    for (const [id, t] of g.pending) { clearTimeout(t); g.pending.delete(id); }
    this.maybeCompleteJoin(g, true);
  }

  private maybeCompleteJoin(g: Group, timedOut = false): void {
    if (g.state !== "PreparingRebalance" || g.initialDelayUntil > 0) return;
    const all = [...g.members.values()];
    if (!timedOut && (g.pending.size > 0 || all.some((m) => !m.awaitingJoin))) return;
    if (g.joinTimer) { clearTimeout(g.joinTimer); g.joinTimer = null; }
    if (all.length === 0) {
      g.generation++;
      g.leader = null;
      g.protocol = null;
      g.protocolType = null;
      this.setState(g, "Empty");
      return;
    }
    g.generation++;
    if (g.leader === null || !g.members.has(g.leader)) g.leader = all[0]!.id;
    const leader = g.members.get(g.leader)!;
    g.protocol = [...leader.protocols.keys()].find((p) => this.everyMemberSupports(g, p)) ?? null;
    g.protocolType = leader.protocolType;
    this.setState(g, "CompletingRebalance");
    this.log(g, `join complete: ${all.length} member(s), leader ${g.leader}, protocol ${g.protocol}`);
    for (const m of all) {
      const w = m.awaitingJoin!;
      m.awaitingJoin = null;
      this.answerJoin(g, m, w);
      this.startSessionTimer(g, m);
    }
  }

  /** The current generation's JoinGroup answer: the leader gets the members and their metadata. */
  private answerJoin(g: Group, m: Member, w: { reply: GroupReply }): void {
    const all = [...g.members.values()];
    w.reply({
      error_code: NONE,
      generation_id: g.generation,
      protocol_type: g.protocolType,
      protocol_name: g.protocol,
      leader: g.leader ?? "",
      skip_assignment: false,
      member_id: m.id,
      members: m.id === g.leader
        ? all.map((x) => ({ member_id: x.id, group_instance_id: x.instanceId, metadata: x.protocols.get(g.protocol ?? "") ?? "" }))
        : [],
    });
  }

  // ---- SyncGroup --------------------------------------------------------------------------------

  syncGroup(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const g = this.group(str(b.group_id));
    const memberId = str(b.member_id);
    const generation = num(b.generation_id);
    const m = g.members.get(memberId);
    const answer = (code: number, assignment: string): void =>
      reply({ error_code: code, protocol_type: g.protocolType, protocol_name: g.protocol, assignment });
    if (!m) { this.log(g, `#${conn} SyncGroup ${memberId}: UNKNOWN_MEMBER_ID`); return answer(UNKNOWN_MEMBER_ID, ""); }
    if (generation !== g.generation) { this.log(g, `#${conn} SyncGroup ${memberId} gen ${generation}: ILLEGAL_GENERATION`); return answer(ILLEGAL_GENERATION, ""); }
    this.touch(g, m);
    if (g.state === "PreparingRebalance") { this.log(g, `#${conn} SyncGroup ${memberId}: REBALANCE_IN_PROGRESS`); return answer(REBALANCE_IN_PROGRESS, ""); }
    if (g.state === "Stable") { this.log(g, `#${conn} SyncGroup ${memberId}: assignment of the stable group`); return answer(NONE, m.assignment); }
    // CompletingRebalance: held until the leader's assignment arrives.
    m.awaitingSync = (body) => reply(body);
    if (memberId !== g.leader) { this.log(g, `#${conn} SyncGroup ${memberId}: held for the leader's assignment`); return; }
    const given = new Map(arr(b.assignments).map((a) => [str(a.member_id), str(a.assignment)] as const));
    this.log(g, `#${conn} SyncGroup from the leader: ${given.size} assignment(s)`);
    for (const x of g.members.values()) x.assignment = given.get(x.id) ?? "";
    this.setState(g, "Stable");
    for (const x of g.members.values()) {
      if (!x.awaitingSync) continue;
      const w = x.awaitingSync;
      x.awaitingSync = null;
      w({ error_code: NONE, protocol_type: g.protocolType, protocol_name: g.protocol, assignment: x.assignment });
    }
  }

  // ---- Heartbeat, LeaveGroup --------------------------------------------------------------------

  heartbeat(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const g = this.group(str(b.group_id));
    const m = g.members.get(str(b.member_id));
    let code = NONE;
    if (!m) code = UNKNOWN_MEMBER_ID;
    else if (num(b.generation_id) !== g.generation) code = ILLEGAL_GENERATION;
    else {
      this.touch(g, m);
      if (g.state === "PreparingRebalance") code = REBALANCE_IN_PROGRESS;
    }
    if (code !== NONE) this.log(g, `#${conn} Heartbeat ${str(b.member_id)}: error ${code}`);
    reply({ error_code: code });
  }

  leaveGroup(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const g = this.group(str(b.group_id));
    const ids = r.version >= 3 ? arr(b.members).map((x) => ({ id: str(x.member_id), instance: optStr(x.group_instance_id) })) : [{ id: str(b.member_id), instance: null }];
    const results = ids.map(({ id, instance }) => {
      const m = g.members.get(id);
      if (!m) return { member_id: id, group_instance_id: instance, error_code: UNKNOWN_MEMBER_ID };
      this.log(g, `#${conn} LeaveGroup ${id}`);
      this.removeMember(g, m, "left the group");
      return { member_id: id, group_instance_id: instance, error_code: NONE };
    });
    const top = r.version < 3 && results[0]!.error_code !== NONE ? UNKNOWN_MEMBER_ID : NONE;
    reply({ error_code: top, members: results });
  }

  /** Removes a member; the others rebalance (or the join in progress may now complete). */
  private removeMember(g: Group, m: Member, why: string): void {
    this.stopSessionTimer(m);
    g.members.delete(m.id);
    if (m.awaitingJoin) {
      m.awaitingJoin.reply({ error_code: UNKNOWN_MEMBER_ID, generation_id: -1, protocol_type: null, protocol_name: null, leader: "", member_id: m.id, members: [] });
      m.awaitingJoin = null;
    }
    if (m.awaitingSync) { m.awaitingSync({ error_code: UNKNOWN_MEMBER_ID, assignment: "" }); m.awaitingSync = null; }
    this.log(g, `member ${m.id} removed: ${why}`);
    if (g.leader === m.id) g.leader = g.members.keys().next().value ?? null;
    if (g.state === "Stable" || g.state === "CompletingRebalance") {
      if (g.members.size === 0) { g.generation++; g.protocol = null; g.protocolType = null; this.setState(g, "Empty"); }
      else this.prepareRebalance(g, `member ${m.id} ${why}`);
    } else if (g.state === "PreparingRebalance") this.maybeCompleteJoin(g);
  }

  // ---- session timeout --------------------------------------------------------------------------

  /** Any request of a member in a generation counts as liveness (Kafka: heartbeat completion). */
  private touch(g: Group, m: Member): void {
    if (m.awaitingJoin) return;
    this.startSessionTimer(g, m);
  }

  private startSessionTimer(g: Group, m: Member): void {
    this.stopSessionTimer(m);
    m.sessionTimer = setTimeout(() => {
      m.sessionTimer = null;
      if (g.members.get(m.id) === m && !m.awaitingJoin) this.removeMember(g, m, `no heartbeat within the session timeout (${m.sessionTimeoutMs} ms)`);
    }, m.sessionTimeoutMs);
  }

  private stopSessionTimer(m: Member): void {
    if (m.sessionTimer) clearTimeout(m.sessionTimer);
    m.sessionTimer = null;
  }

  // ---- offsets ----------------------------------------------------------------------------------

  offsetCommit(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const g = this.group(str(b.group_id));
    const memberId = r.version >= 1 ? str(b.member_id) : "";
    const generation = r.version >= 1 ? num(b.generation_id_or_member_epoch) : -1;
    let code = NONE;
    // generation -1 with no member id: a commit outside the group protocol (simple consumer).
    if (!(generation < 0 && memberId === "")) {
      const m = g.members.get(memberId);
      if (!m) code = UNKNOWN_MEMBER_ID;
      else if (generation !== g.generation) code = ILLEGAL_GENERATION;
      // Kafka takes commits while PreparingRebalance (the heartbeat tells the member of the
      // rebalance) but not while CompletingRebalance (the member has a new generation coming).
      else if (g.state === "CompletingRebalance") code = REBALANCE_IN_PROGRESS;
      else this.touch(g, m);
    }
    const topics = arr(b.topics).map((t) => {
      const name = str(t.name);
      return {
        name,
        partitions: arr(t.partitions).map((p) => {
          const index = num(p.partition_index);
          if (code === NONE) {
            let parts = g.offsets.get(name);
            if (!parts) g.offsets.set(name, (parts = new Map()));
            parts.set(index, { offset: BigInt(num(p.committed_offset)), metadata: optStr(p.committed_metadata), epoch: r.version >= 6 ? num(p.committed_leader_epoch) : -1 });
          }
          return { partition_index: index, error_code: code };
        }),
      };
    });
    const what = topics.map((t) => `${t.name}[${t.partitions.map((p) => p.partition_index).join(",")}]`).join(" ");
    this.log(g, `#${conn} OffsetCommit v${r.version} ${memberId || "(no member)"} gen ${generation} ${what}: ${code === NONE ? "stored" : `error ${code}`}`);
    reply({ throttle_time_ms: 0, topics });
  }

  offsetFetch(conn: number, r: GroupRequest, reply: GroupReply): void {
    const b = r.body;
    const fetchOne = (groupId: string, asked: KafkaValue | undefined): { name: string; partitions: Obj[] }[] => {
      const g = this.group(groupId);
      // null topics (v2+): every committed offset of the group.
      const wanted = asked === null || asked === undefined
        ? [...g.offsets].map(([name, parts]) => ({ name, idx: [...parts.keys()] }))
        : arr(asked).map((t) => ({ name: str(t.name), idx: (Array.isArray(t.partition_indexes) ? t.partition_indexes : []).map((x) => num(x)) }));
      const out = wanted.map(({ name, idx }) => ({
        name,
        partitions: idx.map((i) => {
          const c = g.offsets.get(name)?.get(i);
          return { partition_index: i, committed_offset: c ? c.offset : -1n, committed_leader_epoch: c ? c.epoch : -1, metadata: c ? c.metadata : "", error_code: NONE };
        }),
      }));
      const said = out.map((t) => `${t.name}[${t.partitions.map((p) => `${p.partition_index}:${p.committed_offset}`).join(",")}]`).join(" ");
      this.log(g, `#${conn} OffsetFetch v${r.version} ${said || "(nothing committed)"}`);
      return out;
    };
    if (r.version >= 8) {
      const groups = arr(b.groups).map((x) => ({ group_id: str(x.group_id), topics: fetchOne(str(x.group_id), x.topics), error_code: NONE }));
      reply({ throttle_time_ms: 0, groups });
      return;
    }
    reply({ throttle_time_ms: 0, topics: fetchOne(str(b.group_id), b.topics), error_code: NONE });
  }
}

function sameProtocols(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}
