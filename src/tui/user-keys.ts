/**
 * The user's keys file (like k9s's hotkeys): YAML mapping action ids to keys, read at start from
 * `--keys FILE`, else `$XDG_CONFIG_HOME/kdiag/keys.yaml` (`~/.config/kdiag/keys.yaml`).
 *
 *     toggle-mark: "*"          # one key
 *     next-mark: ["}", "]"]     # or several; they replace the action's default keys
 *
 * Every problem is one line, `file:line:col: what`: an unknown action, a key name kdiag does not
 * know, and a key that would take another action's place where both apply (two actions on one
 * key in a pane, or a key of yours shadowing a built-in one). An entry with a problem is left
 * out (that action keeps its default keys) and the others apply; a file that is not YAML, or not
 * a mapping, is left out whole. The TUI starts either way and shows the first problem.
 */

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { closest } from "../cel/errors.js";
import { keyTable } from "./actions.js";
import { keyProblem, typesText, type KeyTable } from "./keymap.js";

export interface UserKeys {
  /** The keymap in force: the defaults with the file's valid entries. */
  table: KeyTable;
  /** One line each, `file:line:col: what`. */
  problems: string[];
  /** The file read, null when there was none. */
  file: string | null;
}

/** Actions that may not be left without a key: without them the user cannot find, leave or close anything. */
const NEEDS_A_KEY: ReadonlySet<string> = new Set(["quit", "help", "help.close", "bar.apply", "bar.cancel"]);

/**
 * Where the keys file is looked for when --keys is not given: `$XDG_CONFIG_HOME/kdiag/keys.yaml`,
 * else `$HOME/.config/kdiag/keys.yaml`; null in an environment with neither (no home to read).
 */
export function defaultKeysFile(env: Record<string, string | undefined> = process.env): string | null {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "kdiag", "keys.yaml");
  return env.HOME ? join(env.HOME, ".config", "kdiag", "keys.yaml") : null;
}

interface Entry {
  action: string;
  keys: string[];
  at: string;
  line: number;
}

/**
 * The keymap from a keys file's text. `file` names it in the problems (as the user gave it).
 * Pure but for nothing: no file access, so tests give the text.
 */
export function parseUserKeys(file: string, text: string): UserKeys {
  const problems: string[] = [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = (node: Node | null | undefined) => {
    const p = lines.linePos(node?.range?.[0] ?? 0);
    return { at: `${file}:${p.line}:${p.col}`, line: p.line };
  };
  const defaults = keyTable();
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const p = lines.linePos(e.pos[0]);
    const what = e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    return { table: defaults, problems: [`${file}:${p.line}:${p.col}: ${what}; the default keys are used`], file };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) return { table: defaults, problems, file };
  if (!isMap(root)) {
    return { table: defaults, problems: [`${where(root).at}: expected a mapping of action ids to keys (e.g. toggle-mark: "*"); the default keys are used`], file };
  }
  const ids = [...defaults.actions.keys()];
  const entries: Entry[] = [];
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    const id = isScalar(keyNode) ? String(keyNode.value) : "";
    const at = where(keyNode);
    if (!defaults.actions.has(id)) {
      const near = closest(id, ids);
      problems.push(`${at.at}: unknown action "${id}"${near ? ` (did you mean "${near}"?)` : ""}; the actions are listed in docs/tui.md and by ? in the TUI`);
      continue;
    }
    const value = pair.value as Node | null;
    const items: Array<{ node: Node | null; text: string | null }> = isSeq(value)
      ? value.items.map((n) => ({ node: n as Node, text: isScalar(n) && (typeof n.value === "string" || typeof n.value === "number") ? String(n.value) : null }))
      : [{ node: value, text: isScalar(value) && (typeof value.value === "string" || typeof value.value === "number") ? String(value.value) : null }];
    let ok = true;
    const keys: string[] = [];
    for (const item of items) {
      const kat = where(item.node ?? keyNode);
      if (item.text === null) {
        problems.push(`${kat.at}: ${id}: expected a key name or a list of them, e.g. "m" or ["m", "C-k"]`);
        ok = false;
        continue;
      }
      const problem = keyProblem(item.text);
      if (problem) {
        problems.push(`${kat.at}: ${id}: ${problem}`);
        ok = false;
        continue;
      }
      const def = defaults.actions.get(id)!;
      if (def.where === "bar" && typesText(item.text)) {
        problems.push(`${kat.at}: ${id}: "${item.text}" types text in the filter bar; give a named key such as C-${"k"} or f2`);
        ok = false;
        continue;
      }
      if (!keys.includes(item.text)) keys.push(item.text);
    }
    if (!ok) continue;
    if (keys.length === 0 && NEEDS_A_KEY.has(id)) {
      problems.push(`${at.at}: ${id}: needs at least one key`);
      continue;
    }
    // A conflict is reported where the keys are written.
    entries.push({ action: id, keys, ...where(value ?? keyNode) });
  }
  // Conflicts are judged on the whole keymap, so two entries may swap keys; an entry that takes
  // another action's key where both apply is left out, the later of two entries of the file first.
  let kept = entries;
  for (;;) {
    const table = keyTable(new Map(kept.map((e) => [e.action, e.keys])));
    const conflict = table.conflicts().find((c) => kept.some((e) => c.actions.includes(e.action)));
    if (!conflict) return { table, problems, file };
    const mine = kept.filter((e) => conflict.actions.includes(e.action));
    const drop = mine.reduce((a, b) => (b.line > a.line ? b : a));
    const other = conflict.actions.find((a) => a !== drop.action)!;
    const otherEntry = kept.find((e) => e.action === other);
    const place = conflict.context === "help" ? "the help" : conflict.context === "bar" ? "the filter bar" : `the ${conflict.context} pane`;
    const owner = otherEntry ? `"${other}"'s key (${file}:${otherEntry.line})` : `the built-in key of "${other}" (${defaults.actions.get(other)!.description})`;
    problems.push(`${drop.at}: ${drop.action}: "${conflict.key}" is already ${owner} in ${place}; ${drop.action} keeps its default keys (${defaults.actions.get(drop.action)!.keys.join(" ") || "none"})`);
    kept = kept.filter((e) => e !== drop);
  }
}

/**
 * Reads the keys file: `explicit` (from --keys) must exist; the default one may be absent. A file
 * that cannot be read is one problem, and the default keys are used.
 */
export function loadUserKeys(file: string | null, opts: { explicit: boolean }): UserKeys {
  if (file === null || (!opts.explicit && !existsSync(file))) return { table: keyTable(), problems: [], file: null };
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { table: keyTable(), problems: [`${file}: cannot read the keys file (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory" : (code ?? "error")}); the default keys are used`], file };
  }
  return parseUserKeys(file, text);
}
