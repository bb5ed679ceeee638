/**
 * What a pane is, as data: a view descriptor says what the pane is called, how its rows read,
 * what Enter does in it and which keys it has; app.ts only wires them (layout, focus, the model,
 * the dispatch of actions). Adding a pane is one file in this folder and one line in the views
 * table (views/index.ts), plus its id below.
 */

import type { Widgets } from "blessed";
import type { Finding } from "../../rules/index.js";
import type { CompiledFilter, FilterScope } from "../filter.js";
import type { FindingItem } from "../finding-groups.js";
import type { ActionDef, ActionUse, KeyTable } from "../keymap.js";
import type { TuiModel } from "../model.js";
import type { Glyphs, TermCaps } from "../text.js";
import type { StreamRow } from "../stream.js";
import type { FlatRow, UiNode } from "../tree.js";
import type { ListState } from "../vlist.js";

export type ViewId = "findings" | "connections" | "exchanges" | "packets" | "detail" | "hex" | "timeline" | "compare";

export interface CompareRow {
  text: string;
  /** The connection on the client side (id in the first capture), null when only the server side has it. */
  clientConn?: number | null;
  /** Client-side packets (0-based indices) with no counterpart in the server-side capture. */
  clientOnly?: () => number[];
}

/** What the detail pane shows: the selected row of a list pane, or a followed stream. */
export type DetailSource =
  | { kind: "packet"; index: number }
  | { kind: "exchange"; index: number }
  | { kind: "finding"; index: number }
  | { kind: "connection"; index: number }
  | { kind: "compare"; index: number }
  /** Follow stream: a connection's Kafka messages and TCP events (index: the connection). */
  | { kind: "stream"; index: number }
  | null;

/**
 * The app's state as the views read and steer it. The views are functions of it: they keep no
 * state of their own, so a live capture's new model reaches every pane the same way.
 */
export interface ViewContext {
  readonly model: TuiModel | null;
  readonly caps: TermCaps;
  readonly g: Glyphs;
  readonly keys: KeyTable;
  readonly lists: Record<ViewId, ListState>;
  readonly filters: Partial<Record<ViewId, CompiledFilter>>;
  readonly connScope: number | null;
  evidence: Set<number>;
  evidenceLabel: string;
  /** The packets the user marked (m), by number. */
  readonly userMarks: Set<number>;
  /** The time reference (t), a packet number; 0: times count from the first packet. */
  timeRef: number;
  readonly connOrder: readonly number[];
  readonly exchangeList: readonly number[];
  readonly packetList: Int32Array;
  readonly findingList: readonly FindingItem[];
  readonly openGroups: Set<number>;
  readonly flat: readonly FlatRow[];
  /** The detail pane's whole tree, and the ids of its open nodes (reflatten shows a change). */
  readonly tree: readonly UiNode[];
  expanded: Set<string>;
  /** The rows of the followed stream while the detail pane shows one. */
  readonly stream: readonly StreamRow[];
  readonly detail: DetailSource;
  readonly hexBytes: Uint8Array;
  readonly hexPacket: number;
  readonly compareRows: readonly CompareRow[] | null;
  sortKey: string;
  sortDesc: boolean;
  message: string;
  hexPerLine(): number;
  selectedField(): { node: UiNode | undefined; packet: number };
  selectedConnection(): number | null;
  /** Packet number (1-based) selected in the packets pane, or -1. */
  selectedPacket(): number;
  /** Selects row i of pane v; the detail pane follows. */
  selectRow(v: ViewId, i: number): void;
  refreshConnections(): void;
  selectedFinding(): Finding | undefined;
  /** Remembers where the user is, for Esc. */
  pushHistory(): void;
  scopeTo(conn: number | null): void;
  selectPacketNumber(n: number): void;
  setFocus(v: ViewId): void;
  followSelection(v: ViewId): void;
  refreshFindings(keep?: FindingItem): void;
  clearDetail(): void;
  /** The detail pane shows `src` (a followed stream...), its tree built now. */
  showDetail(src: DetailSource): void;
  /** Rebuilds the detail pane's tree for what it shows (after the time reference changed). */
  rebuildDetail(): void;
  /** Shows the tree with the open nodes of `expanded`, row `selected` selected. */
  reflatten(selected: number): void;
  /** Opens the filter bar on the focused pane: its filter or search, or (find) the packets pane's find. */
  openBar(mode: "filter" | "find"): void;
  /** The packets pane's find: the next packet from list position `from` whose text has the find text. */
  findPacket(from: number): void;
  /** Moves the focused pane's search to its next match. */
  searchNext(): void;
  /** Where pane v is on screen this render, if it is. */
  rectOf(v: ViewId): Rect | undefined;
  /** Pane v has its overlay on this terminal (see ViewDescriptor.overlay). */
  hasOverlay(v: ViewId): boolean;
  /** Shows pane v's overlay at `rect` with `data` on this render (hidden on a render that does not ask). */
  showOverlay(v: ViewId, rect: Rect, data: unknown): void;
}

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

/** A widget a pane draws over part of its box (the timeline's blessed-contrib chart). */
export interface Overlay {
  show(rect: Rect, data: unknown): void;
  hide(): void;
}

export interface ViewDescriptor {
  id: ViewId;
  /** The pane's name in its title and in the filter bar's prompt: "Packets". */
  title(ctx: ViewContext): string;
  /** Its default key (the `pane.<id>` action) and how the help names it: "4", "packets pane". */
  paneKey: string;
  paneDescription: string;
  /** In Tab order and on screen it comes right after this pane (else in the table's order). */
  placeAfter?: ViewId;
  /** What follows the name in the title: scope and count ("- all connections", "(40)"). */
  titleInfo?(ctx: ViewContext): string[];
  /** Markers after the filter in the title ("[field continues to packet 77]"). */
  titleTail?(ctx: ViewContext): string[];
  /** Only there with two captures (client side and server side): kdiag tui A --server-side B. */
  comparison?: boolean;
  /** Below 120 columns it shares the bottom slot with the other lower panes. */
  lower?: boolean;
  /** The list keys move its selection (and the selection's position is in its title). */
  list: boolean;
  /** `/` filters it with the rule language over these fields; otherwise `/` searches its rows. */
  filterScope?: FilterScope;
  /** The detail pane follows its selection: what to show for the selected row. */
  detailOf?(ctx: ViewContext): DetailSource;
  /** A column header row under its title. */
  header?(ctx: ViewContext, width: number): string;
  /** Plain text of row i (drawn, searched, tested). */
  rowText?(ctx: ViewContext, i: number, width: number): string;
  /** Blessed tags around an unselected row (colour by severity, Wireshark's colouring rules). */
  rowStyle?(ctx: ViewContext, i: number, text: string): string;
  /** Whole body in place of the rows (hex highlighting, the timeline chart). */
  body?(ctx: ViewContext, width: number, rows: number): string[] | null;
  /** What an empty pane says. */
  empty?(ctx: ViewContext): string;
  /**
   * How it creates a widget of its own, beyond the plain box every pane has (null: not on this
   * terminal); its body asks for it with showOverlay.
   */
  overlay?(screen: Widgets.Screen, caps: TermCaps): Overlay | null;
  /** Enter ("select") in this pane. */
  onSelect?(ctx: ViewContext): void;
  /** Its own actions (ViewAction) and its uses of shared ones (ViewActionUse), in help order. */
  actions: ReadonlyArray<ViewAction | ViewActionUse>;
}

/** A pane's use of a shared action, and what the action does in that pane. */
export interface ViewActionUse extends ActionUse {
  /** What it does here (else App.run has it: the actions of every pane). */
  run?(ctx: ViewContext): void;
}

/** A pane's own action: declared as every action is (keymap.ts), and what it does. */
export interface ViewAction extends ActionDef {
  /** What the action does (else App.run has it: actions tied to the app's own state). */
  run?(ctx: ViewContext): void;
}
