import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, write as fsWrite } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Packet bytes read back on demand. The analysis keeps only (fileOffset, capLen) per packet; views
 * ask this class for the bytes. It reads the capture byte stream with positional reads through a
 * few cached windows, so walking many packets in file order costs one read per window, not one per
 * packet, and jumping around (a TUI hex pane) costs one small read.
 *
 * For a plain capture file the stream is the file itself. For gzip, stdin and pipes it is a spool:
 * the decompressed stream written to a temp file while it is read (see Spool).
 */

/** Window size: a few hundred typical packets per read. */
const WINDOW = 256 * 1024;
const WINDOWS = 4;
/** Windows start on this boundary so that stepping backwards a little still hits. */
const ALIGN = 4096;
/** Spool bytes allowed in flight to the temp file before reading waits for the disk. */
const MAX_INFLIGHT = 32 * 1024 * 1024;

interface Window {
  start: number;
  len: number;
  buf: Uint8Array;
  used: number;
}

/** Open PacketBytes, closed (and spools removed) at process exit if the owner did not. */
const live = new Set<PacketBytes>();
let exitHook = false;

export class PacketBytes {
  private readonly windows: Window[] = [];
  private clock = 0;
  private fd: number;

  private constructor(
    fd: number,
    private readonly spool: Spool | null,
    /** Path to delete on close: a spool file the OS would not let us unlink while open. */
    private readonly removeOnClose: string | null,
  ) {
    this.fd = fd;
    for (let i = 0; i < WINDOWS; i++) this.windows.push({ start: 0, len: 0, buf: new Uint8Array(0), used: 0 });
    live.add(this);
    if (!exitHook) {
      exitHook = true;
      process.once("exit", () => {
        for (const pb of live) pb.close();
      });
    }
  }

  /** Take over an open descriptor of a plain capture file (closed by close()). */
  static fromFd(fd: number): PacketBytes {
    return new PacketBytes(fd, null, null);
  }

  /** Open a plain capture file for reading back (throws the open's error). */
  static openFile(path: string): PacketBytes {
    return new PacketBytes(openSync(path, "r"), null, null);
  }

  static fromSpool(spool: Spool): PacketBytes {
    return new PacketBytes(spool.fd, spool, spool.leftover);
  }

  /** Bytes of the stream available (a spool grows while its input is still being read). */
  get size(): number {
    if (this.fd < 0) return 0;
    return this.spool !== null ? this.spool.size : fstatSync(this.fd).size;
  }

  /**
   * `length` bytes at stream offset `offset`, as a view into a cache window: valid until the next
   * call, copy what you keep. Throws RangeError for a range outside the stream (a caller bug: the
   * offsets come from the frames this stream produced).
   */
  view(offset: number, length: number): Uint8Array {
    if (this.fd < 0) throw new Error("PacketBytes is closed");
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new RangeError(`bad range ${offset}+${length}`);
    }
    const end = offset + length;
    let victim = this.windows[0]!;
    for (const w of this.windows) {
      if (offset >= w.start && end <= w.start + w.len) {
        w.used = ++this.clock;
        return w.buf.subarray(offset - w.start, end - w.start);
      }
      if (w.used < victim.used) victim = w;
    }
    const start = offset - (offset % ALIGN);
    const want = Math.max(WINDOW, end - start);
    // `length` came from our own reader, which caps packets at 16 MiB; a larger window is
    // allocated only for such a packet and only once it was asked for.
    if (victim.buf.length < want) victim.buf = new Uint8Array(want);
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, victim.buf, got, want - got, start + got);
      if (n === 0) break;
      got += n;
    }
    victim.start = start;
    victim.len = got;
    victim.used = ++this.clock;
    if (end > start + got) {
      victim.len = 0;
      throw new RangeError(`range ${offset}+${length} is beyond the end of the capture stream (${start + got} bytes)`);
    }
    return victim.buf.subarray(offset - start, end - start);
  }

  /** Like view(), but an owned copy. */
  copy(offset: number, length: number): Buffer {
    return Buffer.from(this.view(offset, length));
  }

  /** Release the descriptor and delete the spool, if any. Safe to call twice. */
  close(): void {
    if (this.fd < 0) return;
    live.delete(this);
    try {
      closeSync(this.fd);
    } catch {
      // already closed by someone else: nothing left to release
    }
    this.fd = -1;
    if (this.removeOnClose !== null) removeSpoolFile(this.removeOnClose);
  }
}

/**
 * The decompressed capture stream written to a temp file as it is read, so that stdin, pipes and
 * gzip captures can be read back like a plain file. The file is unlinked as soon as it is open
 * (POSIX keeps it alive through the descriptor), so it disappears even if the process is killed;
 * where unlinking an open file is refused (Windows), it is removed on close or at exit instead.
 */
export class Spool {
  readonly fd: number;
  size = 0;
  /** Path still on disk, or null when it was unlinked at once. */
  readonly leftover: string | null;
  private handed = false;
  private inflight = 0;
  private error: Error | null = null;
  private readonly pending = new Set<Promise<void>>();

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-"));
    const path = join(dir, "stream.spool");
    this.fd = openSync(path, "wx+", 0o600);
    let leftover: string | null = path;
    try {
      unlinkSync(path);
      rmdirSync(dir);
      leftover = null;
    } catch {
      // keep the path; close() or the exit hook removes it
    }
    this.leftover = leftover;
  }

  /**
   * Append a chunk. The write runs on libuv's pool while parsing goes on; the chunk must not be
   * modified afterwards (stream chunks never are). Writes are positional, so their order does not
   * matter; flush() waits for all. Returns a promise only when too much is in flight, so the
   * caller can wait and memory stays bounded.
   */
  write(chunk: Uint8Array): Promise<void> | null {
    const at = this.size;
    this.size += chunk.length;
    this.inflight += chunk.length;
    const len = chunk.length;
    const p: Promise<void> = new Promise<void>((resolve) => this.writeAll(chunk, at, resolve)).then(() => {
      this.inflight -= len;
      this.pending.delete(p);
    });
    this.pending.add(p);
    return this.inflight > MAX_INFLIGHT ? this.settle(MAX_INFLIGHT / 2) : null;
  }

  /** Wait until every write has landed; throws the first write error (disk full...). */
  async flush(): Promise<void> {
    await this.settle(0);
  }

  private async settle(limit: number): Promise<void> {
    while (this.inflight > limit && this.pending.size > 0) await Promise.race(this.pending);
    if (this.error !== null) throw this.error;
  }

  private writeAll(chunk: Uint8Array, at: number, done: () => void): void {
    fsWrite(this.fd, chunk, 0, chunk.length, at, (err, n) => {
      if (err) {
        this.error ??= err;
      } else if (n < chunk.length) {
        this.writeAll(chunk.subarray(n), at + n, done);
        return;
      }
      done();
    });
  }

  /** Hand the spool to a PacketBytes, which then owns the descriptor. */
  toPacketBytes(): PacketBytes {
    this.handed = true;
    return PacketBytes.fromSpool(this);
  }

  /** Discard a spool that was never handed on (after its writes settled, or they would hit a closed fd). */
  async discard(): Promise<void> {
    if (this.handed) return;
    await this.settle(0).catch(() => undefined);
    try {
      closeSync(this.fd);
    } catch {
      // nothing to release
    }
    if (this.leftover !== null) removeSpoolFile(this.leftover);
  }
}

function removeSpoolFile(path: string): void {
  try {
    unlinkSync(path);
    rmdirSync(join(path, ".."));
  } catch {
    // gone already
  }
}
