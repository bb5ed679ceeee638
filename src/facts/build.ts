/**
 * Turns the analysed capture into the plain fact objects conditions read (names and types in
 * schema.ts). CEL ints are BigInt; an absent fact is an absent key (never a made-up 0).
 * Connection facts are computed once per connection and shared by packet and exchange items.
 */

import { connectionsOf, type AnalysedCapture, type StoredExchange } from "../model/analysed-capture.js";
import type { FieldValue } from "../plugins/api.js";
import { TCP_EVENT_NAMES, TcpEvent, type Connection } from "../tcp/types.js";
import { kafkaPerConnection, liveKafkaSummaries } from "./kafka-per-connection.js";
import { protocolsPerConnection } from "./protocols-per-connection.js";
import { authPerConnection, tlsHandshakeComplete } from "./auth-per-connection.js";
import { defineProtocolGetters, PROTOCOL, protocolFacts, type Facts, type ProtocolItem } from "./protocol-facts.js";
import { kafkaApiName, kafkaErrorHelp, kafkaErrorName } from "./kafka-names.js";
import { leftGroupBeforeAnswer } from "./left-group.js";
import { factProtocols, valueName } from "./schema.js";
import { connectionEnds, liveEndOf } from "./end-shape.js";
import { connectionPacketScan, longestZeroWindowStall, scanPackets, type PacketStats } from "./packet-stats.js";
import type { ConnContribution } from "../model/folded-view.js";
import type { ById } from "../tcp/id-slots.js";

export type { Facts } from "./protocol-facts.js";
export { kafkaFacts, protocolFacts } from "./protocol-facts.js";

const big = (n: number): bigint => BigInt(Math.trunc(n));
const ms = (us: number): number => us / 1000;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

function gaps(times: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < times.length; i++) out.push(times[i]! - times[i - 1]!);
  return out;
}

const endpointKey = (c: Connection): string => `${c.client.addr}|${c.server.addr}|${c.server.port}`;

/** Connections with a SYN grouped by client address and server endpoint, in start order. */
function handshakeGroups(conns: Iterable<Connection | undefined>): Map<string, Connection[]> {
  const groups = new Map<string, Connection[]>();
  for (const c of conns) {
    if (!c || c.synPacket < 0) continue;
    const k = endpointKey(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  for (const g of groups.values()) g.sort((a, b) => a.startUs - b.startUs);
  return groups;
}

/** What conn.* reads of every connection (reconnects, the path's idle history), per live snapshot. */
const liveAcross = new WeakMap<AnalysedCapture, { groups: Map<string, Connection[]>; paths: Map<string, { resetIdles: number[]; survivedMaxUs: number }> }>();

/**
 * conn.* for every connection, index = connection id. `need`: only these connections' facts are
 * built (a live evaluation of the connections that changed); what they read of the others (paths,
 * reconnects) is still computed over every connection.
 */
export function buildConnectionFacts(capture: AnalysedCapture, need?: (id: number) => boolean, needIds?: Iterable<number>): Facts[] {
  const conns = capture.connections;
  const connectionFacts = connectionFactsBuilder(capture, need);
  // Sparse when `need` picks a few: no slot per connection ever seen (a live capture's ids only grow).
  const out: Facts[] = [];
  if (need && needIds) {
    for (const id of needIds) if (conns[id] && need(id)) out[id] = connectionFacts(conns[id]!);
    return out;
  }
  for (const c of conns) {
    if (!c || (need && !need(c.id))) continue;
    out[c.id] = connectionFacts(c);
  }
  return out;
}

/**
 * conn.* of one connection at a time, what it reads of the others gathered once (`need`: the
 * connections it will be asked for, where that saves a walk; a live re-run's kept summaries
 * serve any connection).
 */
export function connectionFactsBuilder(capture: AnalysedCapture, need?: (id: number) => boolean): (c: Connection) => Facts {
  const conns = capture.connections;
  const live = connectionPacketScan(capture);
  if (live) live.advance(capture);
  const scan = live ? live.stats : scanPackets(capture);
  // Gathered over every connection: once per live snapshot (its rules run in two calls over it).
  let across = live ? liveAcross.get(capture) : undefined;
  if (!across) {
    // Over the connections held: a live capture's folded ones are in capture.folded, not holes to pass over.
    const held = connectionsOf(capture);
    across = { groups: handshakeGroups(held), paths: idlePaths(held, capture, scan) };
    if (live) liveAcross.set(capture, across);
  }
  const { groups, paths } = across;
  const kafka = kafkaPerConnection(capture);
  const auth = authPerConnection(capture, need);
  const protocols = protocolsPerConnection(capture, need);
  // A live re-run reads the end shapes of the connections it builds, not of all it ever saw.
  const ends = live ? null : connectionEnds(capture);
  const endOf = (c: Connection) => (ends ? ends.at(c.id)! : liveEndOf(capture, live!, c));
  return connectionFacts;

  function connectionFacts(c: Connection): Facts {
    const s = scan.at(c.id)!;
    const k = kafka.at(c.id)!;
    const end = endOf(c);
    // The same path's connections a live capture folded (src/live/folded.ts): their aggregate.
    const fp = capture.folded?.path(c.client.addr, c.server.addr, c.server.port);
    const closed = c.close.how !== "open";
    const f: Facts = {
      id: big(c.id),
      client_addr: c.client.addr,
      client_port: big(c.client.port),
      server_addr: c.server.addr,
      server_port: big(c.server.port),
      role_inferred: c.roleInferred,
      start_time: c.startUs / 1e6,
      end_time: c.endUs / 1e6,
      duration_ms: ms(c.endUs - c.startUs),
      handshake_seen: c.synPacket >= 0,
      connect_failed: end.connectFailed,
      packets_c2s: big(c.c2s.packets),
      packets_s2c: big(c.s2c.packets),
      bytes_c2s: big(c.c2s.bytes),
      bytes_s2c: big(c.s2c.bytes),
      payload_c2s: big(c.c2s.payloadBytes),
      payload_s2c: big(c.s2c.payloadBytes),
      close_how: c.close.how,
      // A TLS close_notify names the side that closed, even when the peer's FIN came first.
      close_by: end.closeNotify ? end.by : (c.close.by ?? "none"),
      close_notify: end.closeNotify,
      longest_idle_ms: ms(c.longestIdleUs),
      rst_from: c.close.how === "rst" && c.close.by ? c.close.by : "none",
      rst_packets: big(s.rstPackets),
      keepalive_count: big(s.keepalive[0].length + s.keepalive[1].length),
      keepalive_from: keepaliveFrom(s),
      retransmissions: big(c.events["retransmission"] ?? 0),
      zero_windows: big(c.events["zero_window"] ?? 0),
      duplicate_acks: big(c.events["duplicate_ack"] ?? 0),
      capture_duplicates: big(c.events["capture_duplicate"] ?? 0),
      lost_segments: big(c.events["lost_segment"] ?? 0),
      handshakes_from_client: big((groups.get(endpointKey(c))?.length ?? 0) + (fp?.handshakes ?? 0)),
      dissector: c.dissector ?? "none",
      protocols: protocols(c.id),
      malformed: c.malformed !== null,
      kafka_requests: big(k.requests),
      kafka_unanswered: big(k.unanswered),
      kafka_error_responses: big(k.errors),
    };
    if (c.handshakeRttUs !== null) f.handshake_rtt_ms = ms(c.handshakeRttUs);
    if (c.longestIdleEndPacket > 0) f.longest_idle_end_frame = big(c.longestIdleEndPacket);
    if (c.c2s.firstTtl >= 0) f.client_ttl = big(c.c2s.firstTtl);
    if (c.s2c.firstTtl >= 0) f.server_ttl = big(c.s2c.firstTtl);
    if (k.clientId !== null) f.kafka_client_id = k.clientId;
    const a = auth.at(c.id)!;
    f.sasl_enabled_mechanisms = a.saslEnabled ?? NO_STRINGS;
    if (a.saslMechanism !== null) {
      f.sasl_mechanism = a.saslMechanism;
      f.sasl_authenticated = a.saslServed;
      f.sasl_last_frame = big(a.saslLastFrame);
    }
    if (a.saslUsername !== null) f.sasl_username = a.saslUsername;
    if (a.saslError !== null) {
      f.sasl_error = a.saslError;
      f.sasl_error_frame = big(a.saslErrorFrame);
      if (a.saslErrorMessage !== null) f.sasl_error_message = a.saslErrorMessage;
    }
    if (a.tlsSeen) f.tls_handshake_complete = tlsHandshakeComplete(a);
    if (a.tlsClientHelloFrame > 0) f.tls_client_hello_frame = big(a.tlsClientHelloFrame);
    if (a.tlsAlert !== null) {
      f.tls_alert = a.tlsAlert;
      f.tls_alert_from = a.tlsAlertFrom!;
      f.tls_alert_frame = big(a.tlsAlertFrame);
    }
    if (closed) {
      f.close_frame = big(c.close.packet);
      f.idle_before_close_ms = ms(c.close.idleBeforeUs);
      if (c.longestIdleEndPacket > 0 && c.longestIdleEndPacket <= c.close.packet) {
        f.close_after_longest_idle_ms = ms(c.close.tsUs - c.longestIdleEndUs);
      }
    }
    // From the close, or for a connection the client abandoned without FIN or RST (a silent drop
    // ends in a kernel timeout), from its last packet.
    const endedUs = closed ? c.close.tsUs : c.endUs;
    const next = nextHandshake(groups.get(endpointKey(c)), c, endedUs);
    const nextUs = Math.min(next?.startUs ?? Infinity, fp ? firstStartFrom(fp.handshakeStarts.items, Math.max(endedUs, c.startUs)) : Infinity);
    if (nextUs !== Infinity) f.next_connection_gap_ms = ms(nextUs - endedUs);
    if (c.close.how === "rst") {
      if (c.close.rstTtl >= 0) f.rst_ttl = big(c.close.rstTtl);
      if (c.close.rstIpId >= 0) f.rst_ip_id = big(c.close.rstIpId);
      // The sender's first packet is the reference: its last one may be the RST itself.
      const sender = c.close.by === "client" ? c.c2s : c.s2c;
      if (c.close.rstTtl >= 0 && sender.firstTtl >= 0 && sender.packets > 1) {
        f.rst_ttl_differs_from_sender = c.close.rstTtl !== sender.firstTtl;
      }
    }
    f.after_idle_client_retransmissions = big(s.afterIdleClientRetransmissions);
    f.after_idle_server_packets = big(s.afterIdleServerPackets);
    f.idle_reset = isIdleReset(c);
    const path = paths.get(pathKey(c))!;
    const resets = path.resetIdles.length + (fp?.idleResets.n ?? 0);
    f.path_idle_resets = big(resets);
    if (resets > 0) {
      f.path_idle_reset_min_ms = ms(Math.min(...path.resetIdles, fp?.idleResets.min ?? Infinity));
      f.path_idle_reset_max_ms = ms(Math.max(...path.resetIdles, fp?.idleResets.max ?? -Infinity));
    }
    const survivedMaxUs = Math.max(path.survivedMaxUs, fp?.connSurvivedMaxUs ?? 0);
    if (survivedMaxUs > 0) f.path_idle_survived_max_ms = ms(survivedMaxUs);
    const interval = median([...gaps(s.keepalive[0]), ...gaps(s.keepalive[1])]);
    if (interval !== null) f.keepalive_interval_ms = ms(interval);
    if (s.keepaliveIdleUs >= 0) f.keepalive_idle_ms = ms(s.keepaliveIdleUs);
    f.retransmissions_client = big(s.retransmissions[0]);
    f.retransmissions_server = big(s.retransmissions[1]);
    if (s.firstRetransmissionFrame > 0) f.first_retransmission_frame = big(s.firstRetransmissionFrame);
    const [zwClient, zwServer] = s.zeroWindows;
    f.zero_windows_client = big(zwClient);
    f.zero_windows_server = big(zwServer);
    f.zero_window_from = zwClient > 0 ? (zwServer > 0 ? "both" : "client") : zwServer > 0 ? "server" : "none";
    const stall = longestZeroWindowStall(s, c.endUs);
    if (stall) {
      f.zero_window_stall_ms = ms(stall.us);
      f.zero_window_stall_by = stall.by === 0 ? "client" : "server";
      f.zero_window_stall_frame = big(stall.frame);
      if (stall.endFrame > 0) f.zero_window_stall_end_frame = big(stall.endFrame);
    }
    return f;
  }
}

/** Silence that counts as "idle" before a reset, and how soon after it the reset must come. */
const IDLE_RESET_MIN_IDLE_US = 1_000_000;
const IDLE_RESET_WITHIN_US = 1_000_000;

/**
 * Closed by a RST within a second of the first packet after its longest silence (of at least a
 * second): the shape of a middlebox that forgot an idle connection.
 */
function isIdleReset(c: Connection): boolean {
  return (
    c.close.how === "rst" &&
    c.longestIdleUs >= IDLE_RESET_MIN_IDLE_US &&
    c.longestIdleEndPacket > 0 &&
    c.longestIdleEndPacket <= c.close.packet &&
    c.close.tsUs - c.longestIdleEndUs <= IDLE_RESET_WITHIN_US
  );
}

/** A client address to one server endpoint: the path a middlebox sits on. */
const pathKey = (c: Connection): string => `${c.client.addr}|${c.server.addr}|${c.server.port}`;

/**
 * Per path: the silences that ended in a reset, and the longest silence a connection got
 * through. The middlebox's idle timeout lies between the longest survived and the shortest reset.
 */
function idlePaths(
  conns: Iterable<Connection | undefined>,
  capture: AnalysedCapture,
  scan: ById<PacketStats>,
): Map<string, { resetIdles: number[]; survivedMaxUs: number }> {
  const out = new Map<string, { resetIdles: number[]; survivedMaxUs: number }>();
  for (const c of conns) {
    if (!c) continue;
    const k = pathKey(c);
    let p = out.get(k);
    if (!p) out.set(k, (p = { resetIdles: [], survivedMaxUs: 0 }));
    const share = connShare(c, scan.at(c.id)!);
    if (share.idleResetUs >= 0) p.resetIdles.push(share.idleResetUs);
    else if (share.survivedUs > p.survivedMaxUs) p.survivedMaxUs = share.survivedUs;
  }
  return out;
}

/** What one connection contributes to its path's conn.path_idle_* facts (also what a folded connection leaves, src/live/folded.ts). */
export function connShare(c: Connection, s: PacketStats): ConnContribution {
  const reset = isIdleReset(c) || isIdleDrop(c, s);
  return { idleResetUs: reset ? c.longestIdleUs : -1, survivedUs: reset ? 0 : c.longestIdleUs };
}

/** After a silence of at least a second, the client retransmitted and the server never answered. */
function isIdleDrop(c: Connection, s: PacketStats): boolean {
  return c.longestIdleUs >= IDLE_RESET_MIN_IDLE_US && s.afterIdleClientRetransmissions >= 2 && s.afterIdleServerPackets === 0;
}

function keepaliveFrom(s: PacketStats): string {
  const c = s.keepalive[0].length > 0;
  const v = s.keepalive[1].length > 0;
  return c && v ? "both" : c ? "client" : v ? "server" : "none";
}

/** The earliest of these start times at or after `fromUs` (Infinity: none). */
function firstStartFrom(startsUs: readonly number[], fromUs: number): number {
  let best = Infinity;
  for (const t of startsUs) if (t >= fromUs && t < best) best = t;
  return best;
}

/** The first later connection of the same client to the same server that starts at or after `endedUs`. */
function nextHandshake(group: Connection[] | undefined, c: Connection, endedUs: number): Connection | undefined {
  if (!group) return undefined;
  // The group is in start order: binary search, as one client host may open a million connections.
  const from = Math.max(endedUs, c.startUs);
  let lo = 0;
  let hi = group.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (group[mid]!.startUs < from) lo = mid + 1;
    else hi = mid;
  }
  while (lo < group.length && group[lo] === c) lo++;
  return group[lo];
}

/** Shared by every connection without a list of strings. */
const NO_STRINGS: readonly string[] = Object.freeze([]) as readonly string[];

/** Shared by every exchange without path facts. */
const NO_PATH: Facts = Object.freeze({}) as Facts;

/** Shared by every exchange without errors (most of them): conditions only read facts. */
const NO_CODES: readonly never[] = Object.freeze([]);

/** "MESSAGE_TOO_LARGE: The request ... NOT_LEADER...: ..." for the codes that have help; "" otherwise. */
function errorHelp(codes: readonly number[]): string {
  const parts: string[] = [];
  for (const c of codes) {
    const help = kafkaErrorHelp(c);
    if (help) parts.push(`${kafkaErrorName(c)}: ${help}`);
  }
  return parts.join(" ");
}

function unknownCodes(codes: readonly number[]): readonly bigint[] | readonly never[] {
  const unknown = codes.filter((c) => valueName("kafka.error", c) === undefined);
  return unknown.length > 0 ? unknown.map(big) : NO_CODES;
}

/** The distinct non-zero error codes of a kafka.error value (most exchanges have none: no allocation). */
function nonZeroCodes(v: FieldValue | undefined): readonly number[] {
  if (!Array.isArray(v) || !v.some((x) => typeof x === "number" && x !== 0)) return NO_CODES;
  return [...new Set(v.filter((x): x is number => typeof x === "number" && x !== 0))];
}

/**
 * One exchange's facts: exchange.*, conn.*, path.*, and the protocol variables (kafka.*, a
 * plugin's) built on first read (most conditions decide on exchange.* alone: API, status). CEL
 * reads a top-level variable as a plain property, so getters on the prototype serve (see
 * defineProtocolGetters); a getter in an object literal would make every item a slow dictionary
 * object, and tens of thousands are built.
 */
class ExchangeItem implements ProtocolItem {
  [fact: string]: unknown;
  #kafka: Facts | undefined;
  #others: Map<string, Facts> | undefined;
  /**
   * The stored exchange, whose fields are read when a protocol variable is first asked for (a
   * stored exchange builds its fields object on each read: keeping one per item would hold a copy
   * of every exchange's fields in the TUI's facts cache).
   */
  readonly #source: { readonly fields: Record<string, FieldValue> };
  /** conn.*, or what builds it on first read (a live re-run: most exchange rules decide on exchange.* alone). */
  #conn: Facts | (() => Facts);
  #path: Facts | (() => Facts);
  constructor(
    readonly exchange: Facts,
    conn: Facts | (() => Facts),
    path: Facts | (() => Facts),
    source: { readonly fields: Record<string, FieldValue> },
  ) {
    this.#conn = conn;
    this.#path = path;
    this.#source = source;
  }

  get conn(): Facts {
    const c = this.#conn;
    return typeof c === "function" ? (this.#conn = c()) : c;
  }

  get path(): Facts {
    const p = this.#path;
    return typeof p === "function" ? (this.#path = p()) : p;
  }

  [PROTOCOL](name: string): Facts {
    // Kafka's own slot: the pass reads kafka.* of tens of thousands of exchanges.
    if (name === "kafka") return (this.#kafka ??= protocolFacts("kafka", this.#source.fields));
    this.#others ??= new Map();
    let f = this.#others.get(name);
    if (!f) this.#others.set(name, (f = protocolFacts(name, this.#source.fields)));
    return f;
  }
}

/** Symbol of the method an item whose variables are getters implements to give a plain copy. */
export const SNAPSHOT = Symbol("snapshot");

/** A copy of an item's facts that keeps the protocol variables (a spread copies own properties only). */
export function snapshotFacts(facts: Facts): Facts {
  if (facts instanceof ExchangeItem) return { ...facts, conn: facts.conn, path: facts.path, ...protocolVariables(facts) };
  // Items whose variables are getters (packet-item.ts) say what they hold.
  const own = (facts as { [SNAPSHOT]?: () => Facts })[SNAPSHOT];
  return typeof own === "function" ? own.call(facts) : { ...facts };
}

/** Every loaded protocol's variable of an item, read through its getters. */
export function protocolVariables(item: ProtocolItem): Facts {
  const out: Facts = {};
  for (const { name } of factProtocols()) out[name] = item[PROTOCOL](name);
  return out;
}

/**
 * The facts of each exchange, built one at a time (`pathOf` gives each connection's path.*, the
 * end facts'; without it path is empty). The evaluator drops each item after its rules ran, so
 * tens of thousands of them never outlive a young-generation collection.
 */
export function exchangeFactsBuilder(
  capture: AnalysedCapture,
  conns: Facts[] | ((connId: number) => Facts | undefined),
  pathOf?: (connId: number) => Facts | undefined,
): (e: StoredExchange) => Facts {
  // conn.* and path.* as given, or (a function: a live re-run) built when an item first reads them.
  const connOf = typeof conns === "function" ? conns : (id: number) => conns[id];
  const lazy = typeof conns === "function";
  // A live re-run's kept summaries know each connection's last request: no walk over every exchange.
  const kept = liveKafkaSummaries(capture);
  let lastRequestOf: (id: number) => number;
  if (kept) lastRequestOf = (id) => kept.lastRequestOf(id);
  else {
    const lastRequest = new Map<number, number>();
    for (const e of capture.exchanges) {
      if (e.request) lastRequest.set(e.connId, Math.max(lastRequest.get(e.connId) ?? -1, e.request.last));
    }
    lastRequestOf = (id) => lastRequest.get(id) ?? -1;
  }
  const leftGroup = leftGroupBeforeAnswer(capture);
  // One BigInt per connection id, not one per exchange (tens of thousands of exchanges), made on first use.
  const connIds: bigint[] = [];
  defineProtocolGetters(ExchangeItem.prototype);
  return (e) => {
    const conn = capture.connections[e.connId];
    // Read once: a stored exchange builds these on each read (src/model/exchange-store.ts).
    const fields = e.fields;
    const request = e.request;
    const response = e.response;
    const errors = nonZeroCodes(fields["kafka.error"]);
    // Sum and largest of the records fields, without building a filtered copy.
    const rec = fields["kafka.records_length"];
    let recordsTotal = 0;
    let recordsMax = -1;
    if (Array.isArray(rec)) {
      for (const r of rec) {
        if (typeof r !== "number") continue;
        recordsTotal += r;
        if (r > recordsMax) recordsMax = r;
      }
    }
    const apiKey = fields["kafka.api_key"];
    const at = request ?? response!;
    const x: Facts = {
      status: e.status,
      confidence: e.confidence,
      connection: (connIds[e.connId] ??= big(e.connId)),
      time: at.tsUs / 1e6,
      errors: errors.length > 0 ? errors.map(big) : NO_CODES,
      error_names: errors.length > 0 ? errors.map(kafkaErrorName) : NO_CODES,
      error_help: errorHelp(errors),
      unknown_errors: errors.length > 0 ? unknownCodes(errors) : NO_CODES,
      records_total: recordsTotal > 0 ? big(recordsTotal) : 0n,
      last_on_connection: request ? lastRequestOf(e.connId) === request.last : false,
      close_by: "none",
      dissector: e.dissector,
    };
    // Names from the Kafka dissector's declared field values, as every consumer reads them.
    const api = typeof apiKey === "number" ? kafkaApiName(apiKey) : undefined;
    if (api !== undefined) x.api_name = api;
    if (e.status === "answered" && request && response) x.latency_ms = ms(response.tsUs - request.tsUs);
    // Only where it can explain an error: the walk it needs is not paid for every exchange.
    if (errors.length > 0 && e.status === "answered" && e.dissector === "kafka") x.left_group_before_answer = leftGroup(e);
    if (request) {
      x.request_size = big(request.length);
      x.request_frame = big(request.last);
    }
    if (response) {
      x.response_size = big(response.length);
      x.response_frame = big(response.last);
    }
    if (recordsMax >= 0) x.records_max = big(recordsMax);
    if (conn && request && conn.close.how !== "open" && conn.close.packet >= request.last) {
      x.close_after_ms = ms(conn.close.tsUs - request.tsUs);
      // As conn.close_by: a TLS close_notify names the closing side.
      const cf = connOf(e.connId);
      x.close_by = typeof cf?.close_by === "string" ? (cf.close_by as string) : (conn.close.by ?? "none");
    }
    const throttle = fields["kafka.throttle_time"];
    if (typeof throttle === "number") x.throttle_time_ms = big(throttle);
    const crcOk = fields["kafka.batch_crc_ok"];
    if (typeof crcOk === "boolean") x.batch_crc_ok = crcOk;
    if (lazy) return new ExchangeItem(x, () => connOf(e.connId) ?? {}, () => pathOf?.(e.connId) ?? NO_PATH, e);
    return new ExchangeItem(x, connOf(e.connId) ?? {}, pathOf?.(e.connId) ?? NO_PATH, e);
  };
}

/** capture.* (one item). */
export function buildCaptureFacts(capture: AnalysedCapture): Facts {
  const p = capture.packets;
  const reconnects: Record<string, bigint> = {};
  let max = 0;
  const perClient = new Map<string, number>();
  for (const g of handshakeGroups(capture.connections).values()) {
    const addr = g[0]!.client.addr;
    perClient.set(addr, (perClient.get(addr) ?? 0) + g.length - 1);
  }
  for (const [addr, n] of perClient) {
    if (n > 0) reconnects[addr] = big(n);
    max = Math.max(max, n);
  }
  const kafka = kafkaPerConnection(capture);
  let duplicates = 0;
  let firstDuplicate = 0;
  for (let r = 0; r < p.held; r++) {
    if (p.events[r]! & TcpEvent.CAPTURE_DUPLICATE && duplicates++ === 0) firstDuplicate = p.base + r + 1;
  }
  const f: Facts = {
    file: capture.file,
    packets: big(p.count),
    connections: big(capture.connections.length),
    duration_ms: p.count > 0 ? ms(p.tsAt(p.count - 1) - p.firstTsUs) : 0,
    truncated_packets: big(capture.decode.truncated),
    duplicate_packets: big(duplicates),
    // A live capture's folded connections count in both (connections: every id the capture gave).
    rst_connections: big(capture.connections.filter((c) => c?.close.how === "rst").length + (capture.folded?.rstConnections ?? 0)),
    kafka_exchanges: big(capture.exchanges.length),
    kafka_unanswered: big(sum(kafka, (k) => k.unanswered)),
    kafka_error_responses: big(sum(kafka, (k) => k.errors)),
    reconnects,
    max_reconnects: big(max),
  };
  if (p.count > 0) f.start_time = p.firstTsUs / 1e6;
  if (duplicates > 0) f.first_duplicate_frame = big(firstDuplicate);
  return { capture: f };
}

/** A total over the values of a per-connection list. */
function sum<T>(values: Iterable<T>, of: (v: T) => number): number {
  let n = 0;
  for (const v of values) n += of(v);
  return n;
}
