/**
 * Re-dissection of one connection, on demand: what a detail view needs that the analysis pass
 * does not keep (the protocol trees of the PDUs). Only that connection's packets are read back
 * from the capture file (through capture.bytes, the packet index giving offsets and lengths),
 * decoded, tracked by a fresh TcpTracker and dispatched in detail mode (StreamContext.detail), so
 * dissectors attach `tree` to their PDUs.
 *
 * The PDUs come back as the analysis pass stored them, with the original packet numbers: the
 * fresh tracker is handed the original numbers, so every PacketRef already carries them. Roles
 * come out the same way too: the fresh tracker sees the same first packets and guesses the same
 * roles, and the dispatcher flips a connection whose guessed "server" sends requests, as it did
 * in the pass (roleReason "dissector"), so each PDU's `dir` is the one stored.
 *
 * It also maps the stream back to the frames (StreamMap): where each PDU byte was captured, so a
 * view can highlight a field's bytes in the packet that carried them.
 *
 * Cost: one positional read per packet window and one decode per packet of the connection, about
 * what the analysis pass spent on it. Reassembly budgets are per run, so a connection that shared
 * the capture-wide out-of-order budget with others gets at least as much here.
 */

import type { Registry } from "../plugins/registry.js";
import type { Connection, ReassemblyLimits } from "../tcp/types.js";
import type { AnalysedCapture, StoredPdu } from "./analysed-capture.js";
import { PacketStep } from "./packet-step.js";
import { StreamMap } from "./stream-map.js";

export interface RedissectOptions {
  /** Packet indices (0-based) of the connection, ascending; found from the index when absent. */
  packets?: ArrayLike<number>;
  limits?: ReassemblyLimits;
  /** Ask dissectors for protocol trees (StreamContext.detail). Default true. */
  detail?: boolean;
}

export interface Redissected {
  /** The PDUs, in the order the connection's dissector completed them, with their trees. */
  pdus: StoredPdu[];
  /** Stream offsets (as in each PDU's ref.streamOffset, per PDU direction) back to frames. */
  streams: StreamMap;
}

export function redissectConnection(capture: AnalysedCapture, connId: number, registry: Registry, opts: RedissectOptions = {}): Redissected {
  const pdus: StoredPdu[] = [];
  const streams = new StreamMap();
  const original = capture.connections[connId];
  if (!original) return { pdus, streams };
  const packets = opts.packets ?? packetsOf(capture, original);
  /** The dispatcher turned the tracker's guessed roles round: PDU directions are the other way. */
  let flipped = false;
  /** End of each packet's captured payload in its frame (the reassembler delivers tails of it). */
  const payloadEnd = new Map<number, number>();
  // Bytes of the packet being stepped: its payload's end is in the decoded packet (the map has
  // the packets before it).
  const payloadEndOf = (packet: number): number =>
    packet === step.current && step.pkt.hasTcp ? step.pkt.payloadOffset + step.pkt.capturedPayloadLen : (payloadEnd.get(packet) ?? 0);
  const step: PacketStep = new PacketStep(
    registry,
    {
      pdu(conn: Connection, pdu, by) {
        const stored = pdu as StoredPdu;
        stored.connId = connId;
        stored.dissector = by ?? conn.dissector ?? "";
        stored.packet = step.current;
        pdus.push(stored);
      },
      // The dispatcher already hands the PDUs over with the corrected directions; the fresh
      // connection object is thrown away.
      swapRoles() {
        flipped = true;
      },
      exchange() {},
      note() {},
    },
    {
      detail: opts.detail ?? true,
      ...(opts.limits ? { limits: opts.limits } : {}),
      // Where each stream byte was captured: the hex pane highlights a field in its frame.
      tapSink: (_conn, sink) => ({
        data(dir, bytes, at) {
          streams.add(dir, at.streamOffset, bytes.length, at.first, payloadEndOf(at.first));
          sink.data(dir, bytes, at);
        },
        gap: (dir, length, at) => sink.gap(dir, length, at),
        close: (how) => sink.close(how),
      }),
    },
  );
  const p = capture.packets;
  for (let k = 0; k < packets.length; k++) {
    const i = packets[k]!;
    // The byte source reuses its view; the reassembler may keep segment bytes (out of order).
    const frame = capture.bytes.view(p.fileOffset[i]!, p.capLen[i]!).slice();
    step.step(i + 1, p.tsUs[i]!, p.origLen[i]!, p.linkType[i]!, frame);
    // Kept for bytes of this packet the reassembler delivers later (after a gap is filled).
    if (step.pkt.hasTcp && step.pkt.capturedPayloadLen > 0) payloadEnd.set(i + 1, step.pkt.payloadOffset + step.pkt.capturedPayloadLen);
  }
  // As in the analysis pass: what completes at the end of the capture belongs to its last packet.
  step.finish(p.count);
  if (flipped) streams.swapDirections();
  return { pdus, streams };
}

/** Packet indices of one connection, from its first to its last packet. */
function packetsOf(capture: AnalysedCapture, conn: Connection): number[] {
  const p = capture.packets;
  const out: number[] = [];
  for (let i = Math.max(0, conn.firstPacket - 1); i < Math.min(p.count, conn.lastPacket); i++) if (p.connId[i] === conn.id) out.push(i);
  return out;
}
