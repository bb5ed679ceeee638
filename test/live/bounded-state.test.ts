/**
 * What a live capture lets go of as its window moves (src/live/window.ts): the packet index's old
 * rows (packet numbers stay absolute), each connection's packet list before them, and the
 * tracker's state of the connections that left — and what stays true after each.
 */
import { describe, expect, it } from "vitest";
import { PacketIndex } from "../../src/model/packet-index.js";
import { ConnectionPacketScan } from "../../src/facts/packet-stats.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { LiveWindow, parseDuration, DEFAULT_LET_GO_US } from "../../src/live/window.js";
import { TcpTracker } from "../../src/tcp/tracker.js";
import { RecordingSink, Scenario } from "../tcp/helpers.js";
import type { Connection } from "../../src/tcp/types.js";

function filled(n: number): PacketIndex {
  const p = new PacketIndex(16);
  for (let i = 0; i < n; i++) p.push(i * 100, 1_000_000 + i, 60, 60, 1, i % 3, i & 1, 0x10, 0, i);
  return p;
}

describe("PacketIndex.dropBefore", () => {
  it("keeps the rows from the given packet on, at row (index - base), and reports the others as gone", () => {
    const p = filled(5000);
    p.dropBefore(3000);
    expect(p.count).toBe(5000);
    expect(p.base).toBe(3000);
    expect(p.held).toBe(2000);
    // Row 0 is packet index 3000 (packet number 3001).
    expect(p.payloadLen[0]).toBe(3000);
    expect(p.fileOffset[1999]).toBe(4999 * 100);
    expect(p.tsAt(3000)).toBe(1_003_000);
    expect(p.tsAt(2999)).toBeNaN();
    expect(p.tsAt(5000)).toBeNaN();
    // The capture's first time stays known.
    expect(p.firstTsUs).toBe(1_000_000);
    // Pushing goes on with absolute indexes.
    expect(p.push(0, 2_000_000, 60, 60, 1, 7, 0, 0, 0, 42)).toBe(5000);
    expect(p.tsAt(5000)).toBe(2_000_000);
    expect(p.connId[p.held - 1]).toBe(7);
    // Dropping before the base, or again at it, changes nothing.
    p.dropBefore(10);
    expect(p.base).toBe(3000);
  });

  it("shrinks its columns when the rows kept fit in a quarter of them", () => {
    const p = filled(100_000);
    const before = p.tsUs.length;
    p.dropBefore(99_000);
    expect(p.tsUs.length).toBeLessThan(before / 4);
    expect(p.tsUs.length).toBeGreaterThanOrEqual(1000);
    expect(p.tsAt(99_999)).toBe(1_099_999);
    // Grows again as packets arrive.
    for (let i = 0; i < 50_000; i++) p.push(0, 5, 60, 60, 1, -1, 0, 0, 0, 0);
    expect(p.held).toBe(51_000);
    expect(p.tsAt(99_999)).toBe(1_099_999);
  });
});

describe("ConnectionPacketScan.trimBefore", () => {
  it("cuts each connection's packet list at the index's new base, and drops a list with nothing left", () => {
    const p = filled(300);
    const connections = [0, 1, 2].map((id) => ({ id, longestIdleEndPacket: -1 }) as unknown as Connection);
    const scan = new ConnectionPacketScan(true);
    scan.advance({ packets: p, connections });
    expect(scan.packetsOf(0).length).toBe(100);
    scan.trimBefore(250);
    // Connection 0 has packets 0, 3, 6, ...: from 252 on.
    expect([...scan.packetsOf(0)]).toEqual([252, 255, 258, 261, 264, 267, 270, 273, 276, 279, 282, 285, 288, 291, 294, 297]);
    expect(scan.packetsOf(1)[0]).toBe(250);
    scan.trimBefore(1000);
    expect(scan.packetsOf(2).length).toBe(0);
  });
});

describe("TcpTracker.forget", () => {
  // Two connections on two 4-tuples; the first has a segment held out of order when it is let go.
  const a = new Scenario("10.0.0.1", 40000, "10.0.0.2", 9092)
    .c({ t: 0, f: "S", seq: 100 })
    .s({ t: 1, f: "SA", seq: 500, ack: 101 })
    .c({ t: 2, f: "A", seq: 101, ack: 501 })
    .c({ t: 3, f: "PA", seq: 201, ack: 501, len: 50 });
  const b = new Scenario("10.0.0.3", 40001, "10.0.0.2", 9092).c({ t: 4, f: "S", seq: 900 });
  const later = new Scenario("10.0.0.1", 40000, "10.0.0.2", 9092).c({ t: 5, f: "PA", seq: 251, ack: 501, len: 10 });

  it("drops the connection's state and held bytes; its 4-tuple then starts a new connection, the others keep theirs", () => {
    const sinks: RecordingSink[] = [];
    const tracker = new TcpTracker({ openSink: (c) => (sinks[c.id] = new RecordingSink()) });
    let n = 0;
    for (const p of [...a.packets, ...b.packets]) tracker.track(++n, p.tsUs, p.wireLen, p.pkt, p.frame);
    expect(tracker.connections).toHaveLength(2);
    expect(tracker.heldBytes).toBe(50);
    tracker.forget([0]);
    expect(tracker.heldBytes).toBe(0);
    const v = later.packets[0]!;
    expect(tracker.track(++n, v.tsUs, v.wireLen, v.pkt, v.frame).connId).toBe(2);
    expect(tracker.connections).toHaveLength(3);
    // The record of the connection let go stays as it was.
    expect(tracker.connections[0]!.c2s.packets).toBe(3);
    // The other connection is still found by its 4-tuple.
    const again = new Scenario("10.0.0.3", 40001, "10.0.0.2", 9092).c({ t: 6, f: "A", seq: 901, ack: 1 }).packets[0]!;
    expect(tracker.track(++n, again.tsUs, again.wireLen, again.pkt, again.frame).connId).toBe(1);
    // The sink of the connection let go got no close (its dissector is simply dropped); finish closes the others.
    tracker.finish();
    expect(sinks[0]!.trace().filter((t) => t.startsWith("close"))).toEqual([]);
  });

  it("lists the connections not folded in id order, with what forget made of them; a folded one leaves a hole and is not walked", () => {
    const tracker = new TcpTracker();
    let n = 0;
    for (const p of [...a.packets, ...b.packets, ...later.packets]) tracker.track(++n, p.tsUs, p.wireLen, p.pkt, p.frame);
    expect([...tracker.connectionsHeld].map((c) => c.id)).toEqual([0, 1]);
    const compact = { ...tracker.connections[0]!, compacted: true };
    tracker.forget([0], () => compact);
    expect([...tracker.connectionsHeld][0]).toBe(compact);
    tracker.fold([0]);
    expect(tracker.connections[0]).toBeUndefined();
    expect([...tracker.connectionsHeld].map((c) => c.id)).toEqual([1]);
  });
});

describe("LiveWindow", () => {
  it("lets an open connection go after its silence, a closed one once out of the window", () => {
    const w = new LiveWindow({ packets: 10 }, 60e6);
    const conn = (how: "open" | "fin", lastPacket: number, endUs: number) => ({ id: 1, close: { how }, lastPacket, endUs }) as unknown as Connection;
    expect(w.leaving(conn("fin", 5, 0), 20, 1e6)).toBe(true);
    expect(w.leaving(conn("fin", 15, 0), 20, 1e6)).toBe(false);
    expect(w.leaving(conn("open", 5, 0), 20, 59e6)).toBe(false);
    expect(w.leaving(conn("open", 5, 0), 20, 60e6)).toBe(true);
    // The default silence is longer than Kafka's own idle reaper (10 minutes).
    expect(DEFAULT_LET_GO_US).toBeGreaterThan(600e6);
    expect(parseDuration("15m")).toBe(900e6);
    expect(parseDuration("90")).toBe(90e6);
    expect(parseDuration("soon")).toBeNull();
  });

  it("keeps the index rows of the oldest connection still in the window, up to its row cap", async () => {
    const capture = await analyseCapture("test/fixtures/matrix/controls/busy-one-host-client.pcap.gz", { registry: createRegistry() });
    const p = capture.packets;
    // Connection 0 runs from packet 1 to the end: it pins every row, until the cap.
    const pinned = new LiveWindow({ packets: 1 }, DEFAULT_LET_GO_US, 10_000);
    expect(pinned.indexFrom(p, 0, capture.connections)).toBe(0);
    const capped = new LiveWindow({ packets: 1 }, DEFAULT_LET_GO_US, 50);
    expect(capped.indexFrom(p, 0, capture.connections)).toBe(p.count - 50);
    capture.bytes.close();
  });
});
