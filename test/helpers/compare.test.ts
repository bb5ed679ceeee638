// The differential test's comparisons, checked before kdiag's CLI exists: kdiag-shaped JSON built
// from tshark's own answers must compare clean, and each kind of corruption must be reported with
// the connection or packet number and the differing values.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareConnections, comparePacketEvents, comparePacketFields, oracle, type Expected } from "./compare.js";
import { REAL_DIR } from "./fixtures.js";

const fx = (f: string) => ({ name: f, file: join(REAL_DIR, f), decodeAs: [] });

/** What a correct `kdiag flows --json` would print, per the contract (roles taken from the SYN). */
function idealFlows(ex: Expected) {
  return ex.streams.map((s) => ({
    id: s.stream,
    client: { ...s.a },
    server: { ...s.b },
    start_time: s.firstTime,
    end_time: s.lastTime,
    c2s: { packets: s.framesAtoB, bytes: s.bytesAtoB },
    s2c: { packets: s.framesBtoA, bytes: s.bytesBtoA },
    handshake_rtt_ms: s.initialRtt === null ? null : s.initialRtt * 1000,
  }));
}

/** What a correct `kdiag packets --json` would print. */
function idealPackets(ex: Expected) {
  return ex.frames.map((f) => {
    const t = ex.tcp.get(f.number);
    return {
      number: f.number,
      time: f.time,
      length: f.length,
      captured_length: f.capturedLength,
      src: t ? t.src : "x",
      dst: t ? t.dst : "y",
      src_port: t ? t.srcPort : null,
      dst_port: t ? t.dstPort : null,
      connection: t ? t.stream : null,
      direction: t ? "c2s" : null,
      tcp_flags: t ? t.flags : null,
      seq: t ? t.seq : null,
      ack: t ? t.ack : null,
      payload_length: t ? t.len : 0,
      events: (t ? [...t.events] : []) as string[],
    };
  });
}

describe("comparisons against the oracle", () => {
  it("an exact copy of tshark's view compares clean", async () => {
    for (const f of ["normal.pcap", "loss.pcap", "port-reuse.pcap", "snaplen-60.pcap"]) {
      const ex = await oracle(fx(f));
      expect(compareConnections(idealFlows(ex), ex.streams)).toEqual([]);
      expect(comparePacketEvents(idealPackets(ex), ex)).toEqual([]);
      expect(comparePacketFields(idealPackets(ex), ex)).toEqual([]);
    }
  });

  it("client and server swapped is still the same connection, with directions swapped", async () => {
    const ex = await oracle(fx("normal.pcap"));
    const swapped = idealFlows(ex).map((c) => ({ ...c, client: c.server, server: c.client, c2s: c.s2c, s2c: c.c2s }));
    expect(compareConnections(swapped, ex.streams)).toEqual([]);
  });

  it("reports wrong counts, missing and extra connections by id", async () => {
    const ex = await oracle(fx("normal.pcap"));
    const flows = idealFlows(ex);
    flows[0]!.c2s = { packets: 6, bytes: 526 };
    flows.splice(1, 1);
    flows.push({ ...flows[0]!, id: 9 });
    expect(compareConnections(flows, ex.streams)).toEqual([
      "connection 0: c2s.packets kdiag 6 tshark 7",
      "tcp.stream 1 (10.99.1.1:57346 <-> 10.99.2.2:9092) has no connection with id 1",
      "connection 9 (10.99.1.1:57330 -> 10.99.2.2:9092) is not a tcp.stream in tshark",
    ]);
  });

  it("reports packets whose flags differ, naming the packet and the flags", async () => {
    const ex = await oracle(fx("loss.pcap"));
    const pkts = idealPackets(ex);
    // 43 is a fast retransmission: drop one of its two flags; 2 gets a flag tshark does not give.
    pkts[42]!.events = ["retransmission"];
    pkts[1]!.events = ["keep_alive", "bogus"];
    pkts[5]!.connection = 3;
    expect(comparePacketEvents(pkts, ex)).toEqual([
      "packet 2: events kdiag [bogus, keep_alive] tshark [] extra [keep_alive] not-a-tcp-event [bogus]",
      "packet 6: connection kdiag 3 tshark 0",
      "packet 43: events kdiag [retransmission] tshark [fast_retransmission, retransmission] missing [fast_retransmission]",
    ]);
  });

  it("reports non-TCP packets put in a connection, and missing packets", async () => {
    const ex = await oracle(fx("normal.pcap"));
    const pkts = idealPackets(ex);
    pkts[38]!.connection = 0; // the UDP datagram
    pkts.pop(); // the ICMP error
    expect(comparePacketEvents(pkts, ex)).toEqual([
      "packet count kdiag 39 tshark 40",
      "packet 39: not TCP for tshark, kdiag puts it in connection 0",
      "packet 40: missing from kdiag",
    ]);
  });

  it("reports differing header fields", async () => {
    const ex = await oracle(fx("normal.pcap"));
    const pkts = idealPackets(ex);
    pkts[3]!.seq = 2;
    pkts[3]!.payload_length = 25;
    pkts[0]!.ack = 99; // SYN: no ACK flag, so the field is not compared
    pkts[39]!.src_port = 7; // ICMP: must be null
    expect(comparePacketFields(pkts, ex)).toEqual([
      "packet 4: seq 2/1, payload_length 25/26 (kdiag/tshark)",
      "packet 40: src_port 7/null (kdiag/tshark)",
    ]);
  });
});
