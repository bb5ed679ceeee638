/**
 * The keyboard as whole keys. blessed parses each chunk read from the terminal on its own, so
 *  - a key sequence split across reads (a burst of PgDn over SSH: `\x1b[6` then `~`) becomes
 *    other keys (Alt-[, then `6`: the hex pane), and
 *  - Esc followed quickly by a key (`\x1b2` in one read) becomes Alt-2, not Esc then 2.
 * This sits between the terminal and blessed and hands blessed one chunk per complete sequence:
 * a sequence is held until its last byte arrives, and a lone Esc is passed on when nothing follows
 * it within ESC_DELAY_MS. Esc followed by anything that cannot start a sequence is Esc, then that
 * key (the TUI binds no Alt keys, so nothing is lost).
 */

import { EventEmitter } from "node:events";

/** How long a lone Esc waits for the rest of a sequence; a terminal sends one in a single write. */
export const ESC_DELAY_MS = 40;

/** How long a sequence started (`ESC [ 6`) waits for its last byte. */
export const SEQUENCE_DELAY_MS = 300;

const ESC = 0x1b;

/**
 * The key or sequence at the start of `buf` (buf[0] is ESC): its length, and `drop` when it is
 * the start of a sequence whose end never came (not a key); null when it may still be incomplete.
 * `final`: no more bytes are coming (the wait ran out), so decide now.
 */
type Scan = { length: number; drop?: true } | null;

function scanEscape(buf: Buffer, final: boolean): Scan {
  if (buf.length === 1) return final ? { length: 1 } : null;
  const second = buf[1]!;
  if (second === 0x5b /* [ */) return scanCsi(buf, final);
  if (second === 0x4f /* O */) {
    // SS3: `ESC O` [digits ;] and one byte (`\x1bOA` up in application mode, `\x1bOH` home).
    let i = 2;
    while (i < buf.length && isParam(buf[i]!)) i++;
    if (i < buf.length) return { length: i + 1 };
    return cutShort(i, final);
  }
  // ESC then anything else (a digit, a letter, another ESC): Esc alone, the rest is its own key.
  return { length: 1 };
}

function scanCsi(buf: Buffer, final: boolean): Scan {
  // The Linux console's F1-F5: `ESC [ [ A`.
  if (buf.length >= 3 && buf[2] === 0x5b) return buf.length >= 4 ? { length: 4 } : cutShort(3, final);
  // X10 mouse report: `ESC [ M` and three raw bytes (button, column, row).
  if (buf.length >= 3 && buf[2] === 0x4d /* M */) return buf.length >= 6 ? { length: 6 } : cutShort(buf.length, final);
  let i = 2;
  while (i < buf.length && (isParam(buf[i]!) || isIntermediate(buf[i]!))) {
    // rxvt ends modified keys with `$` (an intermediate byte elsewhere): `ESC [ 2 $`.
    if (buf[i] === 0x24 && i > 2) return { length: i + 1 };
    i++;
  }
  if (i < buf.length) return { length: i + 1 };
  return cutShort(i, final);
}

/**
 * A sequence of `have` bytes still waiting for its end. Once the wait is over, `ESC [` or `ESC O`
 * alone is Esc then that key typed quickly; anything longer is a key cut short: dropped, so that
 * its digits are not read as pane keys.
 */
function cutShort(have: number, final: boolean): Scan {
  if (!final) return null;
  return have === 2 ? { length: 1 } : { length: have, drop: true };
}

/** CSI parameter bytes: digits, `;`, `:`, `<`, `=`, `>`, `?`. */
const isParam = (b: number) => b >= 0x30 && b <= 0x3f;
/** CSI intermediate bytes (space to `/`). */
const isIntermediate = (b: number) => b >= 0x20 && b <= 0x2f;

/**
 * Bytes of the UTF-8 character at `buf[at]`: 1 for ASCII and stray bytes, fewer than its lead
 * byte says when it is malformed, null when `buf` ends inside it.
 */
function charLength(buf: Buffer, at: number): number | null {
  const b = buf[at]!;
  const n = b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 1;
  for (let k = 1; k < n; k++) {
    if (at + k >= buf.length) return null;
    if ((buf[at + k]! & 0xc0) !== 0x80) return k;
  }
  return n;
}

/**
 * Splits `buf` into keys: each escape sequence a token of its own, other text in runs (never
 * cutting a UTF-8 character). Returns the tokens and the bytes left over: an incomplete sequence
 * or character, to be completed by the next read (none when `final`).
 */
export function splitKeys(buf: Buffer, final: boolean): { tokens: Buffer[]; rest: Buffer } {
  const tokens: Buffer[] = [];
  let i = 0;
  while (i < buf.length) {
    if (buf[i] === ESC) {
      const scan = scanEscape(buf.subarray(i), final);
      if (!scan) return { tokens, rest: buf.subarray(i) };
      if (!scan.drop) tokens.push(buf.subarray(i, i + scan.length));
      i += scan.length;
      continue;
    }
    let j = i;
    while (j < buf.length && buf[j] !== ESC) {
      const n = charLength(buf, j);
      if (n === null) {
        // A character split across reads waits for its last bytes (blessed would see two keys).
        if (final) {
          j = buf.length;
          break;
        }
        if (j > i) tokens.push(buf.subarray(i, j));
        return { tokens, rest: buf.subarray(j) };
      }
      j += n;
    }
    tokens.push(buf.subarray(i, j));
    i = j;
  }
  return { tokens, rest: Buffer.alloc(0) };
}

/** The parts of a TTY input stream blessed uses. */
interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?: (mode: boolean) => unknown;
  destroyed?: boolean;
}

/**
 * An input stream for blessed in front of the terminal's: each 'data' event is one complete key
 * sequence, or a run of text. Raw mode, pause and resume go to the terminal's stream.
 */
export class KeyInput extends EventEmitter {
  readonly isTTY = true;
  private pending: Buffer = Buffer.alloc(0);
  private timer: NodeJS.Timeout | null = null;
  private readonly onData = (chunk: Buffer | string) => this.feed(typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk);

  constructor(
    private readonly source: TtyInput,
    private readonly escDelayMs = ESC_DELAY_MS,
  ) {
    super();
    // Paused first, so that listening does not start reading before blessed sets raw mode.
    source.pause();
    source.on("data", this.onData);
  }

  get isRaw(): boolean {
    return this.source.isRaw === true;
  }

  get destroyed(): boolean {
    return this.source.destroyed === true;
  }

  setRawMode(mode: boolean): this {
    this.source.setRawMode?.(mode);
    return this;
  }

  resume(): this {
    this.source.resume();
    return this;
  }

  pause(): this {
    this.source.pause();
    return this;
  }

  /** Stops reading the terminal for good (the screen is gone). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = Buffer.alloc(0);
    this.source.off("data", this.onData);
  }

  private feed(chunk: Buffer): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.emitTokens(buf, false);
    // An incomplete sequence waits for its end, but not forever: a lone Esc is a key. Past
    // `ESC [` or `ESC O` nobody is typing (`ESC [ 6` is PgDn cut by a read, or by a slow SSH
    // link): its end gets longer to come.
    if (this.pending.length) this.timer = setTimeout(() => this.flush(), this.pending.length > 2 ? SEQUENCE_DELAY_MS : this.escDelayMs);
  }

  private flush(): void {
    this.timer = null;
    const buf = this.pending;
    this.pending = Buffer.alloc(0);
    this.emitTokens(buf, true);
  }

  private emitTokens(buf: Buffer, final: boolean): void {
    const { tokens, rest } = splitKeys(buf, final);
    // Kept before emitting: a key handler may quit and close this stream.
    this.pending = Buffer.from(rest);
    for (const t of tokens) this.emit("data", Buffer.from(t));
  }
}
