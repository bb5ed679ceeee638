#!/usr/bin/env node
/**
 * Writes a realistic synthetic classic pcap (Ethernet / IPv4 / TCP, microsecond timestamps) of
 * Kafka-like traffic on port 9092, quickly, deterministically (seeded PRNG) and streaming to disk.
 *
 *   node bench/make-capture.js [--size-mb N] [--packets N] [--payload small|large] [--seed S] OUT.pcap
 *
 * --size-mb N    stop once the file reaches N MB (1 MB = 1e6 bytes; default 300)
 * --packets N    stop after exactly N packets (wins over --size-mb)
 * --payload      "large" (default): full data segments carry 1400 bytes; "small": 200 bytes.
 *                Every decision (which connection, which flags, timing, message sizes in segments)
 *                comes from the PRNG and never from payload sizes, so with the same --seed and
 *                --packets the two captures have the same packets, flags and timestamps; only the
 *                payload lengths (and so sequence numbers) differ.
 * --body         "kafka" (default): complete, valid messages (Produce v7 with record batches and
 *                CRC-32C, Fetch v11, Metadata v8, ApiVersions v2); "filler": header then filler bytes
 * --seed S       PRNG seed (default 1)
 *
 * What is in it: a few hundred concurrent connections from ~250 client hosts to 3 brokers
 * (thousands of connections over the file), each a three-way handshake (MSS/SACK/WS options),
 * then ApiVersions, Metadata and a run of Produce/Fetch/Metadata exchanges: Kafka
 * length-prefixed requests (int32 size, int16 api_key, int16 api_version, int32 correlation_id,
 * int16-length client_id, a tagged-fields byte on flexible versions, then filler) and responses
 * (int32 size, int32 correlation_id, then filler) split into MSS-sized segments, with delayed
 * ACKs. Sprinkled in: fast retransmissions after three duplicate ACKs, RTO retransmissions, idle
 * gaps of 2-60 s, TCP keep-alives (and their ACKs) during long gaps, and a few
 * timestamps slightly out of order. Connections end with a client FIN, a broker FIN right after
 * a Produce (the "message too large" story), a RST answering the first packet after a long idle
 * gap (the "firewall idle timeout" story), or a client RST; those still open when the file is
 * full are simply cut. IPv4 and TCP checksums are correct.
 *
 * Also importable: `import { makeCapture } from "./make-capture.js"` returns the summary.
 */

import { closeSync, openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";

const MB = 1e6;
const SEG = { small: 200, large: 1400 };
/** Smallest Produce request / Fetch response this generator writes (their fixed structure fits). */
const MIN_VOLUME = 160;

// TCP flags
const FIN = 0x01;
const SYN = 0x02;
const RST = 0x04;
const PSH = 0x08;
const ACK = 0x10;

/** mulberry32: small, fast, good enough for synthetic traffic. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** integer in [lo, hi] */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    /** exponential with the given mean */
    exp: (mean) => -Math.log(1 - next()) * mean,
  };
}

/** Min-heap of connections by next event time. */
class Heap {
  constructor() {
    this.a = [];
  }
  get size() {
    return this.a.length;
  }
  push(c) {
    const a = this.a;
    let i = a.push(c) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].t <= c.t) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = c;
  }
  pop() {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && a[r].t < a[l].t ? r : l;
        if (a[m].t >= last.t) break;
        a[i] = a[m];
        i = m;
      }
      a[i] = last;
    }
    return top;
  }
}

// Kafka APIs used: [api_key, version, flexible request header, flexible response header]
const API_VERSIONS = [18, 2, false, false];
const METADATA = [3, 8, false, false];
const PRODUCE = [0, 7, false, false];
const PRODUCE_FLEX = [0, 9, true, true];
const FETCH = [1, 11, false, false];
const FETCH_FLEX = [1, 12, true, true];


/** CRC-32C (Castagnoli), as Kafka record batches use it. */
const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32c(b, start, end) {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC32C[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Big-endian writer over a fresh Buffer of a known size. */
class W {
  constructor(size) {
    this.b = Buffer.alloc(size);
    this.o = 0;
  }
  i8(v) { this.b.writeInt8(v, this.o); this.o += 1; return this; }
  i16(v) { this.b.writeInt16BE(v, this.o); this.o += 2; return this; }
  i32(v) { this.b.writeInt32BE(v, this.o); this.o += 4; return this; }
  u32(v) { this.b.writeUInt32BE(v >>> 0, this.o); this.o += 4; return this; }
  i64(v) { this.b.writeBigInt64BE(BigInt(v), this.o); this.o += 8; return this; }
  str(s) { this.i16(s.length); this.b.write(s, this.o, "latin1"); this.o += s.length; return this; }
  uvarint(v) {
    while (v >= 0x80) { this.b[this.o++] = (v & 0x7f) | 0x80; v >>>= 7; }
    this.b[this.o++] = v;
    return this;
  }
  varint(v) { return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0); }
  bytes(src, start, n) { this.b.set(src.subarray(start, start + n), this.o); this.o += n; return this; }
}
const uvarintLen = (v) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : 4);
const varintLen = (v) => uvarintLen(((v << 1) ^ (v >> 31)) >>> 0);
/** Record batch (magic 2) bytes for one record of `keyLen` key and `valueLen` value bytes. */
const recordBodyLen = (keyLen, valueLen) => 1 + 1 + 1 + varintLen(keyLen) + keyLen + varintLen(valueLen) + valueLen + 1;
/** An empty second record (7 bytes) fills the one size a single record cannot have. */
const EMPTY_RECORD = 7;
const batchLen = (keyLen, valueLen, records) =>
  61 + varintLen(recordBodyLen(keyLen, valueLen)) + recordBodyLen(keyLen, valueLen) + (records - 1) * EMPTY_RECORD;
/** [key length, value length, records] so that the batch is exactly `n` bytes (n >= 75). */
function fitBatch(n) {
  for (let records = 1; records <= 2; records++) {
    for (let v = n - 68; v >= 0 && v >= n - 80; v--) {
      // the key absorbs the few bytes that varint sizes leave over
      for (let k = 0; k < 8; k++) if (batchLen(k, v, records) === n) return [k, v, records];
    }
  }
  throw new Error(`internal: no record batch of ${n} bytes`);
}
function writeBatch(w, [keyLen, valueLen, records], filler, fillAt, ts) {
  const start = w.o;
  const body = recordBodyLen(keyLen, valueLen);
  w.i64(0).i32(batchLen(keyLen, valueLen, records) - 12).i32(0).i8(2);
  const crcAt = w.o;
  w.u32(0).i16(0).i32(records - 1).i64(ts).i64(ts).i64(-1).i16(-1).i32(-1).i32(records);
  w.varint(body).i8(0).varint(0).varint(0).varint(keyLen).bytes(filler, fillAt, keyLen).varint(valueLen).bytes(filler, fillAt, valueLen).varint(0);
  if (records === 2) w.varint(EMPTY_RECORD - 1).i8(0).varint(0).varint(1).varint(0).varint(0).varint(0);
  w.b.writeUInt32BE(crc32c(w.b, crcAt + 4, w.o), crcAt);
  return w.o - start;
}

/**
 * Writes the capture and returns { file, packets, bytes, connections, payloadBytes, seconds }.
 * opts: { out, sizeMb = 300, packets = 0 (no limit), payload = "large", seed = 1, concurrency = 200 }
 */
export function makeCapture(opts) {
  const started = process.hrtime.bigint();
  const payloadKind = opts.payload ?? "large";
  const seg = SEG[payloadKind];
  if (!seg) throw new Error(`--payload must be small or large, not ${payloadKind}`);
  const targetBytes = opts.packets ? Infinity : (opts.sizeMb ?? 300) * MB;
  const targetPackets = opts.packets || Infinity;
  const concurrency = opts.concurrency ?? 300;
  const body = opts.body ?? "kafka";
  if (body !== "kafka" && body !== "filler") throw new Error(`--body must be kafka or filler, not ${body}`);
  const r = prng(opts.seed ?? 1);

  // Filler bytes: a fixed pseudo-random pattern (own PRNG, so it never shifts the main stream).
  const fr = prng(0x5eed);
  const FILL = 65536;
  const filler = new Uint8Array(FILL + 40000);
  for (let i = 0; i < filler.length; i++) filler[i] = 0x20 + Math.floor(fr.next() * 0x5f);

  const fd = openSync(opts.out, "w");
  const BUF = 4 * 1024 * 1024;
  const buf = Buffer.alloc(BUF);
  let used = 0;
  let fileBytes = 0;
  let packets = 0;
  let payloadBytes = 0;
  let connections = 0;
  let lastTs = 0;

  const flush = () => {
    let off = 0;
    while (off < used) off += writeSync(fd, buf, off, used - off);
    fileBytes += used;
    used = 0;
  };

  // pcap global header: magic, v2.4, thiszone 0, sigfigs 0, snaplen 262144, linktype 1 (Ethernet)
  buf.writeUInt32LE(0xa1b2c3d4, 0);
  buf.writeUInt16LE(2, 4);
  buf.writeUInt16LE(4, 6);
  buf.writeInt32LE(0, 8);
  buf.writeUInt32LE(0, 12);
  buf.writeUInt32LE(262144, 16);
  buf.writeUInt32LE(1, 20);
  used = 24;

  const BROKERS = [0x0a000001, 0x0a000002, 0x0a000003]; // 10.0.0.1-3
  const CLIENTS = 250; // 10.1.0.1 .. 10.1.0.250
  const clientPort = new Uint16Array(CLIENTS).fill(32768);
  const TOPICS = ["orders", "payments", "clickstream", "audit-log", "metrics.v2"];
  const clientIds = ["producer-1", "console-consumer-7", "orders-service", "payments-producer", "analytics-consumer-42", "kdiag-bench"];

  /**
   * Writes one packet of connection c at time c.t.
   * fromClient: direction; flags; seq/ack: absolute; len: TCP payload length;
   * hdr/hdrLen/msgOff: the Kafka message bytes this segment starts at (header then filler);
   * synOpts: add MSS/SACK-permitted/window-scale options.
   */
  const emit = (c, fromClient, flags, seq, ack, len, hdr, hdrLen, msgOff, synOpts) => {
    const optLen = synOpts ? 12 : 0;
    const tcpLen = 20 + optLen + len;
    const ipLen = 20 + tcpLen;
    const frameLen = 14 + ipLen;
    if (used + 16 + frameLen > BUF) flush();
    let ts = Math.floor(c.t);
    // A sprinkle of slightly out-of-order timestamps (multi-queue NICs do this).
    if (r.chance(0.0002)) ts -= r.int(1, 400);
    else if (ts < lastTs) ts = lastTs;
    if (ts > lastTs) lastTs = ts;
    const b = buf;
    let o = used;
    b.writeUInt32LE(Math.floor(ts / 1e6), o);
    b.writeUInt32LE(ts % 1e6, o + 4);
    b.writeUInt32LE(frameLen, o + 8);
    b.writeUInt32LE(frameLen, o + 12);
    o += 16;
    // Ethernet: broker-side MAC 02:00:00:00:00:01, client-side router 02:00:00:00:00:02
    b[o] = 2; b[o + 1] = 0; b[o + 2] = 0; b[o + 3] = 0; b[o + 4] = 0; b[o + 5] = fromClient ? 1 : 2;
    b[o + 6] = 2; b[o + 7] = 0; b[o + 8] = 0; b[o + 9] = 0; b[o + 10] = 0; b[o + 11] = fromClient ? 2 : 1;
    b[o + 12] = 0x08; b[o + 13] = 0x00;
    o += 14;
    // IPv4
    const ip = o;
    const src = fromClient ? c.cIp : c.sIp;
    const dst = fromClient ? c.sIp : c.cIp;
    b[ip] = 0x45;
    b[ip + 1] = 0;
    b.writeUInt16BE(ipLen, ip + 2);
    const id = fromClient ? c.cId++ : c.sId++;
    b.writeUInt16BE(id & 0xffff, ip + 4);
    b[ip + 6] = 0x40; // DF
    b[ip + 7] = 0;
    b[ip + 8] = 64;
    b[ip + 9] = 6;
    b[ip + 10] = 0;
    b[ip + 11] = 0;
    b.writeUInt32BE(src, ip + 12);
    b.writeUInt32BE(dst, ip + 16);
    let s = 0;
    for (let i = ip; i < ip + 20; i += 2) s += (b[i] << 8) | b[i + 1];
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    b.writeUInt16BE(~s & 0xffff, ip + 10);
    o += 20;
    // TCP
    const tcp = o;
    b.writeUInt16BE(fromClient ? c.cPort : c.sPort, tcp);
    b.writeUInt16BE(fromClient ? c.sPort : c.cPort, tcp + 2);
    b.writeUInt32BE(seq >>> 0, tcp + 4);
    b.writeUInt32BE(flags & ACK ? ack >>> 0 : 0, tcp + 8);
    b[tcp + 12] = ((20 + optLen) / 4) << 4;
    b[tcp + 13] = flags;
    b.writeUInt16BE(flags & RST ? 0 : fromClient ? c.cWin : c.sWin, tcp + 14);
    b[tcp + 16] = 0;
    b[tcp + 17] = 0;
    b[tcp + 18] = 0;
    b[tcp + 19] = 0;
    o += 20;
    if (synOpts) {
      // MSS 1460, NOP, WS 7, SACK permitted, NOP, NOP
      b[o] = 2; b[o + 1] = 4; b[o + 2] = 0x05; b[o + 3] = 0xb4;
      b[o + 4] = 1; b[o + 5] = 3; b[o + 6] = 3; b[o + 7] = 7;
      b[o + 8] = 4; b[o + 9] = 2; b[o + 10] = 1; b[o + 11] = 1;
      o += 12;
    }
    // Payload: Kafka header bytes first, then filler.
    if (len > 0) {
      let i = 0;
      if (hdr && msgOff < hdrLen) {
        i = Math.min(len, hdrLen - msgOff);
        b.set(hdr.subarray(msgOff, msgOff + i), o);
      }
      if (i < len) {
        const f = (msgOff + i + c.fillSkew) & (FILL - 1);
        b.set(filler.subarray(f, f + (len - i)), o + i);
      }
      payloadBytes += len;
    }
    o += len;
    // TCP checksum over pseudo header + segment.
    s = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + 6 + tcpLen;
    const end = tcp + tcpLen;
    let i = tcp;
    for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
    if (i < end) s += b[i] << 8;
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    b.writeUInt16BE(~s & 0xffff || 0xffff, tcp + 16);
    used = o;
    packets++;
  };

  /**
   * Length of a Produce request / Fetch response of `segs` segments whose last one is `frac`
   * full; a one-segment message is at least MIN_VOLUME bytes so that its structure fits.
   */
  const volumeLen = (segs, frac) =>
    segs === 1 ? MIN_VOLUME + Math.floor(frac * (seg - MIN_VOLUME)) : (segs - 1) * seg + Math.max(1, Math.ceil(frac * seg));

  /** Message size in segments: mostly one, some a few, a few many. */
  const segCount = () => {
    const x = r.next();
    return x < 0.7 ? 1 : x < 0.92 ? r.int(2, 4) : r.int(5, 24);
  };

  const reqHeadLen = (c, api) => 14 + c.clientId.length + (api[2] ? 1 : 0);
  /** Kafka request header v1 (v2 on flexible versions), with the int32 size prefix. */
  const reqHead = (w, c, api, corr, total) => {
    w.i32(total - 4).i16(api[0]).i16(api[1]).i32(corr).str(c.clientId);
    if (api[2]) w.i8(0); // no tagged fields
  };
  const fillAt = (c, corr) => (c.fillSkew + corr * 977) & (FILL - 1);

  /**
   * The bytes of one Kafka message. body "kafka": complete, valid non-flexible messages
   * (ApiVersions v2, Metadata v8, Produce v7 with a magic-2 record batch and its CRC-32C, Fetch
   * v11); body "filler": the header, then filler bytes (`buf` may be shorter than `len`).
   * Only Produce requests and Fetch responses (the "volume" messages) draw a size from the
   * PRNG; the others have a fixed size that fits one segment of either payload kind.
   */
  function message(c, isRequest, api, corr) {
    const volume = isRequest ? api[0] === 0 : api[0] === 1;
    let len = 0;
    if (volume || body === "filler") len = volumeLen(segCount(), r.next());
    if (body === "filler") {
      const w = new W(isRequest ? reqHeadLen(c, api) : 8 + (api[3] ? 1 : 0));
      if (isRequest) reqHead(w, c, api, corr, len);
      else w.i32(len - 4).i32(corr);
      if (!isRequest && api[3]) w.i8(0);
      return { buf: w.b, len };
    }
    const topic = c.topic;
    const part = c.partition;
    const leader = c.leader;
    if (volume) {
      const w = new W(len);
      const ts = Math.floor(c.t / 1000);
      if (isRequest) {
        reqHead(w, c, api, corr, len);
        w.i16(-1).i16(-1).i32(30000).i32(1).str(topic).i32(1).i32(part);
      } else {
        w.i32(len - 4).i32(corr);
        w.i32(0).i16(0).i32(c.session).i32(1).str(topic).i32(1).i32(part).i16(0);
        w.i64(c.offset + 1000).i64(c.offset + 1000).i64(0).i32(-1).i32(-1);
      }
      const batch = len - w.o - 4;
      w.i32(batch);
      writeBatch(w, fitBatch(batch), filler, fillAt(c, corr), ts);
      if (w.o !== len) throw new Error(`internal: message is ${w.o} bytes, meant ${len}`);
      c.offset += 1;
      return { buf: w.b, len };
    }
    const w = new W(256);
    if (isRequest) {
      reqHead(w, c, api, corr, 0);
      if (api[0] === 3) w.i32(1).str(topic).i8(1).i8(0).i8(0);
      else if (api[0] === 1) {
        w.i32(-1).i32(500).i32(1).i32(52428800).i8(0).i32(c.session).i32(corr);
        w.i32(1).str(topic).i32(1).i32(part).i32(5).i64(c.offset).i64(0).i32(1048576).i32(0).str("");
      }
    } else {
      w.i32(0).i32(corr);
      if (api[0] === 18) {
        const keys = [[0, 0, 9], [1, 0, 12], [2, 0, 7], [3, 0, 12], [8, 0, 8], [9, 0, 8], [10, 0, 4], [18, 0, 3]];
        w.i16(0).i32(keys.length);
        for (const [key, lo, hi] of keys) w.i16(key).i16(lo).i16(hi);
        w.i32(0);
      } else if (api[0] === 3) {
        w.i32(0).i32(1).i32(leader).str(`broker-${leader}.kafka`).i32(9092).i16(-1);
        w.str("kdiag-bench-cluster-01").i32(1);
        w.i32(1).i16(0).str(topic).i8(0).i32(1);
        w.i16(0).i32(part).i32(leader).i32(5).i32(1).i32(leader).i32(1).i32(leader).i32(0);
        w.i32(-2147483648).i32(-2147483648);
      } else if (api[0] === 0) {
        w.i32(1).str(topic).i32(1).i32(part).i16(0).i64(c.offset).i64(-1).i64(0).i32(0);
      }
    }
    w.b.writeInt32BE(w.o - 4, 0);
    return { buf: w.b.subarray(0, w.o), len: w.o };
  }

  /**
   * Sends one message from one side in MSS-sized segments, with the other side's delayed ACKs
   * and the occasional loss. Yields the delay before each following packet (microseconds).
   */
  function* sendMessage(c, fromClient, msg) {
    const { buf: hdr, len } = msg;
    const hdrLen = hdr.length;
    const segs = Math.ceil(len / seg);
    const rtt = c.rtt;
    let off = 0;
    for (let k = 0; k < segs; k++) {
      const n = k === segs - 1 ? len - off : seg;
      const seq = fromClient ? c.cNxt : c.sNxt;
      const ackv = fromClient ? c.sNxt : c.cNxt;
      const flags = k === segs - 1 ? ACK | PSH : ACK;
      emit(c, fromClient, flags, seq, ackv, n, hdr, hdrLen, off, false);
      if (fromClient) c.cNxt = (c.cNxt + n) >>> 0;
      else c.sNxt = (c.sNxt + n) >>> 0;
      yield r.int(3, 40);
      const x = r.next();
      if (x < 0.002) {
        // Fast retransmission: the receiver missed it; three duplicate ACKs, then the resend.
        for (let d = 0; d < 3; d++) {
          emit(c, !fromClient, ACK, ackv, seq, 0, null, 0, 0, false);
          yield r.int(5, 60);
        }
        emit(c, fromClient, flags, seq, ackv, n, hdr, hdrLen, off, false);
        yield r.int(rtt >> 1, rtt);
        emit(c, !fromClient, ACK, ackv, fromClient ? c.cNxt : c.sNxt, 0, null, 0, 0, false);
        yield r.int(3, 40);
      } else if (x < 0.003) {
        // RTO retransmission: no ACK for 200+ ms, then the resend and its ACK.
        yield r.int(200_000, 230_000);
        emit(c, fromClient, flags, seq, ackv, n, hdr, hdrLen, off, false);
        yield r.int(rtt >> 1, rtt);
        emit(c, !fromClient, ACK, ackv, fromClient ? c.cNxt : c.sNxt, 0, null, 0, 0, false);
        yield r.int(3, 40);
      } else if (k % 2 === 1 || k === segs - 1) {
        // Delayed ACK every second segment and after the last one.
        yield r.int(rtt >> 2, rtt);
        emit(c, !fromClient, ACK, ackv, fromClient ? c.cNxt : c.sNxt, 0, null, 0, 0, false);
        yield r.int(3, 40);
      }
      off += n;
    }
  }

  /** One request/response exchange. */
  function* exchange(c, api) {
    const corr = c.corr++;
    yield* sendMessage(c, true, message(c, true, api, corr));
    yield r.int(200, api[0] === 1 ? 50_000 : 8_000); // broker processing (Fetch may wait)
    yield* sendMessage(c, false, message(c, false, api, corr));
  }

  /** Idle with optional keep-alives every `every` µs. */
  function* idle(c, gap, every) {
    if (every > 0) {
      let left = gap;
      while (left > every) {
        yield every;
        left -= every;
        // Keep-alive: seq one below next, no data; the peer answers with a plain ACK.
        emit(c, true, ACK, c.cNxt - 1, c.sNxt, 0, null, 0, 0, false);
        yield r.int(c.rtt >> 1, c.rtt);
        emit(c, false, ACK, c.sNxt, c.cNxt, 0, null, 0, 0, false);
        left -= c.rtt;
      }
      yield Math.max(1, left);
    } else {
      yield gap;
    }
  }

  function* connection(c) {
    const rtt = c.rtt;
    // Handshake
    emit(c, true, SYN, c.cNxt, 0, 0, null, 0, 0, true);
    c.cNxt = (c.cNxt + 1) >>> 0;
    yield r.int(10, 80);
    emit(c, false, SYN | ACK, c.sNxt, c.cNxt, 0, null, 0, 0, true);
    c.sNxt = (c.sNxt + 1) >>> 0;
    yield rtt;
    emit(c, true, ACK, c.cNxt, c.sNxt, 0, null, 0, 0, false);
    yield r.int(50, 500);

    // The ending is decided up front so that the stories are complete.
    const x = r.next();
    const ending = x < 0.75 ? "fin" : x < 0.85 ? "server-fin" : x < 0.95 ? "firewall-rst" : "client-rst";
    const short = r.chance(0.35);
    const n = short ? r.int(0, 2) : 2 + Math.floor(r.exp(25));
    const flexible = r.chance(0.5);
    const keepalive = r.chance(0.3) ? r.int(5, 15) * 1e6 : 0;

    yield* exchange(c, API_VERSIONS);
    yield r.int(100, 2000);
    if (n > 0) {
      yield* exchange(c, METADATA);
      yield r.int(100, 5000);
    }
    const producer = r.chance(0.5);
    for (let i = 1; i < n; i++) {
      const y = r.next();
      const flex = flexible && body === "filler"; // flexible versions only with filler bodies
      const api = y < 0.05 ? METADATA : producer ? (flex ? PRODUCE_FLEX : PRODUCE) : flex ? FETCH_FLEX : FETCH;
      yield* exchange(c, api);
      if (r.chance(0.015)) yield* idle(c, r.int(2, 60) * 1e6, keepalive);
      else yield Math.floor(r.exp(producer ? 1_000_000 : 400_000)) + 50;
    }

    switch (ending) {
      case "fin":
        emit(c, true, FIN | ACK, c.cNxt, c.sNxt, 0, null, 0, 0, false);
        c.cNxt = (c.cNxt + 1) >>> 0;
        yield r.int(20, 200);
        emit(c, false, FIN | ACK, c.sNxt, c.cNxt, 0, null, 0, 0, false);
        c.sNxt = (c.sNxt + 1) >>> 0;
        yield rtt;
        emit(c, true, ACK, c.cNxt, c.sNxt, 0, null, 0, 0, false);
        break;
      case "server-fin": {
        // A Produce the broker will not answer: it closes the connection right after it.
        const api = flexible && body === "filler" ? PRODUCE_FLEX : PRODUCE;
        const corr = c.corr++;
        yield* sendMessage(c, true, message(c, true, api, corr));
        yield r.int(200, 3000);
        emit(c, false, FIN | ACK, c.sNxt, c.cNxt, 0, null, 0, 0, false);
        c.sNxt = (c.sNxt + 1) >>> 0;
        yield r.int(rtt >> 1, rtt);
        emit(c, true, FIN | ACK, c.cNxt, c.sNxt, 0, null, 0, 0, false);
        c.cNxt = (c.cNxt + 1) >>> 0;
        yield r.int(20, 200);
        emit(c, false, ACK, c.sNxt, c.cNxt, 0, null, 0, 0, false);
        break;
      }
      case "firewall-rst": {
        // Idle longer than the firewall allows; the next request is answered with a RST.
        yield* idle(c, r.int(30, 120) * 1e6, 0);
        const api = producer ? PRODUCE : FETCH;
        // One segment: a Fetch request, or a Produce request cut to the first segment.
        const msg = message(c, true, api, c.corr++);
        const len = Math.min(msg.len, seg);
        emit(c, true, ACK | PSH, c.cNxt, c.sNxt, len, msg.buf, msg.buf.length, 0, false);
        c.cNxt = (c.cNxt + len) >>> 0;
        yield r.int(rtt >> 2, rtt);
        emit(c, false, RST, c.sNxt, 0, 0, null, 0, 0, false);
        break;
      }
      default:
        emit(c, true, RST | ACK, c.cNxt, c.sNxt, 0, null, 0, 0, false);
    }
  }

  const heap = new Heap();
  let now = 1704067200 * 1e6; // 2024-01-01T00:00:00Z
  const open = (t) => {
    const h = r.int(0, CLIENTS - 1);
    let port = clientPort[h] + 1;
    if (port > 60999) port = 32768;
    clientPort[h] = port;
    const c = {
      t,
      cIp: 0x0a010001 + h,
      sIp: BROKERS[r.int(0, BROKERS.length - 1)],
      cPort: port,
      sPort: 9092,
      cNxt: (r.next() * 4294967296) >>> 0,
      sNxt: (r.next() * 4294967296) >>> 0,
      cId: r.int(0, 65535),
      sId: r.int(0, 65535),
      cWin: r.int(500, 4000),
      sWin: r.int(500, 4000),
      rtt: r.int(100, 3000),
      corr: 0,
      clientId: clientIds[r.int(0, clientIds.length - 1)],
      fillSkew: r.int(0, FILL - 1),
      topic: TOPICS[r.int(0, TOPICS.length - 1)],
      partition: r.int(0, 11),
      leader: 0,
      session: r.int(1, 2 ** 31 - 1),
      offset: r.int(0, 1e6) * 1000,
      gen: null,
    };
    c.leader = BROKERS.indexOf(c.sIp);
    c.gen = connection(c);
    connections++;
    heap.push(c);
  };
  for (let i = 0; i < concurrency; i++) open(now + r.int(0, 2_000_000));

  while (fileBytes + used < targetBytes && packets < targetPackets) {
    const c = heap.pop();
    now = c.t;
    const step = c.gen.next();
    if (step.done) {
      open(now + Math.floor(r.exp(50_000)));
    } else {
      c.t += step.value;
      heap.push(c);
    }
  }
  flush();
  closeSync(fd);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { file: opts.out, payload: payloadKind, body, seed: opts.seed ?? 1, packets, bytes: fileBytes, payloadBytes, connections, seconds };
}

function usage(msg) {
  if (msg) process.stderr.write(`make-capture: ${msg}\n`);
  process.stderr.write("usage: node bench/make-capture.js [--size-mb N] [--packets N] [--payload small|large] [--body kafka|filler] [--seed S] OUT.pcap\n");
  process.exit(2);
}

function main(argv) {
  const opts = { sizeMb: 300, packets: 0, payload: "large", body: "kafka", seed: 1, out: "" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--size-mb") opts.sizeMb = Number(val());
    else if (a === "--packets") opts.packets = Number(val());
    else if (a === "--payload") opts.payload = val();
    else if (a === "--seed") opts.seed = Number(val());
    else if (a === "--body") opts.body = val();
    else if (a === "-h" || a === "--help") usage();
    else if (a.startsWith("-")) usage(`unknown option ${a}`);
    else if (opts.out) usage("only one output file");
    else opts.out = a;
  }
  if (!opts.out) usage("no output file");
  if (!(opts.sizeMb > 0)) usage("--size-mb must be a positive number");
  if (!Number.isInteger(opts.packets) || opts.packets < 0) usage("--packets must be a whole number");
  if (!SEG[opts.payload]) usage("--payload must be small or large");
  if (opts.body !== "kafka" && opts.body !== "filler") usage("--body must be kafka or filler");
  const s = makeCapture(opts);
  process.stderr.write(
    `make-capture: ${s.file}: ${s.packets} packets, ${(s.bytes / MB).toFixed(1)} MB ` +
      `(${(s.payloadBytes / MB).toFixed(1)} MB TCP payload), ${s.connections} connections, ` +
      `payload ${s.payload}, body ${s.body}, seed ${s.seed}, in ${s.seconds.toFixed(1)}s\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
