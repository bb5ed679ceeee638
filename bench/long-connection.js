#!/usr/bin/env node
/**
 * The detail pane on a long-lived connection: one Kafka connection of N ApiVersions exchanges
 * (3 packets each, 300,003 packets for N = 100,000), then the protocol tree of one packet as the
 * TUI builds it (TuiModel.withTrees), timed, with the heap it leaves behind. A busy consumer's
 * connection lives for days; the tree of one of its packets must not cost the whole connection.
 *
 *   node bench/long-connection.js [--exchanges N] [--dist DIR]
 *
 * The capture is written once to bench/data/long-connection-N.pcap.
 */

import { existsSync, mkdirSync, openSync, writeSync, closeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));

/** Ethernet + IPv4 + TCP frame (checksums left zero: kdiag does not check them). */
function frame(fromClient, seq, ack, flags, payload) {
  const len = 14 + 20 + 20 + payload.length;
  const b = Buffer.alloc(len);
  b.set(fromClient ? [0, 1, 2, 3, 4, 6, 0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6], 0);
  b.writeUInt16BE(0x0800, 12);
  b[14] = 0x45;
  b.writeUInt16BE(len - 14, 16);
  b.writeUInt16BE(0x4000, 20);
  b[22] = 64;
  b[23] = 6;
  b.set(fromClient ? [10, 0, 0, 1, 10, 0, 0, 2] : [10, 0, 0, 2, 10, 0, 0, 1], 26);
  b.writeUInt16BE(fromClient ? 40000 : 9092, 34);
  b.writeUInt16BE(fromClient ? 9092 : 40000, 36);
  b.writeUInt32BE(seq >>> 0, 38);
  b.writeUInt32BE(ack >>> 0, 42);
  b[46] = 0x50;
  b[47] = flags;
  b.writeUInt16BE(65535, 48);
  b.set(payload, 54);
  return b;
}

/** Writes the capture: a handshake, then `exchanges` ApiVersions v0 exchanges (3 packets each). Also used by tests. */
export function writeLongConnection(file, exchanges) {
  const out = openSync(file, "w");
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16);
  head.writeUInt32LE(1, 20);
  writeSync(out, head);
  let us = 1_700_000_000_000_000;
  const put = (f) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(us / 1e6), 0);
    rec.writeUInt32LE(us % 1e6, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    writeSync(out, rec);
    writeSync(out, f);
    us += 300;
  };
  let c = 1000;
  let s = 5000;
  put(frame(true, c, 0, 0x02, Buffer.alloc(0)));
  put(frame(false, s, c + 1, 0x12, Buffer.alloc(0)));
  c++;
  s++;
  put(frame(true, c, s, 0x10, Buffer.alloc(0)));
  for (let i = 0; i < exchanges; i++) {
    const req = Buffer.alloc(20);
    req.writeInt32BE(16, 0);
    req.writeInt16BE(18, 4); // ApiVersions v0
    req.writeInt32BE(i, 8);
    req.writeInt16BE(6, 12);
    req.write("client", 14);
    const res = Buffer.alloc(32);
    res.writeInt32BE(28, 0);
    res.writeInt32BE(i, 4);
    res.writeInt32BE(3, 10);
    for (let k = 0; k < 3; k++) res.writeInt16BE(9, 18 + 6 * k), res.writeInt16BE(k, 14 + 6 * k);
    put(frame(true, c, s, 0x18, req));
    c += req.length;
    put(frame(false, s, c, 0x18, res));
    s += res.length;
    put(frame(true, c, s, 0x10, Buffer.alloc(0)));
  }
  closeSync(out);
}

async function main(argv) {
  let exchanges = 100_000;
  let dist = join(dirname(BENCH), "dist");
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--exchanges") exchanges = Number(argv[++i]);
    else if (argv[i] === "--dist") dist = resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  mkdirSync(join(BENCH, "data"), { recursive: true });
  const file = join(BENCH, "data", `long-connection-${exchanges}.pcap`);
  if (!existsSync(file)) writeLongConnection(file, exchanges);
  const imp = (m) => import(pathToFileURL(join(dist, m)).href);
  const { analyseCapture } = await imp("src/model/analyse.js");
  const { createRegistry } = await imp("src/plugins/builtin.js");
  const { TuiModel } = await imp("src/tui/model.js");
  const { UNICODE_GLYPHS } = await imp("src/tui/text.js");
  const registry = createRegistry();
  const capture = await analyseCapture(file, { registry });
  const model = new TuiModel(capture, [], UNICODE_GLYPHS, false, registry);
  const heap = () => (global.gc?.(), process.memoryUsage().heapUsed);
  // A response in the middle of the connection: its tree needs its request too.
  const middle = capture.pdus[capture.pdus.length >> 1 | 1];
  const before = heap();
  const t0 = performance.now();
  const got = model.withTrees([middle]);
  const ms = performance.now() - t0;
  const grew = heap() - before;
  const ok = got.pdus[0]?.tree !== undefined;
  console.log(
    `long connection: ${capture.packets.count} packets, ${capture.pdus.length} PDUs; tree of packet ${middle.packet} (${middle.summary}): ` +
      `${ms.toFixed(1)} ms, heap ${grew >= 0 ? "+" : ""}${(grew / 1048576).toFixed(1)} MiB${global.gc ? "" : " (run with --expose-gc for the heap)"}${ok ? "" : " NO TREE"}`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(`bench/long-connection: ${e.message}`);
    process.exit(1);
  });
}
