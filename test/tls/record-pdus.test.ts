/**
 * The preference "tls.record_pdus" (set false by `kdiag kafka` and `kdiag exchanges`, which show
 * no TLS record): decrypted application-data records are not stored as messages, and what they
 * carry (the Kafka) is stored exactly as when they are; the handshake and alerts stay.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseKeyLog } from "../../dissectors/tls/keylog.js";
import type { AnalysedCapture } from "../../src/model/analysed-capture.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { TLS_RECORD_PDUS } from "../../src/plugins/registry.js";
import { TLS_DIR, kdiagJson } from "./helpers.js";

async function analysed(name: string, recordPdus: boolean | undefined): Promise<AnalysedCapture> {
  const registry = createRegistry();
  registry.preferences.set("tls.keylog", parseKeyLog(readFileSync(join(TLS_DIR, `${name}.keys`), "utf8")).keyLog);
  if (recordPdus !== undefined) registry.preferences.set(TLS_RECORD_PDUS, recordPdus);
  return analyseCapture(join(TLS_DIR, `${name}.pcap`), { registry });
}

const row = (p: AnalysedCapture["pdus"][number]) => ({ dissector: p.dissector, packet: p.packet, dir: p.dir, ref: p.ref, length: p.length, summary: p.summary, fields: p.fields });
const isDecryptedData = (p: AnalysedCapture["pdus"][number]) => p.dissector === "tls" && p.fields["tls.record.decrypted_type"] === 23;

describe("tls.record_pdus false: only what the decrypted records carry is stored", () => {
  for (const name of ["terminator-kafka-producer", "tls13-key-update", "tls12-ecdhe-rsa-aes128-gcm"]) {
    it(`${name}: the same messages, exchanges and notes but the decrypted application-data records`, async () => {
      const all = await analysed(name, undefined);
      const some = await analysed(name, false);
      expect(all.pdus.filter(isDecryptedData).length).toBeGreaterThan(0);
      expect(some.pdus.filter(isDecryptedData)).toEqual([]);
      expect(some.pdus.map(row)).toEqual(all.pdus.filter((p) => !isDecryptedData(p)).map(row));
      // The handshake is still there (the rules' TLS facts read it).
      expect(some.pdus.some((p) => p.dissector === "tls" && p.summary.includes("Client Hello"))).toBe(true);
      expect(some.exchanges.map((e) => [e.summary, e.request, e.response, e.fields])).toEqual(all.exchanges.map((e) => [e.summary, e.request, e.response, e.fields]));
      expect(some.notes).toEqual(all.notes);
    });
  }

  it("the kafka command's exchanges over TLS are those of packets' view of the same run", () => {
    const file = join(TLS_DIR, "terminator-kafka-producer.pcap");
    const keys = join(TLS_DIR, "terminator-kafka-producer.keys");
    const exchanges = kdiagJson("--tls-keylog", keys, "kafka", "--json", file).exchanges as Array<{ summary: string; request_packets: number[] }>;
    const packets = JSON.stringify(kdiagJson("--tls-keylog", keys, "packets", "--json", file));
    expect(exchanges.length).toBeGreaterThan(0);
    expect(packets).toContain("Application Data (decrypted,");
    for (const e of exchanges.filter((x) => x.request_packets.length > 0)) expect(packets).toContain(`"number":${e.request_packets[0]},`);
  });
});
