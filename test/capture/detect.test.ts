import { describe, expect, it } from "vitest";
import { sniff } from "../../src/capture/detect.js";
import { parseBytes } from "./helpers.js";

const b = (...x: number[]) => Uint8Array.from(x);

describe("sniff", () => {
  it("knows classic pcap in both byte orders and resolutions, pcapng and gzip from magic bytes", () => {
    expect(sniff(b(0xd4, 0xc3, 0xb2, 0xa1))).toEqual({ kind: "pcap", littleEndian: true, nanos: false });
    expect(sniff(b(0xa1, 0xb2, 0xc3, 0xd4))).toEqual({ kind: "pcap", littleEndian: false, nanos: false });
    expect(sniff(b(0x4d, 0x3c, 0xb2, 0xa1))).toEqual({ kind: "pcap", littleEndian: true, nanos: true });
    expect(sniff(b(0xa1, 0xb2, 0x3c, 0x4d))).toEqual({ kind: "pcap", littleEndian: false, nanos: true });
    expect(sniff(b(0x0a, 0x0d, 0x0d, 0x0a))).toEqual({ kind: "pcapng" });
    expect(sniff(b(0x1f, 0x8b, 0x08, 0x00))).toEqual({ kind: "gzip" });
  });

  it("says what an unknown file looks like", () => {
    const what = (x: Uint8Array) => (sniff(x) as { what: string }).what;
    expect(what(Buffer.from("PK\x03\x04rest"))).toBe("not a capture file (starts with 'PK..', looks like zip)");
    expect(what(Buffer.from("hello world\n"))).toBe("not a capture file (starts with 'hell', looks like text)");
    expect(what(b(0x28, 0xb5, 0x2f, 0xfd, 0))).toMatch(/looks like zstd/);
    expect(what(b(0xa1, 0xb2, 0xcd, 0x34))).toMatch(/Kuznetzov/);
    expect(what(b(0x00, 0xff, 0x10, 0x80, 0x01))).toBe("not a capture file (starts with 00 ff 10 80)");
  });

  it("a file shorter than a magic: cut short if it starts like one, unknown otherwise", () => {
    expect(parseBytes(b(0xd4, 0xc3)).summary.problems.map((p) => p.code)).toEqual(["truncated_header"]);
    expect(parseBytes(b(0x41)).summary.problems.map((p) => p.code)).toEqual(["unknown_format"]);
    expect(parseBytes(b()).summary.problems.map((p) => p.code)).toEqual(["empty"]);
  });

  it("gzip inside the decompressed stream is refused, not looped on", () => {
    const { summary } = parseBytes(b(0x1f, 0x8b, 8, 0, 0, 0));
    expect(summary.problems).toMatchObject([{ code: "unknown_format", fatal: true }]);
  });
});
