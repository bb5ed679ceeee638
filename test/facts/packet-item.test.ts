/**
 * Packet items (src/facts/packet-item.ts) find each packet's previous packet in its connection
 * (tcp.time_delta) from one slot per connection as a walk goes forward, and build the
 * connections' facts only when an item reads conn.*: the answers must be those of the whole
 * capture, whatever order the items are asked in.
 */
import { describe, expect, it } from "vitest";
import { buildConnectionFacts, type Facts } from "../../src/facts/build.js";
import { PacketItems, pdusByPacket } from "../../src/facts/packet-item.js";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { createRegistry } from "../../src/plugins/builtin.js";

/** tcp.time_delta of packet `i` from the packet index alone (the previous packet of its connection). */
function expectedDelta(capture: AnalysedCapture, i: number): number | undefined {
  const p = capture.packets;
  const c = p.connId[i]!;
  if (c < 0) return undefined;
  for (let k = i - 1; k >= 0; k--) if (p.connId[k] === c) return (p.tsUs[i]! - p.tsUs[k]!) / 1e6;
  return 0;
}

function deltaOf(items: PacketItems, i: number): number | undefined {
  let out: number | undefined;
  items.some(i, (f) => {
    out = (f.tcp as Facts).time_delta as number | undefined;
    return true;
  });
  return out;
}

describe("packet items", () => {
  // Several connections whose packets interleave.
  const file = "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz";

  it("tcp.time_delta is the time since the connection's previous packet, in a forward walk, a second walk and any order", async () => {
    const capture = await analyseCapture(file, { registry: createRegistry() });
    try {
      const n = capture.packets.count;
      expect(capture.connections.length).toBeGreaterThan(1);
      const expected = Array.from({ length: n }, (_, i) => expectedDelta(capture, i));
      // Not all first packets: some deltas are positive.
      expect(expected.filter((d) => d !== undefined && d > 0).length).toBeGreaterThan(n / 2);
      const items = new PacketItems(capture, buildConnectionFacts(capture), pdusByPacket(capture));
      const forward = Array.from({ length: n }, (_, i) => deltaOf(items, i));
      expect(forward).toEqual(expected);
      // A second filter walks from the start again.
      expect(Array.from({ length: n }, (_, i) => deltaOf(items, i))).toEqual(expected);
      // One connection's packets (a connection-scoped filter), then packets backwards.
      const one = capture.connections[1]!.id;
      for (let i = 0; i < n; i++) if (capture.packets.connId[i] === one) expect(deltaOf(items, i), `packet ${i + 1}`).toEqual(expected[i]);
      for (let i = n - 1; i >= 0; i -= 3) expect(deltaOf(items, i), `packet ${i + 1}`).toEqual(expected[i]);
    } finally {
      capture.bytes.close();
    }
  });

  it("builds the connections' facts on the first read of conn.*, once", async () => {
    const capture = await analyseCapture(file, { registry: createRegistry() });
    try {
      let built = 0;
      const items = new PacketItems(capture, () => {
        built++;
        return buildConnectionFacts(capture);
      }, pdusByPacket(capture));
      const i = capture.packets.connId.findIndex((c) => c >= 0);
      items.some(i, (f) => (f.tcp as Facts).flags !== undefined);
      expect(built).toBe(0);
      let stream: unknown;
      items.some(i, (f) => {
        stream = (f.conn as Facts).client_port;
        return true;
      });
      items.some(i + 1, (f) => (f.conn as Facts).client_port !== undefined);
      expect(built).toBe(1);
      expect(stream).toBeDefined();
      expect(stream).toEqual(buildConnectionFacts(capture)[capture.packets.connId[i]!]!.client_port);
    } finally {
      capture.bytes.close();
    }
  });
});
