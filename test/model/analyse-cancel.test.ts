/**
 * The analysis pass stops when its AbortSignal fires (the TUI quits while a big capture is still
 * being read): it rejects with AnalysisCancelled within a few thousand packets, not at the end.
 */
import { describe, expect, it } from "vitest";
import { AnalysisCancelled, analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { arpPacket, tmpFile, writePcap } from "../tcp/helpers.js";

describe("analyseCapture with a signal", () => {
  const file = tmpFile("many.pcap");
  writePcap(file, Array.from({ length: 100_000 }, (_, i) => arpPacket(i + 1)));

  it("stops soon after the signal and says so", async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const run = analyseCapture(file, {
      registry: createRegistry(),
      signal: stop.signal,
      onProgress: (packets) => {
        seen.push(packets);
        stop.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(AnalysisCancelled);
    // One progress report, then the stop at the next check: far from the 100,000 packets.
    expect(seen).toHaveLength(1);
    expect(seen[0]!).toBeLessThan(100_000);
  });

  it("reads everything when the signal never fires", async () => {
    const capture = await analyseCapture(file, { registry: createRegistry(), signal: new AbortController().signal });
    expect(capture.packets.count).toBe(100_000);
    expect(capture.decode.nonIp).toBe(100_000);
  });
});
