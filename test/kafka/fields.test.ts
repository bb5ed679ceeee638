import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { API_NAMES, KAFKA_FIELDS, KAFKA_OWN_FIELDS } from "../../dissectors/kafka/fields.js";
import { KAFKA_ERROR_HELP } from "../../dissectors/kafka/error-help.js";
import { useRegistry } from "../../src/facts/schema.js";
import { kafkaErrorHelp, kafkaErrorName } from "../../src/facts/kafka-names.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { KAFKA_ERRORS } from "../../dissectors/kafka/generated/errors.js";

describe("Kafka field specs", () => {
  it("names are unique and well-formed", () => {
    const names = KAFKA_FIELDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
    for (const f of KAFKA_FIELDS) expect(f.description.length).toBeGreaterThan(10);
  });

  it("includes the fields rules and filters rely on, with enum tables", () => {
    const by = new Map(KAFKA_FIELDS.map((f) => [f.name, f]));
    for (const n of ["kafka.len", "kafka.api_key", "kafka.api_version", "kafka.correlation_id", "kafka.client_id", "kafka.topic_name",
      "kafka.partition_id", "kafka.error", "kafka.required_acks", "kafka.timeout", "kafka.throttle_time", "kafka.request_frame",
      "kafka.response_frame", "kafka.response_time"]) {
      expect(by.has(n), n).toBe(true);
    }
    expect(by.get("kafka.api_key")!.values![0]).toBe("Produce");
    expect(by.get("kafka.api_key")!.values![18]).toBe("ApiVersions");
    expect(Object.keys(API_NAMES)).toHaveLength(88);
    expect(by.get("kafka.error")!.values![10]).toBe("MESSAGE_TOO_LARGE");
  });

  const tshark = (() => {
    try {
      return execFileSync("tshark", ["-G", "fields"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 256 << 20 });
    } catch {
      return null;
    }
  })();
  it(tshark ? "every name except our own extensions exists in tshark -G fields" : "tshark NOT INSTALLED: Wireshark name check not run", () => {
    if (!tshark) {
      expect(tshark).toBeNull();
      return;
    }
    const ws = new Set(tshark.split("\n").map((l) => l.split("\t")[2]).filter((n): n is string => n !== undefined));
    for (const f of KAFKA_FIELDS) {
      if (KAFKA_OWN_FIELDS.has(f.name)) expect(ws.has(f.name), `${f.name} now exists in Wireshark`).toBe(false);
      else expect(ws.has(f.name), f.name).toBe(true);
    }
  });
});

describe("error names and help", () => {
  it("explains at least the codes an operator meets, with matching names, through the fact schema", () => {
    useRegistry(createRegistry());
    const required = [1, 2, 3, 5, 6, 7, 10, 13, 14, 15, 16, 17, 18, 19, 25, 27, 29, 35, 36, 41, 42, 47, 51, 58, 73, 74, 76, 79, 87, 89, 100];
    for (const c of required) {
      expect(kafkaErrorHelp(c), `help for ${c}`).toMatch(/^[A-Z].{20,200}\.$/);
      expect(KAFKA_ERRORS[c], `name for ${c}`).toBeDefined();
    }
    for (const c of Object.keys(KAFKA_ERROR_HELP).map(Number)) expect(KAFKA_ERRORS[c], `explained code ${c} exists`).toBeDefined();
    expect(kafkaErrorName(10)).toBe("MESSAGE_TOO_LARGE");
    expect(kafkaErrorName(18)).toBe("RECORD_LIST_TOO_LARGE");
    expect(kafkaErrorName(-1)).toBe("UNKNOWN_SERVER_ERROR");
    expect(kafkaErrorName(5120)).toBe("ERROR_5120");
    expect(kafkaErrorHelp(0)).toBeUndefined();
  });
});
