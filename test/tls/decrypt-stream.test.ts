/**
 * A decrypted TLS 1.2 connection on crafted segments, through the real record framer and TLS
 * session with a key log: records split across many segments and several records in one segment
 * reach the inner dissector whole and in order, each with the packets that carried it; a record
 * altered in the middle of the stream (inside an authentication batch) is reported once, with
 * its own packet number, and nothing after it is decrypted; a wrong key is found at the first
 * encrypted record, before any plaintext.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { tlsFraming } from "../../dissectors/tls/framing.js";
import { KeyLog } from "../../dissectors/tls/keylog.js";
import { SUITES, tls12Keys } from "../../dissectors/tls/keys.js";
import { TlsSession } from "../../dissectors/tls/session.js";
import type { Dir, PacketRef, Pdu, StreamContext } from "../../src/plugins/api.js";
import { Framer } from "../../src/plugins/framer.js";
import { seal } from "./helpers.js";

const SUITE = SUITES.get(0xc02f)!; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

const record = (type: number, body: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
const handshake = (type: number, body: Uint8Array): Uint8Array =>
  Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);

interface Segment {
  dir: Dir;
  bytes: Uint8Array;
}

/** A connection's segments: the hellos, each side's ChangeCipherSpec and Finished, then `data` records from the client. */
function connection(data: Uint8Array[], master = randomBytes(48)) {
  const cr = randomBytes(32);
  const sr = randomBytes(32);
  const keyLog = new KeyLog();
  keyLog.set("CLIENT_RANDOM", cr, master);
  const keys = tls12Keys(SUITE, master, cr, sr);
  const hello = Buffer.concat([Buffer.from([3, 3]), cr, Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0, 0, 0])]);
  const serverHello = Buffer.concat([Buffer.from([3, 3]), sr, Buffer.from([0, 0xc0, 0x2f, 0, 0, 0])]);
  const finished = handshake(20, randomBytes(12));
  const c = (seq: number, type: number, plain: Uint8Array) => seal(SUITE, keys.client.key, keys.client.iv, seq, type, plain);
  const segments: Segment[] = [
    { dir: "c2s", bytes: record(22, handshake(1, hello)) },
    { dir: "s2c", bytes: record(22, Buffer.concat([handshake(2, serverHello), handshake(14, new Uint8Array(0))])) },
    { dir: "c2s", bytes: Buffer.concat([record(20, Uint8Array.of(1)), c(0, 22, finished)]) },
    { dir: "s2c", bytes: Buffer.concat([record(20, Uint8Array.of(1)), seal(SUITE, keys.server.key, keys.server.iv, 0, 22, finished)]) },
  ];
  const records = data.map((plain, i) => c(i + 1, 23, plain));
  return { keyLog, segments, records };
}

/** Runs segments (packet n = index + 1) through a framer per direction into one TlsSession. */
function run(keyLog: KeyLog, segments: Segment[]) {
  const pdus: Pdu[] = [];
  const notes: Array<{ packet: number; message: string }> = [];
  const inner: Array<{ bytes: Buffer; at: PacketRef }> = [];
  const ctx: StreamContext = {
    connectionId: 1,
    client: { addr: "10.0.0.1", port: 50000 },
    server: { addr: "10.0.0.2", port: 9093 },
    preferences: new Map([["tls.keylog", keyLog]]),
    emit: (p) => pdus.push(p),
    exchange: () => {},
    note: (_s, packet, message) => notes.push({ packet, message }),
    openInner: () => ({
      data: (dir, bytes, at) => {
        if (dir === "c2s") inner.push({ bytes: Buffer.from(bytes), at: { ...at } });
      },
      gap: () => {},
      close: () => {},
    }),
  };
  const session = new TlsSession(ctx);
  const offsets: Record<Dir, number> = { c2s: 0, s2c: 0 };
  const framers = Object.fromEntries(
    (["c2s", "s2c"] as const).map((dir) => [
      dir,
      new Framer(tlsFraming, dir, { pdu: (bytes, at, wire) => session.pdu(dir, bytes, at, wire), framingError: (_o, packet, what) => notes.push({ packet, message: what }) }),
    ]),
  ) as Record<Dir, Framer>;
  segments.forEach((s, i) => {
    framers[s.dir].data(s.bytes, { first: i + 1, last: i + 1, tsUs: i, streamOffset: offsets[s.dir] });
    offsets[s.dir] += s.bytes.length;
  });
  framers.c2s.end();
  framers.s2c.end();
  session.close({ how: "fin", by: "client", tsUs: segments.length });
  return { pdus, notes, inner };
}

/** Cuts `bytes` into segments of the given sizes (the last takes the rest). */
function cut(bytes: Uint8Array, sizes: number[]): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= bytes.length) break;
    out.push({ dir: "c2s", bytes: bytes.subarray(at, Math.min(bytes.length, at + n)) });
    at += n;
  }
  if (at < bytes.length) out.push({ dir: "c2s", bytes: bytes.subarray(at) });
  return out;
}

describe("a decrypted TLS 1.2 stream", () => {
  const data = Array.from({ length: 60 }, (_, i) => randomBytes([1400, 1, 16, 5000, 16384, 700][i % 6]!));

  it("records split across many segments and several records in one segment decode whole, in order, with their packets", () => {
    const { keyLog, segments, records } = connection(data);
    const tail: Segment[] = [];
    // Records 0-9: one segment each. 10-19: all in one segment. 20-29: each cut into 7-byte
    // segments. 30-59: the stream cut every 1,000 bytes, records straddling segments.
    for (const r of records.slice(0, 10)) tail.push({ dir: "c2s", bytes: r });
    tail.push({ dir: "c2s", bytes: Buffer.concat(records.slice(10, 20)) });
    for (const r of records.slice(20, 30)) tail.push(...cut(r, new Array(Math.ceil(r.length / 7)).fill(7)));
    const rest = Buffer.concat(records.slice(30));
    tail.push(...cut(rest, new Array(Math.ceil(rest.length / 1000)).fill(1000)));
    const all = [...segments, ...tail];
    const { pdus, notes, inner } = run(keyLog, all);
    expect(notes).toEqual([]);
    expect(inner.map((c) => c.bytes.toString("hex"))).toEqual(data.map((d) => Buffer.from(d).toString("hex")));
    // Each record's plaintext keeps the packets that carried the record.
    const first = segments.length + 1;
    expect(inner[0]!.at).toMatchObject({ first, last: first });
    expect(inner[10]!.at).toMatchObject({ first: first + 10, last: first + 10 });
    expect(inner[19]!.at).toMatchObject({ first: first + 10, last: first + 10 });
    const split = first + 11;
    expect(inner[20]!.at).toMatchObject({ first: split, last: split + Math.ceil(records[20]!.length / 7) - 1 });
    // A 16 KiB record over 2,345 segments of 7 bytes.
    expect(inner[22]!.bytes.length).toBe(16384);
    expect(inner[22]!.at.last - inner[22]!.at.first).toBe(Math.ceil(records[22]!.length / 7) - 1);
    const decrypted = pdus.filter((p) => p.fields["tls.record.decrypted_type"] === 23);
    expect(decrypted).toHaveLength(data.length);
    expect(decrypted[3]!.summary).toBe("Application Data (decrypted, 5000 bytes)");
  });

  it("a record altered mid-stream is reported once, with its packet; nothing after it is decrypted", () => {
    const { keyLog, segments, records } = connection(data);
    const bad = 22; // inside the second batch of 16 (the Finished was checked on its own)
    const altered = Buffer.from(records[bad]!);
    altered[200]! ^= 1;
    const tail = records.map((r, i) => ({ dir: "c2s" as Dir, bytes: i === bad ? altered : r }));
    const { notes, inner } = run(keyLog, [...segments, ...tail]);
    expect(notes).toEqual([
      {
        packet: segments.length + 1 + bad,
        message: "TLS not decrypted: a record failed authentication (client to server, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256): wrong or mismatched key log entry",
      },
    ]);
    // Records before the altered one were delivered as they were sent; at most a batch more went
    // on before the failure was found, and none after that.
    for (let i = 0; i < bad; i++) expect(inner[i]!.bytes.equals(Buffer.from(data[i]!))).toBe(true);
    expect(inner.length).toBeLessThan(bad + 16);
  });

  it("a wrong master secret fails at the client's Finished, before any plaintext", () => {
    const { segments, records } = connection(data);
    // A key log with this connection's client random and another secret.
    const keyLog = new KeyLog();
    const cr = segments[0]!.bytes.subarray(5 + 4 + 2, 5 + 4 + 2 + 32);
    keyLog.set("CLIENT_RANDOM", cr, randomBytes(48));
    const { notes, inner } = run(keyLog, [...segments, ...records.map((bytes) => ({ dir: "c2s" as Dir, bytes }))]);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.packet).toBe(3);
    expect(notes[0]!.message).toMatch(/a record failed authentication \(client to server/);
    expect(inner).toEqual([]);
  });
});
