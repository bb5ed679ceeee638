/**
 * Values per connection id that cost only the ids that have one.
 *
 * Connection ids only grow, and a live capture lets go of its old connections (src/live/folded.ts)
 * while a few long-lived ones stay. A plain array indexed by id would keep a slot (8 bytes) for
 * every connection ever seen, in each of the lists that follow connections; here the ids from
 * `base` on sit in an array, and when most of its head is empty the base moves up and the few
 * values left below it (connections that outlive their neighbours) move to a map. Reads are an
 * array load for the recent ids, a map lookup for the old ones; a walk over the values costs the
 * values held, not the ids seen.
 */

/** What readers of a per-connection list need: arrays (the offline path) give the same. */
export interface ById<T> {
  /** The value of connection `id` (undefined: none). */
  at(id: number): T | undefined;
  [Symbol.iterator](): Iterator<T>;
}

/** The array is compacted once it is this many times longer than its values (and long enough to bother). */
const SPARSE_FACTOR = 4;
const MIN_COMPACT = 1024;

export class IdSlots<T> implements ById<T> {
  /** Id of items[0]. */
  private base = 0;
  private items: Array<T | undefined> = [];
  /** Values in items. */
  private inItems = 0;
  /** Values of ids below base. */
  private readonly old = new Map<number, T>();

  at(id: number): T | undefined {
    const i = id - this.base;
    return i >= 0 ? this.items[i] : this.old.get(id);
  }

  set(id: number, value: T): void {
    const i = id - this.base;
    if (i < 0) {
      this.old.set(id, value);
      return;
    }
    while (this.items.length < i) this.items.push(undefined);
    if (this.items[i] === undefined) this.inItems++;
    this.items[i] = value;
  }

  delete(id: number): void {
    const i = id - this.base;
    if (i < 0) {
      this.old.delete(id);
      return;
    }
    if (i >= this.items.length || this.items[i] === undefined) return;
    this.items[i] = undefined;
    this.inItems--;
    if (this.items.length >= MIN_COMPACT && this.items.length >= SPARSE_FACTOR * this.inItems) this.compact();
  }

  /** How many ids have a value. */
  get size(): number {
    return this.inItems + this.old.size;
  }

  /** Ids the array spans, from its base (what it costs beyond its values: for tests and memory reports). */
  get span(): number {
    return this.items.length;
  }

  /** Every value, old ids first, in id order within each part. */
  *[Symbol.iterator](): Iterator<T> {
    yield* this.old.values();
    for (const v of this.items) if (v !== undefined) yield v;
  }

  /** Calls `fn` for every id with a value (no generator: the scan's trim walks these on every window move). */
  forEach(fn: (value: T, id: number) => void): void {
    for (const [id, v] of this.old) fn(v, id);
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const v = items[i];
      if (v !== undefined) fn(v, this.base + i);
    }
  }

  /**
   * Keeps a tail of twice the values the array holds: the values before it go to the map. The
   * array's length is then at most twice its values, so the copies add up to a constant per id.
   */
  private compact(): void {
    const cut = this.items.length - 2 * this.inItems;
    for (let i = 0; i < cut; i++) {
      const v = this.items[i];
      if (v === undefined) continue;
      this.old.set(this.base + i, v);
      this.inItems--;
    }
    this.items = this.items.slice(cut);
    this.base += cut;
  }
}
