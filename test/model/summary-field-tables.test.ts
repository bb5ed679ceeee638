/**
 * What the stores give back for the summaries and field values they keep in Int32Array columns
 * (src/model/summary-table.ts, field-table.ts): the very text and values the dissector handed
 * over, for the shapes the compact form treats apart (numbers with leading zeros or too long to
 * fit, a NUL in a summary, -0, fractions, big integers, shared lists, booleans, null).
 */
import { describe, expect, it } from "vitest";
import { FieldTable } from "../../src/model/field-table.js";
import { SummaryTable } from "../../src/model/summary-table.js";
import type { FieldValue } from "../../src/plugins/api.js";

describe("SummaryTable", () => {
  const summaries = [
    "Fetch v11 Response corr=5123 topics=orders",
    "Fetch v11 Response corr=5124 topics=orders",
    "Produce v7 corr=0 client=console-consumer-42 topics=metrics.v2 1.034ms",
    "corr=007 leading zeros stay as written",
    "1234567890 is longer than nine digits, 123456789 is not",
    "99",
    "",
    "-0 and -5 keep their minus",
    "a NUL \u0000 12 in the text",
    "ends with a number 0",
    "0001",
    "Encrypted Alert",
  ];

  it("gives back every summary byte for byte, whatever its numbers", () => {
    const t = new SummaryTable();
    summaries.forEach((s, row) => t.set(row, s));
    t.trim(summaries.length);
    expect(summaries.map((_, row) => t.get(row))).toEqual(summaries);
  });

  it("still gives them back after thousands of rows spread the numbers over several chunks", () => {
    const t = new SummaryTable();
    const given = Array.from({ length: 20_000 }, (_, i) => `Fetch v${i % 13} Response corr=${i * 7} topics=t${i % 5} ${i % 1000}.${String(i % 100).padStart(3, "0")}ms`);
    given.forEach((s, row) => t.set(row, s));
    expect(given.map((_, row) => t.get(row))).toEqual(given);
  });
});

describe("FieldTable", () => {
  const shared = Object.freeze([0]) as FieldValue[];
  const rows: Array<Record<string, FieldValue>> = [
    { "kafka.api_key": 1, "kafka.correlation_id": -1, "kafka.client_id": "rdkafka", "kafka.error": shared },
    { "kafka.api_key": 1, "kafka.correlation_id": 2 ** 31 - 1, "kafka.client_id": "rdkafka", "kafka.error": shared },
    { "x.neg_zero": -0, "x.fraction": 1.5, "x.big": 2 ** 40, "x.min": -(2 ** 30), "x.below": -(2 ** 30) - 1, "x.edge": 2 ** 30 - 1, "x.above": 2 ** 30 },
    { "x.bool": true, "x.false": false, "x.null": null, "x.bigint": 12345678901234567890n, "x.nan": Number.NaN, "x.list": [1, "a", [2]] },
    {},
  ];

  it("gives back each row's values with their keys in order, and one value by name", () => {
    const t = new FieldTable();
    rows.forEach((f, row) => t.set(row, f));
    rows.forEach((f, row) => {
      const got = t.get(row);
      expect(Object.keys(got)).toEqual(Object.keys(f));
      for (const k of Object.keys(f)) {
        expect(Object.is(got[k], f[k])).toBe(true);
        expect(Object.is(t.value(row, k), got[k])).toBe(true);
      }
      expect(t.value(row, "kafka.nothing")).toBeUndefined();
    });
    expect(Object.is(t.get(2)["x.neg_zero"], -0)).toBe(true);
    // A shared list comes back as the same (frozen) list, not a copy.
    expect(t.get(1)["kafka.error"]).toBe(shared);
  });

  it("gives back numbers that are not small integers over several chunks of its doubles, each as stored", () => {
    const t = new FieldTable();
    // kafka.response_time as the Kafka dissector stores it (fractional ms), large integers, -0.
    const given = Array.from({ length: 40_000 }, (_, i) => ({ "kafka.response_time": i / 1000 + 0.001, "x.big": 2 ** 31 + i, "x.small": i, "x.neg_zero": i % 2 ? -0 : 0.5 }));
    given.forEach((f, row) => t.set(row, f));
    for (const row of [0, 1, 16_383, 16_384, 20_000, 32_768, 39_999]) {
      const got = t.get(row);
      expect(got).toEqual(given[row]);
      expect(Object.is(got["x.neg_zero"], given[row]!["x.neg_zero"])).toBe(true);
      expect(t.value(row, "kafka.response_time")).toBe(given[row]!["kafka.response_time"]);
    }
  });
});
