/**
 * The per-packet index: one row per packet in typed-array columns (not one object per packet),
 * so memory grows by about 40 bytes a packet whatever the payload. Packet bytes stay in the file
 * and are read back through PacketBytes when a view needs them.
 */

export class PacketIndex {
  count = 0;
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
    if (this.count === this.capacity) this.grow();
    const i = this.count++;
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
    return i;
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
