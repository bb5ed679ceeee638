#!/usr/bin/env node
/**
 * Live mode: a capture replayed into `kdiag watch -` on standard input at a fixed packet rate, as
 * tcpdump would write it on a busy broker, printing kdiag's RSS every 5 s.
 *
 *   node bench/live.js [--rate PPS] [--seconds S] [--dist DIR] [--args "kafka --stats -"] [--stderr FILE] FILE.pcap
 *
 * The writer sends the file's packets in 10 ms slices (rate/100 packets each), looping over the
 * file with timestamps shifted forward by its span and addresses moved at each pass (new
 * connections, never a reused 4-tuple), for S seconds (default 60) at
 * PPS packets/s (default 100000). It writes only as fast as kdiag reads (a pipe), so "kept up"
 * is the rate achieved against the rate asked. After the writer ends, the time kdiag takes to
 * finish (the final evaluation) is the lag. --args runs another kdiag command on the same replay
 * (e.g. "kafka --stats -": the pass without the rules, for comparison); --stderr keeps kdiag's stderr
 * (with KDIAG_DEBUG=1: a line per re-run with the heap, the rows and messages held). --script FILE
 * runs `node FILE ARGS` instead of kdiag (bench/tui-live.js: the TUI's live path on the replay).
 * Node built-ins only.
 *
 * Finding latency (with --json, the default): the writer keeps when it wrote each slice; each
 * NDJSON finding names its evidence packets, numbered as kdiag numbers them (its stream order, the
 * replay's), so a finding's latency is the time its line was read from kdiag's stdout minus the
 * time the slice holding its last evidence packet was written. Counted for the findings read
 * before the input ended (printed live, not by the final evaluation), p50/p99/max, overall and
 * per scope: connection-scope findings (counters) wait, by design, for a second of quiet after the
 * close, and an end-scope cause may wait for its connection's close (its last evidence packet).
 */

import { spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/** Record boundaries of a classic pcap (little- or big-endian, µs or ns). */
function pcapRecords(buf) {
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error("not a classic pcap file");
  const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const offsets = [];
  let o = 24;
  while (o + 16 <= buf.length) {
    const len = u32(o + 8);
    if (o + 16 + len > buf.length) break;
    offsets.push(o);
    o += 16 + len;
  }
  const first = u32(offsets[0]);
  const last = u32(offsets[offsets.length - 1]);
  return { le, offsets, end: o, spanSec: last - first + 1 };
}

export async function benchLive({ file, rate = 100_000, seconds = 60, dist = ROOT, args = ["watch", "--json", "-"], stderrFile = null, script = null, log = (s) => process.stderr.write(`${s}\n`) }) {
  const buf = readFileSync(file);
  const { le, offsets, spanSec } = pcapRecords(buf);
  // Under /usr/bin/time where installed: kdiag's CPU time (user + system) to its very end, the
  // final evaluation included; its RSS is read from the child of time.
  const timeFile = join(tmpdir(), `kdiag-live-bench-${process.pid}.time`);
  const timed = existsSync("/usr/bin/time");
  const kdiagArgs = [script ?? join(dist, "bin/kdiag.js"), ...args];
  const child = timed
    ? spawn("/usr/bin/time", ["-f", "%U %S", "-o", timeFile, process.execPath, ...kdiagArgs], { stdio: ["pipe", "pipe", "pipe"] })
    : spawn(process.execPath, kdiagArgs, { stdio: ["pipe", "pipe", "pipe"] });
  let kdiagPid = timed ? null : child.pid;
  const findPid = () => {
    if (kdiagPid === null) {
      try {
        const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
        if (kids.length > 0) kdiagPid = Number(kids[0]);
      } catch {
        // not started yet, or gone
      }
    }
    return kdiagPid;
  };
  let findings = 0;
  let stderr = "";
  let firstFindingAt = null;
  const started = performance.now();
  // When each slice of the replay was written (ms, performance.now()), and the live findings' latencies.
  const sliceWrittenAt = [];
  let perSliceForLatency = 1;
  let inputEnded = false;
  const latencies = [];
  let partial = "";
  child.stdout.on("data", (d) => {
    const now = performance.now();
    const text = partial + d.toString();
    const lines = text.split("\n");
    partial = lines.pop();
    const n = lines.length;
    if (n > 0 && firstFindingAt === null) firstFindingAt = (now - started) / 1000;
    findings += n;
    if (inputEnded) return;
    for (const line of lines) {
      let f;
      try {
        f = JSON.parse(line);
      } catch {
        continue; // not --json
      }
      const packets = f?.evidence?.packets;
      if (!Array.isArray(packets) || packets.length === 0) continue;
      const last = Math.max(...packets);
      const writtenAt = sliceWrittenAt[Math.floor((last - 1) / perSliceForLatency)];
      if (writtenAt !== undefined) latencies.push({ scope: f.confidence ? `${f.scope}, ${f.confidence}` : f.scope, rule: f.rule, ms: now - writtenAt });
    }
  });
  const stderrOut = stderrFile ? createWriteStream(stderrFile) : null;
  child.stderr.on("data", (d) => {
    stderr = (stderr + d).slice(-4000);
    stderrOut?.write(d);
  });
  const exited = new Promise((r) => child.on("close", (code) => r(code)));
  child.stdin.on("error", () => {});

  const rss = () => {
    try {
      const pid = findPid();
      if (pid === null) return null;
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) / 1024 : null;
    } catch {
      return null;
    }
  };
  const curve = [];
  const write = (b) => (child.stdin.write(b) ? null : new Promise((r) => child.stdin.once("drain", r)));
  await write(buf.subarray(0, 24));
  const perSlice = Math.max(1, Math.round(rate / 100));
  perSliceForLatency = perSlice;
  let sent = 0;
  let loop = 0;
  let i = 0;
  let nextReport = 5;
  const t0 = performance.now();
  for (;;) {
    const elapsed = (performance.now() - t0) / 1000;
    if (elapsed >= seconds) break;
    if (elapsed >= nextReport) {
      const r = rss();
      curve.push({ t: nextReport, rssMiB: r, packets: sent, rate: Math.round(sent / elapsed) });
      log(`  live: ${String(nextReport).padStart(3)} s  RSS ${r === null ? "?" : r.toFixed(0).padStart(5)} MiB  ${sent.toLocaleString("en")} packets sent (${Math.round(sent / elapsed).toLocaleString("en")}/s)  findings so far ${findings}`);
      nextReport += 5;
    }
    // One slice: perSlice records, the timestamps shifted by the loops done.
    const parts = [];
    for (let k = 0; k < perSlice; k++) {
      const o = offsets[i];
      const end = i + 1 < offsets.length ? offsets[i + 1] : o + 16 + (le ? buf.readUInt32LE(o + 8) : buf.readUInt32BE(o + 8));
      const rec = Buffer.from(buf.subarray(o, end));
      if (loop > 0) {
        const sec = (le ? rec.readUInt32LE(0) : rec.readUInt32BE(0)) + loop * spanSec;
        if (le) rec.writeUInt32LE(sec >>> 0, 0);
        else rec.writeUInt32BE(sec >>> 0, 0);
        // Each pass its own connections: the second octet of both IPv4 addresses (Ethernet
        // frames of the synthetic captures) moves by the pass number, so no 4-tuple is reused.
        if (rec.length >= 16 + 34 && rec[16 + 12] === 0x08 && rec[16 + 13] === 0x00) {
          rec[16 + 27] = (rec[16 + 27] + loop) & 0xff;
          rec[16 + 31] = (rec[16 + 31] + loop) & 0xff;
        }
      }
      parts.push(rec);
      i++;
      if (i === offsets.length) {
        i = 0;
        loop++;
      }
    }
    sent += perSlice;
    sliceWrittenAt.push(performance.now());
    const w = write(Buffer.concat(parts));
    if (w) await w;
    // Pace: the slice's due time.
    const due = t0 + (sent / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const wroteFor = (performance.now() - t0) / 1000;
  inputEnded = true;
  child.stdin.end();
  const endAt = performance.now();
  const peakPoll = setInterval(() => {
    const r = rss();
    if (r !== null) curve.push({ t: null, rssMiB: r, packets: sent, rate: null, finishing: true });
  }, 1000);
  const code = await exited;
  clearInterval(peakPoll);
  const lagSec = (performance.now() - endAt) / 1000;
  const achieved = sent / wroteFor;
  let cpuSec = null;
  if (timed) {
    try {
      const [u, sy] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
      cpuSec = u + sy;
    } catch {
      // time wrote nothing (killed)
    }
    rmSync(timeFile, { force: true });
  }
  const result = {
    file,
    rateAsked: rate,
    rateAchieved: Math.round(achieved),
    keptUp: achieved >= 0.95 * rate,
    seconds: +wroteFor.toFixed(1),
    packets: sent,
    loops: loop,
    lagAfterEndSec: +lagSec.toFixed(1),
    findings,
    firstFindingAtSec: firstFindingAt === null ? null : +firstFindingAt.toFixed(1),
    exitCode: code,
    cpuSec,
    cpuUsPerPacket: cpuSec === null ? null : +((cpuSec * 1e6) / sent).toFixed(2),
    loadAverage: readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "),
    rssCurve: curve,
    peakRssMiB: Math.max(...curve.map((c) => c.rssMiB ?? 0)),
    findingLatency: latencySummary(latencies),
    stderrTail: stderr.trim().split("\n").slice(-3),
  };
  log(
    `  live: ${sent.toLocaleString("en")} packets in ${wroteFor.toFixed(1)} s = ${Math.round(achieved).toLocaleString("en")}/s ` +
      `(asked ${rate.toLocaleString("en")}/s: ${result.keptUp ? "kept up" : "DID NOT keep up"}); finished ${lagSec.toFixed(1)} s after the input ended; ` +
      `${findings} findings (${latencies.length} live: latency ${describeLatency(result.findingLatency.all)}); peak RSS ${result.peakRssMiB.toFixed(0)} MiB; ` +
      (cpuSec === null ? "" : `CPU ${cpuSec.toFixed(1)} s = ${result.cpuUsPerPacket} µs a packet; `) +
      `load average ${result.loadAverage}; exit ${code}`,
  );
  for (const [scope, q] of Object.entries(result.findingLatency.byScope)) log(`  live: ${scope} findings printed live: ${q.count}, latency ${describeLatency(q)}`);
  return result;
}

/** p50, p99 and max of a list of ms, rounded; null when empty. */
function quantiles(ms) {
  if (ms.length === 0) return null;
  const v = [...ms].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { count: v.length, p50Ms: Math.round(at(0.5)), p99Ms: Math.round(at(0.99)), maxMs: Math.round(v[v.length - 1]) };
}

function latencySummary(latencies) {
  const byScope = {};
  for (const scope of new Set(latencies.map((l) => l.scope))) byScope[scope] = quantiles(latencies.filter((l) => l.scope === scope).map((l) => l.ms));
  return { all: quantiles(latencies.map((l) => l.ms)), byScope };
}

function describeLatency(q) {
  return q === null ? "-" : `p50 ${q.p50Ms} ms, p99 ${q.p99Ms} ms, max ${q.maxMs} ms`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const o = { rate: 100_000, seconds: 60, dist: ROOT, file: null };
  for (let k = 0; k < args.length; k++) {
    if (args[k] === "--rate") o.rate = Number(args[++k]);
    else if (args[k] === "--seconds") o.seconds = Number(args[++k]);
    else if (args[k] === "--dist") o.dist = args[++k];
    else if (args[k] === "--args") o.args = args[++k].split(" ");
    else if (args[k] === "--stderr") o.stderrFile = args[++k];
    else if (args[k] === "--script") o.script = args[++k];
    else o.file = args[k];
  }
  if (!o.file || !(o.rate > 0) || !(o.seconds > 0)) {
    process.stderr.write("usage: node bench/live.js [--rate PPS] [--seconds S] [--dist DIR] FILE.pcap\n");
    process.exit(2);
  }
  const r = await benchLive(o);
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
