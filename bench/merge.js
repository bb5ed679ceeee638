/**
 * `npm run bench`, rotation sets: the main capture cut by tcpdump into a 20-file rotation set
 * (tcpdump -r FILE -w part -C N), then `kdiag flows DIR` (kdiag's own k-way merge, one pass)
 * against what an operator would do without it: `mergecap` into one file, then kdiag on that file
 * (and the two piped: `mergecap -w - | kdiag flows -`). Also the one file alone, and peak RSS.
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * ctx: { root, data, file (the main capture), K (kdiag command prefix), KA (argv prefix), runs,
 * time(cmd, runs) -> {mean, stddev}, rss(argv) -> KiB, step(msg), q(shell quote) }.
 * Returns null when tcpdump or mergecap is missing (said through step).
 */
export async function benchMerge(ctx) {
  const { root, data, file, K, KA, runs, time, rss, step, q } = ctx;
  for (const tool of ["tcpdump", "mergecap"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      step(`rotation set: ${tool} not found, skipped`);
      return null;
    }
  }
  const size = statSync(file).size;
  // tcpdump -C counts in millions of bytes and starts a new file once one is past it: 20 files
  // (the last one a little short) for a main capture of 20 N MB and more.
  const per = Math.max(1, Math.floor(size / 20 / 1e6));
  const dir = join(data, `rotation-${per}mb-${relative(data, file).replace(/\W+/g, "-")}`);
  if (!existsSync(dir) || readdirSync(dir).length === 0) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    step(`rotation set: tcpdump -r ${relative(root, file)} -w part -C ${per}`);
    const r = spawnSync("tcpdump", ["-Z", "root", "-r", file, "-w", join(dir, "part"), "-C", String(per)], { encoding: "utf8" });
    if (r.status !== 0) {
      step(`  tcpdump failed: ${r.stderr.trim().split("\n").pop()}`);
      return null;
    }
  }
  const files = readdirSync(dir).map((n) => join(dir, n));
  const merged = join(data, "rotation-merged.pcap");
  const D = relative(root, dir);
  const parts = files.map((f) => q(relative(root, f))).join(" ");
  const M = relative(root, merged);
  spawnSync("sh", ["-c", `cat ${parts} > /dev/null`], { cwd: root });
  const cmds = [
    ["kdiag flows DIR (merge in kdiag)", `${K} flows ${q(D)} > /dev/null 2>&1`],
    ["mergecap -w merged.pcap", `mergecap -F pcap -w ${q(M)} ${parts}`],
    ["kdiag flows merged.pcap (one file)", `${K} flows ${q(M)} > /dev/null`],
    ["mergecap -w - | kdiag flows -", `mergecap -F pcap -w - ${parts} | ${K} flows - > /dev/null`],
  ];
  const out = { files: files.length, bytes: size, mbPerFile: per, timings: {}, rssKiB: {} };
  for (const [name, cmd] of cmds) {
    step(`rotation set: timing ${name} (${runs} runs)`);
    out.timings[name] = { cmd, ...time(cmd, runs) };
    step(`  mean ${out.timings[name].mean.toFixed(3)} s`);
  }
  step("rotation set: peak RSS, merged in kdiag and one file");
  out.rssKiB["kdiag flows DIR"] = await rss([...KA, "flows", D]);
  out.rssKiB["kdiag flows merged.pcap"] = await rss([...KA, "flows", M]);
  rmSync(merged, { force: true });
  return out;
}

export function mergeReport(m) {
  const t = m.timings;
  const s = (x) => `${x.mean.toFixed(3)} s ± ${x.stddev.toFixed(3)}`;
  const lines = [`rotation set: ${m.files} files of tcpdump -C ${m.mbPerFile} (${(m.bytes / 1e6).toFixed(0)} MB), kdiag flows`];
  const w = Math.max(...Object.keys(t).map((k) => k.length));
  for (const [k, v] of Object.entries(t)) lines.push(`  ${k.padEnd(w)}  ${s(v)}`);
  const viaMergecap = t["mergecap -w merged.pcap"].mean + t["kdiag flows merged.pcap (one file)"].mean;
  lines.push(`  mergecap + kdiag on the one file: ${viaMergecap.toFixed(3)} s; kdiag's own merge: ${t["kdiag flows DIR (merge in kdiag)"].mean.toFixed(3)} s (${(viaMergecap / t["kdiag flows DIR (merge in kdiag)"].mean).toFixed(2)}x)`);
  lines.push(`  merge cost over one file: ${((t["kdiag flows DIR (merge in kdiag)"].mean / t["kdiag flows merged.pcap (one file)"].mean - 1) * 100).toFixed(0)}%`);
  lines.push(`  peak RSS: merged in kdiag ${(m.rssKiB["kdiag flows DIR"] / 1024).toFixed(0)} MiB, one file ${(m.rssKiB["kdiag flows merged.pcap"] / 1024).toFixed(0)} MiB`);
  return lines;
}
