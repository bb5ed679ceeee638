/**
 * What the panes show, over one analysed capture: lists as index arrays (never one object per
 * packet), rows built for the visible window only, filters run with the rule facts.
 * Every string that came from the capture goes through `safe` before it is returned as a row.
 */

import { kafkaApiName } from "../facts/kafka-names.js";
import { protocolLabel } from "../facts/schema.js";
import { createDecodedPacket, decodePacket } from "../decode/packet.js";
import type { DecodedPacket } from "../decode/types.js";
import type { AnalysedCapture, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import { redissectConnection, type Redissected } from "../model/redissect.js";
import { redissectPdu, type PduDetail } from "../model/redissect-pdu.js";
import type { StreamMap } from "../model/stream-map.js";
import type { PdusByPacket } from "../model/pdus-by-packet.js";
import type { FieldValue } from "../plugins/api.js";
import type { Registry } from "../plugins/registry.js";
import { buildConnectionFacts, exchangeFactsBuilder, type Facts } from "../facts/build.js";
import { buildEndFacts } from "../rules/end-facts.js";
import { PacketItems, pdusByPacket, readsOf } from "../facts/packet-item.js";
import { severityRank } from "../report/findings.js";
import type { Finding } from "../rules/index.js";
import { packetRow as reportPacketRow, type PacketJson } from "../report/packets.js";
import { dissectorColumn } from "../report/packet-info.js";
import type { Connection } from "../tcp/types.js";
import { withoutStacks, type CompiledFilter } from "./filter.js";
import { exchangeColumns, exchangeHeaderText, exchangeRowText, outcome, type ExchangeColumns, type ExchangeNeeds } from "./exchange-row.js";
import { groupFindings, type FindingGroup } from "./finding-groups.js";
import { FULL_LABELS_FROM, packetColumns, packetHeaderText, packetInfo, packetRowText, packetStyle, type PacketColumns, type PacketStyle } from "./packet-row.js";
import { fit, fitEnd, padLeft, safe, shareWidth, shortCount, shortDuration, type Glyphs } from "./text.js";

const RST = 0x004;
/** The connections pane's close column: "RST srv", "FIN cli", "open" (and its title with the sort mark). */
const CLOSE_WIDTH = 7;
/** Connections whose re-dissected PDUs (with trees) are kept for the detail pane. */
const DETAIL_CACHE = 8;
/** PDUs re-dissected on their own kept for the detail pane. */
const PDU_CACHE = 64;


export interface ConnColumn {
  key: string;
  title: string;
  /** Sort key; larger first for numbers when descending. */
  sort(c: Connection, m: TuiModel): number | string;
}

export const CONN_COLUMNS: readonly ConnColumn[] = [
  { key: "id", title: "#", sort: (c) => c.id },
  { key: "client", title: "client", sort: (c) => `${c.client.addr}:${String(c.client.port).padStart(5, "0")}` },
  { key: "server", title: "server", sort: (c) => `${c.server.addr}:${String(c.server.port).padStart(5, "0")}` },
  { key: "duration", title: "dur", sort: (c) => c.endUs - c.startUs },
  { key: "bytes", title: "bytes", sort: (c) => c.c2s.bytes + c.s2c.bytes },
  { key: "idle", title: "idle", sort: (c) => c.longestIdleUs },
  { key: "close", title: "close", sort: (c) => `${c.close.how}:${c.close.by ?? ""}` },
  { key: "resets", title: "rst", sort: (c, m) => m.rstCount(c.id) },
  { key: "findings", title: "find", sort: (c, m) => m.findingsOf(c.id).length },
];

export class TuiModel {
  readonly pdusByPacket: PdusByPacket;
  readonly findings: Finding[];
  /** The findings by cause (rule), as the findings pane lists them. */
  readonly findingGroups: FindingGroup[];
  private readonly byConn = new Map<number, Finding[]>();
  private rst: Uint32Array | null = null;
  private connPackets = new Map<number, Int32Array>();
  private connFactsCache: Facts[] | null = null;
  /**
   * Builds one exchange's facts for the exchanges pane's filter. The facts are built again on
   * each filtering, not kept: kept for every exchange they were the largest part of a session's
   * memory (75 MiB at 1M packets, ~480 bytes an exchange), and building them is the cost of one
   * rule pass over the exchanges.
   */
  private exchangeFactsOf: ((e: StoredExchange) => Facts) | null = null;
  /** The last whole-capture result of the exchanges pane's filter (leaving a connection's scope shows it again). */
  private exchangeFilterCache: { filter: CompiledFilter; list: number[] } | null = null;
  private packetFactsCache: PacketItems | null = null;
  private readonly pkt: DecodedPacket = createDecodedPacket();
  /** Re-dissected PDUs with trees, by connection id, least recently used first. */
  private readonly detailCache = new Map<number, Redissected>();
  private readonly pduCache = new Map<string, PduDetail | null>();
  private exchangeByResponse: Map<string, StoredExchange> | null = null;
  private allPacketsList: Int32Array | null = null;
  readonly t0: number;
  /** Longest client or server address of the capture's connections, or MAC (-1: not measured yet). */
  private longestAddr = -1;
  private exchangeNeeds: ExchangeNeeds | null = null;
  /** Longest client and server endpoint of the capture (null: not measured yet). */
  private endpointNeeds: { client: number; server: number } | null = null;

  constructor(
    readonly capture: AnalysedCapture,
    findings: Finding[],
    readonly glyphs: Glyphs,
    readonly ascii: boolean,
    /** The registry of the analysis: with it, the detail pane re-dissects for protocol trees. */
    private readonly registry: Registry | null = null,
  ) {
    this.findings = [...findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
    this.findingGroups = groupFindings(this.findings);
    for (const f of this.findings) {
      if (f.evidence.connection === undefined) continue;
      const list = this.byConn.get(f.evidence.connection) ?? [];
      list.push(f);
      this.byConn.set(f.evidence.connection, list);
    }
    this.pdusByPacket = pdusByPacket(capture);
    this.t0 = capture.packets.count > 0 ? capture.packets.tsUs[0]! : 0;
  }

  safe(text: string): string {
    return safe(text, this.ascii);
  }

  /** Connections listed: a live capture's folded connections (holes in the list) are only counted in the notice. */
  get connectionCount(): number {
    if (this.listedConnections < 0) {
      let n = 0;
      for (const c of this.capture.connections) if (c) n++;
      this.listedConnections = n;
    }
    return this.listedConnections;
  }
  private listedConnections = -1;

  findingsOf(connId: number): Finding[] {
    return this.byConn.get(connId) ?? [];
  }

  rstCount(connId: number): number {
    if (!this.rst) {
      const p = this.capture.packets;
      this.rst = new Uint32Array(this.capture.connections.length);
      for (let i = 0; i < p.count; i++) if (p.tcpFlags[i]! & RST && p.connId[i]! >= 0) this.rst[p.connId[i]!]!++;
    }
    return this.rst[connId] ?? 0;
  }

  /** Every packet index, 0..count-1 (made once: a million-packet list costs 4 MB). */
  private allPackets(): Int32Array {
    if (!this.allPacketsList) {
      const n = this.capture.packets.count;
      const list = new Int32Array(n);
      for (let i = 0; i < n; i++) list[i] = i;
      this.allPacketsList = list;
    }
    return this.allPacketsList;
  }

  /** Packet indices (0-based) of one connection, ascending. */
  packetsOf(connId: number): Int32Array {
    let list = this.connPackets.get(connId);
    if (!list) {
      const p = this.capture.packets;
      const conn = this.capture.connections[connId];
      const out: number[] = [];
      if (conn) for (let i = conn.firstPacket - 1; i < Math.min(p.count, conn.lastPacket); i++) if (p.connId[i] === connId) out.push(i);
      list = Int32Array.from(out);
      this.connPackets.set(connId, list);
    }
    return list;
  }

  /**
   * The stored PDUs with their protocol trees, and for each the map from its bytes back to the
   * frames (for the hex pane). A PDU is re-dissected on its own from the packets that carried it
   * (src/model/redissect-pdu.ts: the cost of that PDU, however long its connection); where that
   * cannot stand in for the pass, its whole connection is re-dissected (redissect.ts). Both are
   * kept for the last few PDUs and connections. A PDU that cannot be matched (or without a
   * registry) comes back as stored.
   */
  withTrees(pdus: readonly StoredPdu[]): { pdus: StoredPdu[]; streams: Map<StoredPdu, StreamMap>; error: string | null } {
    const streams = new Map<StoredPdu, StreamMap>();
    if (!this.registry) return { pdus: [...pdus], streams, error: null };
    let error: string | null = null;
    const out = pdus.map((d) => {
      try {
        const one = this.pduDetail(d);
        if (one) {
          streams.set(one.pdu, one.streams);
          return one.pdu;
        }
        const again = this.redissected(d.connId);
        const same = again.pdus.find((a) => a.packet === d.packet && a.dir === d.dir && a.ref.first === d.ref.first && a.ref.last === d.ref.last && a.summary === d.summary);
        if (!same) return d;
        streams.set(same, again.streams);
        return same;
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        return d;
      }
    });
    return { pdus: out, streams, error };
  }

  private pduDetail(d: StoredPdu): PduDetail | null {
    const key = `${d.connId}/${d.dir}/${d.ref.streamOffset}/${d.packet}`;
    let done = this.pduCache.get(key);
    if (done === undefined) {
      done = redissectPdu(this.capture, d, this.registry!, this.packetsOf(d.connId), (r) => this.requestOf(r));
      if (this.pduCache.size >= PDU_CACHE) this.pduCache.delete(this.pduCache.keys().next().value!);
    } else this.pduCache.delete(key); // most recently used goes last
    this.pduCache.set(key, done);
    return done;
  }

  /**
   * The stored request a stored response answers, through the exchange the pass paired. Sides are
   * matched by stream offset where the dissector gives it: several responses can start and end in
   * the same packets, and packet numbers alone would pair the wrong ones.
   */
  private requestOf(response: StoredPdu): StoredPdu | null {
    const key = (connId: number, first: number, last: number, offset: number | undefined) => `${connId}/${first}/${last}/${offset ?? ""}`;
    if (!this.exchangeByResponse) {
      this.exchangeByResponse = new Map();
      for (const ex of this.capture.exchanges) {
        if (ex.request && ex.response) this.exchangeByResponse.set(key(ex.connId, ex.response.first, ex.response.last, ex.response.streamOffset), ex);
      }
    }
    const byOffset = this.exchangeByResponse.get(key(response.connId, response.ref.first, response.ref.last, response.ref.streamOffset));
    const req = (byOffset ?? this.exchangeByResponse.get(key(response.connId, response.ref.first, response.ref.last, undefined)))?.request;
    if (!req) return null;
    const candidates = (this.pdusByPacket.get(req.last) ?? []).filter((d) => d.connId === response.connId && d.dir === "c2s" && d.ref.first === req.first);
    return (req.streamOffset !== undefined ? candidates.find((d) => d.ref.streamOffset === req.streamOffset) : undefined) ?? candidates[0] ?? null;
  }

  private redissected(connId: number): Redissected {
    let done = this.detailCache.get(connId);
    if (done) {
      this.detailCache.delete(connId); // most recently used goes last
    } else {
      done = redissectConnection(this.capture, connId, this.registry!, { packets: this.packetsOf(connId) });
      if (this.detailCache.size >= DETAIL_CACHE) this.detailCache.delete(this.detailCache.keys().next().value!);
    }
    this.detailCache.set(connId, done);
    return done;
  }

  connFacts(): Facts[] {
    return (this.connFactsCache ??= buildConnectionFacts(this.capture));
  }

  /** The facts of exchange `e`, as the rules see them. */
  exchangeFacts(e: StoredExchange): Facts {
    if (!this.exchangeFactsOf) {
      // path.* as the rules see it (what the capture says of each connection's path and server);
      // only that part of the end facts is kept.
      const paths = buildEndFacts(this.capture).map((e) => e?.path);
      this.exchangeFactsOf = exchangeFactsBuilder(this.capture, this.connFacts(), (id) => paths[id]);
    }
    return this.exchangeFactsOf(e);
  }

  /** Packets (indices) that pass `filter`, within one connection or the whole capture. */
  filterPackets(filter: CompiledFilter | null, connId: number | null): Int32Array {
    const job = this.packetFilterJob(filter, connId);
    while (!job.step(Infinity));
    return job.result();
  }

  /** Packets a packet filter looks at: one connection's or the whole capture's. */
  packetScopeSize(connId: number | null): number {
    return connId === null ? this.capture.packets.count : this.packetsOf(connId).length;
  }

  /**
   * A packet filter run in slices (the TUI evaluates big captures between key presses):
   * `step(n)` tests the next `n` packets of the scope and says whether the scan is complete.
   */
  packetFilterJob(filter: CompiledFilter | null, connId: number | null): PacketFilterJob {
    const p = this.capture.packets;
    const scope = connId === null ? null : this.packetsOf(connId);
    const total = scope ? scope.length : p.count;
    if (!filter || !filter.ok || filter.matchAll) {
      const all = scope ?? this.allPackets();
      return { total, done: total, step: () => true, result: () => all };
    }
    // conn.* is built on the filter's first read of it: most packet filters never read it.
    const facts = (this.packetFactsCache ??= new PacketItems(this.capture, () => this.connFacts(), this.pdusByPacket));
    facts.reads = readsOf([filter.cel]);
    const out: number[] = [];
    let done = 0;
    const job: PacketFilterJob = {
      total,
      done: 0,
      step(n) {
        const end = Math.min(total, done + n);
        withoutStacks(() => {
          for (; done < end; done++) {
            const i = scope ? scope[done]! : done;
            if (facts.some(i, (f) => filter.test(f))) out.push(i);
          }
        });
        job.done = done;
        return done >= total;
      },
      result: () => Int32Array.from(out),
    };
    return job;
  }

  filterExchanges(filter: CompiledFilter | null, connId: number | null): number[] {
    const ex = this.capture.exchanges;
    const test = filter && filter.ok && !filter.matchAll ? filter : null;
    if (test && connId === null && this.exchangeFilterCache?.filter === test) return [...this.exchangeFilterCache.list];
    const out: number[] = [];
    withoutStacks(() => {
      for (let i = 0; i < ex.length; i++) {
        const e = ex[i]!;
        if (connId !== null && e.connId !== connId) continue;
        if (test && !test.test(this.exchangeFacts(e))) continue;
        out.push(i);
      }
    });
    if (test && connId === null) this.exchangeFilterCache = { filter: test, list: [...out] };
    return out;
  }

  filterConnections(filter: CompiledFilter | null, sortKey: string, descending: boolean): number[] {
    const conns = this.capture.connections;
    const facts = filter && filter.ok && !filter.matchAll ? this.connFacts() : null;
    const out: number[] = [];
    withoutStacks(() => {
      // Holes are connections a live capture folded into its aggregates: counted in the notice, not listed.
      for (const c of conns) if (c && (!facts || !filter?.ok || filter.test({ conn: facts[c.id]! }))) out.push(c.id);
    });
    const col = CONN_COLUMNS.find((c) => c.key === sortKey) ?? CONN_COLUMNS[0]!;
    const keys = new Map(out.map((id) => [id, col.sort(conns[id]!, this)]));
    out.sort((a, b) => {
      const ka = keys.get(a)!;
      const kb = keys.get(b)!;
      const d = typeof ka === "number" && typeof kb === "number" ? ka - kb : String(ka).localeCompare(String(kb));
      return (descending ? -d : d) || a - b;
    });
    return out;
  }

  // ---- rows -------------------------------------------------------------------------------

  connHeader(width: number, sortKey: string, descending: boolean): string {
    const w = this.connWidths(width);
    const mark = (k: string, t: string) => (k === sortKey ? t + (descending ? this.glyphs.sortDown : this.glyphs.sortUp) : t);
    const t = (k: string) => mark(k, CONN_COLUMNS.find((c) => c.key === k)!.title);
    return fit(
      ` ${padLeft(t("id"), w.id)} ${fit(t("client"), w.client)} ${fit(t("server"), w.server)} ${padLeft(t("duration"), 7)} ${padLeft(t("bytes"), 6)} ${padLeft(t("idle"), 7)} ${fit(t("close"), CLOSE_WIDTH)} ${padLeft(t("resets"), 4)} ${padLeft(t("findings"), 4)}`,
      width,
    );
  }

  /**
   * Widths of the id and endpoint columns. The id column is as wide as the capture's largest id
   * (2 at least: "#" and the sort mark); the endpoints share what the other columns leave by need
   * (the server column is often one broker address, shorter than the clients'): an endpoint is
   * cut only when the two do not fit side by side.
   */
  private connWidths(width: number): { id: number; client: number; server: number } {
    if (!this.endpointNeeds) {
      const need = { client: 0, server: 0 };
      for (const c of this.capture.connections) {
        if (!c) continue;
        need.client = Math.max(need.client, endpointText(c.client).length);
        need.server = Math.max(need.server, endpointText(c.server).length);
      }
      this.endpointNeeds = need;
    }
    const id = Math.max(2, String(Math.max(0, this.capture.connections.length - 1)).length);
    const fixed = 1 + id + 1 + 1 + (1 + 7) + (1 + 6) + (1 + 7) + (1 + CLOSE_WIDTH) + (1 + 4) + (1 + 4);
    const [client, server] = shareWidth(Math.max(16, width - fixed), Math.max(8, this.endpointNeeds.client), Math.max(8, this.endpointNeeds.server));
    return { id, client, server };
  }

  connRow(c: Connection, width: number): string {
    const w = this.connWidths(width);
    const n = this.findingsOf(c.id).length;
    const marker = n > 0 ? this.glyphs.marker.slice(0, 1) : " ";
    const by = c.close.by === "server" ? "srv" : c.close.by === "client" ? "cli" : "?";
    const close = c.close.how === "open" ? "open" : `${c.close.how.toUpperCase()} ${by}`;
    return fit(
      `${marker}${padLeft(String(c.id), w.id)} ${fitEnd(endpointText(c.client), w.client, this.glyphs.ellipsis)} ${fitEnd(endpointText(c.server), w.server, this.glyphs.ellipsis)} ${padLeft(shortDuration(c.endUs - c.startUs), 7)} ${padLeft(shortCount(c.c2s.bytes + c.s2c.bytes), 6)} ${padLeft(shortDuration(c.longestIdleUs), 7)} ${fit(close, CLOSE_WIDTH)} ${padLeft(String(this.rstCount(c.id)), 4)} ${padLeft(n ? String(n) : "-", 4)}`,
      width,
    );
  }

  exchangeHeader(width: number): string {
    return fit(exchangeHeaderText(this.exchangeColumns(width)), width);
  }

  /** Column widths of the exchanges pane; what the capture needs is measured once. */
  private exchangeColumns(width: number): ExchangeColumns {
    if (!this.exchangeNeeds) {
      const p = this.capture.packets;
      const span = p.count > 0 ? (p.tsUs[p.count - 1]! - this.t0) / 1e6 : 0;
      const result = { short: 0, full: 0 };
      let client = 0;
      let topics = 0;
      for (const ex of this.capture.exchanges) {
        result.short = Math.max(result.short, outcome(ex, true, this.capture).length);
        result.full = Math.max(result.full, outcome(ex, false, this.capture).length);
        const t = exchangeTexts(ex);
        client = Math.max(client, t.clientId.length);
        topics = Math.max(topics, t.topics.length);
      }
      this.exchangeNeeds = { time: span.toFixed(3).length, conn: String(Math.max(0, this.capture.connections.length - 1)).length, client, topics, result };
    }
    return exchangeColumns(width, this.exchangeNeeds);
  }

  exchangeRow(ex: StoredExchange, width: number): string {
    const c = this.exchangeColumns(width);
    const f = ex.fields;
    const key = typeof f["kafka.api_key"] === "number" ? f["kafka.api_key"] : null;
    const side = ex.request ?? ex.response!;
    const time = ((this.capture.packets.tsUs[side.first - 1] ?? side.tsUs) - this.t0) / 1e6;
    const { clientId, topics } = exchangeTexts(ex);
    const version = f["kafka.api_version"];
    const cells = {
      time: time.toFixed(3),
      conn: ex.connId,
      // Another protocol's exchange: its label (the summary says the rest).
      api: key !== null ? String(kafkaApiName(key) ?? key) : ex.dissector === "kafka" ? "?" : this.safe(protocolLabel(ex.dissector)),
      version: key === null ? null : typeof version === "number" || typeof version === "string" ? version : "?",
      client: this.safe(clientId),
      topics: this.safe(topics),
      req: ex.request ? shortCount(ex.request.length) : "-",
      resp: ex.response ? shortCount(ex.response.length) : "-",
      latency: ex.request && ex.response ? shortDuration(ex.response.tsUs - ex.request.tsUs) : "-",
      result: outcome(ex, c.short, this.capture),
    };
    return fit(exchangeRowText(c, cells, this.glyphs.ellipsis), width, this.glyphs.ellipsis);
  }

  packetHeader(width: number): string {
    return fit(packetHeaderText(this.packetColumns(width), this.glyphs.arrow), width);
  }

  private packetColumns(width: number): PacketColumns {
    if (this.longestAddr < 0) {
      const ep = (e: { addr: string }) => e.addr.length;
      let longest = 0;
      for (const c of this.capture.connections) if (c) longest = Math.max(longest, ep(c.client), ep(c.server));
      this.longestAddr = longest;
      // Frames that are not IP (ARP...) show link addresses: room for a MAC address where there is some.
      if (this.capture.decode.nonIp > 0) this.longestAddr = Math.max(this.longestAddr, "00:00:00:00:00:00".length);
    }
    return packetColumns(width, this.longestAddr);
  }

  /** Decodes packet `index` (bytes read back from the file) into the shared DecodedPacket. */
  decode(index: number): { frame: Uint8Array; pkt: DecodedPacket } {
    const p = this.capture.packets;
    const frame = this.capture.bytes.view(p.fileOffset[index]!, p.capLen[index]!);
    decodePacket(frame, p.linkType[index]!, this.pkt);
    return { frame, pkt: this.pkt };
  }

  /** The row `kdiag packets` prints for packet `index`, and the PDUs it completed. */
  private packetJson(index: number): { row: PacketJson; pdus: StoredPdu[] } {
    const { frame, pkt } = this.decode(index);
    const row = reportPacketRow(this.capture.packets, index, pkt, this.capture.connections, frame);
    return { row, pdus: this.pdusByPacket.get(index + 1) ?? [] };
  }

  /**
   * Packet `index` as a row of the packets pane; `prev` is the packet above it in the list (the
   * delta column is the time since it), -1 for the first row. `mark`: true for the evidence
   * marker, or the glyph to show. `timeRef`: the time reference's index, whose time the time
   * column counts from (-1: the first packet of the capture).
   */
  packetRow(index: number, width: number, mark: boolean | string, prev = -1, timeRef = -1): string {
    const p = this.capture.packets;
    const { row, pdus } = this.packetJson(index);
    const info = packetInfo(row, pdus, width >= FULL_LABELS_FROM);
    const cells = {
      mark: typeof mark === "string" ? mark : mark ? this.glyphs.marker.slice(0, 1) : " ",
      number: index + 1,
      rel: (p.tsUs[index]! - (timeRef >= 0 ? p.tsUs[timeRef]! : this.t0)) / 1e6,
      ref: index === timeRef,
      deltaUs: prev >= 0 ? Math.max(0, p.tsUs[index]! - p.tsUs[prev]!) : 0,
      src: this.safe(row.src ?? "?"),
      dst: this.safe(row.dst ?? "?"),
      proto: pdus.length === 0 ? row.protocol : this.safe(dissectorColumn(pdus[0]!.dissector)),
      length: p.origLen[index]!,
      // tshark's arrow between the ports, in the terminal's glyphs ("->" on an ASCII terminal).
      info: this.safe(info.replaceAll(" → ", ` ${this.glyphs.arrow} `)),
    };
    return fit(packetRowText(this.packetColumns(width), cells, this.glyphs.arrow, this.glyphs.ellipsis), width, this.glyphs.ellipsis);
  }

  /** The colouring rule packet `index` falls under (packet-row.ts), null for none. */
  packetStyle(index: number): PacketStyle {
    const { row, pdus } = this.packetJson(index);
    return packetStyle(row, pdus);
  }
}

export { outcome };

export interface PacketFilterJob {
  /** Packets in the scope, and how many have been tested so far. */
  readonly total: number;
  done: number;
  /** Tests up to `n` more packets; true when every packet of the scope has been tested. */
  step(n: number): boolean;
  /** Indices of the matching packets, ascending (complete once `step` returned true). */
  result(): Int32Array;
}

/** "10.0.0.1:9092", "[fd00::1]:9092". */
function endpointText(e: { addr: string; port: number }): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

/** An exchange's client id and topics as the exchanges pane shows them ("-" for none). */
function exchangeTexts(ex: StoredExchange): { clientId: string; topics: string } {
  const f = ex.fields;
  // Another protocol has no client id or topics: its own one-line summary says what the exchange was.
  if (ex.dissector !== "kafka") return { clientId: "-", topics: ex.summary || "-" };
  return { clientId: typeof f["kafka.client_id"] === "string" ? f["kafka.client_id"] : "-", topics: strings(f["kafka.topic_name"]).join(",") || "-" };
}

function strings(v: FieldValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}
