/**
 * Hex dump lines for the hex pane, pure: offset, hex bytes, printable ASCII (anything else as
 * "."), with the bytes of the selected tree field marked. Marked bytes are wrapped in
 * `open`/`close` strings (blessed tags in the pane, "[" "]"-free plain text in tests).
 */

export interface HexOptions {
  /** Bytes per line (16, or 8 on a narrow pane). */
  perLine: number;
  /** Highlighted range [start, end). */
  mark?: { start: number; end: number } | null;
  open?: string;
  close?: string;
  /** Applied to each printable character of the ASCII column (blessed tag escaping). */
  escape?: (ch: string) => string;
}

/** Bytes per line that fit `width` columns: offset (4) + 2 + 3 per byte + 1 + 1 per byte. */
export function bytesPerLine(width: number): number {
  return width >= 4 + 2 + 16 * 4 + 1 ? 16 : width >= 4 + 2 + 8 * 4 + 1 ? 8 : 4;
}

export function hexLineCount(length: number, perLine: number): number {
  return Math.ceil(length / perLine);
}

/** Line `line` of the dump of `bytes`. */
export function hexLine(bytes: Uint8Array, line: number, o: HexOptions): string {
  const start = line * o.perLine;
  const end = Math.min(bytes.length, start + o.perLine);
  const open = o.open ?? "";
  const close = o.close ?? "";
  const marked = (i: number) => !!o.mark && i >= o.mark.start && i < o.mark.end;
  let hex = "";
  let ascii = "";
  for (let i = start; i < start + o.perLine; i++) {
    if (i >= end) {
      hex += "   ";
      continue;
    }
    const b = bytes[i]!;
    const h = b.toString(16).padStart(2, "0");
    const c = b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".";
    const a = o.escape ? o.escape(c) : c;
    const m = marked(i);
    const mPrev = marked(i - 1) && i > start;
    const mNext = marked(i + 1) && i + 1 < end;
    hex += (m && !mPrev ? open : "") + h + (m && !mNext ? close : "") + " ";
    ascii += (m && !mPrev ? open : "") + a + (m && !mNext ? close : "");
  }
  return `${start.toString(16).padStart(4, "0")}  ${hex} ${ascii}`;
}
