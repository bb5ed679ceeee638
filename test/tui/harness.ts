/**
 * Headless TUI runs for tests: blessed on in-memory input/output streams of a given size, the
 * screen read back cell by cell as text, keys written as the bytes a terminal sends.
 */

import { PassThrough } from "node:stream";
import { afterEach } from "vitest";
import type { App } from "../../src/tui/app.js";
import { ESC_DELAY_MS } from "../../src/tui/keyinput.js";
import { runTui, type TuiOptions } from "../../src/tui/index.js";

const KEYS: Record<string, string> = {
  enter: "\r",
  tab: "\t",
  "S-tab": "\x1b[Z",
  escape: "\x1b",
  up: "\x1b[A",
  down: "\x1b[B",
  right: "\x1b[C",
  left: "\x1b[D",
  pageup: "\x1b[5~",
  pagedown: "\x1b[6~",
  home: "\x1b[H",
  end: "\x1b[F",
  backspace: "\x7f",
  "C-c": "\x03",
  "C-u": "\x15",
};

export interface Headless {
  app: App;
  /** Screen rows as text (trailing spaces trimmed). */
  lines(): string[];
  text(): string;
  /** Per screen row, the runs of text drawn in inverse video (selections, highlighted bytes). */
  inverse(): string[][];
  /** Sends keys: names from KEYS, or literal text. */
  press(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  /** Everything written to the terminal so far. */
  written(): string;
  exit: Promise<number>;
  /** The TUI has exited (quit by a key, or on an error). */
  exited(): boolean;
  errors(): string;
}

type Size = { cols: number; rows: number };

/**
 * One headless TUI per test, quit after the test (Ctrl-C, its exit awaited) unless the test quit
 * it itself. Call once at the top of a test file; start each test's TUI with what it returns.
 */
export function headlessPerTest(): (files: string[], size?: Size, extra?: Partial<TuiOptions>) => Promise<Headless> {
  let open: Headless | null = null;
  afterEach(async () => {
    const h = open;
    open = null;
    if (h && !h.exited()) {
      await h.press("C-c");
      await h.exit;
    }
  });
  return async (files, size, extra) => (open = await headless(files, size, extra));
}

const tick = () => new Promise((r) => setImmediate(r));

/** How long an Esc may take to reach the app before the harness gives up: far over ESC_DELAY_MS, for a loaded machine. */
const ESC_DELIVERY_LIMIT_MS = ESC_DELAY_MS * 100;

export async function headless(files: string[], size: { cols: number; rows: number } = { cols: 80, rows: 24 }, extra: Partial<TuiOptions> = {}): Promise<Headless> {
  const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void };
  input.isTTY = true;
  input.setRawMode = () => {};
  const output = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; rows: number };
  output.isTTY = true;
  output.columns = size.cols;
  output.rows = size.rows;
  let written = "";
  output.on("data", (d: Buffer) => (written += d.toString("utf8")));
  const errOut = new PassThrough();
  let errors = "";
  errOut.on("data", (d: Buffer) => (errors += d.toString("utf8")));
  let resolveData!: (a: App) => void;
  const data = new Promise<App>((r) => (resolveData = r));
  const exit = runTui({
    files,
    input,
    output,
    errorOutput: errOut,
    terminal: "xterm-256color",
    env: { LANG: "C.UTF-8", TERM: "xterm-256color" },
    ...extra,
    onReady: (a, stage) => {
      if (stage === "data") resolveData(a);
    },
  });
  let exited = false;
  void exit.then(() => (exited = true));
  const app = await Promise.race([data, exit.then((code) => Promise.reject(new Error(`tui exited early with ${code}: ${errors}`)))]);
  await tick();
  const lines = () => (app.screen as unknown as { lines: Array<Array<[number, string]>> }).lines.map((row) => row.map((c) => c[1]).join("").trimEnd());
  // blessed packs a cell's attributes as flags << 18 | fg << 9 | bg; flag 8 is inverse.
  const inverse = () =>
    (app.screen as unknown as { lines: Array<Array<[number, string]>> }).lines.map((row) => {
      const runs: string[] = [];
      let run = "";
      for (const [attr, ch] of row) {
        if ((attr >> 18) & 8) run += ch;
        else if (run) runs.push(run), (run = "");
      }
      if (run) runs.push(run);
      return runs;
    });
  /**
   * Resolves once the app has handled an Esc key (the app's own keypress listener runs first);
   * rejects, naming the wait, if it never comes, rather than leaving the test to time out.
   */
  const escDelivered = () =>
    new Promise<void>((resolve, reject) => {
      const limit = setTimeout(() => {
        app.screen.removeListener("keypress", onKey);
        reject(new Error(`Esc was not delivered to the app within ${ESC_DELIVERY_LIMIT_MS} ms`));
      }, ESC_DELIVERY_LIMIT_MS);
      const onKey = (_ch: unknown, key: { name?: string } | undefined) => {
        if (key?.name !== "escape") return;
        clearTimeout(limit);
        app.screen.removeListener("keypress", onKey);
        resolve();
      };
      app.screen.on("keypress", onKey);
    });
  return {
    app,
    lines,
    inverse,
    text: () => lines().join("\n"),
    async press(...keys) {
      for (const k of keys) {
        const bytes = KEYS[k] ?? k;
        // A lone Esc reaches the app only once the wait for the rest of a sequence is over
        // (ESC_DELAY_MS). Waiting for that time and no more was a race on a loaded machine: the
        // wait and the key's delivery could end in the same turn of the event loop, and the test
        // read the screen before the draw the key asked for. So: wait for the key itself.
        const delivered = bytes.endsWith("\x1b") ? escDelivered() : null;
        input.write(bytes);
        if (delivered) await delivered;
        // The draw a key asks for happens at the end of the event loop's turn (App.render).
        await tick();
        await tick();
      }
    },
    async type(text) {
      for (const ch of text) {
        input.write(ch);
        await tick();
      }
      await tick();
    },
    async resize(cols, rows) {
      output.columns = cols;
      output.rows = rows;
      output.emit("resize");
      await new Promise((r) => setTimeout(r, 50));
      await tick();
    },
    written: () => written,
    exit,
    exited: () => exited,
    errors: () => errors,
  };
}

/** The selected row of the detail pane (drawn in inverse). */
export function selectedDetailRow(h: Headless): string {
  const inv = h.inverse();
  const lines = h.lines();
  const title = lines.findIndex((l) => /^[ >]5 Detail/.test(l));
  for (let y = title + 1; y < lines.length; y++) if (inv[y]!.length > 0) return inv[y]!.join("").trimEnd();
  return "";
}

/** The highlighted bytes of the (maximised) hex pane: hex column and ASCII column, runs joined. */
export function hexRuns(h: Headless): { hex: string; ascii: string } {
  const rows = h.lines().map((line, y) => ({ line, runs: h.inverse()[y]! })).filter((r) => /^[0-9a-f]{4} {2}/.test(r.line) && r.runs.length > 0);
  const hex: string[] = [];
  let ascii = "";
  for (const r of rows) {
    for (const run of r.runs) {
      if (/^[0-9a-f]{2}( [0-9a-f]{2})*$/.test(run)) hex.push(run);
      else ascii += run;
    }
  }
  return { hex: hex.join(" "), ascii };
}
