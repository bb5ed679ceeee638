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

  it("shares one frozen copy of each short list of plain values, telling apart types and -0", () => {
    const pool = new StringPool();
    const a: Record<string, FieldValue> = { e: [0], t: ["orders"], n: ["1"], z: [-0], long: [1, 2, 3, 4, 5], big: [1n] };
    const b: Record<string, FieldValue> = { e: [0], t: ["orders"], n: [1], z: [0], long: [1, 2, 3, 4, 5], big: [1n] };
    pool.fields(a);
    pool.fields(b);
    expect(a.e).toBe(b.e);
    expect(a.t).toBe(b.t);
    expect(Object.isFrozen(a.e)).toBe(true);
    // "1" and 1, -0 and 0 are different lists.
    expect(a.n).not.toBe(b.n);
    expect(b.n).toEqual([1]);
    expect(Object.is((a.z as number[])[0], -0)).toBe(true);
    expect(Object.is((b.z as number[])[0], 0)).toBe(true);
    // Longer lists and lists of BigInts are copied, not shared.
    expect(a.long).not.toBe(b.long);
    expect(a.big).not.toBe(b.big);
    expect(Object.isFrozen(a.long)).toBe(false);
  });
});
