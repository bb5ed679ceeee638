#!/usr/bin/env node
/**
 * `kdiag tui` timings: time to first screen and to complete analysis (findings shown), and key
 * response on a list of a million packets. Part of `npm run bench` (run.js); also runnable alone:
 *
 *   node bench/tui.js [--dist DIR] [--runs N] [--packets N] FILE.pcap
 *
 * FILE.pcap    capture for the start-up timings (run.js passes its main capture)
 * --dist DIR   the built kdiag to measure (default: dist/; run.js passes its snapshot's dist)
 * --runs N     start-up runs on FILE (default 3)
 * --packets N  packets in the key-response capture (default 1000000), made once into bench/data/
 *              with make-capture.js --packets N --payload small --seed 1
 *
 * Every measurement runs in a fresh child process (`node bench/tui.js --child ...`) that imports the
 * built CLI module graph and runTui (what `kdiag tui FILE` loads), on in-memory input/output streams
 * of an 80x24 xterm-256color UTF-8 terminal, like test/tui/harness.ts. Times are from the process
 * start (performance.now(), whose origin is the process start) to onReady("screen") (the frame with
 * the progress line, flushed to the output) and onReady("data") (analysis and rules done, the
 * findings drawn). Key response: the packets pane focused (key 4), each key written as the bytes a
 * terminal sends, timed from the write to the end of the render it causes: the last byte written
 * to the terminal (blessed flushes its buffer on the next tick), checked by the selection moving
 * as the key says. Peak RSS is the child's getrusage maxrss.
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const DATA = join(BENCH, "data");

// ---- child: one headless TUI run ------------------------------------------------------------

const KEYS = { pagedown: "\x1b[6~", pageup: "\x1b[5~", down: "\x1b[B", up: "\x1b[A", enter: "\r", escape: "\x1b" };
const tick = () => new Promise((r) => setImmediate(r));

async function child(mode, file, dist) {
  const now = () => performance.now();
  const marks = { processStartToMain: now() };
  const out = { mode, file, marks, keys: {} };
  // The modules `kdiag tui FILE` loads: the CLI's graph, then the TUI (imported lazily by the CLI).
  await import(pathToFileURL(join(dist, "src/cli/main.js")).href);
  const { runTui } = await import(pathToFileURL(join(dist, "src/tui/index.js")).href);
  marks.modulesLoaded = now();

  const input = new PassThrough();
  input.isTTY = true;
  input.setRawMode = () => {};
  let lastWrite = 0;
  let written = 0;
  const output = new Writable({
    write(chunk, _enc, cb) {
      written += chunk.length;
      lastWrite = now();
      if (screenAt && !screenFlushed) screenFlushed = lastWrite;
      cb();
    },
  });
  output.isTTY = true;
  output.columns = 80;
  output.rows = 24;
  let errors = "";
  const errorOutput = new Writable({
    write(chunk, _enc, cb) {
      errors += chunk.toString();
      cb();
    },
  });
  let onData;
  const data = new Promise((r) => (onData = r));
  let screenAt = 0;
  let screenFlushed = 0;
  const exit = runTui({
    files: [file],
    input,
    output,
    errorOutput,
    terminal: "xterm-256color",
    env: { LANG: "C.UTF-8", TERM: "xterm-256color" },
    onReady: (app, stage) => {
      if (stage === "screen") screenAt = now();
      else onData({ app, at: now() });
    },
  });
  const first = await Promise.race([data, exit.then((code) => ({ exit: code }))]);
  if (first.exit !== undefined) throw new Error(`tui exited early with ${first.exit}: ${errors}`);
  const { app } = first;
  // The first frame reaches the terminal when blessed flushes, on the next tick after render().
  marks.firstScreenRendered = screenAt;
  marks.firstScreen = screenFlushed || screenAt;
  marks.data = first.at;
  await tick();
  marks.dataFlushed = Math.max(first.at, lastWrite);
  out.maxRssAtDataKiB = process.resourceUsage().maxRSS;
  const lines = () => app.screen.lines.map((row) => row.map((c) => c[1]).join("").trimEnd());
  const m = app.model;
  out.capture = { packets: m.capture.packets.count, connections: m.capture.connections.length, exchanges: m.capture.exchanges.length, findings: m.findings.length };
  const screen = lines();
  out.screenAtData = screen;
  // "Findings shown": the findings pane (focused at start when there are findings) lists rows.
  out.findingsShown = m.findings.length > 0 && app.focus === "findings" && screen.some((l) => l.includes("Findings"));

  if (mode === "keys") {
    const press = async (k) => {
      let rendered = 0;
      const onRender = () => (rendered = now());
      app.screen.on("render", onRender);
      const before = written;
      const t0 = now();
      input.write(KEYS[k] ?? k);
      await tick();
      await tick();
      app.screen.off("render", onRender);
      const end = written > before ? Math.max(lastWrite, rendered) : rendered;
      if (!rendered) throw new Error(`key ${k}: no render`);
      return end - t0;
    };
    const series = async (name, keys, check) => {
      const times = [];
      for (const k of keys) times.push(await press(k));
      if (check) {
        const ok = check();
        if (ok !== true) throw new Error(`after ${name}: ${ok}`);
      }
      out.keys[name] = times;
    };
    const n = m.capture.packets.count;
    await series("4 (focus packets)", ["4"], () => app.focus === "packets" || `focus is ${app.focus}`);
    await series("G (last packet)", ["G"], () => app.selectedPacket() === n || `selected ${app.selectedPacket()} of ${n}`);
    await series("g (first packet)", ["g"], () => app.selectedPacket() === 1 || `selected ${app.selectedPacket()}`);
    const before = app.selectedPacket();
    await series("PageDown x20", Array(20).fill("pagedown"), () => app.selectedPacket() >= before + 20 * 2 || `selected ${app.selectedPacket()}`);
    const pd = app.selectedPacket();
    await series("j x100", Array(100).fill("j"), () => app.selectedPacket() === pd + 100 || `selected ${app.selectedPacket()}, expected ${pd + 100}`);
    await series("G, k x20 (end of list)", ["G", ...Array(20).fill("k")], () => app.selectedPacket() === n - 20 || `selected ${app.selectedPacket()}`);
    // The filter bar: `/`, then typing (the expression is compiled on each key), then Enter
    // (filters the million packets), then x (clears it).
    const expr = "tcp.flags.reset";
    await series("/ and typing a filter (per key)", ["/", ...expr.split("")], () => (app.filterBar && app.filterBar.text === expr) || "filter bar text");
    // Enter starts the filter, which runs in slices between keys (the list stays usable); timed
    // to the key's render, then to the filtered list's arrival, with `j` pressed meanwhile.
    await series("Enter: start filter tcp.flags.reset", ["enter"], () => (!app.filterBar && app.filterProgress() !== null) || "filter not started");
    const filterStart = now();
    const during = [];
    while (app.filterProgress() !== null && now() - filterStart < 60_000) during.push(await press("j"));
    out.keys["j while filtering"] = during;
    out.filterDoneMs = now() - filterStart;
    if (app.shownPackets().length >= n) throw new Error("filter not applied");
    out.filterMatches = app.shownPackets().length;
    await series("x: clear filter", ["x"], () => app.shownPackets().length === n || "filter not cleared");
    out.screenAtEnd = lines();
  }

  input.write("q");
  const code = await exit;
  if (code !== 0) throw new Error(`tui exit code ${code}: ${errors}`);
  out.maxRssKiB = process.resourceUsage().maxRSS;
  out.bytesWritten = written;
  process.stdout.write(JSON.stringify(out) + "\n");
}

// ---- parent ---------------------------------------------------------------------------------

function runChild(mode, file, dist) {
  // As bin/kdiag.js runs `kdiag tui`: V8's young generation kept at its initial size from the start.
  const r = spawnSync(process.execPath, ["--semi-space-growth-factor=1", fileURLToPath(import.meta.url), "--child", mode, file, dist], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 << 20,
    // As bin/kdiag.js runs `kdiag tui` (glibc's mmap threshold fixed: see there).
    env: { ...process.env, MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? "131072" },
  });
  if (r.status !== 0) throw new Error(`tui bench child (${mode}) failed (${r.status}): ${(r.stderr || "").trim().split("\n").slice(-5).join(" | ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x) => Math.round(x * 10) / 10;

/** Makes (once; reused while the .json sidecar matches the file) the million-packet capture. */
export async function millionCapture(packets = 1_000_000, log = () => {}) {
  const name = `kafka-small-${packets}p-seed1`;
  const file = join(DATA, `${name}.pcap`);
  const side = join(DATA, `${name}.json`);
  if (existsSync(file) && existsSync(side)) {
    const s = JSON.parse(readFileSync(side, "utf8"));
    if (statSync(file).size === s.bytes) {
      log(`reusing ${name}.pcap (${s.packets} packets, ${(s.bytes / 1e6).toFixed(1)} MB)`);
      return s;
    }
  }
  mkdirSync(DATA, { recursive: true });
  log(`writing bench/data/${name}.pcap ...`);
  const { makeCapture } = await import("./make-capture.js");
  const s = makeCapture({ packets, payload: "small", seed: 1, out: file });
  s.file = file;
  writeFileSync(side, JSON.stringify(s, null, 2) + "\n");
  log(`  ${s.packets} packets, ${(s.bytes / 1e6).toFixed(1)} MB in ${s.seconds.toFixed(1)}s`);
  return s;
}

/**
 * Runs the TUI bench: `runs` start-up runs on `file`, then one key-response run on the
 * million-packet capture. Returns the results object (raw times in ms).
 */
export async function benchTui({ file, dist = join(ROOT, "dist"), runs = 3, packets = 1_000_000, log = () => {} }) {
  const res = { terminal: "80x24 xterm-256color, UTF-8, in-memory streams", startup: null, keys: null };
  // Start-up: one warm-up run (page cache, compile cache of the OS), then `runs` measured.
  log(`tui start-up on ${file}: 1 warm-up + ${runs} runs`);
  runChild("startup", file, dist);
  const st = [];
  for (let i = 0; i < runs; i++) st.push(runChild("startup", file, dist));
  const pick = (k) => st.map((r) => r.marks[k]);
  res.startup = {
    file,
    capture: st[0].capture,
    findingsShown: st.every((r) => r.findingsShown),
    runs,
    firstScreenMs: pick("firstScreen"),
    dataMs: pick("dataFlushed"),
    modulesLoadedMs: pick("modulesLoaded"),
    maxRssKiB: st.map((r) => r.maxRssKiB),
    median: { firstScreenMs: median(pick("firstScreen")), dataMs: median(pick("dataFlushed")), modulesLoadedMs: median(pick("modulesLoaded")) },
    screenAtData: st[0].screenAtData,
  };
  log(`  first screen ${r1(res.startup.median.firstScreenMs)} ms, findings shown ${r1(res.startup.median.dataMs)} ms (medians), ${st[0].capture.findings} findings`);

  const cap = await millionCapture(packets, log);
  log(`tui key response on ${cap.file} (${cap.packets} packets)`);
  const k = runChild("keys", cap.file, dist);
  const groups = {};
  const all = [];
  for (const [name, times] of Object.entries(k.keys)) {
    groups[name] = { n: times.length, medianMs: median(times), maxMs: Math.max(...times), times };
    // Moving keys: G, g, PageDown, j, k (not the pane switch, the filter bar, apply or clear).
    if (/^(G|g|PageDown|j)\b/.test(name) && !/while/.test(name)) all.push(...times);
  }
  res.keys = {
    file: cap.file,
    capture: k.capture,
    firstScreenMs: k.marks.firstScreen,
    dataMs: k.marks.dataFlushed,
    movingKeys: { n: all.length, medianMs: median(all), maxMs: Math.max(...all) },
    groups,
    filterMatches: k.filterMatches,
    filterDoneMs: k.filterDoneMs,
    maxRssKiB: k.maxRssKiB,
    maxRssAtDataKiB: k.maxRssAtDataKiB,
    screenAtEnd: k.screenAtEnd,
  };
  log(
    `  ${k.capture.packets} packets: first screen ${r1(k.marks.firstScreen)} ms, data ${(k.marks.dataFlushed / 1000).toFixed(1)} s; ` +
      `keys median ${r1(res.keys.movingKeys.medianMs)} ms, max ${r1(res.keys.movingKeys.maxMs)} ms; filter ${(k.filterDoneMs / 1000).toFixed(1)} s; ` +
      `peak RSS ${(k.maxRssAtDataKiB / 1024).toFixed(0)} MiB at data, ${(k.maxRssKiB / 1024).toFixed(0)} MiB whole run`,
  );
  return res;
}

/** Lines for run.js's report. */
export function tuiReport(t) {
  const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(1)} ms`);
  const out = [];
  const s = t.startup;
  out.push(`kdiag tui (${t.terminal}; times from process start, median of ${s.runs} runs)`);
  const rows = [
    ["first screen (progress line), main capture", ms(s.median.firstScreenMs), `modules loaded at ${ms(s.median.modulesLoadedMs)}`],
    [`analysis done, findings shown, main capture`, ms(s.median.dataMs), `${s.capture.packets} pkts, ${s.capture.findings} findings${s.findingsShown ? "" : " (NOT SHOWN)"}`],
    [`peak RSS, main capture`, `${(Math.max(...s.maxRssKiB) / 1024).toFixed(0)} MiB`, ""],
    [`first screen, ${t.keys.capture.packets} packets`, ms(t.keys.firstScreenMs), ""],
    [`analysis done, ${t.keys.capture.packets} packets`, ms(t.keys.dataMs), `${t.keys.capture.findings} findings`],
    [`peak RSS, ${t.keys.capture.packets} packets, analysis`, `${(t.keys.maxRssAtDataKiB / 1024).toFixed(0)} MiB`, "when the findings are shown"],
    [`peak RSS, ${t.keys.capture.packets} packets, whole run`, `${(t.keys.maxRssKiB / 1024).toFixed(0)} MiB`, "then every key below"],
    [`filter tcp.flags.reset over ${t.keys.capture.packets} packets`, ms(t.keys.filterDoneMs), `Enter to the filtered list, ${t.keys.filterMatches} matches; keys answered meanwhile (below)`],
  ];
  out.push(table(["tui", "time", "note"], rows));
  out.push("");
  const krows = Object.entries(t.keys.groups).map(([k, g]) => [k, String(g.n), ms(g.medianMs), ms(g.maxMs)]);
  krows.push(["moving keys (G, g, PageDown, j, k)", String(t.keys.movingKeys.n), ms(t.keys.movingKeys.medianMs), ms(t.keys.movingKeys.maxMs)]);
  out.push(`key response, packets pane, ${t.keys.capture.packets} packets (key written -> render flushed)`);
  out.push(table(["keys", "n", "median", "max"], krows));
  return out;
}

function table(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ").trimEnd();
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

async function main(argv) {
  if (argv[0] === "--child") return child(argv[1], argv[2], argv[3]);
  const o = { dist: join(ROOT, "dist"), runs: 3, packets: 1_000_000, file: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dist") o.dist = resolve(argv[++i]);
    else if (a === "--runs") o.runs = Math.max(1, Number(argv[++i]) | 0);
    else if (a === "--packets") o.packets = Math.max(1000, Number(argv[++i]) | 0);
    else if (a.startsWith("-")) throw new Error(`unknown option ${a}`);
    else o.file = resolve(a);
  }
  if (!o.file) throw new Error("usage: node bench/tui.js [--dist DIR] [--runs N] [--packets N] FILE.pcap");
  const t = await benchTui({ ...o, log: (m) => process.stderr.write(`${m}\n`) });
  process.stdout.write(tuiReport(t).join("\n") + "\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`bench/tui: ${e.stack ?? e}\n`);
    process.exit(1);
  });
}
