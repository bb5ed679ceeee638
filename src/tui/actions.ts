/**
 * The actions that are no single pane's: those that work everywhere, the list keys, the help's
 * and the filter bar's, and the ones several panes share (Enter, follow, scope). With the panes'
 * own actions (views/*.ts) they make the keymap (keymap.ts); `keyTable` applies the user's keys.
 */

import { KeyTable, type ActionDef } from "./keymap.js";
import { VIEWS } from "./views/index.js";
import type { ViewDescriptor } from "./views/types.js";

/** The actions of every pane, with one `pane.<id>` action per pane of `views`. */
const globalActions = (views: readonly ViewDescriptor[]): ActionDef[] => [
  { id: "next-pane", keys: ["tab"], description: "next pane", where: "global", visible: true, hint: "pane" },
  { id: "prev-pane", keys: ["S-tab"], description: "previous pane", where: "global" },
  { id: "filter", keys: ["/"], description: "filter / search", where: "global", visible: true },
  { id: "search-next", keys: ["n"], description: "next search match", where: "global" },
  { id: "clear-filter", keys: ["x"], description: "clear the filter of this pane", where: "global" },
  { id: "zoom", keys: ["z"], description: "maximise / restore this pane", where: "global", visible: true, hint: "zoom" },
  { id: "back", keys: ["escape", "backspace"], description: "back", where: "global", visible: true, hint: "back" },
  // One per pane of the views table: "pane.packets" on 4.
  ...views.map((v): ActionDef => ({ id: `pane.${v.id}`, keys: [v.paneKey], description: v.paneDescription, where: "global" })),
  { id: "help", keys: ["?"], description: "help: every key", where: "global", visible: true, pinned: true },
  // Ctrl-C quits in the help and the filter bar too (there `q` is theirs).
  { id: "quit", keys: ["q", "C-c"], description: "quit", where: "always", visible: true, pinned: true },
];

/** Keys that move a list's selection, in every pane with a list. */
const LIST: readonly ActionDef[] = [
  { id: "up", keys: ["up", "k"], description: "up", where: "list" },
  { id: "down", keys: ["down", "j"], description: "down", where: "list" },
  { id: "page-up", keys: ["pageup", "C-u"], description: "page up", where: "list" },
  { id: "page-down", keys: ["pagedown", "C-d", "space"], description: "page down", where: "list" },
  { id: "top", keys: ["home", "g"], description: "first row", where: "list" },
  { id: "bottom", keys: ["end", "G"], description: "last row", where: "list" },
];

/** Actions several panes use, each pane saying what it means there (views/*.ts). */
const SHARED: readonly ActionDef[] = [
  { id: "enter", keys: ["enter"], description: "drill down into the selected row", where: "pane" },
  { id: "follow-stream", keys: ["F"], description: "follow the connection: its Kafka messages in order", where: "pane" },
  { id: "scope-all", keys: ["a"], description: "all connections / selected connection", where: "pane", hint: "all/conn" },
];

const HELP: readonly ActionDef[] = [
  { id: "help.close", keys: ["escape", "q", "?", "enter", "backspace"], description: "close the help", where: "help", visible: true, hint: "close" },
  { id: "help.down", keys: ["down", "j"], description: "scroll down", where: "help", visible: true, hint: "scroll" },
  { id: "help.up", keys: ["up", "k"], description: "scroll up", where: "help" },
  { id: "help.page-down", keys: ["pagedown", "C-d", "space"], description: "page down", where: "help", visible: true, hint: "page" },
  { id: "help.page-up", keys: ["pageup", "C-u"], description: "page up", where: "help" },
  { id: "help.top", keys: ["home", "g"], description: "top", where: "help", visible: true },
  { id: "help.bottom", keys: ["end", "G"], description: "bottom", where: "help", visible: true },
];

/** The filter bar's editing keys; printable characters are typed into it, so none of these may be one. */
const BAR: readonly ActionDef[] = [
  { id: "bar.apply", keys: ["enter"], description: "apply (not while the filter is invalid)", where: "bar", visible: true, hint: "apply" },
  { id: "bar.cancel", keys: ["escape"], description: "cancel", where: "bar", visible: true },
  { id: "bar.clear", keys: ["C-u"], description: "clear (an empty filter shows everything)", where: "bar" },
  { id: "bar.delete-back", keys: ["backspace"], description: "delete the character before the cursor", where: "bar" },
  { id: "bar.delete", keys: ["delete"], description: "delete the character under the cursor", where: "bar" },
  { id: "bar.left", keys: ["left"], description: "cursor left", where: "bar" },
  { id: "bar.right", keys: ["right"], description: "cursor right", where: "bar" },
  { id: "bar.start", keys: ["home"], description: "start of the line", where: "bar" },
  { id: "bar.end", keys: ["end", "C-e"], description: "end of the line", where: "bar" },
  { id: "bar.complete", keys: ["tab"], description: "complete the field name or value, or list the choices", where: "bar", visible: true, hint: "complete" },
  { id: "bar.history-back", keys: ["up"], description: "previous filter from the history (kept across runs)", where: "bar", visible: true, hint: "history" },
  { id: "bar.history-forward", keys: ["down"], description: "next filter from the history", where: "bar" },
];

/** Every action that is no single pane's, in help order. */
export function sharedActions(views: readonly ViewDescriptor[] = VIEWS): ActionDef[] {
  return [...globalActions(views), ...SHARED, ...LIST, ...HELP, ...BAR];
}

/**
 * The keymap: every action's default keys, or the user's where `overrides` gives them, for the
 * panes of the views table (tests pass a table with a pane of their own).
 */
export function keyTable(overrides: ReadonlyMap<string, readonly string[]> = new Map(), views: readonly ViewDescriptor[] = VIEWS): KeyTable {
  return new KeyTable(sharedActions(views), views.map((v) => ({ id: v.id, actions: v.actions, list: v.list })), overrides);
}

/** The built-in keymap. */
export const DEFAULT_KEYS: KeyTable = keyTable();
