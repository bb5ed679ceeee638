import { describe, expect, it } from "vitest";
import { StringPool } from "../../src/model/string-pool.js";
import type { FieldValue } from "../../src/plugins/api.js";

describe("StringPool", () => {
  it("keeps every value as it was, with arrays replaced by exact copies", () => {
    const pool = new StringPool();
    const errors: number[] = [];
    errors.push(0);
    const nested: FieldValue[] = [["a", "b"], 1n, null, true];
    const fields: Record<string, FieldValue> = { "kafka.client_id": "rdkafka", "kafka.api_key": 0, "kafka.topic_name": ["orders"], "kafka.error": errors, x: nested };
    pool.fields(fields);
    expect(fields).toEqual({ "kafka.client_id": "rdkafka", "kafka.api_key": 0, "kafka.topic_name": ["orders"], "kafka.error": [0], x: [["a", "b"], 1n, null, true] });
    expect(fields["kafka.error"]).not.toBe(errors);
    expect(fields.x).not.toBe(nested);
  });

  it("stays bounded: past its size, and for long strings, nothing more is pooled", () => {
    const pool = new StringPool(2, 8);
    for (const s of ["a", "b", "c", "a", "x".repeat(9)]) expect(pool.get(s)).toBe(s);
    expect(pool.size).toBe(2);
  });
});
