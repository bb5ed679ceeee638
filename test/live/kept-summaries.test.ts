/**
 * The per-connection summaries a live re-run keeps and advances over the new exchanges and
 * messages (Kafka: src/facts/kafka-per-connection.ts LiveKafkaSummaries; protocols:
 * src/facts/protocols-per-connection.ts LiveProtocols) against the walk over everything the
 * snapshot holds, which is what they replace: at many points of real captures (a broker that
 * answered only after the client gave up, a busy host, a reset), every connection's summary must
 * be the walk's.
 */
import { describe, expect, it } from "vitest";
import { analyseCapture, type PassSoFar } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { snapshotCapture } from "../../src/live/incremental.js";
import { ConnectionPacketScan, useConnectionPacketScan } from "../../src/facts/packet-stats.js";
import { kafkaPerConnection, LiveKafkaSummaries, useLiveKafkaSummaries } from "../../src/facts/kafka-per-connection.js";
import { LiveProtocols, protocolsPerConnection, useLiveProtocols } from "../../src/facts/protocols-per-connection.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";

/** What a summary says, in a form toEqual compares (exchanges by their request packet). */
function plain(capture: AnalysedCapture, kafka: ReturnType<typeof kafkaPerConnection>): unknown[] {
  const at = (e: { request: { last: number } | null; response: { last: number } | null } | null) => (e ? `${e.request?.last ?? "-"}/${e.response?.last ?? "-"}` : null);
  return capture.connections.map((c) => {
    const k = kafka[c.id]!;
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
    };
  });
}

async function compareAlong(file: string, every: number): Promise<{ snapshots: number; lateAnswers: number; requests: number }> {
  const scan = new ConnectionPacketScan(true);
  const kafka = new LiveKafkaSummaries();
  const protocols = new LiveProtocols();
  let snapshots = 0;
  let lateAnswers = 0;
  let requests = 0;
  const check = (so: PassSoFar): void => {
    // The kept ones, advanced over what is new since the last check.
    const kept = snapshotCapture(file, so, { close() {} } as never);
    useConnectionPacketScan(kept, scan);
    useLiveKafkaSummaries(kept, kafka);
    useLiveProtocols(kept, protocols);
    kafka.advance(so.exchanges);
    protocols.advance(so.pdus, so.exchanges);
    // The walk over the same snapshot (the same scan: the end shapes it reads are the same).
    const walked = snapshotCapture(file, so, { close() {} } as never);
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
    lateAnswers = kafkaPerConnection(walked).reduce((n, k) => n + k.answeredAfterClose.length, 0);
    requests = kafkaPerConnection(walked).reduce((n, k) => n + k.requests, 0);
  };
  // During the pass only, as kdiag watch re-runs: at its end the pass adds what it flushed and
  // sorts its list in place, and the end's evaluation walks that capture itself.
  const capture = await analyseCapture(file, {
    registry: createRegistry(),
    onPacket: (index, _pkt, so) => {
      if ((index + 1) % every === 0) check(so);
    },
  });
  capture.bytes.close();
  return { snapshots, lateAnswers, requests };
}

describe("summaries kept between live re-runs", () => {
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
