/**
 * One capture file as a pull source of (decompressed) chunks, for the merge of several files
 * (merge.ts), which must take packets from whichever file is earliest and so cannot be driven by
 * one file's push loop as readCapture is. Plain files are read with positional reads into two
 * buffers (the next read runs while the merge works on the current chunk); gzip files are
 * decompressed member by member and spooled, so their packet bytes can be read back later.
 */

import { closeSync, createReadStream, open as fsOpen, read as fsRead } from "node:fs";
import { stat } from "node:fs/promises";
import { gunzipMembers, GzipError, type GzipEnd } from "./gunzip.js";
import { PacketBytes, Spool } from "./packet-bytes.js";
import type { ProblemLog } from "./problems.js";

export interface ChunkSource {
  gzip: boolean;
  /**
   * The next chunk, or null at the end (or after a read problem, logged). A chunk stays valid
   * until the next call: the caller must be done with it (and with views into it) by then.
   */
  next(): Promise<Uint8Array | null>;
  /** Bytes handed out so far (offset of the next chunk in the decompressed stream). */
  readonly offset: number;
  /** After the end: what reads the packet bytes back (a gzip file's spool), or null for a plain file. */
  finish(keep: boolean): Promise<PacketBytes | null>;
  /** Release everything (also when the merge stops early). */
  close(): Promise<void>;
}

/** Opens `path`; problems (missing, unreadable, a directory) go to `log` as fatal, then null. */
export async function openChunks(path: string, log: ProblemLog, chunkSize: number, spool: boolean): Promise<ChunkSource | null> {
  let fd: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return fail(log, "is a directory");
    fd = await new Promise<number>((resolve, reject) => fsOpen(path, "r", (e, f) => (e ? reject(e) : resolve(f))));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      log.fatal("not_found", "no such file", 0);
      return null;
    }
    return fail(log, describe(e));
  }
  const head = Buffer.allocUnsafe(2);
  let n = 0;
  try {
    n = await readAt(fd, head, 0);
  } catch (e) {
    closeSync(fd);
    return fail(log, describe(e));
  }
  if (n === 2 && head[0] === 0x1f && head[1] === 0x8b) return new GzipChunks(path, fd, log, chunkSize, spool);
  return new PlainChunks(fd, log, chunkSize);
}

class PlainChunks implements ChunkSource {
  readonly gzip = false;
  offset = 0;
  private readonly bufs: Buffer[];
  private cur = 0;
  private pending: Promise<number> | null = null;
  private ended = false;

  constructor(
    private fd: number,
    private readonly log: ProblemLog,
    size: number,
  ) {
    this.bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
    this.pending = readAt(fd, this.bufs[0]!, 0);
  }

  async next(): Promise<Uint8Array | null> {
    if (this.ended || this.pending === null) return null;
    let got: number;
    try {
      got = await this.pending;
    } catch (e) {
      this.log.fatal("unreadable", `read error: ${describe(e)}`, this.offset);
      this.ended = true;
      return null;
    }
    if (got === 0) {
      this.ended = true;
      this.pending = null;
      return null;
    }
    const chunk = this.bufs[this.cur]!.subarray(0, got);
    this.offset += got;
    // Read ahead into the other buffer: the caller is done with it (it asked for the next chunk).
    this.cur ^= 1;
    this.pending = readAt(this.fd, this.bufs[this.cur]!, this.offset);
    return chunk;
  }

  async finish(): Promise<PacketBytes | null> {
    await this.close();
    return null;
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    await this.pending?.catch(() => 0);
    this.pending = null;
    closeSync(this.fd);
    this.fd = -1;
  }
}

class GzipChunks implements ChunkSource {
  readonly gzip = true;
  offset = 0;
  private members: AsyncGenerator<Uint8Array, GzipEnd> | null = null;
  private readonly spool: Spool | null;
  private ended = false;
  private stream: ReturnType<typeof createReadStream>;

  constructor(
    path: string,
    fd: number,
    private readonly log: ProblemLog,
    size: number,
    spool: boolean,
  ) {
    this.stream = createReadStream(path, { fd, start: 0, highWaterMark: size, autoClose: true });
    this.spool = spool ? new Spool() : null;
    this.members = gunzipMembers(new Uint8Array(0), this.stream[Symbol.asyncIterator](), Math.min(size, 256 * 1024));
  }

  async next(): Promise<Uint8Array | null> {
    if (this.ended || this.members === null) return null;
    try {
      const r = await this.members.next();
      if (r.done) {
        this.ended = true;
        if (r.value.kind === "trailing") {
          const at = r.value.offset;
          this.log.warn("gzip_trailing", () => `data after the end of the gzip stream (compressed offset ${at}) ignored, as gzip -d does`, this.offset);
        }
        return null;
      }
      const wait = this.spool?.write(r.value) ?? null;
      if (wait !== null) await wait;
      this.offset += r.value.length;
      return r.value;
    } catch (e) {
      this.ended = true;
      if (e instanceof GzipError) this.log.fatal("gzip_error", `gzip stream broken after ${this.offset} decompressed bytes: ${e.message}`, this.offset);
      else this.log.fatal("unreadable", `read error: ${describe(e)}`, this.offset);
      return null;
    }
  }

  async finish(keep: boolean): Promise<PacketBytes | null> {
    await this.stop();
    if (this.spool === null) return null;
    if (!keep) {
      await this.spool.discard();
      return null;
    }
    await this.spool.flush();
    return this.spool.toPacketBytes();
  }

  private async stop(): Promise<void> {
    if (this.members !== null) {
      await this.members.return({ kind: "end" }).catch(() => undefined);
      this.members = null;
    }
    this.stream.destroy();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.spool?.discard();
  }
}

function fail(log: ProblemLog, message: string): null {
  log.fatal("unreadable", message, 0);
  return null;
}

function readAt(fd: number, buf: Buffer, pos: number): Promise<number> {
  return new Promise((resolve, reject) => fsRead(fd, buf, 0, buf.length, pos, (err, n) => (err ? reject(err) : resolve(n))));
}

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  if (err.code === "EISDIR") return "is a directory";
  return String(err.message ?? e);
}
