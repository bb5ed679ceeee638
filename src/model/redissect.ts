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
 * Cost: one positional read per packet window and one decode per packet of the connection, about
 * what the analysis pass spent on it. Reassembly budgets are per run, so a connection that shared
 * the capture-wide out-of-order budget with others gets at least as much here.
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import { createDispatcher } from "../plugins/dispatch.js";
import type { Registry } from "../plugins/registry.js";
import { TcpTracker } from "../tcp/tracker.js";
import type { Connection, ReassemblyLimits } from "../tcp/types.js";
import type { AnalysedCapture, StoredPdu } from "./analysed-capture.js";

export interface RedissectOptions {
  /** Packet indices (0-based) of the connection, ascending; found from the index when absent. */
  packets?: ArrayLike<number>;
  limits?: ReassemblyLimits;
  /** Ask dissectors for protocol trees (StreamContext.detail). Default true. */
  detail?: boolean;
}

export function redissectConnection(capture: AnalysedCapture, connId: number, registry: Registry, opts: RedissectOptions = {}): StoredPdu[] {
  const original = capture.connections[connId];
  if (!original) return [];
  const packets = opts.packets ?? packetsOf(capture, original);
  const pdus: StoredPdu[] = [];
  let current = 0;
  const openSink = createDispatcher(
    registry,
    {
      pdu(conn: Connection, pdu) {
        const stored = pdu as StoredPdu;
        stored.connId = connId;
        stored.dissector = conn.dissector ?? "";
        stored.packet = current;
        pdus.push(stored);
      },
      // The dispatcher already hands the PDUs over with the corrected directions; the fresh
      // connection object is thrown away.
      swapRoles() {},
      exchange() {},
      note() {},
    },
    { detail: opts.detail ?? true },
  );
  const tracker = new TcpTracker({ openSink, ...(opts.limits ? { limits: opts.limits } : {}) });
  const pkt = createDecodedPacket();
  const p = capture.packets;
  for (let k = 0; k < packets.length; k++) {
    const i = packets[k]!;
    // The byte source reuses its view; the reassembler may keep segment bytes (out of order).
    const frame = capture.bytes.view(p.fileOffset[i]!, p.capLen[i]!).slice();
    decodePacket(frame, p.linkType[i]!, pkt);
    if (!pkt.hasTcp) continue;
    current = i + 1;
    tracker.track(current, p.tsUs[i]!, p.origLen[i]!, pkt, frame);
  }
  // As in the analysis pass: what completes at the end of the capture belongs to its last packet.
  current = p.count;
  tracker.finish();
  return pdus;
}

/** Packet indices of one connection, from its first to its last packet. */
function packetsOf(capture: AnalysedCapture, conn: Connection): number[] {
  const p = capture.packets;
  const out: number[] = [];
  for (let i = Math.max(0, conn.firstPacket - 1); i < Math.min(p.count, conn.lastPacket); i++) if (p.connId[i] === conn.id) out.push(i);
  return out;
}
