/**
 * Real traffic: the records fields of the Produce requests in the public deepflow captures,
 * compared with what tshark 4.0.17 printed for them (`tshark -r F -d tcp.port==36333,kafka -V`,
 * saved in test/fixtures/kafka-records/tshark-*.txt). Where tshark is wrong or gives up, the
 * expected values are read off the hex by hand and say so.
 *
 * The Fetch v12 responses in the same captures carry no partitions at all (21-byte responses:
 * throttle, error, session id, empty topic array), so no Fetch records exist to compare.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeRecords, type LegacyBatch, type RecordBatchV2 } from "../../../dissectors/kafka/records/index.js";
import { produceRecords } from "./pcap.js";

const CAPTURES = new URL("../../fixtures/public/deepflow-kafka/", import.meta.url);
const TSHARK = new URL("../../fixtures/kafka-records/", import.meta.url);

const dec = new TextDecoder();
const str = (b: Uint8Array | undefined): string => (b ? dec.decode(b) : "<null>");

/** The value of `Label: value` lines in tshark's -V text, in order. */
function tshark(file: string, label: string): string[] {
  const text = readFileSync(new URL(`tshark-${file}.txt`, TSHARK), "utf8");
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(?:[.01 ]+= )?([A-Za-z0-9 ()]+?): (.*)$/.exec(line);
    if (m && m[1] === label) out.push(m[2]!);
  }
  return out;
}

function only(file: string) {
  const found = produceRecords(new URL(`${file}.pcap`, CAPTURES).pathname);
  expect(found.length).toBe(1);
  const p = found[0]!;
  return { p, res: decodeRecords(p.records, { keepValues: true }) };
}

describe("Produce v2 (magic 1 message set), 00-produce-v2.pcap", () => {
  const { p, res } = only("00-produce-v2");
  const b = res.batches[0] as LegacyBatch;

  it("agrees with tshark on offset, size, CRC, magic, codec and timestamp type", () => {
    expect(p).toMatchObject({ apiVersion: 2, topic: "topic2", partition: 0 });
    expect(res.problems).toEqual([]);
    expect(res.partialTail).toBe(false);
    expect(res.batches.length).toBe(1);
    expect(String(b.baseOffset)).toBe(tshark("00-produce-v2", "Offset")[0]);
    expect(String(b.messageSize)).toBe(tshark("00-produce-v2", "Message Size")[0]);
    expect(`0x${b.crc.stored.toString(16).padStart(8, "0")}`).toBe(tshark("00-produce-v2", "CRC32")[0]);
    expect(String(b.magic)).toBe(tshark("00-produce-v2", "Magic Byte")[0]);
    expect(tshark("00-produce-v2", "Compression Codec")[0]).toBe("None (0)");
    expect(b.codec).toBe("none");
    expect(tshark("00-produce-v2", "Timestamp Type")[0]).toBe("CreateTime (0)");
    expect(b.timestampType).toBe("create");
  });

  it("reads the timestamp, key and value tshark 4.0.17 gets wrong, and verifies the CRC", () => {
    // tshark prints "Jul 2, 13971" and Key/Value <MISSING>: it reads the timestamp one byte late
    // (00 01 58 74 1c d9 09 ff). The bytes say 00 00 01 58 74 1c d9 09 = 1479416797449 ms,
    // 2016-11-17T21:06:37.449Z, 360 ms before the capture's own frame time (21:06:37.809715).
    expect(tshark("00-produce-v2", "Timestamp")[0]).toMatch(/13971/);
    expect(new Date(b.firstTimestamp).toISOString()).toBe("2016-11-17T21:06:37.449Z");
    expect(b.crc.ok).toBe(true); // tshark does not check it
    expect(b.records).toEqual([
      expect.objectContaining({ offset: 0, timestamp: 1479416797449, keyLength: -1, valueLength: 27 }),
    ]);
    expect(str(b.records[0]!.value)).toBe("Message without compression");
  });
});

describe("Produce v7 (magic 2 batch with a header), 00-produce-v7-sw8.pcap", () => {
  const { p, res } = only("00-produce-v7-sw8");
  const b = res.batches[0] as RecordBatchV2;
  const t = (label: string): string => tshark("00-produce-v7-sw8", label)[0]!;

  it("agrees with tshark on every batch header field", () => {
    expect(p).toMatchObject({ apiVersion: 7, topic: "quickstart-events", partition: 0 });
    expect(res.problems).toEqual([]);
    expect(String(b.baseOffset)).toBe(t("Offset"));
    expect(String(b.batchLength)).toBe(t("Message Size"));
    expect(String(b.partitionLeaderEpoch)).toBe(t("Leader Epoch"));
    expect(String(b.magic)).toBe(t("Magic Byte"));
    expect(`0x${b.crc.stored.toString(16)}`).toBe(t("CRC32"));
    expect(t("Compression Codec")).toBe("None (0)");
    expect(t("Transactional")).toBe("Non-transactional (0)");
    expect(b.transactional).toBe(false);
    expect(t("Control Batch")).toBe("Data batch (0)");
    expect(b.control).toBe(false);
    expect(String(b.lastOffsetDelta)).toBe(t("Last Offset Delta"));
    expect(b.producerId).toBe(t("Producer ID"));
    expect(String(b.producerEpoch)).toBe(t("Producer Epoch"));
    expect(String(b.baseSequence)).toBe(t("Base Sequence"));
    expect(String(b.recordCount)).toBe(t("Size"));
    expect(b.crc.ok).toBe(true); // CRC-32C verified here; tshark does not check it
  });

  it("agrees with tshark on the record: timestamp, offset, key, value, header", () => {
    const r = b.records[0]!;
    expect(new Date(r.timestamp).toISOString()).toBe("2023-11-15T08:39:30.325Z");
    expect(t("Timestamp")).toBe("Nov 15, 2023 08:39:30.325000000 UTC");
    expect(String(r.offset)).toBe(tshark("00-produce-v7-sw8", "Offset")[1]);
    expect(`"${str(r.key)}"`).toBe(t("Key"));
    expect(`"${str(r.value)}"`).toBe(t("Value"));
    expect(r.headers.map((h) => h.key)).toEqual([t("Header Key")]);
    expect(r.headers[0]!.valueLength).toBe(t("Header Value").length - 2);
    expect(`"${str(r.headers[0]!.value)}"`).toBe(t("Header Value")); // 141 bytes, under the 256-byte preview
  });

  it("gives the batch timestamps tshark 4.0.17 prints as 'Jan 1, 1970 00:06:35.-769478891'", () => {
    expect(t("First Timestamp")).toMatch(/^Jan {2}1, 1970/);
    expect(b.firstTimestamp).toBe(1700037570325);
    expect(b.maxTimestamp).toBe(1700037570325);
  });
});

describe("Produce v9 (flexible request), 00-produce-v9.pcap", () => {
  const { p, res } = only("00-produce-v9");
  const b = res.batches[0] as RecordBatchV2;

  it("decodes the batch tshark 4.0.17 cannot reach ('Unsupported Produce version', Malformed)", () => {
    expect(tshark("00-produce-v9", "API Version")[0]).toBe("9");
    expect(readFileSync(new URL("tshark-00-produce-v9.txt", TSHARK), "utf8")).toMatch(/Malformed Packet/);
    expect(p).toMatchObject({ apiVersion: 9, correlationId: 47, topic: "zqy-test", partition: 0 });
    expect(res.problems).toEqual([]);
    // Values read off the hex: 00..00 | 00000057 | ffffffff | 02 | 3345f48e | 0000 | 00000000 |
    // 00000191ea86ee1d ×2 | ff… ×14 | 00000001 | record 4a 00 00 00 01 3e 'q'×31 00
    expect(b).toMatchObject({
      baseOffset: 0,
      batchLength: 0x57,
      partitionLeaderEpoch: -1,
      codec: "none",
      lastOffsetDelta: 0,
      firstTimestamp: 0x191ea86ee1d,
      maxTimestamp: 0x191ea86ee1d,
      producerId: "-1",
      producerEpoch: -1,
      baseSequence: -1,
      recordCount: 1,
    });
    expect(b.crc).toEqual({ stored: 0x3345f48e, computed: 0x3345f48e, ok: true });
    expect(new Date(b.firstTimestamp).toISOString()).toBe("2024-09-13T08:36:37.021Z");
    expect(b.records).toEqual([expect.objectContaining({ offset: 0, keyLength: -1, valueLength: 31, headers: [] })]);
    expect(str(b.records[0]!.value)).toBe("q".repeat(31));
  });
});
