/**
 * TLS takes port 9093 and any connection that opens with a ClientHello, and nothing else: Kafka
 * keeps its connections on 9092, on TLS's own 9093 (SASL_PLAINTEXT and PLAINTEXT listeners are
 * often there) and on other ports; TLS is found on Kafka's 9092 and on ports nobody names.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, TLS_DIR, flows, withPort } from "./helpers.js";

const KCAT = join(FIXTURES, "kcat");
const kcat = readdirSync(KCAT).filter((f) => f.endsWith(".pcap"));

describe("Kafka is not taken for TLS", () => {
  it.each(kcat)("kcat/%s still decodes as Kafka, and on port 9093 too", (f) => {
    const file = join(KCAT, f);
    const before = flows(file);
    const kafka = before.filter((c) => c.dissector === "kafka");
    expect(kafka.length).toBeGreaterThan(0);
    const port = kafka[0]!.server.port;
    const moved = flows(withPort(file, port, 9093));
    expect(moved.map((c) => c.dissector)).toEqual(before.map((c) => c.dissector));
    expect(moved.filter((c) => c.dissector === "kafka").every((c) => c.server.port === 9093)).toBe(true);
  });

  it("real/normal.pcap keeps its Kafka connections on 9092 and on 9093", () => {
    const file = join(FIXTURES, "real", "normal.pcap");
    const before = flows(file).map((c) => c.dissector);
    expect(before).toContain("kafka");
    expect(before).not.toContain("tls");
    expect(flows(withPort(file, 9092, 9093)).map((c) => c.dissector)).toEqual(before);
  });

  it("a TLS terminator's plaintext side on 9093 is Kafka, its TLS side is TLS", () => {
    const conns = flows(join(TLS_DIR, "terminator-kafka-producer.pcap"));
    expect(conns.map((c) => [c.server.port, c.dissector])).toEqual([
      [9093, "tls"],
      [9093, "kafka"],
    ]);
  });
});

describe("TLS is found", () => {
  const tls = readdirSync(TLS_DIR).filter((f) => f.endsWith(".pcap") && !f.startsWith("terminator"));
  it.each(tls)("%s: on 9093 (port table), on Kafka's 9092 and on 4433 (heuristic)", (f) => {
    const file = join(TLS_DIR, f);
    expect(flows(file).map((c) => c.dissector)).toEqual(["tls"]);
    expect(flows(withPort(file, 9093, 9092)).map((c) => c.dissector)).toEqual(["tls"]);
    expect(flows(withPort(file, 9093, 4433)).map((c) => c.dissector)).toEqual(["tls"]);
  });
});
