/**
 * Where `kdiag watch` (and `analyze -i`) reads from: a live capture child, standard input or a
 * file, as one byte stream the analysis pass reads while it is written, plus a way to read packet
 * bytes back *during* the pass (the rules read a RST's TTL from its bytes while the capture still
 * runs). The pass's own spool writes asynchronously and is readable only at its end, so this
 * module keeps the stream itself: every chunk is written (synchronously) to a file before the
 * parser sees it — the -w FILE when given, else an unlinked temp file — and read back from there.
 */

import { createReadStream, mkdtempSync, openSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGunzip } from "node:zlib";
import { PacketBytes } from "../capture/packet-bytes.js";
import { PcapToPcapng } from "../capture/pcap-to-pcapng.js";

/** The file the stream is kept in, appended synchronously, readable at once through `bytes`. */
export class StreamKeeper {
  private readonly fd: number;
  private size = 0;
  readonly bytes: PacketBytes;

  /** `path`: keep the stream there (-w FILE); none: an unlinked temp file, gone when kdiag exits. */
  constructor(path?: string) {
    if (path !== undefined) {
      this.fd = openSync(path, "w+", 0o644);
    } else {
      const dir = mkdtempSync(join(tmpdir(), "kdiag-live-"));
      const p = join(dir, "stream");
      this.fd = openSync(p, "wx+", 0o600);
      unlinkSync(p);
      rmdirSync(dir);
    }
    // PacketBytes owns the descriptor from here (it closes it); reads are positional.
    this.bytes = PacketBytes.fromFd(this.fd);
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off, this.size + off);
    this.size += chunk.length;
  }

  get written(): number {
    return this.size;
  }
}

/** Passes a stream through, writing each chunk to `keeper` first; stops early when `stop()` says so. */
export async function* keep(input: AsyncIterable<Uint8Array>, keeper: StreamKeeper | null, stop: () => boolean): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    keeper?.write(chunk);
    yield chunk;
    if (stop()) return;
  }
}

/**
 * A live capture stream as pcapng, whatever the tool wrote (tcpdump: classic pcap, converted;
 * dumpcap: pcapng, unchanged), so that what -w keeps is pcapng. The conversion sits here, before
 * the keeper *and* the parser, rather than as a second copy written beside the kept stream: the
 * parser then reads the very bytes the keeper wrote, so the packet offsets it records
 * (fileOffset) point into the kept pcapng file as they are, with no offset mapping between a
 * pcap the analysis read and a pcapng the user keeps, and one file on disk instead of two. The
 * price is one memory copy of each packet, and the analysis reads pcapng (which it reads as
 * fully as pcap). `onProblem` hears, once, why bytes were dropped (a record cut short at the
 * end, an impossible record length).
 */
export async function* asPcapng(input: AsyncIterable<Uint8Array>, opts: { ifName?: string; onProblem: (message: string) => void }): AsyncGenerator<Uint8Array> {
  const conv = new PcapToPcapng({ userAppl: "kdiag", ...(opts.ifName !== undefined ? { ifName: opts.ifName } : {}) });
  let said = false;
  const say = () => {
    if (conv.problem !== null && !said) {
      said = true;
      opts.onProblem(conv.problem);
    }
  };
  for await (const chunk of input) {
    const out = conv.push(chunk);
    say();
    if (out.length > 0) yield out;
  }
  const rest = conv.end();
  say();
  if (rest.length > 0) yield rest;
}

/**
 * gzip is undone here, before the keeper, so that packet offsets are offsets into the kept file
 * (Node's gunzip reads concatenated members, as gzip -d does).
 */
export async function* gunzipIfNeeded(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < 2) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    head.push(r.value);
    have += r.value.length;
  }
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    for (const h of head) yield h;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  };
  const first = head[0];
  const gz = first !== undefined && (first.length >= 2 ? first[0] === 0x1f && first[1] === 0x8b : have >= 2 && first[0] === 0x1f && head[1]![0] === 0x8b);
  if (!gz) {
    yield* rest();
    return;
  }
  const gunzip = createGunzip();
  const src = rest();
  // Feed the decompressor in the background, respecting its back-pressure.
  void (async () => {
    try {
      for await (const c of src) {
        if (!gunzip.write(c)) await new Promise((r) => gunzip.once("drain", r));
      }
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  for await (const c of gunzip) yield c as Uint8Array;
}

/** A file (plain or gzip) or "-" (standard input) as a byte stream; a missing file is said by the caller's pass. */
export async function fileStream(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<AsyncIterable<Uint8Array> | { error: string }> {
  if (path === "-") return stdin as AsyncIterable<Uint8Array>;
  try {
    const st = await stat(path);
    if (st.isDirectory()) return { error: `${path}: is a directory` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: `${path}: ${code === "ENOENT" || code === "ENOTDIR" ? "no such file" : code === "EACCES" ? "permission denied" : String((e as Error).message)}` };
  }
  const s = createReadStream(path, { highWaterMark: 1024 * 1024 });
  // An open error (permission) surfaces on the first read; say it as a line, not a stack.
  return s as AsyncIterable<Uint8Array>;
}
