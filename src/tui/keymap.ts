/**
 * Keymaps, k9s style: one table per view, plus the global one. A binding is data; the status-line
 * hints and the `?` help are derived from the same tables, so they cannot drift from what the keys
 * do. Actions are names the app resolves (`app.ts`), which keeps these tables pure and testable.
 * No Ctrl-A/Ctrl-B bindings: tmux and screen use them as prefixes over SSH.
 */

export type ViewId = "findings" | "connections" | "exchanges" | "packets" | "detail" | "hex" | "timeline" | "compare";

export type Action =
  | "quit"
  | "help"
  | "next-pane"
  | "prev-pane"
  | "back"
  | "filter"
  | "search-next"
  | "zoom"
  | "clear-filter"
  | "up"
  | "down"
  | "page-up"
  | "page-down"
  | "top"
  | "bottom"
  | "enter"
  | "sort-next"
  | "sort-reverse"
  | "toggle"
  | "expand"
  | "collapse"
  | "expand-all"
  | "collapse-all"
  | "scope-all"
  | "next-mark"
  | "prev-mark"
  | "toggle-mark"
  | "clear-marks"
  | "follow-stream"
  | "find"
  | "time-ref"
  | `pane:${ViewId}`;

/** Keys of the `?` help while it is open. */
export type HelpAction = "close" | "up" | "down" | "page-up" | "page-down" | "top" | "bottom";

/** Editing keys of the filter bar (`/`); printable characters are typed into it. */
export type BarAction = "cancel" | "apply" | "delete-back" | "delete" | "left" | "right" | "start" | "end" | "clear" | "complete" | "history-back" | "history-forward";

export interface Binding<A extends string = Action> {
  /** Normalised key names (see keyName): "j", "down", "C-d", "S-tab", "?", "G". */
  keys: readonly string[];
  description: string;
  action: A;
  /** Shown on the status line (all bindings are listed in help). */
  visible?: boolean;
  /** One word for the status line (default: the description's first word). */
  hint?: string;
  /** Loses state (quit): asked for in help, never bound to a key a typo hits alone. */
  dangerous?: boolean;
}

export type Keymap<A extends string = Action> = readonly Binding<A>[];

const LIST: Keymap = [
  { keys: ["up", "k"], description: "up", action: "up" },
  { keys: ["down", "j"], description: "down", action: "down" },
  { keys: ["pageup", "C-u"], description: "page up", action: "page-up" },
  { keys: ["pagedown", "C-d", "space"], description: "page down", action: "page-down" },
  { keys: ["home", "g"], description: "first row", action: "top" },
  { keys: ["end", "G"], description: "last row", action: "bottom" },
];

export const GLOBAL_KEYMAP: Keymap = [
  { keys: ["tab"], description: "next pane", action: "next-pane", visible: true, hint: "pane" },
  { keys: ["S-tab"], description: "previous pane", action: "prev-pane" },
  { keys: ["/"], description: "filter / search", action: "filter", visible: true },
  { keys: ["n"], description: "next search match", action: "search-next" },
  { keys: ["x"], description: "clear the filter of this pane", action: "clear-filter" },
  { keys: ["z"], description: "maximise / restore this pane", action: "zoom", visible: true, hint: "zoom" },
  { keys: ["escape", "backspace"], description: "back", action: "back", visible: true, hint: "back" },
  { keys: ["1"], description: "findings pane", action: "pane:findings" },
  { keys: ["2"], description: "connections pane", action: "pane:connections" },
  { keys: ["3"], description: "exchanges pane (requests and responses)", action: "pane:exchanges" },
  { keys: ["4"], description: "packets pane", action: "pane:packets" },
  { keys: ["5"], description: "detail (protocol tree) pane", action: "pane:detail" },
  { keys: ["6"], description: "hex pane", action: "pane:hex" },
  { keys: ["7"], description: "timeline pane", action: "pane:timeline" },
  { keys: ["8"], description: "two-capture comparison pane", action: "pane:compare" },
  { keys: ["?"], description: "help: every key", action: "help", visible: true },
  { keys: ["q", "C-c"], description: "quit", action: "quit", visible: true, dangerous: true },
];

export const VIEW_KEYMAPS: Readonly<Record<ViewId, Keymap>> = {
  findings: [{ keys: ["enter"], description: "open a cause / go to a finding's evidence packets", action: "enter", visible: true, hint: "evidence" }, ...LIST],
  connections: [
    { keys: ["enter"], description: "show this connection's exchanges and packets", action: "enter", visible: true, hint: "drill" },
    { keys: ["F"], description: "follow the connection: its Kafka messages in order", action: "follow-stream", visible: true, hint: "follow" },
    { keys: ["s"], description: "sort by the next column", action: "sort-next", visible: true, hint: "sort" },
    { keys: ["r"], description: "reverse the sort", action: "sort-reverse" },
    ...LIST,
  ],
  exchanges: [
    { keys: ["enter"], description: "open the exchange's tree and request packet", action: "enter", visible: true, hint: "tree" },
    { keys: ["F"], description: "follow its connection: the Kafka messages in order", action: "follow-stream" },
    { keys: ["a"], description: "all connections / selected connection", action: "scope-all", visible: true, hint: "all/conn" },
    ...LIST,
  ],
  packets: [
    { keys: ["enter"], description: "open the packet's protocol tree", action: "enter", visible: true, hint: "tree" },
    { keys: ["]"], description: "next marked packet (yours, evidence, one side only)", action: "next-mark", visible: true, hint: "mark" },
    { keys: ["["], description: "previous marked packet", action: "prev-mark" },
    { keys: ["f", "C-f"], description: "find a packet by text (Info, addresses, Kafka fields)", action: "find" },
    { keys: ["F"], description: "follow the packet's connection: its Kafka messages", action: "follow-stream" },
    { keys: ["m"], description: "mark / unmark the packet", action: "toggle-mark" },
    { keys: ["M"], description: "clear every mark of yours", action: "clear-marks" },
    { keys: ["t"], description: "set / clear the packet as time reference (*REF*)", action: "time-ref" },
    { keys: ["a"], description: "all connections / selected connection", action: "scope-all", visible: true, hint: "all/conn" },
    ...LIST,
  ],
  detail: [
    { keys: ["enter"], description: "expand / collapse; in a stream, select the packet", action: "toggle", visible: true, hint: "fold" },
    { keys: ["right", "l"], description: "expand", action: "expand" },
    { keys: ["left", "h"], description: "collapse", action: "collapse" },
    { keys: ["e"], description: "expand all", action: "expand-all", visible: true, hint: "all" },
    { keys: ["c"], description: "collapse all", action: "collapse-all" },
    ...LIST,
  ],
  hex: [...LIST],
  timeline: [],
  compare: [{ keys: ["enter"], description: "its packets, those seen client side only marked", action: "enter", visible: true, hint: "one-side" }, ...LIST],
};

export const HELP_KEYMAP: Keymap<HelpAction> = [
  { keys: ["escape", "q", "?", "enter", "backspace"], description: "close the help", action: "close" },
  { keys: ["down", "j"], description: "scroll down", action: "down" },
  { keys: ["up", "k"], description: "scroll up", action: "up" },
  { keys: ["pagedown", "C-d", "space"], description: "page down", action: "page-down" },
  { keys: ["pageup", "C-u"], description: "page up", action: "page-up" },
  { keys: ["home", "g"], description: "top", action: "top" },
  { keys: ["end", "G"], description: "bottom", action: "bottom" },
];

export const FILTER_BAR_KEYMAP: Keymap<BarAction> = [
  { keys: ["enter"], description: "apply (not while the filter is invalid)", action: "apply" },
  { keys: ["escape"], description: "cancel", action: "cancel" },
  { keys: ["C-u"], description: "clear (an empty filter shows everything)", action: "clear" },
  { keys: ["backspace"], description: "delete the character before the cursor", action: "delete-back" },
  { keys: ["delete"], description: "delete the character under the cursor", action: "delete" },
  { keys: ["left"], description: "cursor left", action: "left" },
  { keys: ["right"], description: "cursor right", action: "right" },
  { keys: ["home"], description: "start of the line", action: "start" },
  { keys: ["end", "C-e"], description: "end of the line", action: "end" },
  { keys: ["tab"], description: "complete the field name or value, or list the choices", action: "complete" },
  { keys: ["up"], description: "previous filter from the history (kept across runs)", action: "history-back" },
  { keys: ["down"], description: "next filter from the history", action: "history-forward" },
];

/**
 * A key as the keymaps name it: printable characters as themselves ("G", "?", "/"), everything
 * else by blessed's full name ("up", "C-c", "S-tab", "enter"). Returns null for keys to ignore
 * ("return", which blessed reports alongside "enter").
 */
export function keyName(ch: string | undefined, key: { name?: string; full?: string; ctrl?: boolean; meta?: boolean } | undefined): string | null {
  const name = key?.name;
  if (name === "return") return null;
  if (name === "space" || ch === " ") return "space";
  if (ch && ch.length === 1 && ch >= "!" && ch <= "~" && !key?.ctrl && !key?.meta) return ch;
  if (name === "enter" || ch === "\r" || ch === "\n") return "enter";
  return key?.full ?? name ?? null;
}

/** The binding a key triggers in a view: the view's own first, then the global one. */
export function lookup(view: ViewId, key: string): Binding | undefined {
  return VIEW_KEYMAPS[view].find((b) => b.keys.includes(key)) ?? GLOBAL_KEYMAP.find((b) => b.keys.includes(key));
}

/** The binding a key triggers in a keymap of its own (the help, the filter bar). */
export function lookupIn<A extends string>(map: Keymap<A>, key: string): Binding<A> | undefined {
  return map.find((b) => b.keys.includes(key));
}

/** Two bindings of one map sharing a key, and view bindings hiding a global one: named, both sides. */
export function keymapConflicts(): string[] {
  const out: string[] = [];
  const maps: Array<[string, Keymap<string>]> = [["global", GLOBAL_KEYMAP], ...Object.entries(VIEW_KEYMAPS), ["help", HELP_KEYMAP], ["filter bar", FILTER_BAR_KEYMAP]];
  for (const [name, map] of maps) {
    const seen = new Map<string, Binding<string>>();
    for (const b of map) {
      for (const k of b.keys) {
        const prev = seen.get(k);
        if (prev) out.push(`${name}: key ${k} is bound to both "${prev.description}" and "${b.description}"`);
        seen.set(k, b);
        if (name !== "global" && name !== "help" && name !== "filter bar") {
          const g = GLOBAL_KEYMAP.find((x) => x.keys.includes(k));
          if (g) out.push(`${name}: key ${k} ("${b.description}") overrides global "${g.description}"`);
        }
      }
    }
  }
  return out;
}

/** How a key is written on screen: "<enter>", "</>", "<C-d>". */
export function keyLabel(k: string): string {
  return `<${k}>`;
}

/**
 * Status-line hints for a view: its visible bindings then the global ones, cut to fit `width`;
 * help and quit are always shown, so every other key can be found.
 */
export function hints(view: ViewId, width: number): string {
  const label = (b: Binding) => `${keyLabel(b.keys[0] === "escape" ? "esc" : b.keys[0]!)} ${b.hint ?? b.description.split(/[ ,:]/)[0]}`;
  const all = [...VIEW_KEYMAPS[view], ...GLOBAL_KEYMAP].filter((b) => b.visible);
  const always = all.filter((b) => b.action === "help" || b.action === "quit").map(label).join("  ");
  let out = "";
  for (const b of all) {
    if (b.action === "help" || b.action === "quit") continue;
    const next = out ? `${out}  ${label(b)}` : label(b);
    if (next.length + 2 + always.length > width) break;
    out = next;
  }
  return out ? `${out}  ${always}` : always;
}

/**
 * The `?` help: every key of every pane, generated from the tables above. The focused pane's own
 * keys come first (what the user is most likely after), then the keys that work everywhere, every
 * other pane's, and once only the keys several panes share (the list keys); then the keys of the
 * help itself and of the filter bar. Lines fit 80 columns; the help scrolls.
 */
export function helpLines(focus: ViewId): string[] {
  // Keys in a column of 24; a longer key list puts its description on the next line.
  const line = (b: Binding<string>) => {
    const keys = `  ${b.keys.map(keyLabel).join(" ")}`;
    return keys.length <= 26 ? [`${keys.padEnd(26)} ${b.description}`] : [keys, `${"".padEnd(26)} ${b.description}`];
  };
  const lineAll = (map: Keymap<string>) => map.flatMap(line);
  const views = Object.keys(VIEW_KEYMAPS) as ViewId[];
  // Bindings found in more than one pane's table, grouped by the panes that have them.
  const shared = new Map<Binding, ViewId[]>();
  for (const v of views) for (const b of VIEW_KEYMAPS[v]) if (views.some((o) => o !== v && VIEW_KEYMAPS[o].includes(b))) shared.set(b, [...(shared.get(b) ?? []), v]);
  const paneBinding = (v: ViewId) => GLOBAL_KEYMAP.find((b) => b.action === `pane:${v}`)!;
  const paneName = (v: ViewId) => `the ${paneBinding(v).description} (${paneBinding(v).keys[0]})`;
  const paneSection = (v: ViewId) => {
    const own = VIEW_KEYMAPS[v].filter((b) => !shared.has(b));
    const lists = VIEW_KEYMAPS[v].some((b) => shared.has(b));
    const head = `In ${paneName(v)}${v === focus ? ", where you are" : ""}`;
    if (own.length === 0) return [`${head}: ${lists ? "the list keys only" : "only the keys that work everywhere"}`, ""];
    return [`${head}:`, ...lineAll(own), ...(lists ? ["  and the list keys (below)"] : []), ""];
  };
  const lines = [...paneSection(focus), "Everywhere:", ...lineAll(GLOBAL_KEYMAP), ""];
  for (const v of views) if (v !== focus) lines.push(...paneSection(v));
  const groups = new Map<string, Binding[]>();
  for (const [b, vs] of shared) groups.set(vs.join(), [...(groups.get(vs.join()) ?? []), b]);
  for (const [vs, bindings] of groups) {
    const names = vs.split(",").map((v) => paneBinding(v as ViewId).keys[0]).join(" ");
    lines.push(`List keys (panes ${names}):`, ...lineAll(bindings), "");
  }
  lines.push("In this help:", ...lineAll(HELP_KEYMAP), "");
  lines.push("In the filter bar (/), typed text goes into the filter, and:", ...lineAll(FILTER_BAR_KEYMAP));
  lines.push("Packets, exchanges and connections take the rule language (names: kdiag");
  lines.push("fields); other panes search for the text, as f does in the packets pane.");
  lines.push("Mouse: click a pane or a row, wheel to scroll.");
  return lines;
}
