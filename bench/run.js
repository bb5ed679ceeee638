#!/usr/bin/env node
/**
 * `npm run bench`: kdiag's speed and memory on a synthetic Kafka capture, next to cat and tshark.
 *
 *   node bench/run.js [--size-mb N] [--packets-size-mb N] [--runs N] [--no-build] [--profile] [--no-tui] [--tui-packets N]
 *
 * --size-mb N          size of the main (large-payload) capture, default 100
 * --packets-size-mb N  size of the small-payload capture used for `kdiag packets` vs `tshark -r`, default 50
 * --runs N             timed runs per command (after one warm-up run), default 3, at least 3
 * --no-build           do not run `npm run build` first (benchmarks whatever is in dist/)
 * --profile            also write a CPU profile of `kdiag flows` and print its top self-time functions
 * --no-tui             skip the `kdiag tui` timings (bench/tui.js)
 * --tui-packets N      packets in the capture for the TUI key-response test, default 1000000
 * --connections N      connections in the many-connections capture (one SYN each), default 1000000
 * --no-many            skip the many-connections runs (flows, flows --json, kafka, analyze: minutes)
 * --no-merge           skip the rotation-set runs (bench/merge.js: the main capture cut into 20 files
 *                      by tcpdump -C, kdiag's merge against mergecap + kdiag on one file)
 * --no-live            skip the live-mode replay (bench/live.js)
 * --live-rate PPS      packets/s of the live-mode replay, default 100000
 * --live-seconds S     how long the live-mode replay writes, default 60
 * --no-tls             skip the TLS decryption runs (bench/tls.js: a TLS twin of a plaintext capture,
 *                      `kdiag --tls-keylog KEYS kafka --stats` on it against `kafka --stats` on the
 *                      plaintext; --tls-size-mb N: size of the plaintext capture, default 200)
 * --no-memory          skip the memory breakdown (bench/memory.js: bytes per packet of each part of
 *                      the analysed million-packet capture, and kdiag tui's RSS on it in tmux)
 *
 * The build is copied to bench/data/snapshot/ (bin, dist, package.json) and every kdiag command
 * runs from that copy, so a rebuild by someone else halfway through cannot mix two versions.
 * Captures are made by bench/make-capture.js into bench/data/ (git-ignored) when missing, with a
 * .json sidecar holding the generator's summary. Commands run one at a time; timings use
 * hyperfine when installed, else repeated runs timed with process.hrtime; peak RSS uses
 * /usr/bin/time -f %M when installed, else /proc/PID/status VmHWM polled while the process runs.
 * `kdiag tui` (bench/tui.js, headless 80x24 in child processes): time from process start to the
 * first screen and to the findings shown on the main capture, and key response (median, max ms)
 * in the packets pane of a capture of a million small-payload packets.
 * Many connections (bench/make-many-connections.js, one SYN each: a SYN flood or hours of a busy
 * broker host): flows, flows --json, kafka and analyze once each, time and peak RSS, RSS per
 * connection, next to tshark -z conv,tcp on the same file.
 * Memory (bench/memory.js): the --tui-packets capture analysed part by part (packet index, connection
 * table, PDUs, exchanges, facts, TUI model), bytes per packet of each, and `kdiag tui`'s VmRSS.
 * Live mode (bench/live.js): the small-payload capture replayed into `kdiag watch -` at
 * --live-rate packets/s for --live-seconds, RSS every 5 s, the rate achieved, the time to finish.
 * Prints a table and writes bench/results.json.
 */

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCapture } from "./make-capture.js";
import { makeManyConnections } from "./make-many-connections.js";
import { benchMerge, mergeReport } from "./merge.js";
import { benchTui, tuiReport } from "./tui.js";
import { benchLive } from "./live.js";
import { benchMemory, memoryTable } from "./memory.js";
import { benchTls, tlsReport } from "./tls.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const DATA = join(BENCH, "data");
const MB = 1e6;

function parseArgs(argv) {
  const o = { sizeMb: 100, packetsSizeMb: 50, runs: 3, build: true, profile: false, tui: true, tuiPackets: 1_000_000, connections: 1_000_000, many: true, merge: true, memory: true, tls: true, tlsSizeMb: 200, live: true, liveRate: 100_000, liveSeconds: 60 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => {
      const v = Number(argv[++i]);
      if (!(v > 0)) fail(`${a} needs a positive number`);
      return v;
    };
    if (a === "--size-mb") o.sizeMb = num();
    else if (a === "--packets-size-mb") o.packetsSizeMb = num();
    else if (a === "--runs") o.runs = Math.max(3, Math.floor(num()));
    else if (a === "--no-build") o.build = false;
    else if (a === "--profile") o.profile = true;
    else if (a === "--no-tui") o.tui = false;
    else if (a === "--tui-packets") o.tuiPackets = Math.max(1000, Math.floor(num()));
    else if (a === "--connections") o.connections = Math.max(1000, Math.floor(num()));
    else if (a === "--no-many") o.many = false;
    else if (a === "--no-merge") o.merge = false;
    else if (a === "--no-live") o.live = false;
    else if (a === "--no-memory") o.memory = false;
    else if (a === "--no-tls") o.tls = false;
    else if (a === "--tls-size-mb") o.tlsSizeMb = num();
    else if (a === "--live-rate") o.liveRate = Math.floor(num());
    else if (a === "--live-seconds") o.liveSeconds = num();
    else if (a === "-h" || a === "--help") {
      process.stdout.write(readFileSync(fileURLToPath(import.meta.url), "utf8").split("*/")[0].replace(/^#!.*\n\/\*\*\n?/, "").replace(/^ \* ?/gm, ""));
      process.exit(0);
    } else fail(`unknown option ${a}`);
  }
  return o;
}

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

const t0 = Date.now();
function step(msg) {
  const s = ((Date.now() - t0) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[${s}s] ${msg}\n`);
}

function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Shell-quote one argument. */
const q = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Make (or reuse) a capture; returns the generator's summary. */
function capture(name, opts) {
  const file = join(DATA, `${name}.pcap`);
  const side = join(DATA, `${name}.json`);
  if (existsSync(file) && existsSync(side)) {
    const s = JSON.parse(readFileSync(side, "utf8"));
    if (statSync(file).size === s.bytes) {
      step(`reusing ${relative(ROOT, file)} (${s.packets} packets, ${(s.bytes / MB).toFixed(1)} MB)`);
      return s;
    }
  }
  step(`writing ${relative(ROOT, file)} ...`);
  const s = makeCapture({ ...opts, out: file });
  s.file = file;
  writeFileSync(side, JSON.stringify(s, null, 2) + "\n");
  step(
    `  ${s.packets} packets, ${(s.bytes / MB).toFixed(1)} MB, ${(s.payloadBytes / MB).toFixed(1)} MB TCP payload, ` +
      `${s.connections} connections, in ${s.seconds.toFixed(1)}s`,
  );
  return s;
}

function warm(file) {
  // Twice: the first read may come from disk, the second proves it is cached.
  for (let i = 0; i < 2; i++) spawnSync("sh", ["-c", `cat ${q(file)} > /dev/null`]);
}

/** Times a shell command; returns { mean, stddev, min, max, runs, times } in seconds. */
function timeCommand(cmd, runs, hyperfine) {
  if (hyperfine) {
    const out = join(DATA, ".hyperfine.json");
    const r = spawnSync(hyperfine, ["--style", "none", "--warmup", "1", "--runs", String(runs), "--export-json", out, cmd], {
      encoding: "utf8",
      cwd: ROOT,
    });
    if (r.status !== 0) throw new Error(`hyperfine failed for: ${cmd}\n${r.stderr}`);
    const res = JSON.parse(readFileSync(out, "utf8")).results[0];
    rmSync(out, { force: true });
    return { mean: res.mean, stddev: res.stddev ?? 0, min: res.min, max: res.max, runs: res.times.length, times: res.times };
  }
  const times = [];
  for (let i = 0; i <= runs; i++) {
    const s = process.hrtime.bigint();
    const r = spawnSync("sh", ["-c", cmd], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    const t = Number(process.hrtime.bigint() - s) / 1e9;
    if (r.status !== 0) throw new Error(`command failed (${r.status}): ${cmd}\n${r.stderr}`);
    if (i > 0) times.push(t); // run 0 is the warm-up
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const stddev = Math.sqrt(times.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, times.length - 1));
  return { mean, stddev, min: Math.min(...times), max: Math.max(...times), runs: times.length, times };
}

/** Peak RSS in KiB of argv (stdout to /dev/null), best of one run each way; max over `runs` runs. */
async function peakRss(argv, runs, gnuTime) {
  let peak = 0;
  for (let i = 0; i < runs; i++) peak = Math.max(peak, gnuTime ? rssWithTime(argv, gnuTime) : await rssWithProc(argv));
  return peak;
}

function rssWithTime(argv, gnuTime) {
  const r = spawnSync(gnuTime, ["-f", "%M", ...argv], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  if (r.status !== 0) throw new Error(`failed (${r.status}): ${argv.join(" ")}\n${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  return Number(lines[lines.length - 1]);
}

/** One run of argv (stdout discarded): wall seconds and peak RSS KiB, or null when it failed. */
function timedRss(argv, gnuTime) {
  const start = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync(gnuTime, ["-f", "%M", ...argv], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] })
    : spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) return null;
  const lines = r.stderr.trim().split("\n");
  return { seconds, rssKiB: gnuTime ? Number(lines[lines.length - 1]) : 0 };
}

function rssWithProc(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    let hwm = 0;
    const poll = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) hwm = Math.max(hwm, Number(m[1]));
      } catch {
        /* exited between polls */
      }
    };
    const timer = setInterval(poll, 5);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`failed (${code}): ${argv.join(" ")}`));
      else resolve(hwm);
    });
  });
}

const fmt = {
  s: (x) => (x < 1 ? `${(x * 1000).toFixed(0)} ms` : `${x.toFixed(2)} s`),
  rate: (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`),
  mb: (x) => (x >= 1000 ? `${(x / 1000).toFixed(1)} GB` : `${x.toFixed(0)} MB`),
  kib: (k) => `${(k / 1024).toFixed(0)} MiB`,
  x: (r) => `${r < 10 ? r.toPrecision(3) : r.toFixed(1)}x`,
};

function table(head, rows) {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : String(c).padStart(w[i]))).join("  ");
  return [line(head), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(DATA, { recursive: true });
  const hyperfine = which("hyperfine");
  const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const tshark = which("tshark");
  step(
    `kdiag bench: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, node ${process.version}; ` +
      `timing with ${hyperfine ? "hyperfine" : "process.hrtime"}, peak RSS with ${gnuTime ? "/usr/bin/time -f %M" : "/proc/PID/status VmHWM"}` +
      (tshark ? "" : "; tshark NOT found, its rows are skipped"),
  );
  if (!gnuTime) step("(/usr/bin/time not found: `apt-get install -y time` gives exact peak RSS; polling VmHWM instead)");

  if (opts.build) {
    step("npm run build ...");
    const r = spawnSync("npm", ["run", "build", "--silent"], { cwd: ROOT, encoding: "utf8" });
    if (r.status !== 0) step(`  build reported errors (tsc still emits; benchmarking dist/ as built):\n${(r.stdout + r.stderr).trim().split("\n").slice(0, 5).join("\n")}`);
  }
  if (!existsSync(join(ROOT, "dist/src/cli/main.js"))) fail("dist/ is missing: run `npm run build`");
  const SNAP = join(DATA, "snapshot");
  rmSync(SNAP, { recursive: true, force: true });
  for (const d of ["bin", "dist", "package.json", "rules"]) {
    if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(SNAP, d), { recursive: true });
  }
  const K = `node ${relative(ROOT, join(SNAP, "bin/kdiag.js"))}`;
  const KA = ["node", relative(ROOT, join(SNAP, "bin/kdiag.js"))];
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout?.trim() || null;
  step(`benchmarking a copy of the build in ${relative(ROOT, SNAP)} (git HEAD ${head ?? "?"}, plus uncommitted work)`);

  // Captures: the main one, the same packets with small payloads, and a small-payload one for `packets`.
  const large = capture(`kafka-large-${opts.sizeMb}mb-seed1`, { sizeMb: opts.sizeMb, payload: "large", seed: 1 });
  const small = capture(`kafka-small-${large.packets}p-seed1`, { packets: large.packets, payload: "small", seed: 1 });
  const pk = capture(`kafka-small-${opts.packetsSizeMb}mb-seed1`, { sizeMb: opts.packetsSizeMb, payload: "small", seed: 1 });

  const results = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? null, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version },
    tools: { hyperfine: !!hyperfine, rss: gnuTime ? "/usr/bin/time -f %M" : "/proc VmHWM", tshark: !!tshark },
    runs: opts.runs,
    gitHead: head,
    captures: { large, small, packets: pk },
    timings: {},
    rssKiB: {},
    alloc: {},
  };
  const rel = (f) => relative(ROOT, f);
  const L = rel(large.file);
  const S = rel(small.file);
  const P = rel(pk.file);

  // --- Throughput on the main capture ------------------------------------------------------
  warm(large.file);
  const cmds = [
    ["cat", `cat ${q(L)} > /dev/null`],
    ["node startup (kdiag --help)", `${K} --help > /dev/null`],
    ["kdiag flows", `${K} flows ${q(L)} > /dev/null`],
    ["kdiag flows --json", `${K} flows --json ${q(L)} > /dev/null`],
    // The full Kafka pass, and the same plus every built-in rule (issue: rules cost at most +25%).
    ["kdiag kafka --stats", `${K} kafka --stats ${q(L)} > /dev/null`],
    ["kdiag analyze", `${K} analyze ${q(L)} > /dev/null`],
  ];
  if (tshark) cmds.push(["tshark -q -z conv,tcp", `tshark -r ${q(L)} -q -z conv,tcp > /dev/null 2>&1`]);
  for (const [name, cmd] of cmds) {
    step(`timing ${name} (${opts.runs} runs): ${cmd}`);
    const t = timeCommand(cmd, opts.runs, hyperfine);
    results.timings[name] = { cmd, file: L, ...t };
    step(`  mean ${fmt.s(t.mean)} ± ${fmt.s(t.stddev)}`);
  }

  // --- `packets` on the smaller capture ----------------------------------------------------
  warm(pk.file);
  const pcmds = [["kdiag packets", `${K} packets ${q(P)} > /dev/null`]];
  if (tshark) pcmds.push(["tshark -r", `tshark -r ${q(P)} > /dev/null 2>&1`]);
  const pruns = Math.max(3, Math.min(opts.runs, 3));
  for (const [name, cmd] of pcmds) {
    step(`timing ${name} (${pruns} runs): ${cmd}`);
    const t = timeCommand(cmd, pruns, hyperfine);
    results.timings[name] = { cmd, file: P, ...t };
    step(`  mean ${fmt.s(t.mean)} ± ${fmt.s(t.stddev)}`);
  }

  // --- Peak RSS ----------------------------------------------------------------------------
  warm(small.file);
  const rssCmds = [
    ["kdiag flows, large payload", [...KA, "flows", L]],
    ["kdiag flows, small payload", [...KA, "flows", S]],
    ["kdiag flows --json, large payload", [...KA, "flows", "--json", L]],
    ["node startup (kdiag --help)", [...KA, "--help"]],
  ];
  if (tshark) {
    rssCmds.push(["tshark conv,tcp, large payload", ["tshark", "-r", L, "-q", "-z", "conv,tcp"]]);
    rssCmds.push(["tshark conv,tcp, small payload", ["tshark", "-r", S, "-q", "-z", "conv,tcp"]]);
  }
  rssCmds.push(["kdiag packets", [...KA, "packets", P]]);
  if (tshark) rssCmds.push(["tshark -r", ["tshark", "-r", P]]);
  for (const [name, argv] of rssCmds) {
    step(`peak RSS of ${name}`);
    results.rssKiB[name] = await peakRss(argv, 1, gnuTime);
    step(`  ${fmt.kib(results.rssKiB[name])}`);
  }

  // --- Allocations per packet (in process, v8.GCProfiler) -----------------------------------
  for (const [name, c] of [
    ["large payload", large],
    ["small payload", small],
  ]) {
    step(`allocations of the analysis pass, ${name}`);
    const r = spawnSync("node", [join(BENCH, "alloc.js"), c.file, join(SNAP, "dist")], { cwd: ROOT, encoding: "utf8" });
    if (r.status === 0) {
      results.alloc[name] = JSON.parse(r.stdout);
      step(`  ${results.alloc[name].bytesPerPacket.toFixed(0)} bytes/packet, ${results.alloc[name].gcs} GCs, analysis ${fmt.s(results.alloc[name].seconds)}`);
    } else step(`  failed: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }

  // --- kdiag tui: time to first screen and to findings, key response on a million packets ------
  if (opts.tui) {
    step(`kdiag tui: start-up on the main capture, key response on ${opts.tuiPackets} packets (bench/tui.js)`);
    try {
      results.tui = await benchTui({ file: large.file, dist: join(SNAP, "dist"), runs: opts.runs, packets: opts.tuiPackets, log: (m) => step(`  ${m}`) });
    } catch (e) {
      step(`  failed: ${String(e.message ?? e).split("\n")[0]}`);
    }
    step("kdiag tui: the tree of one packet on a 300,000-packet connection (bench/long-connection.js)");
    const r = spawnSync(process.execPath, ["--expose-gc", join(BENCH, "long-connection.js"), "--dist", join(SNAP, "dist")], { encoding: "utf8" });
    if (r.status === 0) {
      results.longConnection = r.stdout.trim();
      step(`  ${results.longConnection}`);
    } else step(`  failed: ${r.stderr.trim().split("\n").slice(-1)[0]}`);
  }

  // --- Memory: bytes per packet of each part, kdiag tui's RSS on a million packets --------------
  if (opts.memory) {
    step(`memory: the parts of the analysed capture and kdiag tui's RSS (bench/memory.js)`);
    try {
      const file = join(DATA, `kafka-small-${opts.tuiPackets}p-seed1.pcap`);
      results.memory = await benchMemory({ file, dist: join(SNAP, "dist"), kdiag: `node ${join(SNAP, "bin", "kdiag.js")}`, log: (m) => step(m) });
    } catch (e) {
      step(`  failed: ${String(e.message ?? e).split("\n")[0]}`);
    }
  }

  // --- Live mode: a replay into `kdiag watch -` at a fixed rate, RSS every 5 s -------------------
  if (opts.live) {
    step(`live mode: ${rel(small.file)} replayed into kdiag watch - at ${opts.liveRate} packets/s for ${opts.liveSeconds} s (bench/live.js)`);
    try {
      results.live = await benchLive({ file: small.file, rate: opts.liveRate, seconds: opts.liveSeconds, dist: SNAP, log: (m) => step(m) });
    } catch (e) {
      step(`  failed: ${String(e.message ?? e).split("\n")[0]}`);
    }
  }

  // --- Many connections: output streams, memory per connection ---------------------------------
  if (opts.many) {
    const file = join(DATA, `many-${opts.connections}-syn.pcap`);
    if (!existsSync(file)) {
      step(`making ${rel(file)} (${opts.connections} connections, one SYN each)`);
      makeManyConnections(file, { connections: opts.connections, kind: "syn" });
    }
    warm(file);
    const M = rel(file);
    const runs = [
      ["kdiag flows", [...KA, "flows", M]],
      ["kdiag flows --json", [...KA, "flows", "--json", M]],
      ["kdiag kafka", [...KA, "kafka", M]],
      ["kdiag analyze", [...KA, "analyze", M]],
    ];
    if (tshark) runs.push(["tshark -q -z conv,tcp", ["tshark", "-r", M, "-q", "-z", "conv,tcp"]]);
    results.many = { connections: opts.connections, file: M, bytes: statSync(file).size, runs: {} };
    for (const [name, argv] of runs) {
      step(`many connections: ${name} (one run, time and peak RSS)`);
      const r = timedRss(argv, gnuTime);
      results.many.runs[name] = r;
      step(r ? `  ${fmt.s(r.seconds)}, ${fmt.kib(r.rssKiB)}, ${((r.rssKiB * 1024) / opts.connections).toFixed(0)} bytes/connection` : "  failed");
    }
  }

  // --- Rotation set: kdiag's merge against mergecap + one file --------------------------------
  if (opts.merge) {
    results.merge = await benchMerge({
      root: ROOT,
      data: DATA,
      file: large.file,
      K,
      KA,
      runs: opts.runs,
      time: (cmd, runs) => timeCommand(cmd, runs, hyperfine),
      rss: (argv) => peakRss(argv, 1, gnuTime),
      step,
      q,
    });
  }

  // --- TLS decryption: the same Kafka in TLS records against the plaintext pass (issue 13: <= 2x) ---
  if (opts.tls) {
    try {
      const plain = capture(`kafka-large-${opts.tlsSizeMb}mb-seed1`, { sizeMb: opts.tlsSizeMb, payload: "large", seed: 1 });
      warm(plain.file);
      results.tls = await benchTls({
        data: DATA,
        root: ROOT,
        plain,
        dist: join(SNAP, "dist"),
        K,
        KA,
        runs: opts.runs,
        time: (cmd, runs) => timeCommand(cmd, runs, hyperfine),
        step,
        q,
      });
      for (const [name, x] of Object.entries(results.tls.ratios)) step(`  ${name}: ${fmt.x(x)}${x <= 2 ? "" : " (over the 2x target)"}`);
    } catch (e) {
      // Loudly: a TLS pass that does not reproduce the plaintext Kafka fails the whole bench.
      step(`TLS decryption FAILED: ${String(e.message ?? e)}`);
      process.exitCode = 1;
      results.tls = { failed: String(e.message ?? e) };
    }
  }

  // --- Optional CPU profile ----------------------------------------------------------------
  if (opts.profile) {
    const dir = join(DATA, "profile");
    rmSync(dir, { recursive: true, force: true });
    step(`CPU profile of kdiag flows -> ${rel(dir)}`);
    spawnSync("sh", ["-c", `node --cpu-prof --cpu-prof-interval 100 --cpu-prof-dir=${q(dir)} ${K.slice(5)} flows ${q(L)} > /dev/null`], { cwd: ROOT });
    const prof = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (prof) {
      const r = spawnSync("node", [join(BENCH, "cpuprofile-top.js"), join(dir, prof), "12"], { encoding: "utf8" });
      results.profileTop = r.stdout;
    }
  }

  // --- Report --------------------------------------------------------------------------------
  const T = results.timings;
  const rows = [];
  const derived = {};
  for (const [name, t] of Object.entries(T)) {
    const c = t.file === L ? large : pk;
    const pps = c.packets / t.mean;
    const mbs = c.bytes / MB / t.mean;
    derived[name] = { packetsPerSec: pps, mbPerSec: mbs };
    const isStartup = name.startsWith("node startup");
    rows.push([
      name,
      isStartup ? "-" : `${(c.bytes / MB).toFixed(0)} MB`,
      `${fmt.s(t.mean)} ± ${fmt.s(t.stddev)}`,
      isStartup ? "-" : `${fmt.rate(pps)} pkt/s`,
      isStartup ? "-" : `${fmt.mb(mbs)}/s`,
    ]);
  }
  results.derived = derived;

  const ratio = (a, b) => (T[a] && T[b] ? T[a].mean / T[b].mean : null);
  const ratios = {
    "tshark conv,tcp time / kdiag flows time (kdiag speed-up)": ratio("tshark -q -z conv,tcp", "kdiag flows"),
    "tshark conv,tcp time / kdiag flows --json time": ratio("tshark -q -z conv,tcp", "kdiag flows --json"),
    "kdiag flows time / cat time (slower than raw read)": ratio("kdiag flows", "cat"),
    "kdiag flows MB/s / cat MB/s": ratio("cat", "kdiag flows"),
    "tshark -r time / kdiag packets time (kdiag speed-up)": ratio("tshark -r", "kdiag packets"),
    "kdiag analyze time / kdiag kafka --stats time (rules overhead, aim <= 1.25)": ratio("kdiag analyze", "kdiag kafka --stats"),
    "tshark conv,tcp time / kdiag kafka --stats time": ratio("tshark -q -z conv,tcp", "kdiag kafka --stats"),
    // Both from process start: the TUI's analysis + rules + first full draw against the CLI's.
    "kdiag tui findings shown / kdiag analyze time": results.tui && T["kdiag analyze"] ? results.tui.startup.median.dataMs / 1000 / T["kdiag analyze"].mean : null,
  };
  // kdiag's fixed cost: what is left after node startup.
  if (T["kdiag flows"] && T["node startup (kdiag --help)"]) {
    const net = T["kdiag flows"].mean - T["node startup (kdiag --help)"].mean;
    derived["kdiag flows minus startup"] = { seconds: net, packetsPerSec: large.packets / net, mbPerSec: large.bytes / MB / net };
  }
  results.ratios = ratios;

  const R = results.rssKiB;
  const memRatio = R["kdiag flows, large payload"] / R["kdiag flows, small payload"];
  const payloadDeltaMB = (large.payloadBytes - small.payloadBytes) / MB;
  const rssDeltaMiB = (R["kdiag flows, large payload"] - R["kdiag flows, small payload"]) / 1024;
  results.payloadMemory = {
    packets: large.packets,
    payloadMB: { large: large.payloadBytes / MB, small: small.payloadBytes / MB },
    kdiagRssRatioLargeOverSmall: memRatio,
    kdiagRssDeltaMiB: rssDeltaMiB,
    tsharkRssRatioLargeOverSmall: tshark ? R["tshark conv,tcp, large payload"] / R["tshark conv,tcp, small payload"] : null,
    // Flat means: the large-payload run needs less than 10% + 16 MiB more than the small one.
    kdiagFlatInPayload: R["kdiag flows, large payload"] <= R["kdiag flows, small payload"] * 1.1 + 16 * 1024,
  };

  const out = [];
  out.push("");
  out.push(
    `kdiag bench, ${results.date.slice(0, 10)}, ${results.machine.cores} cores, node ${process.version}, ` +
      `${opts.runs} runs per command (3 for packets), ${hyperfine ? "hyperfine" : "hrtime"}`,
  );
  out.push(
    `main capture   ${L}: ${large.packets} packets, ${(large.bytes / MB).toFixed(1)} MB, ${large.connections} connections, payload large`,
  );
  out.push(`same packets   ${S}: ${(small.bytes / MB).toFixed(1)} MB, payload small`);
  out.push(`packets test   ${P}: ${pk.packets} packets, ${(pk.bytes / MB).toFixed(1)} MB, payload small`);
  out.push("");
  out.push(table(["command", "input", "time (mean ± sd)", "packets/s", "MB/s"], rows));
  const net = derived["kdiag flows minus startup"];
  if (net) out.push(`kdiag flows without node startup: ${fmt.s(net.seconds)} = ${fmt.rate(net.packetsPerSec)} pkt/s, ${fmt.mb(net.mbPerSec)}/s`);
  out.push("");
  for (const [k, v] of Object.entries(ratios)) if (v !== null) out.push(`${k.padEnd(58)} ${fmt.x(v)}`);
  out.push("");
  out.push(table(["peak RSS", "MiB"], Object.entries(R).map(([k, v]) => [k, (v / 1024).toFixed(0)])));
  out.push("");
  out.push(
    `memory vs payload (same ${large.packets} packets, ${(large.payloadBytes / MB).toFixed(0)} MB vs ${(small.payloadBytes / MB).toFixed(0)} MB of TCP payload): ` +
      `kdiag large/small RSS ${fmt.x(memRatio)} (${rssDeltaMiB >= 0 ? "+" : ""}${rssDeltaMiB.toFixed(0)} MiB for +${payloadDeltaMB.toFixed(0)} MB payload) -> ` +
      (results.payloadMemory.kdiagFlatInPayload ? "FLAT (ok)" : "GROWS WITH PAYLOAD") +
      (results.payloadMemory.tsharkRssRatioLargeOverSmall ? `; tshark ${fmt.x(results.payloadMemory.tsharkRssRatioLargeOverSmall)}` : ""),
  );
  for (const [k, a] of Object.entries(results.alloc)) {
    out.push(`allocations, analysis pass, ${k}: ${a.bytesPerPacket.toFixed(0)} bytes/packet (${(a.allocatedBytes / MB).toFixed(0)} MB over ${a.packets} packets, ${a.gcs} GCs)`);
  }
  if (results.many) {
    const m = results.many;
    out.push("", `many connections ${m.file}: ${m.connections} connections (one SYN each), ${(m.bytes / MB).toFixed(0)} MB`);
    const ts = m.runs["tshark -q -z conv,tcp"];
    out.push(
      table(
        ["command", "time", "peak RSS", "bytes/connection", "time vs tshark"],
        Object.entries(m.runs).map(([k, r]) => [
          k,
          r ? fmt.s(r.seconds) : "failed",
          r ? fmt.kib(r.rssKiB) : "-",
          r ? ((r.rssKiB * 1024) / m.connections).toFixed(0) : "-",
          r && ts && k !== "tshark -q -z conv,tcp" ? fmt.x(r.seconds / ts.seconds) : "-",
        ]),
      ),
    );
  }
  if (results.merge) out.push("", ...mergeReport(results.merge));
  if (results.tls) out.push("", ...(results.tls.failed ? [`TLS decryption: FAILED: ${results.tls.failed}`] : tlsReport(results.tls)));
  if (results.tui) out.push("", ...tuiReport(results.tui));
  if (results.live) {
    const l = results.live;
    out.push(
      "",
      `Live mode (kdiag watch -, replay at ${l.rateAsked} packets/s): ${l.rateAchieved} packets/s achieved (${l.keptUp ? "kept up" : "did not keep up"}), ` +
        `${l.packets} packets in ${l.seconds} s, finished ${l.lagAfterEndSec} s after the input ended, ${l.findings} findings, peak RSS ${l.peakRssMiB.toFixed(0)} MiB`,
      `  RSS curve: ${l.rssCurve.filter((c) => c.t !== null).map((c) => `${c.t}s ${c.rssMiB === null ? "?" : c.rssMiB.toFixed(0)} MiB`).join(", ")}`,
    );
  }
  if (results.memory) out.push("", "Memory (bench/memory.js): what each part of the analysed capture retains", memoryTable(results.memory));
  if (results.longConnection) out.push("", results.longConnection);
  if (results.profileTop) out.push("", results.profileTop.trimEnd());
  out.push("");
  process.stdout.write(out.join("\n") + "\n");

  results.table = out.join("\n");
  writeFileSync(join(BENCH, "results.json"), JSON.stringify(results, null, 2) + "\n");
  step(`wrote ${rel(join(BENCH, "results.json"))}; total ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.stack ?? e}\n`);
  process.exit(1);
});
