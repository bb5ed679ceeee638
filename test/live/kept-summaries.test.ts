/**
 * The per-connection summaries a live re-run keeps and advances over the new exchanges and
 * messages (Kafka: src/facts/kafka-per-connection.ts LiveKafkaSummaries; protocols:
 * src/facts/protocols-per-connection.ts LiveProtocols) against the walk over everything the
 * snapshot holds, which is what they replace: at many points of real captures (a broker that
 * answered only after the client gave up, a busy host, a reset) and of a synthetic TLS one (a
 * client close that begins at a close_notify seen only once the FIN comes: the summary folded
 * before must be folded again), every connection's summary must be the walk's.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyseCapture, type PassSoFar } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { snapshotCapture } from "../../src/live/incremental.js";
import { ConnectionPacketScan, useConnectionPacketScan } from "../../src/facts/packet-stats.js";
import { kafkaPerConnection, LiveKafkaSummaries, useLiveKafkaSummaries } from "../../src/facts/kafka-per-connection.js";
import { LiveProtocols, protocolsPerConnection, useLiveProtocols } from "../../src/facts/protocols-per-connection.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import type { Registry } from "../../src/plugins/registry.js";
import { KeyLog } from "../../dissectors/tls/keylog.js";
import { SUITES, tls12Keys } from "../../dissectors/tls/keys.js";
import { Scenario, tmpFile, writePcap } from "../tcp/helpers.js";
import { seal } from "../tls/helpers.js";
import { kafkaMessage } from "../kafka/wire.js";

/** What a summary says, in a form toEqual compares (exchanges by their request packet). */
function plain(capture: AnalysedCapture, kafka: ReturnType<typeof kafkaPerConnection>): unknown[] {
  const at = (e: { request: { last: number } | null; response: { last: number } | null } | null) => (e ? `${e.request?.last ?? "-"}/${e.response?.last ?? "-"}` : null);
  return capture.connections.map((c) => {
    const k = kafka.at(c.id)!;
    return {
      id: c.id,
      requests: k.requests,
      unanswered: k.unanswered,
      unansweredFrames: [...k.unansweredFrames],
      errors: k.errors,
      clientId: k.clientId,
      topics: k.topics ? [...k.topics] : null,
      lastRequest: at(k.lastRequest),
      produceSizes: [...k.produceSizes],
      sizeErrors: [...k.sizeErrors],
      refused: at(k.refused),
      answeredAfterClose: k.answeredAfterClose.map(at),
      waitAtCloseUs: k.waitAtCloseUs,
      silentAtClose: at(k.silentAtClose),
      silentWaitUs: k.silentWaitUs,
    };
  });
}

async function compareAlong(file: string, every: number, registry: Registry = createRegistry()): Promise<{ snapshots: number; lateAnswers: number; requests: number }> {
  const scan = new ConnectionPacketScan(true);
  const kafka = new LiveKafkaSummaries();
  const protocols = new LiveProtocols();
  let snapshots = 0;
  let lateAnswers = 0;
  let requests = 0;
  // The packets' bytes, as the live capture's keeper gives them (end shapes read TLS alerts back).
  const raw = readFileSync(file);
  const stream = file.endsWith(".gz") ? gunzipSync(raw) : raw;
  const bytes = { view: (offset: number, length: number) => stream.subarray(offset, offset + length), close() {} };
  const check = (so: PassSoFar): void => {
    // The kept ones, advanced over what is new since the last check.
    const kept = snapshotCapture(file, so, bytes);
    useConnectionPacketScan(kept, scan);
    useLiveKafkaSummaries(kept, kafka);
    useLiveProtocols(kept, protocols);
    kafka.advance(so.exchanges);
    protocols.advance(so.pdus, so.exchanges);
    // The walk over the same snapshot (the same scan: the end shapes it reads are the same).
    const walked = snapshotCapture(file, so, bytes);
    useConnectionPacketScan(walked, scan);
    const got = plain(kept, kafkaPerConnection(kept));
    const want = plain(walked, kafkaPerConnection(walked));
    expect(got).toEqual(want);
    const keptProtocols = protocolsPerConnection(kept);
    const walkedProtocols = protocolsPerConnection(walked);
    for (const c of so.connections) expect(keptProtocols(c.id)).toEqual(walkedProtocols(c.id));
    // exchange.last_on_connection reads the last request per connection from the kept summaries.
    const last = new Map<number, number>();
    for (const e of walked.exchanges) if (e.request) last.set(e.connId, Math.max(last.get(e.connId) ?? -1, e.request.last));
    for (const c of so.connections) expect(kafka.lastRequestOf(c.id)).toBe(last.get(c.id) ?? -1);
    snapshots++;
    lateAnswers = [...kafkaPerConnection(walked)].reduce((n, k) => n + k.answeredAfterClose.length, 0);
    requests = [...kafkaPerConnection(walked)].reduce((n, k) => n + k.requests, 0);
  };
  // During the pass only, as kdiag watch re-runs: at its end the pass adds what it flushed and
  // sorts its list in place, and the end's evaluation walks that capture itself.
  const capture = await analyseCapture(file, {
    registry,
    onPacket: (index, _pkt, so) => {
      if ((index + 1) % every === 0) check(so);
    },
  });
  capture.bytes.close();
  return { snapshots, lateAnswers, requests };
}

/**
 * A TLS 1.2 Kafka connection (key log given) whose client gives up on its Produce: its
 * close_notify goes out, then the broker's late answer arrives (in records small enough to look
 * like the close's own alerts), then the client's FIN. The close, as end-shape reads it, begins at
 * the close_notify, but is known only once the FIN is seen: the answer was folded before as
 * answered in time, and only the rebuild on the changed close makes it answered after the close.
 */
function lateAnswerAfterCloseNotify(): { file: string; registry: Registry } {
  const suite = SUITES.get(0xc02f)!; // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
  const fill = (n: number, v: number) => new Uint8Array(n).fill(v);
  const cr = fill(32, 1);
  const sr = fill(32, 2);
  const master = fill(48, 3);
  const keyLog = new KeyLog();
  keyLog.set("CLIENT_RANDOM", cr, master);
  const keys = tls12Keys(suite, master, cr, sr);
  const record = (type: number, body: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([type, 3, 3, body.length >> 8, body.length & 0xff]), body]);
  const handshake = (type: number, body: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]), body]);
  const hello = Buffer.concat([Buffer.from([3, 3]), cr, Buffer.from([0, 0, 2, 0xc0, 0x2f, 1, 0, 0, 0])]);
  const serverHello = Buffer.concat([Buffer.from([3, 3]), sr, Buffer.from([0, 0xc0, 0x2f, 0, 0, 0])]);
  const finished = handshake(20, fill(12, 4));
  const client = (seq: number, type: number, plain: Uint8Array) => seal(suite, keys.client.key, keys.client.iv, seq, type, plain);
  const server = (seq: number, type: number, plain: Uint8Array) => seal(suite, keys.server.key, keys.server.iv, seq, type, plain);

  const sc = new Scenario("10.0.0.1", 40000, "10.0.0.2", 9093).handshake(0);
  let cSeq = 1001;
  let sSeq = 5001;
  const c = (t: number, data: Uint8Array) => {
    sc.c({ t, f: "PA", seq: cSeq, ack: sSeq, data });
    cSeq += data.length;
  };
  const s = (t: number, data: Uint8Array) => {
    sc.s({ t, f: "PA", seq: sSeq, ack: cSeq, data });
    sSeq += data.length;
  };
  c(20, record(22, handshake(1, hello)));
  s(25, record(22, Buffer.concat([handshake(2, serverHello), handshake(14, new Uint8Array(0))])));
  c(30, Buffer.concat([record(20, Uint8Array.of(1)), client(0, 22, finished)]));
  s(35, Buffer.concat([record(20, Uint8Array.of(1)), server(0, 22, finished)]));
  c(100, client(1, 23, kafkaMessage(0, 7, true)));
  sc.s({ t: 105, f: "A", seq: sSeq, ack: cSeq });
  // 2 s later the client gives up: close_notify (alert 1, 0)...
  c(2100, client(2, 21, Uint8Array.of(1, 0)));
  // ...the broker's answer follows, in records of at most 64 bytes on the wire...
  const answer = kafkaMessage(0, 7, false);
  for (let at = 0, seq = 1; at < answer.length; at += 32, seq++) s(2101 + seq, server(seq, 23, answer.subarray(at, at + 32)));
  // ...then the client's FIN; the broker closes too.
  sc.c({ t: 2150, f: "FA", seq: cSeq, ack: sSeq });
  sc.s({ t: 2151, f: "FA", seq: sSeq, ack: cSeq + 1 });
  sc.c({ t: 2152, f: "A", seq: cSeq + 1, ack: sSeq + 1 });
  const file = tmpFile("late-answer-after-close-notify.pcap");
  writePcap(file, sc.packets);
  const registry = createRegistry();
  registry.preferences.set("tls.keylog", keyLog);
  return { file, registry };
}

describe("summaries kept between live re-runs", () => {
  it("fold a connection's summary again when its client close appears behind exchanges already folded", async () => {
    const { file, registry } = lateAnswerAfterCloseNotify();
    // Checked at every packet: before the FIN the answer counts as answered, after it as late.
    const r = await compareAlong(file, 1, registry);
    expect(r.requests).toBe(1);
    expect(r.lateAnswers).toBe(1);
  });

  it("give the walk's Kafka summaries, protocols and last requests when a late answer follows the client's close", async () => {
    const r = await compareAlong("test/fixtures/matrix/conditions/hung-kp-client.pcap.gz", 3);
    // The case the close re-folds for: an answer that reached the client only after it closed.
    expect(r.lateAnswers).toBeGreaterThan(0);
    expect(r.snapshots).toBeGreaterThan(10);
  });

  it("give the walk's on a busy host with several connections, checked every 5 packets", async () => {
    const r = await compareAlong("test/fixtures/matrix/controls/busy-one-host-client.pcap.gz", 5);
    expect(r.requests).toBeGreaterThan(10);
    expect(r.snapshots).toBeGreaterThan(10);
  });

  it("give the walk's at every packet of a connection reset mid-stream", async () => {
    const r = await compareAlong("test/fixtures/real/rst-abort.pcap", 1);
    expect(r.snapshots).toBeGreaterThan(5);
  });
});
