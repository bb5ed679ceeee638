/**
 * Where the bytes of a reassembled stream came from: for each direction, the stream ranges each
 * packet delivered, so a byte offset in a PDU (a field of a protocol tree) can be shown in the
 * frame that carried it (the hex pane). Built while one connection is re-dissected for a detail
 * view; never in the analysis pass.
 *
 * The reassembler delivers each packet's new bytes as the tail of its captured payload (a
 * retransmission that overlaps bytes already delivered is cut at the front), so a stream offset
 * `x` inside a packet's delivered range [start, end) is at frame offset `frameEnd - (end - x)`,
 * where frameEnd is the end of the packet's captured payload in its frame.
 */

import type { Dir } from "../plugins/api.js";

/** A run of bytes inside one frame. */
export interface FramePiece {
  /** 1-based packet number. */
  packet: number;
  /** Offset in the frame. */
  offset: number;
  length: number;
}

class DirRuns {
  start: number[] = [];
  end: number[] = [];
  packet: number[] = [];
  frameEnd: number[] = [];
  /** Runs added out of stream order (gathered from packets as they come): sorted before a lookup. */
  private sorted = true;

  add(start: number, end: number, packet: number, frameEnd: number): void {
    if (this.start.length > 0 && start < this.start[this.start.length - 1]!) this.sorted = false;
    this.start.push(start);
    this.end.push(end);
    this.packet.push(packet);
    this.frameEnd.push(frameEnd);
  }

  /** Runs never overlap (each stream byte is delivered once), so ordering by start orders the ends too. */
  sort(): void {
    if (this.sorted) return;
    const order = this.start.map((_, i) => i).sort((a, b) => this.start[a]! - this.start[b]!);
    this.start = order.map((i) => this.start[i]!);
    this.end = order.map((i) => this.end[i]!);
    this.packet = order.map((i) => this.packet[i]!);
    this.frameEnd = order.map((i) => this.frameEnd[i]!);
    this.sorted = true;
  }

  /** Index of the first run whose end is past `x`. */
  firstEndingAfter(x: number): number {
    this.sort();
    let lo = 0;
    let hi = this.end.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.end[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class StreamMap {
  private runs: Record<Dir, DirRuns> = { c2s: new DirRuns(), s2c: new DirRuns() };

  /** The connection's roles were turned round after the bytes were mapped (see redissect). */
  swapDirections(): void {
    this.runs = { c2s: this.runs.s2c, s2c: this.runs.c2s };
  }

  /**
   * Packet `packet` delivered stream bytes [start, start+length) of `dir`, the last of them at
   * `frameEnd` in its frame. Runs must not overlap; they may come in any order.
   */
  add(dir: Dir, start: number, length: number, packet: number, frameEnd: number): void {
    if (length > 0) this.runs[dir].add(start, start + length, packet, frameEnd);
  }

  /**
   * The frames holding stream bytes [start, start+length) of `dir`, in order, at most `limit`
   * pieces. Bytes never captured (a gap) are simply absent.
   */
  locate(dir: Dir, start: number, length: number, limit = 64): FramePiece[] {
    const r = this.runs[dir];
    const out: FramePiece[] = [];
    const stop = start + length;
    for (let i = r.firstEndingAfter(start); i < r.end.length && r.start[i]! < stop && out.length < limit; i++) {
      const from = Math.max(start, r.start[i]!);
      const to = Math.min(stop, r.end[i]!);
      out.push({ packet: r.packet[i]!, offset: r.frameEnd[i]! - (r.end[i]! - from), length: to - from });
    }
    return out;
  }
}
