/**
 * The terminal UI: panes over one blessed screen, every key through the keymaps (keymap.ts), every
 * list virtualised (vlist.ts), all geometry from layout.ts. State lives here; the panes are plain
 * boxes whose content is rebuilt for the visible rows on each render.
 */

import type { Widgets } from "blessed";
import blessed from "blessed";
import sparkline from "blessed-contrib/lib/widget/sparkline.js";
import type { StoredPdu } from "../model/analysed-capture.js";
import type { Finding } from "../rules/index.js";
import { compileFilter, filterStatus, searchRows, type CompiledFilter, type FilterScope } from "./filter.js";
import { complete } from "./completion.js";
import { bytesPerLine, hexLine, hexLineCount } from "./hex.js";
import { maskFrame } from "../model/secret-bytes.js";
import { FilterHistory } from "./history.js";
import { FILTER_BAR_KEYMAP, GLOBAL_KEYMAP, HELP_KEYMAP, helpLines, hints, keyName, lookup, lookupIn, type Action, type ViewId } from "./keymap.js";
import { HEADED, layout, paneOrder, type Needs, type Rect } from "./layout.js";
import { findingItems, findingItemText, groupTree, itemFinding, type FindingItem } from "./finding-groups.js";
import { CONN_COLUMNS, TuiModel, outcome, type PacketFilterJob } from "./model.js";
import { compareTree, connectionTree } from "./row-detail.js";
import { styleTags } from "./packet-row.js";
import { packetMatches, packetSearchJob, type PacketSearchJob } from "./packet-search.js";
import { titleText, type QuotedPart } from "./pane-title.js";
import { rowAtPacket, streamRows, type StreamRow } from "./stream.js";
import { escapeTags, fit, safe, type Glyphs, type TermCaps } from "./text.js";
import { seriesTitles, timelineBuckets, timelineMarkRows, timelineRows } from "./timeline.js";
import { allIds, defaultExpanded, exchangeTree, findingTree, flatten, KAFKA_ERROR_LABEL, packetTree, type FlatRow, type UiNode } from "./tree.js";
import { emptyList, lowerBound, move, select, settle, type ListState, type Move } from "./vlist.js";

export interface CompareRow {
  text: string;
  /** The connection on the client side (id in the first capture), null when only the server side has it. */
  clientConn?: number | null;
  /** Client-side packets (0-based indices) with no counterpart in the server-side capture. */
  clientOnly?: () => number[];
}

export interface AppOptions {
  screen: Widgets.Screen;
  caps: TermCaps;
  glyphs: Glyphs;
  title: string;
  /** Called once when the user quits. */
  onQuit: () => void;
}

const TITLES: Record<ViewId, string> = {
  findings: "Findings",
  connections: "Connections",
  exchanges: "Kafka exchanges",
  packets: "Packets",
  detail: "Detail",
  hex: "Hex",
  timeline: "Timeline",
  compare: "Comparison (client side vs server side)",
};

/** Rows the traffic chart takes (label, then title and sparkline for each direction). */
const CHART_ROWS = 6;

const FILTER_SCOPES: Partial<Record<ViewId, FilterScope>> = { packets: "packet", exchanges: "exchange", connections: "connection" };

/** Time a packet-filter slice may take before keys get their turn, and packets tested between clock reads. */
const FILTER_SLICE_MS = 16;
const FILTER_STEP = 1000;
/** Packets the find (f) tests between clock reads: each reads its packet's bytes back. */
const FIND_STEP = 32;

/** List panes whose selected row the detail pane shows. */
type Followed = "findings" | "packets" | "exchanges" | "connections" | "compare";
const FOLLOWED: ReadonlySet<ViewId> = new Set<Followed>(["findings", "packets", "exchanges", "connections", "compare"]);

type DetailSource =
  | { kind: "packet"; index: number }
  | { kind: "exchange"; index: number }
  | { kind: "finding"; index: number }
  | { kind: "connection"; index: number }
  | { kind: "compare"; index: number }
  /** Follow stream: a connection's Kafka messages and TCP events (index: the connection). */
  | { kind: "stream"; index: number }
  | null;

interface Snapshot {
  focus: ViewId;
  connScope: number | null;
  evidence: Set<number>;
  evidenceLabel: string;
  selected: Partial<Record<ViewId, number>>;
}

/** A packet filter being evaluated in slices, between key presses. */
interface RunningFilter {
  job: PacketFilterJob;
  cancelled: boolean;
}

interface FilterBar {
  view: ViewId;
  /** The packets pane's find (f): plain text, not a filter. */
  find?: boolean;
  text: string;
  cursor: number;
  compiled: CompiledFilter | null;
  /** Where Up/Down is in the history (entries.length: the line being typed), and that line. */
  historyAt: number;
  draft: string;
  /** The choices the last Tab found, while there are several. */
  choices: string[];
}

export class App {
  readonly screen: Widgets.Screen;
  private readonly caps: TermCaps;
  private readonly g: Glyphs;
  private readonly boxes = new Map<ViewId, Widgets.BoxElement>();
  private readonly header: Widgets.BoxElement;
  private readonly status: Widgets.BoxElement;
  private readonly bar: Widgets.BoxElement;
  private readonly help: Widgets.BoxElement;
  /** The timeline's traffic chart (blessed-contrib), on Unicode terminals only. */
  private readonly chart: sparkline.SparklineElement | null;
  /** Where the chart goes on this render, null: hidden (set by paneBody, used by render). */
  private chartAt: { rect: Rect; titles: string[]; data: number[][] } | null = null;
  private rects = new Map<ViewId, Rect>();

  model: TuiModel | null = null;
  focus: ViewId = "findings";
  zoom = false;
  lower: ViewId = "detail";
  connScope: number | null = null;
  evidence = new Set<number>();
  /** What the `●` marks in the packets pane mean, when not a finding's evidence. */
  evidenceLabel = "";
  private readonly lists: Record<ViewId, ListState> = {
    findings: emptyList(),
    connections: emptyList(),
    exchanges: emptyList(),
    packets: emptyList(),
    detail: emptyList(),
    hex: emptyList(),
    timeline: emptyList(),
    compare: emptyList(),
  };
  private readonly filters: Partial<Record<ViewId, CompiledFilter>> = {};
  private readonly searches: Partial<Record<ViewId, string>> = {};
  private connOrder: number[] = [];
  /** Rows of the findings pane, and the groups (by index) opened into their connections. */
  private findingList: FindingItem[] = [];
  private readonly openGroups = new Set<number>();
  private exchangeList: number[] = [];
  private packetList: Int32Array = new Int32Array(0);
  sortKey = "id";
  sortDesc = false;
  private detail: DetailSource = null;
  private tree: UiNode[] = [];
  private expanded = new Set<string>();
  private flat: FlatRow[] = [];
  private hexBytes: Uint8Array = new Uint8Array(0);
  /** The packet (1-based) whose bytes the hex pane holds, 0 for none. */
  private hexPacket = 0;
  /** The packet the detail tree is about (a packet, or an exchange's first); its nodes without a packet of their own are in it. */
  private treePacket = 0;
  private history: Snapshot[] = [];
  helpOpen = false;
  private helpTop = 0;
  filterBar: FilterBar | null = null;
  /** Where the filter bar's cursor is on screen (row, column), set by draw. */
  private barCursor = { row: 0, col: 0 };
  /** Applied filters, across runs when runTui gives a file (tests keep theirs in memory). */
  filterHistory = new FilterHistory(null);
  message = "";
  /** Shown in the title bar for good: what the user must not forget (a damaged capture). */
  notice = "";
  progress = "";
  compareRows: CompareRow[] | null = null;
  /** Packets a filter tests synchronously; a bigger scope is filtered in slices of this size. */
  filterChunk = 20_000;
  /** How the next slice of a running filter is scheduled (tests step it by hand). */
  scheduleSlice: (slice: () => void) => void = (slice) => void setImmediate(slice);
  private running: RunningFilter | null = null;
  /** Packets the user marked (m), by number: they outlive filters and scope changes. */
  readonly userMarks = new Set<number>();
  /** The time reference (t), a packet number; 0: times count from the first packet. */
  timeRef = 0;
  /** The rows of the followed stream while the detail pane shows one. */
  private stream: StreamRow[] = [];
  /** The text of the packets pane's find (f), repeated by n, and the find still running. */
  private findText = "";
  private finding: PacketSearchJob | null = null;
  /** A key or mouse event is being handled: render() waits for the end of the event loop's turn. */
  private batching = false;
  /** The draw render() deferred, once per turn however many keys asked for it. */
  private drawQueued: NodeJS.Immediate | null = null;
  /** The screen is gone (quit): nothing may draw any more. */
  private closed = false;
  private readonly title: string;
  private readonly onQuit: () => void;

  constructor(opts: AppOptions) {
    this.screen = opts.screen;
    this.caps = opts.caps;
    this.g = opts.glyphs;
    this.title = opts.title;
    this.onQuit = opts.onQuit;
    const box = () => blessed.box({ parent: this.screen, tags: true, wrap: false, top: 0, left: 0, width: 1, height: 1 });
    this.header = box();
    this.status = box();
    for (const v of paneOrder(true)) this.boxes.set(v, box());
    this.bar = box();
    this.bar.hide();
    this.help = box();
    this.help.hide();
    // blessed-contrib draws block characters: Unicode terminals only, the text cells otherwise.
    this.chart = this.caps.unicode
      ? sparkline({
          parent: this.screen,
          label: "Traffic (bytes on the wire per time bucket)",
          tags: true,
          top: 0,
          left: 0,
          width: 1,
          height: 1,
          style: this.caps.colour ? { fg: "green", titleFg: "white" } : { titleFg: "default" },
        })
      : null;
    this.chart?.hide();
    this.screen.on("keypress", (ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined) => this.batched(() => this.onKey(ch, key)));
    this.screen.on("resize", () => this.render());
    if (this.caps.colour) {
      this.screen.on("mouse", (data: Widgets.Events.IMouseEventArg) => this.batched(() => this.onMouse(data)));
    }
  }

  // ---- data -------------------------------------------------------------------------------

  setModel(model: TuiModel, compare: CompareRow[] | null = null): void {
    this.model = model;
    this.compareRows = compare;
    this.refreshFindings();
    this.lists.compare = settle({ ...this.lists.compare, count: compare?.length ?? 0 }, 1);
    this.refreshConnections();
    this.refreshExchanges();
    this.refreshPackets();
    if (model.findings.length === 0 && this.focus === "findings") this.focus = "connections";
    // With findings, the detail pane starts on the first one: its message, evidence and advice.
    this.followSelection(this.focus === "findings" ? "findings" : this.focus === "exchanges" ? "exchanges" : "packets");
    this.render();
  }

  /**
   * Live capture: a newer model of the same, growing capture. Nothing moves under the reader: the
   * focus stays, and each pane's selection stays on the same item (the same finding, connection,
   * exchange or packet) while new ones arrive; the detail pane follows only what it showed.
   */
  refreshModel(model: TuiModel): void {
    const old = this.model;
    if (!old) {
      this.setModel(model);
      return;
    }
    // Finding rows are (group index, index in group): remap them through the rule and the finding.
    const item = this.findingList[this.lists.findings.selected];
    const keptGroup = item ? old.findingGroups[item.group] : undefined;
    const keptFinding = itemFinding(old.findingGroups, item);
    const open = [...this.openGroups].map((i) => old.findingGroups[i]?.rule);
    this.model = model;
    this.openGroups.clear();
    model.findingGroups.forEach((g, i) => {
      if (open.includes(g.rule)) this.openGroups.add(i);
    });
    let keep: FindingItem | undefined;
    if (keptGroup) {
      const gi = model.findingGroups.findIndex((g) => g.rule === keptGroup.rule && g.severity === keptGroup.severity);
      if (gi >= 0) {
        const fi = keptFinding && item?.finding !== null ? model.findingGroups[gi]!.findings.indexOf(keptFinding) : -1;
        keep = { group: gi, finding: fi >= 0 ? fi : null };
      }
    }
    this.refreshFindings(keep);
    this.refreshConnections();
    const ex = this.exchangeList[this.lists.exchanges.selected];
    const exItem = ex !== undefined ? old.capture.exchanges[ex] : undefined;
    this.refreshExchanges();
    if (exItem) {
      const at = this.exchangeList.findIndex((i) => model.capture.exchanges[i] === exItem);
      if (at >= 0) this.lists.exchanges = settle({ ...this.lists.exchanges, selected: at }, this.height("exchanges"));
    }
    const packet = this.selectedPacket();
    this.refreshPackets();
    if (packet > 0) this.selectPacketNumber(packet);
    // The detail pane keeps its tree (what is open, where it scrolled); only its index into the
    // lists, which new items can shift, is brought up to date.
    const d = this.detail;
    if (d?.kind === "finding" && keep) {
      d.index = this.lists.findings.selected;
    } else if (d?.kind === "exchange") {
      const e = old.capture.exchanges[d.index];
      const at = e ? model.capture.exchanges.indexOf(e) : -1;
      if (at >= 0) d.index = at;
    }
    this.render();
  }

  private refreshConnections(): void {
    if (!this.model) return;
    const keep = this.connOrder[this.lists.connections.selected];
    this.connOrder = this.model.filterConnections(this.filters.connections ?? null, this.sortKey, this.sortDesc);
    const at = keep === undefined ? 0 : Math.max(0, this.connOrder.indexOf(keep));
    this.lists.connections = settle({ ...this.lists.connections, count: this.connOrder.length, selected: at }, this.height("connections"));
  }

  private refreshExchanges(): void {
    if (!this.model) return;
    this.exchangeList = this.model.filterExchanges(this.filters.exchanges ?? null, this.connScope);
    this.lists.exchanges = settle({ ...this.lists.exchanges, count: this.exchangeList.length }, this.height("exchanges"));
  }

  /**
   * Rebuilds the packets pane's list. A filter over more packets than `filterChunk` runs in
   * slices (at most filterChunk packets and FILTER_SLICE_MS each) between key presses: the
   * scope's unfiltered list shows meanwhile, with the progress in the pane title, and the result
   * replaces it when complete (Esc or `x` cancels).
   */
  private refreshPackets(): void {
    const m = this.model;
    if (!m) return;
    this.stopFilter();
    const filter = this.filters.packets ?? null;
    const job = m.packetFilterJob(filter, this.connScope);
    if (job.total <= this.filterChunk || !filter) {
      job.step(Infinity);
      this.showPackets(job.result());
      return;
    }
    this.showPackets(m.packetFilterJob(null, this.connScope).result());
    const run: RunningFilter = { job, cancelled: false };
    this.running = run;
    const slice = () => {
      if (run.cancelled) return;
      // At most filterChunk packets and about one frame's time per slice, so a key pressed
      // meanwhile waits for ~16 ms, not for a whole chunk of slow facts.
      const until = performance.now() + FILTER_SLICE_MS;
      let finished = false;
      for (let left = this.filterChunk; !finished && left > 0 && performance.now() < until; left -= FILTER_STEP) {
        finished = job.step(Math.min(left, FILTER_STEP));
      }
      if (!finished) {
        this.render();
        this.scheduleSlice(slice);
        return;
      }
      this.running = null;
      this.showPackets(job.result());
      const n = job.result().length;
      this.message = `${TITLES.packets}: ${n} match${n === 1 ? "" : "es"}`;
      this.followSelection("packets");
      this.render();
    };
    this.scheduleSlice(slice);
  }

  private showPackets(list: Int32Array): void {
    const keep = this.packetList[this.lists.packets.selected];
    this.packetList = list;
    const at = keep === undefined ? 0 : Math.min(lowerBound(this.packetList, keep), Math.max(0, this.packetList.length - 1));
    this.lists.packets = settle({ ...this.lists.packets, count: this.packetList.length, selected: at }, this.height("packets"));
  }

  /**
   * Stops a running packet filter and a running find (quitting: no slice may draw on a destroyed
   * screen; a new list: the find was walking the old one).
   */
  stopFilter(): void {
    if (this.running) this.running.cancelled = true;
    this.running = null;
    this.finding = null;
  }

  /** The screen is about to be destroyed: no filter slice, no deferred draw may touch it. */
  close(): void {
    this.stopFilter();
    this.closed = true;
    if (this.drawQueued) clearImmediate(this.drawQueued);
    this.drawQueued = null;
  }

  /** The packet filter still being evaluated: packets tested and in the scope, or null. */
  filterProgress(): { done: number; total: number } | null {
    return this.running ? { done: this.running.job.done, total: this.running.job.total } : null;
  }

  /** Esc or `x` while a filter runs: stop it and show the unfiltered list. */
  private cancelFilter(): void {
    this.stopFilter();
    delete this.filters.packets;
    this.refreshPackets();
    this.followSelection("packets");
    this.message = `${TITLES.packets}: filter cancelled`;
    this.render();
  }

  /** Rows a pane has for its list (its height less the title and column header). */
  private height(v: ViewId): number {
    const r = this.rects.get(v);
    if (!r) return 5;
    return Math.max(1, r.height - 1 - (HEADED.has(v) ? 1 : 0));
  }

  /** The finding of the selected findings row: a one-connection cause, or a connection of an open group. */
  selectedFinding(): Finding | undefined {
    const m = this.model;
    return m ? (itemFinding(m.findingGroups, this.findingList[this.lists.findings.selected]) ?? undefined) : undefined;
  }

  /** Rebuilds the findings rows (groups, and the connections of the open ones), keeping the selected row. */
  private refreshFindings(keep?: FindingItem): void {
    const m = this.model;
    if (!m) return;
    this.findingList = findingItems(m.findingGroups, this.openGroups);
    const at = keep ? this.findingList.findIndex((it) => it.group === keep.group && it.finding === keep.finding) : this.lists.findings.selected;
    this.lists.findings = settle({ ...this.lists.findings, count: this.findingList.length, selected: Math.max(0, at) }, this.height("findings"));
  }

  /** Packet number (1-based) selected in the packets pane, or -1. */
  selectedPacket(): number {
    const i = this.packetList[this.lists.packets.selected];
    return i === undefined || this.packetList.length === 0 ? -1 : i + 1;
  }

  /** Packet numbers shown in the packets pane, in order. */
  shownPackets(): number[] {
    return Array.from(this.packetList, (i) => i + 1);
  }

  selectedConnection(): number | null {
    if (this.connScope !== null) return this.connScope;
    const c = this.connOrder[this.lists.connections.selected];
    return c === undefined ? null : c;
  }

  private selectPacketNumber(n: number): void {
    const pos = lowerBound(this.packetList, n - 1);
    if (pos < this.packetList.length) this.lists.packets = select(this.lists.packets, pos, this.height("packets"));
  }

  /**
   * Detail and hex follow the selection of every list pane: the detail pane has the selected row
   * in full (a packet's or an exchange's tree, a finding, a connection, a comparison row), so text
   * a narrow terminal cuts from a row is always there.
   */
  private followSelection(from: Followed): void {
    if (!this.model) return;
    let src: DetailSource = null;
    if (from === "findings") {
      if (this.model.findings.length > 0) src = { kind: "finding", index: this.lists.findings.selected };
    } else if (from === "packets") {
      const i = this.packetList[this.lists.packets.selected];
      if (i !== undefined && this.packetList.length > 0) src = { kind: "packet", index: i };
    } else if (from === "exchanges") {
      const e = this.exchangeList[this.lists.exchanges.selected];
      if (e !== undefined) src = { kind: "exchange", index: e };
    } else if (from === "connections") {
      const c = this.connOrder[this.lists.connections.selected];
      if (c !== undefined) src = { kind: "connection", index: c };
    } else if (this.compareRows?.[this.lists.compare.selected]) src = { kind: "compare", index: this.lists.compare.selected };
    if (src?.kind === this.detail?.kind && src?.index === this.detail?.index) return;
    this.detail = src;
    this.buildTree();
  }

  private buildTree(): void {
    const m = this.model;
    this.tree = [];
    this.treePacket = 0;
    if (m && this.detail?.kind === "finding") {
      const item = this.findingList[this.detail.index];
      const group = item ? m.findingGroups[item.group] : undefined;
      const f = itemFinding(m.findingGroups, item);
      if (f) this.tree = findingTree(f);
      else if (group) this.tree = groupTree(group);
    } else if (m && this.detail?.kind === "connection") {
      const c = m.capture.connections[this.detail.index];
      if (c) this.tree = connectionTree(c, m.rstCount(c.id), m.findingsOf(c.id));
    } else if (m && this.detail?.kind === "stream") {
      const conn = this.detail.index;
      this.stream = streamRows({ capture: m.capture, connId: conn, packets: m.packetsOf(conn), pdusByPacket: m.pdusByPacket, glyphs: this.g, ascii: m.ascii, zeroUs: this.zeroUs() });
      this.tree = this.stream.map((r) => ({ label: r.text }));
    } else if (m && this.detail?.kind === "compare") {
      const row = this.compareRows?.[this.detail.index];
      if (row) this.tree = compareTree(row.text);
    } else if (m && this.detail?.kind === "packet") {
      // Re-dissection reads packet bytes too: done first, as it would overwrite the frame's view.
      const pdus = m.withTrees(m.pdusByPacket.get(this.detail.index + 1) ?? []);
      const { frame, pkt } = m.decode(this.detail.index);
      this.tree = packetTree(m.capture, this.detail.index, frame, pkt, pdus.pdus, pdus.streams, this.timeRef);
      this.treePacket = this.detail.index + 1;
      if (pdus.error) this.message = `protocol tree not available: ${pdus.error}`;
    } else if (m && this.detail?.kind === "exchange") {
      const ex = m.capture.exchanges[this.detail.index]!;
      const pdus: StoredPdu[] = [];
      for (const s of [ex.request, ex.response]) {
        if (!s) continue;
        for (const d of m.pdusByPacket.get(s.last) ?? []) if (d.connId === ex.connId && d.ref.first === s.first) pdus.push(d);
      }
      const withTrees = m.withTrees(pdus);
      this.tree = exchangeTree(m.capture, ex, withTrees.pdus, withTrees.streams, outcome(ex));
      if (withTrees.error) this.message = `protocol tree not available: ${withTrees.error}`;
      this.treePacket = ex.request?.first ?? ex.response?.first ?? 0;
    }
    this.expanded = defaultExpanded(this.tree);
    // A Kafka error in the tree is the answer the user is after: start on it (opened above).
    const rows = flatten(this.tree, this.expanded);
    this.reflatten(Math.max(0, rows.findIndex((r) => KAFKA_ERROR_LABEL.test(r.node.label))));
  }

  /** Where times count from: the time reference, else the first packet. */
  private zeroUs(): number {
    const p = this.model?.capture.packets;
    if (!p || p.count === 0) return 0;
    return this.timeRef > 0 && this.timeRef <= p.count ? p.tsUs[this.timeRef - 1]! : p.tsUs[0]!;
  }

  private reflatten(selected: number): void {
    this.flat = flatten(this.tree, this.expanded);
    this.lists.detail = settle({ count: this.flat.length, selected, top: this.lists.detail.top }, this.height("detail"));
    this.followTreeSelection();
  }

  private hexPerLine(): number {
    return bytesPerLine(this.rects.get("hex")?.width ?? 80);
  }

  /** The selected tree node, and the packet its bytes are in (0: it has no bytes of its own). */
  private selectedField(): { node: UiNode | undefined; packet: number } {
    const node = this.flat[this.lists.detail.selected]?.node;
    return { node, packet: node?.offset !== undefined ? (node.packet ?? this.treePacket) : 0 };
  }

  /**
   * The hex pane shows the packet holding the selected field (a Kafka field may sit in another
   * segment of its message than the packet selected), else the packet the tree is about, with
   * the field's first line in view.
   */
  private followTreeSelection(): void {
    const m = this.model;
    const { node, packet } = this.selectedField();
    const want = packet || this.treePacket;
    if (want !== this.hexPacket) {
      this.hexPacket = want;
      const p = m?.capture.packets;
      // Secrets (a SASL password) show as '*' unless the TUI runs with --show-secrets.
      this.hexBytes =
        p && want > 0 && want <= p.count
          ? Uint8Array.from(maskFrame(m.capture, want - 1, m.capture.bytes.view(p.fileOffset[want - 1]!, p.capLen[want - 1]!), m.capture.showSecrets === true))
          : new Uint8Array(0);
      this.lists.hex = { ...this.lists.hex, selected: 0, top: 0 };
    }
    const per = this.hexPerLine();
    this.lists.hex = settle({ ...this.lists.hex, count: hexLineCount(this.hexBytes.length, per) }, this.height("hex"));
    if (packet > 0 && packet === this.hexPacket) {
      this.lists.hex = select(this.lists.hex, Math.floor(node!.offset! / per), this.height("hex"));
    }
  }

  // ---- keys -------------------------------------------------------------------------------

  onKey(ch: string | undefined, key: Widgets.Events.IKeyEventArg | undefined): void {
    const name = keyName(ch, key);
    if (name === null) return;
    if (name === "C-c") return this.run("quit");
    if (this.helpOpen) return this.helpKey(name);
    if (this.filterBar) return this.filterKey(name, ch);
    if (this.running && (name === "escape" || name === "x")) return this.cancelFilter();
    if (this.finding && name === "escape") return this.cancelFind();
    const b = lookup(this.focus, name);
    if (b) {
      this.message = "";
      this.run(b.action);
    }
  }

  run(action: Action): void {
    const v = this.focus;
    switch (action) {
      case "quit":
        this.stopFilter();
        this.onQuit();
        return;
      case "help":
        this.helpOpen = true;
        this.helpTop = 0;
        break;
      case "next-pane":
      case "prev-pane": {
        const order = paneOrder(this.compareRows !== null);
        const i = order.indexOf(v);
        this.setFocus(order[(i + (action === "next-pane" ? 1 : order.length - 1)) % order.length]!);
        break;
      }
      case "back":
        this.back();
        break;
      case "filter":
        this.filterBar = { view: v, text: (FILTER_SCOPES[v] ? this.filters[v]?.text : this.searches[v]) ?? "", cursor: 0, compiled: null, historyAt: this.filterHistory.entries.length, draft: "", choices: [] };
        this.filterBar.cursor = this.filterBar.text.length;
        this.checkFilter();
        break;
      case "search-next":
        if (v === "packets") this.find(this.lists.packets.selected + 1);
        else this.search(this.lists[v].selected + 1);
        break;
      case "find":
        this.filterBar = { view: v, find: true, text: this.findText, cursor: this.findText.length, compiled: null, historyAt: this.filterHistory.entries.length, draft: "", choices: [] };
        break;
      case "toggle-mark":
        this.toggleMark();
        break;
      case "clear-marks": {
        const n = this.userMarks.size;
        this.userMarks.clear();
        this.message = n === 0 ? "no marks to clear (m marks a packet)" : `${n} mark${n === 1 ? "" : "s"} cleared`;
        break;
      }
      case "time-ref":
        this.toggleTimeRef();
        break;
      case "follow-stream":
        this.followStream();
        break;
      case "clear-filter":
        this.applyFilter(v, "");
        break;
      case "zoom":
        this.zoom = !this.zoom;
        break;
      case "up":
      case "down":
      case "page-up":
      case "page-down":
      case "top":
      case "bottom":
        this.moveIn(v, action);
        break;
      case "enter":
        this.enter();
        break;
      case "sort-next": {
        const i = CONN_COLUMNS.findIndex((c) => c.key === this.sortKey);
        this.sortKey = CONN_COLUMNS[(i + 1) % CONN_COLUMNS.length]!.key;
        // Numbers read best largest first; names alphabetically.
        this.sortDesc = !["id", "client", "server", "close"].includes(this.sortKey);
        this.refreshConnections();
        this.message = `sorted by ${CONN_COLUMNS.find((c) => c.key === this.sortKey)!.title}`;
        break;
      }
      case "sort-reverse":
        this.sortDesc = !this.sortDesc;
        this.refreshConnections();
        break;
      case "toggle":
      case "expand":
      case "collapse": {
        if (action === "toggle" && this.detail?.kind === "stream") {
          this.streamEnter();
          break;
        }
        const row = this.flat[this.lists.detail.selected];
        if (row?.hasChildren) {
          const open = action === "toggle" ? !row.expanded : action === "expand";
          if (open) this.expanded.add(row.id);
          else this.expanded.delete(row.id);
          this.reflatten(this.lists.detail.selected);
        }
        break;
      }
      case "expand-all":
        this.expanded = allIds(this.tree);
        this.reflatten(this.lists.detail.selected);
        break;
      case "collapse-all":
        this.expanded = new Set();
        this.reflatten(0);
        break;
      case "next-mark":
      case "prev-mark":
        this.nextMark(action === "next-mark" ? 1 : -1);
        break;
      case "scope-all":
        if (this.connScope === null) {
          const c = this.selectedConnection();
          if (c !== null) this.scopeTo(c);
        } else this.scopeTo(null);
        break;
      default:
        if (action.startsWith("pane:")) this.setFocus(action.slice(5) as ViewId);
    }
    this.render();
  }

  /** Selects the next (or previous) marked packet in the packets pane (evidence `●`, or the user's), wrapping round. */
  private nextMark(step: 1 | -1): void {
    const n = this.packetList.length;
    if ((this.evidence.size === 0 && this.userMarks.size === 0) || n === 0) {
      this.message = "no marked packets: m marks one, Enter on a finding marks its evidence";
      return;
    }
    const from = this.lists.packets.selected;
    for (let k = 1; k <= n; k++) {
      const i = (((from + step * k) % n) + n) % n;
      const number = this.packetList[i]! + 1;
      if (this.evidence.has(number) || this.userMarks.has(number)) {
        this.lists.packets = select(this.lists.packets, i, this.height("packets"));
        this.followSelection("packets");
        return;
      }
    }
    this.message = "no marked packet in this list";
  }

  /** m: marks the selected packet, or unmarks it. Marks are packet numbers: filters and scope keep them. */
  private toggleMark(): void {
    const n = this.selectedPacket();
    if (n < 0) return;
    if (this.userMarks.delete(n)) this.message = `packet ${n} unmarked`;
    else {
      this.userMarks.add(n);
      this.message = `packet ${n} marked (${this.userMarks.size} marked; ] next, M clears)`;
    }
  }

  /** t: the selected packet becomes the time reference (Wireshark's Set Time Reference), or stops being it. */
  private toggleTimeRef(): void {
    const n = this.selectedPacket();
    if (n < 0) return;
    this.timeRef = this.timeRef === n ? 0 : n;
    this.message = this.timeRef ? `packet ${n} is the time reference (*REF*): times count from it (t clears)` : "time reference cleared: times count from the first packet";
    // The trees and the stream show times too.
    const selected = this.lists.detail.selected;
    if (this.detail?.kind === "packet") this.buildTree();
    if (this.detail?.kind === "stream") {
      this.buildTree();
      this.lists.detail = select(this.lists.detail, selected, this.height("detail"));
    }
  }

  /**
   * F: the connection of the selected packet, exchange or connection as a conversation of Kafka
   * messages (Wireshark's Follow TCP Stream), in the detail pane, starting on the selected packet.
   */
  private followStream(): void {
    const m = this.model;
    if (!m) return;
    let conn: number | undefined;
    let at = 0;
    if (this.focus === "packets") {
      at = this.selectedPacket();
      if (at < 0) return;
      conn = m.capture.packets.connId[at - 1]!;
      if (conn < 0) {
        this.message = `packet ${at} is not TCP: there is no stream to follow`;
        return;
      }
    } else if (this.focus === "exchanges") {
      const ex = m.capture.exchanges[this.exchangeList[this.lists.exchanges.selected] ?? -1];
      conn = ex?.connId;
      at = ex?.request?.first ?? ex?.response?.first ?? 0;
    } else if (this.focus === "connections") conn = this.connOrder[this.lists.connections.selected];
    if (conn === undefined) return;
    this.history.push(this.snapshot());
    this.detail = { kind: "stream", index: conn };
    this.buildTree();
    this.lists.detail = select(this.lists.detail, rowAtPacket(this.stream, at), this.height("detail"));
    this.setFocus("detail");
    this.message = this.stream.length === 0 ? `connection ${conn}: no Kafka message or TCP event to show` : `connection ${conn}, ${this.stream.length} rows: Enter selects a row's packet, Esc back`;
  }

  /** Enter in a followed stream: its packet selected in the packets pane (the stream stays). */
  private streamEnter(): void {
    const row = this.stream[this.lists.detail.selected];
    if (!row) return;
    const pos = lowerBound(this.packetList, row.packet - 1);
    if (this.packetList[pos] !== row.packet - 1) {
      this.message = `packet ${row.packet} is not in the packets pane's list: x clears its filter, a shows all connections`;
      return;
    }
    this.lists.packets = select(this.lists.packets, pos, this.height("packets"));
    this.message = `packet ${row.packet} selected in the packets pane (4 goes there)`;
  }

  /**
   * Finds the next packet of the list, from position `from`, whose text contains the find text.
   * The first slice runs at once (a small list is searched before the key returns); the rest
   * runs between key presses, as a big packet filter does, with its progress in the title.
   */
  private find(from: number): void {
    const m = this.model;
    if (!m) return;
    if (!this.findText) {
      this.message = "nothing to find: f finds a packet by its text";
      return;
    }
    const list = this.packetList;
    const job = packetSearchJob(list, from, this.findText, (i, needle) => packetMatches(m, i, needle));
    this.finding = job;
    const slice = (later: boolean) => {
      if (this.finding !== job) return;
      const until = performance.now() + FILTER_SLICE_MS;
      let finished = false;
      while (!finished && performance.now() < until) finished = job.step(FIND_STEP);
      if (!finished) {
        if (later) this.render();
        this.scheduleSlice(() => slice(true));
        return;
      }
      this.finding = null;
      if (job.found >= 0) {
        const number = list[job.found]! + 1;
        this.selectPacketNumber(number);
        this.followSelection("packets");
        this.message = `found "${job.text}": packet ${number} (n next)`;
      } else this.message = `not found: ${job.text}`;
      if (later) this.render();
    };
    slice(false);
  }

  /** Esc while a find runs: stop it where it is. */
  private cancelFind(): void {
    this.finding = null;
    this.message = "find cancelled";
    this.render();
  }

  private setFocus(v: ViewId): void {
    if (v === "compare" && this.compareRows === null) return;
    this.focus = v;
    if (v === "detail" || v === "hex" || v === "timeline") this.lower = v;
    if (FOLLOWED.has(v)) this.followSelection(v as Followed);
  }

  private moveIn(v: ViewId, m: Move): void {
    this.lists[v] = move(this.lists[v], m, this.height(v));
    if (FOLLOWED.has(v)) this.followSelection(v as Followed);
    if (v === "detail") this.followTreeSelection();
  }

  private snapshot(): Snapshot {
    const selected: Partial<Record<ViewId, number>> = {};
    for (const v of ["findings", "connections", "exchanges", "packets"] as ViewId[]) selected[v] = this.lists[v].selected;
    return { focus: this.focus, connScope: this.connScope, evidence: this.evidence, evidenceLabel: this.evidenceLabel, selected };
  }

  private back(): void {
    if (this.zoom) {
      this.zoom = false;
      return;
    }
    const s = this.history.pop();
    if (!s) {
      if (this.connScope !== null) this.scopeTo(null);
      this.evidence = new Set();
      this.evidenceLabel = "";
      return;
    }
    this.connScope = s.connScope;
    this.evidence = s.evidence;
    this.evidenceLabel = s.evidenceLabel;
    this.refreshExchanges();
    this.refreshPackets();
    for (const [v, sel] of Object.entries(s.selected) as Array<[ViewId, number]>) {
      this.lists[v] = select(this.lists[v], sel, this.height(v));
    }
    this.setFocus(s.focus);
    this.followSelection(s.focus === "exchanges" ? "exchanges" : "packets");
  }

  private scopeTo(conn: number | null): void {
    this.connScope = conn;
    this.lists.exchanges = { ...this.lists.exchanges, selected: 0, top: 0 };
    this.lists.packets = { ...this.lists.packets, selected: 0, top: 0 };
    this.refreshExchanges();
    this.refreshPackets();
    if (conn !== null) {
      const at = this.connOrder.indexOf(conn);
      if (at >= 0) this.lists.connections = select(this.lists.connections, at, this.height("connections"));
    }
  }

  private enter(): void {
    const m = this.model;
    if (!m) return;
    switch (this.focus) {
      case "findings": {
        const item = this.findingList[this.lists.findings.selected];
        const f = this.selectedFinding();
        if (item && !f) {
          // A cause that hit several connections: Enter opens (or closes) its rows, one per connection.
          if (this.openGroups.has(item.group)) this.openGroups.delete(item.group);
          else this.openGroups.add(item.group);
          this.refreshFindings(item);
          return;
        }
        if (!f) return;
        this.history.push(this.snapshot());
        this.scopeTo(f.evidence.connection ?? null);
        this.evidence = new Set(f.evidence.packets);
        this.evidenceLabel = "";
        const first = f.evidence.packets[0];
        if (first !== undefined) this.selectPacketNumber(first);
        this.setFocus("packets");
        this.followSelection("packets");
        this.message = `${f.rule}: evidence packet${f.evidence.packets.length === 1 ? "" : "s"} ${f.evidence.packets.slice(0, 8).join(", ")}${f.evidence.packets.length > 8 ? " ..." : ""}${f.evidence.packets.length > 1 ? " (] next)" : ""}`;
        return;
      }
      case "connections": {
        const c = this.connOrder[this.lists.connections.selected];
        if (c === undefined) return;
        this.history.push(this.snapshot());
        this.scopeTo(c);
        this.evidence = new Set(m.findingsOf(c).flatMap((f) => f.evidence.packets));
        this.evidenceLabel = "";
        this.setFocus(this.exchangeList.length > 0 ? "exchanges" : "packets");
        return;
      }
      case "exchanges": {
        const e = this.exchangeList[this.lists.exchanges.selected];
        if (e === undefined) return;
        this.history.push(this.snapshot());
        const ex = m.capture.exchanges[e]!;
        const first = ex.request?.first ?? ex.response?.first;
        if (first !== undefined) this.selectPacketNumber(first);
        this.detail = null;
        this.followSelection("exchanges");
        this.setFocus("detail");
        return;
      }
      case "packets":
        this.history.push(this.snapshot());
        this.followSelection("packets");
        this.setFocus("detail");
        return;
      case "compare": {
        const row = this.compareRows?.[this.lists.compare.selected];
        if (!row?.clientOnly) return;
        if (row.clientConn === null || row.clientConn === undefined) {
          this.message = "this connection is in the server-side capture only";
          return;
        }
        const only = row.clientOnly().map((i) => i + 1);
        this.history.push(this.snapshot());
        this.scopeTo(row.clientConn);
        this.evidence = new Set(only);
        this.evidenceLabel = "client side only";
        if (only[0] !== undefined) this.selectPacketNumber(only[0]);
        this.setFocus("packets");
        this.followSelection("packets");
        this.message =
          only.length === 0
            ? `connection ${row.clientConn}: every client-side packet was seen on the server side`
            : `seen on the client side only: packet${only.length === 1 ? "" : "s"} ${only.slice(0, 8).join(", ")}${only.length > 8 ? " ..." : ""}${only.length > 1 ? " (] next)" : ""}`;
        return;
      }
      default:
        return;
    }
  }

  private helpKey(name: string): void {
    const page = Math.max(1, this.helpRows() - 1);
    switch (lookupIn(HELP_KEYMAP, name)?.action) {
      case "close":
        this.helpOpen = false;
        break;
      case "down":
        this.helpTop++;
        break;
      case "up":
        this.helpTop = Math.max(0, this.helpTop - 1);
        break;
      case "page-down":
        this.helpTop += page;
        break;
      case "page-up":
        this.helpTop = Math.max(0, this.helpTop - page);
        break;
      case "top":
        this.helpTop = 0;
        break;
      case "bottom":
        this.helpTop = Number.MAX_SAFE_INTEGER;
        break;
      default:
        return;
    }
    // Clamped at once, not when drawn: the next key of a burst starts from the last page.
    this.helpTop = clampHelpTop(this.helpTop, helpLines(this.focus).length, this.helpRows());
    this.render();
  }

  /** Rows of help text on screen (the help box less its title line). */
  private helpRows(): number {
    return Math.max(3, (this.screen.height as number) - 2) - 1;
  }

  private filterKey(name: string, ch: string | undefined): void {
    const f = this.filterBar!;
    const action = lookupIn(FILTER_BAR_KEYMAP, name)?.action;
    if (action !== "complete") f.choices = [];
    switch (action) {
      case "cancel":
        this.filterBar = null;
        break;
      case "apply": {
        const compiled = f.compiled;
        if (compiled && !compiled.ok) {
          this.message = `filter not applied: ${filterStatus(compiled, this.g)}`;
          this.render();
          return;
        }
        this.filterBar = null;
        if (f.find) {
          this.findText = f.text;
          this.find(this.lists.packets.selected + 1);
          break;
        }
        if (FILTER_SCOPES[f.view]) this.filterHistory.add(f.text);
        this.applyFilter(f.view, f.text);
        break;
      }
      case "complete": {
        const scope = FILTER_SCOPES[f.view];
        if (!scope || f.find) break;
        const c = complete(scope, f.text, f.cursor);
        f.text = c.text;
        f.cursor = c.cursor;
        f.choices = c.candidates.length > 1 ? c.candidates : [];
        break;
      }
      case "history-back":
      case "history-forward": {
        if (f.find) break;
        const entries = this.filterHistory.entries;
        if (f.historyAt === entries.length) f.draft = f.text;
        f.historyAt = Math.max(0, Math.min(entries.length, f.historyAt + (action === "history-back" ? -1 : 1)));
        f.text = f.historyAt === entries.length ? f.draft : entries[f.historyAt]!;
        f.cursor = f.text.length;
        break;
      }
      case "delete-back":
        if (f.cursor > 0) {
          f.text = f.text.slice(0, f.cursor - 1) + f.text.slice(f.cursor);
          f.cursor--;
        }
        break;
      case "delete":
        f.text = f.text.slice(0, f.cursor) + f.text.slice(f.cursor + 1);
        break;
      case "left":
        f.cursor = Math.max(0, f.cursor - 1);
        break;
      case "right":
        f.cursor = Math.min(f.text.length, f.cursor + 1);
        break;
      case "start":
        f.cursor = 0;
        break;
      case "end":
        f.cursor = f.text.length;
        break;
      case "clear":
        f.text = "";
        f.cursor = 0;
        break;
      default:
        if (ch && ch.length === 1 && ch >= " " && ch <= "~") {
          f.text = f.text.slice(0, f.cursor) + ch + f.text.slice(f.cursor);
          f.cursor++;
        }
    }
    if (this.filterBar) this.checkFilter();
    this.render();
  }

  /** Compiles the bar's text as the user types (CEL panes); other panes search as you type. */
  private checkFilter(): void {
    const f = this.filterBar!;
    const scope = FILTER_SCOPES[f.view];
    if (f.find) f.compiled = null;
    else if (scope) f.compiled = compileFilter(scope, f.text);
    else {
      f.compiled = null;
      this.searches[f.view] = f.text;
      this.search(this.lists[f.view].selected);
    }
  }

  private applyFilter(v: ViewId, text: string): void {
    const scope = FILTER_SCOPES[v];
    if (!scope) {
      this.searches[v] = text;
      this.search(this.lists[v].selected);
      return;
    }
    const compiled = compileFilter(scope, text);
    if (!compiled.ok) return;
    if (compiled.matchAll) delete this.filters[v];
    else this.filters[v] = compiled;
    if (v === "packets") this.refreshPackets();
    else if (v === "exchanges") this.refreshExchanges();
    else this.refreshConnections();
    if (v === "packets" && this.running) {
      this.message = `${TITLES.packets}: filtering (Esc or x cancels)`;
      return;
    }
    const n = this.lists[v].count;
    this.message = compiled.matchAll ? `${TITLES[v]}: filter cleared` : `${TITLES[v]}: ${n} match${n === 1 ? "" : "es"}`;
    if (v === "packets" || v === "exchanges") this.followSelection(v);
  }

  /** Text search in the focused pane's rows, from `from`, wrapping. */
  private search(from: number): void {
    const v = this.focus;
    const needle = this.searches[v] ?? "";
    const s = this.lists[v];
    if (v === "detail") {
      if (!this.searchTree(needle, from - s.selected) && needle) this.message = `not found: ${needle}`;
      return;
    }
    const found = searchRows(s.count, (i) => this.rowText(v, i, 400), needle, from);
    if (found >= 0) {
      this.lists[v] = select(s, found, this.height(v));
      if (FOLLOWED.has(v)) this.followSelection(v as Followed);
    } else if (needle) this.message = `not found: ${needle}`;
  }

  /**
   * Search in the whole tree, folded nodes included (as Wireshark's find): from the selected node
   * (`skip` 1: from the next one) in tree order, wrapping; a match inside folded nodes opens them.
   */
  private searchTree(needle: string, skip: number): boolean {
    const m = this.model;
    if (!m || !needle) return false;
    const all = flatten(this.tree, allIds(this.tree));
    const current = this.flat[this.lists.detail.selected]?.id;
    const start = Math.max(0, all.findIndex((r) => r.id === current)) + skip;
    const found = searchRows(all.length, (i) => m.safe(all[i]!.node.label), needle, start % Math.max(1, all.length));
    if (found < 0) return false;
    const id = all[found]!.id;
    const parts = id.split("/");
    for (let k = 1; k < parts.length; k++) this.expanded.add(parts.slice(0, k).join("/"));
    this.flat = flatten(this.tree, this.expanded);
    this.lists.detail = select({ ...this.lists.detail, count: this.flat.length }, this.flat.findIndex((r) => r.id === id), this.height("detail"));
    this.followTreeSelection();
    return true;
  }

  private onMouse(event: Widgets.Events.IMouseEventArg): void {
    if (this.helpOpen || this.filterBar) return;
    // blessed reports wheel events with actions its type declarations do not list.
    const data = event as unknown as { x: number; y: number; action: string };
    for (const [v, r] of this.rects) {
      if (data.x < r.left || data.x >= r.left + r.width || data.y < r.top || data.y >= r.top + r.height) continue;
      if (data.action === "wheelup" || data.action === "wheeldown") {
        this.lists[v] = move(this.lists[v], data.action === "wheelup" ? "up" : "down", this.height(v));
      } else if (data.action === "mousedown") {
        this.setFocus(v);
        const row = data.y - r.top - 1 - (HEADED.has(v) ? 1 : 0);
        if (row >= 0) this.lists[v] = select(this.lists[v], this.lists[v].top + row, this.height(v));
      } else return;
      if (FOLLOWED.has(v)) this.followSelection(v as Followed);
      if (v === "detail") this.followTreeSelection();
      this.render();
      return;
    }
  }

  // ---- drawing ----------------------------------------------------------------------------

  /** Plain text of row `i` of a pane (search and tests), built like the drawn row. */
  rowText(v: ViewId, i: number, width: number): string {
    const m = this.model;
    if (!m) return "";
    switch (v) {
      case "findings": {
        const item = this.findingList[i];
        return item ? findingItemText(m.findingGroups, item, this.openGroups.has(item.group), width, this.g, (t) => m.safe(t)) : "";
      }
      case "connections": {
        const c = m.capture.connections[this.connOrder[i]!];
        return c ? m.connRow(c, width) : "";
      }
      case "exchanges": {
        const e = m.capture.exchanges[this.exchangeList[i]!];
        return e ? m.exchangeRow(e, width) : "";
      }
      case "packets": {
        const p = this.packetList[i];
        if (p === undefined) return "";
        // The user's own mark shows over the evidence marker: it is the feedback for m.
        const mark = this.userMarks.has(p + 1) ? this.g.userMark : this.evidence.has(p + 1);
        return m.packetRow(p, width, mark, i > 0 ? (this.packetList[i - 1] ?? -1) : -1, this.timeRef - 1);
      }
      case "detail": {
        const r = this.flat[i];
        if (!r) return "";
        if (this.detail?.kind === "stream") return fit(m.safe(r.node.label), width, this.g.ellipsis);
        const icon = r.hasChildren ? (r.expanded ? this.g.expanded : this.g.collapsed) : this.g.leaf;
        return fit(`${"  ".repeat(r.depth)}${icon} ${m.safe(r.node.label)}`, width, this.g.ellipsis);
      }
      case "hex":
        return hexLine(this.hexBytes, i, { perLine: this.hexPerLine() });
      case "compare":
        return fit(m.safe(this.compareRows?.[i]?.text ?? ""), width, this.g.ellipsis);
      default:
        return "";
    }
  }

  /**
   * The title line of pane `v` in `width` cells (pane-title.ts): key, name, scope and count
   * always; a long filter or search text shortened in the middle, or down to `[filter]` (`/`
   * shows it whole in the filter bar); then the markers and the position.
   */
  private paneTitle(v: ViewId, focused: boolean, width: number): string {
    const m = this.model;
    const s = this.lists[v];
    const name = v === "detail" && this.detail?.kind === "stream" ? `Stream - connection ${this.detail.index}` : TITLES[v];
    const head: string[] = [`${focused ? ">" : " "}${GLOBAL_KEYMAP.find((b) => b.action === `pane:${v}`)?.keys[0] ?? ""}`, name];
    const tail: string[] = [];
    if (v === "findings" && m) head.push(m.findingGroups.length === m.findings.length ? `(${m.findings.length})` : `(${m.findings.length}) - ${m.findingGroups.length} cause${m.findingGroups.length === 1 ? "" : "s"}`);
    if (v === "connections" && m) head.push(`(${s.count}/${m.capture.connections.length})`);
    if ((v === "exchanges" || v === "packets") && m) {
      head.push(this.connScope === null ? "- all connections" : `- connection ${this.connScope}`);
      head.push(`(${s.count})`);
    }
    if (v === "timeline") {
      const c = this.selectedConnection();
      head.push(c === null ? "" : `- connection ${c}`);
    }
    if (v === "hex" && this.hexPacket > 0) {
      head.push(`- packet ${this.hexPacket}`);
      const { node, packet } = this.selectedField();
      if (packet > 0 && node?.continuesTo) tail.push(`[field continues to packet ${node.continuesTo}]`);
    }
    let quoted: QuotedPart | null = null;
    const filter = this.filters[v];
    const running = v === "packets" ? this.filterProgress() : null;
    if (running) {
      const progress = `[filtering ${running.done.toLocaleString("en-US")}/${running.total.toLocaleString("en-US")}${this.caps.unicode ? "…" : "..."}`;
      quoted = { open: `${progress} `, text: filter?.text ?? "", close: "]", bare: `${progress}]` };
    } else if (filter) quoted = { open: "[filter: ", text: filter.text, close: "]", bare: "[filter]" };
    if (v === "packets" && this.finding) tail.push(`[finding ${this.finding.done.toLocaleString("en-US")}/${this.finding.total.toLocaleString("en-US")}${this.caps.unicode ? "…" : "..."} ${this.finding.text}]`);
    if (v === "packets" && this.evidenceLabel && this.evidence.size > 0) tail.push(`[${this.g.marker.slice(0, 1)} ${this.evidenceLabel}]`);
    const search = this.searches[v];
    if (search && !FILTER_SCOPES[v]) {
      if (quoted) tail.push(`[search: ${search}]`);
      else quoted = { open: "[search: ", text: search, close: "]", bare: "[search]" };
    }
    if (s.count > 0 && v !== "timeline") tail.push(`${s.selected + 1}/${s.count}`);
    return titleText({ head: head.filter(Boolean).join(" "), quoted, tail }, width, this.g.ellipsis);
  }

  private paneBody(v: ViewId, width: number, rows: number): string[] {
    const m = this.model;
    if (!m) return rows > 0 ? [escapeTags(this.progress || "reading the capture...")] : [];
    const lines: string[] = [];
    const s = (this.lists[v] = settle(this.lists[v], Math.max(1, rows - (HEADED.has(v) ? 1 : 0))));
    if (v === "connections") lines.push(`{underline}${escapeTags(m.connHeader(width, this.sortKey, this.sortDesc))}{/underline}`);
    if (v === "exchanges") lines.push(`{underline}${escapeTags(m.exchangeHeader(width))}{/underline}`);
    if (v === "packets") lines.push(`{underline}${escapeTags(m.packetHeader(width))}{/underline}`);
    if (v === "timeline") {
      const c = this.selectedConnection();
      if (c === null) return ["select a connection"];
      const evidence = new Set([...this.evidence, ...m.findingsOf(c).flatMap((f) => f.evidence.packets)]);
      const input = { capture: m.capture, packets: m.packetsOf(c), evidence, width, glyphs: this.g };
      const rect = this.rects.get("timeline");
      // The chart needs its rows plus the marks row under it; a shorter pane gets the text cells.
      if (this.chart && rect && input.packets.length > 0 && rows >= CHART_ROWS + 2 && width >= 12) {
        // One sparkline character per bucket: the widget shows width - 2 values.
        const b = timelineBuckets(input, width - 2);
        // sparkline scales each series to its own range with 32-bit shifts: hand it small integers.
        const scale = (v: number[]) => {
          const max = Math.max(1, ...v);
          return v.map((x) => Math.ceil((x / max) * 1000));
        };
        this.chartAt = { rect: { top: rect.top + 1, left: rect.left, width, height: CHART_ROWS }, titles: seriesTitles(b), data: [scale(b.c2sBytes), scale(b.s2cBytes)] };
        const under = timelineMarkRows(b).map((l) => escapeTags(fit(l, width)));
        return [...new Array<string>(CHART_ROWS).fill(""), ...under].slice(0, rows);
      }
      return timelineRows(input)
        .slice(0, rows)
        .map((l) => escapeTags(fit(l, width)));
    }
    const body = rows - lines.length;
    if (s.count === 0) {
      const empty: Partial<Record<ViewId, string>> = {
        findings: "no findings: no rule matched this capture",
        exchanges: this.connScope === null ? "no Kafka exchanges" : "no Kafka exchanges on this connection",
        packets: this.filters.packets ? "no packet matches the filter" : "no packets",
        connections: "no connections",
        detail: "select a packet or an exchange",
        hex: "select a packet",
      };
      lines.push(escapeTags(empty[v] ?? ""));
      return lines;
    }
    const top = s.top;
    const end = Math.min(s.count, top + body);
    for (let i = top; i < end; i++) {
      let text: string;
      if (v === "hex") {
        const { node, packet } = this.selectedField();
        const mark = packet > 0 && packet === this.hexPacket && node!.length ? { start: node!.offset!, end: node!.offset! + node!.length } : null;
        text = hexLine(this.hexBytes, i, { perLine: this.hexPerLine(), mark, open: "\u0001", close: "\u0002", escape: escapeTags });
        text = text.replace(/\u0001/g, "{inverse}").replace(/\u0002/g, "{/inverse}");
        lines.push(text);
        continue;
      }
      text = escapeTags(this.rowText(v, i, width));
      if (i === s.selected) text = `{inverse}${text}{/inverse}`;
      else if (v === "packets") text = this.packetLine(text, this.packetList[i]!);
      else if (v === "findings" && this.caps.colour) {
        const item = this.findingList[i];
        const sev = item ? m.findingGroups[item.group]?.severity : undefined;
        if (sev === "critical" || sev === "error") text = `{red-fg}${text}{/red-fg}`;
        else if (sev === "warning") text = `{yellow-fg}${text}{/yellow-fg}`;
      }
      lines.push(text);
    }
    return lines;
  }

  /** A packet row with its colouring rule (packet-row.ts), and bold when it is marked (evidence or the user's). */
  private packetLine(text: string, index: number): string {
    const [open, close] = styleTags(this.model!.packetStyle(index), this.caps.colour);
    const line = `${open}${text}${close}`;
    return this.evidence.has(index + 1) || this.userMarks.has(index + 1) ? `{bold}${line}{/bold}` : line;
  }

  /**
   * Asks for the screen to be drawn. While a key or mouse event is handled the draw waits for the
   * end of the event loop's turn (setImmediate): a burst of keys read at once (2000 PgDn of a
   * held-down key over SSH come in a few reads) is drawn once, after its last key, instead of once
   * a key. The layout is updated at once all the same, as the keys' page sizes depend on it.
   * Outside key handling (start, progress, filter slices, resize) the screen is drawn at once.
   */
  render(): void {
    if (this.closed) return;
    if (!this.batching) return this.draw();
    this.relayout();
    this.drawQueued ??= setImmediate(() => {
      this.drawQueued = null;
      if (!this.closed) this.draw();
    });
  }

  /** Runs a key or mouse handler with its draws deferred (see render). */
  private batched(handle: () => void): void {
    const was = this.batching;
    this.batching = true;
    try {
      handle();
    } finally {
      this.batching = was;
    }
  }

  /** Where each pane goes for the current size, focus and list lengths (layout.ts). */
  private relayout(): void {
    const need: Needs = {};
    for (const v of ["findings", "connections", "exchanges", "packets", "compare"] as ViewId[]) need[v] = this.lists[v].count + 1 + (HEADED.has(v) ? 1 : 0);
    this.rects = layout({ width: this.screen.width as number, height: this.screen.height as number, focus: this.focus, zoom: this.zoom, lower: this.lower, compare: this.compareRows !== null, need });
  }

  /** Draws the whole screen now. */
  private draw(): void {
    if (this.drawQueued) clearImmediate(this.drawQueued);
    this.drawQueued = null;
    const width = this.screen.width as number;
    const height = this.screen.height as number;
    this.relayout();
    const m = this.model;
    const head = [
      `kdiag ${this.title}`,
      this.notice,
      m ? `${m.capture.packets.count} pkts, ${m.capture.connections.length} conns, ${m.capture.exchanges.length} exchanges, ${m.findings.length} findings` : "",
      this.connScope !== null ? `[connection ${this.connScope}]` : "",
      this.progress,
    ]
      .filter(Boolean)
      .join("  ");
    // The progress line names the file as given: a file name is text from outside too.
    this.place(this.header, { top: 0, left: 0, width, height: 1 }, `{inverse}${escapeTags(fit(safe(head, !this.caps.unicode), width))}{/inverse}`);
    this.chartAt = null;
    for (const [v, b] of this.boxes) {
      const r = this.rects.get(v);
      if (!r || r.height <= 0) {
        b.hide();
        continue;
      }
      const focused = v === this.focus;
      const title = this.paneTitle(v, focused, r.width);
      const titleLine = focused ? `{inverse}${escapeTags(title)}{/inverse}` : this.caps.colour ? `{blue-bg}{white-fg}${escapeTags(title)}{/white-fg}{/blue-bg}` : `{underline}${escapeTags(title)}{/underline}`;
      const body = this.paneBody(v, r.width, r.height - 1);
      this.place(b, r, [titleLine, ...body].join("\n"));
    }
    this.placeChart();
    this.place(this.status, { top: height - 1, left: 0, width, height: 1 }, this.statusLine(width));
    if (this.filterBar) {
      const f = this.filterBar;
      const scope = FILTER_SCOPES[f.view];
      const prompt = f.find ? "find packet (text of its row or Kafka fields): " : scope ? `filter ${TITLES[f.view].toLowerCase()} (${scope} fields): ` : `search ${TITLES[f.view].toLowerCase()}: `;
      // A line longer than the screen scrolls so the cursor stays in view (`…` marks the cut start).
      const full = `${prompt}${f.text}`;
      const shift = Math.max(0, prompt.length + f.cursor - (width - 2));
      const input = shift > 0 ? `${this.g.ellipsis}${full.slice(shift + 1)}` : full;
      const st = f.choices.length > 0 ? f.choices.join("  ") : f.compiled ? filterStatus(f.compiled, this.g) : "";
      const caretAt = f.compiled && !f.compiled.ok && f.choices.length === 0 ? prompt.length + f.compiled.offset - shift : -1;
      // The message wraps (up to 3 lines) so "did you mean" is readable at 80 columns.
      const lines = [fit(input, width)];
      if (caretAt >= 0) lines.push(fit(`${" ".repeat(Math.min(caretAt, width - 1))}^`, width));
      this.barCursor = { row: 0, col: prompt.length + f.cursor - shift };
      const idle = f.find ? "Enter finds the next packet (case-insensitive), n the one after, Esc cancels" : "Enter applies, Esc cancels, Tab completes, Up/Down history";
      lines.push(...wrap(st || idle, width, 3));
      this.place(this.bar, { top: Math.max(0, height - 1 - lines.length), left: 0, width, height: lines.length }, lines.map(escapeTags).join("\n"));
      this.barCursor.row = Math.max(0, height - 1 - lines.length);
      this.bar.show();
      this.bar.setFront();
      this.screen.program.showCursor();
    } else {
      this.bar.hide();
    }
    if (this.helpOpen) {
      const lines = helpLines(this.focus);
      const h = Math.max(3, height - 2);
      this.helpTop = clampHelpTop(this.helpTop, lines.length, h - 1);
      const last = Math.min(lines.length, this.helpTop + h - 1);
      // Where you are in it: at 80x24 the help is four screens long.
      const shown = [`Help: every key, lines ${this.helpTop + 1}-${last} of ${lines.length} (Esc closes, j/k PgDn scroll)`, ...lines.slice(this.helpTop, last)];
      this.place(this.help, { top: 1, left: 0, width, height: h }, shown.map((l, i) => (i === 0 ? `{inverse}${escapeTags(fit(l, width))}{/inverse}` : escapeTags(fit(l, width)))).join("\n"));
      this.help.show();
      this.help.setFront();
    } else this.help.hide();
    this.screen.render();
    // The terminal's cursor where the filter bar's is (blessed leaves it after the last write).
    if (this.filterBar) this.screen.program.cup(this.barCursor.row, this.barCursor.col);
  }

  /** The contrib chart over the timeline pane's first body rows, when paneBody asked for it. */
  private placeChart(): void {
    const chart = this.chart;
    if (!chart) return;
    const at = this.chartAt;
    if (!at) {
      chart.hide();
      return;
    }
    chart.top = at.rect.top;
    chart.left = at.rect.left;
    chart.width = at.rect.width;
    chart.height = at.rect.height;
    chart.show();
    chart.setFront();
    chart.setData(at.titles, at.data);
  }

  private statusLine(width: number): string {
    if (this.helpOpen) return escapeTags(fit("<esc> close help  <j/k> scroll  <pgdn/pgup> page  <g/G> top/bottom", width));
    // A message (what Enter did, filter results) wins over the hints, help and quit stay. It may
    // quote a plugin's error or a capture problem: sanitised like every text from outside.
    const line = this.message ? `${safe(this.message, !this.caps.unicode)}  |  ${hints(this.focus, 0)}` : hints(this.focus, width);
    return escapeTags(fit(line, width));
  }

  private place(b: Widgets.BoxElement, r: Rect, content: string): void {
    b.top = r.top;
    b.left = r.left;
    b.width = r.width;
    b.height = r.height;
    b.setContent(content);
    b.show();
  }
}

export { GLOBAL_KEYMAP };

/** The first help line shown: the last page at most, `rows` lines of `total` a page. */
function clampHelpTop(top: number, total: number, rows: number): number {
  return Math.max(0, Math.min(top, total - rows));
}

/** Splits text into at most `max` lines of `width` at spaces; the last line is cut. */
function wrap(text: string, width: number, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > width && out.length < max - 1) {
    let cut = rest.lastIndexOf(" ", width);
    if (cut <= 0) cut = width;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).trimStart();
  }
  out.push(fit(rest, width));
  return out;
}
