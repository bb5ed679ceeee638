/**
 * One keymap, k9s style. Every action is declared once (an id, its default keys, a description,
 * where it applies); a pane's own actions are declared by its view (views/*.ts), the actions that
 * work everywhere, the list keys, the help's and the filter bar's here (actions.ts puts them
 * together). The key dispatch, the status-line hints and the `?` help are all generated from the
 * one KeyTable built from those declarations and the user's keys file (user-keys.ts), so none of
 * them can drift from what the keys do. No Ctrl-A/Ctrl-B bindings: tmux and screen use them as
 * prefixes over SSH.
 */

export type { ViewId } from "./views/types.js";
import type { ViewId } from "./views/types.js";

/**
 * Where an action applies, besides the panes that use it: "global" every pane; "always" every
 * pane and also the help and the filter bar (Ctrl-C); "list" every pane with a list (see
 * ViewDescriptor.list); "help" the `?` help; "bar" the filter bar (`/`).
 */
export type Where = "global" | "always" | "list" | "help" | "bar" | "pane";

export interface ActionDef {
  /** What the user's keys file names it by: "quit", "toggle-mark", "help.close", "bar.apply". */
  id: string;
  /** Default keys, as keyName names them: "j", "down", "C-d", "S-tab", "?", "G". */
  keys: readonly string[];
  description: string;
  /** "pane": only in the panes whose view lists it (the default for a view's own actions). */
  where?: Where;
  /** Shown on the status line (every action is listed in help). */
  visible?: boolean;
  /** One word for the status line (default: the description's first word). */
  hint?: string;
  /** Always on the status line, after the others (help, quit): every other key can be found from them. */
  pinned?: boolean;
}

/** A pane's use of an action declared elsewhere, with what it means in that pane. */
export interface ActionUse {
  use: string;
  description?: string;
  hint?: string;
  visible?: boolean;
}

/** What a view tells the keymap: its id, its actions in order, whether the list keys work in it. */
export interface ViewKeys {
  id: ViewId;
  /** The pane's own actions (ActionDef) and uses of shared ones (ActionUse), in help order. */
  actions: ReadonlyArray<ActionDef | ActionUse>;
  /** The list keys (up, down, page, first, last) move its selection. */
  list: boolean;
}

/** An action as bound in one context: the keys after the user's file, the text for that pane. */
export interface Binding {
  action: string;
  keys: readonly string[];
  description: string;
  visible?: boolean;
  hint?: string;
  pinned?: boolean;
}

export type Keymap = readonly Binding[];

/** Named keys a keys file may use, besides one printable character and C-<letter>. */
export const NAMED_KEYS: ReadonlySet<string> = new Set([
  "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "insert", "delete",
  "enter", "escape", "backspace", "tab", "S-tab", "space",
  ...Array.from({ length: 12 }, (_, i) => `f${i + 1}`),
]);

/** Why `key` cannot be bound, or null when it can. */
export function keyProblem(key: string): string | null {
  if (NAMED_KEYS.has(key)) return null;
  if (key.length === 1 && key >= "!" && key <= "~") return null;
  const ctrl = /^C-([a-z])$/.exec(key);
  if (ctrl) {
    if (ctrl[1] === "a" || ctrl[1] === "b") return `"${key}" is the tmux/screen prefix: it would not reach kdiag over SSH`;
    if (ctrl[1] === "i" || ctrl[1] === "m" || ctrl[1] === "h") return `"${key}" is the same byte as ${ctrl[1] === "i" ? "tab" : ctrl[1] === "m" ? "enter" : "backspace"}: bind that instead`;
    return null;
  }
  return `unknown key name "${key}" (one character such as "j" or "?", C-<letter>, or one of: ${[...NAMED_KEYS].filter((k) => !/^f\d+$/.test(k)).join(", ")}, f1-f12)`;
}

/** A key that types a character into the filter bar, so cannot be one of its editing keys. */
export function typesText(key: string): boolean {
  return key.length === 1 || key === "space";
}

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

/** How a key is written in the help and on the status line: "<enter>", "</>", "<C-d>". */
export function keyLabel(k: string): string {
  return `<${k}>`;
}

/** How a key is written in a sentence (messages, prompts): "Esc", "Enter", "Ctrl-F", "]". */
export function keyText(k: string): string {
  const named: Record<string, string> = { escape: "Esc", enter: "Enter", backspace: "Backspace", tab: "Tab", "S-tab": "Shift-Tab", space: "Space", up: "Up", down: "Down", left: "Left", right: "Right", pageup: "PgUp", pagedown: "PgDn", home: "Home", end: "End", delete: "Delete", insert: "Insert" };
  if (named[k]) return named[k];
  if (/^C-[a-z]$/.test(k)) return `Ctrl-${k.slice(2).toUpperCase()}`;
  if (/^f\d+$/.test(k)) return k.toUpperCase();
  return k;
}

/** A context keys are looked up in: a pane, the help, or the filter bar. */
export type Context = ViewId | "help" | "bar";

/**
 * The keymap in force: actions declared by the views and the shared ones, with the user's keys
 * (user-keys.ts) in place of their defaults. Pure: lookups, hints and help are functions of it.
 */
export class KeyTable {
  /** Every action by id, with its keys in force. */
  readonly actions: ReadonlyMap<string, ActionDef>;
  private readonly views: readonly ViewKeys[];
  private readonly byContext = new Map<Context, Binding[]>();

  constructor(shared: readonly ActionDef[], views: readonly ViewKeys[], overrides: ReadonlyMap<string, readonly string[]> = new Map()) {
    const actions = new Map<string, ActionDef>();
    const add = (d: ActionDef) => {
      if (actions.has(d.id)) throw new Error(`keymap: action "${d.id}" declared twice`);
      actions.set(d.id, overrides.has(d.id) ? { ...d, keys: overrides.get(d.id)! } : d);
    };
    for (const d of shared) add(d);
    for (const v of views) for (const a of v.actions) if (!("use" in a)) add({ ...a, where: "pane" });
    this.actions = actions;
    this.views = views;
    const bind = (d: ActionDef, use?: ActionUse): Binding => ({
      action: d.id,
      keys: d.keys,
      description: use?.description ?? d.description,
      ...(use?.visible ?? d.visible ? { visible: true } : {}),
      ...((use?.hint ?? d.hint) !== undefined ? { hint: use?.hint ?? d.hint } : {}),
      ...(d.pinned ? { pinned: true } : {}),
    });
    const where = (w: Where) => [...actions.values()].filter((d) => d.where === w).map((d) => bind(d));
    for (const v of views) {
      const own = v.actions.map((a) => {
        const d = actions.get("use" in a ? a.use : a.id);
        if (!d) throw new Error(`keymap: pane ${v.id} uses undeclared action "${(a as ActionUse).use}"`);
        return bind(d, "use" in a ? a : undefined);
      });
      this.byContext.set(v.id, [...own, ...(v.list ? where("list") : [])]);
    }
    this.byContext.set("help", where("help"));
    this.byContext.set("bar", where("bar"));
    this.globals = [...actions.values()].filter((d) => d.where === "global" || d.where === "always").map((d) => bind(d));
    this.always = where("always");
  }

  /** The actions that work in every pane, in help order. */
  readonly globals: Binding[];
  /** The actions that work even in the help and the filter bar. */
  readonly always: Binding[];

  /** The panes, in the order the views table gives. */
  viewIds(): ViewId[] {
    return this.views.map((v) => v.id);
  }

  /** A context's own bindings (a pane's: its actions then the list keys), without the global ones. */
  bindings(context: Context): Binding[] {
    return this.byContext.get(context) ?? [];
  }

  /** The binding a key triggers: the context's own first, then the global (or, in help and bar, the always) ones. */
  lookup(context: Context, key: string): Binding | undefined {
    return this.bindings(context).find((b) => b.keys.includes(key)) ?? this.fallback(context).find((b) => b.keys.includes(key));
  }

  /**
   * What applies in a context besides its own bindings: in a pane the global actions; in the help
   * and the filter bar the "always" ones, by their keys that type no text (in the filter bar `q`
   * is a letter of the filter, Ctrl-C still quits).
   */
  private fallback(context: Context): Binding[] {
    if (context !== "help" && context !== "bar") return this.globals;
    return this.always.map((b) => ({ ...b, keys: b.keys.filter((k) => !typesText(k)) }));
  }

  /** The first key of an action ("" when it has none), as keyName names it. */
  keyOf(action: string): string {
    return this.actions.get(action)?.keys[0] ?? "";
  }

  /** The first key of an action as written in a sentence: "]", "Esc", "Ctrl-F". */
  say(action: string): string {
    const k = this.keyOf(action);
    return k ? keyText(k) : `(${action} has no key)`;
  }

  /**
   * Two actions on one key where both apply (a pane's own and a global one included), each once:
   * `packets: key "m" is bound to both "toggle-mark" (mark / unmark the packet) and "zoom" (...)`.
   */
  conflicts(): Array<{ context: Context; key: string; actions: [string, string]; text: string }> {
    const out: Array<{ context: Context; key: string; actions: [string, string]; text: string }> = [];
    const seen = new Set<string>();
    const contexts: Array<[Context, Binding[]]> = [
      ...this.viewIds().map((v) => [v, [...this.bindings(v), ...this.globals]] as [Context, Binding[]]),
      ["help", [...this.bindings("help"), ...this.fallback("help")]],
      ["bar", [...this.bindings("bar"), ...this.fallback("bar")]],
    ];
    for (const [context, bindings] of contexts) {
      const byKey = new Map<string, Binding>();
      for (const b of bindings) {
        for (const k of b.keys) {
          const prev = byKey.get(k);
          if (prev && prev.action !== b.action) {
            const id = [prev.action, b.action, k].join("\u0000");
            if (!seen.has(`${context}\u0000${id}`)) {
              seen.add(`${context}\u0000${id}`);
              const where = context === "help" ? "the help" : context === "bar" ? "the filter bar" : `the ${context} pane`;
              out.push({ context, key: k, actions: [prev.action, b.action], text: `key "${k}" is bound to both "${prev.action}" (${prev.description}) and "${b.action}" (${b.description}) in ${where}` });
            }
          }
          if (!prev) byKey.set(k, b);
        }
      }
    }
    return out;
  }

  /**
   * Status-line hints for a pane: its visible bindings then the global ones, cut to fit `width`;
   * the pinned ones (help, quit) always shown, so every other key can be found.
   */
  hints(view: Context, width: number): string {
    const all = [...this.bindings(view), ...(view === "help" || view === "bar" ? [] : this.globals)].filter((b) => b.visible && b.keys.length > 0);
    return fitHints(all, width);
  }

  /**
   * The `?` help: every key of every pane, generated from this table. The focused pane's own
   * keys come first (what the user is most likely after), then the keys that work everywhere,
   * every other pane's, and once only the list keys; then the keys of the help itself and of the
   * filter bar. Lines fit 80 columns; the help scrolls.
   */
  helpLines(focus: ViewId): string[] {
    // Keys in a column of 24; a longer key list puts its description on the next line.
    const line = (b: Binding) => {
      const keys = b.keys.length > 0 ? `  ${b.keys.map(keyLabel).join(" ")}` : "  (no key)";
      return keys.length <= 26 ? [`${keys.padEnd(26)} ${b.description}`] : [keys, `${"".padEnd(26)} ${b.description}`];
    };
    const lineAll = (map: readonly Binding[]) => map.flatMap(line);
    const lists = new Set([...this.actions.values()].filter((d) => d.where === "list").map((d) => d.id));
    const paneKey = (v: ViewId) => this.keyOf(`pane.${v}`);
    const paneName = (v: ViewId) => `the ${this.actions.get(`pane.${v}`)?.description ?? `${v} pane`}${paneKey(v) ? ` (${paneKey(v)})` : ""}`;
    const listViews = this.views.filter((v) => v.list).map((v) => v.id);
    const paneSection = (v: ViewId) => {
      const own = this.bindings(v).filter((b) => !lists.has(b.action));
      const hasLists = listViews.includes(v);
      const head = `In ${paneName(v)}${v === focus ? ", where you are" : ""}`;
      if (own.length === 0) return [`${head}: ${hasLists ? "the list keys only" : "only the keys that work everywhere"}`, ""];
      return [`${head}:`, ...lineAll(own), ...(hasLists ? ["  and the list keys (below)"] : []), ""];
    };
    const lines = [...paneSection(focus), "Everywhere:", ...lineAll(this.globals), ""];
    for (const v of this.viewIds()) if (v !== focus) lines.push(...paneSection(v));
    const listBindings = [...this.actions.values()].filter((d) => d.where === "list").map((d) => ({ action: d.id, keys: d.keys, description: d.description }));
    lines.push(`List keys (panes ${listViews.map(paneKey).filter(Boolean).join(" ")}):`, ...lineAll(listBindings), "");
    lines.push("In this help:", ...lineAll(this.bindings("help")), "");
    lines.push(`In the filter bar (${this.keyOf("filter")}), typed text goes into the filter, and:`, ...lineAll(this.bindings("bar")));
    lines.push("Packets, exchanges and connections take the rule language (names: kdiag");
    lines.push(`fields); other panes search for the text, as ${this.keyOf("find")} does in the packets pane.`);
    lines.push("Mouse: click a pane or a row, wheel to scroll.");
    lines.push("Your own keys: ~/.config/kdiag/keys.yaml or --keys FILE (docs/tui.md).");
    return lines;
  }
}

/** Hints as `<key> word`, the pinned ones last and always, the others while they fit `width`. */
export function fitHints(bindings: readonly Binding[], width: number): string {
  const label = (b: Binding) => `${keyLabel(b.keys[0] === "escape" ? "esc" : b.keys[0]!)} ${b.hint ?? b.description.split(/[ ,:]/)[0]}`;
  const always = bindings.filter((b) => b.pinned).map(label).join("  ");
  let out = "";
  for (const b of bindings) {
    if (b.pinned) continue;
    const next = out ? `${out}  ${label(b)}` : label(b);
    if (next.length + 2 + always.length > width) break;
    out = next;
  }
  return out && always ? `${out}  ${always}` : out || always;
}
