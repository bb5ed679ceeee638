/**
 * The shape of one connection's end, from the packet index alone: who closed it and how, the
 * packet the close answered (the trigger), the silences before it, the request in flight in TCP
 * terms, and what the RST's TTL and IP id say. end-facts.ts turns these into end.* facts.
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { connectionsOf, type AnalysedCapture } from "../model/analysed-capture.js";
import type { ById } from "../tcp/id-slots.js";
import type { Connection } from "../tcp/types.js";
import { TcpEvent } from "../tcp/types.js";
import { connectionPacketScan, type ConnectionPacketScan } from "./packet-stats.js";

const RST = 0x004;
const FIN = 0x001;
const SYN = 0x002;
const ACK = 0x010;

/** A silence shorter than this is traffic, not idle (floor; the causes compare idles with each other). */
export const IDLE_FLOOR_US = 1_000_000;
/** TLS alert records (close_notify: 24–31 bytes) up to this size, this soon before a FIN, are part of the close. */
const CLOSE_RECORD_MAX = 64;
const CLOSE_SEQUENCE_US = 100_000;

export type EndKind = "rst" | "fin" | "silence" | "boundary" | "refused" | "open";

/** What one connection's end looks like, before any cause is chosen. */
export interface EndInfo {
  kind: EndKind;
  /**
   * Who closed: the side of the first FIN or RST, or of the TLS close_notify just before it (the
   * application's close, even when the peer's FIN wins the race); "none" for silence/boundary/open.
   */
  by: "client" | "server" | "none";
  how: "fin" | "rst" | "none";
  /** The close began with a TLS close_notify (packet `frame`), not with the FIN/RST itself. */
  closeNotify: boolean;
  /** Packet (1-based) of the event: the first FIN/RST, else the last packet; and its time. */
  frame: number;
  tsUs: number;
  /** The packet the end answered (the request or probe before the close / the first unanswered send), or -1. */
  trigger: number;
  /** Time of the trigger packet (µs), -1 without one: kept here since its row may leave a live index. */
  triggerTsUs: number;
  triggerFrom: "client" | "server" | "none";
  triggerKeepalive: boolean;
  triggerPayload: number;
  /** Silence before the trigger (µs), -1 without a trigger. */
  idleBeforeTriggerUs: number;
  /** Longest silence on the connection before the trigger (or before the end): idles that were survived. */
  survivedIdleUs: number;
  retransAfterTrigger: number;
  answersAfterTrigger: number;
  /** Client payload bytes since the server last sent payload, up to the end: the request in flight, in TCP terms. */
  burstBytes: number;
  /** Earlier client bursts on this connection (bytes), for "several times larger than before". */
  earlierBursts: number[];
  /** Silence before the FIN/RST itself (µs), -1 without one. */
  idleBeforeCloseUs: number;
  rstTtl: number;
  senderTtl: number;
  rstIpId: number;
  senderPrevIpId: number;
  unackedFromOther: number;
  /** Client packets with payload after the first close (data still arriving, answered by RSTs). */
  clientDataAfterClose: number;
  lastUs: number;
  /** The connection began in the capture (its SYN is there) and the server never sent SYN-ACK. */
  connectFailed: boolean;
  /** SYNs the client sent (1 + its retransmissions), 0 when the SYN is not in the capture. */
  syns: number;
}

const endsCache = new WeakMap<AnalysedCapture, EndInfo[]>();

/**
 * describeEnd of every connection (index = connection id), computed once per capture: conn.* and
 * end.* share it. In a live capture each connection's end shape is kept between evaluations and
 * described again only when the connection had new packets.
 */
export function connectionEnds(capture: AnalysedCapture): ById<EndInfo> {
  const live = connectionPacketScan(capture);
  if (live) {
    live.advance(capture);
    // Read per connection from the scan's memo (an array by id would cost every id ever seen);
    // folded connections (a hole in the list) have none.
    return {
      at: (id) => {
        const c = capture.connections[id];
        return c ? liveEndOf(capture, live, c) : undefined;
      },
      *[Symbol.iterator]() {
        for (const c of connectionsOf(capture)) if (c) yield liveEndOf(capture, live, c);
      },
    };
  }
  let ends = endsCache.get(capture);
  if (!ends) {
    const { start, list } = packetsByConnection(capture);
    const all = new Array<EndInfo>(capture.connections.length);
    capture.connections.forEach((c, id) => {
      if (c) all[id] = describeEnd(capture, c, list.subarray(start[id]!, start[id + 1]!));
    });
    ends = all;
    endsCache.set(capture, ends);
  }
  return ends;
}

/** One connection's end shape in a live capture: as kept, or described again when it had new packets. */
export function liveEndOf(capture: AnalysedCapture, live: ConnectionPacketScan, c: Connection): EndInfo {
  return live.memo("end", c.id, () => keptEnd(describeEnd(capture, c, live.packetsOf(c.id))));
}

/** What a live capture keeps of an end shape: the earlier bursts only as their largest (read as "several times larger"). */
function keptEnd(e: EndInfo): EndInfo {
  if (e.earlierBursts.length <= 1) return e;
  let max = -Infinity;
  for (const b of e.earlierBursts) if (b > max) max = b;
  return { ...e, earlierBursts: [max] };
}

/**
 * Per-connection packet numbers (0-based indexes), grouped by a counting sort: one pass, no objects
 * per packet. Capture copies (tcpdump -i any, see TcpTracker) are left out: they are not packets
 * the connection sent.
 */
export function packetsByConnection(capture: AnalysedCapture): { start: Int32Array; list: Int32Array } {
  const p = capture.packets;
  const n = capture.connections.length;
  const start = new Int32Array(n + 1);
  const connOf = (r: number): number => (p.events[r]! & TcpEvent.CAPTURE_DUPLICATE ? -1 : p.connId[r]!);
  for (let i = 0; i < p.held; i++) {
    const c = connOf(i);
    if (c >= 0) start[c + 1]!++;
  }
  for (let c = 0; c < n; c++) start[c + 1]! += start[c]!;
  const fill = start.slice(0, n);
  const list = new Int32Array(start[n]!);
  for (let i = 0; i < p.held; i++) {
    const c = connOf(i);
    if (c >= 0) list[fill[c]!++] = i + p.base;
  }
  return { start, list };
}

const scratch = createDecodedPacket();

/**
 * A TLS alert record (content type 21, or 23 in TLS 1.3 where alerts are encrypted) of at most
 * CLOSE_RECORD_MAX bytes: the shape of close_notify. Reads the packet's bytes back from the file.
 */
function isTlsCloseRecord(capture: AnalysedCapture, i: number): boolean {
  const p = capture.packets;
  const b = p.base;
  const len = p.payloadLen[i - b]!;
  if (len < 7 || len > CLOSE_RECORD_MAX) return false;
  try {
    const frame = capture.bytes.view(p.fileOffset[i - b]!, p.capLen[i - b]!);
    const pkt = decodePacket(frame, p.linkType[i - b]!, scratch);
    if (!pkt.hasTcp || pkt.capturedPayloadLen < 3) return false;
    const o = pkt.payloadOffset;
    const type = frame[o]!;
    return (type === 21 || type === 23) && frame[o + 1] === 3 && frame[o + 2]! <= 4 && 5 + ((frame[o + 3]! << 8) | frame[o + 4]!) === len;
  } catch {
    return false;
  }
}

export function describeEnd(capture: AnalysedCapture, c: Connection, idx: Int32Array): EndInfo {
  const p = capture.packets;
  // idx holds absolute packet indexes, all held by the index (the live scan trims its lists as rows leave).
  const b = p.base;
  const ts = (i: number): number => p.tsUs[i - b]!;
  const side = (i: number): "client" | "server" => (p.dir[i - b] === 0 ? "client" : "server");
  // The first FIN or RST.
  let closeAt = -1;
  for (let k = 0; k < idx.length; k++) {
    if (p.tcpFlags[idx[k]! - b]! & (FIN | RST)) {
      closeAt = k;
      break;
    }
  }
  // A TLS connection closes with small alert records (close_notify) just before the FIN, from
  // the side that closes and often answered by the peer: they belong to the close, not to the
  // traffic. The side whose close_notify came first closed the connection, even when the peer's
  // FIN wins the race; the request in flight and the silence before the close are measured
  // before them.
  let seqStart = closeAt;
  let seqBy = -1;
  if (closeAt > 0) {
    for (let k = closeAt - 1; k >= 0; k--) {
      const i = idx[k]!;
      if (ts(idx[closeAt]!) - ts(i) > CLOSE_SEQUENCE_US) break;
      if (p.payloadLen[i - b]! > 0) {
        if (!isTlsCloseRecord(capture, i)) break;
        seqBy = p.dir[i - b]!;
        seqStart = k;
      }
    }
  }
  const endAt = closeAt >= 0 ? (seqBy >= 0 ? seqStart : closeAt) : idx.length - 1;
  const endI = idx[endAt]!;
  const closer = closeAt >= 0 ? (seqBy >= 0 ? seqBy : p.dir[idx[closeAt]! - b]!) : -1;
  const by = closer < 0 ? "none" : closer === 0 ? "client" : "server";
  const how = closeAt >= 0 ? (p.tcpFlags[idx[closeAt]! - b]! & RST ? "rst" : "fin") : "none";

  // The trigger: for a close, the other side's last packet before it that carried something
  // (payload or a keep-alive probe), walked back over its own retransmissions to the original;
  // when the client closes after its own sends went unanswered (a keep-alive that gave up), the
  // first of those; without a close, the first of a final run of client sends never answered.
  const finalClientRun = (from: number): number => {
    let k = from;
    while (k >= 0 && p.dir[idx[k]! - b] === 0 && p.payloadLen[idx[k]! - b]! === 0 && !(p.events[idx[k]! - b]! & TcpEvent.KEEP_ALIVE)) k--;
    let first = -1;
    let repeats = 0;
    while (k >= 0 && p.dir[idx[k]! - b] === 0) {
      const i = idx[k]!;
      if (p.payloadLen[i - b]! > 0 || p.events[i - b]! & TcpEvent.KEEP_ALIVE) {
        if (first >= 0) repeats++;
        first = k;
      }
      k--;
    }
    return first >= 0 && repeats >= 0 ? first : -1;
  };
  let trig = -1;
  if (closeAt >= 0) {
    const own = closer === 0 ? finalClientRun(seqStart - 1) : -1;
    const ownRepeated = own >= 0 && (() => {
      for (let k = own + 1; k < seqStart; k++) if (p.events[idx[k]! - b]! & (TcpEvent.RETRANSMISSION | TcpEvent.KEEP_ALIVE)) return true;
      return false;
    })();
    if (ownRepeated) trig = own;
    else {
      for (let k = seqStart - 1; k >= 0; k--) {
        const i = idx[k]!;
        if (p.dir[i - b] === closer) {
          // The closing side spoke after the other side's last send: the close answers that, not an earlier send.
          if (p.payloadLen[i - b]! > 0) break;
          continue;
        }
        if (p.payloadLen[i - b]! > 0 || p.events[i - b]! & TcpEvent.KEEP_ALIVE) {
          trig = k;
          break;
        }
      }
    }
  } else {
    trig = finalClientRun(idx.length - 1);
  }
  if (trig > 0) {
    // Back over retransmissions of the same send (a silent drop retransmits with growing gaps).
    const from = p.dir[idx[trig]! - b];
    while (trig > 0) {
      const i = idx[trig]!;
      const prev = idx[trig - 1]!;
      if (!(p.events[i - b]! & TcpEvent.RETRANSMISSION) || p.dir[prev - b] !== from) break;
      trig--;
    }
  }
  const trigI = trig >= 0 ? idx[trig]! : -1;
  const stop = closeAt >= 0 ? seqStart : idx.length;
  let retrans = 0;
  let answers = 0;
  if (trig >= 0) {
    const from = p.dir[trigI - b];
    for (let k = trig + 1; k < stop; k++) {
      const i = idx[k]!;
      if (p.dir[i - b] === from) {
        // Retransmissions and repeated keep-alive probes: sends that went unanswered.
        if (p.events[i - b]! & (TcpEvent.RETRANSMISSION | TcpEvent.KEEP_ALIVE)) retrans++;
      } else if (!(p.tcpFlags[i - b]! & (RST | FIN))) answers++;
    }
  }
  // Silences: before the trigger, and the longest one earlier (survived).
  let survived = 0;
  const limit = trig >= 0 ? trig : endAt;
  for (let k = 1; k < limit; k++) {
    const gap = ts(idx[k]!) - ts(idx[k - 1]!);
    if (gap > survived) survived = gap;
  }
  // A live connection longer than the window is described from its last packets (`idx` starts
  // after its first): a longer silence before them is still known from the tracker.
  const headCut = idx.length > 0 && idx[0]! + 1 > c.firstPacket;
  if (headCut && c.longestIdleEndPacket > 0 && c.longestIdleEndPacket <= idx[0]! + 1 && c.longestIdleUs > survived) survived = c.longestIdleUs;
  const idleBeforeTrigger = trig > 0 ? ts(trigI) - ts(idx[trig - 1]!) : -1;
  // Client bursts: payload bytes between server payload packets, or between pauses. A client
  // writes one request back to back, so a pause far longer than the round trip (20 RTTs, at
  // least 10 ms) starts another one: acks=0 Produce requests get no answer to separate them.
  const pauseUs = Math.max(10_000, 20 * (c.handshakeRttUs ?? 500));
  const bursts: number[] = [];
  let burst = 0;
  let lastClientUs = -1;
  const burstEnd = closeAt >= 0 ? seqStart - 1 : endAt;
  for (let k = 0; k <= burstEnd; k++) {
    const i = idx[k]!;
    if (p.payloadLen[i - b]! === 0 || p.events[i - b]! & (TcpEvent.RETRANSMISSION | TcpEvent.KEEP_ALIVE)) continue;
    if (p.dir[i - b] === 0) {
      if (burst > 0 && ts(i) - lastClientUs > pauseUs) {
        bursts.push(burst);
        burst = 0;
      }
      burst += p.payloadLen[i - b]!;
      lastClientUs = ts(i);
    } else if (burst > 0) {
      bursts.push(burst);
      burst = 0;
    }
  }
  let dataAfter = 0;
  if (closeAt >= 0) for (let k = closeAt + 1; k < idx.length; k++) if (p.dir[idx[k]! - b] === 0 && p.payloadLen[idx[k]! - b]! > 0) dataAfter++;
  const sender = closer === 0 ? c.c2s : c.s2c;
  // The handshake: did the server ever accept (SYN-ACK)? Both are near the start of the connection.
  let syns = 0;
  let synAck = false;
  if (headCut) {
    // The handshake left with the head: a connection that lived longer than the window was accepted.
    syns = c.synPacket > 0 ? 1 : 0;
    synAck = true;
  } else if (c.synPacket > 0) {
    for (let k = 0; k < idx.length; k++) {
      const f = p.tcpFlags[idx[k]! - b]!;
      if (!(f & SYN)) {
        if (p.dir[idx[k]! - b] === 1 || p.payloadLen[idx[k]! - b]! > 0) break;
        continue;
      }
      if (f & ACK) {
        synAck = true;
        break;
      }
      syns++;
    }
  }
  return {
    kind: how === "rst" ? "rst" : how === "fin" ? "fin" : "open",
    by,
    how,
    closeNotify: closeAt >= 0 && seqBy >= 0,
    frame: endI + 1,
    tsUs: ts(endI),
    trigger: trigI >= 0 ? trigI + 1 : -1,
    triggerTsUs: trigI >= 0 ? ts(trigI) : -1,
    triggerFrom: trigI >= 0 ? side(trigI) : "none",
    triggerKeepalive: trigI >= 0 && (p.events[trigI - b]! & TcpEvent.KEEP_ALIVE) !== 0,
    triggerPayload: trigI >= 0 ? p.payloadLen[trigI - b]! : 0,
    idleBeforeTriggerUs: idleBeforeTrigger,
    survivedIdleUs: survived,
    retransAfterTrigger: retrans,
    answersAfterTrigger: answers,
    burstBytes: burst,
    earlierBursts: bursts,
    idleBeforeCloseUs: closeAt >= 0 && seqStart > 0 ? ts(idx[seqStart]!) - ts(idx[seqStart - 1]!) : -1,
    rstTtl: how === "rst" && seqBy < 0 ? c.close.rstTtl : -1,
    senderTtl: closeAt >= 0 ? sender.firstTtl : -1,
    rstIpId: how === "rst" ? c.close.rstIpId : -1,
    senderPrevIpId: how === "rst" && c.close.how === "rst" && c.close.packet === idx[closeAt]! + 1 ? c.close.senderPrevIpId : -1,
    unackedFromOther: closeAt >= 0 && c.close.packet === idx[closeAt]! + 1 ? c.close.unackedFromOtherBytes : -1,
    clientDataAfterClose: dataAfter,
    lastUs: ts(idx[idx.length - 1]!),
    connectFailed: c.synPacket > 0 && !synAck,
    syns,
  };
}

