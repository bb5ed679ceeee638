/**
 * `kdiag tui CAPTURE [SERVER_SIDE_CAPTURE]`: the full-screen terminal UI.
 *
 * The screen opens at once and shows progress while the capture is read; rules run when the
 * analysis is done. The terminal is restored on quit (q), on Ctrl-C, on SIGINT/SIGTERM/SIGHUP and on a
 * crash (the error is printed after the terminal is back to normal). Returns the exit code.
 */

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { basename } from "node:path";
import blessed from "blessed";
import { sniff, SNIFF_BYTES } from "../capture/detect.js";
import { formatProblem as formatCaptureProblem, isUnusable } from "../capture/read.js";
import { analyseCapture } from "../model/analyse.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import type { KeyLog } from "../plugins/builtin.js";
import { PluginError } from "../plugins/registry.js";
import { evaluateRules, formatProblem, type Finding } from "../rules/index.js";
import { openSession, type RuledSession } from "../session/open.js";
import { ExitCode } from "../exit-codes.js";
import { App, type CompareRow } from "./app.js";
import { compareRows } from "./compare.js";
import { FilterHistory, historyFile } from "./history.js";
import { TuiModel } from "./model.js";
import { KeyInput } from "./keyinput.js";
import { defaultKeysFile, loadUserKeys } from "./user-keys.js";
import { terminalProblem } from "./terminfo.js";
import { ASCII_GLYPHS, safe, UNICODE_GLYPHS, termCaps } from "./text.js";
import { runLive, startLiveInput, type LiveInput } from "./live.js";
import { DEFAULT_WINDOW, type WindowSize } from "../live/window.js";
import { keepYoungGenerationSmall, letYoungGenerationGrow, SETTLE_FROM_PACKETS, settleHeapSoon } from "./settle-heap.js";

export interface TuiOptions {
  /**
   * One capture, or two: the client-side capture then the server-side one. A capture is a file or
   * a list of files read as one capture (merged by time: a rotation set, several hosts).
   */
  files: Array<string | string[]>;
  /**
   * The session the command line opened (src/session/open.ts): registry and rules. Without it the
   * TUI opens one from the options below, through the same builder (tests call runTui directly).
   */
  session?: RuledSession;
  /** `--plugin` files (dissector plugins). */
  plugins?: string[];
  /** User rule files or directories, loaded after the built-in rules. */
  ruleFiles?: string[];
  /** `--param` overrides: "name" or "rule-id.name" -> value text. */
  params?: Record<string, string>;
  /** `--kafka-port`: extra ports decoded as Kafka. */
  kafkaPorts?: number[];
  /** `--decode-as PORT=NAME`, already parsed. */
  decodeAs?: Array<{ port: number; dissector: string }>;
  /** `--tls-keylog`: a key log to decrypt TLS with (read and warned about by the caller). */
  tlsKeyLog?: KeyLog;
  /**
   * `--keys FILE`: the user's keys file (user-keys.ts); undefined: the default one if it exists
   * ($XDG_CONFIG_HOME/kdiag/keys.yaml, ~/.config/kdiag/keys.yaml); null: none.
   */
  keysFile?: string | null;
  /** `--show-secrets`: SASL passwords and proofs shown in the tree and hex pane (masked otherwise). */
  showSecrets?: boolean;
  /** Where applied filters are kept across runs (null: this session only); default historyFile(). */
  historyFile?: string | null;
  /** Terminal streams (default: the process's); tests pass in-memory streams. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Where errors go once the terminal is restored (default: stderr). */
  errorOutput?: NodeJS.WritableStream;
  /** terminfo name (default: $TERM). */
  terminal?: string;
  /** Environment for the locale and colour decisions (default: process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Live capture (`kdiag tui -i IFACE`): `files` is then empty; the capture child runs until the
   * user quits or `duration` seconds have passed, and the panes grow as packets arrive.
   */
  live?: {
    iface: string;
    filter?: string;
    write?: string;
    duration?: number;
    /**
     * The detail window (as kdiag watch --window): absent = the default (the last 200,000
     * packets), null = keep everything.
     */
    window?: WindowSize | null;
    /** Connections that left the window kept as rows before the oldest are folded (as kdiag watch --keep-connections; absent: the default). */
    keepConnections?: number;
    /** Tests: read this capture stream as if the tool wrote it (no capture child is started). */
    stream?: AsyncIterable<Uint8Array>;
  };
  /** Tests: called with the app once the screen is up, and again when the data is in. */
  onReady?: (app: App, stage: "screen" | "data") => void;
}


/** The first bytes of a file, enough to tell its format; null when it cannot be read. */
function readHead(file: string): Uint8Array | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, "r");
    const head = new Uint8Array(SNIFF_BYTES);
    const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, n);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export async function runTui(opts: TuiOptions): Promise<number> {
  const err = opts.errorOutput ?? process.stderr;
  const say = (line: string) => err.write(`kdiag tui: ${line}\n`);
  if (opts.live && opts.files.length > 0) {
    say("give a capture file or -i INTERFACE, not both");
    return ExitCode.USAGE;
  }
  if (!opts.live && (opts.files.length < 1 || opts.files.length > 2)) {
    say("expected one capture, or two (client side, then server side)");
    return ExitCode.USAGE;
  }
  for (const f of opts.files.flat()) {
    if (f === "-") {
      say("the TUI reads the keyboard on standard input: give a capture file, not -");
      return ExitCode.USAGE;
    }
    try {
      if (!statSync(f).isFile()) throw new Error("not a file");
    } catch {
      say(`${f}: cannot read this capture file`);
      return ExitCode.INPUT_UNUSABLE;
    }
    // A file that is not a capture at all is refused before the screen is taken over.
    const head = readHead(f);
    const kind = head ? sniff(head) : null;
    if (!kind || kind.kind === "unknown") {
      say(`${f}: offset 0: ${kind?.kind === "unknown" ? kind.what : "cannot read this capture file"}`);
      return ExitCode.INPUT_UNUSABLE;
    }
  }
  // Without a terminal (a script, a pipe, cron) there is nothing to draw on and no keyboard.
  const isTty = (stream: unknown) => (stream as { isTTY?: boolean }).isTTY === true;
  if (!isTty(opts.input ?? process.stdin) || !isTty(opts.output ?? process.stdout)) {
    say("needs a terminal (standard input and output); for a report in a script or a pipe, use kdiag analyze");
    return ExitCode.USAGE;
  }
  const env = opts.env ?? process.env;
  const term = opts.terminal ?? env.TERM ?? "";
  // Refused before the screen is touched: drawing on a terminal blessed cannot drive garbles it.
  const problem = terminalProblem(term);
  if (problem) {
    say(`${problem}; set TERM=xterm-256color or use kdiag analyze`);
    return ExitCode.USAGE;
  }
  let session: RuledSession;
  try {
    session =
      opts.session ??
      ((await openSession({
        plugins: opts.plugins ?? [],
        decodeAs: opts.decodeAs ?? [],
        kafkaPorts: opts.kafkaPorts ?? [],
        ...(opts.tlsKeyLog ? { tlsKeyLog: opts.tlsKeyLog } : {}),
        ...(opts.showSecrets ? { showSecrets: true } : {}),
        rules: { files: opts.ruleFiles ?? [], builtin: true, params: opts.params ?? {} },
      })) as RuledSession);
  } catch (e) {
    if (e instanceof PluginError) {
      say(e.message);
      return ExitCode.USAGE;
    }
    throw e;
  }
  const { registry, rules: loaded } = session;
  // A rule file with errors is skipped and the other rules run (as in kdiag analyze); its
  // problems show on the status line, are printed in full once the terminal is back, and the
  // exit code says so (5).
  const ruleErrors = loaded.problems.filter((p) => p.severity === "error");
  // A live capture starts before the screen opens: what stops it is said as one line, exit 8.
  let live: LiveInput | null = null;
  if (opts.live) {
    const started = await startLiveInput(opts.live);
    if ("error" in started) {
      say(started.error);
      return ExitCode.CAPTURE_FAILED;
    }
    live = started;
  }

  // A keys file with problems leaves those entries (or the whole file) out: the TUI starts with
  // the default keys for them, says so, and lists every problem on quit.
  const userKeys = loadUserKeys(opts.keysFile === undefined ? defaultKeysFile(env) : opts.keysFile, { explicit: typeof opts.keysFile === "string" });
  const caps = termCaps(env, opts.terminal);
  const glyphs = caps.unicode ? UNICODE_GLYPHS : ASCII_GLYPHS;
  // blessed reads keys through this: whole escape sequences, and Esc then a key as two keys.
  const keyInput = new KeyInput(opts.input ?? process.stdin);
  const screen = blessed.screen({
    input: keyInput as unknown as blessed.Widgets.IScreenOptions["input"],
    output: opts.output ?? process.stdout,
    terminal: term,
    fullUnicode: caps.unicode,
    forceUnicode: caps.unicode,
    smartCSR: true,
    warnings: false,
    autoPadding: false,
    title: "kdiag",
  } as blessed.Widgets.IScreenOptions);
  // On a UTF-8 locale, draw "·", "│" and the like as UTF-8 rather than through the terminal's
  // line-drawing charset: over tmux, screen or PuTTY that charset is where "lqqk" comes from.
  if (caps.unicode) (screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;

  let finish!: (code: number) => void;
  // Quitting while the capture is still being read stops the read, so the shell is back at once.
  const stopReading = new AbortController();
  const done = new Promise<number>((resolve) => (finish = resolve)).then((code) => {
    stopReading.abort();
    live?.stop();
    return code;
  });
  let restored = false;
  let current: App | null = null;
  const captures: AnalysedCapture[] = [];
  const restore = () => {
    if (restored) return;
    restored = true;
    current?.close();
    try {
      screen.destroy();
    } catch {
      // The terminal may already be gone (SSH dropped); nothing more can be restored.
    }
    keyInput.close();
  };
  const crash = (e: unknown) => {
    restore();
    const error = e instanceof Error ? e : new Error(String(e));
    say(`internal error: ${error.message} (please report this with the command line)`);
    if (env.KDIAG_DEBUG) err.write(`${error.stack}\n`);
    finish(ExitCode.INTERNAL);
  };
  // The shell's convention: 128 + the signal's number. SIGHUP is an SSH session that dropped.
  const onSignal: Record<string, () => void> = { SIGINT: () => finish(130), SIGTERM: () => finish(143), SIGHUP: () => finish(129) };
  process.on("uncaughtException", crash);
  for (const [sig, handler] of Object.entries(onSignal)) process.on(sig, handler);
  process.on("exit", restore);

  const names = live
    ? [`live on ${opts.live!.iface}`]
    : opts.files.map((f) => (typeof f === "string" ? basename(f) : f.length === 1 ? basename(f[0]!) : `${basename(f[0]!)} +${f.length - 1}`));
  const label = safe(names.length === 2 ? `${names[0]} vs ${names[1]}` : names[0]!, !caps.unicode);
  const app = new App({ screen, caps, glyphs, title: label, onQuit: () => finish(0), keys: userKeys.table });
  const keyProblems = userKeys.problems.map((p) => safe(p, !caps.unicode));
  if (keyProblems.length > 0) {
    const n = keyProblems.length;
    app.notice = `[keys file: ${n} problem${n === 1 ? "" : "s"}, listed on quit]`;
    app.message = keyProblems[0]!;
  }
  current = app;
  app.filterHistory = new FilterHistory(opts.historyFile === undefined ? historyFile() : opts.historyFile);
  let exitCode = 0;
  try {
    app.progress = "reading the capture...";
    app.render();
    keepYoungGenerationSmall();
    opts.onReady?.(app, "screen");
    const load = (async () => {
      if (live) {
        const window = opts.live!.window === undefined ? DEFAULT_WINDOW : opts.live!.window;
        const keep = opts.live!.keepConnections;
        const capture = await runLive(live, { registry, app, rules: loaded.rules, glyphs, ascii: !caps.unicode, window, ...(keep !== undefined ? { keepConnections: keep } : {}), onData: () => opts.onReady?.(app, "data"), closed: () => restored });
        captures.push(capture);
        return null;
      }
      let last = 0;
      for (const file of opts.files) {
        const capture = await analyseCapture(file, {
          registry,
          signal: stopReading.signal,
          onProgress: (packets, bytes) => {
            const now = Date.now();
            if (now - last < 100) return;
            last = now;
            app.progress = `reading ${typeof file === "string" ? file : file.join(" ")}: ${packets} packets, ${(bytes / 1e6).toFixed(1)} MB`;
            app.render();
          },
        });
        captures.push(capture);
        const fatal = capture.summary.problems.find((p) => p.fatal);
        if (fatal && isUnusable(fatal)) return formatCaptureProblem(fatal);
      }
      app.progress = "running the rules...";
      app.render();
      // Let the progress line reach the terminal before the rules take the CPU.
      await new Promise((r) => setImmediate(r));
      const [client, server] = captures;
      const findings: Finding[] = evaluateRules(loaded.rules, client!, server ? { pair: { clientSide: client!, serverSide: server } } : {});
      // The title bar keeps where the capture broke; the status line first says what broke.
      const damage = captures.flatMap((c) => c.summary.problems.filter((p) => p.fatal))[0];
      app.progress = "";
      const shed = captures.flatMap((c) => c.summary.problems.filter((p) => p.code === "memory_limit"))[0];
      if (damage) {
        app.notice = [`[damaged at ${damage.packet !== undefined ? `packet ${damage.packet}` : `offset ${damage.offset}`}]`, app.notice].filter(Boolean).join(" ");
        app.message = safe(`capture damaged, read up to there: ${formatCaptureProblem({ ...damage, file: basename(damage.file) })}`, !caps.unicode);
      } else if (shed) {
        app.notice = [`[Kafka messages after packet ${shed.packet} not kept: memory]`, app.notice].filter(Boolean).join(" ");
        app.message = safe(formatCaptureProblem({ ...shed, file: basename(shed.file) }), !caps.unicode);
      }
      if (ruleErrors.length > 0) {
        const n = ruleErrors.length;
        app.notice = [app.notice, `[${n} rule problem${n === 1 ? "" : "s"}, listed on quit]`].filter(Boolean).join(" ");
        app.message ||= safe(formatProblem(ruleErrors[0]!), !caps.unicode);
      }
      // Several files read as one capture: say once what the packet numbers are.
      const merged = captures.find((c) => c.parts);
      if (merged?.parts) app.message ||= `${merged.parts.length} files merged by time: packets numbered 1-${merged.packets.count} as mergecap numbers them`;
      const model = new TuiModel(client!, findings, glyphs, !caps.unicode, registry);
      app.setModel(model, server ? compareRows(client!, server, glyphs) : null);
      // Only a large capture leaves garbage worth a full collection's pause.
      if (captures.reduce((n, c) => n + c.packets.count, 0) >= SETTLE_FROM_PACKETS) settleHeapSoon();
      else letYoungGenerationGrow();
      opts.onReady?.(app, "data");
      return null;
    })();
    const first = await Promise.race([done, load.then((problem) => ({ problem }), (e: unknown) => ({ error: e }))]);
    if (typeof first === "number") exitCode = first;
    else if ("error" in first) {
      crash(first.error);
      exitCode = ExitCode.INTERNAL;
    } else if (first.problem) {
      restore();
      say(first.problem);
      exitCode = ExitCode.INPUT_UNUSABLE;
    } else exitCode = await done;
  } catch (e) {
    crash(e);
    exitCode = ExitCode.INTERNAL;
  } finally {
    restore();
    for (const p of userKeys.problems) say(p);
    // A live stream cut inside a record (said once the terminal is back, like the others).
    for (const p of live?.problems ?? []) say(`${opts.live!.iface}: ${p}`);
    if (ruleErrors.length > 0) {
      for (const p of ruleErrors) err.write(`${formatProblem(p, { snippet: true })}\n`);
      if (exitCode === 0) exitCode = ExitCode.RULE_ERRORS;
    }
    // As the other commands: a damaged capture is said last and sets the exit code (4).
    const damaged = captures.flatMap((c) => c.summary.problems.filter((p) => p.fatal))[0];
    if (damaged && (exitCode === 0 || exitCode === ExitCode.RULE_ERRORS)) {
      say(`${formatCaptureProblem(damaged)} (the TUI showed the ${captures.find((c) => c.summary.problems.includes(damaged))!.packets.count} packets before it)`);
      exitCode = ExitCode.INPUT_DAMAGED;
    }
    process.off("uncaughtException", crash);
    for (const [sig, handler] of Object.entries(onSignal)) process.off(sig, handler);
    process.off("exit", restore);
    for (const c of captures) c.bytes.close();
  }
  return exitCode;
}

export { App } from "./app.js";
