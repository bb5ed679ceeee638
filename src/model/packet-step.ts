/**
 * One packet through the layers: decode (link, IP, TCP) -> TCP tracking and reassembly -> the
 * dissector chosen for its connection. The analysis pass (analyse.ts) and the re-dissection of a
 * connection for a detail view (redissect.ts) both step packets through this, so they decode,
 * reassemble and dispatch the same way; they differ only in where frames come from (the capture
 * reader, or the packet index read back from the file) and in what they keep.
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import type { DecodedPacket } from "../decode/types.js";
import { createDispatcher, type DispatchHooks, type DispatchOptions } from "../plugins/dispatch.js";
import type { Registry } from "../plugins/registry.js";
import { TcpTracker, type TrackVerdict } from "../tcp/tracker.js";
import type { Connection, ReassemblyLimits, StreamSink } from "../tcp/types.js";

export interface PacketStepOptions extends DispatchOptions {
  limits?: ReassemblyLimits;
  /** Wraps each connection's sink (a view records where stream bytes sit in their frames). */
  tapSink?: (conn: Connection, sink: StreamSink) => StreamSink;
}

export class PacketStep {
  /** The decoded packet of the last step (one object, reused). */
  readonly pkt: DecodedPacket = createDecodedPacket();
  readonly tracker: TcpTracker;
  /**
   * Number of the packet being stepped, then (after finish) of the last packet: what a PDU that
   * completes now is listed under.
   */
  current = 0;

  constructor(registry: Registry, hooks: DispatchHooks<Connection>, opts: PacketStepOptions = {}) {
    const dispatch = createDispatcher(registry, hooks, opts);
    const tap = opts.tapSink;
    const openSink = tap
      ? (conn: Connection) => {
          const sink = dispatch(conn);
          return sink ? tap(conn, sink) : null;
        }
      : dispatch;
    this.tracker = new TcpTracker({ openSink, ...(opts.limits ? { limits: opts.limits } : {}) });
  }

  /**
   * Decodes one frame and, when it is TCP, tracks it (PDUs it completes reach the hooks during the
   * call). Returns the tracker's verdict, or null for a packet that is not TCP (see `pkt`).
   * `frame` may be kept by the reassembler (out-of-order segments): pass a copy if it is reused.
   */
  step(packetNumber: number, tsUs: number, origLen: number, linkType: number, frame: Uint8Array): TrackVerdict | null {
    this.current = packetNumber;
    decodePacket(frame, linkType, this.pkt);
    if (!this.pkt.hasTcp) return null;
    return this.tracker.track(packetNumber, tsUs, origLen, this.pkt, frame);
  }

  /** The end of the input: what completes now (streams cut by the capture's end) belongs to `lastPacket`. */
  finish(lastPacket: number): void {
    this.current = lastPacket;
    this.tracker.finish();
  }
}
