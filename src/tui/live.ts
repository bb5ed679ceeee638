/**
 * `kdiag tui -i IFACE`: the TUI over a live capture. The capture child (src/live/capture-tool.ts)
 * runs until the user quits (or --duration); about every second the panes get a newer model of
 * what the pass holds so far (connections, exchanges, packets) with the findings settled so far
 * (src/live/incremental.ts: the same findings, at the same moment, as kdiag watch prints), and
 * App.refreshModel keeps every selection on its item, so nothing jumps while the user reads.
 * With a detail window (default, as kdiag watch --window), the Kafka messages and exchanges of
 * closed, evaluated connections older than the window leave memory (src/live/window.ts): such a
 * connection stays in the connections pane as its compact row (src/live/retired-rows.ts, as in
 * kdiag watch: addresses, duration, bytes, close, its findings; its conn.* facts still filter),
 * the tracker lets go of it, and the title line counts the connections and exchanges summarised.
 * Past --keep-connections rows, the oldest are folded into per-server and per-path aggregates
 * (src/live/folded.ts): they leave the connections pane, and the notice says how many.
 */

import { CaptureStartError, startCapture, type LiveCapture } from "../live/capture-tool.js";
import { LiveFindings, snapshotCapture } from "../live/incremental.js";
import { DEFAULT_KEEP_CONNECTIONS, LiveWindow, type WindowSize } from "../live/window.js";
import { asPcapng, keep, StreamKeeper } from "../live/source.js";
import { analyseCapture, type PassSoFar } from "../model/analyse.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import type { Registry } from "../plugins/registry.js";
import { evaluateRules, type Finding } from "../rules/evaluate.js";
import type { CompiledRule } from "../rules/rule.js";
import type { App } from "./app.js";
import { TuiModel } from "./model.js";
import type { Glyphs } from "./text.js";

/** Refresh pace: at most this often, and never more than a third of the time. */
const REFRESH_MS = 1000;

export interface LiveInput {
  iface: string;
  write: string | undefined;
  capture: LiveCapture | null;
  keeper: StreamKeeper;
  stream: AsyncIterable<Uint8Array>;
  /** Bytes of the stream dropped on the way to pcapng (a record cut short at the end): said when the capture stops. */
  problems: string[];
  stop(): void;
}

/** Starts the capture child; an error is one line (the caller exits with 8). */
export async function startLiveInput(o: { iface: string; filter?: string; write?: string; duration?: number; stream?: AsyncIterable<Uint8Array> }): Promise<LiveInput | { error: string }> {
  if (o.stream) {
    // Tests: a capture stream given, no tool to start.
    const keeper = new StreamKeeper(o.write);
    const problems: string[] = [];
    const stream = asPcapng(o.stream, { ifName: o.iface, onProblem: (m) => problems.push(m) });
    return { iface: o.iface, write: o.write, capture: null, keeper, stream: keep(stream, keeper, () => false), problems, stop: () => {} };
  }
  let cap: ReturnType<typeof startCapture>;
  try {
    cap = startCapture({ iface: o.iface, ...(o.filter !== undefined ? { filter: o.filter } : {}) });
    await cap.ready;
  } catch (e) {
    if (e instanceof CaptureStartError) return { error: e.message };
    throw e;
  }
  let keeper: StreamKeeper;
  try {
    keeper = new StreamKeeper(o.write);
  } catch (e) {
    cap.stop();
    return { error: `-w ${o.write}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  process.once("exit", () => cap.child.kill("SIGKILL"));
  if (o.duration !== undefined) setTimeout(() => cap.stop(), o.duration * 1000).unref();
  // What is kept (and analysed) is pcapng whatever the tool wrote; see asPcapng for why here.
  const problems: string[] = [];
  const stream = asPcapng(cap.stream, { ifName: o.iface, onProblem: (m) => problems.push(m) });
  return { iface: o.iface, write: o.write, capture: cap, keeper, stream: keep(stream, keeper, () => false), problems, stop: () => cap.stop() };
}

export async function runLive(
  input: LiveInput,
  ctx: { registry: Registry; app: App; rules: readonly CompiledRule[]; glyphs: Glyphs; ascii: boolean; window?: WindowSize | null; keepConnections?: number; onData: () => void; closed: () => boolean },
): Promise<AnalysedCapture> {
  const { app } = ctx;
  const window = ctx.window ? new LiveWindow(ctx.window) : null;
  const settled: Finding[] = [];
  // As kdiag watch: an open connection silent for the window's let-go is settled (and may leave).
  const findings = new LiveFindings(ctx.rules, (f) => settled.push(f), window ? window.letGoUs : Infinity, ctx.keepConnections ?? DEFAULT_KEEP_CONNECTIONS);
  let so: PassSoFar | null = null;
  let shownAt = -1;
  let nextAt = 0;
  let first = true;
  const show = (capture: AnalysedCapture) => {
    const model = new TuiModel(capture, settled, ctx.glyphs, ctx.ascii, ctx.registry);
    if (first) {
      app.setModel(model);
      ctx.onData();
      first = false;
    } else app.refreshModel(model);
  };
  const refresh = () => {
    if (so === null || ctx.closed()) return;
    // Without new packets the rules still run (about every second): "closed and quiet for a
    // second" is wall-clock time in a live capture, so a verdict can settle while nothing arrives.
    const idle = so.packets.count === shownAt;
    const started = performance.now();
    shownAt = so.packets.count;
    const snap = snapshotCapture(`live on ${input.iface}`, so, input.keeper.bytes);
    snap.folded = findings.folded;
    const lastUs = so.packets.tsUs[so.packets.count - 1]!;
    const nowUs = Math.max(lastUs, Date.now() * 1000);
    const newest = so.packets.count;
    const before = settled.length;
    findings.step(snap, so.swapped, nowUs, window ? (c) => window.leaving(c, newest, nowUs) : undefined, so.exchanges);
    let left = 0;
    if (window) {
      const pass = so;
      const leaving = window.retire(pass, (c) => findings.evaluatedFinal(c.id) && !pass.swapped.has(c.id), nowUs);
      // As kdiag watch: each becomes a compact row whose view replaces its record, and the tracker
      // lets go of it; past --keep-connections the oldest rows fold into aggregates.
      findings.retire(leaving, snap);
      pass.forget(leaving, (c) => findings.retiredView(c.id) ?? c);
      const folded = findings.fold();
      if (folded.length > 0) pass.fold(folded);
      left = leaving.length + folded.length;
    }
    nextAt = performance.now() + Math.max(REFRESH_MS, 2 * (performance.now() - started));
    // Nothing new to show: the panes stay as they are.
    if (idle && settled.length === before && left === 0) return;
    app.progress = "";
    app.notice = `[live: ${shownAt.toLocaleString("en-US")} packets${summarised(window, findings)}, ${app.keys.say("quit")} quits]`;
    show(snap);
    nextAt = performance.now() + Math.max(REFRESH_MS, 2 * (performance.now() - started));
  };
  app.progress = `capturing on ${input.iface}: waiting for packets...`;
  app.notice = "[live]";
  app.render();
  const ticker = setInterval(() => {
    if (performance.now() >= nextAt) refresh();
  }, 200);
  let capture: AnalysedCapture;
  try {
    capture = await analyseCapture(`live on ${input.iface}`, { registry: ctx.registry, stream: input.stream, onPacket: (_i, _p, s) => (so = s) });
  } finally {
    clearInterval(ticker);
  }
  capture.bytes = input.keeper.bytes;
  capture.folded = findings.folded;
  // The user quit (the screen is gone): nothing more to show.
  if (ctx.closed()) return capture;
  // The capture ended (--duration, the tool stopped): the rules once more over all of it.
  findings.finish(evaluateRules(ctx.rules, capture));
  app.notice = `[capture stopped: ${capture.packets.count.toLocaleString("en-US")} packets${summarised(window, findings)}${input.write ? `, kept in ${input.write}` : ""}]`;
  show(capture);
  return capture;
}

/**
 * ", 12 older connections summarised (340 exchanges)" once connections left the window, and
 * ", 5 folded (past --keep-connections 3)" once some were folded; "" before.
 */
function summarised(window: LiveWindow | null, findings: LiveFindings): string {
  const w = window?.summary;
  if (!w || w.connections === 0) return "";
  const n = findings.folded.count;
  const folded = n > 0 ? `, ${n.toLocaleString("en-US")} folded (past --keep-connections ${findings.keepConnections.toLocaleString("en-US")})` : "";
  return `, ${w.connections.toLocaleString("en-US")} older connection${w.connections === 1 ? "" : "s"} summarised (${w.exchanges.toLocaleString("en-US")} exchanges)${folded}`;
}
