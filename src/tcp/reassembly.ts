/**
 * Per-connection TCP stream reassembly: turns segments into in-order bytes per direction.
 *
 * Contract towards the StreamSink (gopacket's Stream, Wireshark's tcp_dissect_pdus), per connection:
 *   - `data(dir, bytes, ref)` and `gap(dir, length, ref)` are called 0..n times per direction, in
 *     stream order: every stream offset is covered exactly once, either by data or by a gap;
 *   - `ref.streamOffset` is the offset of the first byte (or of the gap) in that direction's stream;
 *     offset 0 is the byte after the SYN when the SYN was seen, else the first byte captured (a
 *     capture that starts mid-connection has no gap at its start);
 *   - retransmitted and overlapping bytes are delivered once (first copy wins);
 *   - `close(how)` is called exactly once, after every data/gap call, unless the sink threw;
 *   - after a sink throws, it gets no further call of any kind (the tracker records the error);
 *   - `bytes` is a view valid only during the call, and `ref` is one object reused for every call:
 *     copy what you keep.
 *
 * Limits: out-of-order segments are copied (frame views die after the packet) and held, at most
 * `perDirectionBytes` per direction and `totalBytes` across all connections (a shared budget). When
 * a new segment would exceed a limit, the oldest hole is declared a gap and delivery resumes after
 * it; repeated until the segment fits or can be delivered. All held buffers are released on close.
 */
import type { CloseInfo, Dir, PacketRef } from "../plugins/api.js";
import type { ReassemblyLimits, ReassemblyStats, StreamSink } from "./types.js";
import { seqDiff } from "./seq.js";

/** Bytes held out of order across every connection of one tracker. */
export class ReassemblyBudget {
  used = 0;
  constructor(readonly limits: ReassemblyLimits) {}
}

/** One held out-of-order segment. Offsets are stream offsets (numbers, so no 2^32 wrap). */
interface Held {
  start: number;
  /** Declared end: may exceed start + bytes.length when the snap length cut the segment. */
  end: number;
  bytes: Uint8Array;
  packet: number;
}

class DirStream {
  started = false;
  /** Sequence number of stream offset 0, -1 before the stream starts. */
  startSeq = -1;
  /** Sequence number of the byte at `pos`. */
  nextSeq = 0;
  /** Stream offset of the next byte to deliver. */
  pos = 0;
  held: Held[] = [];
  heldBytes = 0;
  /** Stream offset of the FIN, -1 before one is seen. */
  finOffset = -1;
  /** Last range declared a gap because of a limit, to count late arrivals as dropped. */
  forcedGapStart = -1;
  forcedGapEnd = -1;

  constructor(readonly name: Dir) {}

  advanceTo(offset: number): void {
    this.nextSeq = (this.nextSeq + (offset - this.pos)) >>> 0;
    this.pos = offset;
  }

  ended(): boolean {
    return this.finOffset >= 0 && this.pos >= this.finOffset && this.held.length === 0;
  }
}

/** Reassembly of both directions of one connection into one sink. */
export class ConnectionReassembler {
  private readonly c2s = new DirStream("c2s");
  private readonly s2c = new DirStream("s2c");
  private sink: StreamSink | null;
  /** Set when the sink threw: the caller stores it once as conn.malformed. */
  error: string | null = null;
  closed = false;

  constructor(
    sink: StreamSink,
    private readonly stats: ReassemblyStats,
    private readonly budget: ReassemblyBudget,
    private readonly ref: PacketRef,
  ) {
    this.sink = sink;
  }

  /** A SYN fixes the stream start: data from seq+1 on, anything missed before it is a real gap. */
  syn(dir: 0 | 1, seq: number): void {
    const s = dir === 0 ? this.c2s : this.s2c;
    if (s.started) return;
    s.started = true;
    s.nextSeq = (seq + 1) >>> 0;
    s.startSeq = s.nextSeq;
  }

  /** A FIN marks the end of a direction's stream (at its sequence number). */
  fin(dir: 0 | 1, finSeq: number): void {
    const s = dir === 0 ? this.c2s : this.s2c;
    if (!s.started) {
      s.started = true;
      s.nextSeq = finSeq;
      s.startSeq = finSeq;
    }
    const off = s.pos + seqDiff(finSeq, s.nextSeq);
    if (s.finOffset < 0 || off < s.finOffset) s.finOffset = off < s.pos ? s.pos : off;
  }

  /** Sequence number of `dir`'s stream offset 0, -1 before that stream starts. */
  startSeq(dir: 0 | 1): number {
    return (dir === 0 ? this.c2s : this.s2c).startSeq;
  }

  /** Both directions delivered up to their FIN. */
  bothEnded(): boolean {
    return this.c2s.ended() && this.s2c.ended();
  }

  /**
   * One segment's payload: `captured` (a view of the frame) covers the first bytes of the
   * `declaredLen` bytes starting at sequence number `dataSeq`.
   */
  segment(dir: 0 | 1, dataSeq: number, declaredLen: number, captured: Uint8Array, packet: number, tsUs: number): void {
    if (this.sink === null || declaredLen === 0) return;
    const s = dir === 0 ? this.c2s : this.s2c;
    if (!s.started) {
      s.started = true;
      s.nextSeq = dataSeq;
      s.startSeq = dataSeq;
    }
    const start = s.pos + seqDiff(dataSeq, s.nextSeq);
    const end = start + declaredLen;
    if (end <= s.pos) {
      // Entirely old: a retransmission (delivered already) or bytes of a hole we gave up on.
      if (start < s.forcedGapEnd && end > s.forcedGapStart) this.stats.dropped++;
      return;
    }
    if (start <= s.pos) {
      this.deliver(s, start, end, captured, packet, packet, tsUs);
      this.drain(s, packet, tsUs);
      return;
    }
    this.hold(s, start, end, captured, packet, tsUs);
  }

  /**
   * The peer acknowledged `dir`'s stream up to `ackSeq`. A hole that the acknowledgement covers was
   * received by the peer and will never be sent again: it is lost to the capture only, so it
   * becomes a gap now instead of holding everything after it until the buffer fills or the
   * connection ends (which would deliver a request after its own response).
   */
  acked(dir: 0 | 1, ackSeq: number, packet: number, tsUs: number): void {
    const s = dir === 0 ? this.c2s : this.s2c;
    if (this.sink === null || s.held.length === 0 || !s.started) return;
    const ackOffset = s.pos + seqDiff(ackSeq, s.nextSeq);
    while (this.sink !== null && s.held.length > 0 && s.held[0]!.start > s.pos && ackOffset >= s.held[0]!.start) {
      this.forceGap(s, packet, tsUs);
    }
  }

  /** End of data: every remaining hole (and a missing tail before a FIN) becomes a gap. */
  flush(packet: number, tsUs: number): void {
    for (const s of [this.c2s, this.s2c]) {
      while (this.sink !== null && s.held.length > 0) this.forceGap(s, packet, tsUs);
      if (this.sink !== null && s.finOffset > s.pos) this.gapTo(s, s.finOffset, packet, packet, tsUs);
    }
  }

  /** Calls close once (unless the sink threw) and frees every buffer. */
  close(how: CloseInfo): void {
    if (this.closed) return;
    this.closed = true;
    const sink = this.sink;
    this.release();
    if (sink === null) return;
    try {
      sink.close(how);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Bytes currently held for this connection. */
  heldBytes(): number {
    return this.c2s.heldBytes + this.s2c.heldBytes;
  }

  private hold(s: DirStream, start: number, end: number, captured: Uint8Array, packet: number, tsUs: number): void {
    const limits = this.budget.limits;
    const need = captured.length;
    // Already held in full (an out-of-order retransmission): nothing new to keep.
    for (const h of s.held) {
      if (h.start <= start && h.end >= end) return;
    }
    while (s.heldBytes + need > limits.perDirectionBytes || this.budget.used + need > limits.totalBytes) {
      if (s.held.length === 0 || this.sink === null) break;
      this.forceGap(s, packet, tsUs);
      if (start <= s.pos) {
        if (end > s.pos) this.deliver(s, start, end, captured, packet, packet, tsUs);
        this.drain(s, packet, tsUs);
        return;
      }
    }
    if (this.sink === null) return;
    if (s.heldBytes + need > limits.perDirectionBytes || this.budget.used + need > limits.totalBytes) {
      // Cannot hold even with this direction's buffer empty: give up on the hole before it now.
      this.markForcedGap(s, start);
      this.gapTo(s, start, packet, packet, tsUs);
      this.deliver(s, start, end, captured, packet, packet, tsUs);
      this.drain(s, packet, tsUs);
      return;
    }
    const copy = captured.slice();
    const h: Held = { start, end, bytes: copy, packet };
    let i = s.held.length;
    while (i > 0 && s.held[i - 1]!.start > start) i--;
    s.held.splice(i, 0, h);
    s.heldBytes += need;
    this.budget.used += need;
    this.stats.outOfOrderBuffered++;
  }

  /** Declare the hole before the first held segment a gap, then deliver what follows it. */
  private forceGap(s: DirStream, packet: number, tsUs: number): void {
    const first = s.held[0]!;
    if (first.start > s.pos) {
      this.markForcedGap(s, first.start);
      this.gapTo(s, first.start, first.packet, packet, tsUs);
    }
    this.drain(s, packet, tsUs);
  }

  private markForcedGap(s: DirStream, until: number): void {
    s.forcedGapStart = s.pos;
    s.forcedGapEnd = until;
  }

  /** Deliver held segments that now touch the delivery point. */
  private drain(s: DirStream, packet: number, tsUs: number): void {
    while (s.held.length > 0 && this.sink !== null) {
      const h = s.held[0]!;
      if (h.start > s.pos) return;
      s.held.shift();
      s.heldBytes -= h.bytes.length;
      this.budget.used -= h.bytes.length;
      if (h.end > s.pos) this.deliver(s, h.start, h.end, h.bytes, h.packet, packet, tsUs);
    }
  }

  /** Deliver [max(start,pos), end): captured bytes, then a gap for a tail the snap length cut. */
  private deliver(s: DirStream, start: number, end: number, bytes: Uint8Array, first: number, last: number, tsUs: number): void {
    const skip = s.pos - start;
    if (skip < bytes.length) {
      const view = skip > 0 ? bytes.subarray(skip) : bytes;
      const ref = this.setRef(first, last, tsUs, s.pos);
      s.advanceTo(s.pos + view.length);
      try {
        this.sink!.data(s.name, view, ref);
      } catch (e) {
        this.fail(e);
        return;
      }
    }
    if (end > s.pos && this.sink !== null) this.gapTo(s, end, first, last, tsUs);
  }

  private gapTo(s: DirStream, until: number, first: number, last: number, tsUs: number): void {
    const length = until - s.pos;
    if (length <= 0 || this.sink === null) return;
    const ref = this.setRef(first, last, tsUs, s.pos);
    s.advanceTo(until);
    this.stats.gaps++;
    this.stats.gapBytes += length;
    try {
      this.sink.gap(s.name, length, ref);
    } catch (e) {
      this.fail(e);
    }
  }

  private setRef(first: number, last: number, tsUs: number, offset: number): PacketRef {
    const r = this.ref;
    r.first = first;
    r.last = last;
    r.tsUs = tsUs;
    r.streamOffset = offset;
    return r;
  }

  private fail(e: unknown): void {
    if (this.error === null) this.error = e instanceof Error ? e.message : String(e);
    this.release();
  }

  /** Drop the sink and every held buffer (returning their bytes to the shared budget). */
  release(): void {
    this.sink = null;
    for (const s of [this.c2s, this.s2c]) {
      this.budget.used -= s.heldBytes;
      s.heldBytes = 0;
      s.held = [];
    }
  }
}
