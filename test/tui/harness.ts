/**
 * Headless TUI runs for tests: blessed on in-memory input/output streams of a given size, the
 * screen read back cell by cell as text, keys written as the bytes a terminal sends.
 */

import { PassThrough } from "node:stream";
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
  errors(): string;
}

const tick = () => new Promise((r) => setImmediate(r));

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
  return {
    app,
    lines,
    inverse,
    text: () => lines().join("\n"),
    async press(...keys) {
      for (const k of keys) {
        const bytes = KEYS[k] ?? k;
        input.write(bytes);
        await tick();
        await tick();
        // A lone Esc reaches the app once the wait for the rest of a sequence is over.
        if (bytes.endsWith("\x1b")) await new Promise((r) => setTimeout(r, ESC_DELAY_MS + 20));
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
