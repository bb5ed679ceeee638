/**
 * Windowed counts: "at least N matching items within T, per group" (a reconnect storm is at
 * least 5 handshakes from one client within 60 s). Items of a group are sorted by time and a
 * window of length T slides over them; while it holds N or more items the group is in a burst.
 * A burst is reported once, with every item that was inside a full window, and ends when the
 * window holds fewer than N again; a later rise starts a new burst.
 */

export interface Timed<T> {
  timeUs: number;
  item: T;
}

export interface Burst<T> {
  items: Array<Timed<T>>;
}

export function findBursts<T>(entries: ReadonlyArray<Timed<T>>, count: number, withinMs: number): Array<Burst<T>> {
  const sorted = [...entries].sort((a, b) => a.timeUs - b.timeUs);
  const withinUs = withinMs * 1000;
  const bursts: Array<Burst<T>> = [];
  let j = 0;
  let burstStart = -1;
  let burstEnd = -1;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[i]!.timeUs - sorted[j]!.timeUs > withinUs) j++;
    if (i - j + 1 >= count) {
      if (burstStart < 0) burstStart = j;
      burstEnd = i;
    } else if (burstStart >= 0) {
      bursts.push({ items: sorted.slice(burstStart, burstEnd + 1) });
      burstStart = -1;
    }
  }
  if (burstStart >= 0) bursts.push({ items: sorted.slice(burstStart, burstEnd + 1) });
  return bursts;
}
