/**
 * Finding Kafka: the port table (9092, --kafka-port) and the heuristic that recognises a request
 * header on any port — and stays quiet on HTTP, gRPC, DNS, MQTT and the rest.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { detectKafka } from "../../dissectors/kafka/framing.js";

const PUBLIC = fileURLToPath(new URL("../fixtures/public/", import.meta.url));

function flows(...args: string[]): Array<{ server: { port: number }; dissector: string | null; c2s: { payload_bytes: number }; s2c: { payload_bytes: number } }> {
  const r = spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).connections;
}

function request(apiKey: number, version: number, clientId: string): Uint8Array {
  const id = new TextEncoder().encode(clientId);
  const b = new Uint8Array(14 + id.length + 4);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, b.length - 4);
  dv.setInt16(4, apiKey);
  dv.setInt16(6, version);
  dv.setInt32(8, 7);
  dv.setInt16(12, id.length);
  b.set(id, 14);
  return b;
}

describe("Kafka detection", () => {
  it.each(readdirSync(join(PUBLIC, "deepflow-other")).filter((f) => f.endsWith(".pcap")))(
    "does not claim the non-Kafka capture %s",
    (f) => {
      const conns = flows("flows", "--json", join(PUBLIC, "deepflow-other", f));
      expect(conns.length).toBeGreaterThan(0);
      expect(conns.map((c) => c.dissector)).not.toContain("kafka");
    },
  );

  it.each(readdirSync(join(PUBLIC, "deepflow-kafka")).filter((f) => f.endsWith(".pcap")))(
    "finds Kafka in %s without being told the port",
    (f) => {
      const conns = flows("flows", "--json", join(PUBLIC, "deepflow-kafka", f)).filter(
        (c) => c.c2s.payload_bytes + c.s2c.payload_bytes > 0,
      );
      expect(conns.length).toBeGreaterThan(0);
      expect(conns.map((c) => c.dissector)).toEqual(conns.map(() => "kafka"));
    },
  );

  it("recognises a request header from the first bytes, and asks for more when too few", () => {
    expect(detectKafka(request(3, 12, "my-app"), "c2s")).toBe("yes");
    expect(detectKafka(request(3, 12, "my-app").subarray(0, 10), "c2s")).toBe("more");
    // Seen from the side the roles were guessed to be the server's: it is really the client.
    expect(detectKafka(request(0, 9, "producer-1"), "s2c")).toBe("client");
  });

  it.each([
    ["HTTP", new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")],
    ["TLS ClientHello", Uint8Array.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0, 0, 0, 0, 0])],
    ["unknown API key", request(999, 0, "x")],
    ["version far past the table", request(0, 40, "x")],
    ["client id with control bytes", request(3, 1, "a\u0001b")],
  ])("declines %s", (_name, bytes) => {
    expect(detectKafka(bytes, "c2s")).toBe("no");
  });

  it("--kafka-port adds a port to the table", () => {
    const f = join(PUBLIC, "deepflow-kafka", "13-leave-group-v4.pcap");
    expect(flows("--kafka-port", "36333", "flows", "--json", f)[0]!.dissector).toBe("kafka");
  });
});
