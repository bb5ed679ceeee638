/**
 * The readers against independent readers on real captures: every public fixture against tshark
 * and pcap-parser, and variants made with editcap/mergecap/gzip (pcapng, nanosecond pcap,
 * big-endian, gzip, snap length cut, two interfaces of different link types) against the original.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LinkType } from "../../src/capture/types.js";
import {
  type Copied,
  gzipFile,
  parseBytes,
  pcapParserFrames,
  prefetchTshark,
  publicFixtures,
  readAll,
  shortName,
  tempDir,
  toBigEndianPcap,
  tool,
  tsharkFrames,
  VARIANTS,
} from "./helpers.js";

const fixtures = publicFixtures();
const SLL2 = join(VARIANTS, "lo-any-sll2.pcap");
const tmp = tempDir();
afterAll(() => tmp.cleanup());

function variant(src: string, suffix: string): string {
  return join(tmp.dir, src.split("/").slice(-2).join("__") + suffix);
}

function headerFields(f: Copied) {
  return { number: f.number, tsSec: f.tsSec, tsNsec: f.tsNsec, capLen: f.capLen, origLen: f.origLen };
}

describe("public fixtures", () => {
  // tshark on every fixture: minutes on a busy two-core machine, more than the default hook time.
  beforeAll(() => prefetchTshark(fixtures), 600_000);

  it("are all 17 there", () => {
    expect(fixtures).toHaveLength(17);
  });

  for (const path of fixtures) {
    it(`${shortName(path)}: agrees with tshark on count, timestamps and lengths`, async () => {
      const { frames, summary } = await readAll(path);
      expect(summary.problems).toEqual([]);
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.map(headerFields)).toEqual(tsharkFrames(path));
      expect(summary.frames).toBe(frames.length);
      expect(summary.bytes).toBe(readFileSync(path).length);
      expect(frames.every((f) => f.linkType === LinkType.ETHERNET && f.interfaceId === 0)).toBe(true);
    });

    it(`${shortName(path)}: agrees with pcap-parser on bytes (µs pcap only)`, async () => {
      const raw = readFileSync(path);
      if (raw.readUInt32LE(0) !== 0xa1b2c3d4) {
        // pcap-parser does not know nanosecond pcap; it must refuse, and we must still read it.
        await expect(pcapParserFrames(path)).rejects.toThrow(/unknown magic/);
        return;
      }
      const ours = await readAll(path);
      const theirs = await pcapParserFrames(path);
      expect(ours.frames.map(headerFields)).toEqual(theirs.map(({ data: _d, ...h }) => h));
      ours.frames.forEach((f, i) => expect(f.data.equals(theirs[i]!.data)).toBe(true));
      // fileOffset points at the bytes in the file.
      for (const f of ours.frames) expect(raw.subarray(f.fileOffset, f.fileOffset + f.capLen).equals(f.data)).toBe(true);
    });
  }

  it("deliver the same frames whatever the chunking (1, 7, 16, 17 bytes, mixed)", () => {
    for (const path of fixtures) {
      const raw = readFileSync(path);
      const whole = parseBytes(raw);
      for (const sizes of [[1], [7], [16], [17], [3, 100, 1, 29, 4096]]) {
        const chunked = parseBytes(raw, sizes);
        expect(chunked.frames).toEqual(whole.frames);
        expect(chunked.summary).toEqual(whole.summary);
      }
    }
  });
});

describe("variants", () => {
  beforeAll(() => {
    for (const path of fixtures) {
      tool("editcap", ["-F", "pcapng", path, variant(path, ".pcapng")]);
      tool("editcap", ["-F", "nsecpcap", path, variant(path, ".ns.pcap")]);
      // editcap writes pcapng unless told otherwise; keep this one classic.
      tool("editcap", ["-F", "pcap", "-s", "60", path, variant(path, ".s60.pcap")]);
      writeFileSync(variant(path, ".be.pcap"), toBigEndianPcap(readFileSync(path)));
      gzipFile(path, variant(path, ".pcap.gz"));
      gzipFile(variant(path, ".pcapng"), variant(path, ".pcapng.gz"));
    }
    tool("editcap", ["-F", "pcapng", SLL2, join(tmp.dir, "sll2.pcapng")]);
    tool("mergecap", ["-F", "pcapng", "-w", join(tmp.dir, "two-if.pcapng"), fixtures[0]!, SLL2]);
    const made = fixtures.flatMap((p) => [".pcapng", ".ns.pcap", ".be.pcap", ".s60.pcap"].map((s) => variant(p, s)));
    return prefetchTshark([...made, join(tmp.dir, "sll2.pcapng"), join(tmp.dir, "two-if.pcapng"), SLL2]);
  }, 600_000);

  for (const path of fixtures) {
    const name = shortName(path);
    it(`${name}: pcapng, nanosecond, big-endian and gzip variants match the original`, async () => {
      const orig = (await readAll(path)).frames;
      const strip = (fs: Copied[]) => fs.map(({ fileOffset: _o, ...rest }) => rest);
      for (const suffix of [".pcapng", ".ns.pcap", ".be.pcap", ".pcap.gz", ".pcapng.gz"]) {
        const v = variant(path, suffix);
        const { frames, summary } = await readAll(v);
        expect(summary.problems, suffix).toEqual([]);
        expect(strip(frames), suffix).toEqual(strip(orig));
        expect(summary.gzip, suffix).toBe(suffix.endsWith(".gz"));
        const fmt = suffix.includes("pcapng") ? "pcapng" : suffix === ".ns.pcap" || name.includes("unknown") ? "pcap-nsec" : "pcap";
        expect(summary.format, suffix).toBe(fmt);
        if (!suffix.endsWith(".gz")) expect(frames.map((f) => ({ ...headerFields(f) }))).toEqual(tsharkFrames(v));
      }
    });

    it(`${name}: snap length 60 keeps origLen and the first 60 bytes`, async () => {
      const orig = (await readAll(path)).frames;
      const v = variant(path, ".s60.pcap");
      const cut = await readAll(v);
      expect(cut.summary.problems).toEqual([]);
      expect(cut.summary.format).toBe("pcap");
      expect(cut.frames).toHaveLength(orig.length);
      cut.frames.forEach((f, i) => {
        const o = orig[i]!;
        expect(f.capLen).toBe(Math.min(60, o.capLen));
        expect(f.origLen).toBe(o.origLen);
        expect(f.data.equals(o.data.subarray(0, f.capLen))).toBe(true);
      });
      expect(cut.frames.map(headerFields)).toEqual(tsharkFrames(v));
    });

    it(`${name}: big-endian and snap-60 variants agree with pcap-parser on headers and bytes`, async () => {
      for (const suffix of [".be.pcap", ".s60.pcap"]) {
        const v = variant(path, suffix);
        const ours = (await readAll(v)).frames;
        if (readFileSync(v).readUInt32BE(0) === 0xa1b23c4d || readFileSync(v).readUInt32LE(0) === 0xa1b23c4d) {
          await expect(pcapParserFrames(v)).rejects.toThrow(/unknown magic/);
          continue;
        }
        const theirs = await pcapParserFrames(v);
        expect(ours.map(headerFields), suffix).toEqual(theirs.map(({ data: _d, ...h }) => h));
        ours.forEach((f, i) => expect(f.data.equals(theirs[i]!.data)).toBe(true));
      }
    });
  }

  it("editcap writes if_tsresol=9 for a nanosecond source, and we honour it to the nanosecond", async () => {
    // Shift a µs capture by 123 ns so that the nanosecond digits are not zero.
    const ns = join(tmp.dir, "shifted.ns.pcap");
    const ng = join(tmp.dir, "shifted.pcapng");
    tool("editcap", ["-F", "nsecpcap", "-t", "0.000000123", fixtures[0]!, ns]);
    tool("editcap", ["-F", "pcapng", ns, ng]);
    // IDB options: if_tsresol (code 9, length 1, value 9).
    expect(readFileSync(ng).includes(Buffer.from([9, 0, 1, 0, 9]))).toBe(true);
    const orig = (await readAll(fixtures[0]!)).frames;
    for (const p of [ns, ng]) {
      const { frames, summary } = await readAll(p);
      expect(summary.format).toBe(p === ns ? "pcap-nsec" : "pcapng");
      expect(frames.map((f) => f.tsNsec)).toEqual(orig.map((f) => f.tsNsec + 123));
      expect(frames.map(headerFields)).toEqual(tsharkFrames(p));
    }
  });

  it("a real Linux cooked v2 capture (tcpdump -i any), pcap and pcapng", async () => {
    for (const p of [SLL2, join(tmp.dir, "sll2.pcapng")]) {
      const { frames, summary } = await readAll(p);
      expect(summary.problems).toEqual([]);
      expect(frames).toHaveLength(10);
      expect(frames.every((f) => f.linkType === LinkType.LINUX_SLL2)).toBe(true);
      expect(summary.interfaces.map((i) => [i.linkType, i.snapLen])).toEqual([[LinkType.LINUX_SLL2, 200]]);
      expect(frames.map(headerFields)).toEqual(tsharkFrames(p));
    }
  });

  it("mergecap of Ethernet and cooked captures: two interfaces, each frame with its own link type", async () => {
    const merged = join(tmp.dir, "two-if.pcapng");
    const { frames, summary } = await readAll(merged);
    expect(summary.problems).toEqual([]);
    expect(summary.format).toBe("pcapng");
    expect(summary.interfaces.map((i) => i.linkType).sort((a, b) => a - b)).toEqual([LinkType.ETHERNET, LinkType.LINUX_SLL2]);
    const eth = (await readAll(fixtures[0]!)).frames;
    const sll = (await readAll(SLL2)).frames;
    expect(frames).toHaveLength(eth.length + sll.length);
    const byLink = (lt: number) => frames.filter((f) => f.linkType === lt).map((f) => f.data.toString("hex"));
    expect(byLink(LinkType.ETHERNET)).toEqual(eth.map((f) => f.data.toString("hex")));
    expect(byLink(LinkType.LINUX_SLL2)).toEqual(sll.map((f) => f.data.toString("hex")));
    for (const f of frames) expect(summary.interfaces[f.interfaceId]!.linkType).toBe(f.linkType);
    expect(frames.map(headerFields)).toEqual(tsharkFrames(merged));
  });
});
