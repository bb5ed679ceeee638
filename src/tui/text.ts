/**
 * Text helpers for the terminal UI: the glyph set (Unicode or plain ASCII for TERM=vt100/LANG=C),
 * cell-width fitting, and the one gate every capture string passes before it is drawn.
 */

import { formatDuration } from "../report/format.js";
import { sanitize } from "../report/sanitize.js";

export interface Glyphs {
  arrow: string;
  marker: string;
  /** A packet the user marked (m), beside the finding-evidence marker. */
  userMark: string;
  expanded: string;
  collapsed: string;
  leaf: string;
  ellipsis: string;
  ok: string;
  bad: string;
  sortUp: string;
  sortDown: string;
  /** Timeline cells: empty, light, heavy traffic. */
  bar: readonly string[];
}

export const UNICODE_GLYPHS: Glyphs = {
  arrow: "→",
  marker: "●",
  userMark: "◆",
  expanded: "▾",
  collapsed: "▸",
  leaf: "·",
  ellipsis: "…",
  ok: "✓",
  bad: "✗",
  sortUp: "▲",
  sortDown: "▼",
  bar: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
};

export const ASCII_GLYPHS: Glyphs = {
  arrow: "->",
  marker: "*",
  userMark: "#",
  expanded: "-",
  collapsed: "+",
  leaf: " ",
  ellipsis: "~",
  ok: "ok",
  bad: "!!",
  sortUp: "^",
  sortDown: "v",
  bar: [" ", ".", ".", ":", ":", "|", "|", "#", "#"],
};

/** What the terminal can show, decided once from the environment. */
export interface TermCaps {
  unicode: boolean;
  colour: boolean;
}

/** Unicode only with a UTF-8 locale on a terminal that is not a plain VT100; colour unless vt100/dumb or NO_COLOR. */
export function termCaps(env: Record<string, string | undefined>, terminal?: string): TermCaps {
  const term = (terminal ?? env.TERM ?? "").toLowerCase();
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || "";
  const utf8 = /utf-?8/i.test(locale);
  const plain = term === "" || term === "dumb" || term.startsWith("vt1") || term.startsWith("vt2");
  return { unicode: utf8 && !plain && term !== "linux", colour: !plain && env.NO_COLOR === undefined };
}

/**
 * Capture text made safe to draw: control characters escaped (sanitize), blessed tag braces
 * neutralised, and anything outside ASCII replaced when the terminal is ASCII-only.
 */
export function safe(text: string, ascii: boolean): string {
  let s = sanitize(text);
  if (ascii) s = s.replace(/[^\x20-\x7e]/g, "?");
  return s;
}

/** Escapes blessed's tag syntax in text that is drawn in a tagged box. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (c) => (c === "{" ? "{open}" : "{close}"));
}

/** Cuts or pads to exactly `width` cells (text is assumed to be one cell per code point). */
export function fit(text: string, width: number, ellipsis = "~"): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  if (width <= ellipsis.length) return chars.slice(0, width).join("");
  return chars.slice(0, width - Array.from(ellipsis).length).join("") + ellipsis;
}

/**
 * Like fit, but a text too long loses its start: for addresses, where the end (the last octets
 * and the port) tells the rows apart ("~18.145.39:56786", not "172.18.145.39:~").
 */
export function fitEnd(text: string, width: number, ellipsis = "~"): string {
  if (width <= 0) return "";
  const chars = Array.from(text);
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  const e = Array.from(ellipsis);
  if (width <= e.length) return chars.slice(chars.length - width).join("");
  return ellipsis + chars.slice(chars.length - (width - e.length)).join("");
}

/**
 * Splits `total` cells between two columns that need `a` and `b`: when both fit, each its need
 * and half the rest; otherwise half each, and what one does not need goes to the other (so a
 * short column never starves a long one of room).
 */
export function shareWidth(total: number, a: number, b: number): [number, number] {
  if (a + b <= total) {
    const first = a + Math.floor((total - a - b) / 2);
    return [first, total - first];
  }
  let first = Math.floor(total / 2);
  if (a < first) first = a;
  else if (b < total - first) first = Math.min(a, total - b);
  return [first, total - first];
}

export function padLeft(text: string, width: number): string {
  const n = Array.from(text).length;
  return n >= width ? text : " ".repeat(width - n) + text;
}

/** "1.2k", "3.4M" for sizes in a narrow column. */
export function shortCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

/** Microseconds as a short duration: "850us", "12.3ms", "4.1s", "2m05s", "3h10m"; "-" for none. */
export function shortDuration(us: number): string {
  if (!Number.isFinite(us) || us < 0) return "-";
  return formatDuration(us);
}
