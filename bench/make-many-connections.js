#!/usr/bin/env node
/**
 * Writes a classic pcap of N short TCP connections to a Kafka broker, streaming to disk: the
 * shape of a capture from a busy broker host over hours (or of a SYN flood), for the outputs'
 * scale tests and benchmarks.
 *
 *   node bench/make-many-connections.js [--connections N] [--kind syn|handshake] OUT.pcap
 *
 * --connections N  how many (default 125000); client addresses 10.1.x.y, ports 1024.., server 10.0.0.1:9092
 * --kind syn        one SYN per connection (never answered): 70 bytes a connection in the file
 * --kind handshake  SYN, SYN-ACK, ACK, then a client FIN and the server's FIN-ACK and the last ACK
 *
 * Also importable: `import { makeManyConnections } from "./make-many-connections.js"`.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FRAME = 54; // Ethernet 14 + IPv4 20 + TCP 20, no options, no payload
const FLAGS = { S: 0x02, SA: 0x12, A: 0x10, FA: 0x11 };

function frame(buf, at, src, dst, sport, dport, seq, ack, flags, ipId) {
  buf.fill(0, at, at + FRAME);
  buf.writeUInt16BE(0x0800, at + 12);
  const ip = at + 14;
  buf[ip] = 0x45;
  buf.writeUInt16BE(40, ip + 2);
  buf.writeUInt16BE(ipId & 0xffff, ip + 4);
  buf.writeUInt16BE(0x4000, ip + 6);
  buf[ip + 8] = 64;
  buf[ip + 9] = 6;
  buf.writeUInt32BE(src >>> 0, ip + 12);
  buf.writeUInt32BE(dst >>> 0, ip + 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += buf.readUInt16BE(ip + i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  buf.writeUInt16BE(~sum & 0xffff, ip + 10);
  const tcp = ip + 20;
  buf.writeUInt16BE(sport, tcp);
  buf.writeUInt16BE(dport, tcp + 2);
  buf.writeUInt32BE(seq >>> 0, tcp + 4);
  buf.writeUInt32BE(ack >>> 0, tcp + 8);
  buf[tcp + 12] = 5 << 4;
  buf[tcp + 13] = flags;
  buf.writeUInt16BE(65535, tcp + 14);
}

export function makeManyConnections(out, { connections = 125_000, kind = "syn" } = {}) {
  const fd = openSync(out, "w");
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  writeSync(fd, header);
  const server = (10 << 24) | 1;
  // [flags, from client, seq, ack] as offsets from the client's and server's ISNs.
  const handshake = [
    ["S", true, 0, null],
    ["SA", false, 0, 1],
    ["A", true, 1, 1],
    ["FA", true, 1, 1],
    ["FA", false, 1, 2],
    ["A", true, 2, 2],
  ];
  const packets = kind === "syn" ? handshake.slice(0, 1) : handshake;
  const chunk = Buffer.alloc(4096 * (16 + FRAME));
  let used = 0;
  let tsUs = 1_700_000_000_000_000;
  let written = 0;
  for (let i = 0; i < connections; i++) {
    const client = (10 << 24) | (1 << 16) | ((i >>> 14) & 0xffff);
    const port = 1024 + (i & 0x3fff);
    const cIsn = (i * 2654435761) >>> 0;
    const sIsn = (cIsn ^ 0x5bd1e995) >>> 0;
    for (const [flags, fromClient, seqOff, ackOff] of packets) {
      if (used + 16 + FRAME > chunk.length) {
        writeSync(fd, chunk, 0, used);
        used = 0;
      }
      tsUs += 10;
      chunk.writeUInt32LE(Math.floor(tsUs / 1e6), used);
      chunk.writeUInt32LE(tsUs % 1e6, used + 4);
      chunk.writeUInt32LE(FRAME, used + 8);
      chunk.writeUInt32LE(FRAME, used + 12);
      const [seq, ack] = fromClient ? [cIsn + seqOff, ackOff === null ? 0 : sIsn + ackOff] : [sIsn + seqOff, cIsn + ackOff];
      frame(chunk, used + 16, fromClient ? client : server, fromClient ? server : client, fromClient ? port : 9092, fromClient ? 9092 : port, seq, ack, FLAGS[flags], written);
      used += 16 + FRAME;
      written++;
    }
  }
  if (used > 0) writeSync(fd, chunk, 0, used);
  closeSync(fd);
  return { file: out, connections, packets: written };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opts = {};
  let out = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--connections") opts.connections = Number(args[++i]);
    else if (args[i] === "--kind") opts.kind = args[++i];
    else out = args[i];
  }
  if (!out || !(opts.connections === undefined || opts.connections > 0) || !["syn", "handshake", undefined].includes(opts.kind)) {
    process.stderr.write("usage: node bench/make-many-connections.js [--connections N] [--kind syn|handshake] OUT.pcap\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(makeManyConnections(out, opts))}\n`);
}
