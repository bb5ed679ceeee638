#!/usr/bin/env node
/**
 * `kdiag tui -i` without a capture tool: the TUI's live path (src/tui/live.ts) reading a pcap
 * stream from standard input, drawn on a headless 120x40 terminal, as bench/live.js's child:
 *
 *   node bench/live.js --script bench/tui-live.js --args "--dist DIR [--window PACKETS] [--keep-connections N]" --stderr FILE FILE.pcap
 *
 * The TUI cannot read a capture from standard input itself (its keys come from there), so this
 * hands the stream to runTui's live input (the test hook tests use: no tcpdump child). Every 5 s
 * it writes to stderr the title line's notice (packets, connections summarised and folded) and
 * the heap; once the input ends and the TUI says the capture stopped, it quits the TUI.
 */

import { PassThrough } from "node:stream";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let dist = ".";
let keep;
let window;
for (let k = 0; k < args.length; k++) {
  if (args[k] === "--dist") dist = args[++k];
  else if (args[k] === "--window") window = { packets: Number(args[++k]) };
  else if (args[k] === "--keep-connections") keep = args[++k] === "all" ? Infinity : Number(args[k]);
}
const { runTui } = await import(pathToFileURL(join(resolve(dist), "dist/src/tui/index.js")).href);

const input = new PassThrough();
input.isTTY = true;
input.setRawMode = () => {};
const output = new PassThrough();
output.isTTY = true;
output.columns = 120;
output.rows = 40;
output.resume();
const errOut = new PassThrough();
errOut.on("data", (d) => process.stderr.write(d));
let app = null;
const exit = runTui({
  files: [],
  input,
  output,
  errorOutput: errOut,
  terminal: "xterm-256color",
  env: { LANG: "C.UTF-8", TERM: "xterm-256color" },
  live: { iface: "stdin", stream: process.stdin, ...(keep !== undefined ? { keepConnections: keep } : {}), ...(window ? { window } : {}) },
  onReady: (a) => (app = a),
});
const mib = (n) => (n / 1048576).toFixed(0);
const say = () => {
  if (!app) return;
  const m = process.memoryUsage();
  const model = app.model;
  process.stderr.write(`tui-live: ${app.notice} listed ${model ? model.connectionCount : 0} connections; heap used ${mib(m.heapUsed)} MiB, array buffers ${mib(m.arrayBuffers)} MiB, RSS ${mib(m.rss)} MiB\n`);
};
const ticker = setInterval(say, 5000);
process.stdin.on("end", () => {
  const done = setInterval(() => {
    if (app && app.notice.startsWith("[capture stopped")) {
      clearInterval(done);
      clearInterval(ticker);
      say();
      input.write("q");
    }
  }, 200);
});
process.exitCode = await exit;
process.exit();
