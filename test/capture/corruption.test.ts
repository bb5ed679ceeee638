/**
 * Damaged input: cut at every byte, garbage headers, absurd lengths, block length mismatches, and
 * a property test over random damage. The reader must never throw, always end, report at most one
 * fatal problem with a known code, and deliver every packet before the damage intact.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { formatProblem } from "../../src/capture/problems.js";
import { readCaptureStream } from "../../src/capture/read.js";
import type { CaptureProblemCode, CaptureSummary } from "../../src/capture/types.js";
import {
  type Copied,
  copyFrame,
  type NgSection,
  parseBytes,
  pcapngBlocks,
  pcapRecords,
  PUBLIC,
  tempDir,
  tool,
  writePcap,
  writePcapng,
} from "./helpers.js";

const CODES: CaptureProblemCode[] = [
  "not_found",
  "unreadable",
  "empty",
  "unknown_format",
  "truncated_header",
  "truncated_record",
  "bad_record_length",
  "bad_block",
  "bad_section",
  "unknown_interface",
  "gzip_error",
];

const SMALL_PCAP = readFileSync(join(PUBLIC, "deepflow-kafka/00-produce-v2.pcap"));
const NINE_PCAP = readFileSync(join(PUBLIC, "deepflow-kafka/00-produce-v7-sw8.pcap"));
let SMALL_NG: Buffer;
const tmp = tempDir();
beforeAll(() => {
  tool("editcap", ["-F", "pcapng", join(PUBLIC, "deepflow-kafka/00-produce-v2.pcap"), join(tmp.dir, "small.pcapng")]);
  SMALL_NG = readFileSync(join(tmp.dir, "small.pcapng"));
});
afterAll(() => tmp.cleanup());

/** Packets of an intact file with the stream offset where their record/block ends. */
function packetsWithEnds(buf: Buffer): Array<{ end: number; frame: Copied }> {
  const { frames, summary } = parseBytes(buf);
  expect(summary.problems).toEqual([]);
  const ends =
    buf.readUInt32LE(0) === 0x0a0d0d0a
      ? pcapngBlocks(buf)
          .filter(([, , t]) => t === 6 || t === 3 || t === 2)
          .map(([, e]) => e)
      : pcapRecords(buf).map(([, e]) => e);
  expect(ends).toHaveLength(frames.length);
  return frames.map((frame, i) => ({ end: ends[i]!, frame }));
}

function checkInvariants(input: Uint8Array, frames: Copied[], summary: CaptureSummary): void {
  const fatal = summary.problems.filter((p) => p.fatal);
  expect(fatal.length).toBeLessThanOrEqual(1);
  if (fatal.length === 1) expect(summary.problems[summary.problems.length - 1]).toBe(fatal[0]);
  for (const p of summary.problems) {
    expect(CODES).toContain(p.code);
    expect(p.offset).toBeGreaterThanOrEqual(0);
    expect(p.offset).toBeLessThanOrEqual(input.length);
    expect(formatProblem(p)).not.toContain("\n");
  }
  expect(summary.frames).toBe(frames.length);
  frames.forEach((f, i) => {
    expect(f.number).toBe(i + 1);
    expect(f.data.length).toBe(f.capLen);
    expect(f.tsNsec).toBeGreaterThanOrEqual(0);
    expect(f.tsNsec).toBeLessThan(1e9);
    // Every delivered byte is the input's byte at fileOffset: nothing invented, nothing shifted.
    expect(Buffer.from(input.subarray(f.fileOffset, f.fileOffset + f.capLen)).equals(f.data)).toBe(true);
  });
}

describe("cut at every byte", () => {
  for (const [name, get] of [
    ["classic pcap", () => SMALL_PCAP],
    ["classic pcap, 9 packets", () => NINE_PCAP],
    ["pcapng", () => SMALL_NG],
  ] as const) {
    it(`${name}: packets before the cut, then one precise problem`, () => {
      const full = get();
      const packets = packetsWithEnds(full);
      const ng = full.readUInt32LE(0) === 0x0a0d0d0a;
      const headerEnd = ng ? pcapngBlocks(full)[0]![1] : 24;
      // Records start where the previous record ends (pcapng: any block, not only packets).
      const starts = ng ? pcapngBlocks(full).map(([s]) => s) : [24, ...pcapRecords(full).map(([, e]) => e)];
      for (let cut = 0; cut <= full.length; cut++) {
        const input = full.subarray(0, cut);
        for (const chunks of cut % 17 === 0 ? [[cut || 1], [1], [5, 3]] : [[cut || 1]]) {
          const { frames, summary } = parseBytes(input, chunks);
          const expected = packets.filter((p) => p.end <= cut).map((p) => p.frame);
          expect(frames).toEqual(expected);
          checkInvariants(input, frames, summary);
          const codes = summary.problems.map((p) => p.code);
          if (cut === 0) expect(codes).toEqual(["empty"]);
          else if (cut < headerEnd) expect(codes).toEqual(["truncated_header"]);
          else if (starts.includes(cut) || cut === full.length) expect(codes).toEqual([]);
          else {
            expect(codes).toEqual(["truncated_record"]);
            const p = summary.problems[0]!;
            expect(p.packet).toBe(expected.length + 1);
            expect(p.offset).toBe(Math.max(...starts.filter((s) => s < cut)));
            expect(summary.bytes).toBe(p.offset);
          }
        }
      }
    });
  }
});

describe("gzip cut at every byte", () => {
  it("packets that were fully decompressed, then one fatal problem; never a throw", async () => {
    const full = gzipSync(NINE_PCAP);
    const all = parseBytes(NINE_PCAP).frames;
    for (let cut = 0; cut < full.length; cut++) {
      const frames: Copied[] = [];
      const input = Readable.from(cut === 0 ? [] : [full.subarray(0, cut)]);
      const { summary } = await readCaptureStream("gz", input, (f) => frames.push(copyFrame(f)), { spool: false });
      expect(frames).toEqual(all.slice(0, frames.length));
      const fatal = summary.problems.filter((p) => p.fatal);
      expect(fatal).toHaveLength(1);
      expect(summary.problems).toHaveLength(1);
      if (cut === 0) expect(fatal[0]!.code).toBe("empty");
      // One byte cannot be told from a non-capture; from two on it is a gzip stream cut short.
      else if (cut === 1) expect(fatal[0]!.code).toBe("unknown_format");
      else expect(fatal[0]!.code).toBe("gzip_error");
    }
  });
});

describe("damaged headers", () => {
  const pkt = (n: number) => ({ sec: 1_700_000_000, usec: n, data: Buffer.alloc(60, n) });

  /** `layout` is the intact file whose record positions apply (a damaged one cannot be walked). */
  function withRecordField(file: Buffer, record: number, field: number, value: number, layout = file): Buffer {
    const b = Buffer.from(file);
    const [start] = pcapRecords(layout)[record]!;
    b.writeUInt32LE(value >>> 0, start + field);
    return b;
  }

  it("incl_len 0xFFFFFFFF: bad_record_length at that packet, earlier packets delivered", () => {
    const file = writePcap([pkt(1), pkt(2), pkt(3)]);
    const bad = withRecordField(file, 1, 8, 0xffffffff);
    const { frames, summary } = parseBytes(bad);
    expect(frames).toHaveLength(1);
    expect(summary.problems).toEqual([
      {
        code: "bad_record_length",
        fatal: true,
        file: "mem",
        packet: 2,
        offset: pcapRecords(file)[1]![0],
        message: `record header at offset ${pcapRecords(file)[1]![0]} claims 4294967295 captured bytes (limit 16777216)`,
      },
    ]);
    expect(formatProblem(summary.problems[0]!)).toBe(`mem: packet 2: ${summary.problems[0]!.message}`);
  });

  it("incl_len beyond snap length, wire length and 256 KiB is refused; backed by the wire length it is read", () => {
    const file = writePcap([pkt(1), pkt(2)], 65535);
    const bad = withRecordField(file, 1, 8, 300_000);
    expect(parseBytes(bad).summary.problems.map((p) => [p.code, p.packet])).toEqual([["bad_record_length", 2]]);
    // With orig_len 300000 too the length is plausible: the reader waits for the bytes, which are not there.
    const plausible = withRecordField(bad, 1, 12, 300_000, file);
    expect(parseBytes(plausible).summary.problems.map((p) => [p.code, p.packet])).toEqual([["truncated_record", 2]]);
  });

  it("incl_len of 0 is an empty packet, not an error", () => {
    const file = writePcap([pkt(1), { sec: 1, usec: 0, data: Buffer.alloc(0), origLen: 60 }, pkt(3)]);
    const { frames, summary } = parseBytes(file);
    expect(summary.problems).toEqual([]);
    expect(frames.map((f) => [f.capLen, f.origLen])).toEqual([
      [60, 60],
      [0, 60],
      [60, 60],
    ]);
  });

  it("a microsecond field of a second or more carries into the seconds", () => {
    const { frames } = parseBytes(writePcap([{ sec: 10, usec: 2_500_000, data: Buffer.alloc(4) }]));
    expect([frames[0]!.tsSec, frames[0]!.tsNsec]).toEqual([12, 500_000_000]);
  });

  it("pcap version other than 2.x: bad_section with no packet number", () => {
    const file = writePcap([pkt(1)]);
    file.writeUInt16LE(3, 4);
    const { frames, summary } = parseBytes(file);
    expect(frames).toEqual([]);
    expect(summary.problems).toMatchObject([{ code: "bad_section", fatal: true, offset: 0 }]);
    expect(summary.problems[0]!.packet).toBeUndefined();
    expect(formatProblem(summary.problems[0]!)).toBe("mem: offset 0: unsupported pcap version 3.4 (only 2.x exists)");
  });

  const section: NgSection = {
    interfaces: [{ linkType: 1, tsresol: 9 }],
    packets: [1, 2, 3].map((i) => ({ ts: BigInt(i), data: Buffer.alloc(40 + i, i) })),
  };
  const NG = writePcapng([section]);
  const blocks = pcapngBlocks(NG);
  const epb = (i: number) => blocks.filter(([, , t]) => t === 6)[i]!;

  function ngWith(offset: number, value: number): Buffer {
    const b = Buffer.from(NG);
    b.writeUInt32LE(value >>> 0, offset);
    return b;
  }

  const cases: Array<[string, () => Buffer, CaptureProblemCode, number, number | undefined]> = [
    ["block length 0xFFFFFFFF", () => ngWith(epb(1)[0] + 4, 0xffffffff), "bad_block", 1, 2],
    ["block length not a multiple of 4", () => ngWith(epb(1)[0] + 4, epb(1)[1] - epb(1)[0] + 2), "bad_block", 1, 2],
    ["block length below 12", () => ngWith(epb(1)[0] + 4, 8), "bad_block", 1, 2],
    ["trailing length differs", () => ngWith(epb(1)[1] - 4, 999), "bad_block", 1, 2],
    ["captured length beyond the block", () => ngWith(epb(2)[0] + 20, 100), "bad_block", 2, 3],
    ["section header without byte-order magic", () => ngWith(8, 0x12345678), "bad_section", 0, undefined],
    ["section header of version 2", () => ngWith(12, 2), "bad_section", 0, undefined],
    ["interface option running past its block", () => ngWith(blocks[1]![0] + 18, 0x0100), "bad_block", 0, 1],
    ["if_tsresol finer than 2^-64", () => Buffer.from(NG).fill(0x80 | 70, blocks[1]![0] + 20, blocks[1]![0] + 21), "bad_block", 0, 1],
  ];
  for (const [what, make, code, delivered, packet] of cases) {
    it(`pcapng ${what}: fatal ${code}, ${delivered} packet(s) delivered first`, () => {
      const bad = make();
      expect(bad.equals(NG)).toBe(false);
      for (const chunks of [[bad.length], [1], [13]]) {
        const { frames, summary } = parseBytes(bad, chunks);
        expect(frames).toHaveLength(delivered);
        expect(summary.problems).toHaveLength(1);
        expect(summary.problems[0]).toMatchObject({ code, fatal: true });
        expect(summary.problems[0]!.packet).toBe(packet);
        // Reading stopped at the start of the bad block: that is how far the input was good.
        expect(summary.bytes).toBe(summary.problems[0]!.offset);
        checkInvariants(bad, frames, summary);
      }
    });
  }
});

describe("random damage (property)", () => {
  type Damage =
    | { kind: "flip"; at: number; bit: number }
    | { kind: "byte"; at: number; value: number }
    | { kind: "word"; at: number; value: number }
    | { kind: "cut"; at: number }
    | { kind: "insert"; at: number; bytes: number[] };

  const damage = (len: number): fc.Arbitrary<Damage> =>
    fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(len - 1), bit: fc.nat(7) }),
      fc.record({ kind: fc.constant("byte" as const), at: fc.nat(len - 1), value: fc.nat(255) }),
      fc.record({ kind: fc.constant("word" as const), at: fc.nat(len - 4), value: fc.constantFrom(0, 0xffffffff, 0x7fffffff, 12, 0x10000, 0x0a0d0d0a) }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat(len) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(len), bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 40 }) }),
    );

  function apply(buf: Buffer, ds: Damage[]): { out: Buffer; first: number; cut: number | null } {
    let out = Buffer.from(buf);
    let first = Infinity;
    let cut: number | null = null;
    for (const d of ds) {
      if (d.at >= out.length && d.kind !== "cut" && d.kind !== "insert") continue;
      first = Math.min(first, d.at);
      switch (d.kind) {
        case "flip":
          out[d.at] = out[d.at]! ^ (1 << d.bit);
          break;
        case "byte":
          out[d.at] = d.value;
          break;
        case "word":
          if (d.at + 4 <= out.length) out.writeUInt32LE(d.value >>> 0, d.at);
          break;
        case "cut":
          out = out.subarray(0, Math.min(d.at, out.length));
          cut = out.length;
          break;
        case "insert":
          out = Buffer.concat([out.subarray(0, d.at), Buffer.from(d.bytes), out.subarray(d.at)]);
          break;
      }
    }
    return { out, first, cut };
  }

  for (const [name, get] of [
    ["classic pcap", () => NINE_PCAP],
    ["pcapng", () => SMALL_NG],
    ["pcapng, three sections", () => writePcapng([
      { interfaces: [{ linkType: 1 }], packets: [{ ts: 1n, data: Buffer.alloc(30, 1) }] },
      { littleEndian: false, interfaces: [{ linkType: 113, tsresol: 0x80 | 20 }], packets: [{ ts: 5n, data: Buffer.alloc(31, 2) }, { kind: "spb", data: Buffer.alloc(9, 3) }] },
      { interfaces: [{ linkType: 101 }], packets: [{ kind: "opb", ts: 7n, data: Buffer.alloc(33, 4) }] },
    ])],
  ] as const) {
    it(`${name}: never throws, ends, one fatal at most, packets before the damage intact`, () => {
      const full = get();
      const packets = packetsWithEnds(full);
      fc.assert(
        fc.property(fc.array(damage(full.length), { minLength: 1, maxLength: 4 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 5 }), (ds, chunks) => {
          const { out, first, cut } = apply(full, ds);
          const { frames, summary } = parseBytes(out, chunks);
          checkInvariants(out, frames, summary);
          const intact = packets.filter((p) => p.end <= first).map((p) => p.frame);
          expect(frames.slice(0, intact.length)).toEqual(intact);
          if (cut !== null && ds.every((d) => d.kind === "cut")) {
            // Pure cuts: exactly the packets that fit, nothing more.
            expect(frames).toEqual(packets.filter((p) => p.end <= cut).map((p) => p.frame));
          }
        }),
        { numRuns: 3000 },
      );
    });
  }

  it("random bytes of any length: never throws, at most one fatal", () => {
    fc.assert(
      fc.property(
        fc.constantFrom([0xd4, 0xc3, 0xb2, 0xa1], [0x4d, 0x3c, 0xb2, 0xa1], [0xa1, 0xb2, 0xc3, 0xd4], [0x0a, 0x0d, 0x0d, 0x0a], []),
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 1, max: 100 }),
        (magic, rest, chunk) => {
          const input = Buffer.concat([Buffer.from(magic), rest]);
          const { frames, summary } = parseBytes(input, [chunk]);
          checkInvariants(input, frames, summary);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("no quadratic work, no allocation from a length field", () => {
  it("a 16 MiB record arriving in 1 KiB chunks is assembled in linear time", () => {
    const big = Buffer.alloc(16 * 1024 * 1024 - 1, 7);
    const file = writePcap([{ sec: 1, usec: 0, data: Buffer.alloc(10) }, { sec: 2, usec: 0, data: big }, { sec: 3, usec: 0, data: Buffer.alloc(10) }], 0xffffffff);
    const t0 = performance.now();
    const { frames, summary } = parseBytes(file, [1024]);
    const ms = performance.now() - t0;
    expect(summary.problems).toEqual([]);
    expect(frames.map((f) => f.capLen)).toEqual([10, big.length, 10]);
    expect(ms).toBeLessThan(5000);
  });

  it("a header claiming 16 MiB followed by 100 bytes does not allocate 16 MiB", () => {
    const file = writePcap([{ sec: 1, usec: 0, data: Buffer.alloc(100), origLen: 16 * 1024 * 1024 }], 0xffffffff);
    file.writeUInt32LE(16 * 1024 * 1024, 24 + 8);
    const before = process.memoryUsage().arrayBuffers;
    const { summary } = parseBytes(file, [7]);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(summary.problems.map((p) => p.code)).toEqual(["truncated_record"]);
    expect(grown).toBeLessThan(4 * 1024 * 1024);
  });
});
