import { describe, expect, it } from "vitest";
import { analyseCapture } from "../../src/model/analyse.js";
import type { StoredPdu } from "../../src/model/analysed-capture.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { TuiModel } from "../../src/tui/model.js";
import { UNICODE_GLYPHS } from "../../src/tui/text.js";

const fixture = (f: string) => new URL(`../fixtures/${f}`, import.meta.url).pathname;

describe("TUI detail of a PDU", () => {
  it("decodes each of several responses completed by one packet with its own request", async () => {
    // kcat pipelines requests: here many responses start and end in the same packets.
    const registry = createRegistry();
    const capture = await analyseCapture(fixture("rotation/kafka-mixed.pcap.gz"), { registry });
    const model = new TuiModel(capture, [], UNICODE_GLYPHS, false, registry);
    const groups = new Map<string, StoredPdu[]>();
    for (const d of capture.pdus) {
      if (d.dir !== "s2c" || d.dissector !== "kafka") continue;
      const key = `${d.connId}/${d.ref.first}/${d.ref.last}`;
      groups.set(key, [...(groups.get(key) ?? []), d]);
    }
    const shared = [...groups.values()].filter((g) => g.length > 1).flat();
    expect(shared.length).toBeGreaterThan(20);
    const { pdus, error } = model.withTrees(shared);
    expect(error).toBeNull();
    // The detail is the same message as the list shows: same API, version, correlation id, errors.
    expect(pdus.map((d) => d.summary)).toEqual(shared.map((d) => d.summary));
    for (const d of pdus) expect(d.tree?.length ?? 0).toBeGreaterThan(0);
    // ... and each was re-dissected on its own, paired with its own request: a response paired
    // with a neighbour's request fails to decode and costs a re-dissection of the whole connection.
    expect((model as unknown as { detailCache: Map<number, unknown> }).detailCache.size).toBe(0);
    capture.bytes.close();
  });
});
