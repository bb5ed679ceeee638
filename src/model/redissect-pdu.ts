/**
 * The protocol tree of one stored PDU without re-dissecting its whole connection. A Kafka
 * connection lives for days: re-dissecting 300,000 packets to show one of them took 3.5 s and
 * 580 MB (every PDU's tree). Here the PDU's bytes are gathered from the packets that carried
 * them, by TCP sequence number (the connection's stream start, `streamSeq`, plus the PDU's
 * stream offset), and handed to a fresh dissector in detail mode; a response goes in after its
 * request, so the dissector pairs them as the pass did. The cost is that of the PDU's own
 * packets, whatever the length of the connection.
 *
 * Only for dissectors that frame PDUs (`framing`): they take a PDU on its own. Returns null when
 * this cannot stand in for the pass (no framing, no stream start, the dissector saw the PDU
 * differently, e.g. an orphan response it guesses without the connection's history): the caller
 * then re-dissects the connection (redissect.ts).
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { TcpFlag } from "../decode/types.js";
import type { PacketRef, StreamContext } from "../plugins/api.js";
import { DEFAULT_PDU_BUFFER_LIMIT } from "../plugins/framer.js";
import type { Registry } from "../plugins/registry.js";
import { seqDiff } from "../tcp/seq.js";
import type { AnalysedCapture, StoredPdu } from "./analysed-capture.js";
import { StreamMap } from "./stream-map.js";

/** Packets of the connection looked at before a PDU's first packet: out-of-order segments delivered late. */
const LOOK_BEHIND = 64;

export interface PduDetail {
  /** The PDU as the dissector made it again, with its tree. */
  pdu: StoredPdu;
  /** Its bytes (and its request's) mapped back to the frames. */
  streams: StreamMap;
}

/**
 * `target`'s tree. `packets`: the connection's packet indices (0-based, ascending); `requestOf`:
 * the stored request a response answers (the model's exchanges know), or null.
 */
export function redissectPdu(
  capture: AnalysedCapture,
  target: StoredPdu,
  registry: Registry,
  packets: ArrayLike<number>,
  requestOf: (pdu: StoredPdu) => StoredPdu | null,
): PduDetail | null {
  const conn = capture.connections[target.connId];
  const plugin = conn?.dissector ? registry.get(conn.dissector) : undefined;
  if (!conn || !plugin?.framing || !plugin.open) return null;
  // A PDU of an inner dissector (Kafka in decrypted TLS) is not framed in the TCP stream: only
  // re-dissecting the connection finds it again.
  if (target.dissector !== plugin.name) return null;
  const limit = plugin.framing.bufferLimit ?? DEFAULT_PDU_BUFFER_LIMIT;
  const streams = new StreamMap();
  const feed: Array<{ pdu: StoredPdu; bytes: Uint8Array }> = [];
  const request = target.dir === "s2c" ? requestOf(target) : null;
  for (const pdu of request ? [request, target] : [target]) {
    const bytes = gatherPdu(capture, pdu, packets, limit, streams);
    if (!bytes) return null;
    feed.push({ pdu, bytes });
  }

  const emitted: StoredPdu[] = [];
  const ctx: StreamContext = {
    connectionId: conn.id,
    client: conn.client,
    server: conn.server,
    detail: true,
    preferences: registry.preferences,
    emit: (pdu) => emitted.push({ ...pdu, connId: conn.id, dissector: plugin.name, packet: 0 }),
    exchange: () => {},
    note: () => {},
  };
  const dissector = plugin.open(ctx);
  for (const { pdu, bytes } of feed) dissector.pdu?.(pdu.dir, bytes, refCopy(pdu.ref), pdu.length);
  const again = emitted.filter((p) => p.dir === target.dir).pop();
  // The pass had the connection's history (an orphan's guessed API, a resync): if the PDU does
  // not come out the same, only the whole connection can say what the pass saw.
  // (A SASL token's mechanism, say, comes from the SaslHandshake earlier on the connection.)
  if (!again || again.summary !== target.summary || !sameFields(again.fields, target.fields)) return null;
  again.packet = target.packet;
  return { pdu: again, streams };
}

/**
 * The bytes of one PDU from its packets, first copy of each byte winning (as reassembly does),
 * with their places in the frames added to `streams`. Kept up to `limit` bytes; a hole ends what
 * is handed over (as the framer stops keeping after one). null when the stream start is unknown.
 */
function gatherPdu(capture: AnalysedCapture, pdu: StoredPdu, packets: ArrayLike<number>, limit: number, streams: StreamMap): Uint8Array | null {
  const conn = capture.connections[pdu.connId]!;
  const streamSeq = (pdu.dir === "c2s" ? conn.c2s : conn.s2c).streamSeq;
  if (streamSeq < 0) return null;
  const start = (streamSeq + pdu.ref.streamOffset) >>> 0;
  const keep = Math.min(pdu.length, limit);
  const out = new Uint8Array(keep);
  const filled = new Uint8Array(keep);
  let missing = keep;
  const p = capture.packets;
  const wantDir = pdu.dir === "c2s" ? 0 : 1;
  const pkt = createDecodedPacket();
  const last = upperBound(packets, pdu.ref.last - 1);
  const first = upperBound(packets, pdu.ref.first - 2);

  const scan = (from: number, to: number) => {
    for (let k = from; k < to && missing > 0; k++) {
      const i = packets[k]!;
      if (p.dir[i] !== wantDir || p.payloadLen[i] === 0) continue;
      const frame = capture.bytes.view(p.fileOffset[i]!, p.capLen[i]!);
      decodePacket(frame, p.linkType[i]!, pkt);
      if (!pkt.hasTcp || pkt.capturedPayloadLen === 0) continue;
      const dataSeq = pkt.flags & TcpFlag.SYN ? (pkt.seq + 1) >>> 0 : pkt.seq;
      const at = seqDiff(dataSeq, start);
      const from = Math.max(0, at);
      const to = Math.min(keep, at + pkt.capturedPayloadLen);
      // Runs of bytes not yet filled, each one mapped to this frame.
      for (let b = from; b < to; ) {
        if (filled[b]) {
          b++;
          continue;
        }
        let e = b;
        while (e < to && !filled[e]) {
          out[e] = frame[pkt.payloadOffset + (e - at)]!;
          filled[e] = 1;
          e++;
        }
        missing -= e - b;
        streams.add(pdu.dir, pdu.ref.streamOffset + b, e - b, i + 1, pkt.payloadOffset + (e - at));
        b = e;
      }
    }
  };
  scan(Math.max(0, first - LOOK_BEHIND), last);
  // Still a hole: a segment delivered late from further back, or bytes never captured.
  if (missing > 0 && first - LOOK_BEHIND > 0) scan(0, first - LOOK_BEHIND);
  const hole = filled.indexOf(0);
  return hole < 0 ? out : out.subarray(0, hole);
}

/** Index of the first element of the ascending `list` greater than `x`. */
function upperBound(list: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The same declared fields with the same values (lists element by element). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length || x.some((v, i) => v !== y[i])) return false;
    } else if (x !== y) return false;
  }
  return true;
}

/** A copy of a PDU's packet reference (a stored PDU's is read from the store's columns: spread would copy nothing). */
function refCopy(ref: PacketRef): PacketRef {
  const out: PacketRef = { first: ref.first, last: ref.last, tsUs: ref.tsUs, streamOffset: ref.streamOffset };
  if (ref.endedAfter !== undefined) out.endedAfter = ref.endedAfter;
  return out;
}
