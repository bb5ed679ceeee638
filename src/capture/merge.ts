/**
 * Several capture files read as one capture, in one pass: a k-way merge of the files' readers by
 * packet timestamp, as `mergecap` (without -a) does. Packets are numbered 1..N over the merged
 * capture, the numbers mergecap's output file would give them. Packet bytes stay in the files:
 * a frame's `fileOffset` is a merged address, file index * FILE_STRIDE + offset within that
 * file's (decompressed) stream, and MergedBytes reads it back from the right file.
 *
 * Rotation sets. Files whose names differ only in their numbers (tcpdump -C/-W/-G: cap.pcap,
 * cap.pcap1...; cap00...cap19; cap-0300.pcap...) are taken as one capture cut in pieces: they are
 * read one after the other, in name order from the file with the earliest first packet (a -W ring
 * wraps around: see buildChains), so a packet written before a cut stays before it even where the
 * capture's own timestamps step back a little (capture queues on several CPUs do that).
 * The name alone could also pair two hosts' captures (broker1.pcap, broker2.pcap): the next file
 * of a set joins the merge early, by time, as soon as the merge is more than OVERLAP_SLACK past its
 * first packet, and that is reported (files_overlap). Packets of the same time go in mergecap's
 * order: the file named later first.
 */

import { basename } from "node:path";
import { ReusedFrame, type FrameSink } from "./record-framer.js";
import { openChunks, type ChunkSource } from "./file-chunks.js";
import { PacketBytes } from "./packet-bytes.js";
import { CaptureParser } from "./parser.js";
import { ProblemLog } from "./problems.js";
import { byNameThenNumber, rotationKey } from "./sources.js";
import type { CaptureFormat, CaptureProblem, CaptureSummary, Frame, InterfaceInfo } from "./types.js";

/** Address space of one file in a merged capture: 1 TiB, so 8192 files fit in a double's 53 bits. */
export const FILE_STRIDE = 2 ** 40;
export const MAX_MERGED_FILES = 8192;
/** How far a rotation set's files may step back in time at a cut and still be read in sequence. */
export const OVERLAP_SLACK_US = 1_000_000;
/** Read size while probing a file for its first packet. */
const PROBE_CHUNK = 64 * 1024;
/** Read buffers of all the files being merged at once share about this much. */
const READ_BUDGET = 32 * 1024 * 1024;

/** One file of a merged capture, as the summary lists it. */
export interface CapturePart {
  file: string;
  /** The rotation set it was read in (files sharing it were read one after the other). */
  set: string;
  summary: CaptureSummary;
  /** First and last packet time of the file (µs), null without packets. */
  firstUs: number | null;
  lastUs: number | null;
  /** Merged packet numbers of the file's first and last packets (0 without packets). */
  firstPacket: number;
  lastPacket: number;
}

export interface MergedRead {
  summary: CaptureSummary;
  parts: CapturePart[];
  /** Packet bytes by merged address; the caller closes it. */
  bytes: MergedBytes;
}

export interface MergeOptions {
  /** Spool gzip members so their packet bytes can be read back (default true). */
  spool?: boolean;
  /** Read size per file (default: 32 MiB shared by the files read at once, 64 KiB..1 MiB each). */
  chunkSize?: number;
}

/** A frame waiting in a file's queue: the frame's fields, its bytes where the chunk holds them. */
interface Slot extends Omit<Frame, "data"> {
  buf: Uint8Array;
  start: number;
}

/** One file being read: its parser fills a queue with the frames of the current chunk. */
class FileCursor {
  readonly log: ProblemLog;
  readonly parser: CaptureParser;
  private readonly slots: Slot[] = [];
  private head = 0;
  private len = 0;
  private src: ChunkSource | null = null;
  private ended = false;
  /** Memory of the chunk being parsed: frames outside it are in the parser's carry-over buffer. */
  private chunkMemory: ArrayBufferLike | null = null;
  /** Local interface id -> merged interface id. */
  readonly ifMap: number[] = [];
  firstUs: number | null = null;
  lastUs: number | null = null;
  firstPacket = 0;
  lastPacket = 0;

  constructor(
    readonly index: number,
    readonly path: string,
  ) {
    this.log = new ProblemLog(path);
    this.parser = new CaptureParser(path, (f) => this.take(f as ReusedFrame), this.log);
  }

  async open(chunkSize: number, spool: boolean): Promise<void> {
    this.src = await openChunks(this.path, this.log, chunkSize, spool);
    if (this.src === null) this.ended = true;
  }

  private take(f: ReusedFrame): void {
    let s = this.slots[this.len];
    if (s === undefined) {
      s = { number: 0, tsSec: 0, tsNsec: 0, capLen: 0, origLen: 0, linkType: 0, interfaceId: 0, fileOffset: 0, buf: f.buf, start: 0 };
      this.slots.push(s);
    }
    s.number = f.number;
    s.tsSec = f.tsSec;
    s.tsNsec = f.tsNsec;
    s.capLen = f.capLen;
    s.origLen = f.origLen;
    s.linkType = f.linkType;
    s.interfaceId = f.interfaceId;
    s.fileOffset = f.fileOffset;
    if (f.buf.buffer === this.chunkMemory) {
      s.buf = f.buf;
      s.start = f.start;
    } else {
      // A record that straddled two chunks was assembled in the parser's carry-over buffer, which
      // the same push() may reuse for the next chunk's tail before this frame is merged: keep a copy
      // (one record per chunk at most).
      s.buf = f.data.slice();
      s.start = 0;
    }
    this.len++;
  }

  /** Makes sure a frame is at the head; false once the file has no more. */
  async fill(): Promise<boolean> {
    while (this.head === this.len) {
      if (this.ended) return false;
      this.head = this.len = 0;
      const chunk = this.parser.stopped ? null : await this.src!.next();
      if (chunk === null) {
        this.ended = true;
        return false;
      }
      this.chunkMemory = chunk.buffer;
      this.parser.push(chunk);
    }
    return true;
  }

  get top(): Slot {
    return this.slots[this.head]!;
  }

  /** A frame is queued: no need to await fill() (an await per packet costs more than the merge). */
  get ready(): boolean {
    return this.head < this.len;
  }

  shift(): void {
    this.head++;
  }

  /** Ends the read: the summary, and the spool of a gzip file when its bytes are wanted. */
  async finish(keepBytes: boolean): Promise<{ summary: CaptureSummary; bytes: PacketBytes | null }> {
    const summary = this.parser.end();
    if (this.src !== null && this.src.gzip) summary.gzip = true;
    const bytes = this.src !== null ? await this.src.finish(keepBytes && summary.frames > 0) : null;
    this.src = null;
    return { summary, bytes };
  }

  async close(): Promise<void> {
    await this.src?.close();
    this.src = null;
  }
}

/** A rotation set: its files in reading order, and how many are being read now. */
interface Chain {
  files: number[];
  next: number;
  active: number;
}

/**
 * a before b: earlier time; on a tie the file named later, as mergecap does (its scan keeps the
 * last file whose packet is not later than the earliest so far: checked with mergecap 4.0).
 */
function earlier(a: FileCursor, b: FileCursor): boolean {
  const x = a.top;
  const y = b.top;
  if (x.tsSec !== y.tsSec) return x.tsSec < y.tsSec;
  if (x.tsNsec !== y.tsNsec) return x.tsNsec < y.tsNsec;
  return a.index > b.index;
}

/** Min-heap of the cursors being read, by their head frame. */
class CursorHeap {
  readonly items: FileCursor[] = [];

  push(c: FileCursor): void {
    const a = this.items;
    a.push(c);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  /** The top's head changed (or it was replaced): restore the order. */
  down(i = 0): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) return;
      const r = l + 1;
      const m = r < a.length && earlier(a[r]!, a[l]!) ? r : l;
      if (!earlier(a[m]!, a[i]!)) return;
      [a[i], a[m]] = [a[m]!, a[i]!];
      i = m;
    }
  }

  pop(): void {
    const a = this.items;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      this.down(0);
    }
  }
}

const tsUs = (s: Slot) => s.tsSec * 1e6 + s.tsNsec / 1000;

/**
 * Reads `paths` (2 or more; MAX_MERGED_FILES at most) as one capture, calling `onFrame` for every
 * packet in merged order. The Frame is one reused object whose `data` views a read buffer: valid
 * during the callback only. Never throws for bad input: each file's problems are in the merged
 * summary's problems (a fatal one stops that file only). Throws what `onFrame` throws.
 */
export async function readMerged(paths: readonly string[], onFrame: FrameSink, opts: MergeOptions = {}): Promise<MergedRead> {
  if (paths.length > MAX_MERGED_FILES) throw new RangeError(`at most ${MAX_MERGED_FILES} files can be merged`);
  const spool = opts.spool ?? true;
  const firsts = await probeFirstPackets(paths);
  const chains = buildChains(paths, firsts);
  const chunk = opts.chunkSize ?? Math.max(64 * 1024, Math.min(1024 * 1024, Math.floor(READ_BUDGET / 2 / chains.length)));
  const cursors: Array<FileCursor | null> = paths.map(() => null);
  const done: Array<(Omit<CapturePart, "file" | "set"> & { bytes: PacketBytes | null }) | null> = paths.map(() => null);
  const chainOf = new Map<number, Chain>();
  for (const c of chains) for (const f of c.files) chainOf.set(f, c);
  const heap = new CursorHeap();
  const interfaces: InterfaceInfo[] = [];
  const notes: CaptureProblem[] = [];
  const out = new ReusedFrame();
  let number = 0;

  const retire = async (c: FileCursor): Promise<void> => {
    const { summary, bytes } = await c.finish(true);
    done[c.index] = { summary, bytes, firstUs: c.firstUs, lastUs: c.lastUs, firstPacket: c.firstPacket, lastPacket: c.lastPacket };
    cursors[c.index] = null;
  };
  /** Starts reading the chain's next file that has a packet; false when none is left. */
  const activate = async (chain: Chain): Promise<boolean> => {
    while (chain.next < chain.files.length) {
      const index = chain.files[chain.next++]!;
      const c = new FileCursor(index, paths[index]!);
      cursors[c.index] = c;
      await c.open(chunk, spool);
      if (await c.fill()) {
        chain.active++;
        heap.push(c);
        return true;
      }
      await retire(c);
    }
    return false;
  };
  /** Earliest time (µs) at which a waiting file of a set must join the merge regardless. */
  const joinAt = (): number => {
    let t = Infinity;
    for (const ch of chains) {
      if (ch.active === 0 || ch.next >= ch.files.length) continue;
      const f = firsts[ch.files[ch.next]!];
      if (f !== null && f !== undefined) t = Math.min(t, f + OVERLAP_SLACK_US);
    }
    return t;
  };

  try {
    for (const ch of chains) await activate(ch);
    let deadline = joinAt();
    while (heap.items.length > 0) {
      const c = heap.items[0]!;
      const s = c.top;
      if (tsUs(s) > deadline) {
        // A file named as the next of a set starts before the set's current file ended.
        const late = chains.find((x) => x.active > 0 && x.next < x.files.length && (firsts[x.files[x.next]!] ?? Infinity) + OVERLAP_SLACK_US < tsUs(s))!;
        const prev = late.files[late.next - 1]!;
        const joining = late.files[late.next]!;
        notes.push({
          code: "files_overlap",
          file: paths[joining]!,
          offset: 0,
          fatal: false,
          message: `overlaps ${paths[prev]!} in time although named as the next file of its rotation set: merged with it by time, as mergecap does (packets before ${number + 1} read the set in sequence)`,
        });
        await activate(late);
        deadline = joinAt();
        continue;
      }
      number++;
      if (c.firstPacket === 0) {
        c.firstPacket = number;
        c.firstUs = tsUs(s);
      }
      c.lastPacket = number;
      c.lastUs = tsUs(s);
      let gid = c.ifMap[s.interfaceId];
      if (gid === undefined) {
        gid = interfaces.length;
        const local = c.parser.summary.interfaces[s.interfaceId];
        interfaces.push({ ...(local ?? { linkType: s.linkType, snapLen: 0 }), id: gid });
        c.ifMap[s.interfaceId] = gid;
      }
      out.number = number;
      out.tsSec = s.tsSec;
      out.tsNsec = s.tsNsec;
      out.origLen = s.origLen;
      out.linkType = s.linkType;
      out.interfaceId = gid;
      out.fileOffset = c.index * FILE_STRIDE + s.fileOffset;
      out.setBytes(s.buf, s.start, s.capLen);
      onFrame(out);
      c.shift();
      if (c.ready || (await c.fill())) {
        heap.down(0);
        continue;
      }
      heap.pop();
      await retire(c);
      const ch = chainOf.get(c.index)!;
      ch.active--;
      if (ch.active === 0) await activate(ch);
      deadline = joinAt();
    }
  } finally {
    for (const c of cursors) await c?.close();
  }
  // Every file was read: a set's files are activated in turn until none is left.
  const parts: CapturePart[] = paths.map((file, i) => {
    const { bytes: _bytes, ...d } = done[i]!;
    return { file, set: rotationKey(file), ...d };
  });
  const summary = mergeSummaries(parts, interfaces, number, notes);
  return { summary, parts, bytes: new MergedBytes(paths, done.map((d) => d!.bytes)) };
}

/**
 * The first packet's time of every file (µs), null for a file without one (or unreadable: its
 * problem is found again, and reported, when the merge reads it). One small read per file.
 */
async function probeFirstPackets(paths: readonly string[]): Promise<Array<number | null>> {
  const firsts: Array<number | null> = [];
  for (let i = 0; i < paths.length; i++) {
    const c = new FileCursor(i, paths[i]!);
    try {
      await c.open(PROBE_CHUNK, false);
      firsts.push((await c.fill()) ? tsUs(c.top) : null);
    } finally {
      await c.close();
    }
  }
  return firsts;
}

/**
 * Files grouped by rotation set. Within a set, files go in name order (numbers as numbers:
 * cap.pcap, cap.pcap1, ..., cap.pcap10), turned round to start at the file whose first packet is
 * earliest: a tcpdump -W ring reuses its names (cap07 may be older than cap00), and -G names wrap
 * at midnight, but both are still their names' order from the oldest on. Sorting by first packet
 * alone would also reorder files whose first packets step back in time a little (capture queues
 * on several CPUs timestamp out of order), which is the order tcpdump did not write them in.
 */
function buildChains(paths: readonly string[], firsts: ReadonlyArray<number | null>): Chain[] {
  const byKey = new Map<string, number[]>();
  paths.forEach((p, i) => {
    const key = rotationKey(p);
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  return [...byKey.values()].map((files) => {
    files.sort((a, b) => byNameThenNumber(basename(paths[a]!), basename(paths[b]!)) || a - b);
    let oldest = -1;
    files.forEach((f, at) => {
      const t = firsts[f];
      if (t !== null && t !== undefined && (oldest < 0 || t < firsts[files[oldest]!]!)) oldest = at;
    });
    const ordered = oldest > 0 ? [...files.slice(oldest), ...files.slice(0, oldest)] : files;
    return { files: ordered, next: 0, active: 0 };
  });
}

function mergeSummaries(parts: readonly CapturePart[], interfaces: InterfaceInfo[], frames: number, notes: CaptureProblem[]): CaptureSummary {
  const formats = new Set(parts.map((p) => p.summary.format).filter((f): f is CaptureFormat => f !== null));
  return {
    format: formats.size === 1 ? [...formats][0]! : formats.has("pcapng") ? "pcapng" : ([...formats][0] ?? null),
    gzip: parts.some((p) => p.summary.gzip),
    frames,
    interfaces,
    bytes: parts.reduce((n, p) => n + p.summary.bytes, 0),
    problems: [...notes, ...parts.flatMap((p) => p.summary.problems)],
  };
}

/**
 * Packet bytes of a merged capture by merged address. Plain files are opened again on demand
 * (at most OPEN_FILES at a time, least recently used closed first) so a set of thousands of files
 * does not hold thousands of descriptors; gzip files read back from their spools.
 */
export class MergedBytes {
  private readonly open = new Map<number, PacketBytes>();
  private closed = false;

  constructor(
    private readonly paths: readonly string[],
    private readonly spools: ReadonlyArray<PacketBytes | null>,
  ) {}

  /** The file a merged address is in, and the offset within it. */
  static locate(address: number): { file: number; offset: number } {
    const file = Math.floor(address / FILE_STRIDE);
    return { file, offset: address - file * FILE_STRIDE };
  }

  view(address: number, length: number): Uint8Array {
    if (this.closed) throw new Error("MergedBytes is closed");
    const { file, offset } = MergedBytes.locate(address);
    return this.source(file).view(offset, length);
  }

  private source(file: number): PacketBytes {
    const spooled = this.spools[file];
    if (spooled) return spooled;
    let pb = this.open.get(file);
    if (pb !== undefined) {
      // Most recently used last.
      this.open.delete(file);
      this.open.set(file, pb);
      return pb;
    }
    const path = this.paths[file];
    if (path === undefined) throw new RangeError(`no file ${file} in this capture`);
    pb = PacketBytes.openFile(path);
    this.open.set(file, pb);
    if (this.open.size > OPEN_FILES) {
      const [oldest, old] = this.open.entries().next().value as [number, PacketBytes];
      old.close();
      this.open.delete(oldest);
    }
    return pb;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pb of this.open.values()) pb.close();
    this.open.clear();
    for (const s of this.spools) s?.close();
  }
}

/** Plain files kept open for reading packet bytes back. */
const OPEN_FILES = 64;

export type { Frame };
