/**
 * Pane geometry, pure: which panes are on screen and where, for a terminal size, the focused pane
 * and the zoom state. Row 0 is the title bar and the last row the status line. Below 120 columns
 * the panes stack in one column, and detail/hex/timeline share the bottom slot (the last of them
 * focused shows); from 120 columns they get a right-hand column of their own. The focused pane
 * takes the spare rows, so it is never just a title.
 *
 * On a short terminal (an 80x24 SSH window) an even split leaves every pane three rows, which
 * shows little of anything; there the panes not in use shrink to their title and selected row,
 * and the focused pane shares the rest with the detail slot (which follows its selection), as
 * Wireshark's list over tree.
 */

import { PANE_ORDER, VIEWS } from "./views/index.js";
import type { ViewId } from "./views/types.js";

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export { PANE_ORDER };
export const WIDE = 120;
/** The panes that share the bottom slot below 120 columns (the right-hand column from 120). */
const LOWER_PANES: readonly ViewId[] = VIEWS.filter((v) => v.lower).map((v) => v.id);
const LOWER: ReadonlySet<ViewId> = new Set(LOWER_PANES);
/** Panes there only with two captures. */
const COMPARISON: ReadonlySet<ViewId> = new Set(VIEWS.filter((v) => v.comparison).map((v) => v.id));
/** Panes with a column header row under their title. */
export const HEADED: ReadonlySet<ViewId> = new Set(VIEWS.filter((v) => v.header).map((v) => v.id));
/** Below this many rows per pane (an even split), unused panes shrink to their title and selected row. */
const COMPACT_BELOW = 6;

/** Rows a pane's whole content takes (title, column header, every row), where known. */
export type Needs = Partial<Record<ViewId, number>>;

/** The rows a pane needs to show its title and its selected row. */
export function minimalRows(p: ViewId): number {
  return HEADED.has(p) ? 3 : 2;
}

export interface LayoutInput {
  width: number;
  height: number;
  focus: ViewId;
  zoom: boolean;
  /** Which of detail/hex/timeline has the bottom slot in one column. */
  lower: ViewId;
  /** The compare pane exists (two captures). */
  compare: boolean;
  /** Rows each list needs to show all of itself: a focused pane never takes more than that from its partner. */
  need?: Needs;
}

/** The panes in Tab order (hidden ones included: Tab brings them into their slot). */
export function paneOrder(compare: boolean): ViewId[] {
  return PANE_ORDER.filter((p) => compare || !COMPARISON.has(p));
}

/**
 * Splits `total` rows among `panes`; the focused one (if here) gets what the others do not need.
 * When that leaves each pane few rows, the others get their minimal rows and the focused pane
 * shares the rest with `partner` (the detail slot) when it is here.
 */
export function splitRows(total: number, panes: readonly ViewId[], focus: ViewId | null, partner: ViewId | null = null, need: Needs = {}): number[] {
  const n = panes.length;
  if (n === 0) return [];
  const fi = focus === null ? -1 : panes.indexOf(focus);
  const pi = fi < 0 || partner === null || partner === focus ? -1 : panes.indexOf(partner);
  if (fi >= 0 && total / n < COMPACT_BELOW) {
    const rows = panes.map((p) => minimalRows(p));
    // What the focused pane and its partner share: everything the others do not take.
    const shared = total - rows.reduce((sum, r, i) => (i === fi || i === pi ? sum : sum + r), 0);
    // The focused pane's share: about half with a partner, all of it without; never more than its
    // whole list (three findings leave the rest to the finding's text).
    const floor = minimalRows(focus!) + 2;
    const wanted = pi >= 0 && shared >= 2 * COMPACT_BELOW ? Math.ceil(shared * 0.55) : shared - (pi >= 0 ? rows[pi]! : 0);
    const focusRows = pi >= 0 ? Math.max(floor, Math.min(wanted, need[focus!] ?? Infinity)) : wanted;
    if (focusRows >= floor && focusRows <= shared - (pi >= 0 ? rows[pi]! : 0)) {
      rows[fi] = focusRows;
      if (pi >= 0) rows[pi] = shared - focusRows;
      return rows;
    }
  }
  const base = Math.max(1, Math.min(4, Math.floor(total / n)));
  const rows = panes.map(() => base);
  let left = total - base * n;
  if (left < 0) {
    // Too small for every pane: later ones vanish (height 0) before the focused one does.
    for (let i = n - 1; i >= 0 && left < 0; i--) {
      if (panes[i] === focus) continue;
      const take = Math.min(rows[i]!, -left);
      rows[i] = rows[i]! - take;
      left += take;
    }
    return rows;
  }
  if (fi >= 0) {
    rows[fi] = rows[fi]! + left;
    const surplus = rows[fi]! - Math.max(base, need[focus!] ?? Infinity);
    if (pi >= 0 && surplus > 0) {
      rows[fi] = rows[fi]! - surplus;
      rows[pi] = rows[pi]! + surplus;
    }
  } else {
    for (let i = 0; left > 0; i = (i + 1) % n, left--) rows[n - 1 - i] = rows[n - 1 - i]! + 1;
  }
  return rows;
}

function stack(panes: readonly ViewId[], focus: ViewId, top: number, left: number, width: number, height: number, out: Map<ViewId, Rect>, partner: ViewId | null = null, need: Needs = {}): void {
  const rows = splitRows(height, panes, panes.includes(focus) ? focus : null, partner, need);
  let y = top;
  panes.forEach((p, i) => {
    const h = rows[i]!;
    if (h > 0) out.set(p, { top: y, left, width, height: h });
    y += h;
  });
}

export function layout(input: LayoutInput): Map<ViewId, Rect> {
  const out = new Map<ViewId, Rect>();
  const body = Math.max(0, input.height - 2);
  if (body === 0 || input.width <= 0) return out;
  if (input.zoom) {
    out.set(input.focus, { top: 1, left: 0, width: input.width, height: body });
    return out;
  }
  const panes = paneOrder(input.compare);
  const main = panes.filter((p) => !LOWER.has(p));
  if (input.width >= WIDE) {
    const leftW = Math.floor(input.width * 0.55);
    stack(main, input.focus, 1, 0, leftW, body, out);
    stack(LOWER_PANES, input.focus, 1, leftW, input.width - leftW, body, out);
    return out;
  }
  const lower = LOWER.has(input.focus) ? input.focus : input.lower;
  stack([...main, lower], input.focus, 1, 0, input.width, body, out, lower, input.need);
  return out;
}
