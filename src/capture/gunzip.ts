/**
 * gzip decompression member by member, as `gzip -d` does it (RFC 1952): members one after
 * another, zero bytes after the last one ignored (padded transfers, tape blocks), any other data
 * after it reported and ignored, never a reason to lose what came before. Node's Gunzip cannot do
 * the last part: it tries the trailing data as another member and discards the output of the
 * whole write in which it fails. Each member's header is read here, its deflate data goes to an
 * InflateRaw, and where the data ended is read from what the inflater consumed (bytesWritten).
 */

import { createInflateRaw } from "node:zlib";

/** A problem with the gzip data itself (the caller reports it with the offset). */
export class GzipError extends Error {
  constructor(
    message: string,
    /** Offset in the compressed input. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** What followed the last member. */
export type GzipEnd = { kind: "end" } | { kind: "padding"; bytes: number } | { kind: "trailing"; offset: number };

const MAX_HEADER = 64 * 1024;
/** Compressed bytes given to the inflater at a time: bounds what one write can produce (deflate expands at most ~1032x). */
const SLICE = 64 * 1024;

/** The compressed input as a queue of chunks read on demand. */
class InputQueue {
  private chunks: Uint8Array[] = [];
  private length = 0;
  /** Bytes consumed so far (offset of the queue's first byte in the input). */
  offset = 0;
  private eof = false;

  constructor(
    first: Uint8Array,
    private readonly rest: AsyncIterator<Uint8Array> | null,
  ) {
    if (first.length > 0) this.put(first);
    if (rest === null) this.eof = true;
  }

  private put(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  /** Reads until `n` bytes are queued; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.eof) {
      const r = await this.rest!.next();
      if (r.done) this.eof = true;
      else if (r.value.length > 0) this.put(r.value);
    }
    return this.length >= n;
  }

  byte(i: number): number {
    for (const c of this.chunks) {
      if (i < c.length) return c[i]!;
      i -= c.length;
    }
    return -1;
  }

  /** Consumes `n` queued bytes. */
  skip(n: number): void {
    this.offset += n;
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[0]!;
      if (c.length <= n) {
        n -= c.length;
        this.chunks.shift();
      } else {
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }

  /** Up to `max` bytes (at least one), or null at the end of the input. */
  async take(max: number): Promise<Uint8Array | null> {
    if (!(await this.fill(1))) return null;
    const c = this.chunks[0]!;
    const piece = c.length <= max ? c : c.subarray(0, max);
    this.skip(piece.length);
    return piece;
  }

  /** Bytes are queued: the next take() needs no read. */
  buffered(): boolean {
    return this.length > 0;
  }

  /** Puts bytes read too far back at the front. */
  unshift(b: Uint8Array): void {
    if (b.length === 0) return;
    this.chunks.unshift(b);
    this.length += b.length;
    this.offset -= b.length;
  }
}

/** Reads one member header (after the magic was checked); throws GzipError when it is malformed. */
async function skipHeader(q: InputQueue): Promise<void> {
  const at = q.offset;
  if (!(await q.fill(10))) throw new GzipError("gzip member header cut short", at);
  if (q.byte(2) !== 8) throw new GzipError(`unknown gzip compression method ${q.byte(2)}`, at);
  const flags = q.byte(3);
  let n = 10;
  if (flags & 4) {
    if (!(await q.fill(n + 2))) throw new GzipError("gzip member header cut short", at);
    n += 2 + (q.byte(n) | (q.byte(n + 1) << 8));
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    // A zero-terminated name or comment.
    for (;;) {
      if (n >= MAX_HEADER) throw new GzipError("gzip member header longer than 64 KiB", at);
      if (!(await q.fill(n + 1))) throw new GzipError("gzip member header cut short", at);
      if (q.byte(n++) === 0) break;
    }
  }
  if (flags & 2) n += 2;
  if (!(await q.fill(n))) throw new GzipError("gzip member header cut short", at);
  q.skip(n);
}

/**
 * Decompressed chunks of every member, in order; returns what followed the last member. Throws
 * GzipError for malformed or cut data (after yielding everything decoded before it).
 */
export async function* gunzipMembers(first: Uint8Array, rest: AsyncIterator<Uint8Array> | null, chunkSize: number): AsyncGenerator<Uint8Array, GzipEnd> {
  const q = new InputQueue(first, rest);
  let members = 0;
  for (;;) {
    if (!(await q.fill(1))) return { kind: "end" };
    const magic = (await q.fill(2)) && q.byte(0) === 0x1f && q.byte(1) === 0x8b;
    if (!magic) {
      if (members === 0) throw new GzipError("not gzip data", q.offset);
      const at = q.offset;
      // Zero padding to the end is what tape and padded transfers add; anything else is garbage.
      let padding = 0;
      for (let piece = await q.take(SLICE); piece !== null; piece = await q.take(SLICE)) {
        if (piece.some((b) => b !== 0)) return { kind: "trailing", offset: at };
        padding += piece.length;
      }
      return { kind: "padding", bytes: padding };
    }
    await skipHeader(q);
    yield* inflateMember(q, chunkSize);
    if (!(await q.fill(8))) throw new GzipError("gzip member cut short before its trailer", q.offset);
    q.skip(8); // CRC-32 and size: the inflater has already checked the data's structure
    members++;
  }
}

/**
 * One member's deflate data. While the caller works on one write's output, the inflater (on the
 * thread pool) already works on the next piece: the next piece is written only once the previous
 * write showed the data had not ended yet.
 */
async function* inflateMember(q: InputQueue, chunkSize: number): AsyncGenerator<Uint8Array> {
  const inflate = createInflateRaw({ chunkSize: Math.max(64, chunkSize) }); // zlib's smallest
  const out: Buffer[] = [];
  let error: Error | null = null;
  inflate.on("data", (d: Buffer) => out.push(d));
  inflate.on("error", (e: Error) => (error = e));
  const start = q.offset;
  let fed = 0;
  // The write's callback, or its error (after which the callback never comes).
  const write = (piece: Uint8Array): Promise<void> =>
    new Promise<void>((resolve) => {
      const failed = () => resolve();
      inflate.once("error", failed);
      inflate.write(piece, () => {
        inflate.off("error", failed);
        resolve();
      });
    });
  const next = async (): Promise<{ piece: Uint8Array; done: Promise<void> }> => {
    const piece = await q.take(SLICE);
    if (piece === null) throw new GzipError("gzip data cut short (unexpected end of file)", q.offset);
    fed += piece.length;
    return { piece, done: write(piece) };
  };
  try {
    let current = await next();
    for (;;) {
      await current.done;
      if (error) throw new GzipError(`gzip data broken: ${(error as Error).message}`, start + inflate.bytesWritten);
      const ready = out.splice(0);
      // The deflate data ended inside this piece: give back what followed it.
      const consumed = inflate.bytesWritten;
      if (consumed < fed) {
        q.unshift(current.piece.subarray(current.piece.length - (fed - consumed)));
        for (const d of ready) yield d;
        return;
      }
      if (!q.buffered()) {
        // The next piece is not read yet (a live stream may not have written it): hand on what
        // is decoded first, so frames never wait for input that has not come.
        for (const d of ready) yield d;
        current = await next();
        continue;
      }
      current = await next();
      for (const d of ready) yield d;
    }
  } finally {
    inflate.destroy();
  }
}
