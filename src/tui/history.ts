/**
 * Filters applied in the TUI, kept across runs (Up/Down in the filter bar), newest last, in
 * the user's state directory: $XDG_STATE_HOME/kdiag/filter-history, else
 * ~/.local/state/kdiag/filter-history. One filter per line; at most MAX kept. A home that cannot
 * be written (a read-only account on a broker host) only loses the history, never the session.
 */

import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

const MAX = 200;

export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith("/") ? env.XDG_STATE_HOME : join(homedir(), ".local", "state");
  return join(base, "kdiag", "filter-history");
}

export class FilterHistory {
  readonly entries: string[];

  constructor(private readonly file: string | null = historyFile()) {
    this.entries = [];
    if (!file) return;
    try {
      this.entries.push(...readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").slice(-MAX));
    } catch {
      // no history yet
    }
  }

  /** Records an applied filter (moved to the end when already there) and saves. */
  add(text: string): void {
    const t = text.replace(/[\r\n]/g, " ").trim();
    if (t === "") return;
    const at = this.entries.indexOf(t);
    if (at >= 0) this.entries.splice(at, 1);
    this.entries.push(t);
    if (this.entries.length > MAX) this.entries.splice(0, this.entries.length - MAX);
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${this.entries.join("\n")}\n`, { mode: 0o600 });
    } catch {
      // read-only home: the history lasts this session
    }
  }
}
