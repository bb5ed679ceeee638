/**
 * What the command line names as a capture (src/capture/sources.ts): which files are one rotation
 * set, and what a directory stands for.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveCaptureArgs, rotationKey } from "../../src/capture/sources.js";

describe("rotationKey", () => {
  it.each([
    // tcpdump -C: the -w name, then the name with a number after it.
    [["cap.pcap", "cap.pcap1", "cap.pcap12"], true],
    // -C with -W 20: zero-padded numbers on every file; tcpdump -z gzip adds .gz.
    [["cap.pcap00", "cap.pcap07", "cap.pcap19.gz"], true],
    // -G with a strftime name.
    [["cap-0300.pcap", "cap-0400.pcap", "cap-2359.pcap"], true],
    // -G and -C together.
    [["cap-0300.pcap", "cap-0300.pcap1"], true],
    [["client.pcap", "broker.pcap"], false],
    [["a/cap.pcap1", "b/cap.pcap2"], false],
  ])("%j are one set: %s", (names, same) => {
    expect(new Set(names.map(rotationKey)).size === 1).toBe(same);
  });
});

describe("resolveCaptureArgs", () => {
  const dir = mkdtempSync(join(tmpdir(), "kdiag-sources-"));
  const pcap = "test/fixtures/real/normal.pcap";
  mkdirSync(join(dir, "caps"));
  copyFileSync(pcap, join(dir, "caps", "cap.pcap10"));
  copyFileSync(pcap, join(dir, "caps", "cap.pcap2"));
  copyFileSync(pcap, join(dir, "caps", "cap.pcap"));
  writeFileSync(join(dir, "caps", "cap.pcap3.gz"), gzipSync(readFileSync(pcap)));
  writeFileSync(join(dir, "caps", "README"), "notes\n");
  writeFileSync(join(dir, "caps", "cap.pcap11"), "");
  writeFileSync(join(dir, "caps", ".hidden.pcap"), readFileSync(pcap));
  mkdirSync(join(dir, "caps", "sub"));
  mkdirSync(join(dir, "empty"));

  it("a directory stands for its capture files, numbers sorted as numbers; others are skipped with why", async () => {
    const r = await resolveCaptureArgs([join(dir, "caps")]);
    expect(r.error).toBeNull();
    expect(r.files).toEqual(["cap.pcap", "cap.pcap2", "cap.pcap3.gz", "cap.pcap10"].map((n) => join(dir, "caps", n)));
    expect(r.skipped).toEqual([
      { file: join(dir, "caps", "cap.pcap11"), why: "empty (0 bytes), skipped" },
      { file: join(dir, "caps", "README"), why: "not a capture file, skipped" },
    ]);
  });

  it("files named on the command line are kept as given, whatever they are; - only alone", async () => {
    expect((await resolveCaptureArgs(["x.pcap", pcap])).files).toEqual(["x.pcap", pcap]);
    expect((await resolveCaptureArgs(["-"])).files).toEqual(["-"]);
    expect((await resolveCaptureArgs(["-", pcap])).error).toBe("- (standard input) cannot be merged with other files: give it alone");
  });

  it("a directory without captures is an error naming it", async () => {
    expect((await resolveCaptureArgs([join(dir, "empty")])).error).toBe(`${join(dir, "empty")}: no capture files in this directory (pcap, pcapng, or gzip of them)`);
  });
});
