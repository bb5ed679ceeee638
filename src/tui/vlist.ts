/**
 * List virtualisation: a list is a count and an index -> row function; only the rows in the
 * visible window are ever built. These pure functions keep the selection visible and page through
 * a million rows in constant time.
 */

export interface ListState {
  count: number;
  selected: number;
  top: number;
}

export function emptyList(): ListState {
  return { count: 0, selected: 0, top: 0 };
}

/** Clamps the selection and scrolls the window (`height` rows) so the selection is in it. */
export function settle(s: ListState, height: number): ListState {
  const h = Math.max(1, height);
  const count = Math.max(0, s.count);
  const selected = count === 0 ? 0 : Math.max(0, Math.min(s.selected, count - 1));
  let top = Math.max(0, Math.min(s.top, Math.max(0, count - h)));
  if (selected < top) top = selected;
  if (selected >= top + h) top = selected - h + 1;
  return { count, selected, top };
}

export type Move = "up" | "down" | "page-up" | "page-down" | "top" | "bottom";

export function move(s: ListState, m: Move, height: number): ListState {
  const page = Math.max(1, height - 1);
  const sel = {
    up: s.selected - 1,
    down: s.selected + 1,
    "page-up": s.selected - page,
    "page-down": s.selected + page,
    top: 0,
    bottom: s.count - 1,
  }[m];
  // Paging moves the window with the selection, as less and k9s do.
  const top = m === "page-up" ? s.top - page : m === "page-down" ? s.top + page : s.top;
  return settle({ ...s, selected: sel, top }, height);
}

export function select(s: ListState, index: number, height: number): ListState {
  return settle({ ...s, selected: index, top: index - Math.floor(height / 3) < s.top || index >= s.top + height ? index - Math.floor(height / 3) : s.top }, height);
}

/** The indices to draw: [top, top + height) clipped to the list. */
export function visibleRange(s: ListState, height: number): [number, number] {
  return [s.top, Math.min(s.count, s.top + Math.max(0, height))];
}

/** Lines of the window, built from the row function for visible indices only. */
export function renderWindow(s: ListState, height: number, row: (index: number, selected: boolean) => string): string[] {
  const [from, to] = visibleRange(s, height);
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(row(i, i === s.selected));
  return out;
}

/** Index of the first element >= value in a sorted typed array (for "packet number -> row"). */
export function lowerBound(sorted: ArrayLike<number>, value: number, count = sorted.length): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
