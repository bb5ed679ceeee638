/**
 * Decompression budgets (records-summary.ts): each batch is bounded on its own, and a capture and
 * a connection are bounded in all, so hundreds of small bombs cannot cost minutes. Past a budget,
 * batches are still walked (headers, CRC), not decompressed, and the caller hears of it once.
 */
import { describe, expect, it } from "vitest";
import { decodeWithinBudget, type DecompressBudget } from "../../../dissectors/kafka/records-summary.js";
import { concatBytes, encodeBatchV2 } from "./encode.js";

const MiB = 1024 * 1024;
/** A gzip batch of one record of 8 MiB of zeros: about 8 kB on the wire. */
const bomb = (offset: number) => encodeBatchV2({ baseOffset: offset, codec: 1, records: [{ key: null, value: new Uint8Array(8 * MiB) }] });

describe("decompression budgets", () => {
  it("decompresses until a budget runs out, then walks the rest without decompressing", () => {
    const records = concatBytes(bomb(0), bomb(1), bomb(2), bomb(3));
    expect(records.length).toBeLessThan(64 * 1024);
    const connection: DecompressBudget = { left: 100 * MiB };
    const capture: DecompressBudget = { left: 20 * MiB };
    let told = 0;
    const r = decodeWithinBudget(records, [connection, capture], { maxRecords: 0 }, () => told++);
    expect(r.batches).toHaveLength(4);
    expect(r.batches.map((b) => b.uncompressedSize > 8 * MiB)).toEqual([true, true, false, false]);
    // Every batch was still checked.
    expect(r.batches.every((b) => b.crc.ok)).toBe(true);
    expect(r.problems.filter((p) => p.code === "decompressed_too_large")).toHaveLength(2);
    expect(told).toBe(1);
    expect(capture.left).toBeGreaterThanOrEqual(0);
    expect(capture.left).toBeLessThan(4 * MiB + 1);
    expect(connection.left).toBe(100 * MiB - (20 * MiB - capture.left));
  });

  it("a budget already spent elsewhere (another connection of the capture) refuses at once", () => {
    const capture: DecompressBudget = { left: 0 };
    let told = 0;
    const r = decodeWithinBudget(bomb(0), [{ left: 100 * MiB }, capture], { maxRecords: 0 }, () => told++);
    expect(r.batches[0]!.uncompressedSize).toBe(-1);
    expect(told).toBe(1);
  });

  it("within the budgets nothing is refused and nobody is told", () => {
    let told = 0;
    const r = decodeWithinBudget(concatBytes(bomb(0), bomb(1)), [{ left: 100 * MiB }, { left: 100 * MiB }], { maxRecords: 0 }, () => told++);
    expect(r.problems).toEqual([]);
    expect(told).toBe(0);
  });
});
