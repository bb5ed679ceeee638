/**
 * `kdiag packets` prints during the one pass (StreamingPacketRows): for every fixture capture its
 * lines are exactly those of the rows built after the pass from the stored model (packetRows),
 * PDUs the end of the capture completes included; and the CLI's first line comes before the
 * capture is read to its end.
 */
import { describe, expect, it } from "vitest";
import { allFixtureCaptures } from "../helpers/fixtures.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { packetRows, packetText, StreamingPacketRows, type PacketJson } from "../../src/report/packets.js";

describe("packets printed in the pass", () => {
  it.each(allFixtureCaptures())("%s", async (_name, file) => {
    const streamed: PacketJson[] = [];
    const rows = new StreamingPacketRows((row) => streamed.push(row));
    const capture = await analyseCapture(file, { registry: createRegistry(), onPacket: (i, pkt, so, frame) => rows.packet(i, pkt, so, frame) });
    rows.end();
    const after = [...packetRows(capture)];
    expect(streamed).toHaveLength(capture.packets.count);
    const first = capture.packets.count > 0 ? capture.packets.tsUs[0]! / 1e6 : 0;
    // Text is what the command prints; JSON rows differ only in a direction a dissector turned at the end.
    expect(streamed.map((r) => packetText(r, first))).toEqual(after.map((r) => packetText(r, first)));
    expect(streamed.map(({ direction: _d, ...rest }) => rest)).toEqual(after.map(({ direction: _d, ...rest }) => rest));
  });
});
