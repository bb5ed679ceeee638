/**
 * A capture too big for the process's memory: past the heap budget the pass stops storing
 * protocol messages (and says from which packet, and what to do), while connections and TCP
 * analysis still cover the whole capture. No out-of-memory crash.
 */
import { describe, expect, it } from "vitest";
// The generator is the long-connection benchmark's (plain JS).
import { writeLongConnection } from "../../bench/long-connection.js";
import { formatProblem } from "../../src/capture/problems.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { tmpFile } from "../tcp/helpers.js";

describe("the heap budget of the analysis pass", () => {
  const file = tmpFile("long.pcap");
  writeLongConnection(file, 10_000); // 30,003 packets, one connection, 20,000 PDUs

  it("keeps everything within the budget", async () => {
    const capture = await analyseCapture(file, { registry: createRegistry() });
    expect(capture.pdus).toHaveLength(20_000);
    expect(capture.exchanges).toHaveLength(10_000);
    expect(capture.summary.problems).toEqual([]);
  });

  it("past it, stores no more messages, says from where, and still reads every packet", async () => {
    const capture = await analyseCapture(file, { registry: createRegistry(), heapBudget: 1 });
    // The heap is checked every 16,384 packets: the first check is over budget.
    expect(capture.pdus.length).toBeGreaterThan(0);
    expect(capture.pdus.length).toBeLessThan(20_000);
    expect(Math.max(...capture.pdus.map((p) => p.packet))).toBeLessThanOrEqual(16_384);
    expect(capture.packets.count).toBe(30_003);
    expect(capture.connections[0]!.c2s.packets + capture.connections[0]!.s2c.packets).toBe(30_003);
    const problem = capture.summary.problems.find((p) => p.code === "memory_limit")!;
    expect(problem.fatal).toBe(false);
    expect(problem.packet).toBe(16_384);
    expect(formatProblem(problem)).toMatch(/long\.pcap: packet 16384: protocol messages from here on are not kept, to stay within memory .*--max-old-space-size/);
  });
});
