#!/usr/bin/env node
/**
 * Where the memory of an analysed capture goes: bytes per packet of each part of what `kdiag tui`
 * holds, then the whole TUI's RSS. Part of `npm run bench` (run.js); also runnable alone:
 *
 *   node bench/memory.js [--dist DIR] [--kdiag CMD] [--no-tui] [--json] [FILE.pcap]
 *
 * FILE.pcap    default bench/data/kafka-small-1000000p-seed1.pcap (made once with make-capture.js
 *              --packets 1000000 --payload small --seed 1 when missing)
 * --dist DIR   the built kdiag to measure (default dist/; run.js passes its snapshot's dist)
 * --no-tui     skip the TUI's RSS (tmux)
 * --json       print the result as JSON instead of a table
 *
 * Parts (in a child node with --expose-gc): the capture is analysed, the rules run and the TUI's
 * model is built as `kdiag tui` builds them, with the caches a session fills (connection and
 * exchange facts, the list of all packets, the per-packet facts of a filter). Then each part is
 * released in turn and the heap measured after a full GC: what a part frees is what it retains on
 * its own (strings shared with a part released later count in the later one). The packet index is
 * typed arrays outside the JS heap: its bytes are counted from the arrays (used rows and the
 * capacity allocated, which doubles as it grows).
 *
 * TUI RSS: `kdiag tui FILE` in a detached 80x24 tmux session; once the findings pane shows its
 * count (capture read, rules run), VmRSS and VmHWM of the process from /proc/PID/status; then
 * after `4` (packets pane), `G`, `g`, and after the filter `tcp.flags.reset` over every packet.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const MiB = 1048576;

// ---- child: the parts, in one process with --expose-gc ------------------------------------------

async function child(file, dist) {
  const imp = (p) => import(pathToFileURL(join(dist, p)).href);
  const { analyseCapture } = await imp("src/model/analyse.js");
  const { createRegistry } = await imp("src/plugins/builtin.js");
  const { useRegistry } = await imp("src/facts/schema.js");
  const { BUILTIN_RULES_DIR, evaluateRules, loadRuleFiles } = await imp("src/rules/index.js");
  const { TuiModel } = await imp("src/tui/model.js");
  const { UNICODE_GLYPHS } = await imp("src/tui/text.js");
  const { compileFilter } = await imp("src/tui/filter.js");
  const heap = () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    return process.memoryUsage().heapUsed;
  };
  const arrayBuffers = () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    return process.memoryUsage().arrayBuffers;
  };
  const registry = createRegistry();
  useRegistry(registry);
  const loaded = loadRuleFiles([BUILTIN_RULES_DIR], { params: {} });
  const base = heap();
  const abBase = arrayBuffers();
  const capture = await analyseCapture(file, { registry });
  const analysed = heap();
  const abAnalysed = arrayBuffers() - abBase;
  const findings = evaluateRules(loaded.rules, capture);
  const model = new TuiModel(capture, findings, UNICODE_GLYPHS, false, registry);
  const modelBuilt = heap();
  // What a session fills as the user looks around: connection facts (the first filter, the
  // connections pane's filter), exchange facts (the exchanges pane's filter), the list of all
  // packets (packets pane), the per-packet facts of a packet filter.
  model.connFacts();
  const connFactsBuilt = heap();
  // The exchanges pane's filter builds each exchange's facts as it tests it and keeps the result.
  const exFilter = compileFilter("exchange", "kafka.api_key == 1");
  const exStart = performance.now();
  const exFiltered = model.filterExchanges(exFilter.ok ? exFilter : null, null).length;
  const exFilterMs = Math.round(performance.now() - exStart);
  const exFactsBuilt = heap();
  model.allPackets();
  const after = heap();
  const rss = process.memoryUsage().rss;
  const p = capture.packets;
  const n = p.count;
  const rowBytes = ["fileOffset", "tsUs", "capLen", "origLen", "linkType", "connId", "dir", "tcpFlags", "events", "payloadLen"]
    .reduce((s, k) => s + p[k].BYTES_PER_ELEMENT, 0);
  const counts = { pdus: capture.pdus.length, exchanges: capture.exchanges.length, connections: capture.connections.length, findings: findings.length, exchangesFiltered: exFiltered, exchangeFilterMs: exFilterMs };
  const parts = [];
  parts.push({ part: "packet index (typed arrays, used rows)", bytes: rowBytes * n, offHeap: true });
  parts.push({ part: "packet index (allocated capacity)", bytes: ["fileOffset", "tsUs", "capLen", "origLen", "linkType", "connId", "dir", "tcpFlags", "events", "payloadLen"].reduce((s, k) => s + p[k].byteLength, 0), offHeap: true });
  let h = after;
  const release = (part, fn) => {
    fn();
    const x = heap();
    parts.push({ part, bytes: h - x });
    h = x;
  };
  // The TUI model's own caches first (they hold facts over the capture's objects).
  release("facts: exchanges (TUI cache: the builder and the filter's result)", () => { model.exchangeFactsOf = null; model.exchangeFilterCache = null; });
  release("facts: connections (TUI cache)", () => { model.connFactsCache = null; });
  release("TUI model (PDUs by packet, packet list, findings by connection)", () => {
    model.allPacketsList = null;
    model.pdusByPacket = null;
    model.byConn?.clear?.();
    model.findingGroups.length = 0;
    model.findings.length = 0;
  });
  release("findings", () => { findings.length = 0; });
  // The PDU and exchange stores (src/model/pdu-store.ts, exchange-store.ts): one small record per
  // message in the list, reading typed-array columns (off the JS heap) and a table of field values.
  // Pointing every list slot at one record frees the records alone; emptying the list then frees
  // the store (nothing else refers to it), its columns counted apart from its heap.
  const store = (name, list) => {
    release(`${name}: records (one per message, in the list)`, () => { if (list.length > 0) list.fill(list[0]); });
    releaseSplit(`${name}: field values, summaries (heap)`, `${name}: columns (typed arrays, off heap)`, () => { list.length = 0; });
  };
  const releaseSplit = (heapPart, offPart, fn) => {
    const ab = arrayBuffers();
    fn();
    const x = heap();
    parts.push({ part: heapPart, bytes: h - x });
    parts.push({ part: offPart, bytes: ab - arrayBuffers(), offHeap: true });
    h = x;
  };
  store("PDUs", capture.pdus);
  store("exchanges", capture.exchanges);
  release("connection table", () => { capture.connections.length = 0; });
  capture.bytes.close();
  return {
    file,
    packets: n,
    counts,
    heap: { analysed: analysed - base, withRulesAndModel: modelBuilt - base, connFacts: connFactsBuilt - modelBuilt, exchangeFacts: exFactsBuilt - connFactsBuilt, session: after - base, unattributed: h - base, offHeapAnalysed: abAnalysed },
    rss,
    parts,
  };
}

// ---- the TUI in tmux -----------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function status(pid) {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)?.[1] ?? NaN);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

async function tuiRss(file, kdiag, log) {
  const session = `kdiag-mem-${process.pid}`;
  const tmux = (...a) => execFileSync("tmux", a, { encoding: "utf8" });
  // The pane runs node itself (exec), so the pane's pid is kdiag's. bin/kdiag.js runs `tui` again
  // with glibc's mmap threshold fixed unless it is set already: set here, so the pane's process is
  // the TUI itself, with the same setting.
  tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", "env", "TERM=xterm-256color", "LANG=C.UTF-8", "MALLOC_MMAP_THRESHOLD_=131072",
    "bash", "--norc", "--noprofile", "-c", `exec ${kdiag} tui ${JSON.stringify(file)}`);
  const out = {};
  try {
    const pid = Number(tmux("display", "-p", "-t", session, "#{pane_pid}").trim());
    const started = Date.now();
    const waitFor = async (test, what, timeoutMs = 600_000) => {
      const end = Date.now() + timeoutMs;
      let screen = "";
      while (Date.now() < end) {
        screen = tmux("capture-pane", "-p", "-t", session);
        if (test(screen)) return screen;
        await sleep(250);
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
    };
    await waitFor((s) => /Findings \(\d+\)/.test(s) && !/reading |running the rules/.test(s), "the findings");
    out.loadSeconds = (Date.now() - started) / 1000;
    await sleep(2000);
    out.loaded = status(pid);
    log(`  loaded in ${out.loadSeconds.toFixed(1)} s: VmRSS ${(out.loaded.rss / MiB).toFixed(0)} MiB, VmHWM ${(out.loaded.hwm / MiB).toFixed(0)} MiB`);
    tmux("send-keys", "-t", session, "4");
    await sleep(500);
    tmux("send-keys", "-t", session, "G");
    await sleep(500);
    tmux("send-keys", "-t", session, "g");
    await sleep(1500);
    out.moved = status(pid);
    log(`  after 4 G g: VmRSS ${(out.moved.rss / MiB).toFixed(0)} MiB`);
    tmux("send-keys", "-t", session, "/");
    tmux("send-keys", "-t", session, "-l", "tcp.flags.reset");
    await sleep(300);
    tmux("send-keys", "-t", session, "Enter");
    await waitFor((s) => /\[filter: tcp\.flags\.reset\]/.test(s) && !/filtering/i.test(s), "the filtered list");
    await sleep(2000);
    out.filtered = status(pid);
    log(`  after the filter tcp.flags.reset: VmRSS ${(out.filtered.rss / MiB).toFixed(0)} MiB, VmHWM ${(out.filtered.hwm / MiB).toFixed(0)} MiB`);
  } finally {
    spawnSync("tmux", ["kill-session", "-t", session]);
  }
  return out;
}

// ---- parent --------------------------------------------------------------------------------------

export async function benchMemory({ file, dist, kdiag, tui = true, log = (m) => process.stderr.write(`${m}\n`) }) {
  if (!existsSync(file)) {
    const m = /kafka-small-(\d+)p-seed(\d+)\.pcap$/.exec(file);
    if (!m) throw new Error(`${file}: no such capture`);
    log(`making ${file}`);
    execFileSync(process.execPath, [join(BENCH, "make-capture.js"), "--packets", m[1], "--payload", "small", "--seed", m[2], file], { stdio: "inherit" });
  }
  log(`memory: the parts of the analysed capture (${file})`);
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), "--child", file, dist], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`memory child failed: ${r.stderr}`);
  const result = JSON.parse(r.stdout);
  if (tui) {
    if (spawnSync("tmux", ["-V"]).status !== 0) log("  no tmux: TUI RSS skipped");
    else result.tui = await tuiRss(file, kdiag, log);
  }
  return result;
}

export function memoryTable(r) {
  const n = r.packets;
  const lines = [];
  const row = (name, bytes) => lines.push(`${name.padEnd(64)} ${(bytes / MiB).toFixed(1).padStart(8)} MiB ${(bytes / n).toFixed(1).padStart(8)} B/packet`);
  const c = r.counts;
  lines.push(`${n.toLocaleString("en")} packets, ${c.connections.toLocaleString("en")} connections, ${c.pdus.toLocaleString("en")} PDUs, ${c.exchanges.toLocaleString("en")} exchanges, ${c.findings.toLocaleString("en")} findings`);
  if (c.exchangeFilterMs !== undefined) lines.push(`exchanges pane filter kafka.api_key == 1 (facts built as tested): ${c.exchangesFiltered.toLocaleString("en")} of ${c.exchanges.toLocaleString("en")} in ${c.exchangeFilterMs} ms`);
  for (const p of r.parts) row(`${p.part}${p.offHeap ? " [off heap]" : ""}`, p.bytes);
  row("heap: analysed capture (pass only)", r.heap.analysed);
  row("heap: + rules and TUI model", r.heap.withRulesAndModel);
  row("heap: + session caches (facts, packet list)", r.heap.session);
  row("heap: not attributed to a part above", r.heap.unattributed);
  if (r.heap.offHeapAnalysed !== undefined) row("off heap: analysed capture (typed arrays: packet index, stores)", r.heap.offHeapAnalysed);
  row("RSS of the measuring process (all of the above)", r.rss);
  if (r.tui) {
    row(`kdiag tui: VmRSS once loaded (${r.tui.loadSeconds.toFixed(1)} s)`, r.tui.loaded.rss);
    row("kdiag tui: VmHWM (peak) once loaded", r.tui.loaded.hwm);
    row("kdiag tui: VmRSS after 4 G g (packets pane)", r.tui.moved.rss);
    row("kdiag tui: VmRSS after the filter tcp.flags.reset", r.tui.filtered.rss);
    row("kdiag tui: VmHWM (peak) at the end", r.tui.filtered.hwm);
  }
  return lines.join("\n");
}

const argv = process.argv.slice(2);
if (argv[0] === "--child") {
  const out = await child(argv[1], argv[2]);
  process.stdout.write(JSON.stringify(out));
} else if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const o = { dist: join(ROOT, "dist"), kdiag: `node ${join(ROOT, "bin", "kdiag.js")}`, tui: true, json: false, file: join(BENCH, "data", "kafka-small-1000000p-seed1.pcap") };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--dist") o.dist = resolve(argv[++i]);
    else if (a === "--kdiag") o.kdiag = argv[++i];
    else if (a === "--no-tui") o.tui = false;
    else if (a === "--json") o.json = true;
    else o.file = resolve(a);
  }
  const r = await benchMemory(o);
  process.stdout.write(o.json ? `${JSON.stringify(r, null, 2)}\n` : `${memoryTable(r)}\n`);
}
