/**
 * What stays of a connection once it left a live capture's detail window (src/live/window.ts):
 * one row of typed-array columns holding its connection record (the connection table's row), its
 * end shape (src/facts/end-shape.ts) and its packet counters (src/facts/packet-stats.ts), instead
 * of the plain objects the pass and the facts built for it (about 2.8 kB a connection, with their
 * nested objects, memo entries and map entries; a row here is 544 bytes plus a 40-byte view).
 *
 * The facts of the connections still in the window read the others (per path and per server:
 * reconnects, closes together, idle limits), and the end of the capture lists every connection,
 * so each retired connection keeps one small view object, RetiredConnection, that reads its row
 * on demand. One view serves as the Connection, the EndInfo and the PacketStats of its connection
 * (the three interfaces share no field name), so a retired connection costs one object, not
 * three. Nested parts (endpoints, direction stats, close, events) are built when read: a retired
 * row is read by the per-path facts and at the end, not per packet. Rows are never written after
 * they are kept: the tracker let go of the connection (a later packet on its 4-tuple starts a new
 * connection) and the scan no longer counts it.
 *
 * Rows are slots, not indexed by connection id: past a cap (`--keep-connections`), the oldest rows
 * are folded into per-server and per-path aggregates (src/live/folded.ts) and their slots reused,
 * so the rows' memory stops growing at the cap. The slot of each id is kept for the rows held
 * only (src/tcp/id-slots.ts): a folded connection leaves nothing here.
 */

import { IdSlots } from "../tcp/id-slots.js";
import type { EndInfo, EndKind } from "../facts/end-shape.js";
import { longestZeroWindowStall, type ForgottenConnections, type PacketStats } from "../facts/packet-stats.js";
import { TCP_EVENT_NAMES, type CloseState, type Connection, type DirectionStats, type Endpoint, type ReassemblyStats, type RoleReason } from "../tcp/types.js";

// Float64 columns (times, packet numbers, byte counts, sequence numbers: beyond 2^31).
const F_FIRST = 0;
const F_LAST = 1;
const F_START = 2;
const F_END = 3;
const F_HRTT = 4; // NaN: no handshake
const F_SYN = 5;
const F_IDLE = 6;
const F_IDLE_END_PKT = 7;
const F_IDLE_END_US = 8;
const F_C2S = 9; // packets, bytes, payloadBytes, baseSeq, streamSeq
const F_S2C = 14;
const F_CLOSE_PKT = 19;
const F_CLOSE_US = 20;
const F_CLOSE_IDLE = 21;
const F_CLOSE_UNACKED = 22;
const F_GAP_BYTES = 23;
const F_E_FRAME = 24;
const F_E_TS = 25;
const F_E_TRIGGER = 26;
const F_E_TRIGGER_TS = 27;
const F_E_TRIGGER_PAYLOAD = 28;
const F_E_IDLE_TRIGGER = 29;
const F_E_SURVIVED = 30;
const F_E_BURST = 31;
const F_E_EARLIER_BURST = 32; // NaN: none
const F_E_IDLE_CLOSE = 33;
const F_E_UNACKED = 34;
const F_E_LAST_US = 35;
const F_S_KA_IDLE = 36;
const F_S_FIRST_RETRANS = 37;
const F_S_STALL_US = 38; // -1: no zero window (an open stall is closed at the connection's end)
const F_S_STALL_FRAME = 39;
const F_S_STALL_END = 40;
const F_STRIDE = 41;

// Int32 columns (small counts, TTLs, IP ids, enums, interned strings).
const I_CLIENT_ADDR = 0;
const I_CLIENT_PORT = 1;
const I_SERVER_ADDR = 2;
const I_SERVER_PORT = 3;
const I_CONN_ENUMS = 4; // roleInferred, roleReason, close.how, close.by
const I_DISSECTOR = 5; // -1: none
const I_C2S = 6; // firstTtl, lastTtl, lastIpId, windowScale
const I_S2C = 10;
const I_CLOSE_RST_TTL = 14;
const I_CLOSE_RST_IPID = 15;
const I_CLOSE_PREV_IPID = 16;
const I_REASM = 17; // outOfOrderBuffered, gaps, dropped
const I_EVENTS = 20; // one per TCP_EVENT_NAMES
const I_E_ENUMS = I_EVENTS + TCP_EVENT_NAMES.length; // kind, by, how, triggerFrom, closeNotify, triggerKeepalive, connectFailed
const I_E_RETRANS = I_E_ENUMS + 1;
const I_E_ANSWERS = I_E_ENUMS + 2;
const I_E_RST_TTL = I_E_ENUMS + 3;
const I_E_SENDER_TTL = I_E_ENUMS + 4;
const I_E_RST_IPID = I_E_ENUMS + 5;
const I_E_SENDER_PREV_IPID = I_E_ENUMS + 6;
const I_E_DATA_AFTER = I_E_ENUMS + 7;
const I_E_SYNS = I_E_ENUMS + 8;
const I_S_RST = I_E_ENUMS + 9;
const I_S_FIN = I_E_ENUMS + 10;
const I_S_AFTER_RETRANS = I_E_ENUMS + 11;
const I_S_AFTER_SERVER = I_E_ENUMS + 12;
const I_S_RETRANS = I_E_ENUMS + 13; // client, server
const I_S_ZERO_WINDOWS = I_E_ENUMS + 15; // client, server
const I_S_STALL_BY = I_E_ENUMS + 17;
const I_STRIDE = I_E_ENUMS + 18;

/** Bytes of one row (both column sets), for the README's table and the test. */
export const RETIRED_ROW_BYTES = F_STRIDE * 8 + I_STRIDE * 4;

const ROLE_REASONS: readonly RoleReason[] = ["syn", "syn-ack", "well-known-port", "lower-port", "dissector"];
const CLOSE_HOW: readonly CloseState["how"][] = ["open", "fin", "rst"];
const SIDE: readonly ("client" | "server" | null)[] = [null, "client", "server"];
const END_KINDS: readonly EndKind[] = ["rst", "fin", "silence", "boundary", "refused", "open"];
const END_BY: readonly EndInfo["by"][] = ["none", "client", "server"];
const END_HOW: readonly EndInfo["how"][] = ["none", "fin", "rst"];
const TRIGGER_FROM: readonly EndInfo["triggerFrom"][] = ["none", "client", "server"];

const NO_KEEPALIVE: [number[], number[]] = Object.freeze([Object.freeze([]), Object.freeze([])]) as unknown as [number[], number[]];

export class RetiredRows implements ForgottenConnections {
  private f = new Float64Array(0);
  private i = new Int32Array(0);
  /** The view of each row (the one object that stays of its connection), by slot. */
  private readonly views: Array<RetiredConnection | undefined> = [];
  /** Slot of each connection id retired and not folded (src/tcp/id-slots.ts: costs the rows held, not every id). */
  private readonly slotOf = new IdSlots<number>();
  /** Slots freed by folding, reused first. */
  private readonly free: number[] = [];
  /** Slots in use. */
  private used = 0;
  /** Ids in the order they were kept (the oldest first, from `head` on): the order they fold in. */
  private order: number[] = [];
  private head = 0;
  /** Interned addresses and dissector names: hosts and protocols repeat, connections do not. */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** The rare parts kept as they were: a dissector's failure, keep-alive probe times. */
  private readonly malformed = new Map<number, string>();
  private readonly keepalive = new Map<number, [number[], number[]]>();

  /** Connections kept as rows. */
  get size(): number {
    return this.used;
  }

  /** Rows the columns have room for (their memory: RETIRED_ROW_BYTES each). */
  get capacity(): number {
    return this.f.length / F_STRIDE;
  }

  has(id: number): boolean {
    return this.slotOf.at(id) !== undefined;
  }

  /**
   * Folds the oldest rows into `into` until at most `keep` are held; frees their rows and views.
   * Returns the ids folded (the caller drops their records: the pass's list, the scan's counters).
   */
  foldOldest(keep: number, into: { fold(c: Connection, e: EndInfo, s: PacketStats): void }): number[] {
    const out: number[] = [];
    while (this.used > keep && this.head < this.order.length) {
      const id = this.order[this.head++]!;
      const slot = this.slotOf.at(id)!;
      const view = this.views[slot]!;
      into.fold(view, view, view);
      this.slotOf.delete(id);
      this.views[slot] = undefined;
      this.malformed.delete(id);
      this.keepalive.delete(id);
      this.free.push(slot);
      this.used--;
      out.push(id);
    }
    // The queue's head is dropped once it is half of it (amortised: each id moves at most twice).
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Keeps a connection's record, end shape and counters as its row; returns the view that stands for all three. */
  keep(c: Connection, end: EndInfo, stats: PacketStats): RetiredConnection {
    const id = c.id;
    const slot = this.slotFor(id);
    const f = this.f;
    const i = this.i;
    const fo = slot * F_STRIDE;
    const io = slot * I_STRIDE;
    f[fo + F_FIRST] = c.firstPacket;
    f[fo + F_LAST] = c.lastPacket;
    f[fo + F_START] = c.startUs;
    f[fo + F_END] = c.endUs;
    f[fo + F_HRTT] = c.handshakeRttUs ?? NaN;
    f[fo + F_SYN] = c.synPacket;
    f[fo + F_IDLE] = c.longestIdleUs;
    f[fo + F_IDLE_END_PKT] = c.longestIdleEndPacket;
    f[fo + F_IDLE_END_US] = c.longestIdleEndUs;
    putDirection(f, i, fo + F_C2S, io + I_C2S, c.c2s);
    putDirection(f, i, fo + F_S2C, io + I_S2C, c.s2c);
    f[fo + F_CLOSE_PKT] = c.close.packet;
    f[fo + F_CLOSE_US] = c.close.tsUs;
    f[fo + F_CLOSE_IDLE] = c.close.idleBeforeUs;
    f[fo + F_CLOSE_UNACKED] = c.close.unackedFromOtherBytes;
    f[fo + F_GAP_BYTES] = c.reassembly.gapBytes;
    i[io + I_CLIENT_ADDR] = this.name(c.client.addr);
    i[io + I_CLIENT_PORT] = c.client.port;
    i[io + I_SERVER_ADDR] = this.name(c.server.addr);
    i[io + I_SERVER_PORT] = c.server.port;
    i[io + I_CONN_ENUMS] = pack([c.roleInferred ? 1 : 0, ROLE_REASONS.indexOf(c.roleReason), CLOSE_HOW.indexOf(c.close.how), SIDE.indexOf(c.close.by)]);
    i[io + I_DISSECTOR] = c.dissector === null ? -1 : this.name(c.dissector);
    i[io + I_CLOSE_RST_TTL] = c.close.rstTtl;
    i[io + I_CLOSE_RST_IPID] = c.close.rstIpId;
    i[io + I_CLOSE_PREV_IPID] = c.close.senderPrevIpId;
    i[io + I_REASM] = c.reassembly.outOfOrderBuffered;
    i[io + I_REASM + 1] = c.reassembly.gaps;
    i[io + I_REASM + 2] = c.reassembly.dropped;
    TCP_EVENT_NAMES.forEach((e, k) => (i[io + I_EVENTS + k] = c.events[e.key] ?? 0));
    if (c.malformed !== null) this.malformed.set(id, c.malformed);

    f[fo + F_E_FRAME] = end.frame;
    f[fo + F_E_TS] = end.tsUs;
    f[fo + F_E_TRIGGER] = end.trigger;
    f[fo + F_E_TRIGGER_TS] = end.triggerTsUs;
    f[fo + F_E_TRIGGER_PAYLOAD] = end.triggerPayload;
    f[fo + F_E_IDLE_TRIGGER] = end.idleBeforeTriggerUs;
    f[fo + F_E_SURVIVED] = end.survivedIdleUs;
    f[fo + F_E_BURST] = end.burstBytes;
    // A live capture keeps only the largest earlier burst (what "several times larger" reads).
    f[fo + F_E_EARLIER_BURST] = end.earlierBursts.length === 0 ? NaN : Math.max(...end.earlierBursts);
    f[fo + F_E_IDLE_CLOSE] = end.idleBeforeCloseUs;
    f[fo + F_E_UNACKED] = end.unackedFromOther;
    f[fo + F_E_LAST_US] = end.lastUs;
    i[io + I_E_ENUMS] = pack([
      END_KINDS.indexOf(end.kind),
      END_BY.indexOf(end.by),
      END_HOW.indexOf(end.how),
      TRIGGER_FROM.indexOf(end.triggerFrom),
      end.closeNotify ? 1 : 0,
      end.triggerKeepalive ? 1 : 0,
      end.connectFailed ? 1 : 0,
    ]);
    i[io + I_E_RETRANS] = end.retransAfterTrigger;
    i[io + I_E_ANSWERS] = end.answersAfterTrigger;
    i[io + I_E_RST_TTL] = end.rstTtl;
    i[io + I_E_SENDER_TTL] = end.senderTtl;
    i[io + I_E_RST_IPID] = end.rstIpId;
    i[io + I_E_SENDER_PREV_IPID] = end.senderPrevIpId;
    i[io + I_E_DATA_AFTER] = end.clientDataAfterClose;
    i[io + I_E_SYNS] = end.syns;

    f[fo + F_S_KA_IDLE] = stats.keepaliveIdleUs;
    i[io + I_S_RST] = stats.rstPackets;
    i[io + I_S_FIN] = stats.finPackets;
    i[io + I_S_AFTER_RETRANS] = stats.afterIdleClientRetransmissions;
    i[io + I_S_AFTER_SERVER] = stats.afterIdleServerPackets;
    f[fo + F_S_FIRST_RETRANS] = stats.firstRetransmissionFrame;
    i[io + I_S_RETRANS] = stats.retransmissions[0];
    i[io + I_S_RETRANS + 1] = stats.retransmissions[1];
    i[io + I_S_ZERO_WINDOWS] = stats.zeroWindows[0];
    i[io + I_S_ZERO_WINDOWS + 1] = stats.zeroWindows[1];
    // A window still shut when the connection left is measured to its last packet, as the facts would.
    const stall = longestZeroWindowStall(stats, c.endUs);
    f[fo + F_S_STALL_US] = stall ? stall.us : -1;
    f[fo + F_S_STALL_FRAME] = stall ? stall.frame : -1;
    f[fo + F_S_STALL_END] = stall ? stall.endFrame : -1;
    i[io + I_S_STALL_BY] = stall ? stall.by : 0;
    if (stats.keepalive[0].length > 0 || stats.keepalive[1].length > 0) this.keepalive.set(id, stats.keepalive);
    const view = new RetiredConnection(this, id);
    this.views[slot] = view;
    this.order.push(id);
    return view;
  }

  /** The view of a retired connection (undefined for one not kept, or folded). */
  view(id: number): RetiredConnection | undefined {
    const slot = this.slotOf.at(id);
    return slot === undefined ? undefined : this.views[slot];
  }

  /** Its packet counters (ConnectionPacketScan reads them once it forgot the connection). */
  stats(id: number): PacketStats {
    return this.view(id)!;
  }

  /** Its end shape, the scan's only memo (src/facts/end-shape.ts, slot "end"). */
  memo(slot: string, id: number): unknown {
    return slot === "end" ? this.view(id) : undefined;
  }

  /** @internal the views' reads */
  fAt(id: number, k: number): number {
    return this.f[this.rowOf(id) * F_STRIDE + k]!;
  }

  /** @internal */
  iAt(id: number, k: number): number {
    return this.i[this.rowOf(id) * I_STRIDE + k]!;
  }

  /** A folded connection's view read after its row was freed is a bug: said, not read from another row. */
  private rowOf(id: number): number {
    const slot = this.slotOf.at(id);
    if (slot === undefined) throw new Error(`retired row of connection ${id} read after it was folded`);
    return slot;
  }

  /** @internal */
  nameAt(k: number): string {
    return this.names[k]!;
  }

  /** @internal */
  malformedOf(id: number): string | null {
    return this.malformed.get(id) ?? null;
  }

  /** @internal */
  keepaliveOf(id: number): [number[], number[]] {
    return this.keepalive.get(id) ?? NO_KEEPALIVE;
  }

  private name(s: string): number {
    let k = this.nameIds.get(s);
    if (k === undefined) {
      k = this.names.length;
      this.names.push(s);
      this.nameIds.set(s, k);
    }
    return k;
  }

  /** A row for connection `id`: a freed one, else a new one (capacity doubles). */
  private slotFor(id: number): number {
    const kept = this.slotOf.at(id);
    if (kept !== undefined) return kept;
    const slot = this.free.pop() ?? this.used;
    this.used++;
    this.room(slot);
    this.slotOf.set(id, slot);
    return slot;
  }

  /** Room for row `slot` (capacity doubles). */
  private room(slot: number): void {
    if ((slot + 1) * F_STRIDE <= this.f.length) return;
    let cap = Math.max(1024, this.f.length / F_STRIDE);
    while (cap <= slot) cap *= 2;
    const f = new Float64Array(cap * F_STRIDE);
    f.set(this.f);
    this.f = f;
    const i = new Int32Array(cap * I_STRIDE);
    i.set(this.i);
    this.i = i;
  }
}

function putDirection(f: Float64Array, i: Int32Array, fo: number, io: number, d: DirectionStats): void {
  f[fo] = d.packets;
  f[fo + 1] = d.bytes;
  f[fo + 2] = d.payloadBytes;
  f[fo + 3] = d.baseSeq;
  f[fo + 4] = d.streamSeq;
  i[io] = d.firstTtl;
  i[io + 1] = d.lastTtl;
  i[io + 2] = d.lastIpId;
  i[io + 3] = d.windowScale;
}

/** Small enums (each below 16, -1 stored as 15: none is) as 4-bit fields of one int. */
function pack(values: readonly number[]): number {
  let n = 0;
  values.forEach((v, k) => {
    if (v < 0 || v > 14) throw new Error(`retired row: enum value ${v} out of range`);
    n |= v << (4 * k);
  });
  return n;
}

function unpack(n: number, k: number): number {
  return (n >>> (4 * k)) & 15;
}

/**
 * A retired connection as the Connection, EndInfo and PacketStats interfaces read it, from its
 * row. Frozen: every field is a getter, nothing can be written.
 */
export class RetiredConnection implements Connection, EndInfo, PacketStats {
  constructor(
    private readonly rows: RetiredRows,
    readonly id: number,
  ) {}

  // --- Connection
  get client(): Endpoint {
    return { addr: this.rows.nameAt(this.rows.iAt(this.id, I_CLIENT_ADDR)), port: this.rows.iAt(this.id, I_CLIENT_PORT) };
  }
  get server(): Endpoint {
    return { addr: this.rows.nameAt(this.rows.iAt(this.id, I_SERVER_ADDR)), port: this.rows.iAt(this.id, I_SERVER_PORT) };
  }
  get roleInferred(): boolean {
    return unpack(this.rows.iAt(this.id, I_CONN_ENUMS), 0) === 1;
  }
  get roleReason(): RoleReason {
    return ROLE_REASONS[unpack(this.rows.iAt(this.id, I_CONN_ENUMS), 1)]!;
  }
  get firstPacket(): number {
    return this.rows.fAt(this.id, F_FIRST);
  }
  get lastPacket(): number {
    return this.rows.fAt(this.id, F_LAST);
  }
  get startUs(): number {
    return this.rows.fAt(this.id, F_START);
  }
  get endUs(): number {
    return this.rows.fAt(this.id, F_END);
  }
  get handshakeRttUs(): number | null {
    const v = this.rows.fAt(this.id, F_HRTT);
    return Number.isNaN(v) ? null : v;
  }
  get synPacket(): number {
    return this.rows.fAt(this.id, F_SYN);
  }
  get c2s(): DirectionStats {
    return this.direction(F_C2S, I_C2S);
  }
  get s2c(): DirectionStats {
    return this.direction(F_S2C, I_S2C);
  }
  get close(): CloseState {
    const r = this.rows;
    const e = r.iAt(this.id, I_CONN_ENUMS);
    return {
      how: CLOSE_HOW[unpack(e, 2)]!,
      by: SIDE[unpack(e, 3)]!,
      packet: r.fAt(this.id, F_CLOSE_PKT),
      tsUs: r.fAt(this.id, F_CLOSE_US),
      idleBeforeUs: r.fAt(this.id, F_CLOSE_IDLE),
      rstTtl: r.iAt(this.id, I_CLOSE_RST_TTL),
      rstIpId: r.iAt(this.id, I_CLOSE_RST_IPID),
      unackedFromOtherBytes: r.fAt(this.id, F_CLOSE_UNACKED),
      senderPrevIpId: r.iAt(this.id, I_CLOSE_PREV_IPID),
    };
  }
  get longestIdleUs(): number {
    return this.rows.fAt(this.id, F_IDLE);
  }
  get longestIdleEndPacket(): number {
    return this.rows.fAt(this.id, F_IDLE_END_PKT);
  }
  get longestIdleEndUs(): number {
    return this.rows.fAt(this.id, F_IDLE_END_US);
  }
  get events(): Record<string, number> {
    const out: Record<string, number> = {};
    TCP_EVENT_NAMES.forEach((e, k) => (out[e.key] = this.rows.iAt(this.id, I_EVENTS + k)));
    return out;
  }
  get reassembly(): ReassemblyStats {
    const r = this.rows;
    return { outOfOrderBuffered: r.iAt(this.id, I_REASM), gaps: r.iAt(this.id, I_REASM + 1), gapBytes: r.fAt(this.id, F_GAP_BYTES), dropped: r.iAt(this.id, I_REASM + 2) };
  }
  get dissector(): string | null {
    const k = this.rows.iAt(this.id, I_DISSECTOR);
    return k < 0 ? null : this.rows.nameAt(k);
  }
  get malformed(): string | null {
    return this.rows.malformedOf(this.id);
  }

  // --- EndInfo
  get kind(): EndKind {
    return END_KINDS[unpack(this.rows.iAt(this.id, I_E_ENUMS), 0)]!;
  }
  get by(): EndInfo["by"] {
    return END_BY[unpack(this.rows.iAt(this.id, I_E_ENUMS), 1)]!;
  }
  get how(): EndInfo["how"] {
    return END_HOW[unpack(this.rows.iAt(this.id, I_E_ENUMS), 2)]!;
  }
  get triggerFrom(): EndInfo["triggerFrom"] {
    return TRIGGER_FROM[unpack(this.rows.iAt(this.id, I_E_ENUMS), 3)]!;
  }
  get closeNotify(): boolean {
    return unpack(this.rows.iAt(this.id, I_E_ENUMS), 4) === 1;
  }
  get triggerKeepalive(): boolean {
    return unpack(this.rows.iAt(this.id, I_E_ENUMS), 5) === 1;
  }
  get connectFailed(): boolean {
    return unpack(this.rows.iAt(this.id, I_E_ENUMS), 6) === 1;
  }
  get frame(): number {
    return this.rows.fAt(this.id, F_E_FRAME);
  }
  get tsUs(): number {
    return this.rows.fAt(this.id, F_E_TS);
  }
  get trigger(): number {
    return this.rows.fAt(this.id, F_E_TRIGGER);
  }
  get triggerTsUs(): number {
    return this.rows.fAt(this.id, F_E_TRIGGER_TS);
  }
  get triggerPayload(): number {
    return this.rows.fAt(this.id, F_E_TRIGGER_PAYLOAD);
  }
  get idleBeforeTriggerUs(): number {
    return this.rows.fAt(this.id, F_E_IDLE_TRIGGER);
  }
  get survivedIdleUs(): number {
    return this.rows.fAt(this.id, F_E_SURVIVED);
  }
  get retransAfterTrigger(): number {
    return this.rows.iAt(this.id, I_E_RETRANS);
  }
  get answersAfterTrigger(): number {
    return this.rows.iAt(this.id, I_E_ANSWERS);
  }
  get burstBytes(): number {
    return this.rows.fAt(this.id, F_E_BURST);
  }
  get earlierBursts(): number[] {
    const v = this.rows.fAt(this.id, F_E_EARLIER_BURST);
    return Number.isNaN(v) ? [] : [v];
  }
  get idleBeforeCloseUs(): number {
    return this.rows.fAt(this.id, F_E_IDLE_CLOSE);
  }
  get rstTtl(): number {
    return this.rows.iAt(this.id, I_E_RST_TTL);
  }
  get senderTtl(): number {
    return this.rows.iAt(this.id, I_E_SENDER_TTL);
  }
  get rstIpId(): number {
    return this.rows.iAt(this.id, I_E_RST_IPID);
  }
  get senderPrevIpId(): number {
    return this.rows.iAt(this.id, I_E_SENDER_PREV_IPID);
  }
  get unackedFromOther(): number {
    return this.rows.fAt(this.id, F_E_UNACKED);
  }
  get clientDataAfterClose(): number {
    return this.rows.iAt(this.id, I_E_DATA_AFTER);
  }
  get lastUs(): number {
    return this.rows.fAt(this.id, F_E_LAST_US);
  }
  get syns(): number {
    return this.rows.iAt(this.id, I_E_SYNS);
  }

  // --- PacketStats
  get rstPackets(): number {
    return this.rows.iAt(this.id, I_S_RST);
  }
  get finPackets(): number {
    return this.rows.iAt(this.id, I_S_FIN);
  }
  get keepalive(): [number[], number[]] {
    return this.rows.keepaliveOf(this.id);
  }
  get keepaliveIdleUs(): number {
    return this.rows.fAt(this.id, F_S_KA_IDLE);
  }
  get afterIdleClientRetransmissions(): number {
    return this.rows.iAt(this.id, I_S_AFTER_RETRANS);
  }
  get afterIdleServerPackets(): number {
    return this.rows.iAt(this.id, I_S_AFTER_SERVER);
  }
  get retransmissions(): [number, number] {
    return [this.rows.iAt(this.id, I_S_RETRANS), this.rows.iAt(this.id, I_S_RETRANS + 1)];
  }
  get firstRetransmissionFrame(): number {
    return this.rows.fAt(this.id, F_S_FIRST_RETRANS);
  }
  get zeroWindows(): [number, number] {
    return [this.rows.iAt(this.id, I_S_ZERO_WINDOWS), this.rows.iAt(this.id, I_S_ZERO_WINDOWS + 1)];
  }
  // The stall was folded in when the connection left: none is under way any more.
  get stallStartUs(): [number, number] {
    return [-1, -1];
  }
  get stallStartFrame(): [number, number] {
    return [-1, -1];
  }
  get longestStallUs(): number {
    return this.rows.fAt(this.id, F_S_STALL_US);
  }
  get longestStallBy(): 0 | 1 {
    return this.rows.iAt(this.id, I_S_STALL_BY) === 1 ? 1 : 0;
  }
  get longestStallFrame(): number {
    return this.rows.fAt(this.id, F_S_STALL_FRAME);
  }
  get longestStallEndFrame(): number {
    return this.rows.fAt(this.id, F_S_STALL_END);
  }

  /** The connection record as a plain object (what JSON and spreads of a Connection see). */
  toConnection(): Connection {
    return {
      id: this.id,
      client: this.client,
      server: this.server,
      roleInferred: this.roleInferred,
      roleReason: this.roleReason,
      firstPacket: this.firstPacket,
      lastPacket: this.lastPacket,
      startUs: this.startUs,
      endUs: this.endUs,
      handshakeRttUs: this.handshakeRttUs,
      synPacket: this.synPacket,
      c2s: this.c2s,
      s2c: this.s2c,
      close: this.close,
      longestIdleUs: this.longestIdleUs,
      longestIdleEndPacket: this.longestIdleEndPacket,
      longestIdleEndUs: this.longestIdleEndUs,
      events: this.events,
      reassembly: this.reassembly,
      dissector: this.dissector,
      malformed: this.malformed,
    };
  }

  toJSON(): Connection {
    return this.toConnection();
  }

  private direction(fo: number, io: number): DirectionStats {
    const r = this.rows;
    const id = this.id;
    return {
      packets: r.fAt(id, fo),
      bytes: r.fAt(id, fo + 1),
      payloadBytes: r.fAt(id, fo + 2),
      firstTtl: r.iAt(id, io),
      lastTtl: r.iAt(id, io + 1),
      lastIpId: r.iAt(id, io + 2),
      windowScale: r.iAt(id, io + 3),
      baseSeq: r.fAt(id, fo + 3),
      streamSeq: r.fAt(id, fo + 4),
    };
  }
}
