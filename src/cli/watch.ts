/**
 * `kdiag watch` (findings as they happen) and `kdiag analyze -i` (capture, then the usual
 * report): read a live capture (tcpdump/dumpcap child), standard input or a file while it is
 * written, and print each finding once, as soon as its verdict is settled (src/live/incremental.ts).
 */

import { formatProblem, isUnusable } from "../capture/read.js";
import { CaptureStartError, droppedByKernel, startCapture, type LiveCapture } from "../live/capture-tool.js";
import { LiveFindings, snapshotCapture } from "../live/incremental.js";
import { DEFAULT_KEEP_CONNECTIONS, DEFAULT_LET_GO_US, DEFAULT_WINDOW, describeWindow, keepConnectionsError, LiveWindow, parseDuration, parseKeepConnections, parseWindow } from "../live/window.js";
import { foldedLine } from "../live/folded.js";
import { useConnectionPacketScan } from "../facts/packet-stats.js";
import { collectHeapNow, HeapSettler } from "../live/heap-settle.js";
import { asPcapng, fileStream, gunzipIfNeeded, keep, StreamKeeper } from "../live/source.js";
import { analyseCapture, type PassSoFar } from "../model/analyse.js";
import type { AnalysedCapture } from "../model/analysed-capture.js";
import type { RuledSession } from "../session/open.js";
import { formatAbsoluteTime } from "../report/format.js";
import { toJson } from "../report/json.js";
import { sanitize } from "../report/sanitize.js";
import type { Finding } from "../rules/evaluate.js";
import { evaluate, reportFindings, type AnalyzeOptions, type RuleOptions } from "./analyze.js";
import { UsageError } from "./errors.js";
import { ExitCode } from "../exit-codes.js";
import type { Output } from "./output.js";

/** Options of a live capture, shared by watch, analyze -i (and tui -i). */
export interface LiveOptions {
  interface?: string;
  /** -f: a capture filter (BPF) for tcpdump/dumpcap. */
  captureFilter?: string;
  /** -w: keep what was captured in this file. */
  write?: string;
  duration?: string;
}

export interface WatchOptions extends RuleOptions, LiveOptions {
  json?: boolean;
  count?: string;
  /** --window: detail kept for the last N packets or a duration ("10m"); "all" keeps everything. */
  window?: string;
  /** --let-go: silence after which a connection with no FIN or RST leaves the window ("15m"). */
  letGo?: string;
  /** --keep-connections: connections that left the window kept as rows before the oldest are folded into aggregates. */
  keepConnections?: string;
  /** Hidden (tests): the packet index's row cap (default INDEX_MAX_ROWS_MIN), to cut long connections on a small capture. */
  indexRows?: string;
  /** Hidden (tests): also re-evaluate every N packets, so a small file exercises live printing. */
  evalPackets?: string;
}

/**
 * Re-run pace. A finding settled by a packet prints once a re-run that began after that packet
 * ends: it waits for the gap before the next re-run, then for the re-run itself, so it prints
 * within gap + took. The gap is twice what the last re-run took (re-runs get a third of the time,
 * the pass the rest), at least STEP_GAP_MIN_MS; when that would put gap + took past
 * FINDING_WITHIN_MS (a finding within about a second of its evidence, issue 12) and a shorter gap
 * can still keep it there, the gap shrinks to that, down to what the re-run took (half of the
 * time). When a re-run takes more than half a second, a second is out of reach: the gap stays
 * twice the re-run, since giving re-runs half of the time instead cost 13% of the packets/s on the
 * 100,000 packets/s replay (73,340 against 83,866/s, bench/README.md) for findings 0.5 s sooner.
 */
const FINDING_WITHIN_MS = 1000;
const STEP_GAP_MIN_MS = 250;

/** The gap before the next re-run, given what the last one took (ms). */
export function stepGap(tookMs: number): number {
  const third = 2 * tookMs;
  if (third + tookMs <= FINDING_WITHIN_MS || 2 * tookMs > FINDING_WITHIN_MS) return Math.max(STEP_GAP_MIN_MS, third);
  return Math.max(STEP_GAP_MIN_MS, tookMs, FINDING_WITHIN_MS - tookMs);
}

/** The packet index drops rows in batches of at least this many (each drop moves the rows kept). */
const INDEX_DROP_MIN = 16_384;
/** A live capture with no new packets is evaluated again this often (settling by time). */
const IDLE_STEP_MS = 1000;
/**
 * With a window, a re-run comes at least every this many packets (a packet window, if
 * smaller), whatever the clock says: paced by time alone on a loaded machine, re-runs drifted
 * apart (each covered more packets, so took longer, so came later: 1.5 M packets apart in a
 * replay at 100k packets/s asked), and the detail of the connections out of the window stayed
 * until the next one (RSS 950 MiB). Each re-run also costs per connection in the window, so
 * they are not made more often than that (every 100,000 packets cost 1.3x the CPU a packet).
 */
const STEP_EVERY_PACKETS_MAX = 200_000;
const STEP_EVERY_PACKETS_MIN = 10_000;

/** An input being read: a live capture child, or a file/stdin. */
interface Input {
  name: string;
  stream: AsyncIterable<Uint8Array>;
  keeper: StreamKeeper;
  live: LiveCapture | null;
  stop(): void;
}

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || (integer && !Number.isInteger(n)) || !Number.isFinite(n)) throw new UsageError(`${name} ${value}: expected a ${integer ? "whole" : ""} number above 0`);
  return n;
}

/** The file argument and -i exclude each other; -w and -f need -i. */
function checkSource(file: string | undefined, o: LiveOptions): void {
  if (file !== undefined && o.interface !== undefined) throw new UsageError(`give a capture file or -i INTERFACE, not both (${file}, -i ${o.interface})`);
  if (file === undefined && o.interface === undefined) throw new UsageError("give a capture file (or - for standard input) or -i INTERFACE for a live capture");
  if (o.interface === undefined && o.write !== undefined) throw new UsageError("-w FILE keeps a live capture: it needs -i INTERFACE");
  if (o.interface === undefined && o.captureFilter !== undefined) throw new UsageError("-f is a capture filter for a live capture: it needs -i INTERFACE (to filter a file, use kdiag packets -Y)");
}

/** Opens the input; null when it could not start (said, exit code set). */
async function openInput(file: string | undefined, o: LiveOptions, out: Output, stopped: () => boolean): Promise<Input | null> {
  if (o.interface !== undefined) {
    let cap: ReturnType<typeof startCapture>;
    try {
      cap = startCapture({ iface: o.interface, ...(o.captureFilter !== undefined ? { filter: o.captureFilter } : {}) });
    } catch (e) {
      if (!(e instanceof CaptureStartError)) throw e;
      out.error(e.message);
      out.exitCode = ExitCode.CAPTURE_FAILED;
      return null;
    }
    // Stopping before the start is said (Ctrl-C while tcpdump starts): the child is stopped too.
    const onSignal = () => cap.stop();
    process.once("SIGINT", onSignal);
    try {
      await cap.ready;
    } catch (e) {
      process.off("SIGINT", onSignal);
      if (!(e instanceof CaptureStartError)) throw e;
      out.error(e.message);
      out.exitCode = ExitCode.CAPTURE_FAILED;
      return null;
    }
    process.off("SIGINT", onSignal);
    let keeper: StreamKeeper;
    try {
      keeper = new StreamKeeper(o.write);
    } catch (e) {
      cap.stop();
      await cap.exited;
      out.error(`-w ${o.write}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      out.exitCode = ExitCode.USAGE;
      return null;
    }
    // If kdiag dies, its child must not go on capturing.
    process.once("exit", () => cap.child.kill("SIGKILL"));
    out.note(`capturing on ${o.interface} with ${cap.tool}${o.captureFilter ? ` (filter: ${o.captureFilter})` : ""}${o.write ? `, writing ${o.write}` : ""}; Ctrl-C stops`);
    // What is kept (and analysed) is pcapng whatever the tool wrote; see asPcapng for why here.
    const iface = o.interface;
    const stream = asPcapng(cap.stream, { ifName: iface, onProblem: (m) => out.warn(`${sanitize(iface)}: ${m}`) });
    return { name: `${iface}`, stream: keep(stream, keeper, () => false), keeper, live: cap, stop: () => cap.stop() };
  }
  const src = await fileStream(file!);
  if ("error" in src) {
    out.error(src.error);
    out.exitCode = ExitCode.INPUT_UNUSABLE;
    return null;
  }
  const keeper = new StreamKeeper();
  return { name: file === "-" ? "stdin" : file!, stream: keep(gunzipIfNeeded(src), keeper, stopped), keeper, live: null, stop: () => {} };
}

/** Problems of the pass: unusable input ends it (exit 3); warnings are said. Returns false when nothing can be shown. */
function checkProblems(capture: AnalysedCapture, out: Output): boolean {
  const fatal = capture.summary.problems.find((p) => p.fatal);
  if (fatal && isUnusable(fatal)) {
    out.error(formatProblem(fatal));
    out.exitCode = ExitCode.INPUT_UNUSABLE;
    return false;
  }
  const warnings = capture.summary.problems.filter((p) => !p.fatal).map(formatProblem);
  for (const w of warnings.slice(0, 10)) out.warn(w);
  if (warnings.length > 10) out.warn(`${warnings.length - 10} more warnings not shown`);
  return true;
}

function reportDamage(capture: AnalysedCapture, out: Output): void {
  const fatal = capture.summary.problems.find((p) => p.fatal);
  if (!fatal || isUnusable(fatal)) return;
  out.error(`${formatProblem(fatal)} (results cover the ${capture.packets.count} packets before it)`);
  out.exitCode = Math.max(out.exitCode, ExitCode.INPUT_DAMAGED);
}

/** After a live capture: how many packets, where they were kept, what the kernel dropped. */
async function reportCapture(input: Input, capture: AnalysedCapture, o: LiveOptions, out: Output): Promise<void> {
  if (!input.live) return;
  const e = await input.live.exited;
  const dropped = droppedByKernel(e.stderr);
  out.note(
    `${capture.packets.count} packets captured on ${sanitize(input.name)}` +
      (o.write ? `, written to ${sanitize(o.write)} (pcapng)` : "") +
      (dropped !== null && dropped > 0 ? `; ${dropped} dropped by the kernel (not in the capture)` : ""),
  );
}

/** One finding as one line: time, severity, rule, connection, the message (collapsed). */
export function findingLine(f: Finding): string {
  const t = f.time ?? f.evidence.times[f.evidence.times.length - 1];
  const when = t !== undefined ? formatAbsoluteTime(t * 1e6) : "-";
  const conn = f.evidence.connection !== undefined ? ` conn ${f.evidence.connection}` : "";
  const conf = f.confidence ? ` (${f.confidence})` : "";
  const pk = f.evidence.packets.length > 0 ? ` [packets ${f.evidence.packets.slice(0, 8).join(",")}${f.evidence.packets.length > 8 ? ",…" : ""}]` : "";
  return `${when} ${f.severity.toUpperCase()} ${f.rule}${conf}${conn}: ${collapse(f.message)}${pk}`;
}

/** The JSON object of a finding, as `analyze --json` prints it in its findings array. */
export function findingObject(f: Finding): Finding {
  return { ...f, message: collapse(f.message), advice: f.advice === null ? null : collapse(f.advice) };
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Signals that stop a capture: the first stops it cleanly, a second one quits at once. */
function onStopSignals(stop: () => void): () => void {
  let count = 0;
  const handler = () => {
    count++;
    if (count === 1) stop();
    else process.exit(130);
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

export async function watchCommand(file: string | undefined, o: WatchOptions, session: () => Promise<RuledSession>, out: Output): Promise<void> {
  checkSource(file, o);
  const maxFindings = positive("--count", o.count, true);
  const duration = positive("--duration", o.duration, false);
  const evalPackets = positive("--eval-packets", o.evalPackets, true);
  const windowSize = o.window === undefined ? DEFAULT_WINDOW : o.window === "all" ? null : parseWindow(o.window);
  if (o.window !== undefined && o.window !== "all" && windowSize === null) {
    throw new UsageError(`--window ${o.window}: expected a number of packets (200000), a duration (90s, 10m, 1h) or all`);
  }
  const letGoUs = o.letGo === undefined ? DEFAULT_LET_GO_US : parseDuration(o.letGo);
  if (letGoUs === null) throw new UsageError(`--let-go ${o.letGo}: expected a duration of silence (900, 90s, 15m, 1h)`);
  const maxRows = positive("--index-rows", o.indexRows, true);
  const keepConnections = o.keepConnections === undefined ? DEFAULT_KEEP_CONNECTIONS : parseKeepConnections(o.keepConnections);
  if (keepConnections === null) throw new UsageError(keepConnectionsError(o.keepConnections!));
  const window = windowSize ? new LiveWindow(windowSize, letGoUs, maxRows) : null;
  // The session first (registry, then the rules compiled against its fields).
  const { registry: reg, rules } = await session();

  let stopping = false;
  const input = await openInput(file, o, out, () => stopping);
  if (!input) return;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    input.stop();
  };
  const unhook = onStopSignals(stop);
  const timer = duration !== undefined ? setTimeout(stop, duration * 1000) : null;

  let shown = 0;
  let shownLive = 0;
  // One flush at a time (a slow reader must not pile up waiters); lines written meanwhile go with the next.
  let flushing: Promise<void> | null = null;
  let again = false;
  const flushSoon = (): void => {
    if (flushing) {
      again = true;
      return;
    }
    flushing = out
      .flush()
      .catch(() => {
        outputGone = true;
        stop();
      })
      .finally(() => {
        flushing = null;
        if (again) {
          again = false;
          flushSoon();
        }
      });
  };
  let outputGone = false;
  const live = new LiveFindings(rules.rules, (f, asItHappened) => {
    if (outputGone || (maxFindings !== undefined && shown >= maxFindings)) return;
    shown++;
    if (asItHappened) shownLive++;
    try {
      out.line(o.json ? toJson(findingObject(f)) : findingLine(f));
      // Each finding leaves at once: a log shipper or an alerting script is reading.
      flushSoon();
    } catch {
      outputGone = true;
      stop();
    }
    if (maxFindings !== undefined && shown >= maxFindings) stop();
  }, window ? window.letGoUs : Infinity, keepConnections);

  const stepEvery = window === null ? Infinity : "packets" in window.size ? Math.min(STEP_EVERY_PACKETS_MAX, Math.max(STEP_EVERY_PACKETS_MIN, window.size.packets)) : STEP_EVERY_PACKETS_MAX;
  const settler = new HeapSettler();
  let so: PassSoFar | null = null;
  let foldSaid = false;
  let seen = 0;
  let evaluatedAt = 0;
  let nextAt = 0;
  let steppedAt = 0;
  const step = () => {
    if (so === null || stopping || process.env.KDIAG_NO_STEP) return;
    // A live capture is evaluated again when time passed, even without new packets: "closed and
    // quiet for a second" is wall-clock time there, so a verdict can settle while nothing arrives.
    if (so.packets.count === evaluatedAt && !(input.live && performance.now() - steppedAt >= IDLE_STEP_MS)) return;
    steppedAt = performance.now();
    const started = performance.now();
    const cpuAtStart = process.env.KDIAG_DEBUG ? process.cpuUsage() : null;
    evaluatedAt = so.packets.count;
    const lastUs = so.packets.tsAt(so.packets.count - 1);
    const nowUs = input.live ? Math.max(lastUs, Date.now() * 1000) : lastUs;
    const newest = so.packets.count;
    const snap = snapshotCapture(input.name, so, input.keeper.bytes);
    snap.folded = live.folded;
    live.step(snap, so.swapped, nowUs, window ? (c) => window.leaving(c, newest, nowUs) : undefined, so.exchanges);
    // A connection leaves once the step before evaluated its cause (src/live/incremental.ts).
    if (window) {
      const pass = so;
      // Roles a dissector turned round are applied at the end only: such a connection stays.
      const left = window.retire(pass, (c) => live.evaluatedFinal(c.id) && !pass.swapped.has(c.id), nowUs);
      // What stays of each is a compact row (src/live/retired-rows.ts): its view replaces its record.
      live.retire(left, snap);
      pass.forget(left, (c) => live.retiredView(c.id) ?? c);
      // Past --keep-connections, the oldest rows fold into aggregates and leave a hole in the list.
      const folded = live.fold();
      if (folded.length > 0) {
        pass.fold(folded);
        if (!foldSaid) out.note(`${foldedLine(live.folded, live.keepConnections)}; folding from now on`);
        foldSaid = true;
      }
      // The packet index keeps the window's rows: the rest leave once they are a quarter of the
      // window or more (a move of the rows is one copy of the window).
      const from = window.indexFrom(pass.packets, nowUs, pass.connections);
      const batch = "packets" in window.size ? Math.min(INDEX_DROP_MIN, window.size.packets) : INDEX_DROP_MIN;
      if (from - pass.packets.base >= Math.max(batch, pass.packets.held >> 2)) {
        live.trimBefore(from);
        pass.packets.dropBefore(from);
      }
    }
    settler.afterRerun();
    const took = performance.now() - started;
    nextAt = performance.now() + stepGap(took);
    if (process.env.KDIAG_DEBUG) {
      // KDIAG_DEBUG=gc: a full collection first, so "heap used" is what is held, not garbage.
      if (process.env.KDIAG_DEBUG === "gc") collectHeapNow();
      const m = process.memoryUsage();
      const mib = (n: number) => Math.round(n / 1048576);
      const cpu = process.cpuUsage(cpuAtStart ?? undefined);
      out.note(`debug: re-run ${live.evaluations} at packet ${so.packets.count}: ${Math.round(took)} ms (CPU ${Math.round((cpu.user + cpu.system) / 1000)} ms); heap used ${(m.heapUsed / 1048576).toFixed(1)} MiB, array buffers ${mib(m.arrayBuffers)} MiB, RSS ${mib(m.rss)} MiB; ${so.exchanges.length} exchanges and ${so.pdus.length} messages held, ${window?.summary.connections ?? 0} connections left the window, ${live.rows.size} kept as rows, ${live.folded.count} folded, ${so.packets.held} packet rows held`);
    }
  };
  // KDIAG_STEP_PACKETS_ONLY=1 with --eval-packets (benchmarks): re-runs at fixed packet counts
  // only, not by the clock, so two builds compared on a loaded machine do the same re-runs.
  const byPacketsOnly = evalPackets !== undefined && process.env.KDIAG_STEP_PACKETS_ONLY === "1" && !input.live;
  const ticker = setInterval(() => {
    if (!byPacketsOnly && performance.now() >= nextAt) step();
  }, 100);

  let capture: AnalysedCapture;
  try {
    capture = await analyseCapture(input.name, {
      registry: reg,
      stream: input.stream,
      onPacket: (index, _pkt, s) => {
        so = s;
        seen = index + 1;
        if (evalPackets !== undefined ? seen % evalPackets === 0 : seen - evaluatedAt >= stepEvery) step();
      },
    });
  } finally {
    clearInterval(ticker);
    if (timer) clearTimeout(timer);
    unhook();
  }
  capture.bytes = input.keeper.bytes;
  if (!checkProblems(capture, out)) {
    capture.bytes.close();
    return;
  }
  // Rows that left the index are no longer there to walk: the end reads the scan kept live
  // (each connection's end shape and counters as last described).
  if (capture.packets.base > 0) useConnectionPacketScan(capture, live.packetScan);
  capture.folded = live.folded;
  const final = evaluate(rules, capture, out);
  live.finish(final);
  while (flushing) await flushing;
  await out.flush().catch(() => {});
  if (process.env.KDIAG_DEBUG) out.note(`debug: ${live.evaluations} live evaluations, ${Math.round(live.evaluationMs)} ms (CPU ${Math.round(live.evaluationCpuMs)} ms), ${settler.collections} heap collections; process CPU ${Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000)} ms`);
  out.note(`${shownLive} finding${shownLive === 1 ? "" : "s"} printed as they happened, ${shown - shownLive} at the end of the capture` +
    (maxFindings !== undefined && shown >= maxFindings ? ` (stopped at --count ${maxFindings})` : ""));
  if (window && window.summary.connections > 0) {
    const w = window.summary;
    out.note(`${w.connections} closed connection${w.connections === 1 ? "" : "s"} left the window (${describeWindow(window.size)}) with ${w.exchanges} exchanges: their findings were printed as they left; rules over the whole capture saw the window only`);
  }
  if (live.folded.count > 0) {
    out.note(foldedLine(live.folded, live.keepConnections));
    // The same for a script reading stderr: one JSON object (stdout stays findings only).
    if (o.json) out.note(`folded: ${JSON.stringify({ keepConnections: live.keepConnections, ...live.folded.summary() })}`);
  }
  for (const r of live.revised.slice(0, 5)) {
    const p = r.printed;
    out.warn(
      `printed live, then revised by the end of the capture: ${p.rule} on connection ${p.evidence.connection ?? "-"}` +
        (r.final ? ` (now ${r.final.severity}, ${r.final.confidence ?? "-"})` : " (no longer found)"),
    );
  }
  await reportCapture(input, capture, o, out);
  capture.bytes.close();
  reportDamage(capture, out);
}

/** `kdiag analyze -i IFACE`: capture until Ctrl-C or --duration, then the usual analysis of what was captured. */
export async function liveAnalyzeCommand(o: AnalyzeOptions & LiveOptions, session: () => Promise<RuledSession>, out: Output): Promise<void> {
  checkSource(undefined, o);
  const duration = positive("--duration", o.duration, false);
  // The session first (registry, then the rules compiled against its fields).
  const { registry: reg, rules } = await session();
  const input = await openInput(undefined, o, out, () => false);
  if (!input) return;
  const unhook = onStopSignals(() => input.stop());
  const timer = duration !== undefined ? setTimeout(() => input.stop(), duration * 1000) : null;
  let capture: AnalysedCapture;
  try {
    capture = await analyseCapture(input.name, { registry: reg, stream: input.stream });
  } finally {
    if (timer) clearTimeout(timer);
    unhook();
  }
  capture.bytes = input.keeper.bytes;
  await reportCapture(input, capture, o, out);
  if (!checkProblems(capture, out)) return;
  const findings = evaluate(rules, capture, out);
  reportFindings(input.name, capture, findings, o, out, process.stdout.columns);
  capture.bytes.close();
  reportDamage(capture, out);
}
