/**
 * One PDU re-dissected on its own (from the packets that carried it) gives the same tree, and
 * the same bytes in the same frames, as its whole connection re-dissected, on every Kafka capture
 * among the fixtures: lossy, out of order, multi-segment, mid-connection starts, roles the
 * dissector turned. It stands aside (null) only where the connection's history matters.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allFixtureCaptures } from "../helpers/fixtures.js";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture, StoredPdu } from "../../src/model/analysed-capture.js";
import { redissectConnection } from "../../src/model/redissect.js";
import { redissectPdu } from "../../src/model/redissect-pdu.js";
import type { StreamMap } from "../../src/model/stream-map.js";
import type { TreeNode } from "../../src/plugins/api.js";
import { createRegistry } from "../../src/plugins/builtin.js";

/** Labels and the frame pieces of each placed node, depth first. */
function shape(nodes: readonly TreeNode[] | undefined, pdu: StoredPdu, streams: StreamMap, out: string[] = []): string[] {
  for (const n of nodes ?? []) {
    const where = n.offset !== undefined && n.length ? streams.locate(pdu.dir, pdu.ref.streamOffset + n.offset, n.length, 1000).map((p) => `${p.packet}@${p.offset}+${p.length}`).join(",") : "";
    out.push(`${n.label} ${where}`);
    shape(n.children, pdu, streams, out);
  }
  return out;
}

function packetsOf(capture: AnalysedCapture, connId: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < capture.packets.count; i++) if (capture.packets.connId[i] === connId) out.push(i);
  return out;
}

describe("redissectPdu against the whole connection", () => {
  const files = allFixtureCaptures();
  it.each(files)("%s", async (_name, file) => {
    const registry = createRegistry();
    const capture = await analyseCapture(file, { registry });

    // Several requests (or responses) can complete in one packet (64 kB loopback segments in
    // rotation/kafka-mixed.pcap.gz): the packets and the correlation id tell them apart.
    const corr = (d: { fields: Record<string, unknown> }) => d.fields["kafka.correlation_id"];
    const byResponse = new Map(capture.exchanges.filter((e) => e.request && e.response).map((e) => [`${e.connId}/${e.response!.first}/${e.response!.last}/${String(corr(e))}`, e]));
    const requestOf = (r: StoredPdu) => {
      const req = byResponse.get(`${r.connId}/${r.ref.first}/${r.ref.last}/${String(corr(r))}`)?.request;
      if (!req) return null;
      const candidates = capture.pdus.filter((d) => d.connId === r.connId && d.dir === "c2s" && d.ref.first === req.first && d.ref.last === req.last);
      return candidates.find((d) => corr(d) !== undefined && corr(d) === corr(r)) ?? candidates[0] ?? null;
    };
    let alone = 0;
    for (const connId of new Set(capture.pdus.map((p) => p.connId))) {
      const whole = redissectConnection(capture, connId, registry);
      const packets = packetsOf(capture, connId);
      for (const stored of capture.pdus.filter((p) => p.connId === connId)) {
        const one = redissectPdu(capture, stored, registry, packets, requestOf);
        if (!one) {
          // Allowed only where the pass drew on the connection's history: a response whose request was
          // not captured, or a TLS record read in the light of earlier ones (an encrypted handshake
          // message after a ChangeCipherSpec, the end of a message that spans records), or a SASL
          // message whose mechanism the connection's SaslHandshake named.
          const sasl = Object.keys(stored.fields).some((k) => k.startsWith("kafka.sasl."));
          const history = (requestOf(stored) === null && stored.dir === "s2c") || stored.dissector === "tls" || sasl;
          expect(history, `${stored.summary} fell back`).toBe(true);
          continue;
        }
        alone++;
        // By stream offset too: one packet may complete several PDUs with the same summary (TLS records).
        const same = whole.pdus.find((a) => a.packet === stored.packet && a.dir === stored.dir && a.ref.first === stored.ref.first && a.ref.streamOffset === stored.ref.streamOffset && a.summary === stored.summary)!;
        expect(one.pdu.fields).toEqual(same.fields);
        expect(shape(one.pdu.tree, one.pdu, one.streams)).toEqual(shape(same.tree, same, whole.streams));
      }
    }
    if (capture.pdus.some((p) => p.dissector === "kafka")) expect(alone).toBeGreaterThan(0);
  });
});
