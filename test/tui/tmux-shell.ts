/**
 * A shell in a tmux pane for end-to-end TUI tests: started with a given TERM (what the shell and
 * kdiag see inside the pane), keys sent as a user types them, the pane read back as text.
 */
import { afterEach } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const KDIAG = `node ${join(ROOT, "bin", "kdiag.js")}`;
export const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

const tmux = (...args: string[]) => execFileSync("tmux", args, { encoding: "utf8" });

export interface Shell {
  /** The pane as text, one line per row. */
  screen(): string;
  /** The pane with its SGR sequences (colours, bold, underline) as the terminal got them. */
  coded(): string;
  /** tmux key names ("Enter", "Escape", "NPage") or characters, in one send-keys call. */
  keys(...k: string[]): void;
  /** Text typed as is. */
  literal(text: string): void;
  /** Bytes written to the pane's input as is, in one send-keys call. */
  bytes(data: Buffer): void;
  /** A tmux format about the pane: "#{alternate_on}", "#{cursor_flag}". */
  display(format: string): string;
  waitFor(what: string | RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

/**
 * Starts bash (no rc files, prompt `$ `) in a new 80x24 tmux session. `term`: the TERM the shell
 * runs with; null: TERM unset; undefined: the one tmux gives its panes (its default-terminal).
 */
export async function startShell(term?: string | null, size = { cols: 80, rows: 24 }): Promise<Shell> {
  const session = `kdiag-term-${process.pid}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const env = term === undefined ? ["env"] : term === null ? ["env", "-u", "TERM"] : ["env", `TERM=${term}`];
  tmux("new-session", "-d", "-s", session, "-x", String(size.cols), "-y", String(size.rows), ...env, "PS1=$ ", "bash", "--norc", "--noprofile");
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  const shell: Shell = {
    screen,
    coded: () => tmux("capture-pane", "-e", "-p", "-t", session),
    keys: (...k) => void tmux("send-keys", "-t", session, ...k),
    literal: (text) => void tmux("send-keys", "-t", session, "-l", text),
    bytes: (data) => void tmux("send-keys", "-t", session, "-H", ...[...data].map((b) => b.toString(16).padStart(2, "0"))),
    display: (format) => tmux("display", "-p", "-t", session, format).trim(),
    async waitFor(what, timeoutMs = 20_000) {
      const end = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < end) {
        last = screen();
        if (typeof what === "string" ? last.includes(what) : what.test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
    },
    kill: () => void spawnSync("tmux", ["kill-session", "-t", session]),
  };
  return shell;
}

/**
 * One tmux session per test, killed after the test: call once at the top of a test file; start
 * each test's shell with what it returns (startShell's arguments).
 */
export function shellPerTest(): (term?: string | null, size?: { cols: number; rows: number }) => Promise<Shell> {
  let shell: Shell | null = null;
  afterEach(() => {
    shell?.kill();
    shell = null;
  });
  return async (term, size) => (shell = await startShell(term, size));
}
