/**
 * Classic pcap to pcapng as the bytes arrive (what `-w FILE` keeps of a tcpdump capture), checked
 * by Wireshark's own tools: capinfos names the format, tshark reads the same packets with the
 * same timestamps (to the nanosecond) and bytes, and `editcap -F pcap` turns the pcapng back
 * into the original file byte for byte. kdiag's reader gets the same frames from both.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PcapToPcapng } from "../../src/capture/pcap-to-pcapng.js";
import { parseBytes, pcapRecords, tempDir, toBigEndianPcap, tsharkFrames, type Copied } from "./helpers.js";

const FIREWALL = "test/fixtures/real/firewall-idle-client.pcap";
const COOKED = "test/fixtures/real/cooked-any-sll.pcap";
const SNAPLEN_60 = "test/fixtures/real/snaplen-60.pcap";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Feeds `bytes` in chunks of the given sizes (cycled); returns the output and the converter. */
function convert(bytes: Uint8Array, chunkSizes: number[] = [bytes.length], opts: { ifName?: string } = {}): { out: Buffer; conv: PcapToPcapng } {
  const conv = new PcapToPcapng({ userAppl: "kdiag", ...opts });
  const parts: Uint8Array[] = [];
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    parts.push(Uint8Array.from(conv.push(bytes.subarray(pos, pos + n))));
    pos += n;
  }
  parts.push(conv.end());
  return { out: Buffer.concat(parts), conv };
}

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: tmpdir() } });
}

function save(name: string, bytes: Uint8Array): string {
  const p = join(tmp.dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** What tshark shows of every packet's bytes (hex of the whole captured frame). */
function tsharkBytes(path: string): string[] {
  return run("tshark", ["-r", path, "-x"])
    .split("\n\n")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** A classic pcap with its header's snap length zeroed (editcap -F pcap writes 262144 there, whatever the IDB says). */
function withoutSnapLen(pcap: Buffer): Buffer {
  const b = Buffer.from(pcap);
  b.writeUInt32LE(0, 16);
  return b;
}

const noOffset = (frames: Copied[]) => frames.map(({ fileOffset: _o, ...rest }) => rest);

/**
 * A nanosecond pcap made from a microsecond one, with fractions no microsecond capture has
 * (…001, …999_999_999) and seconds up to 2³²-1, where seconds × 10⁹ no longer fits a double exactly.
 */
function nanosecondVariant(usecPcap: Buffer): Buffer {
  const b = Buffer.from(usecPcap);
  b.writeUInt32LE(0xa1b23c4d, 0);
  const fracs = [1, 999_999_999, 123_456_789, 500_000_000, 0];
  const secs = [4294967295, 4000000000, 1764000000, 9007199, 1];
  pcapRecords(b).forEach(([start], i) => {
    b.writeUInt32LE(secs[i % secs.length]!, start);
    b.writeUInt32LE(fracs[i % fracs.length]!, start + 4);
  });
  return b;
}

describe("pcap to pcapng as it streams", () => {
  for (const fixture of [FIREWALL, COOKED, SNAPLEN_60]) {
    it(`${fixture}: capinfos says pcapng; tshark reads the same packets, timestamps and bytes; editcap -F pcap gives the original back`, () => {
      const original = readFileSync(fixture);
      const { out, conv } = convert(original, [65536]);
      expect(conv.problem).toBeNull();
      const path = save("whole.pcapng", out);
      expect(run("capinfos", ["-t", path])).toMatch(/File type:\s+Wireshark\/\.\.\. - pcapng/);
      const want = tsharkFrames(fixture);
      expect(want.length).toBeGreaterThan(0);
      expect(conv.records).toBe(want.length);
      expect(tsharkFrames(path)).toEqual(want);
      expect(tsharkBytes(path)).toEqual(tsharkBytes(fixture));
      const back = join(tmp.dir, "back.pcap");
      run("editcap", ["-F", "pcap", path, back]);
      expect(withoutSnapLen(readFileSync(back)).equals(withoutSnapLen(original))).toBe(true);
      // editcap writes its own snap length in the pcap header; the IDB keeps the original's.
      expect(run("capinfos", [path])).toContain(`Capture length = ${original.readUInt32LE(16)}\n`);
      // kdiag's own reader: the same frames from the pcapng as from the pcap.
      const ng = parseBytes(out);
      expect(ng.summary.format).toBe("pcapng");
      expect(noOffset(ng.frames)).toEqual(noOffset(parseBytes(original).frames));
    });
  }

  it("gives the same bytes whatever the chunking (a record split across chunks waits in the carry buffer)", () => {
    const original = readFileSync(FIREWALL);
    const whole = convert(original).out;
    for (const sizes of [[1], [3, 5, 7], [17], [23, 24, 25], [100, 1], [4096]]) {
      expect(convert(original, sizes).out.equals(whole), `chunks ${sizes.join(",")}`).toBe(true);
    }
  });

  it("nanosecond pcap: if_tsresol 9, every timestamp the same to the nanosecond, also past 2^53 ns; editcap -F nsecpcap gives it back", () => {
    const original = nanosecondVariant(readFileSync(FIREWALL));
    const src = save("nano.pcap", original);
    const { out } = convert(original, [1000]);
    const path = save("nano.pcapng", out);
    expect(run("capinfos", ["-t", path])).toMatch(/pcapng/);
    const want = tsharkFrames(src);
    expect(want.map((f) => f.tsNsec)).toContain(999_999_999);
    expect(want.map((f) => f.tsSec)).toContain(4294967295);
    expect(tsharkFrames(path)).toEqual(want);
    const back = join(tmp.dir, "nano-back.pcap");
    run("editcap", ["-F", "nsecpcap", path, back]);
    expect(readFileSync(back).equals(original)).toBe(true);
  });

  it("big-endian pcap converts to the same pcapng as its little-endian twin", () => {
    const le = readFileSync(FIREWALL);
    expect(convert(toBigEndianPcap(le), [999]).out.equals(convert(le).out)).toBe(true);
  });

  it("keeps the interface name and the writing application where Wireshark shows them", () => {
    const { out } = convert(readFileSync(FIREWALL), [65536], { ifName: "eth0" });
    const path = save("named.pcapng", out);
    expect(run("tshark", ["-r", path, "-T", "fields", "-e", "frame.interface_name", "-c", "1"]).trim()).toBe("eth0");
    expect(run("capinfos", [path])).toMatch(/Capture application:\s+kdiag/);
  });

  it("a stream cut inside a record ends at the last complete block, and says what was dropped", () => {
    const original = readFileSync(FIREWALL);
    const records = pcapRecords(original);
    const whole = convert(original).out;
    // Cut in the middle of record 13's data, and inside record 20's header.
    for (const [cutAt, complete] of [
      [records[12]![0] + 16 + 10, 12],
      [records[19]![0] + 5, 19],
    ] as const) {
      const { out, conv } = convert(original.subarray(0, cutAt), [333]);
      const path = save("cut.pcapng", out);
      expect(tsharkFrames(path)).toEqual(tsharkFrames(FIREWALL).slice(0, complete));
      // The same bytes as the complete conversion, up to the end of the last whole block.
      expect(whole.subarray(0, out.length).equals(out)).toBe(true);
      expect(conv.problem).toMatch(new RegExp(`^capture stream ended inside a record at offset ${records[complete]![0]} \\((record|record header) cut short: \\d+ of \\d+ bytes\\): dropped`));
      // tshark reads it without a complaint about a cut block.
      expect(() => run("tshark", ["-r", path])).not.toThrow();
    }
  });

  it("pcapng (what dumpcap writes) and input that is no capture pass through unchanged", () => {
    const ng = convert(readFileSync(FIREWALL)).out;
    const again = convert(ng, [7]);
    expect(again.out.equals(ng)).toBe(true);
    expect(again.conv.converting).toBe(false);
    const text = Buffer.from("hello, this is not a capture\n");
    expect(convert(text, [2]).out.equals(text)).toBe(true);
    // Too short to decide: handed on at the end, for the reader to say what it is.
    expect(convert(Buffer.from([0xd4, 0xc3])).out.equals(Buffer.from([0xd4, 0xc3]))).toBe(true);
  });

  it("a record header claiming an impossible length stops the conversion there, said in one line", () => {
    const original = Buffer.from(readFileSync(FIREWALL));
    const records = pcapRecords(original);
    original.writeUInt32LE(0x7fffffff, records[5]![0] + 8);
    const { out, conv } = convert(original, [4096]);
    expect(conv.problem).toBe(`record header at offset ${records[5]![0]} claims 2147483647 captured bytes (limit 16777216): conversion to pcapng stopped there`);
    expect(tsharkFrames(save("bad.pcapng", out))).toHaveLength(5);
  });
});
