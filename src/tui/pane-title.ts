/**
 * A pane's title line fitted to the pane's width. What must survive an 80-column terminal comes
 * first and is never shortened (the pane's key and name, its scope and count); the text the
 * user typed (a filter, a search) is shortened in the middle, then reduced to its marker
 * (`[filter]`), before anything after it (markers, the position in the list) is cut.
 */

import { fit } from "./text.js";

/** Text the user typed, quoted in the title: `[filter: tcp.flags.reset]`. */
export interface QuotedPart {
  open: string;
  text: string;
  close: string;
  /** What is left when the text has no room: `[filter]`. */
  bare: string;
}

export interface TitleParts {
  /** Never shortened: ">4 Packets - all connections (12)". */
  head: string;
  quoted: QuotedPart | null;
  /** Cut from the end when nothing else can give room: "[● client side only]", "3/12". */
  tail: string[];
}

/** The shortest a quoted text is cut to in the middle; shorter, it would say nothing. */
const QUOTED_MIN = 8;

const length = (s: string) => Array.from(s).length;

/** `text` in `width` cells, its middle replaced by the ellipsis: "tcp.flags.r…10.0.0.0/8". */
export function fitMiddle(text: string, width: number, ellipsis: string): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text;
  const keep = Math.max(0, width - length(ellipsis));
  const front = Math.ceil(keep / 2);
  return chars.slice(0, front).join("") + ellipsis + chars.slice(chars.length - (keep - front)).join("");
}

/** The title in exactly `width` cells. */
export function titleText(p: TitleParts, width: number, ellipsis: string): string {
  const join = (quoted: string | null) => [p.head, quoted, ...p.tail].filter(Boolean).join(" ");
  const q = p.quoted;
  if (!q) return fit(join(null), width, ellipsis);
  const whole = join(`${q.open}${q.text}${q.close}`);
  if (length(whole) <= width) return fit(whole, width, ellipsis);
  const room = width - length(join(`${q.open}${q.close}`));
  if (room >= QUOTED_MIN) return fit(join(`${q.open}${fitMiddle(q.text, room, ellipsis)}${q.close}`), width, ellipsis);
  return fit(join(q.bare), width, ellipsis);
}
