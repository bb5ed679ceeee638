/**
 * A packet's PDUs found by bisection (src/model/pdus-by-packet.ts) are those a Map built from the
 * capture's PDUs gives, on real captures with several PDUs in one packet.
 */
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { StoredPdu } from "../../src/model/analysed-capture.js";
import { PdusByPacket } from "../../src/model/pdus-by-packet.js";
import { createRegistry } from "../../src/plugins/builtin.js";

function byMap(pdus: readonly StoredPdu[]): Map<number, StoredPdu[]> {
  const out = new Map<number, StoredPdu[]>();
  for (const d of pdus) out.set(d.packet, [...(out.get(d.packet) ?? []), d]);
  return out;
}

describe("PdusByPacket", () => {
  for (const file of ["test/fixtures/kcat/message-too-large-acks1.pcap.gz", "test/fixtures/matrix/controls/busy-one-host-client.pcap.gz"]) {
    it(`${file}: every packet's PDUs, in order, as a Map of them gives`, async () => {
      const capture = await analyseCapture(file, { registry: createRegistry() });
      const want = byMap(capture.pdus);
      const got = new PdusByPacket(capture.pdus);
      expect(capture.pdus.length).toBeGreaterThan(0);
      for (let p = 1; p <= capture.packets.count + 1; p++) expect(got.get(p), `packet ${p}`).toEqual(want.get(p));
      expect(new Map(got)).toEqual(want);
      capture.bytes.close();
    });
  }

  it("sorts a list given out of packet order, and finds several PDUs of one packet", () => {
    const pdu = (packet: number, summary: string): StoredPdu => ({ dir: "c2s", ref: { first: packet, last: packet, tsUs: 0, streamOffset: 0 }, length: 1, summary, fields: {}, connId: 0, dissector: "x", packet });
    const list = [pdu(9, "c"), pdu(2, "a"), pdu(9, "d"), pdu(5, "b")];
    const got = new PdusByPacket(list);
    expect(got.get(9)?.map((d) => d.summary)).toEqual(["c", "d"]);
    expect(got.get(2)?.map((d) => d.summary)).toEqual(["a"]);
    expect(got.get(3)).toBeUndefined();
    expect(got.get(10)).toBeUndefined();
    expect([...got].map(([p]) => p)).toEqual([2, 5, 9]);
  });
});
