#!/usr/bin/env node
/**
 * The TLS twin of a plaintext Kafka capture, and `npm run bench`'s TLS part: what decrypting
 * costs against the same Kafka in the clear (issue 13: at most 2x).
 *
 *   node bench/tls.js [--tls 13|12] [--dist DIR] [--port N] IN.pcap OUT.pcap OUT.keys
 *
 * The twin has the same packets and timestamps as IN (a capture of bench/make-capture.js:
 * Ethernet/IPv4/TCP, every connection opened by a SYN in the file), with each connection's TCP
 * payload carried in TLS records on the broker port N (default 9093, Kafka's usual SSL
 * listener):
 *
 * - two packets are added per connection, just before its first request (1-2 µs before it):
 *   the client's ClientHello (random, SNI, the one suite) and the server's flight: ServerHello,
 *   and for TLS 1.3 its EncryptedExtensions + Finished under the server handshake keys, for TLS
 *   1.2 ServerHelloDone;
 * - every data segment becomes one application_data record of the same plaintext, encrypted with
 *   node:crypto: TLS 1.3 TLS_AES_128_GCM_SHA256 (keys from the traffic secrets by HKDF-Expand-
 *   Label) or TLS 1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (keys from the master secret by the
 *   PRF, explicit nonce = sequence number). The client's first data segment is preceded by its
 *   Finished (1.3) or ClientKeyExchange, ChangeCipherSpec, Finished (1.2); the server's first by
 *   its ChangeCipherSpec and Finished (1.2). A retransmission repeats its record's bytes;
 * - sequence and acknowledgement numbers are mapped segment boundary by segment boundary, IPv4
 *   lengths and checksums and TCP checksums recomputed.
 *
 * The secrets are random per connection (a hash of the connection's number; no key exchange
 * happens) and are written to OUT.keys in the NSS key log format: CLIENT_HANDSHAKE_TRAFFIC_SECRET,
 * SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 (1.3) or
 * CLIENT_RANDOM with the master secret (1.2). The keys are derived from them by kdiag's own
 * helpers (dissectors/tls/keys.ts, from the build in DIST, default dist/), so a bug shared by
 * derivation and decryption would not show in the bench's comparison: tshark decrypting a twin
 * with the same key log is the independent check (bench/README.md, "TLS decryption").
 *
 * Also importable: makeTlsTwin(opts) and benchTls(ctx) (run.js).
 */

import { createCipheriv, createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const MB = 1e6;
const KAFKA_PORT = 9092;
const ACK = 0x10;
const PSH = 0x08;
const SYN = 0x02;
const TAG = 16;
/** Segment records and boundaries kept per direction: retransmissions and ACKs refer to recent ones. */
const KEEP = 512;

const SUITE_13 = 0x1301; // TLS_AES_128_GCM_SHA256
const SUITE_12 = 0xc02f; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

// --- TLS encoding -------------------------------------------------------------------------------

const u16 = (n) => [(n >> 8) & 0xff, n & 0xff];
const u24 = (n) => [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const cat = (...parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
const handshakeMsg = (type, body) => cat([type, ...u24(body.length)], body);
const record = (type, body, version = 0x0303) => cat([type, ...u16(version), ...u16(body.length)], body);
const ext = (type, body) => cat([...u16(type), ...u16(body.length)], body);
const vec16 = (body) => cat(u16(body.length), body);

function clientHello(tls, random, keyShare, sni) {
  const name = Buffer.from(sni, "ascii");
  const exts = [ext(0, vec16(cat([0], vec16(name)))), ext(10, vec16(Buffer.from(u16(0x001d)))), ext(11, Buffer.from([1, 0])), ext(13, vec16(Buffer.from(u16(tls === 13 ? 0x0804 : 0x0401))))];
  if (tls === 13) {
    exts.push(ext(43, Buffer.from([2, ...u16(0x0304)])));
    exts.push(ext(51, vec16(cat(u16(0x001d), vec16(keyShare)))));
  }
  const body = cat(u16(0x0303), random, [0], vec16(Buffer.from(u16(tls === 13 ? SUITE_13 : SUITE_12))), [1, 0], vec16(cat(...exts)));
  return record(22, handshakeMsg(1, body), 0x0301);
}

function serverHello(tls, random, keyShare) {
  const exts = tls === 13 ? [ext(43, Buffer.from(u16(0x0304))), ext(51, cat(u16(0x001d), vec16(keyShare)))] : [ext(11, Buffer.from([1, 0]))];
  const body = cat(u16(0x0303), random, [0], u16(tls === 13 ? SUITE_13 : SUITE_12), [0], vec16(cat(...exts)));
  return handshakeMsg(2, body);
}

/** One direction's record protection: seals records in order, counting the sequence number. */
class Sealer {
  constructor(tls, key, iv) {
    this.tls = tls;
    this.key = key;
    this.iv = Buffer.from(iv);
    this.seq = 0n;
  }

  /** A whole record (header included) carrying `plain` of content type `type`. */
  seal(type, plain) {
    const seq = this.seq++;
    const nonce = Buffer.alloc(12);
    if (this.tls === 13) {
      this.iv.copy(nonce);
      for (let i = 0; i < 8; i++) nonce[11 - i] ^= Number((seq >> BigInt(8 * i)) & 0xffn);
      const inner = Buffer.allocUnsafe(plain.length + 1);
      inner.set(plain, 0);
      inner[plain.length] = type;
      const header = Buffer.from([23, 3, 3, ...u16(inner.length + TAG)]);
      const c = createCipheriv("aes-128-gcm", this.key, nonce, { authTagLength: TAG });
      c.setAAD(header);
      return Buffer.concat([header, c.update(inner), c.final(), c.getAuthTag()]);
    }
    // TLS 1.2 AES-GCM: salt | explicit nonce (the sequence number); AAD = seq | type | version | length.
    this.iv.copy(nonce, 0, 0, 4);
    nonce.writeBigUInt64BE(seq, 4);
    const aad = Buffer.alloc(13);
    aad.writeBigUInt64BE(seq, 0);
    aad[8] = type;
    aad[9] = 3;
    aad[10] = 3;
    aad.writeUInt16BE(plain.length, 11);
    const header = Buffer.from([type, 3, 3, ...u16(8 + plain.length + TAG)]);
    const c = createCipheriv("aes-128-gcm", this.key, nonce, { authTagLength: TAG });
    c.setAAD(aad);
    return Buffer.concat([header, nonce.subarray(4), c.update(plain), c.final(), c.getAuthTag()]);
  }
}

// --- The capture ----------------------------------------------------------------------------------

/** Deterministic bytes for connection `n`: the bench's twins are the same from run to run. */
const derive = (seed, n, label, len) => createHash("sha512").update(`kdiag bench tls ${seed} ${n} ${label}`).digest().subarray(0, len);

function checksum(buf, start, end, initial) {
  let s = initial;
  let i = start;
  for (; i + 1 < end; i += 2) s += (buf[i] << 8) | buf[i + 1];
  if (i < end) s += buf[i] << 8;
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/**
 * opts: { input, out, keys, tls: 13|12, dist (kdiag build holding dissectors/tls/keys.js), port,
 * seed }. Returns a summary (packets in and out, connections, records, bytes, seconds).
 */
export async function makeTlsTwin(opts) {
  const started = process.hrtime.bigint();
  const tls = opts.tls ?? 13;
  if (tls !== 12 && tls !== 13) throw new Error(`--tls must be 12 or 13, not ${tls}`);
  const port = opts.port ?? 9093;
  const seed = opts.seed ?? 1;
  const dist = resolve(opts.dist ?? join(ROOT, "dist"));
  const keysJs = join(dist, "dissectors/tls/keys.js");
  if (!existsSync(keysJs)) throw new Error(`${keysJs} is missing: run \`npm run build\``);
  const { SUITES, tls13TrafficKeys, tls12Keys } = await import(pathToFileURL(keysJs).href);
  const suite = SUITES.get(tls === 13 ? SUITE_13 : SUITE_12);

  const input = readFileSync(opts.input);
  if (input.length < 24 || input.readUInt32LE(0) !== 0xa1b2c3d4 || input.readUInt32LE(20) !== 1) {
    throw new Error(`${opts.input}: not a little-endian microsecond classic pcap of Ethernet (what make-capture.js writes)`);
  }
  const fd = openSync(opts.out, "w");
  const BUF = 4 * 1024 * 1024;
  let buf = Buffer.alloc(BUF);
  let used = 0;
  let fileBytes = 0;
  const flush = () => {
    let off = 0;
    while (off < used) off += writeSync(fd, buf, off, used - off);
    fileBytes += used;
    used = 0;
  };
  input.copy(buf, 0, 0, 24);
  used = 24;
  const keyLines = [];
  const conns = new Map();
  const summary = { packetsIn: 0, packets: 0, connections: 0, records: 0, plaintextBytes: 0, recordBytes: 0 };
  let lastTs = 0;

  /**
   * Writes one frame: Ethernet + IPv4 + TCP header copied from `tpl` (at `f`, IP at `ip`, TCP at
   * `tcp`, header `thl` bytes), turned round when `swap`, with new seq/ack/flags/payload.
   */
  const write = (tsUs, tpl, f, ip, tcp, thl, swap, seq, ack, flags, payload) => {
    const frameLen = 14 + 20 + thl + payload.length;
    if (used + 16 + frameLen > buf.length) {
      flush();
      if (16 + frameLen > buf.length) buf = Buffer.alloc(16 + frameLen);
    }
    const o = used;
    buf.writeUInt32LE(Math.floor(tsUs / 1e6), o);
    buf.writeUInt32LE(tsUs % 1e6, o + 4);
    buf.writeUInt32LE(frameLen, o + 8);
    buf.writeUInt32LE(frameLen, o + 12);
    const e = o + 16;
    if (swap) {
      tpl.copy(buf, e, f + 6, f + 12);
      tpl.copy(buf, e + 6, f, f + 6);
      tpl.copy(buf, e + 12, f + 12, f + 14);
    } else tpl.copy(buf, e, f, f + 14);
    const i = e + 14;
    tpl.copy(buf, i, ip, ip + 20);
    if (swap) {
      tpl.copy(buf, i + 12, ip + 16, ip + 20);
      tpl.copy(buf, i + 16, ip + 12, ip + 16);
    }
    buf.writeUInt16BE(20 + thl + payload.length, i + 2);
    buf.writeUInt16BE(0, i + 10);
    buf.writeUInt16BE(checksum(buf, i, i + 20, 0), i + 10);
    const t = i + 20;
    tpl.copy(buf, t, tcp, tcp + thl);
    let sp = tpl.readUInt16BE(tcp);
    let dp = tpl.readUInt16BE(tcp + 2);
    if (swap) [sp, dp] = [dp, sp];
    buf.writeUInt16BE(sp === KAFKA_PORT ? port : sp, t);
    buf.writeUInt16BE(dp === KAFKA_PORT ? port : dp, t + 2);
    buf.writeUInt32BE(seq >>> 0, t + 4);
    buf.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, t + 8);
    buf[t + 13] = flags;
    buf.writeUInt16BE(0, t + 16);
    payload.copy(buf, t + thl);
    const end = t + thl + payload.length;
    let s = 0;
    for (let k = i + 12; k < i + 20; k += 2) s += buf.readUInt16BE(k);
    s += 6 + thl + payload.length;
    buf.writeUInt16BE(checksum(buf, t, end, s) || 0xffff, t + 16);
    used = end;
    summary.packets++;
    if (tsUs > lastTs) lastTs = tsUs;
  };

  /** New offset of original stream offset `o` (a segment boundary, or one either side: SYN, keep-alive, FIN). */
  const mapOffset = (d, o, where) => {
    let n = d.bounds.get(o);
    if (n !== undefined) return n;
    n = d.bounds.get((o + 1) >>> 0);
    if (n !== undefined) return n - 1;
    n = d.bounds.get((o - 1) >>> 0);
    if (n !== undefined) return n + 1;
    throw new Error(`${where}: stream offset ${o} is not next to a segment boundary seen in the last ${KEEP} segments`);
  };
  const remember = (map, k, v) => {
    map.set(k, v);
    if (map.size > KEEP) map.delete(map.keys().next().value);
  };
  const newDir = () => ({ isn: null, nextOrig: 0, nextNew: 0, bounds: new Map([[0, 0]]), segs: new Map(), prefix: null, sealer: null });

  /** The handshake of connection c, before the packet at `f` (its first request's first segment). */
  const handshake = (c, tsUs, f, ip, tcp, thl) => {
    const n = c.n;
    const cr = derive(seed, n, "client random", 32);
    const sr = derive(seed, n, "server random", 32);
    const hex = (b) => b.toString("hex");
    const sni = `broker-${input[ip + 19]}.kafka.bench`;
    const ch = clientHello(tls, cr, derive(seed, n, "client share", 32), sni);
    let flight;
    if (tls === 13) {
      const secrets = ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"].map((label) => {
        const s = derive(seed, n, label, 32);
        keyLines.push(`${label} ${hex(cr)} ${hex(s)}`);
        return s;
      });
      const [chs, shs, cap, sap] = secrets.map((s) => tls13TrafficKeys(suite, s));
      const serverHs = new Sealer(13, shs.key, shs.iv);
      flight = cat(
        record(22, serverHello(13, sr, derive(seed, n, "server share", 32))),
        serverHs.seal(22, cat(handshakeMsg(8, Buffer.from([0, 0])), handshakeMsg(20, derive(seed, n, "server finished", 32)))),
      );
      c.c2s.prefix = new Sealer(13, chs.key, chs.iv).seal(22, handshakeMsg(20, derive(seed, n, "client finished", 32)));
      c.c2s.sealer = new Sealer(13, cap.key, cap.iv);
      c.s2c.sealer = new Sealer(13, sap.key, sap.iv);
    } else {
      const master = derive(seed, n, "master secret", 48);
      keyLines.push(`CLIENT_RANDOM ${hex(cr)} ${hex(master)}`);
      const k = tls12Keys(suite, master, cr, sr);
      c.c2s.sealer = new Sealer(12, k.client.key, k.client.iv);
      c.s2c.sealer = new Sealer(12, k.server.key, k.server.iv);
      flight = record(22, cat(serverHello(12, sr, null), handshakeMsg(14, Buffer.alloc(0))));
      const ccs = record(20, Buffer.from([1]));
      c.c2s.prefix = cat(
        record(22, handshakeMsg(16, cat([32], derive(seed, n, "client share", 32)))),
        ccs,
        c.c2s.sealer.seal(22, handshakeMsg(20, derive(seed, n, "client finished", 12))),
      );
      c.s2c.prefix = cat(ccs, c.s2c.sealer.seal(22, handshakeMsg(20, derive(seed, n, "server finished", 12))));
    }
    // The hellos in the 2 µs before the request (the generator leaves 50+ µs after the handshake's ACK).
    const t1 = Math.min(tsUs, Math.max(lastTs, tsUs - 2));
    const t2 = Math.min(tsUs, Math.max(t1, tsUs - 1));
    write(t1, input, f, ip, tcp, thl, false, c.c2s.isn + 1, c.s2c.isn + 1, ACK | PSH, ch);
    write(t2, input, f, ip, tcp, thl, true, c.s2c.isn + 1, c.c2s.isn + 1 + ch.length, ACK | PSH, flight);
    c.c2s.bounds.set(0, ch.length);
    c.c2s.nextNew = ch.length;
    c.s2c.bounds.set(0, flight.length);
    c.s2c.nextNew = flight.length;
    c.started = true;
  };

  let off = 24;
  for (let p = 1; off + 16 <= input.length; p++) {
    const incl = input.readUInt32LE(off + 8);
    const f = off + 16;
    const next = f + incl;
    if (next > input.length) throw new Error(`${opts.input}: packet ${p} is cut at the end of the file`);
    summary.packetsIn++;
    const tsUs = input.readUInt32LE(off) * 1e6 + input.readUInt32LE(off + 4);
    const ip = f + 14;
    const copyAsIs = () => {
      if (used + 16 + incl > buf.length) flush();
      input.copy(buf, used, off, next);
      used += 16 + incl;
      summary.packets++;
      if (tsUs > lastTs) lastTs = tsUs;
    };
    off = next;
    if (incl < 54 || input.readUInt16BE(f + 12) !== 0x0800 || input[ip] !== 0x45 || input[ip + 9] !== 6) {
      copyAsIs();
      continue;
    }
    const tcp = ip + 20;
    const thl = (input[tcp + 12] >> 4) * 4;
    const len = input.readUInt16BE(ip + 2) - 20 - thl;
    const sp = input.readUInt16BE(tcp);
    const dp = input.readUInt16BE(tcp + 2);
    if (sp !== KAFKA_PORT && dp !== KAFKA_PORT) {
      copyAsIs();
      continue;
    }
    const fromClient = dp === KAFKA_PORT;
    const key = fromClient ? `${input.readUInt32BE(ip + 12)}:${sp}` : `${input.readUInt32BE(ip + 16)}:${dp}`;
    const flags = input[tcp + 13];
    const seq = input.readUInt32BE(tcp + 4);
    const ack = input.readUInt32BE(tcp + 8);
    let c = conns.get(key);
    if (flags & SYN && !(flags & ACK)) {
      c = { n: summary.connections++, started: false, c2s: newDir(), s2c: newDir() };
      c.c2s.isn = seq;
      conns.set(key, c);
    } else if (c && flags & SYN) c.s2c.isn = seq;
    const where = `${opts.input}: packet ${p}`;
    if (!c || c.s2c.isn === null && !(flags & SYN)) throw new Error(`${where}: a connection whose SYN/SYN-ACK is not in the file`);
    const d = fromClient ? c.c2s : c.s2c;
    const peer = fromClient ? c.s2c : c.c2s;
    if (len > 0 && !c.started) {
      if (!fromClient) throw new Error(`${where}: the broker speaks first (a TLS client must)`);
      handshake(c, tsUs, f, ip, tcp, thl);
    }
    const o = (seq - d.isn - 1) >>> 0;
    let newSeq;
    let payload = Buffer.alloc(0);
    if (len > 0) {
      let s = d.segs.get(o);
      if (s && s.len !== len) throw new Error(`${where}: a retransmission of ${len} bytes where ${s.len} were sent`);
      if (!s) {
        if (o !== d.nextOrig) throw new Error(`${where}: a segment at stream offset ${o}, expected ${d.nextOrig} (gaps and overlaps are not supported)`);
        const plain = input.subarray(tcp + thl, tcp + thl + len);
        const rec = d.sealer.seal(23, plain);
        summary.records++;
        summary.plaintextBytes += len;
        const bytes = d.prefix ? cat(d.prefix, rec) : rec;
        d.prefix = null;
        s = { len, bytes, start: d.nextNew };
        d.nextNew += bytes.length;
        d.nextOrig = (o + len) >>> 0;
        remember(d.segs, o, s);
        remember(d.bounds, d.nextOrig, d.nextNew);
        summary.recordBytes += bytes.length;
      }
      newSeq = d.isn + 1 + s.start;
      payload = s.bytes;
    } else newSeq = flags & SYN ? seq : d.isn + 1 + mapOffset(d, o, where);
    const newAck = flags & ACK && peer.isn !== null ? peer.isn + 1 + mapOffset(peer, (ack - peer.isn - 1) >>> 0, where) : ack;
    write(tsUs, input, f, ip, tcp, thl, false, newSeq, newAck, flags, payload);
  }
  if (off !== input.length) throw new Error(`${opts.input}: ${input.length - off} bytes after the last packet`);
  flush();
  closeSync(fd);
  writeFileSync(opts.keys, keyLines.join("\n") + "\n");
  return {
    ...summary,
    tls,
    suite: suite.name,
    port,
    tlsConnections: keyLines.length / (tls === 13 ? 4 : 1),
    bytes: fileBytes,
    inputBytes: input.length,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}

// --- The bench part -------------------------------------------------------------------------------

/**
 * ctx: { data, root, plain (summary of the plaintext capture, with .file), versions ([13, 12]),
 * dist (the snapshot's dist), K (kdiag command prefix), KA (argv prefix), runs, time(cmd, runs),
 * step, q }. Makes (or reuses, by its sidecar) each twin, checks that kdiag reports the same
 * Kafka on it as on the plaintext, times the plaintext pass and each decrypting pass. Throws when
 * the Kafka differs: a ratio over a pass that lost messages would mean nothing.
 */
export async function benchTls(ctx) {
  const { data, root, plain, K, KA, runs, time, step, q } = ctx;
  const versions = ctx.versions ?? [13, 12];
  const rel = (f) => f.slice(root.length + 1);
  const { spawnSync } = await import("node:child_process");
  const run = (argv) => spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: "utf8", maxBuffer: 64 * MB });
  const P = rel(plain.file);
  const a = run([...KA, "kafka", "--stats", P]);
  if (a.status !== 0 || a.stdout.trim() === "") throw new Error(`kdiag kafka --stats ${P} failed (exit ${a.status}): ${a.stderr.trim().split("\n")[0]}`);
  const lines = a.stdout.trim().split("\n");
  const plainName = "kdiag kafka --stats (plaintext)";
  const timings = {};
  const cmds = [[plainName, `${K} kafka --stats ${q(P)} > /dev/null`]];
  const twins = {};
  for (const tls of versions) {
    const base = join(data, `${plain.file.split("/").pop().replace(/\.pcap$/, "")}-tls${tls}`);
    const file = `${base}.pcap`;
    const keys = `${base}.keys`;
    const side = `${base}.json`;
    let twin = null;
    if (existsSync(file) && existsSync(keys) && existsSync(side)) {
      const s = JSON.parse(readFileSync(side, "utf8"));
      if (statSync(file).size === s.bytes && s.inputBytes === plain.bytes) twin = s;
    }
    if (twin) step(`reusing ${rel(file)} (${twin.packets} packets, ${(twin.bytes / MB).toFixed(1)} MB)`);
    else {
      step(`writing the TLS ${tls === 13 ? "1.3" : "1.2"} twin of ${P}: ${rel(file)} ...`);
      twin = await makeTlsTwin({ input: plain.file, out: file, keys, tls, dist: ctx.dist });
      writeFileSync(side, JSON.stringify(twin, null, 2) + "\n");
      step(
        `  ${twin.packets} packets (${twin.packets - twin.packetsIn} added), ${(twin.bytes / MB).toFixed(1)} MB, ${twin.records} records, ` +
          `${twin.tlsConnections} TLS connections, in ${twin.seconds.toFixed(1)}s`,
      );
    }
    const F = rel(file);
    const Y = rel(keys);
    // The decrypted Kafka must be the plaintext Kafka: same exchanges, sizes and latencies.
    step(`checking kafka --stats of ${F} (decrypted) against the plaintext capture`);
    const b = run([...KA, "--tls-keylog", Y, "kafka", "--stats", F]);
    if (a.stdout !== b.stdout || b.status !== a.status) {
      const bl = b.stdout.split("\n");
      const i = a.stdout.split("\n").findIndex((l, k) => l !== bl[k]);
      throw new Error(
        `TLS ${tls}: the decrypted Kafka differs from the plaintext Kafka (exit ${a.status} vs ${b.status}); first different line ${i + 1}: ` +
          `plain "${a.stdout.split("\n")[i]}", tls "${bl[i]}"; stderr: ${b.stderr.trim().split("\n").slice(0, 3).join(" | ")}`,
      );
    }
    const warnings = b.stderr.trim();
    if (warnings) throw new Error(`TLS ${tls}: kdiag warned while decrypting: ${warnings.split("\n")[0]}`);
    step(`  the same ${lines.length} lines of statistics, no warnings`);
    const name = `kdiag --tls-keylog kafka --stats (TLS ${tls === 13 ? "1.3" : "1.2"} twin)`;
    cmds.push([name, `${K} --tls-keylog ${q(Y)} kafka --stats ${q(F)} > /dev/null`]);
    twins[tls] = { ...twin, file: F, keys: Y, timing: name };
  }
  for (const [name, cmd] of cmds) {
    step(`timing ${name} (${runs} runs): ${cmd}`);
    timings[name] = { cmd, ...time(cmd, runs) };
    step(`  mean ${timings[name].mean.toFixed(2)} s ± ${timings[name].stddev.toFixed(2)}`);
  }
  const ratios = {};
  for (const [tls, t] of Object.entries(twins)) ratios[`TLS ${tls === "13" ? "1.3" : "1.2"} / plaintext`] = timings[t.timing].mean / timings[plainName].mean;
  return {
    plain: { file: P, bytes: plain.bytes, packets: plain.packets },
    twins,
    sameKafka: true,
    statsHead: lines.slice(0, 7),
    timings,
    ratios,
    target: 2,
    met: Object.values(ratios).every((r) => r <= 2),
  };
}

/** Lines for run.js's table. */
export function tlsReport(r) {
  const out = [`TLS decryption (bench/tls.js): ${r.plain.file}, ${(r.plain.bytes / MB).toFixed(0)} MB, ${r.plain.packets} packets; decrypted Kafka statistics identical`];
  for (const [name, t] of Object.entries(r.timings)) out.push(`  ${name.padEnd(52)} ${t.mean.toFixed(2)} s ± ${t.stddev.toFixed(2)}`);
  for (const [name, x] of Object.entries(r.ratios)) out.push(`  ${name}: ${x.toFixed(2)}x (target <= ${r.target}x: ${x <= r.target ? "met" : "NOT MET"})`);
  return out;
}

// --- CLI ------------------------------------------------------------------------------------------

async function main(argv) {
  const o = { tls: 13, dist: undefined, port: 9093 };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--tls") o.tls = Number(argv[++i]);
    else if (a === "--dist") o.dist = argv[++i];
    else if (a === "--port") o.port = Number(argv[++i]);
    else if (a.startsWith("-")) return usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length !== 3) return usage("needs IN.pcap OUT.pcap OUT.keys");
  const s = await makeTlsTwin({ ...o, input: files[0], out: files[1], keys: files[2] });
  process.stderr.write(
    `tls: ${files[1]}: ${s.packets} packets (${s.packets - s.packetsIn} added), ${(s.bytes / MB).toFixed(1)} MB from ${(s.inputBytes / MB).toFixed(1)} MB, ` +
      `${s.records} records (${s.suite}), ${s.tlsConnections} TLS connections, key log ${files[2]}, in ${s.seconds.toFixed(1)}s\n`,
  );
}

function usage(msg) {
  process.stderr.write(`tls: ${msg}\nusage: node bench/tls.js [--tls 13|12] [--dist DIR] [--port N] IN.pcap OUT.pcap OUT.keys\n`);
  process.exitCode = 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    process.stderr.write(`tls: ${e.message ?? e}\n`);
    process.exitCode = 1;
  });
}
