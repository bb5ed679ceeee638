/**
 * Which connections left a live window, kept as the ones that have not: a live capture lets go
 * of nearly every connection it sees, so the set of those that left grows without bound while
 * the set of those still held stays the window's size. Costs the connections held, not every id
 * ever seen; and a walk over the held ones does not pass over those that left (a long-lived
 * connection no longer makes each re-run walk every id opened after it).
 */
export class LeftIds {
  /** Ids [0, seen) were taken in (the pass opened them). */
  private seen = 0;
  /** Of those, the ones that did not leave, in id order (a Set keeps insertion order). */
  private readonly held = new Set<number>();

  /** Takes in the ids below `count`: opened by the pass, held until they leave. */
  see(count: number): void {
    for (; this.seen < count; this.seen++) this.held.add(this.seen);
  }

  has(id: number): boolean {
    return id < this.seen && !this.held.has(id);
  }

  add(id: number): void {
    if (id >= this.seen) this.see(id + 1);
    this.held.delete(id);
  }

  /** How many left. */
  get size(): number {
    return this.seen - this.held.size;
  }

  /** The ids taken in that did not leave, in id order (a copy: the caller may let some go while reading). */
  stillHeld(): number[] {
    return [...this.held];
  }
}
