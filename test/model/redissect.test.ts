/**
 * redissectConnection: one connection read back from the capture file and dissected again in
 * detail mode gives the PDUs the analysis pass stored (same packets, directions, summaries and
 * fields), now with their Kafka trees.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { AnalysedCapture, StoredPdu } from "../../src/model/analysed-capture.js";
import { redissectConnection } from "../../src/model/redissect.js";
import type { TreeNode } from "../../src/plugins/api.js";
import { createRegistry } from "../../src/plugins/builtin.js";

const KCAT = join(import.meta.dirname, "..", "fixtures", "kcat");

/** Every label of a tree, depth first, indented by depth. */
function labels(nodes: readonly TreeNode[] | undefined, depth = 0, out: string[] = []): string[] {
  for (const n of nodes ?? []) {
    out.push(`${"  ".repeat(depth)}${n.label}`);
    labels(n.children, depth + 1, out);
  }
  return out;
}

/** What must match between the pass and the re-dissection (the tree is the only addition). */
function shape(p: StoredPdu) {
  return { connId: p.connId, dir: p.dir, packet: p.packet, ref: p.ref, length: p.length, summary: p.summary, fields: p.fields, malformed: p.malformed };
}

async function load(file: string): Promise<{ capture: AnalysedCapture; registry: ReturnType<typeof createRegistry> }> {
  const registry = createRegistry();
  const capture = await analyseCapture(file, { registry });
  return { capture, registry };
}

function sameAsPass(capture: AnalysedCapture, connId: number, again: StoredPdu[]): void {
  const stored = capture.pdus.filter((p) => p.connId === connId);
  expect(again.map(shape)).toEqual(stored.map(shape));
  for (const p of stored) expect(p.tree).toBeUndefined(); // the pass keeps no trees
}

describe("redissectConnection", () => {
  it("gives the Produce request of produce-lz4 its tree: topic, lz4 batch with CRC ok, 20 records", async () => {
    const { capture, registry } = await load(join(KCAT, "produce-lz4.pcap"));
    const again = redissectConnection(capture, 0, registry).pdus;
    sameAsPass(capture, 0, again);
    const produce = again.find((p) => p.dir === "c2s" && p.fields["kafka.api_key"] === 0)!;
    expect(produce).toBeDefined();
    const text = labels(produce.tree);
    expect(text[0]).toBe("Request header");
    expect(text).toContain("  api_key: 0 (Produce)");
    expect(text).toContain("  client_id: \"kcat-producer\"");
    expect(text.some((l) => l.trim() === "name: \"orders\"")).toBe(true);
    expect(text.some((l) => /records: 558 bytes, 1 batch, 20 records$/.test(l))).toBe(true);
    const batch = text.find((l) => l.trim().startsWith("Record batch 0:"))!;
    expect(batch.trim()).toBe("Record batch 0: offsets 0-19, codec lz4, CRC ok, 20 records, 558 bytes");
    const records = text.filter((l) => l.trim().startsWith("Record offset "));
    expect(records).toHaveLength(20);
    // README: record i (offset i-1) has key order-ii, value {"id":i,...}, header source=kdiag
    expect(records[0]!.trim()).toBe('Record offset 0: key "order-01"');
    expect(records[19]!.trim()).toBe('Record offset 19: key "order-20"');
    expect(text.some((l) => l.trim() === 'Value (34 bytes): "{"id":1,"item":"widget-1","qty":3}"')).toBe(true);
    expect(text.some((l) => l.trim() === '"source": "kdiag"')).toBe(true);
    // every PDU of the connection carries a tree in detail mode
    for (const p of again) expect(p.tree?.length).toBeGreaterThan(0);
  });

  it("decodes the records of a Fetch response (consume-lz4)", async () => {
    const { capture, registry } = await load(join(KCAT, "consume-lz4.pcap"));
    const fetch = capture.pdus.find((p) => p.dir === "s2c" && p.fields["kafka.api_key"] === 1 && p.fields["kafka.record_count"] === 20)!;
    expect(fetch).toBeDefined();
    const again = redissectConnection(capture, fetch.connId, registry).pdus;
    sameAsPass(capture, fetch.connId, again);
    const same = again.find((p) => p.packet === fetch.packet && p.dir === "s2c")!;
    const text = labels(same.tree);
    expect(text[0]).toBe("Response header");
    expect(text.some((l) => l.trim() === "Record batch 0: offsets 0-19, codec lz4, CRC ok, 20 records, 558 bytes")).toBe(true);
    expect(text.filter((l) => l.trim().startsWith("Record offset "))).toHaveLength(20);
    expect(text.some((l) => l.trim() === 'Record offset 7: key "order-08"')).toBe(true);
  });

  it("comes out with the same directions on a connection whose roles the dissector corrected", async () => {
    // produce-consume-port36399 without the handshakes and with the client port moved below the
    // broker's: the lower-port guess is wrong and the Kafka heuristic swaps the roles.
    const dir = mkdtempSync(join(tmpdir(), "kdiag-redissect-"));
    const file = join(dir, "no-handshake.pcap");
    writeFileSync(file, rewrite(readFileSync(join(KCAT, "produce-consume-port36399.pcap")), 40672, 30000));
    const { capture, registry } = await load(file);
    const conn = capture.connections.find((c) => c.client.port === 30000 || c.server.port === 30000)!;
    expect(conn.roleReason).toBe("dissector");
    expect(conn.server.port).toBe(36399);
    const again = redissectConnection(capture, conn.id, registry).pdus;
    expect(again.length).toBeGreaterThan(0);
    sameAsPass(capture, conn.id, again);
    const produce = again.find((p) => p.fields["kafka.api_key"] === 0 && p.dir === "c2s")!;
    expect(labels(produce.tree).some((l) => l.trim() === 'Record offset 0: key "order-01"')).toBe(true);
  });

  it("returns nothing for an unknown connection", async () => {
    const { capture, registry } = await load(join(KCAT, "produce-none.pcap"));
    expect(redissectConnection(capture, 99, registry).pdus).toEqual([]);
  });
});

/**
 * A classic pcap (Ethernet, IPv4) without SYN segments, with TCP port `from` replaced by `to`
 * (checksums are left as they are: kdiag does not check them).
 */
function rewrite(pcap: Buffer, from: number, to: number): Buffer {
  const out: Buffer[] = [pcap.subarray(0, 24)];
  let at = 24;
  while (at + 16 <= pcap.length) {
    const capLen = pcap.readUInt32LE(at + 8);
    const rec = Buffer.from(pcap.subarray(at, at + 16 + capLen));
    at += 16 + capLen;
    const ip = 16 + 14;
    const tcp = ip + (rec[ip]! & 0x0f) * 4;
    if (rec[tcp + 13]! & 0x02) continue; // SYN
    for (const o of [tcp, tcp + 2]) if (rec.readUInt16BE(o) === from) rec.writeUInt16BE(to, o);
    out.push(rec);
  }
  return Buffer.concat(out);
}
