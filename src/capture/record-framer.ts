import type { CaptureProblemCode, Frame } from "./types.js";
import type { ProblemLog } from "./problems.js";

export type FrameSink = (frame: Frame) => void;

/**
 * The reader's one reused Frame. `data` is made on first access and only then: a `subarray` view
 * is an object allocation, and measured on a 400 MB file, creating one per packet halved the
 * reader's speed (8 -> 20 M packets/s without). A consumer that looks only at the header fields
 * pays nothing; one that wants bytes without any allocation can use `buf[start .. start+capLen)`.
 */
export class ReusedFrame implements Frame {
  number = 0;
  tsSec = 0;
  tsNsec = 0;
  capLen = 0;
  origLen = 0;
  linkType = 0;
  interfaceId = 0;
  fileOffset = 0;
  /** The buffer holding this packet (a read chunk or the carry-over buffer): valid during the callback only. */
  buf: Uint8Array = EMPTY;
  /** Offset of the packet's first byte in `buf`. */
  start = 0;
  private view: Uint8Array | null = null;

  get data(): Uint8Array {
    return (this.view ??= this.buf.subarray(this.start, this.start + this.capLen));
  }

  /** Point at the next packet's bytes. */
  setBytes(buf: Uint8Array, start: number, capLen: number): void {
    this.buf = buf;
    this.start = start;
    this.capLen = capLen;
    this.view = null;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * Push-parser skeleton shared by the classic pcap and pcapng readers: both formats are a run of
 * length-prefixed records. Chunks of any size go in; each complete record is handed to `record()`
 * as (bytes, offset, length) over the chunk itself, so packet data is a `subarray` view and never
 * copied. Only a record that straddles two chunks is assembled in a carry-over buffer, and only
 * the bytes that actually arrived are copied there: a lying length field cannot make us allocate
 * more than the input really holds, and every input byte is copied at most once (no quadratic
 * re-buffering).
 */
export abstract class RecordFramer {
  /** The one Frame handed to the sink, rewritten for every packet: valid during the callback only. */
  protected readonly frame = new ReusedFrame();
  /** Frames delivered so far; the next one gets number delivered + 1. */
  delivered = 0;
  /** Stream offset just past the last complete record: how far the input was good. */
  consumed = 0;
  /** Set by a fatal problem or by end(): later input is ignored. */
  stopped = false;

  /** Bytes a record must have before measure() can tell its total length. */
  protected headerNeed: number;
  /** Stream offset of the first byte of the chunk being pushed. */
  private base = 0;
  private carry = new Uint8Array(0);
  private carryLen = 0;
  /** Stream offset of carry[0]. */
  private carryStart = 0;

  constructor(
    protected readonly log: ProblemLog,
    protected readonly sink: FrameSink,
    headerNeed: number,
  ) {
    this.headerNeed = headerNeed;
  }

  /**
   * Total length of the record starting at `o` (at least headerNeed bytes are there), or -1 after
   * reporting a fatal problem. Must return >= headerNeed.
   */
  protected abstract measure(b: Uint8Array, o: number, at: number): number;

  /** Handle one complete record of `len` bytes at b[o..]; `at` is its stream offset. */
  protected abstract record(b: Uint8Array, o: number, len: number, at: number): void;

  /** Report input that ended inside a record: `have` bytes of it, from stream offset `at`. */
  protected abstract truncated(b: Uint8Array, have: number, at: number): void;

  push(chunk: Uint8Array): void {
    if (this.stopped) return;
    const n = chunk.length;
    let pos = 0;
    if (this.carryLen > 0) {
      pos = this.drainCarry(chunk);
      if (pos < 0) {
        this.base += n;
        return;
      }
    }
    while (!this.stopped) {
      const avail = n - pos;
      if (avail < this.headerNeed) break;
      const len = this.measure(chunk, pos, this.base + pos);
      if (len < 0 || avail < len) break;
      this.record(chunk, pos, len, this.base + pos);
      if (this.stopped) break; // a record found bad: consumed stays at its start
      pos += len;
      this.consumed = this.base + pos;
    }
    if (!this.stopped && pos < n) {
      this.carryStart = this.base + pos;
      this.append(chunk, pos, n);
    }
    this.base += n;
  }

  /** No more input. Anything left in the carry is a record cut short. */
  end(): void {
    if (this.stopped) return;
    if (this.carryLen > 0) this.truncated(this.carry, this.carryLen, this.carryStart);
    this.stopped = true;
  }

  /**
   * Report a fatal problem at stream offset `at` and stop. The packet number is the first one not
   * delivered, except for file/section header problems (`packet` false), which belong to no packet.
   */
  protected fail(code: CaptureProblemCode, message: string, at: number, packet = true): void {
    this.log.fatal(code, message, at, packet ? this.delivered + 1 : undefined);
    this.stopped = true;
  }

  /** Fill in the shared frame's number and data view and hand it on. */
  protected emit(b: Uint8Array, dataStart: number, capLen: number, fileOffset: number): void {
    const f = this.frame;
    f.number = ++this.delivered;
    f.setBytes(b, dataStart, capLen);
    f.fileOffset = fileOffset;
    this.sink(f);
  }

  /**
   * Complete the record waiting in the carry from the head of `chunk`. Returns the chunk position
   * after it, or -1 when the chunk was all absorbed (or a fatal problem stopped us).
   */
  private drainCarry(chunk: Uint8Array): number {
    const n = chunk.length;
    let pos = 0;
    if (this.carryLen < this.headerNeed) {
      pos = Math.min(this.headerNeed - this.carryLen, n);
      this.append(chunk, 0, pos);
      if (this.carryLen < this.headerNeed) return -1;
    }
    const len = this.measure(this.carry, 0, this.carryStart);
    if (len < 0) return -1;
    const take = Math.min(len - this.carryLen, n - pos);
    this.append(chunk, pos, pos + take);
    pos += take;
    if (this.carryLen < len) return -1;
    this.carryLen = 0;
    this.record(this.carry, 0, len, this.carryStart);
    if (this.stopped) return -1;
    this.consumed = this.carryStart + len;
    return pos;
  }

  /** Copy chunk[from..to) behind the carry, growing it by what actually arrived (never by a wire length). */
  private append(chunk: Uint8Array, from: number, to: number): void {
    const need = this.carryLen + (to - from);
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2, 4096));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen);
    this.carryLen = need;
  }
}
