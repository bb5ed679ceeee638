/**
 * The one pass: capture frames -> decode -> TCP tracking and reassembly -> dissectors -> model.
 */

import { getHeapStatistics } from "node:v8";
import { readMerged, type CapturePart } from "../capture/merge.js";
import { readCapture, readCaptureStream } from "../capture/read.js";
import type { CaptureProblem, Frame } from "../capture/types.js";
import type { DecodedPacket } from "../decode/types.js";
import type { Registry } from "../plugins/registry.js";
import { SHOW_SECRETS } from "../plugins/registry.js";
import { swapRoles } from "../tcp/roles.js";
import type { Connection, ReassemblyLimits } from "../tcp/types.js";
import type { AnalysedCapture, DecodeCounts, Note, PacketByteSource, StoredExchange, StoredPdu } from "./analysed-capture.js";
import { PacketIndex } from "./packet-index.js";
import { ExchangeStore } from "./exchange-store.js";
import { PacketStep } from "./packet-step.js";
import { PduStore } from "./pdu-store.js";
import { StringPool } from "./string-pool.js";

export interface AnalyseOptions {
  registry: Registry;
  limits?: ReassemblyLimits;
  /** Name each connection's dissector without decoding its bytes (no PDUs, no exchanges). */
  identifyOnly?: boolean;
  /** Called every few thousand packets with the packets and bytes read so far. */
  onProgress?: (packets: number, bytes: number) => void;
  /** Stops the pass (checked every few thousand packets): it then rejects with AnalysisCancelled. */
  signal?: AbortSignal;
  /**
   * Called with each packet as soon as the pass has taken it in (its index entry written, its
   * PDUs so far stored): `pkt` is the decoded packet (a reused object, valid during the call),
   * `so` what the pass holds so far (the packet index, PDUs, connections), `frame` the packet's
   * bytes (valid during the call). For output that streams in the one pass.
   */
  onPacket?: (index: number, pkt: DecodedPacket, so: PassSoFar, frame: Uint8Array) => void;
  /**
   * Heap (bytes) past which protocol messages stop being stored, so a capture too big for this
   * process degrades to its TCP analysis instead of ending in an out-of-memory crash. Default: 60%
   * of V8's heap limit (the rest is for the rules, the reports and the TUI).
   */
  heapBudget?: number;
  /**
   * Read this byte stream instead of `file` (live capture: a tcpdump child's stdout), without a
   * spool: the caller keeps the bytes (kdiag watch writes them to a file as they arrive) and sets
   * the result's `bytes`. `file` then only names the input in problems.
   */
  stream?: AsyncIterable<Uint8Array>;
}

/** Share of V8's heap limit the stored PDUs and exchanges may take (see AnalyseOptions.heapBudget). */
const HEAP_SHARE = 0.6;

/** What the pass holds while it runs (AnalyseOptions.onPacket). */
export interface PassSoFar {
  packets: AnalysedCapture["packets"];
  pdus: readonly StoredPdu[];
  /** Index = connection id; a hole for a connection folded (fold). */
  connections: readonly (Connection | undefined)[];
  /** The connections not folded, in id order (what a walk over them visits). */
  connectionsHeld: Iterable<Connection>;
  /** Exchanges paired so far, in the order they completed (the end of the pass sorts them). */
  exchanges: readonly StoredExchange[];
  notes: readonly Note[];
  decode: DecodeCounts;
  /** Connections whose roles a dissector turned round: applied only at the end of the pass. */
  swapped: ReadonlySet<number>;
  /**
   * Lets go of the tracker's state of these connections (a live window: they left it); their
   * Connection records stay (replaced by what `compact` makes of each, when given), and a later
   * packet on one of their 4-tuples starts a new connection.
   */
  forget(ids: Iterable<number>, compact?: (c: Connection) => Connection): void;
  /** Drops the records of connections let go before (forget): a live capture folded them into its aggregates. */
  fold(ids: Iterable<number>): void;
}

/** The pass was stopped through AnalyseOptions.signal (the user quit the TUI while it read). */
export class AnalysisCancelled extends Error {
  constructor() {
    super("analysis cancelled");
  }
}

const PROGRESS_EVERY = 16384;

const NO_BYTES: PacketByteSource = {
  view: () => new Uint8Array(0),
  close: () => {},
};

/**
 * One pass over a capture: a file, "-", or several files read as one capture (merged by time,
 * see capture/merge.ts; a one-element list is that file).
 */
export async function analyseCapture(input: string | readonly string[], opts: AnalyseOptions): Promise<AnalysedCapture> {
  const files = typeof input === "string" ? [input] : input;
  const file = files.length === 1 ? files[0]! : mergedName(files);
  const packets = new PacketIndex(4096);
  // PDUs and exchanges as typed-array columns; `pdus` and `exchanges` list one small record each.
  // Not for a live capture: its window removes old messages from the lists (src/live/window.ts)
  // while findings may still hold them, and a store cannot free the rows of records it can no
  // longer see; there each message stays the plain object the dissector made.
  const columnar = !opts.stream;
  const pduStore = columnar ? new PduStore() : null;
  const exchangeStore = columnar ? new ExchangeStore() : null;
  const pdus: StoredPdu[] = pduStore ? pduStore.list : [];
  const notes: Note[] = [];
  const exchanges: StoredExchange[] = exchangeStore ? exchangeStore.list : [];
  const decode: DecodeCounts = { nonIp: 0, nonTcp: 0, fragments: 0, truncated: 0, malformed: 0, unsupportedLinkTypes: {} };
  const swapped = new Set<number>();
  const strings = new StringPool();
  const heapBudget = opts.heapBudget ?? getHeapStatistics().heap_size_limit * HEAP_SHARE;
  /** Set once the heap passed its budget: the packet from which messages are no longer stored. */
  let shedFrom = 0;
  let shedHeap = 0;

  const step: PacketStep = new PacketStep(opts.registry, {
    pdu(conn: Connection, pdu, by) {
      if (shedFrom > 0) return;
      // The plugin hands over a fresh object: pool its strings in place, then copy it into the columns.
      strings.fields(pdu.fields);
      // A packet list's line: a few thousand distinct among hundreds of thousands of messages (the
      // store keeps it as a template and numbers instead: src/model/summary-table.ts).
      if (!pduStore) pdu.summary = strings.summary(pdu.summary);
      const dissector = by ?? conn.dissector ?? "";
      if (pduStore) pduStore.add(pdu, conn.id, dissector, step.current);
      else pdus.push(Object.assign(pdu, { connId: conn.id, dissector, packet: step.current }));
    },
    swapRoles(conn: Connection) {
      swapped.add(conn.id);
    },
    exchange(conn: Connection, ex, by) {
      if (shedFrom > 0) return;
      strings.fields(ex.fields);
      const dissector = by ?? conn.dissector ?? "";
      if (exchangeStore) exchangeStore.add(ex, conn.id, dissector);
      else exchanges.push(Object.assign(ex, { connId: conn.id, dissector }));
    },
    note(conn: Connection, severity, packet, message) {
      notes.push({ severity, packet, connId: conn.id, message });
    },
  }, { identifyOnly: opts.identifyOnly ?? false, ...(opts.limits ? { limits: opts.limits } : {}) });
  const { tracker, pkt } = step;
  const soFar: PassSoFar = { packets, pdus, connections: tracker.connections, connectionsHeld: tracker.connectionsHeld, exchanges, notes, decode, swapped, forget: (ids, compact) => tracker.forget(ids, compact), fold: (ids) => tracker.fold(ids) };

  const onFrame = (f: Frame): void => {
    const tsUs = f.tsSec * 1e6 + f.tsNsec / 1000;
    const v = step.step(f.number, tsUs, f.origLen, f.linkType, f.data);
    let connId = -1;
    let dir = 0;
    let events = 0;
    if (v) {
      connId = v.connId;
      dir = v.dir;
      events = v.events;
    } else {
      countUndecoded(decode, pkt.ipVersion, pkt.fragment, pkt.stop, f.linkType);
    }
    if (pkt.truncated) decode.truncated++;
    if (pkt.fragment) decode.fragments++;
    packets.push(
      f.fileOffset,
      tsUs,
      f.capLen,
      f.origLen,
      f.linkType,
      connId,
      dir,
      pkt.hasTcp ? pkt.flags : 0,
      events,
      pkt.hasTcp ? pkt.payloadLen : 0,
    );
    opts.onPacket?.(packets.count - 1, pkt, soFar, f.data);
    if (f.number % PROGRESS_EVERY === 0) {
      if (opts.signal?.aborted) throw new AnalysisCancelled();
      if (shedFrom === 0 && getHeapStatistics().used_heap_size > heapBudget) {
        shedFrom = f.number;
        shedHeap = getHeapStatistics().used_heap_size;
      }
      opts.onProgress?.(f.number, f.fileOffset);
    }
  };

  let summary: AnalysedCapture["summary"];
  let bytes: PacketByteSource | null;
  let parts: CapturePart[] | undefined;
  if (opts.stream) ({ summary, bytes } = await readCaptureStream(file, opts.stream, onFrame, { spool: false }));
  else if (files.length === 1) ({ summary, bytes } = await readCapture(files[0]!, onFrame));
  else ({ summary, bytes, parts } = await readMerged(files, onFrame));
  if (shedFrom > 0) summary.problems.push(memoryProblem(file, shedFrom, shedHeap, heapBudget));
  // No frame delivered means nothing will ever be read back.
  const byteSource = bytes ?? NO_BYTES;
  step.finish(packets.count);
  applyRoleSwaps(tracker.connections, packets, swapped);
  opts.onProgress?.(packets.count, summary.bytes);
  sortByRequestPacket(exchanges, exchangeStore);
  pduStore?.trim();
  exchangeStore?.trim();
  return {
    file,
    summary,
    packets,
    connections: tracker.connections,
    pdus,
    exchanges,
    notes,
    decode,
    bytes: byteSource,
    ...(parts ? { parts } : {}),
    ...(opts.registry.preferences.get(SHOW_SECRETS) === true ? { showSecrets: true } : {}),
  };
}

/** What reports call a merged capture: its first file and how many more. */
function mergedName(files: readonly string[]): string {
  return `${files[0]} (+${files.length - 1} file${files.length === 2 ? "" : "s"})`;
}

/** Said once, where the pass stopped storing messages, with what to do about it. */
function memoryProblem(file: string, packet: number, used: number, budget: number): CaptureProblem {
  const mb = (n: number) => Math.round(n / 1048576);
  return {
    code: "memory_limit",
    file,
    packet,
    offset: 0,
    fatal: false,
    message:
      `protocol messages from here on are not kept, to stay within memory (heap ${mb(used)} MB, budget ${mb(budget)} MB); ` +
      "connections and TCP analysis cover the whole capture. Give node more memory (NODE_OPTIONS=--max-old-space-size=16384) or cut the capture (editcap -r FILE OUT 1-2000000)",
  };
}

/**
 * Roles a dissector corrected during the pass are applied once at the end, so the tracker's own
 * bookkeeping never changes orientation mid-stream.
 */
function applyRoleSwaps(connections: readonly (Connection | undefined)[], packets: PacketIndex, swapped: ReadonlySet<number>): void {
  if (swapped.size === 0) return;
  // A swapped connection is never retired, so never folded: its record is there.
  for (const id of swapped) swapRoles(connections[id]!);
  for (let i = 0; i < packets.held; i++) {
    if (swapped.has(packets.connId[i]!)) packets.dir[i] = packets.dir[i] === 0 ? 1 : 0;
  }
}

/**
 * Exchanges complete at their response; list them by when the request (or orphan response) was
 * seen. Stable, as Array.prototype.sort is: exchanges of one packet keep the order they completed.
 */
function sortByRequestPacket(exchanges: StoredExchange[], store: ExchangeStore | null): void {
  const at = new Map<StoredExchange, number>();
  for (const x of exchanges) at.set(x, store ? store.firstPacket(x) : (x.request?.first ?? x.response?.first ?? 0));
  exchanges.sort((a, b) => at.get(a)! - at.get(b)!);
}

function countUndecoded(
  decode: DecodeCounts,
  ipVersion: number,
  fragment: boolean,
  stop: { layer: string; kind: string } | null,
  linkType: number,
): void {
  if (stop && stop.layer === "link" && stop.kind === "unsupported") {
    decode.unsupportedLinkTypes[linkType] = (decode.unsupportedLinkTypes[linkType] ?? 0) + 1;
  } else if (stop && stop.kind !== "unsupported") {
    decode.malformed++;
  } else if (ipVersion === 0) {
    decode.nonIp++;
  } else if (!fragment) {
    decode.nonTcp++;
  }
}
