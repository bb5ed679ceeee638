/**
 * The packets pane's tools on their own: the follow-stream rows built from the stored PDUs and
 * packet index (stream.ts), and the find job that walks a packet list in bounded steps
 * (packet-search.ts).
 */
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture, StoredPdu } from "../../src/model/analysed-capture.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { TuiModel } from "../../src/tui/model.js";
import { packetMatches, packetSearchJob } from "../../src/tui/packet-search.js";
import { dirLabel, resultOf, rowAtPacket, streamRows } from "../../src/tui/stream.js";
import { ASCII_GLYPHS, UNICODE_GLYPHS } from "../../src/tui/text.js";

const fixture = (f: string) => new URL(`../fixtures/${f}`, import.meta.url).pathname;

function rowsOf(capture: AnalysedCapture, connId: number, extra: { zeroUs?: number; ascii?: boolean } = {}) {
  const model = new TuiModel(capture, [], UNICODE_GLYPHS, false);
  return streamRows({ capture, connId, packets: model.packetsOf(connId), pdusByPacket: model.pdusByPacket, glyphs: extra.ascii ? ASCII_GLYPHS : UNICODE_GLYPHS, ascii: extra.ascii ?? false, zeroUs: extra.zeroUs ?? capture.packets.tsUs[0]! });
}

describe("follow stream rows", () => {
  it("lists the 2 MB Produce and its MESSAGE_TOO_LARGE answer in order, between the handshake and the FINs", async () => {
    const capture = await analyseCapture(fixture("kcat/message-too-large-acks1.pcap.gz"), { registry: createRegistry() });
    const rows = rowsOf(capture, 0);
    expect(rows.map((r) => r.text)).toEqual([
      "C→B 0.000000  #1 [SYN] connection opened",
      "C←B 0.000012  #2 [SYN, ACK] handshake answered",
      "C→B 0.001074  #4 ApiVersions v3 Request corr=1 50B",
      "C←B 0.006431  #6 ApiVersions v3 Response corr=1 58B 5.36ms ok",
      "C→B 0.006536  #8 Metadata v4 Request corr=2 44B",
      "C←B 0.007518  #9 Metadata v4 Response corr=2 101B 982us ok",
      "C→B 0.049814 #77 Produce v7 Request corr=3 2.0MB",
      "C←B 0.081092 #79 Produce v7 Response corr=3 58B 31.3ms MESSAGE_TOO_LARGE",
      "C→B 0.121378 #80 [FIN, ACK] client closes its side",
      "C←B 0.158328 #81 [FIN, ACK] broker closes its side",
    ]);
    expect(rows.map((r) => r.packet)).toEqual([1, 2, 4, 6, 8, 9, 77, 79, 80, 81]);
    expect(rows[7]).toMatchObject({ kind: "message", dir: "s2c" });
    // Every row fits 80 columns here, so the result is never what a narrow terminal cuts.
    for (const r of rows) expect(r.text.length).toBeLessThanOrEqual(80);
    // Where F on packet 78 starts: the response after it; past the end, the last row.
    expect(rowAtPacket(rows, 78)).toBe(7);
    expect(rowAtPacket(rows, 82)).toBe(9);
    capture.bytes.close();
  });

  it("shows the idle gap with its length, the unanswered request and the reset, in ASCII; times count from the reference", async () => {
    const capture = await analyseCapture(fixture("real/firewall-idle-client.pcap"), { registry: createRegistry() });
    const rows = rowsOf(capture, 0, { ascii: true });
    const tail = rows.slice(-3).map((r) => r.text);
    expect(tail).toEqual([
      "     5.003291     (idle 4.96s, no packet either way)",
      "C->B 5.003291 #11 Metadata v0 Request corr=3 30B NO RESPONSE (RST)",
      "C<-B 5.003328 #12 [RST] reset by the broker",
    ]);
    expect(rows.at(-3)).toMatchObject({ kind: "idle", dir: null, packet: 11 });
    for (const r of rows) expect(r.text).toMatch(/^[\x20-\x7e]*$/);
    // With packet 11 as the time reference, the reset is 37us after it and the SYN 5 s before.
    const ref = rowsOf(capture, 0, { zeroUs: capture.packets.tsUs[10]!, ascii: true });
    expect(ref.at(-1)!.text).toMatch(/^C<-B +0\.000037 #12 /);
    expect(ref[0]!.text).toMatch(/^C->B -5\.003291 +#1 \[SYN\]/);
    capture.bytes.close();
  });

  it("marks segments the capture missed, and sanitises a summary from another protocol", async () => {
    const capture = await analyseCapture(fixture("real/firewall-idle-client.pcap"), { registry: createRegistry() });
    // The index is the pass's record: set a lost-segment bit and add a foreign PDU to see their rows.
    capture.packets.events[3]! |= 1 << 4;
    const model = new TuiModel(capture, [], UNICODE_GLYPHS, false);
    const foreign: StoredPdu = { dir: "c2s", ref: { first: 4, last: 4, tsUs: 0, streamOffset: 0 }, length: 12, summary: "hello \u001b[2Jworld", fields: {}, connId: 0, dissector: "echo", packet: 4 };
    const byPacket = new Map(model.pdusByPacket);
    byPacket.set(4, [foreign]);
    const rows = streamRows({ capture, connId: 0, packets: model.packetsOf(0), pdusByPacket: byPacket, glyphs: UNICODE_GLYPHS, ascii: false, zeroUs: capture.packets.tsUs[0]! });
    const at4 = rows.filter((r) => r.packet === 4).map((r) => r.text);
    expect(at4).toEqual(["C→B 0.001747  #4 [TCP Previous segment not captured]", "C→B 0.001747  #4 hello \\e[2Jworld 12B"]);
    capture.bytes.close();
  });

  it("names the errors of a response once each, and the direction in either glyph set", () => {
    expect(resultOf({ "kafka.error": [0, 6, 6, 10] })).toBe("NOT_LEADER_OR_FOLLOWER,MESSAGE_TOO_LARGE");
    expect(resultOf({ "kafka.error": [0] })).toBe("ok");
    expect(resultOf({})).toBe("ok");
    expect([dirLabel("c2s", UNICODE_GLYPHS), dirLabel("s2c", UNICODE_GLYPHS), dirLabel(null, UNICODE_GLYPHS)]).toEqual(["C→B", "C←B", "   "]);
    expect([dirLabel("c2s", ASCII_GLYPHS), dirLabel("s2c", ASCII_GLYPHS), dirLabel(null, ASCII_GLYPHS)]).toEqual(["C->B", "C<-B", "    "]);
  });
});

describe("find a packet by text", () => {
  it("walks the list from a position, wrapping once, in steps no bigger than asked", () => {
    const list = Int32Array.from([0, 1, 2, 3, 4, 5]);
    const tested: number[] = [];
    const matches = (i: number) => (tested.push(i), i === 1 || i === 4);
    const job = packetSearchJob(list, 2, "x", matches);
    expect(job.step(1)).toBe(false);
    expect(job.step(1)).toBe(false);
    expect(tested).toEqual([2, 3]);
    expect(job.step(10)).toBe(true);
    expect(job.found).toBe(4);
    // From 5, it wraps round to 1.
    const again = packetSearchJob(list, 5, "x", matches);
    while (!again.step(2));
    expect(again.found).toBe(1);
    const none = packetSearchJob(list, 0, "x", () => false);
    while (!none.step(4));
    expect([none.found, none.done]).toEqual([-1, 6]);
    expect(packetSearchJob(list, 0, "", () => true).step(1)).toBe(true);
  });

  it("matches a packet's row text and its Kafka fields, case-insensitive", async () => {
    const capture = await analyseCapture(fixture("kcat/message-too-large-acks1.pcap.gz"), { registry: createRegistry() });
    const model = new TuiModel(capture, [], UNICODE_GLYPHS, false);
    expect(packetMatches(model, 3, "kcat-big-producer")).toBe(true); // the request's client id
    expect(packetMatches(model, 5, "kcat-big-producer")).toBe(true); // the response's field
    expect(packetMatches(model, 78, "message_too_large")).toBe(true);
    expect(packetMatches(model, 0, "[syn]")).toBe(true); // Info
    expect(packetMatches(model, 0, "kcat")).toBe(false);
    capture.bytes.close();
  });
});
