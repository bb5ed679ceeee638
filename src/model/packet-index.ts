/**
 * The per-packet index: one row per packet in typed-array columns (not one object per packet),
 * so memory grows by about 40 bytes a packet whatever the payload. Packet bytes stay in the file
 * and are read back through PacketBytes when a view needs them.
 *
 * Packet numbers are absolute and never change. A live capture drops the oldest rows as its
 * detail window moves (dropBefore): the columns then hold the packets [base, count), packet index
 * i (0-based) at row i - base. A file's index never drops anything (base stays 0). Readers on the
 * live path (the facts, end shapes, rules, evidence times, evidence export, secret masking, report
 * start times) subtract `base` and ask `tsAt` for a time that may have left; readers only a file's
 * index meets (the packets command and packet-scope rules, the TUI, compare) assume base 0.
 */

export class PacketIndex {
  /** Packets taken in so far (absolute: the next packet's 0-based index). */
  count = 0;
  /** Absolute index of row 0: packets before it have left the index (a live capture's window). */
  base = 0;
  /** Time of the capture's first packet (µs), kept when its row leaves; NaN before any packet. */
  firstTsUs = NaN;
  private capacity: number;
  /**
   * Offset of the packet's first byte in the (decompressed) capture stream. In a capture merged
   * from several files it is a merged address: file index * FILE_STRIDE (2^40) + offset in that
   * file, which the capture's byte source resolves (capture/merge.ts MergedBytes.locate).
   */
  fileOffset: Float64Array;
  /** Capture time, microseconds since the epoch (fractional for nanosecond captures). */
  tsUs: Float64Array;
  capLen: Uint32Array;
  origLen: Uint32Array;
  linkType: Uint16Array;
  /** TCP connection id, -1 when the packet is not TCP. */
  connId: Int32Array;
  /** 0 = client to server, 1 = server to client. */
  dir: Uint8Array;
  /** TCP flag bits (TcpFlag), 0 for non-TCP packets. */
  tcpFlags: Uint16Array;
  /** TcpEvent bit mask. */
  events: Uint32Array;
  /** TCP payload length as the IP header declares it. */
  payloadLen: Uint32Array;

  constructor(initialCapacity = 1024) {
    this.capacity = initialCapacity;
    this.fileOffset = new Float64Array(initialCapacity);
    this.tsUs = new Float64Array(initialCapacity);
    this.capLen = new Uint32Array(initialCapacity);
    this.origLen = new Uint32Array(initialCapacity);
    this.linkType = new Uint16Array(initialCapacity);
    this.connId = new Int32Array(initialCapacity);
    this.dir = new Uint8Array(initialCapacity);
    this.tcpFlags = new Uint16Array(initialCapacity);
    this.events = new Uint32Array(initialCapacity);
    this.payloadLen = new Uint32Array(initialCapacity);
  }

  /** Rows held (count - base). */
  get held(): number {
    return this.count - this.base;
  }

  /** The time of packet index `i` (0-based, absolute), or NaN when its row is not held. */
  tsAt(i: number): number {
    return i >= this.base && i < this.count ? this.tsUs[i - this.base]! : NaN;
  }

  /**
   * Drops the rows of the packets before absolute index `from` (a live capture's window): the
   * rows left move to the front, and the capacity shrinks back when the rows fit in a quarter of
   * it, so the index costs the window, not the capture.
   */
  dropBefore(from: number): void {
    const upto = Math.min(from, this.count);
    if (upto <= this.base) return;
    const shift = upto - this.base;
    const keep = this.count - upto;
    let cap = this.capacity;
    while (cap > 1024 && keep * 4 <= cap) cap >>= 1;
    const move = <T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      if (cap === this.capacity) {
        a.copyWithin(0, shift, shift + keep);
        return a;
      }
      const next = make(cap);
      next.set(a.subarray(shift, shift + keep) as never);
      return next;
    };
    this.fileOffset = move(this.fileOffset, (n) => new Float64Array(n));
    this.tsUs = move(this.tsUs, (n) => new Float64Array(n));
    this.capLen = move(this.capLen, (n) => new Uint32Array(n));
    this.origLen = move(this.origLen, (n) => new Uint32Array(n));
    this.linkType = move(this.linkType, (n) => new Uint16Array(n));
    this.connId = move(this.connId, (n) => new Int32Array(n));
    this.dir = move(this.dir, (n) => new Uint8Array(n));
    this.tcpFlags = move(this.tcpFlags, (n) => new Uint16Array(n));
    this.events = move(this.events, (n) => new Uint32Array(n));
    this.payloadLen = move(this.payloadLen, (n) => new Uint32Array(n));
    this.capacity = cap;
    this.base = upto;
  }

  /** Appends a row and returns its index (packet number - 1). */
  push(
    fileOffset: number,
    tsUs: number,
    capLen: number,
    origLen: number,
    linkType: number,
    connId: number,
    dir: number,
    tcpFlags: number,
    events: number,
    payloadLen: number,
  ): number {
    if (this.count - this.base === this.capacity) this.grow();
    if (this.count === 0) this.firstTsUs = tsUs;
    const i = this.count++ - this.base;
    this.fileOffset[i] = fileOffset;
    this.tsUs[i] = tsUs;
    this.capLen[i] = capLen;
    this.origLen[i] = origLen;
    this.linkType[i] = linkType;
    this.connId[i] = connId;
    this.dir[i] = dir;
    this.tcpFlags[i] = tcpFlags;
    this.events[i] = events;
    this.payloadLen[i] = payloadLen;
    return i + this.base;
  }

  private grow(): void {
    const cap = this.capacity * 2;
    this.fileOffset = growTo(this.fileOffset, new Float64Array(cap));
    this.tsUs = growTo(this.tsUs, new Float64Array(cap));
    this.capLen = growTo(this.capLen, new Uint32Array(cap));
    this.origLen = growTo(this.origLen, new Uint32Array(cap));
    this.linkType = growTo(this.linkType, new Uint16Array(cap));
    this.connId = growTo(this.connId, new Int32Array(cap));
    this.dir = growTo(this.dir, new Uint8Array(cap));
    this.tcpFlags = growTo(this.tcpFlags, new Uint16Array(cap));
    this.events = growTo(this.events, new Uint32Array(cap));
    this.payloadLen = growTo(this.payloadLen, new Uint32Array(cap));
    this.capacity = cap;
  }
}

function growTo<T extends Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array>(old: T, next: T): T {
  next.set(old as never);
  return next;
}
