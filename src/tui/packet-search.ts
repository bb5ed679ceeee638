/**
 * Text search in the packets pane (Wireshark's Find Packet by string): the next packet of the
 * list whose row (addresses, protocol, Info) or Kafka fields (client id, topics...) contain the
 * text, case-insensitive. A row's text needs the packet's bytes read back, so over a big list the
 * search runs as a job the TUI steps between key presses, as it does a packet filter.
 */

import type { FieldValue } from "../plugins/api.js";
import type { TuiModel } from "./model.js";

/** Whether packet `index` (0-based) matches `needle` (already lower case). */
export function packetMatches(m: TuiModel, index: number, needle: string): boolean {
  for (const d of m.pdusByPacket.get(index + 1) ?? []) {
    if (d.summary.toLowerCase().includes(needle)) return true;
    for (const v of Object.values(d.fields)) if (valueMatches(v, needle)) return true;
  }
  // Wide enough that Info is never cut.
  return m.packetRow(index, 2000, false).toLowerCase().includes(needle);
}

function valueMatches(v: FieldValue, needle: string): boolean {
  if (Array.isArray(v)) return v.some((x) => valueMatches(x as FieldValue, needle));
  return (typeof v === "string" || typeof v === "number" || typeof v === "bigint") && String(v).toLowerCase().includes(needle);
}

export interface PacketSearchJob {
  readonly text: string;
  /** Positions of the list tested so far, of `total`. */
  done: number;
  readonly total: number;
  /** Tests up to `n` more positions; true when finished (see `found`). */
  step(n: number): boolean;
  /** Position in the list of the match, -1 while none (or none at all, once finished). */
  found: number;
}

/**
 * A search of `list` (packet indices, as the pane shows them) for `text`, from position `from`,
 * wrapping round once: the position it stops at is the first match at or after `from`.
 */
export function packetSearchJob(list: Int32Array, from: number, text: string, matches: (index: number, needle: string) => boolean): PacketSearchJob {
  const needle = text.toLowerCase();
  const total = needle === "" ? 0 : list.length;
  const start = total === 0 ? 0 : ((from % total) + total) % total;
  const job: PacketSearchJob = {
    text,
    done: 0,
    total,
    found: -1,
    step(n) {
      const end = Math.min(total, job.done + n);
      for (; job.done < end; job.done++) {
        const at = (start + job.done) % total;
        if (matches(list[at]!, needle)) {
          job.found = at;
          job.done++;
          return true;
        }
      }
      return job.done >= total;
    },
  };
  return job;
}
