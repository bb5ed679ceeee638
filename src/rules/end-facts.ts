/**
 * The facts of how each connection ended (end.*) and what the whole capture says about the path
 * and the broker (path.*): the signals the cause rules (scope "end", rules/causes.yaml) weigh.
 *
 * Everything here is measured from the capture; nothing is a tuned constant except the few
 * floors named below (a second of silence is "idle"; "soon" is a second), each said in the
 * rule files where it matters. Limits (request size, idle timeouts) are bracketed from what got
 * through and what did not on the same path, so they follow each capture's own numbers.
 */

import { connectionsOf, type AnalysedCapture, type StoredExchange } from "../model/analysed-capture.js";
import { DESIGNED_WAIT_APIS, kafkaPerConnection } from "../facts/kafka-per-connection.js";
import { kafkaApiName } from "../facts/kafka-names.js";
import type { Connection } from "../tcp/types.js";
import type { Facts } from "../facts/build.js";
import { connectionEnds, IDLE_FLOOR_US, type EndInfo } from "../facts/end-shape.js";
import { connectionPacketScan } from "../facts/packet-stats.js";
import { bracket, largestCluster, median } from "./infer.js";
import { percentile } from "../facts/aggregate.js";
import { answeredAfterClientClose } from "../model/late-answer.js";
import type { EndContribution, FoldedView } from "../model/folded-view.js";

/** A close this soon after the packet that triggered it answers that packet. */
const SOON_US = 1_000_000;
/** Other connections closed by the same server within this window count as "closed together". */
const TOGETHER_US = 200_000;

const NO_TOPICS: readonly string[] = Object.freeze([]);

const serverKey = (c: Connection): string => `${c.server.addr}|${c.server.port}`;
const pathKey = (c: Connection): string => `${c.client.addr}|${c.server.addr}|${c.server.port}`;

/**
 * What one connection's end contributes to the facts of the others on its path and server: the
 * idle it survived, the idle that killed it, the server's idle close, the server's close (busy:
 * a Kafka connection closed with nothing asked of the server). One definition for the facts built
 * here and for the aggregates that connections folded out of a live capture join (src/live/folded.ts).
 */
export function endShare(c: Connection, e: EndInfo, carriesKafka: boolean): EndContribution {
  const killed = e.triggerFrom === "client" && e.idleBeforeTriggerUs >= IDLE_FLOOR_US &&
    ((e.how === "rst" && e.by === "server" && e.tsUs - e.triggerTsUs <= SOON_US) ||
      (e.retransAfterTrigger >= 1 && e.answersAfterTrigger === 0));
  const serverClose = e.by === "server" && e.how !== "none";
  return {
    survivedUs: e.survivedIdleUs >= IDLE_FLOOR_US ? e.survivedIdleUs : -1,
    killedUs: killed ? e.idleBeforeTriggerUs : -1,
    idleCloseUs: e.by === "server" && e.trigger < 0 && e.idleBeforeCloseUs >= IDLE_FLOOR_US ? e.idleBeforeCloseUs : -1,
    serverCloseUs: serverClose ? e.tsUs : -1,
    busyClose: serverClose && e.trigger < 0 && e.idleBeforeCloseUs >= 0 && e.idleBeforeCloseUs < IDLE_FLOOR_US && carriesKafka,
  };
}

/** A connection attempt as the reconnect and later-attempt facts read it: a connection in the capture, or one folded (id -1). */
interface Attempt {
  id: number;
  startUs: number;
  clientAddr: string;
  failed: boolean;
}

/**
 * end.* and path.* for every connection (index = connection id), ready for the end scope.
 * `need`: only these connections' facts are built (what they read of the others, per path and per
 * server, is still gathered over every connection). In a live capture each connection's end shape
 * is kept between evaluations and described again only when the connection had new packets.
 */
export function buildEndFacts(capture: AnalysedCapture, need?: (id: number) => boolean, needIds?: Iterable<number>): Array<{ end: Facts; path: Facts }> {
  const conns = capture.connections;
  const { endOf } = endFactsOf(capture);
  // Sparse when `need` picks a few: no slot per connection ever seen (a live capture's ids only grow).
  const out: Array<{ end: Facts; path: Facts }> = [];
  if (need && needIds) {
    for (const id of needIds) if (conns[id] && need(id)) out[id] = endOf(conns[id]!, id);
  } else for (const c of conns) if (c && (!need || need(c.id))) out[c.id] = endOf(c, c.id);
  return out;
}

interface EndFactsOf {
  endOf: (c: Connection, id: number) => { end: Facts; path: Facts };
  /** path.* alone (shared per path): what an exchange item reads. */
  pathOf: (c: Connection) => Facts;
}

/**
 * A live re-run's snapshot (one with a kept packet scan) evaluates its rules in two calls over
 * the same snapshot (kdiag watch: the step's rules, then the exchange rules of the connections
 * gone quiet): the aggregates per path and per server, a walk over every connection, are gathered
 * once per snapshot, not per call.
 */
const liveEndFactsOf = new WeakMap<AnalysedCapture, EndFactsOf>();

/** The end.* and path.* of one connection, given the aggregates gathered over every connection. */
export function endFactsOf(capture: AnalysedCapture): EndFactsOf {
  const liveSnapshot = connectionPacketScan(capture) !== undefined;
  const kept = liveSnapshot ? liveEndFactsOf.get(capture) : undefined;
  if (kept) return kept;
  const conns = capture.connections;
  // Walks visit the connections held (a live capture's: not the holes of every one folded).
  const held = connectionsOf(capture);
  // Connections folded out of a live capture (past --keep-connections): their aggregates join the lists below.
  const folded: FoldedView | undefined = capture.folded;
  const ends = connectionEnds(capture);
  const kafka = kafkaPerConnection(capture);
  const p = capture.packets;
  const captureEndUs = p.count > 0 ? p.tsAt(p.count - 1) : 0;
  const captureStartUs = p.count > 0 ? p.firstTsUs : 0;

  // The request the end concerns: the connection's last Kafka request sent before the end.
  const requestAt = (c: Connection, e: EndInfo): StoredExchange | null => {
    const r = kafka.at(c.id)!.lastRequest;
    return r && r.request && r.request.first <= e.frame ? r : null;
  };

  // Sizes per server: what got through and what did not. A Produce the server closed on within a
  // second, with no answer and no idle before it, counts as refused.
  const accepted = new Map<string, number[]>();
  const refused = new Map<string, number[]>();
  for (const c of held) {
    // A hole: a connection a live capture folded (its Kafka went with its exchanges).
    if (!c) continue;
    const id = c.id;
    const k = kafka.at(id)!;
    const e = ends.at(id)!;
    const key = serverKey(c);
    for (const s of k.sizeErrors) pushTo(refused, key, s);
    const r = requestAt(c, e);
    const closedOnIt = e.by === "server" && r !== null && r.fields["kafka.api_key"] === 0 && r.status !== "answered" &&
      e.tsUs - r.request!.tsUs <= SOON_US && (e.idleBeforeTriggerUs < IDLE_FLOOR_US);
    for (const s of k.produceSizes) if (!(closedOnIt && r!.request!.length === s)) pushTo(accepted, key, s);
    if (closedOnIt) pushTo(refused, key, r!.request!.length);
  }

  // Idle per path: the longest survived silences, and the silences that ended in a RST within a
  // second of the next send or in unanswered retransmissions.
  const survivedByPath = new Map<string, number[]>();
  const killedByPath = new Map<string, number[]>();
  const idleClosesByServer = new Map<string, number[]>();
  // Kafka was decoded on the connection, in the clear or inside TLS.
  const carriesKafka = (c: Connection): boolean => c.dissector === "kafka" || kafka.at(c.id)!.requests > 0;
  // By connection id, in id order (a Map: an array by id would cost every id ever seen).
  const shares = new Map<number, EndContribution>();
  for (const c of held) {
    if (!c) continue;
    const sh = endShare(c, ends.at(c.id)!, carriesKafka(c));
    shares.set(c.id, sh);
    if (sh.survivedUs >= 0) pushTo(survivedByPath, pathKey(c), sh.survivedUs);
    if (sh.killedUs >= 0) pushTo(killedByPath, pathKey(c), sh.killedUs);
    if (sh.idleCloseUs >= 0) pushTo(idleClosesByServer, serverKey(c), sh.idleCloseUs);
  }
  for (const [k, s] of folded?.servers ?? []) for (const us of s.idleCloses.items) pushTo(idleClosesByServer, k, us);

  // Reconnects: the next connection of the same client (client id where decoded, else host) to
  // the same server, started after this one's end.
  // Sorted by start, so each lookup is a binary search: captures can hold many thousands of
  // connections to one broker.
  const synsByPath = new Map<string, Attempt[]>();
  const synsByServer = new Map<string, Attempt[]>();
  for (const c of held) {
    if (!c || c.synPacket < 0) continue;
    const a: Attempt = { id: c.id, startUs: c.startUs, clientAddr: c.client.addr, failed: ends.at(c.id)!.connectFailed };
    pushTo(synsByPath, pathKey(c), a);
    pushTo(synsByServer, serverKey(c), a);
  }
  // Folded attempts: the most recent of each server with their time (older ones: below, by count).
  for (const [k, s] of folded?.servers ?? []) {
    for (const y of s.syns.items) {
      const a: Attempt = { id: -1, startUs: y.startUs, clientAddr: y.clientAddr, failed: y.failed };
      pushTo(synsByPath, `${y.clientAddr}|${k}`, a);
      pushTo(synsByServer, k, a);
    }
  }
  for (const l of [...synsByPath.values(), ...synsByServer.values()]) l.sort((a, b) => a.startUs - b.startUs);
  /** Per server: connection attempts from index i on that were refused or unanswered, up to the first accepted one. */
  const refusedFrom = new Map<string, Int32Array>();
  for (const [k, l] of synsByServer) {
    const run = new Int32Array(l.length + 1);
    for (let i = l.length - 1; i >= 0; i--) run[i] = l[i]!.failed ? run[i + 1]! + 1 : 0;
    refusedFrom.set(k, run);
  }
  const acceptedFrom = new Map<string, Int32Array>();
  for (const [k, l] of synsByServer) {
    const suffix = new Int32Array(l.length + 1);
    for (let i = l.length - 1; i >= 0; i--) suffix[i] = suffix[i + 1]! + (l[i]!.failed ? 0 : 1);
    acceptedFrom.set(k, suffix);
  }
  const kafkaPorts = new Set<number>();
  for (const c of held) if (c && carriesKafka(c)) kafkaPorts.add(c.server.port);
  for (const s of folded?.servers.values() ?? []) if (s.kafka) kafkaPorts.add(s.port);
  const closesByServer = new Map<string, number[]>();
  // Closes of busy Kafka connections with nothing asked of the server: an outage closes many at
  // once; the same close spread over time is this server's habit (a proxy, a scripted server).
  const busyClosesByServer = new Map<string, number[]>();
  shares.forEach((sh, id) => {
    if (sh.serverCloseUs < 0) return;
    pushTo(closesByServer, serverKey(conns[id]!), sh.serverCloseUs);
    if (sh.busyClose) pushTo(busyClosesByServer, serverKey(conns[id]!), sh.serverCloseUs);
  });
  for (const [k, s] of folded?.servers ?? []) {
    for (const x of s.closes.items) {
      pushTo(closesByServer, k, x.tsUs);
      if (x.busy) pushTo(busyClosesByServer, k, x.tsUs);
    }
  }
  for (const l of [...closesByServer.values(), ...busyClosesByServer.values()]) l.sort((a, b) => a - b);

  // The size bracket once per server (its Produce sizes can number in the tens of thousands).
  const sizeCache = new Map<string, ReturnType<typeof bracket>>();
  const sizeOf = (sKey: string): ReturnType<typeof bracket> => {
    let b = sizeCache.get(sKey);
    if (!b) sizeCache.set(sKey, (b = bracket(accepted.get(sKey) ?? [], refused.get(sKey) ?? [])));
    return b;
  };
  // path.* once per path: every connection on it shares the object (facts are only read).
  const pathCache = new Map<string, { facts: Facts; idleCloseMedian: number | null }>();
  const pathFacts = (c: Connection): { facts: Facts; idleCloseMedian: number | null } => {
    const key = pathKey(c);
    const hit = pathCache.get(key);
    if (hit) return hit;
    const sKey = serverKey(c);
    const size = sizeOf(sKey);
    const survived = survivedByPath.get(key) ?? [];
    const killed = killedByPath.get(key) ?? [];
    const idleCloses = idleClosesByServer.get(sKey) ?? [];
    // Folded connections of this path and server: exact counts and extremes (their idle-close
    // values only for the most recent; the count for all).
    const fp = folded?.path(c.client.addr, c.server.addr, c.server.port);
    const fs = folded?.server(c.server.addr, c.server.port);
    const killedN = killed.length + (fp?.killed.n ?? 0);
    const facts: Facts = {
      idle_killed_count: BigInt(killedN),
      broker_idle_closes: BigInt(idleCloses.length + (fs?.idleCloses.dropped ?? 0)),
      size_bracket_consistent: size.consistent,
      folded_connections: BigInt(fs?.connections ?? 0),
    };
    if (size.low !== null) facts.size_accepted_max = BigInt(size.low);
    if (size.high !== null) facts.size_refused_min = BigInt(size.high);
    const survivedMax = Math.max(survived.length > 0 ? maxOf(survived) : -1, fp?.endSurvivedMaxUs ?? -1);
    if (survivedMax >= 0) facts.idle_survived_max_ms = survivedMax / 1000;
    if (killedN > 0) {
      facts.idle_killed_min_ms = Math.min(minOf(killed), fp?.killed.min ?? Infinity) / 1000;
      facts.idle_killed_max_ms = Math.max(maxOf(killed), fp?.killed.max ?? -Infinity) / 1000;
    }
    let idleCloseMedian: number | null = null;
    if (idleCloses.length > 0) {
      const cluster = largestCluster(idleCloses);
      facts.broker_idle_close_min_ms = minOf(cluster) / 1000;
      facts.broker_idle_close_max_ms = maxOf(cluster) / 1000;
      facts.broker_idle_close_cluster = BigInt(cluster.length);
      // A close agrees with the others when it lies within 20% of their median (two at least).
      if (idleCloses.length >= 2) idleCloseMedian = median(cluster);
    }
    const out = { facts, idleCloseMedian };
    pathCache.set(key, out);
    return out;
  };

  // A late answer's yardstick: the same server's answers to the same API that reached their client
  // in time, over the whole capture. Built on the first late answer only (they are rare).
  let usual: Map<string, number[]> | null = null;
  const usualLatencies = (c: Connection, api: number): number[] => {
    if (!usual) {
      usual = new Map();
      // Every late answer (kafka-per-connection's answeredAfterClose among them) fails the check below.
      for (const x of capture.exchanges) {
        const a = x.fields["kafka.api_key"];
        if (x.dissector !== "kafka" || x.status !== "answered" || typeof a !== "number") continue;
        const rq = x.request;
        const rs = x.response;
        const ownConn = conns[x.connId];
        if (!rq || !rs || !ownConn || answeredAfterClientClose(capture, x.connId, rq, rs)) continue;
        pushTo(usual, `${serverKey(ownConn)}|${a}`, (rs.tsUs - rq.tsUs) / 1000);
      }
      for (const l of usual.values()) l.sort((a, b) => a - b);
    }
    return usual.get(`${serverKey(c)}|${api}`) ?? [];
  };

  const built: EndFactsOf = { endOf, pathOf: (c) => pathFacts(c).facts };
  if (liveSnapshot) liveEndFactsOf.set(capture, built);
  return built;

  function endOf(c: Connection, id: number): { end: Facts; path: Facts } {
    const e = ends.at(id)!;
    const k = kafka.at(id)!;
    const endedUs = e.how !== "none" ? e.tsUs : e.lastUs;
    const sameClient = (o: Attempt): boolean => {
      if (o.clientAddr !== c.client.addr) return false;
      // A folded attempt's client id went with its exchanges.
      const oid = o.id >= 0 ? kafka.at(o.id)!.clientId : null;
      return k.clientId === null || oid === null || oid === k.clientId;
    };
    const samePath = synsByPath.get(pathKey(c)) ?? [];
    let next: Attempt | undefined;
    // The first later connection of the same client; a few steps past other clients on the same host at most.
    for (let i = firstAtOrAfter(samePath, endedUs), steps = 0; i < samePath.length && steps < 64; i++, steps++) {
      const o = samePath[i]!;
      if (o.id !== c.id && sameClient(o)) {
        next = o;
        break;
      }
    }
    const sameId = next !== undefined && next.id >= 0 && k.clientId !== null && kafka.at(next.id)!.clientId === k.clientId;
    const quietAtEnd = captureEndUs - e.lastUs;

    // Kinds beyond FIN/RST.
    let kind: string = e.kind;
    if (e.connectFailed) kind = e.how === "rst" && e.by === "server" ? "connect-refused" : e.syns >= 2 && e.how === "none" ? "connect-unanswered" : kind;
    if (kind === "open") {
      if (e.triggerFrom === "client" && e.retransAfterTrigger >= 1 && e.answersAfterTrigger === 0) kind = "silence";
      else if (next && next.startUs - e.lastUs >= IDLE_FLOOR_US && quietAtEnd >= IDLE_FLOOR_US) kind = "silence";
      else if (k.unansweredFrames.length > 0) kind = "boundary";
    }
    // A Produce answered with a size error is the event of a connection that otherwise ended
    // normally (the client closed it, or it is still open).
    const refusedEx = k.refused;
    const serverEnded = (kind === "rst" || kind === "fin") && e.by === "server";
    if (refusedEx && refusedEx.response && !serverEnded && kind !== "silence") kind = "refused";
    const r = kind === "refused" ? refusedEx : requestAt(c, e);
    const closeUs = e.how !== "none" ? e.tsUs : -1;
    const closes = closesByServer.get(serverKey(c)) ?? [];
    const together = closeUs >= 0 && e.by === "server" ? countWithin(closes, closeUs - TOGETHER_US, closeUs + TOGETHER_US) - 1 : 0;
    const busy = busyClosesByServer.get(serverKey(c)) ?? [];
    const fs = folded?.server(c.server.addr, c.server.port);
    // Busy closes folded without their time are older than every kept one: apart from this close.
    const busyApart = closeUs >= 0 ? busy.length + (fs?.droppedBusyCloses ?? 0) - countWithin(busy, closeUs - TOGETHER_US, closeUs + TOGETHER_US) : 0;
    // After this end, SYNs to the same server that went unanswered or were refused: the server is gone.
    const serverSyns = synsByServer.get(serverKey(c)) ?? [];
    const laterFrom = firstAtOrAfter(serverSyns, endedUs + 1);
    let refusedLater = refusedFrom.get(serverKey(c))?.[laterFrom] ?? 0;
    let answeredLater = acceptedFrom.get(serverKey(c))?.[laterFrom] ?? 0;
    // Folded attempts kept only as counts, when all of them came after this end: they came before
    // the attempts kept with their time. Answered ones count; refused ones extend the run of
    // refusals when none of them was answered (else the run's length is not known: the kept one's).
    if (fs && fs.syns.dropped > 0 && fs.droppedSynFromUs > endedUs) {
      answeredLater += fs.syns.dropped - fs.droppedSynsFailed;
      if (fs.droppedSynsFailed === fs.syns.dropped) refusedLater += fs.droppedSynsFailed;
    }

    const { facts: path, idleCloseMedian } = pathFacts(c);

    const eventFrame = kind === "refused" ? refusedEx!.response!.last : e.frame;
    const eventUs = kind === "refused" ? refusedEx!.response!.tsUs : e.tsUs;
    const end: Facts = {
      kind,
      by: kind === "refused" ? "server" : e.by,
      how: e.how,
      frame: BigInt(eventFrame),
      time: eventUs / 1e6,
      size_error_responses: BigInt(k.sizeErrors.length),
      retransmissions_after_trigger: BigInt(e.retransAfterTrigger),
      answers_after_trigger: BigInt(e.answersAfterTrigger),
      trigger_keepalive: e.triggerKeepalive,
      trigger_from: e.triggerFrom,
      burst_bytes: BigInt(e.burstBytes),
      client_data_after_close: BigInt(e.clientDataAfterClose),
      unanswered_requests: BigInt(k.unansweredFrames.length),
      reconnected: next !== undefined,
      reconnect_same_client_id: sameId,
      servers_closes_together: BigInt(Math.max(0, together)),
      server_busy_closes_apart: BigInt(busyApart),
      later_connects_refused: BigInt(refusedLater),
      later_connects_answered: BigInt(answeredLater),
      syn_count: BigInt(e.syns),
      server_port_kafka: kafkaPorts.has(c.server.port),
      to_capture_end_ms: (captureEndUs - endedUs) / 1000,
      from_capture_start_ms: (c.startUs - captureStartUs) / 1000,
      kafka_decoded: k.lastRequest !== null,
      close_notify: e.closeNotify,
      survived_idle_ms: e.survivedIdleUs / 1000,
    };
    if (e.trigger > 0) {
      end.trigger_frame = BigInt(e.trigger);
      end.trigger_payload = BigInt(e.triggerPayload);
      end.close_after_trigger_ms = closeUs >= 0 ? (closeUs - e.triggerTsUs) / 1000 : (e.lastUs - e.triggerTsUs) / 1000;
    }
    if (e.idleBeforeTriggerUs >= 0) end.idle_before_trigger_ms = e.idleBeforeTriggerUs / 1000;
    if (e.idleBeforeCloseUs >= 0) end.idle_before_close_ms = e.idleBeforeCloseUs / 1000;
    if (next) end.reconnect_after_ms = (next.startUs - endedUs) / 1000;
    if (e.rstTtl >= 0) end.rst_ttl = BigInt(e.rstTtl);
    if (e.senderTtl >= 0) end.sender_ttl = BigInt(e.senderTtl);
    if (e.rstTtl >= 0 && e.senderTtl >= 0) end.rst_ttl_matches_sender = e.rstTtl === e.senderTtl;
    if (e.rstIpId >= 0 && e.senderPrevIpId >= 0) {
      // A kernel's own RST continues the socket's IP id sequence (or uses 0 with DF on some
      // stacks); a forged one from a middlebox does neither in step with the sender's counter.
      const step = (e.rstIpId - e.senderPrevIpId + 0x10000) % 0x10000;
      end.rst_ip_id_follows_sender = step >= 1 && step <= 64;
    }
    if (e.unackedFromOther >= 0) end.unacked_from_other_bytes = BigInt(e.unackedFromOther);
    // Against the largest earlier send: small requests (metadata, heartbeats) must not inflate it.
    const earlier = e.earlierBursts.length > 0 ? maxOf(e.earlierBursts) : 0;
    if (earlier > 0) end.burst_vs_earlier = e.burstBytes / earlier;
    if (r && r.request) {
      end.request_frame = BigInt(r.request.last);
      end.request_size = BigInt(r.request.length);
      const api = r.fields["kafka.api_key"];
      if (typeof api === "number") {
        end.request_api_key = BigInt(api);
        const name = kafkaApiName(api);
        if (name !== undefined) end.request_api = name;
      }
      // Its answer still arriving (or not begun) when the client closed: for this end, it was still waiting.
      const lateForClient = e.by === "client" && e.how !== "none" && r.status === "answered" && r.response !== null && r.response.last > e.frame;
      end.request_status = lateForClient ? "unanswered" : r.status;
      const acks = r.fields["kafka.required_acks"];
      if (typeof acks === "number") end.request_acks = BigInt(acks);
      // The topics and partitions the request wrote to: where the limit bit (max.message.bytes is per topic).
      const rt = r.fields["kafka.topic_name"];
      const rp = r.fields["kafka.partition_id"];
      end.request_topics = Array.isArray(rt) ? rt.filter((t): t is string => typeof t === "string").slice(0, 8) : NO_TOPICS;
      end.request_partitions = Array.isArray(rp) ? [...new Set(rp.filter((x): x is number => typeof x === "number"))].slice(0, 16).map((x) => BigInt(x)) : [];
      const sizes = k.produceSizes.filter((s) => s !== r.request!.length);
      const m = median(sizes);
      if (m !== null && m > 0) end.request_vs_earlier = r.request.length / m;
    }
    // A Fetch's answer may wait up to its max_wait_ms by design (long poll), a JoinGroup's for a
    // rebalance...: late by itself says nothing about the broker, so only the other requests count.
    const lateAnswers = k.answeredAfterClose.filter((x) => { const a = x.fields["kafka.api_key"]; return typeof a !== "number" || !DESIGNED_WAIT_APIS.has(a); });
    end.answered_after_close = BigInt(lateAnswers.length);
    // The slowest of them: how long the broker really took, against its usual for that API.
    let slowest: StoredExchange | null = null;
    let slowestMs = -1;
    for (const x of lateAnswers) {
      const ms = (x.response!.tsUs - x.request!.tsUs) / 1000;
      if (ms > slowestMs) [slowest, slowestMs] = [x, ms];
    }
    if (slowest) {
      const api = slowest.fields["kafka.api_key"] as number;
      end.late_answer_ms = slowestMs;
      end.late_answer_frame = BigInt(slowest.response!.first);
      end.late_answer_api = kafkaApiName(api) ?? `api ${api}`;
      const ref = usualLatencies(c, api);
      end.late_answer_usual_samples = BigInt(ref.length);
      if (ref.length > 0) end.late_answer_usual_p99_ms = percentile(ref, 99);
    }
    if (k.waitAtCloseUs >= 0) end.wait_at_close_ms = k.waitAtCloseUs / 1000;
    // A request the client gave up on that never got an answer (real Kafka drops the answer to a
    // channel closed on EOF): its wait against the broker's usual for that API, as for a late answer.
    if (k.silentAtClose && k.silentAtClose.request) {
      const api = k.silentAtClose.fields["kafka.api_key"] as number;
      end.silent_wait_ms = k.silentWaitUs / 1000;
      end.silent_frame = BigInt(k.silentAtClose.request.last);
      end.silent_api = kafkaApiName(api) ?? `api ${api}`;
      const ref = usualLatencies(c, api);
      end.silent_usual_samples = BigInt(ref.length);
      if (ref.length > 0) end.silent_usual_p99_ms = percentile(ref, 99);
    }
    if (k.clientId !== null) end.client_id = k.clientId;
    end.topics = k.topics ? [...k.topics] : NO_TOPICS;

    if (idleCloseMedian !== null && e.idleBeforeCloseUs >= 0) {
      end.idle_close_in_cluster = Math.abs(e.idleBeforeCloseUs - idleCloseMedian) <= 0.2 * idleCloseMedian;
    }
    return { end, path };
  }
}

/** An end shape as a live capture keeps it for every connection: of the earlier bursts only the largest is read. */
function maxOf(v: readonly number[]): number {
  let m = -Infinity;
  for (const x of v) if (x > m) m = x;
  return m;
}

function minOf(v: readonly number[]): number {
  let m = Infinity;
  for (const x of v) if (x < m) m = x;
  return m;
}

function pushTo<T>(m: Map<string, T[]>, k: string, v: T): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

/** Index of the first connection (sorted by start) starting at or after `us`. */
function firstAtOrAfter(sorted: readonly { startUs: number }[], us: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.startUs < us) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the sorted values lie in [lo, hi]. */
function countWithin(sorted: readonly number[], lo: number, hi: number): number {
  const bound = (x: number, strict: boolean): number => {
    let a = 0;
    let b = sorted.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (sorted[m]! < x || (!strict && sorted[m]! === x)) a = m + 1;
      else b = m;
    }
    return a;
  };
  return bound(hi, false) - bound(lo, true);
}

/** Whether an end is one the causes look at (every other connection is quiet by construction). */
export function endMatters(end: Facts): boolean {
  return end.kind !== "open";
}
