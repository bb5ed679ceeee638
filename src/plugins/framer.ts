/**
 * Length-prefixed PDU framing over one direction of a reassembled stream (Wireshark's
 * tcp_dissect_pdus): the plugin states how long a PDU is from its first bytes, the framer
 * delivers whole PDUs across any segmentation, and resynchronises after a gap.
 *
 * Memory: a PDU is kept up to `bufferLimit` bytes; the rest is counted, not kept, so a 100 MB
 * request costs at most `bufferLimit` bytes. A PDU fully inside one data() call is handed on as
 * a view, without copying; one spread over segments is gathered into a buffer that is reused for
 * the next PDU (the bytes are valid during the pdu() call only, as the plugin contract says).
 */

import type { Dir, Framing, PacketRef } from "./api.js";

export const DEFAULT_PDU_BUFFER_LIMIT = 16 * 1024 * 1024;
/** Bytes collected while looking for a PDU start after a gap or a framing error. */
const RESYNC_WINDOW = 64 * 1024;

export interface FramerOutput {
  pdu(bytes: Uint8Array, at: PacketRef, wireLength: number): void;
  /** The stream did not frame: a length that cannot be, at this stream offset. */
  framingError(streamOffset: number, packet: number, what: string): void;
  /** A stateful resync (the connection's dissector), preferred over framing.resync. */
  resync?(bytes: Uint8Array): number;
  /** The connection's framing for the next PDU (StreamDissector.framingFor), when it differs. */
  framingFor?(): Framing | undefined;
}

export class Framer {
  private readonly header: Uint8Array;
  private headerFill = 0;
  /** Wire length of the PDU in progress, -1 while its header is incomplete. */
  private pduLength = -1;
  private buffer: Uint8Array | null = null;
  /** Reused gathering space, grown as needed up to bufferLimit. */
  private scratch: Uint8Array = new Uint8Array(0);
  /** Bytes of the PDU in progress seen on the wire, and how many of them are kept in `buffer`. */
  private consumed = 0;
  private kept = 0;
  /** After a hole inside the PDU in progress, later bytes are counted but no longer kept. */
  private keeping = true;
  private firstPacket = 0;
  private firstOffset = 0;
  private resyncing = false;
  private window: Uint8Array | null = null;
  private windowFill = 0;
  private readonly bufferLimit: number;
  /** The framing of the PDU in progress: the plugin's, or the one the connection asked for. */
  private current: Framing;
  /** The packet (and its time) that brought the latest bytes: where a PDU cut by the end ends. */
  private lastPacket = 0;
  private lastTsUs = 0;

  constructor(
    private readonly framing: Framing,
    private readonly dir: Dir,
    private readonly out: FramerOutput,
  ) {
    this.header = new Uint8Array(framing.headerLength);
    this.current = framing;
    this.bufferLimit = framing.bufferLimit ?? DEFAULT_PDU_BUFFER_LIMIT;
  }

  data(bytes: Uint8Array, at: PacketRef): void {
    this.lastPacket = at.last;
    this.lastTsUs = at.tsUs;
    if (this.resyncing) {
      this.resync(bytes, at);
      return;
    }
    this.consume(bytes, at);
  }

  /**
   * The stream ended (close or end of capture). A PDU whose length is known but whose bytes did
   * not all arrive — a request the peer reset in the middle — is handed on as what was seen.
   */
  end(): void {
    if (this.resyncing || this.pduLength < 0) return;
    this.emit({ first: this.lastPacket, last: this.lastPacket, tsUs: this.lastTsUs, streamOffset: 0 }, this.pduLength, this.consumed);
    this.reset();
  }

  /** `length` bytes never captured. Inside a PDU of known length we stay in step; otherwise resync. */
  gap(length: number, at: PacketRef): void {
    if (this.resyncing) {
      this.windowFill = 0;
      return;
    }
    if (this.pduLength >= 0 && this.consumed + length < this.pduLength) {
      this.consumed += length;
      this.keeping = false;
      return;
    }
    if (this.pduLength >= 0) {
      // The hole runs past the end of this PDU: hand on what we have, then look for the next start.
      this.emit(at, this.pduLength);
    }
    this.reset();
    this.startResync();
  }

  private consume(bytes: Uint8Array, at: PacketRef): void {
    let pos = 0;
    const n = bytes.length;
    while (pos < n) {
      if (this.pduLength < 0) {
        if (this.headerFill === 0) this.current = this.pick();
        const headerLength = this.current.headerLength;
        // Fast path: a whole PDU inside this call, no copy.
        if (this.headerFill === 0 && n - pos >= headerLength) {
          const len = this.current.pduLength(bytes.subarray(pos, pos + headerLength), this.dir);
          if (!this.lengthOk(len, at, pos)) {
            this.startResync();
            this.resync(bytes.subarray(pos), { ...at, streamOffset: at.streamOffset + pos });
            return;
          }
          if (n - pos >= len && len <= this.bufferLimit) {
            this.out.pdu(bytes.subarray(pos, pos + len), refAt(at, at.streamOffset + pos), len);
            pos += len;
            continue;
          }
        }
        if (this.headerFill === 0) {
          this.firstPacket = at.first;
          this.firstOffset = at.streamOffset + pos;
        }
        const take = Math.min(headerLength - this.headerFill, n - pos);
        this.header.set(bytes.subarray(pos, pos + take), this.headerFill);
        this.headerFill += take;
        pos += take;
        if (this.headerFill < headerLength) return;
        const len = this.current.pduLength(this.header.subarray(0, headerLength), this.dir);
        if (!this.lengthOk(len, at, pos - headerLength)) {
          const head = this.header.slice(0, headerLength);
          this.reset();
          this.startResync();
          this.appendWindow(head);
          this.resync(bytes.subarray(pos), { ...at, streamOffset: at.streamOffset + pos });
          return;
        }
        this.pduLength = len;
        this.buffer = this.gatherSpace(Math.min(len, this.bufferLimit));
        this.buffer.set(this.header.subarray(0, headerLength), 0);
        this.kept = headerLength;
        this.consumed = headerLength;
        this.keeping = true;
      }
      const take = Math.min(this.pduLength - this.consumed, n - pos);
      if (this.keeping && this.buffer && this.kept < this.buffer.length) {
        const keep = Math.min(take, this.buffer.length - this.kept);
        this.buffer.set(bytes.subarray(pos, pos + keep), this.kept);
        this.kept += keep;
      }
      this.consumed += take;
      pos += take;
      if (this.consumed === this.pduLength) {
        this.emit(at, this.pduLength);
        this.reset();
      }
    }
  }

  /** The connection's framing for the next PDU, or the plugin's; never a longer header than the plugin's. */
  private pick(): Framing {
    const f = this.out.framingFor?.();
    return f && f.headerLength <= this.header.length ? f : this.framing;
  }

  private lengthOk(len: number, at: PacketRef, pos: number): boolean {
    const hl = this.current.headerLength;
    if (Number.isInteger(len) && len >= hl && len <= this.current.maxPduLength) return true;
    this.out.framingError(
      at.streamOffset + pos,
      at.last,
      len < 0 || !Number.isInteger(len)
        ? "bytes that cannot start a PDU"
        : `PDU length ${len} outside ${hl}..${this.current.maxPduLength}`,
    );
    return false;
  }

  /** `endedAfter`: the stream ended inside this PDU, after that many of its bytes. */
  private emit(at: PacketRef, wireLength: number, endedAfter?: number): void {
    const bytes = this.buffer ? this.buffer.subarray(0, this.kept) : this.header.subarray(0, this.headerFill);
    const ref: PacketRef = { first: this.firstPacket, last: at.last, tsUs: at.tsUs, streamOffset: this.firstOffset };
    if (endedAfter !== undefined) ref.endedAfter = endedAfter;
    this.out.pdu(bytes, ref, wireLength);
  }

  private gatherSpace(size: number): Uint8Array {
    if (this.scratch.length < size) {
      this.scratch = new Uint8Array(Math.min(this.bufferLimit, Math.max(size, this.scratch.length * 2, 4096)));
    }
    return this.scratch.subarray(0, size);
  }

  private reset(): void {
    this.headerFill = 0;
    this.pduLength = -1;
    this.buffer = null;
    this.consumed = 0;
    this.kept = 0;
    this.keeping = true;
  }

  private startResync(): void {
    this.resyncing = true;
    this.windowFill = 0;
  }

  private appendWindow(bytes: Uint8Array): void {
    if (!this.window) this.window = new Uint8Array(RESYNC_WINDOW);
    if (bytes.length >= RESYNC_WINDOW) {
      this.window.set(bytes.subarray(bytes.length - RESYNC_WINDOW));
      this.windowFill = RESYNC_WINDOW;
      return;
    }
    if (this.windowFill + bytes.length > RESYNC_WINDOW) {
      // Keep the newest bytes: a PDU start is more likely ahead than behind.
      const keep = RESYNC_WINDOW - bytes.length;
      this.window.copyWithin(0, this.windowFill - keep, this.windowFill);
      this.windowFill = keep;
    }
    this.window.set(bytes, this.windowFill);
    this.windowFill += bytes.length;
  }

  /**
   * Looking for a PDU start. With the plugin's resync() we scan a window of recent bytes; without
   * it we try only segment starts, where PDUs usually begin.
   */
  private resync(bytes: Uint8Array, at: PacketRef): void {
    if (bytes.length === 0) return;
    const stateful = this.out.resync;
    const stateless = this.framing.resync;
    const finder = stateful
      ? (b: Uint8Array) => stateful(b)
      : stateless
        ? (b: Uint8Array) => stateless(b, this.dir)
        : null;
    if (!finder) {
      if (bytes.length >= this.header.length) {
        const len = this.framing.pduLength(bytes.subarray(0, this.header.length), this.dir);
        if (Number.isInteger(len) && len >= this.header.length && len <= this.framing.maxPduLength) {
          this.resyncing = false;
          this.consume(bytes, at);
        }
      }
      return;
    }
    this.appendWindow(bytes);
    const windowStart = at.streamOffset + bytes.length - this.windowFill;
    const found = finder(this.window!.subarray(0, this.windowFill));
    if (found < 0 || found >= this.windowFill) return;
    const rest = this.window!.slice(found, this.windowFill);
    this.resyncing = false;
    this.windowFill = 0;
    this.consume(rest, { ...at, first: at.last, streamOffset: windowStart + found });
  }
}

/**
 * A copy of `at` (the tracker reuses its own) with another stream offset: built field by field, as
 * an object spread per PDU cost more than the framing around it.
 */
function refAt(at: PacketRef, streamOffset: number): PacketRef {
  const ref: PacketRef = { first: at.first, last: at.last, tsUs: at.tsUs, streamOffset };
  if (at.endedAfter !== undefined) ref.endedAfter = at.endedAfter;
  return ref;
}
