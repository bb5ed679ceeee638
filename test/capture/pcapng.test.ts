/**
 * pcapng features no tool at hand writes: power-of-two and picosecond if_tsresol, if_tsoffset,
 * big-endian and mixed-byte-order sections, simple and obsolete packet blocks, unknown blocks,
 * packets naming an unknown interface, broken block lengths. Written with the test's own pcapng
 * writer and, where tshark reads them, cross-checked against tshark.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatProblem } from "../../src/capture/problems.js";
import { LinkType } from "../../src/capture/types.js";
import { type NgSection, parseBytes, readAll, tempDir, tsharkFrames, writePcapng } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const payload = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

function headers(frames: ReturnType<typeof parseBytes>["frames"]) {
  return frames.map((f) => ({ number: f.number, tsSec: f.tsSec, tsNsec: f.tsNsec, capLen: f.capLen, origLen: f.origLen }));
}

/** Write to a file and check tshark reads the same count, timestamps and lengths. */
async function agreesWithTshark(name: string, bytes: Buffer) {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  const { frames, summary } = await readAll(path);
  expect(headers(frames)).toEqual(tsharkFrames(path));
  return { frames, summary };
}

describe("pcapng timestamps", () => {
  it("if_tsresol as a power of 10 (ms, µs default, ns) and of 2 (2^-10, 2^-20, 2^-32)", async () => {
    const sec = 1_700_000_000;
    const cases: Array<{ tsresol?: number; units: bigint; frac: bigint; ns: number }> = [
      { tsresol: 3, units: 1000n, frac: 123n, ns: 123_000_000 },
      { units: 1_000_000n, frac: 654_321n, ns: 654_321_000 },
      { tsresol: 9, units: 1_000_000_000n, frac: 987_654_321n, ns: 987_654_321 },
      { tsresol: 0x80 | 10, units: 1024n, frac: 512n, ns: 500_000_000 },
      { tsresol: 0x80 | 20, units: 1n << 20n, frac: 3n, ns: 2861 }, // 3 * 1e9 / 2^20 = 2861.02...
      { tsresol: 0x80 | 32, units: 1n << 32n, frac: 1n << 31n, ns: 500_000_000 },
    ];
    const s: NgSection = {
      interfaces: cases.map((c) => ({ linkType: 1, tsresol: c.tsresol })),
      packets: cases.map((c, i) => ({ ifId: i, ts: BigInt(sec + i) * c.units + c.frac, data: payload(60, i) })),
    };
    const { frames, summary } = await agreesWithTshark("tsresol.pcapng", writePcapng([s]));
    expect(summary.problems).toEqual([]);
    expect(frames.map((f) => [f.tsSec, f.tsNsec, f.interfaceId])).toEqual(cases.map((c, i) => [sec + i, c.ns, i]));
  });

  it("resolutions finer than 2^32 units per second (picoseconds, 2^-40) take the exact slow path", () => {
    // 64 bits of picoseconds last only 213 days from the epoch: keep the seconds small.
    const sec = 10_000_000n;
    const s: NgSection = {
      interfaces: [{ linkType: 1, tsresol: 12 }, { linkType: 1, tsresol: 0x80 | 40 }],
      packets: [
        { ifId: 0, ts: sec * 10n ** 12n + 123_456_789_012n, data: payload(40) },
        { ifId: 1, ts: (sec << 40n) + (1n << 39n) + 1n, data: payload(40) },
      ],
    };
    const { frames, summary } = parseBytes(writePcapng([s]));
    expect(summary.problems).toEqual([]);
    expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([
      [10_000_000, 123_456_789],
      [10_000_000, 500_000_000],
    ]);
  });

  it("if_tsoffset shifts the seconds (positive and negative)", async () => {
    const s: NgSection = {
      interfaces: [{ linkType: 1, tsoffset: 1_000_000n }, { linkType: 1, tsresol: 9, tsoffset: -100n }],
      packets: [
        { ifId: 0, ts: 5_000_001n, data: payload(60) },
        { ifId: 1, ts: 1_700_000_000_000_000_007n, data: payload(60) },
      ],
    };
    const { frames } = await agreesWithTshark("tsoffset.pcapng", writePcapng([s]));
    expect(frames.map((f) => [f.tsSec, f.tsNsec])).toEqual([
      [1_000_005, 1000],
      [1_699_999_900, 7],
    ]);
  });
});

describe("pcapng structure", () => {
  it("big-endian section", async () => {
    const s: NgSection = {
      littleEndian: false,
      interfaces: [{ linkType: LinkType.RAW, snapLen: 1500, name: "eth9" }],
      packets: [{ ts: 1_600_000_000_000_001n, data: payload(33), origLen: 70 }],
    };
    const { frames, summary } = await agreesWithTshark("be.pcapng", writePcapng([s]));
    expect(summary.interfaces).toEqual([{ id: 0, linkType: LinkType.RAW, snapLen: 1500, name: "eth9" }]);
    expect(frames[0]).toMatchObject({ tsSec: 1_600_000_000, tsNsec: 1000, capLen: 33, origLen: 70, linkType: LinkType.RAW });
    expect(frames[0]!.data.equals(Buffer.from(payload(33)))).toBe(true);
  });

  it("several sections with different byte orders restart interface ids; frames carry file-wide indexes", async () => {
    const sections: NgSection[] = [
      { interfaces: [{ linkType: 1 }], packets: [{ ts: 1n, data: payload(20, 1) }] },
      {
        littleEndian: false,
        interfaces: [{ linkType: LinkType.LINUX_SLL }, { linkType: LinkType.RAW }],
        packets: [
          { ifId: 1, ts: 2_000_000n, data: payload(21, 2) },
          { ifId: 0, ts: 3_000_000n, data: payload(22, 3) },
        ],
      },
      { interfaces: [{ linkType: LinkType.NULL }], packets: [{ ifId: 0, ts: 4_000_000n, data: payload(23, 4) }] },
    ];
    const { frames, summary } = await agreesWithTshark("sections.pcapng", writePcapng(sections));
    expect(summary.problems).toEqual([]);
    expect(summary.interfaces.map((i) => [i.id, i.linkType])).toEqual([
      [0, 1],
      [1, LinkType.LINUX_SLL],
      [2, LinkType.RAW],
      [3, LinkType.NULL],
    ]);
    expect(frames.map((f) => [f.interfaceId, f.linkType, f.capLen])).toEqual([
      [0, 1, 20],
      [2, LinkType.RAW, 21],
      [1, LinkType.LINUX_SLL, 22],
      [3, LinkType.NULL, 23],
    ]);
    expect(frames[1]!.data.equals(Buffer.from(payload(21, 2)))).toBe(true);
  });

  it("simple packet blocks use interface 0 and its snap length; obsolete packet blocks are read", async () => {
    const s: NgSection = {
      interfaces: [{ linkType: 1, snapLen: 64 }],
      packets: [
        { kind: "spb", data: payload(64), origLen: 1000 }, // cut by the snap length
        { kind: "spb", data: payload(30), origLen: 30 },
        { kind: "spb", data: payload(31), origLen: 31 }, // padded to 32 in the block: capLen stays 31
        { kind: "opb", ts: 1_500_000_000_250_000n, data: payload(50), origLen: 50 },
      ],
    };
    const { frames, summary } = await agreesWithTshark("spb-opb.pcapng", writePcapng([s]));
    expect(summary.problems).toEqual([]);
    expect(frames.map((f) => [f.capLen, f.origLen, f.tsSec, f.tsNsec])).toEqual([
      [64, 1000, 0, 0],
      [30, 30, 0, 0],
      [31, 31, 0, 0],
      [50, 50, 1_500_000_000, 250_000_000],
    ]);
    expect(frames[2]!.data.equals(Buffer.from(payload(31)))).toBe(true);
  });

  it("unknown block types are skipped", async () => {
    const s: NgSection = {
      interfaces: [{ linkType: 1 }],
      unknown: [
        [5, new Uint8Array(20)], // interface statistics
        [0x0bad, new Uint8Array(8)], // custom / unknown
        [4, new Uint8Array(4)], // name resolution
      ],
      packets: [{ ts: 10n, data: payload(10) }],
    };
    const { frames, summary } = parseBytes(writePcapng([s]), [5]);
    expect(summary.problems).toEqual([]);
    expect(frames).toHaveLength(1);
  });

  it("a packet naming an unknown interface is skipped with a non-fatal problem; reading goes on", () => {
    const s: NgSection = {
      interfaces: [{ linkType: 1 }],
      packets: [
        { ts: 1n, data: payload(10) },
        { ifId: 3, ts: 2n, data: payload(11) },
        { kind: "spb", data: payload(12) },
        { ts: 3n, data: payload(13) },
      ],
    };
    const { frames, summary } = parseBytes(writePcapng([s]));
    expect(frames.map((f) => [f.number, f.capLen])).toEqual([
      [1, 10],
      [2, 12],
      [3, 13],
    ]);
    expect(summary.problems).toHaveLength(1);
    const p = summary.problems[0]!;
    expect(p).toMatchObject({ code: "unknown_interface", fatal: false, file: "mem" });
    expect(p.packet).toBeUndefined();
    expect(formatProblem(p)).toMatch(/^mem: offset \d+: packet block at offset \d+ \(after packet 1\) names interface 3, but its section describes 1; skipped$/);
  });

  it("a simple packet block before any interface is skipped, not fatal", () => {
    const { frames, summary } = parseBytes(writePcapng([{ interfaces: [], packets: [{ kind: "spb", data: payload(8) }] }]));
    expect(frames).toEqual([]);
    expect(summary.problems.map((p) => [p.code, p.fatal])).toEqual([["unknown_interface", false]]);
  });

  it("many unknown-interface packets are listed up to a cap, then counted", () => {
    const packets = Array.from({ length: 50 }, (_, i) => ({ ifId: 9, ts: BigInt(i), data: payload(4) }));
    const { summary } = parseBytes(writePcapng([{ interfaces: [{ linkType: 1 }], packets }]));
    expect(summary.problems).toHaveLength(21);
    expect(summary.problems[20]!.message).toBe("30 more problems like the above (unknown_interface) not listed");
  });
});
