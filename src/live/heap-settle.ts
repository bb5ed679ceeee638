/**
 * Keeps a live capture's heap near what it holds. Each re-run builds facts for the connections it
 * evaluates and drops them: garbage that V8 collects late, growing its old generation (and RSS)
 * far past what is held. Measured on the million-packet benchmark read as a live capture, a
 * re-run every 100,000 packets: heap used 378 MiB at the end without a forced collection, 97 MiB
 * held when collected (KDIAG_DEBUG=gc). So after a re-run, when the heap has grown by more than
 * its held size (and at least GROWTH_FLOOR) since the last collection, one full collection runs,
 * compacting (collectHeapNow, which the TUI's settling collection after a load uses too), and what
 * it leaves is the new held size.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** Garbage below this is left to V8 (a full collection costs ~100-300 ms on a 100 MiB heap). */
const GROWTH_FLOOR = 128 * 1024 * 1024;

export class HeapSettler {
  /** Heap used after the last forced collection (0 before any). */
  private held = 0;
  collections = 0;

  /** Called after each re-run: collects when the garbage has grown past the held heap. */
  afterRerun(): void {
    const used = process.memoryUsage().heapUsed;
    if (used - this.held < Math.max(GROWTH_FLOOR, this.held)) return;
    if (!collectHeapNow()) return;
    this.collections++;
    this.held = process.memoryUsage().heapUsed;
  }
}

let collect: (() => void) | null | undefined;

/**
 * One full, compacting collection now; false when gc() is not available. Node exposes gc() only
 * with --expose-gc: the flag can be set at run time, and a new context then has the function.
 */
export function collectHeapNow(): boolean {
  if (collect === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc") as unknown;
      collect = typeof gc === "function" ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  if (!collect) return false;
  try {
    setFlagsFromString("--compact-on-every-full-gc");
    collect();
  } finally {
    setFlagsFromString("--no-compact-on-every-full-gc");
  }
  return true;
}
