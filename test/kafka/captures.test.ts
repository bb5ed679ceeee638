/**
 * Real bytes: the public deepflow Kafka captures, committed under test/fixtures/public/deepflow-kafka
 * (copies of ../shared/captures/public/deepflow-kafka; origin and licence in
 * test/fixtures/public/README.md). Headers and bodies are decoded with the table interpreter and
 * compared with Wireshark's reading.
 *
 * EXPECTED below was recorded with TShark 4.0.17:
 *   tshark -r F -d tcp.port==36333,kafka -T fields -e frame.number -e kafka.api_key
 *     -e kafka.api_version -e kafka.correlation_id -e kafka.client_id -e kafka.topic_name -e kafka.error
 * Where tshark 4.0 stops ("Unsupported Fetch version. Supports v0-11", Produce v9), the values
 * come from reading the bytes by hand, and the test asserts that we decode the whole PDU.
 * When tshark is installed, a second test re-runs it and compares live.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decodeRequest,
  decodeResponse,
  fitResponseVersions,
  type KafkaObject,
  type KafkaValue,
} from "../../dissectors/kafka/schema/decode.js";
import { kafkaPdus, type CapturedPdu } from "./pcap-pdus.js";

const DIR = fileURLToPath(new URL("../fixtures/public/deepflow-kafka", import.meta.url));

interface Expect {
  frame: number;
  api_key: number;
  /** Request only (responses carry none). */
  api_version?: number;
  correlation_id: number;
  client_id?: string;
  topics: string[];
  errors: number[];
  /** tshark 4.0 cannot decode this PDU's body. */
  tsharkFails?: true;
}

const EXPECTED: Record<string, Expect[]> = {
  "00-produce-v2.pcap": [
    { frame: 1, api_key: 0, api_version: 2, correlation_id: 1, client_id: "console-producer", topics: ["topic2"], errors: [] },
    { frame: 2, api_key: 0, correlation_id: 1, topics: ["topic2"], errors: [0] },
  ],
  "00-produce-v7-sw8.pcap": [
    { frame: 4, api_key: 0, api_version: 7, correlation_id: 1, client_id: "kafka-python-producer-1", topics: ["quickstart-events"], errors: [] },
    { frame: 6, api_key: 0, correlation_id: 1, topics: ["quickstart-events"], errors: [0] },
  ],
  "00-produce-v9.pcap": [
    { frame: 1, api_key: 0, api_version: 9, correlation_id: 47, client_id: "console-producer", topics: ["zqy-test"], errors: [], tsharkFails: true },
    { frame: 2, api_key: 0, correlation_id: 47, topics: ["zqy-test"], errors: [0], tsharkFails: true },
  ],
  "01-fetch-v12-ok.pcap": [
    { frame: 1, api_key: 1, api_version: 12, correlation_id: 15603, client_id: "consumer-console-consumer-8919-1", topics: ["zqy-test"], errors: [], tsharkFails: true },
    { frame: 2, api_key: 1, correlation_id: 15603, topics: [], errors: [0], tsharkFails: true },
  ],
  "01-fetch-v12-perf.pcap": [
    { frame: 1, api_key: 1, api_version: 12, correlation_id: 20, client_id: "consumer-console-consumer-84107-1", topics: [], errors: [], tsharkFails: true },
    { frame: 2, api_key: 1, correlation_id: 20, topics: [], errors: [0], tsharkFails: true },
  ],
  "01-fetch-v12-unknown.pcap": [
    { frame: 1, api_key: 1, api_version: 12, correlation_id: 20, client_id: "consumer-console-consumer-84107-1", topics: [], errors: [], tsharkFails: true },
    // 0x1400: not a Kafka error code (the capture's bytes say so); we report it as read.
    { frame: 2, api_key: 1, correlation_id: 20, topics: [], errors: [5120], tsharkFails: true },
  ],
  "11-join-group-v7.pcap": [
    { frame: 1, api_key: 11, api_version: 7, correlation_id: 120, client_id: "consumer-zzzz12-1", topics: [], errors: [] },
    { frame: 2, api_key: 11, correlation_id: 120, topics: [], errors: [-1] },
  ],
  "13-leave-group-v4.pcap": [
    { frame: 1, api_key: 13, api_version: 4, correlation_id: 201, client_id: "consumer-zzzz12-1", topics: [], errors: [] },
    { frame: 2, api_key: 13, correlation_id: 201, topics: [], errors: [0, 0] },
  ],
  "14-sync-group-v5.pcap": [
    { frame: 1, api_key: 14, api_version: 5, correlation_id: 120, client_id: "consumer-zzzz12-1", topics: [], errors: [] },
    { frame: 2, api_key: 14, correlation_id: 120, topics: [], errors: [-1] },
  ],
  "18-api-versions-v3.pcap": [
    { frame: 1, api_key: 18, api_version: 3, correlation_id: 2, client_id: "adminclient-1", topics: [], errors: [] },
    { frame: 2, api_key: 18, correlation_id: 2, topics: [], errors: [0] },
  ],
  "mixed-with-unsupported.pcap": [
    { frame: 1, api_key: 1, api_version: 13, correlation_id: 15551976, client_id: "consumer-frauddetectionservice-1", topics: [], errors: [], tsharkFails: true },
    { frame: 3, api_key: 8, api_version: 8, correlation_id: 15551977, client_id: "consumer-frauddetectionservice-1", topics: ["orders"], errors: [] },
    { frame: 4, api_key: 8, correlation_id: 15551977, topics: ["orders"], errors: [0] },
    { frame: 6, api_key: 12, api_version: 4, correlation_id: 15551978, client_id: "consumer-frauddetectionservice-1", topics: [], errors: [] },
    { frame: 7, api_key: 12, correlation_id: 15551978, topics: [], errors: [0] },
    { frame: 9, api_key: 1, correlation_id: 15551976, topics: [], errors: [0], tsharkFails: true },
  ],
};

/** Error codes anywhere in the tree, in wire order (what tshark lists as kafka.error). */
function errorCodes(v: KafkaValue, out: number[] = []): number[] {
  if (Array.isArray(v)) for (const e of v) errorCodes(e, out);
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "error_code" && typeof x === "number") out.push(x);
      else errorCodes(x, out);
    }
  }
  return out;
}

/** Topic names: `name`/`topic` of the elements of topic-level arrays (kafka.topic_name). */
function topicNames(v: KafkaValue, out: string[] = [], parent = ""): string[] {
  if (Array.isArray(v)) for (const e of v) topicNames(e, out, parent);
  else if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if ((k === "name" || k === "topic") && typeof x === "string" && /^(topics|topic_data|responses)$/.test(parent)) out.push(x);
      else topicNames(x, out, k);
    }
  }
  return out;
}

interface Decoded {
  frame: number;
  api_key: number;
  api_version?: number;
  correlation_id: number;
  client_id?: string;
  topics: string[];
  errors: number[];
  body: KafkaObject;
  ok: boolean;
  trailing: number;
}

/** Requests first tell each response its API key and version (pairing by correlation id). */
function decodeCapture(pdus: CapturedPdu[]): Decoded[] {
  const pending = new Map<number, { key: number; version: number }>();
  const out: Decoded[] = [];
  for (const p of pdus) {
    if (p.dir === "c2s") {
      const r = decodeRequest(p.bytes);
      const h = r.header;
      pending.set(h.correlation_id!, { key: h.api_key!, version: h.api_version! });
      out.push({
        frame: p.frame, api_key: h.api_key!, api_version: h.api_version!, correlation_id: h.correlation_id!,
        client_id: h.client_id ?? undefined, topics: topicNames(r.body), errors: errorCodes(r.body), body: r.body,
        ok: r.ok, trailing: r.trailing,
      });
    } else {
      const corr = new DataView(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).getInt32(0);
      const req = pending.get(corr);
      if (!req) throw new Error(`frame ${p.frame}: response without request`);
      const r = decodeResponse(p.bytes, req.key, req.version);
      out.push({
        frame: p.frame, api_key: req.key, correlation_id: r.header.correlation_id!, topics: topicNames(r.body),
        errors: errorCodes(r.body), body: r.body, ok: r.ok, trailing: r.trailing,
      });
    }
  }
  return out;
}

const present = existsSync(DIR);

describe(present ? "public deepflow Kafka captures" : "public deepflow Kafka captures: test/fixtures/public/deepflow-kafka ABSENT, nothing to compare", () => {
  if (!present) {
    it("test/fixtures/public/deepflow-kafka is not available in this checkout", () => {
      expect(present).toBe(false);
    });
    return;
  }

  for (const [file, expected] of Object.entries(EXPECTED)) {
    it(`${file}: headers, topics and error codes match tshark`, () => {
      const got = decodeCapture(kafkaPdus(join(DIR, file)));
      for (const g of got) {
        expect(g.ok, `${file} frame ${g.frame}`).toBe(true);
        expect(g.trailing, `${file} frame ${g.frame}`).toBe(0);
      }
      expect(got.map(({ body: _b, ok: _o, trailing: _t, ...rest }) => rest)).toEqual(
        expected.map(({ tsharkFails: _f, ...rest }) => rest),
      );
    });
  }

  it("decodes what tshark 4.0 cannot: Fetch v13 in mixed-with-unsupported.pcap", () => {
    const got = decodeCapture(kafkaPdus(join(DIR, "mixed-with-unsupported.pcap")));
    const fetch = got.find((g) => g.frame === 1)!;
    expect(fetch.body).toMatchObject({
      replica_id: -1, max_wait_ms: 500, min_bytes: 1, max_bytes: 52428800, isolation_level: 0,
      session_id: 1191256040, session_epoch: 3684, topics: [], forgotten_topics_data: [], rack_id: "",
    });
    const res = got.find((g) => g.frame === 9)!;
    expect(res.body).toEqual({ throttle_time_ms: 0, error_code: 0, session_id: 1191256040, responses: [] });
  });

  it("decodes Fetch v12 partitions and Produce v9 records references", () => {
    const fetch = decodeCapture(kafkaPdus(join(DIR, "01-fetch-v12-ok.pcap")))[0]!;
    expect(fetch.body.topics).toEqual([
      { topic: "zqy-test", partitions: [{ partition: 0, current_leader_epoch: 0, fetch_offset: 36n, last_fetched_epoch: -1, log_start_offset: -1n, partition_max_bytes: 1048576 }] },
    ]);
    const pdus = kafkaPdus(join(DIR, "00-produce-v9.pcap"));
    const produce = decodeRequest(pdus[0]!.bytes);
    const rec = (produce.body.topic_data as KafkaObject[])[0]!.partition_data as KafkaObject[];
    const ref = rec[0]!.records as { offset: number; length: number };
    expect(ref.offset + ref.length).toBe(pdus[0]!.bytes.length - 3); // then 3 empty tagged sections
    // The reference points at a magic-2 record batch: byte 16 of the batch is the magic.
    expect(pdus[0]!.bytes[ref.offset + 16]).toBe(2);
  });

  it("ApiVersions v3 response: 59 API ranges and the tagged finalized_features_epoch (tshark: tag 1 = 0)", () => {
    const pdus = kafkaPdus(join(DIR, "18-api-versions-v3.pcap"));
    const r = decodeResponse(pdus[1]!.bytes, 18, 3);
    expect(r.ok).toBe(true);
    const keys = r.body.api_keys as KafkaObject[];
    expect(keys).toHaveLength(59);
    expect(keys[0]).toEqual({ api_key: 0, min_version: 0, max_version: 9 });
    expect(keys[1]).toEqual({ api_key: 1, min_version: 0, max_version: 12 });
    expect(r.body.finalized_features_epoch).toBe(0n);
    expect(r.body.throttle_time_ms).toBe(0);
  });

  it("fits the orphan Fetch response of mixed-with-unsupported.pcap to the flexible versions", () => {
    const pdu = kafkaPdus(join(DIR, "mixed-with-unsupported.pcap")).find((p) => p.frame === 9)!;
    const fits = fitResponseVersions(1, pdu.bytes);
    expect(fits).toContain(13);
    expect(fits.every((v) => v >= 12)).toBe(true);
    // Not a Produce response of any version.
    expect(fitResponseVersions(0, pdu.bytes)).toEqual([]);
  });

  const tshark = (() => {
    try {
      execFileSync("tshark", ["-v"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  })();
  it(tshark ? "live tshark agrees on api key, version, correlation id and client id" : "live tshark check: tshark NOT INSTALLED, recorded values only", () => {
    if (!tshark) {
      expect(tshark).toBe(false);
      return;
    }
    for (const [file, expected] of Object.entries(EXPECTED)) {
      const out = execFileSync("tshark", ["-r", join(DIR, file), "-d", "tcp.port==36333,kafka", "-T", "fields",
        "-e", "frame.number", "-e", "kafka.api_key", "-e", "kafka.api_version", "-e", "kafka.correlation_id", "-e", "kafka.client_id",
        "-Y", "kafka"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const rows = out.trim().split("\n").map((l) => l.split("\t"));
      for (const e of expected) {
        const row = rows.find((r) => Number(r[0]) === e.frame);
        expect(row, `${file} frame ${e.frame}`).toBeDefined();
        expect(Number(row![3])).toBe(e.correlation_id);
        if (e.api_version !== undefined) {
          expect(Number(row![1])).toBe(e.api_key);
          expect(Number(row![2])).toBe(e.api_version);
          expect(row![4]).toBe(e.client_id);
        }
      }
    }
  });
});
