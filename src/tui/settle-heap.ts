/**
 * One full garbage collection once the TUI has loaded a capture. The pass and the rules leave
 * hundreds of megabytes of garbage on a large capture (1M packets: ~185 MB of the 400 MB heap),
 * and a TUI waiting for keys allocates nothing, so V8 would never collect it: the process would
 * keep that memory for the whole session. Collected once, V8 returns the freed pages to the
 * system (measured by bench/memory.js: see README "Memory and scale").
 */

import { setFlagsFromString } from "node:v8";
import { collectHeapNow } from "../live/heap-settle.js";

/**
 * Captures smaller than this leave little garbage (a few MB): no pause for them. Measured at 1M
 * packets: 185 MB of garbage, 60 MiB of RSS returned.
 */
export const SETTLE_FROM_PACKETS = 100_000;

/**
 * Collects the garbage of the load, after the current frame has been drawn (a GC takes ~100-300 ms
 * on 1M packets), compacting the old generation: a plain full GC frees the objects but leaves the
 * pages they were scattered over half empty and committed (measured at 1M packets: old space 118
 * MiB committed for 69 MiB live; compacted, 70 for 69, and 52 MiB less RSS).
 */
export function settleHeapSoon(): void {
  setTimeout(() => {
    collectHeapNow();
    letYoungGenerationGrow();
  }, 50).unref();
}

/**
 * A filter over a whole large capture (every packet's or exchange's facts built, tested and
 * dropped) leaves its garbage in the old generation the same way: 15 MiB of V8 pages still
 * committed after the filter `tcp.flags.reset` over 1M packets, with nothing to collect them
 * while the TUI waits for keys. After a scan of `items` (packets or exchanges) of that size, the
 * same settling collection runs.
 */
export function settleAfterScan(items: number): void {
  if (items >= SETTLE_FROM_PACKETS) settleHeapSoon();
}

/**
 * Keeps V8's young generation at its initial size (2 MiB) while a capture loads (until
 * letYoungGenerationGrow; a live capture keeps it for the whole session). It grows
 * to 32 MiB while a capture is read and never gives the pages back, though a TUI waiting for keys
 * hardly allocates (measured: a full or last-resort GC, or 10 s idle, left 30.5 MiB of it
 * committed). Set before the capture is read: the flag is read each time the space would grow,
 * and that is the only time it can take effect. The pass is not slower for it (user CPU of
 * `kafka --stats` on 207k packets: 3.84 s with it, 4.28 s without, in one hyperfine run).
 */
export function keepYoungGenerationSmall(): void {
  try {
    setFlagsFromString("--semi-space-growth-factor=1");
  } catch {
    // A runtime without the flag keeps its default: only memory is at stake.
  }
}

/**
 * Once a capture is loaded (and its garbage collected), lets the young generation grow again
 * (V8's default factor, 2). Kept at 2 MiB while the user moves around, each page of rows seemed to
 * take a few scavenges more (bench/tui.js at 1M packets, load 5-10, median ms of PageDown: 13.6 to
 * 26.1 in four runs held small, 7.5 to 16.0 in four runs without the flag, 9.7 and 14.6 with this:
 * noisy, the minima differ). Drawing keeps little, so it grows little: VmRSS 258-259 MiB after the
 * filter over 1M packets against 252 held small throughout; at most the 30 MiB it was.
 */
export function letYoungGenerationGrow(): void {
  try {
    setFlagsFromString("--semi-space-growth-factor=2");
  } catch {
    // As above.
  }
}
