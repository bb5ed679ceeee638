/**
 * `-Y FILTER` on packets, flows and kafka (tshark's option): the filter compiled before the
 * capture is read (a mistake is a usage error, exit 2, with its column), then a predicate over
 * the rows of the analysed capture, run with the same facts as rules and the TUI.
 */

import { compileFilter, withoutStacks, type CompiledFilter, type FilterScope } from "../filter/compile.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import { buildConnectionFacts, exchangeFactsBuilder } from "../facts/build.js";
import { buildEndFacts } from "../rules/end-facts.js";
import { PacketItems, pdusByPacket, readsOf } from "../facts/packet-item.js";
import type { Connection } from "../tcp/types.js";
import { UsageError } from "./errors.js";

export type ReadyFilter = Extract<CompiledFilter, { ok: true }>;

export function compileFilterOption(scope: FilterScope, text: string): ReadyFilter {
  const f = compileFilter(scope, text);
  if (!f.ok) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new UsageError(`-Y "${shown}": col ${f.offset + 1}: ${f.message}`);
  }
  return f;
}

/** Packet indices (0-based) the filter keeps: any of the packet's items (one per PDU) matching. */
export function packetPredicate(capture: AnalysedCapture, filter: ReadyFilter): (index: number) => boolean {
  const items = new PacketItems(capture, buildConnectionFacts(capture), pdusByPacket(capture));
  items.reads = readsOf([filter.cel]);
  return (i) => withoutStacks(() => items.some(i, (f) => filter.test(f)));
}

export function connectionPredicate(capture: AnalysedCapture, filter: ReadyFilter): (c: Connection) => boolean {
  const conns = buildConnectionFacts(capture);
  return (c) => withoutStacks(() => filter.test({ conn: conns[c.id]! }));
}

/** Exchange indices (into capture.exchanges) the filter keeps. */
export function exchangePredicate(capture: AnalysedCapture, filter: ReadyFilter): (index: number) => boolean {
  const ends = /\bpath\./.test(filter.cel) ? buildEndFacts(capture) : [];
  const factsOf = exchangeFactsBuilder(capture, buildConnectionFacts(capture), (id) => ends[id]?.path);
  return (i) => withoutStacks(() => filter.test(factsOf(capture.exchanges[i]!)));
}
