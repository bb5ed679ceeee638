/**
 * Where the secrets dissectors marked on their PDUs (Pdu.secrets: a SASL password, a SCRAM
 * proof) sit in the captured frames, and frames with those bytes overwritten. Every place kdiag
 * shows or writes captured bytes (the TUI hex pane, evidence pcaps) goes through maskFrame, so a
 * password in the capture never leaves kdiag unless the user asked with --show-secrets.
 *
 * Bytes are found by TCP sequence number (the connection's stream start plus the PDU's stream
 * offset), in every segment of the connection that carried them, retransmissions included. A
 * PDU decoded inside another protocol (Kafka in decrypted TLS) is skipped: its bytes on the wire
 * are ciphertext.
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { TcpFlag } from "../decode/types.js";
import { seqDiff } from "../tcp/seq.js";
import type { AnalysedCapture } from "./analysed-capture.js";

/** What a masked byte becomes: '*', so a hex dump shows where the secret was. */
export const MASK_BYTE = 0x2a;

/** Frame byte ranges [start, end) per packet index (0-based). */
export type SecretRanges = ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>;

/** Per capture, with the packet count it was computed for (a live capture grows). */
const cache = new WeakMap<AnalysedCapture, { count: number; ranges: SecretRanges }>();

interface StreamRange {
  dir: 0 | 1;
  /** Absolute TCP sequence number of the first secret byte. */
  seq: number;
  length: number;
}

/** The frame ranges holding a secret, computed once per capture (empty without secrets: no scan). */
export function secretRanges(capture: AnalysedCapture): SecretRanges {
  const hit = cache.get(capture);
  if (hit && hit.count === capture.packets.count) return hit.ranges;
  const byConn = new Map<number, StreamRange[]>();
  for (const pdu of capture.pdus) {
    if (!pdu.secrets || pdu.secrets.length === 0) continue;
    const conn = capture.connections[pdu.connId];
    if (!conn || (conn.dissector ?? "") !== pdu.dissector) continue;
    const side = pdu.dir === "c2s" ? conn.c2s : conn.s2c;
    if (side.streamSeq < 0) continue;
    let list = byConn.get(conn.id);
    if (!list) byConn.set(conn.id, (list = []));
    for (const s of pdu.secrets) {
      if (!(s.length > 0) || !(s.offset >= 0)) continue;
      list.push({ dir: pdu.dir === "c2s" ? 0 : 1, seq: (side.streamSeq + pdu.ref.streamOffset + s.offset) >>> 0, length: s.length });
    }
  }
  const ranges = new Map<number, Array<[number, number]>>();
  if (byConn.size > 0) {
    const p = capture.packets;
    const pkt = createDecodedPacket();
    // Absolute packet indexes over the rows held (a live index drops its oldest: base).
    const b = p.base;
    for (let i = b; i < p.count; i++) {
      const secrets = byConn.get(p.connId[i - b]!);
      if (!secrets || p.payloadLen[i - b] === 0) continue;
      const frame = capture.bytes.view(p.fileOffset[i - b]!, p.capLen[i - b]!);
      decodePacket(frame, p.linkType[i - b]!, pkt);
      if (!pkt.hasTcp || pkt.capturedPayloadLen === 0) continue;
      const dataSeq = pkt.flags & TcpFlag.SYN ? (pkt.seq + 1) >>> 0 : pkt.seq;
      for (const s of secrets) {
        if (s.dir !== p.dir[i - b]) continue;
        // The secret's bytes relative to this segment's payload.
        const from = Math.max(0, seqDiff(s.seq, dataSeq));
        const to = Math.min(pkt.capturedPayloadLen, seqDiff(s.seq, dataSeq) + s.length);
        if (from >= to) continue;
        let list = ranges.get(i);
        if (!list) ranges.set(i, (list = []));
        list.push([pkt.payloadOffset + from, pkt.payloadOffset + to]);
      }
    }
  }
  cache.set(capture, { count: capture.packets.count, ranges });
  return ranges;
}

/**
 * The frame of packet `index` (0-based) as it may be shown: a copy with the secret bytes set to
 * '*', or `frame` itself when it holds none or `show` is true (--show-secrets).
 */
export function maskFrame(capture: AnalysedCapture, index: number, frame: Uint8Array, show: boolean): Uint8Array {
  if (show) return frame;
  const list = secretRanges(capture).get(index);
  if (!list) return frame;
  const out = Uint8Array.from(frame);
  for (const [a, b] of list) out.fill(MASK_BYTE, Math.min(a, out.length), Math.min(b, out.length));
  return out;
}
