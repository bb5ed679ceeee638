/**
 * The terminal UI: the wiring of the panes. What each pane is (its title, rows, Enter, keys) is
 * its view descriptor (views/*.ts, listed in views/index.ts); every key goes through one keymap
 * (keymap.ts, actions.ts, the user's keys file), every list is virtualised (vlist.ts), all
 * geometry comes from layout.ts. State lives here (the views read it through ViewContext); the
 * panes are plain boxes whose content is rebuilt for the visible rows on each render.
 */

import type { Widgets } from "blessed";
import blessed from "blessed";
import type { StoredPdu } from "../model/analysed-capture.js";
import type { Finding } from "../rules/index.js";
import { compileFilter, filterStatus, searchRows, type CompiledFilter, type FilterScope } from "./filter.js";
import { complete } from "./completion.js";
import { bytesPerLine, hexLineCount } from "./hex.js";
import { maskFrame } from "../model/secret-bytes.js";
import { FilterHistory } from "./history.js";
import { DEFAULT_KEYS } from "./actions.js";
import { keyName, type KeyTable } from "./keymap.js";
import { HEADED, layout, paneOrder, type Needs, type Rect } from "./layout.js";
import { findingItems, groupTree, itemFinding, type FindingItem } from "./finding-groups.js";
import { TuiModel, outcome, type PacketFilterJob } from "./model.js";
import { compareTree, connectionTree } from "./row-detail.js";
import { packetMatches, packetSearchJob, type PacketSearchJob } from "./packet-search.js";
import { titleText, type QuotedPart } from "./pane-title.js";
import { streamRows, type StreamRow } from "./stream.js";
import { escapeTags, fit, safe, type Glyphs, type TermCaps } from "./text.js";
import { allIds, defaultExpanded, exchangeTree, findingTree, flatten, KAFKA_ERROR_LABEL, packetTree, type FlatRow, type UiNode } from "./tree.js";
import { settleAfterScan } from "./settle-heap.js";
import { emptyList, lowerBound, move, select, settle, type ListState, type Move } from "./vlist.js";
import { actionHandler, view } from "./views/index.js";
import type { CompareRow, DetailSource, Overlay, ViewContext, ViewId } from "./views/types.js";

export type { CompareRow };

export interface AppOptions {
  screen: Widgets.Screen;
  caps: TermCaps;
  glyphs: Glyphs;
  title: string;
  /** Called once when the user quits. */
  onQuit: () => void;
  /** The keymap in force (the user's keys file applied); default: the built-in keys. */
  keys?: KeyTable;
}

/** Time a packet-filter slice may take before keys get their turn, and packets tested between clock reads. */
const FILTER_SLICE_MS = 16;
const FILTER_STEP = 1000;
/** Packets the find (f) tests between clock reads: each reads its packet's bytes back. */
const FIND_STEP = 32;

/** The filter scope of a pane: `/` filters it with the rule language; null: `/` searches its rows. */
const filterScope = (v: ViewId): FilterScope | null => view(v).filterScope ?? null;

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

export class App implements ViewContext {
  readonly screen: Widgets.Screen;
  readonly caps: TermCaps;
  readonly g: Glyphs;
  /** The keymap every key goes through; the hints and the help are generated from it. */
  readonly keys: KeyTable;
  private readonly boxes = new Map<ViewId, Widgets.BoxElement>();
  private readonly header: Widgets.BoxElement;
  private readonly status: Widgets.BoxElement;
  private readonly bar: Widgets.BoxElement;
  private readonly help: Widgets.BoxElement;
  /** Widgets a pane draws over its box (the timeline's chart), made by its view where the terminal can show them. */
  private readonly overlays = new Map<ViewId, Overlay>();
  /** Where each overlay goes on this render, with its data (set by paneBody); absent: hidden. */
  private overlayAt = new Map<ViewId, { rect: Rect; data: unknown }>();
  private rects = new Map<ViewId, Rect>();

  model: TuiModel | null = null;
  focus: ViewId = "findings";
  zoom = false;
  lower: ViewId = "detail";
  connScope: number | null = null;
  evidence = new Set<number>();
  /** What the `●` marks in the packets pane mean, when not a finding's evidence. */
  evidenceLabel = "";
  readonly lists: Record<ViewId, ListState> = {
    findings: emptyList(),
    connections: emptyList(),
    exchanges: emptyList(),
    packets: emptyList(),
    detail: emptyList(),
    hex: emptyList(),
    timeline: emptyList(),
    compare: emptyList(),
  };
  readonly filters: Partial<Record<ViewId, CompiledFilter>> = {};
  private readonly searches: Partial<Record<ViewId, string>> = {};
  connOrder: number[] = [];
  /** Rows of the findings pane, and the groups (by index) opened into their connections. */
  findingList: FindingItem[] = [];
  readonly openGroups = new Set<number>();
  exchangeList: number[] = [];
  packetList: Int32Array = new Int32Array(0);
  sortKey = "id";
  sortDesc = false;
  detail: DetailSource = null;
  tree: UiNode[] = [];
  expanded = new Set<string>();
  flat: FlatRow[] = [];
  hexBytes: Uint8Array = new Uint8Array(0);
  /** The packet (1-based) whose bytes the hex pane holds, 0 for none. */
  hexPacket = 0;
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
  stream: StreamRow[] = [];
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
    this.keys = opts.keys ?? DEFAULT_KEYS;
    const box = () => blessed.box({ parent: this.screen, tags: true, wrap: false, top: 0, left: 0, width: 1, height: 1 });
    this.header = box();
    this.status = box();
    for (const v of paneOrder(true)) {
      this.boxes.set(v, box());
      const overlay = view(v).overlay?.(this.screen, this.caps);
      if (overlay) this.overlays.set(v, overlay);
    }
    this.bar = box();
    this.bar.hide();
    this.help = box();
    this.help.hide();
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

  refreshConnections(): void {
    if (!this.model) return;
    const keep = this.connOrder[this.lists.connections.selected];
    this.connOrder = this.model.filterConnections(this.filters.connections ?? null, this.sortKey, this.sortDesc);
    const at = keep === undefined ? 0 : Math.max(0, this.connOrder.indexOf(keep));
    this.lists.connections = settle({ ...this.lists.connections, count: this.connOrder.length, selected: at }, this.height("connections"));
  }

  /** `applied`: the user has just applied the filter (not a live refresh, not a scope change). */
  private refreshExchanges(applied = false): void {
    if (!this.model) return;
    this.exchangeList = this.model.filterExchanges(this.filters.exchanges ?? null, this.connScope);
    this.lists.exchanges = settle({ ...this.lists.exchanges, count: this.exchangeList.length }, this.height("exchanges"));
    if (applied && this.filters.exchanges && this.connScope === null) settleAfterScan(this.model.capture.exchanges.length);
  }

  /**
   * Rebuilds the packets pane's list. A filter over more packets than `filterChunk` runs in
   * slices (at most filterChunk packets and FILTER_SLICE_MS each) between key presses: the
   * scope's unfiltered list shows meanwhile, with the progress in the pane title, and the result
   * replaces it when complete (Esc or `x` cancels). `applied`: the user has just applied the
   * filter (a live refresh runs it again without the settling collection after it).
   */
  private refreshPackets(applied = false): void {
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
      if (applied) settleAfterScan(job.total);
      this.showPackets(job.result());
      const n = job.result().length;
      this.message = `${view("packets").title(this)}: ${n} match${n === 1 ? "" : "es"}`;
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
    this.message = `${view("packets").title(this)}: filter cancelled`;
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
  refreshFindings(keep?: FindingItem): void {
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

  /** Selects row i of pane v, and the detail pane follows. */
  selectRow(v: ViewId, i: number): void {
    this.lists[v] = select(this.lists[v], i, this.height(v));
    this.followSelection(v);
  }

  selectPacketNumber(n: number): void {
    const pos = lowerBound(this.packetList, n - 1);
    if (pos < this.packetList.length) this.lists.packets = select(this.lists.packets, pos, this.height("packets"));
  }

  /**
   * Detail and hex follow the selection of every list pane: the detail pane has the selected row
   * in full (a packet's or an exchange's tree, a finding, a connection, a comparison row), so text
   * a narrow terminal cuts from a row is always there.
   */
  followSelection(from: ViewId): void {
    const detailOf = view(from).detailOf;
    if (!this.model || !detailOf) return;
    const src = detailOf(this);
    if (src?.kind === this.detail?.kind && src?.index === this.detail?.index) return;
    this.detail = src;
    this.buildTree();
  }

  /** The detail pane forgets what it showed (the next followSelection rebuilds it). */
  clearDetail(): void {
    this.detail = null;
  }

  showDetail(src: DetailSource): void {
    this.detail = src;
    this.buildTree();
  }

  rebuildDetail(): void {
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
      if (f) this.tree = findingTree(f, this.keys.say("enter"));
      else if (group) this.tree = groupTree(group, this.keys.say("enter"));
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

  reflatten(selected: number): void {
    this.flat = flatten(this.tree, this.expanded);
    this.lists.detail = settle({ count: this.flat.length, selected, top: this.lists.detail.top }, this.height("detail"));
    this.followTreeSelection();
  }

  hexPerLine(): number {
    return bytesPerLine(this.rects.get("hex")?.width ?? 80);
  }

  /** The selected tree node, and the packet its bytes are in (0: it has no bytes of its own). */
  selectedField(): { node: UiNode | undefined; packet: number } {
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
    if (this.helpOpen) return this.helpKey(name);
    if (this.filterBar) return this.filterKey(name, ch);
    const b = this.keys.lookup(this.focus, name);
    // While a filter or a find runs, back (Esc) stops it, as clear-filter (x) does a filter.
    if (this.running && (b?.action === "back" || b?.action === "clear-filter")) return this.cancelFilter();
    if (this.finding && b?.action === "back") return this.cancelFind();
    if (b) {
      this.message = "";
      this.run(b.action);
    }
  }

  /**
   * Runs an action of the keymap by its id: a pane's own action by its view (views/*.ts, `run`),
   * the others here.
   */
  run(action: string): void {
    const v = this.focus;
    const own = actionHandler(v, action);
    if (own) {
      own(this);
      this.render();
      return;
    }
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
        this.openBar("filter");
        break;
      case "search-next":
        this.searchNext();
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
        this.moveIn(v, action as Move);
        break;
      case "enter":
        if (this.model) view(v).onSelect?.(this);
        break;
      case "scope-all":
        if (this.connScope === null) {
          const c = this.selectedConnection();
          if (c !== null) this.scopeTo(c);
        } else this.scopeTo(null);
        break;
      default:
        if (action.startsWith("pane.")) this.setFocus(action.slice(5) as ViewId);
    }
    this.render();
  }

  /** Opens the filter bar: the focused pane's filter (or search) to edit, or the packets pane's find. */
  openBar(mode: "filter" | "find"): void {
    const v = this.focus;
    const base = { view: v, compiled: null, historyAt: this.filterHistory.entries.length, draft: "", choices: [] };
    if (mode === "find") {
      this.filterBar = { ...base, find: true, text: this.findText, cursor: this.findText.length };
      return;
    }
    const text = (filterScope(v) ? this.filters[v]?.text : this.searches[v]) ?? "";
    this.filterBar = { ...base, text, cursor: text.length };
    this.checkFilter();
  }

  /** n: the next match of the focused pane's search. */
  searchNext(): void {
    this.search(this.lists[this.focus].selected + 1);
  }

  /**
   * Finds the next packet of the list, from position `from`, whose text contains the find text.
   * The first slice runs at once (a small list is searched before the key returns); the rest
   * runs between key presses, as a big packet filter does, with its progress in the title.
   */
  findPacket(from: number): void {
    const m = this.model;
    if (!m) return;
    if (!this.findText) {
      this.message = `nothing to find: ${this.keys.say("find")} finds a packet by its text`;
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
        this.message = `found "${job.text}": packet ${number} (${this.keys.say("search-next")} next)`;
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

  setFocus(v: ViewId): void {
    if (view(v).comparison && this.compareRows === null) return;
    this.focus = v;
    if (view(v).lower) this.lower = v;
    this.followSelection(v);
  }

  private moveIn(v: ViewId, m: Move): void {
    this.lists[v] = move(this.lists[v], m, this.height(v));
    this.followSelection(v);
    if (v === "detail") this.followTreeSelection();
  }

  pushHistory(): void {
    this.history.push(this.snapshot());
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

  scopeTo(conn: number | null): void {
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

  private helpKey(name: string): void {
    const page = Math.max(1, this.helpRows() - 1);
    switch (this.keys.lookup("help", name)?.action) {
      case "quit":
        return this.run("quit");
      case "help.close":
        this.helpOpen = false;
        break;
      case "help.down":
        this.helpTop++;
        break;
      case "help.up":
        this.helpTop = Math.max(0, this.helpTop - 1);
        break;
      case "help.page-down":
        this.helpTop += page;
        break;
      case "help.page-up":
        this.helpTop = Math.max(0, this.helpTop - page);
        break;
      case "help.top":
        this.helpTop = 0;
        break;
      case "help.bottom":
        this.helpTop = Number.MAX_SAFE_INTEGER;
        break;
      default:
        return;
    }
    // Clamped at once, not when drawn: the next key of a burst starts from the last page.
    this.helpTop = clampHelpTop(this.helpTop, this.keys.helpLines(this.focus).length, this.helpRows());
    this.render();
  }

  /** Rows of help text on screen (the help box less its title line). */
  private helpRows(): number {
    return Math.max(3, (this.screen.height as number) - 2) - 1;
  }

  private filterKey(name: string, ch: string | undefined): void {
    const f = this.filterBar!;
    const action = this.keys.lookup("bar", name)?.action;
    if (action === "quit") return this.run("quit");
    if (action !== "bar.complete") f.choices = [];
    switch (action) {
      case "bar.cancel":
        this.filterBar = null;
        break;
      case "bar.apply": {
        const compiled = f.compiled;
        if (compiled && !compiled.ok) {
          this.message = `filter not applied: ${filterStatus(compiled, this.g)}`;
          this.render();
          return;
        }
        this.filterBar = null;
        if (f.find) {
          this.findText = f.text;
          this.findPacket(this.lists.packets.selected + 1);
          break;
        }
        if (filterScope(f.view)) this.filterHistory.add(f.text);
        this.applyFilter(f.view, f.text);
        break;
      }
      case "bar.complete": {
        const scope = filterScope(f.view);
        if (!scope || f.find) break;
        const c = complete(scope, f.text, f.cursor);
        f.text = c.text;
        f.cursor = c.cursor;
        f.choices = c.candidates.length > 1 ? c.candidates : [];
        break;
      }
      case "bar.history-back":
      case "bar.history-forward": {
        if (f.find) break;
        const entries = this.filterHistory.entries;
        if (f.historyAt === entries.length) f.draft = f.text;
        f.historyAt = Math.max(0, Math.min(entries.length, f.historyAt + (action === "bar.history-back" ? -1 : 1)));
        f.text = f.historyAt === entries.length ? f.draft : entries[f.historyAt]!;
        f.cursor = f.text.length;
        break;
      }
      case "bar.delete-back":
        if (f.cursor > 0) {
          f.text = f.text.slice(0, f.cursor - 1) + f.text.slice(f.cursor);
          f.cursor--;
        }
        break;
      case "bar.delete":
        f.text = f.text.slice(0, f.cursor) + f.text.slice(f.cursor + 1);
        break;
      case "bar.left":
        f.cursor = Math.max(0, f.cursor - 1);
        break;
      case "bar.right":
        f.cursor = Math.min(f.text.length, f.cursor + 1);
        break;
      case "bar.start":
        f.cursor = 0;
        break;
      case "bar.end":
        f.cursor = f.text.length;
        break;
      case "bar.clear":
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
    const scope = filterScope(f.view);
    if (f.find) f.compiled = null;
    else if (scope) f.compiled = compileFilter(scope, f.text);
    else {
      f.compiled = null;
      this.searches[f.view] = f.text;
      this.search(this.lists[f.view].selected);
    }
  }

  private applyFilter(v: ViewId, text: string): void {
    const scope = filterScope(v);
    if (!scope) {
      this.searches[v] = text;
      this.search(this.lists[v].selected);
      return;
    }
    const compiled = compileFilter(scope, text);
    if (!compiled.ok) return;
    if (compiled.matchAll) delete this.filters[v];
    else this.filters[v] = compiled;
    if (v === "packets") this.refreshPackets(true);
    else if (v === "exchanges") this.refreshExchanges(true);
    else this.refreshConnections();
    if (v === "packets" && this.running) {
      this.message = `${view("packets").title(this)}: filtering (${this.keys.say("back")} or ${this.keys.say("clear-filter")} cancels)`;
      return;
    }
    const n = this.lists[v].count;
    const title = view(v).title(this);
    this.message = compiled.matchAll ? `${title}: filter cleared` : `${title}: ${n} match${n === 1 ? "" : "es"}`;
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
      this.followSelection(v);
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
      this.followSelection(v);
      if (v === "detail") this.followTreeSelection();
      this.render();
      return;
    }
  }

  // ---- drawing ----------------------------------------------------------------------------

  /** Plain text of row `i` of a pane (search and tests), built like the drawn row (views/*.ts). */
  rowText(v: ViewId, i: number, width: number): string {
    if (!this.model) return "";
    return view(v).rowText?.(this, i, width) ?? "";
  }

  /**
   * The title line of pane `v` in `width` cells (pane-title.ts): key, name, scope and count
   * always; a long filter or search text shortened in the middle, or down to `[filter]` (`/`
   * shows it whole in the filter bar); then the markers and the position.
   */
  private paneTitle(v: ViewId, focused: boolean, width: number): string {
    const s = this.lists[v];
    const d = view(v);
    const head: string[] = [`${focused ? ">" : " "}${this.keys.keyOf(`pane.${v}`)}`, d.title(this), ...(d.titleInfo?.(this) ?? [])];
    const tail: string[] = [...(d.titleTail?.(this) ?? [])];
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
    if (search && !filterScope(v)) {
      if (quoted) tail.push(`[search: ${search}]`);
      else quoted = { open: "[search: ", text: search, close: "]", bare: "[search]" };
    }
    if (s.count > 0 && d.list) tail.push(`${s.selected + 1}/${s.count}`);
    return titleText({ head: head.filter(Boolean).join(" "), quoted, tail }, width, this.g.ellipsis);
  }

  /** A pane's rows for this render: its view's own body (hex, timeline), else the visible rows of its list. */
  private paneBody(v: ViewId, width: number, rows: number): string[] {
    const m = this.model;
    if (!m) return rows > 0 ? [escapeTags(this.progress || "reading the capture...")] : [];
    const d = view(v);
    const lines: string[] = [];
    const s = (this.lists[v] = settle(this.lists[v], Math.max(1, rows - (d.header ? 1 : 0))));
    if (d.header) lines.push(`{underline}${escapeTags(d.header(this, width))}{/underline}`);
    const own = d.body?.(this, width, rows - lines.length);
    if (own) return [...lines, ...own];
    if (s.count === 0) {
      lines.push(escapeTags(d.empty?.(this) ?? ""));
      return lines;
    }
    const end = Math.min(s.count, s.top + rows - lines.length);
    for (let i = s.top; i < end; i++) {
      const text = escapeTags(this.rowText(v, i, width));
      lines.push(i === s.selected ? `{inverse}${text}{/inverse}` : (d.rowStyle?.(this, i, text) ?? text));
    }
    return lines;
  }

  rectOf(v: ViewId): Rect | undefined {
    return this.rects.get(v);
  }

  hasOverlay(v: ViewId): boolean {
    return this.overlays.has(v);
  }

  showOverlay(v: ViewId, rect: Rect, data: unknown): void {
    this.overlayAt.set(v, { rect, data });
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
    for (const v of paneOrder(true)) if (view(v).detailOf) need[v] = this.lists[v].count + 1 + (HEADED.has(v) ? 1 : 0);
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
      m ? `${m.capture.packets.count} pkts, ${m.connectionCount} conns, ${m.capture.exchanges.length} exchanges, ${m.findings.length} findings` : "",
      this.connScope !== null ? `[connection ${this.connScope}]` : "",
      this.progress,
    ]
      .filter(Boolean)
      .join("  ");
    // The progress line names the file as given: a file name is text from outside too.
    this.place(this.header, { top: 0, left: 0, width, height: 1 }, `{inverse}${escapeTags(fit(safe(head, !this.caps.unicode), width))}{/inverse}`);
    this.overlayAt = new Map();
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
    this.placeOverlays();
    this.place(this.status, { top: height - 1, left: 0, width, height: 1 }, this.statusLine(width));
    if (this.filterBar) {
      const f = this.filterBar;
      const scope = filterScope(f.view);
      const name = view(f.view).title(this).toLowerCase();
      const prompt = f.find ? "find packet (text of its row or Kafka fields): " : scope ? `filter ${name} (${scope} fields): ` : `search ${name}: `;
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
      const k = this.keys;
      const idle = f.find
        ? `${k.say("bar.apply")} finds the next packet (case-insensitive), ${k.say("search-next")} the one after, ${k.say("bar.cancel")} cancels`
        : `${k.say("bar.apply")} applies, ${k.say("bar.cancel")} cancels, ${k.say("bar.complete")} completes, ${k.say("bar.history-back")}/${k.say("bar.history-forward")} history`;
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
      const lines = this.keys.helpLines(this.focus);
      const h = Math.max(3, height - 2);
      this.helpTop = clampHelpTop(this.helpTop, lines.length, h - 1);
      const last = Math.min(lines.length, this.helpTop + h - 1);
      // Where you are in it: at 80x24 the help is four screens long.
      const k = this.keys;
      const shown = [`Help: every key, lines ${this.helpTop + 1}-${last} of ${lines.length} (${k.say("help.close")} closes, ${k.say("help.down")}/${k.say("help.up")} ${k.say("help.page-down")} scroll)`, ...lines.slice(this.helpTop, last)];
      this.place(this.help, { top: 1, left: 0, width, height: h }, shown.map((l, i) => (i === 0 ? `{inverse}${escapeTags(fit(l, width))}{/inverse}` : escapeTags(fit(l, width)))).join("\n"));
      this.help.show();
      this.help.setFront();
    } else this.help.hide();
    this.screen.render();
    // The terminal's cursor where the filter bar's is (blessed leaves it after the last write).
    if (this.filterBar) this.screen.program.cup(this.barCursor.row, this.barCursor.col);
  }

  /** The overlays paneBody asked for this render (the timeline's chart over its first body rows); the others hidden. */
  private placeOverlays(): void {
    for (const [v, overlay] of this.overlays) {
      const at = this.overlayAt.get(v);
      if (at) overlay.show(at.rect, at.data);
      else overlay.hide();
    }
  }

  private statusLine(width: number): string {
    if (this.helpOpen) return escapeTags(fit(this.keys.hints("help", width), width));
    // A message (what Enter did, filter results) wins over the hints, help and quit stay. It may
    // quote a plugin's error or a capture problem: sanitised like every text from outside.
    const line = this.message ? `${safe(this.message, !this.caps.unicode)}  |  ${this.keys.hints(this.focus, 0)}` : this.keys.hints(this.focus, width);
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
