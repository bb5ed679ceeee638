/**
 * Scenario tests: each pins one behaviour of the tracker (connection facts, analysis flags,
 * reassembly output) on a hand-built packet sequence. The same scenarios are compared with tshark
 * packet by packet in tshark-synthetic.test.ts.
 */
import { describe, expect, it } from "vitest";
import { TcpTracker } from "../../src/tcp/tracker.js";
import { TcpEvent } from "../../src/tcp/types.js";
import { expectedBytes, RecordingSink, Scenario, tmpFile, tsharkRows, writePcap } from "./helpers.js";
import { expectSinkContract } from "./invariants.js";
import { run } from "./run.js";
import { scenarios } from "./scenarios.js";

const T0 = 1_700_000_000_000_000;
const ms = (x: number): number => T0 + x * 1000;

function flagsOf(r: ReturnType<typeof run>, num: number): string[] {
  return r.rows[num - 1]!.fields.map((f) => f.replace("tcp.analysis.", "")).sort();
}

describe("connections", () => {
  it("handshake-rtt: SYN to the ACK completing the handshake, as tshark's initial_rtt", () => {
    const sc = scenarios["handshake-rtt"]!();
    const r = run(sc);
    const c = r.tracker.connections[0]!;
    expect(c.handshakeRttUs).toBe(12_000);
    expect(c.synPacket).toBe(1);
    expect(c.roleReason).toBe("syn");
    expect(c.roleInferred).toBe(false);
    expect(c.client).toEqual({ addr: "10.0.0.1", port: 40000 });
    expect(c.server).toEqual({ addr: "10.0.0.2", port: 9092 });
    expect(c.c2s.baseSeq).toBe(1000);
    expect(c.s2c.baseSeq).toBe(5000);
    expect(c.c2s.windowScale).toBe(7);
    expect(c.c2s.packets).toBe(3);
    expect(c.s2c.packets).toBe(1);
    expect(c.c2s.bytes).toBe(sc.packets.filter((p) => p.pkt.srcPort === 40000).reduce((n, p) => n + p.wireLen, 0));
    expect(c.c2s.payloadBytes).toBe(10);
    expect(c.startUs).toBe(ms(0));
    expect(c.endUs).toBe(ms(20));
    expect([c.firstPacket, c.lastPacket]).toEqual([1, 4]);
    const file = tmpFile("rtt.pcap");
    writePcap(file, sc.packets);
    expect(tsharkRows(file)[3]!.initialRtt).toBeCloseTo(c.handshakeRttUs! / 1e6, 9);
  });

  it("fin-close-by-server: first FIN decides who closed; the sink closes once both streams ended", () => {
    const r = run(scenarios["fin-close-by-server"]!());
    const c = r.tracker.connections[0]!;
    expect(c.close).toMatchObject({ how: "fin", by: "server", packet: 6, tsUs: ms(30), idleBeforeUs: 5000, rstTtl: -1, rstIpId: -1 });
    const sink = r.sinks[0]!;
    expect(sink.trace()).toEqual(["data c2s 0+100", "data s2c 0+50", "close fin server"]);
    expect(sink.stream("c2s")).toEqual(expectedBytes(1001, 100));
    expect(sink.stream("s2c")).toEqual(expectedBytes(5001, 50));
    // Closed at the client's FIN (packet 7), not at end of capture.
    const close = sink.calls.at(-1)!;
    expect(close.kind === "close" && close.how.tsUs).toBe(ms(31));
    expectSinkContract(sink);
  });

  it("rst-after-idle: the RST's sender, TTL, IP id and the silence before it", () => {
    const r = run(scenarios["rst-after-idle"]!());
    const c = r.tracker.connections[0]!;
    // The client's second 100 bytes were not yet acknowledged when the RST came.
    expect(c.close).toEqual({ how: "rst", by: "server", packet: 7, tsUs: ms(60_026), idleBeforeUs: 1000, rstTtl: 250, rstIpId: 0, unackedFromOtherBytes: 100, senderPrevIpId: 5 });
    expect(c.longestIdleUs).toBe(60_000_000);
    expect(c.longestIdleEndPacket).toBe(6);
    expect(r.sinks[0]!.trace()).toEqual(["data c2s 0+100", "data c2s 100+100", "close rst server"]);
  });

  it("mid-connection-start-role-inferred: a service port makes the server, else the lower port", () => {
    const r = run(scenarios["mid-connection-start-role-inferred"]!());
    const c = r.tracker.connections[0]!;
    expect(c.client).toEqual({ addr: "10.0.0.1", port: 40000 });
    expect(c.server.port).toBe(9092);
    expect(c.roleReason).toBe("well-known-port");
    expect(c.roleInferred).toBe(true);
    expect(c.handshakeRttUs).toBeNull();
    expect(c.synPacket).toBe(-1);
    expect(c.s2c.baseSeq).toBe(8999); // Wireshark's base without a SYN: first seq - 1
    // No gap at the start of a capture that begins mid-connection.
    expect(r.sinks[0]!.trace()).toEqual(["data s2c 0+100", "data c2s 0+20", "close end-of-capture"]);

    const other = new Scenario("10.0.0.1", 6000, "10.0.0.2", 5000).c({ t: 0, f: "PA", seq: 1, ack: 1, len: 5 });
    const c2 = run(other).tracker.connections[0]!;
    expect([c2.roleReason, c2.server.port, c2.client.port]).toEqual(["lower-port", 5000, 6000]);

    const both = new Scenario("10.0.0.1", 9092, "10.0.0.2", 443).c({ t: 0, f: "A", seq: 1, ack: 1 });
    const c3 = run(both).tracker.connections[0]!;
    expect([c3.roleReason, c3.server.port]).toEqual(["lower-port", 443]);

    const synAck = new Scenario().s({ t: 0, f: "SA", seq: 5000, ack: 1001 }).c({ t: 1, f: "A", seq: 1001, ack: 5001 });
    const c4 = run(synAck).tracker.connections[0]!;
    expect([c4.roleReason, c4.roleInferred, c4.client.port]).toEqual(["syn-ack", false, 40000]);
  });

  it("port-reuse-new-connection: a SYN with a new ISN starts a new connection, a repeated SYN does not", () => {
    const r = run(scenarios["port-reuse-new-connection"]!());
    expect(r.rows.map((x) => x.connId)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2]);
    expect(flagsOf(r, 7)).toEqual(["reused_ports"]);
    expect(flagsOf(r, 10)).toEqual(["retransmission"]);
    expect(flagsOf(r, 11)).toEqual(["reused_ports"]);
    const [a, b, c] = r.tracker.connections;
    expect(a!.close.how).toBe("fin");
    expect(a!.close.by).toBe("client");
    expect(b!.roleReason).toBe("syn");
    expect(b!.events.reused_ports).toBe(1);
    expect(b!.handshakeRttUs).toBe(10_000);
    expect(c!.firstPacket).toBe(11);
    expect(c!.c2s.baseSeq).toBe(123456);
  });

  it("ignores non-TCP packets", () => {
    const sc = new Scenario().c({ t: 0, f: "S", seq: 1 });
    const p = sc.packets[0]!;
    const r = run([{ ...p, pkt: { ...p.pkt, hasTcp: false, ipProto: 17 } }]);
    expect(r.rows[0]).toMatchObject({ connId: -1, events: 0 });
    expect(r.tracker.connections).toHaveLength(0);
  });

  it("keys connections by 4-tuple in both directions, IPv6 included", () => {
    const sc = new Scenario().handshake();
    const v6 = (p: (typeof sc.packets)[number], fromClient: boolean) => {
      const a = new Uint8Array(16);
      a[0] = 0x20;
      a[1] = 0x01;
      a[2] = 0x0d;
      a[3] = 0xb8;
      a[15] = 1;
      const b = a.slice();
      b[15] = 2;
      return { ...p, pkt: { ...p.pkt, ipVersion: 6 as const, ipId: -1, srcAddr: fromClient ? a : b, dstAddr: fromClient ? b : a } };
    };
    const pkts = sc.packets.map((p) => v6(p, p.pkt.srcPort === 40000));
    const r = run(pkts);
    expect(r.rows.map((x) => x.connId)).toEqual([0, 0, 0]);
    const c = r.tracker.connections[0]!;
    expect(c.client.addr).toBe("2001:db8::1");
    expect(c.server.addr).toBe("2001:db8::2");
    expect(c.c2s.lastIpId).toBe(-1);
    expect(c.handshakeRttUs).toBe(10_000);
  });
});

describe("analysis events", () => {
  it("retransmission: a segment sent again after the RTO; once acknowledged it is spurious", () => {
    const r = run(scenarios.retransmission!());
    expect(flagsOf(r, 5)).toEqual(["retransmission"]);
    expect(flagsOf(r, 7)).toEqual(["retransmission", "spurious_retransmission"]);
    const c = r.tracker.connections[0]!;
    expect(c.events.retransmission).toBe(2);
    expect(c.events.spurious_retransmission).toBe(1);
    expect(r.sinks[0]!.trace()).toEqual(["data c2s 0+100", "close end-of-capture"]);
  });

  it("fast-retransmission: the segment the duplicate ACKs ask for, within 20 ms", () => {
    const r = run(scenarios["fast-retransmission"]!());
    expect([9, 10, 11].map((n) => r.rows[n - 1]!.dupAckNum)).toEqual([1, 2, 3]);
    expect(flagsOf(r, 12)).toEqual(["fast_retransmission", "retransmission"]);
    expect(r.rows[11]!.events & TcpEvent.FAST_RETRANSMISSION).toBeTruthy();
    expect(r.sinks[0]!.stream("c2s")).toEqual(expectedBytes(1001, 400));
  });

  it("out-of-order: a late segment within the out-of-order window (3 ms without an RTT)", () => {
    const r = run(scenarios["out-of-order"]!());
    expect(flagsOf(r, 5)).toEqual(["lost_segment"]);
    expect(flagsOf(r, 6)).toEqual(["out_of_order"]);
    expect(r.tracker.connections[0]!.events.out_of_order).toBe(1);
  });

  it("lost-segment: a hole in the sequence, then an ACK for bytes never seen", () => {
    const r = run(scenarios["lost-segment"]!());
    expect(flagsOf(r, 5)).toEqual(["lost_segment"]);
    expect(flagsOf(r, 6)).toEqual(["ack_lost_segment"]);
    expect(r.tracker.connections[0]!.reassembly).toMatchObject({ gaps: 1, gapBytes: 100 });
  });

  it("dup-ack: repeated pure ACKs are counted; a new window makes a window update instead", () => {
    const r = run(scenarios["dup-ack"]!());
    expect(r.rows.slice(5).map((x) => x.dupAckNum)).toEqual([1, 2, 0, 3]);
    expect(flagsOf(r, 8)).toEqual(["window_update"]);
    expect(r.tracker.connections[0]!.events.duplicate_ack).toBe(3);
  });

  it("zero-window: a receiver advertising 0, then reopening", () => {
    const r = run(scenarios["zero-window"]!());
    expect(flagsOf(r, 5)).toEqual(["zero_window"]);
    expect(flagsOf(r, 6)).toEqual(["window_update"]);
  });

  it("zero-window-probe: the probe byte is flagged, acknowledged, and not delivered twice", () => {
    const r = run(scenarios["zero-window-probe"]!());
    expect(flagsOf(r, 6)).toEqual(["zero_window_probe"]);
    expect(flagsOf(r, 7)).toEqual(["zero_window", "zero_window_probe_ack"]);
    expect(r.sinks[0]!.trace()).toEqual(["data s2c 0+100", "data s2c 100+50", "close end-of-capture"]);
    expect(r.sinks[0]!.stream("s2c")).toEqual(expectedBytes(5001, 150));
  });

  it("keepalive: one byte before the next sequence number, and its ACK; the byte never reaches the sink", () => {
    const r = run(scenarios.keepalive!());
    expect(flagsOf(r, 6)).toEqual(["keep_alive"]);
    expect(flagsOf(r, 7)).toEqual(["keep_alive_ack"]);
    expect(flagsOf(r, 8)).toEqual(["keep_alive"]);
    expect(flagsOf(r, 9)).toEqual(["keep_alive_ack"]);
    expect(r.sinks[0]!.trace()).toEqual(["data c2s 0+100", "data c2s 100+10", "close end-of-capture"]);
    expect(r.sinks[0]!.stream("c2s")).toEqual(expectedBytes(1001, 110));
    expect(r.tracker.connections[0]!.longestIdleUs).toBe(45_004_000);
    expect(r.tracker.connections[0]!.longestIdleEndPacket).toBe(8);
  });

  it("window-full: data up to the right edge of the peer's window", () => {
    const r = run(scenarios["window-full"]!());
    expect(flagsOf(r, 6)).toEqual(["window_full"]);
    // With window scaling (shift 7) the edge is window << 7.
    const scaled = new Scenario()
      .handshake()
      .s({ t: 15, f: "A", seq: 5001, ack: 1001, win: 2 })
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 256 });
    expect(flagsOf(run(scaled), 5)).toEqual(["window_full"]);
  });
});

describe("reassembly", () => {
  it("reorder-reassembly: held segments are delivered in order, with the packets that carried them", () => {
    const r = run(scenarios["reorder-reassembly"]!());
    const sink = r.sinks[0]!;
    expect(sink.stream("c2s")).toEqual(expectedBytes(1001, 400));
    const refs = sink.calls.filter((c) => c.kind === "data").map((c) => [c.ref.first, c.ref.last, c.ref.streamOffset]);
    expect(refs).toEqual([
      [6, 6, 0],
      [5, 6, 100],
      [4, 6, 200],
      [7, 7, 300],
    ]);
    expect(r.tracker.connections[0]!.reassembly.outOfOrderBuffered).toBe(2);
    expect(r.tracker.heldBytes).toBe(0);
    expectSinkContract(sink);
  });

  it("gap-then-resync: a hole given up at the limit becomes a gap and delivery goes on after it", () => {
    const sc = new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .c({ t: 22, f: "PA", seq: 1301, ack: 5001, len: 100 })
      .c({ t: 23, f: "PA", seq: 1401, ack: 5001, len: 100 })
      .c({ t: 500, f: "PA", seq: 1101, ack: 5001, len: 100 });
    const r = run(sc, { limits: { perDirectionBytes: 150, totalBytes: 1 << 20 } });
    const sink = r.sinks[0]!;
    expect(sink.trace()).toEqual(["data c2s 0+100", "gap c2s 100+100", "data c2s 200+100", "data c2s 300+100", "data c2s 400+100", "close end-of-capture"]);
    const gap = sink.calls[1]!;
    expect(gap.kind === "gap" && [gap.ref.first, gap.ref.last]).toEqual([5, 6]);
    const c = r.tracker.connections[0]!;
    // The late copy of the missing bytes (packet 8) arrives after the gap: counted, not delivered.
    expect(c.reassembly).toEqual({ outOfOrderBuffered: 1, gaps: 1, gapBytes: 100, dropped: 1 });
    expectSinkContract(sink);
  });

  it("gaps at capture end: pending holes and a missing tail before the FIN become gaps", () => {
    const sc = new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .c({ t: 21, f: "FA", seq: 1401, ack: 5001 });
    const r = run(sc);
    expect(r.sinks[0]!.trace()).toEqual(["gap c2s 0+100", "data c2s 100+100", "gap c2s 200+200", "close end-of-capture"]);
  });

  it("overlap: retransmitted and overlapping bytes are delivered once, new bytes appended", () => {
    const r = run(scenarios.overlap!());
    const sink = r.sinks[0]!;
    expect(sink.trace()).toEqual(["data c2s 0+100", "data c2s 100+50", "data c2s 150+50", "close end-of-capture"]);
    expect(sink.stream("c2s")).toEqual(expectedBytes(1001, 200));
  });

  it("truncated-snaplen-gap: captured bytes, then a gap for the tail the snap length cut", () => {
    const r = run(scenarios["truncated-snaplen-gap"]!());
    expect(r.sinks[0]!.trace()).toEqual(["data c2s 0+40", "gap c2s 40+60", "data c2s 100+100", "close end-of-capture"]);
    expect(r.sinks[0]!.stream("c2s")).toEqual(new Uint8Array([...expectedBytes(1001, 40), ...expectedBytes(1101, 100)]));
  });

  it("buffer-limit-gap: the total limit across connections forces the gap on the connection that needs room", () => {
    const a = new Scenario("10.0.0.1", 40000).handshake();
    const b = new Scenario("10.0.0.3", 40001).handshake();
    a.c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 10 }).c({ t: 21, f: "PA", seq: 1111, ack: 5001, len: 200 });
    b.c({ t: 22, f: "PA", seq: 1001, ack: 5001, len: 10 }).c({ t: 23, f: "PA", seq: 1111, ack: 5001, len: 100 });
    const pkts = [...a.packets, ...b.packets].map((p, i) => ({ ...p, num: i + 1 }));
    let maxHeld = 0;
    const sinks: RecordingSink[] = [];
    const tracker = new TcpTracker({
      limits: { perDirectionBytes: 1000, totalBytes: 250 },
      openSink: (conn) => (sinks[conn.id] = new RecordingSink()),
    });
    for (const p of pkts) {
      tracker.track(p.num, p.tsUs, p.wireLen, p.pkt, p.frame);
      maxHeld = Math.max(maxHeld, tracker.heldBytes);
    }
    expect(maxHeld).toBe(200);
    // B could not hold 100 more bytes: its hole became a gap right away.
    expect(sinks[1]!.trace()).toEqual(["data c2s 0+10", "gap c2s 10+100", "data c2s 110+100"]);
    expect(sinks[0]!.trace()).toEqual(["data c2s 0+10"]);
    tracker.finish();
    expect(tracker.heldBytes).toBe(0);
    expect(sinks[0]!.trace()).toEqual(["data c2s 0+10", "gap c2s 10+100", "data c2s 110+200", "close end-of-capture"]);
    expect(tracker.connections[1]!.reassembly.gaps).toBe(1);
  });

  it("sequence numbers wrapping past 2^32 reassemble contiguously", () => {
    const isn = 0xffffff00;
    const sc = new Scenario()
      .handshake(0, 10, isn, 5000)
      .c({ t: 20, f: "PA", seq: (isn + 101) >>> 0, ack: 5001, len: 300 })
      .c({ t: 21, f: "PA", seq: (isn + 1) >>> 0, ack: 5001, len: 100 });
    const r = run(sc);
    expect(r.sinks[0]!.stream("c2s")).toEqual(expectedBytes((isn + 1) >>> 0, 400));
    expect(r.sinks[0]!.trace()).toEqual(["data c2s 0+100", "data c2s 100+300", "close end-of-capture"]);
  });

  it("opens the sink lazily at the first payload byte, once; null means no reassembly at all", () => {
    const seen: number[] = [];
    const sc = scenarios["out-of-order"]!();
    const r = run(sc, {
      openSink: (conn) => {
        seen.push(conn.lastPacket);
        conn.dissector = "none";
        return null;
      },
    });
    expect(seen).toEqual([4]); // called while packet 4, the first payload, is tracked
    expect(r.tracker.connections[0]!.dissector).toBe("none");
    expect(r.tracker.connections[0]!.reassembly.outOfOrderBuffered).toBe(0);
    expect(r.tracker.heldBytes).toBe(0);
  });

  it("sink-throws: the error is kept once, the sink gets no more calls, tracking goes on", () => {
    const calls: string[] = [];
    const sink = {
      data(dir: string, bytes: Uint8Array) {
        calls.push(`data ${bytes.length}`);
        if (calls.length === 2) throw new Error("bad frame header");
      },
      gap() {
        calls.push("gap");
      },
      close() {
        calls.push("close");
      },
    };
    const sc = scenarios["fast-retransmission"]!();
    const r = run(sc, { openSink: () => sink });
    expect(calls).toEqual(["data 100", "data 100"]);
    const c = r.tracker.connections[0]!;
    expect(c.malformed).toBe("bad frame header");
    expect(c.events.fast_retransmission).toBe(1);
    expect(c.c2s.packets).toBe(7);
    expect(r.tracker.heldBytes).toBe(0);
  });
});
