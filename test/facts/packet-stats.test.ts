/**
 * The per-connection packet walk a live capture keeps between evaluations
 * (src/facts/packet-stats.ts): advanced while the pass runs, over the packets that arrived since,
 * it must end where one walk over the finished capture ends — the same counters (RST, FIN,
 * keep-alive probes and the silence before them, what followed the longest silence, which the
 * tracker moves while the connection lives) and the same packets per connection.
 */
import { describe, expect, it } from "vitest";
import { ConnectionPacketScan, scanPackets } from "../../src/facts/packet-stats.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { packetsByConnection } from "../../src/facts/end-shape.js";

const CAPTURES = [
  // keep-alive probes from the client, then the middlebox's reset
  "test/fixtures/incidents/keepalive-too-slow-client.pcap",
  // after the silence, the client retransmits into nothing
  "test/fixtures/incidents/fw-drop-client.pcap",
  "test/fixtures/real/firewall-idle-client.pcap",
  "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz",
];

describe("ConnectionPacketScan advanced during the pass", () => {
  for (const file of CAPTURES) {
    it(`ends equal to one walk over the finished capture: ${file}`, async () => {
      const scan = new ConnectionPacketScan(true);
      let advances = 0;
      const capture = await analyseCapture(file, {
        registry: createRegistry(),
        // Every 7th packet, as a live evaluation would: the connections as the tracker has them then.
        onPacket: (i, _pkt, so) => {
          if (i % 7 === 0) {
            scan.advance(so);
            advances++;
          }
        },
      });
      scan.advance(capture);
      expect(advances).toBeGreaterThan(1);
      const once = scanPackets(capture);
      expect([...scan.stats]).toEqual(once);
      // The counters this test is about are not all zero on these captures.
      const sum = (k: "rstPackets" | "afterIdleClientRetransmissions" | "afterIdleServerPackets") => once.reduce((n, s) => n + s[k], 0);
      expect(sum("rstPackets") + sum("afterIdleClientRetransmissions") + sum("afterIdleServerPackets")).toBeGreaterThan(0);
      const { start, list } = packetsByConnection(capture);
      for (const c of capture.connections) expect([...scan.packetsOf(c.id)], `connection ${c.id}`).toEqual([...list.subarray(start[c.id]!, start[c.id + 1]!)]);
      capture.bytes.close();
    });
  }

  it("keeps a connection's memo until it has new packets; a forgotten connection keeps its memo and loses its packet list", async () => {
    const scan = new ConnectionPacketScan(true);
    const capture = await analyseCapture("test/fixtures/real/firewall-idle-client.pcap", { registry: createRegistry() });
    scan.advance(capture);
    let computed = 0;
    const first = scan.memo("n", 0, () => ++computed);
    expect(scan.memo("n", 0, () => ++computed)).toBe(first);
    expect(computed).toBe(1);
    expect(scan.packetsOf(0).length).toBe(capture.connections[0]!.c2s.packets + capture.connections[0]!.s2c.packets);
    scan.forget([0]);
    expect(scan.packetsOf(0).length).toBe(0);
    expect(scan.memo("n", 0, () => ++computed)).toBe(first);
    // Another connection is unaffected.
    expect(scan.packetsOf(1).length).toBeGreaterThan(0);
    capture.bytes.close();
  });
});
