/**
 * Several files as one capture (src/capture/merge.ts), checked against the tools operators use:
 * a rotation set cut by tcpdump itself reads as the file it was cut from, and captures of two
 * hosts taken at the same time merge as mergecap merges them.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gunzipSync, gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";

class Sink extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

async function run(...argv: string[]) {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const tmp = mkdtempSync(join(tmpdir(), "kdiag-merge-"));
const big = join(tmp, "big.pcap");

/** tcpdump drops root to its own user by default: -Z root lets it write into our temp dir. */
function cut(dir: string, ...args: string[]): string[] {
  mkdirSync(dir);
  execFileSync("tcpdump", ["-Z", "root", "-r", big, "-w", join(dir, "part"), ...args], { stdio: "ignore" });
  return readdirSync(dir).map((n) => join(dir, n));
}

beforeAll(() => {
  writeFileSync(big, gunzipSync(readFileSync("test/fixtures/rotation/kafka-mixed.pcap.gz")));
});

describe("a tcpdump rotation set", () => {
  it("tcpdump -C 1 (21 files, given in shell order) gives the flows, exchanges and findings of the file it was cut from", async () => {
    const parts = cut(join(tmp, "c1"), "-C", "1");
    expect(parts.length).toBe(21);
    // The shell's order: part, part1, part10, ..., part2: not the time order.
    parts.sort();
    for (const cmd of [["flows", "--json"], ["kafka", "--json"], ["analyze", "--json"], ["packets", "--json"]]) {
      const single = await run(...cmd, big);
      const merged = await run(...cmd, ...parts);
      expect(merged.code, merged.stderr).toBe(single.code);
      expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(single.stdout));
      expect(merged.stderr).toContain("21 files read as one capture, merged by time (one rotation set, each read in sequence)");
    }
  });

  it("a directory of a -C 2 -W 20 ring with some files gzipped reads the same, and says how packets are numbered", async () => {
    const dir = join(tmp, "ring");
    const parts = cut(dir, "-C", "2", "-W", "20");
    expect(parts.map((p) => p.slice(dir.length + 1)).sort()).toEqual(["part00", "part01", "part02", "part03", "part04", "part05", "part06", "part07", "part08", "part09", "part10"]);
    // tcpdump -z gzip compresses rotated files: mix some in.
    for (const p of [parts[1]!, parts[4]!]) {
      writeFileSync(`${p}.gz`, gzipSync(readFileSync(p)));
      execFileSync("rm", [p]);
    }
    const single = await run("flows", "--json", big);
    const merged = await run("flows", "--json", dir);
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(single.stdout));
    const text = await run("flows", dir);
    expect(text.stdout.split("\n")[0]).toBe(`11 files merged by time (${join(dir, "part00")} (+10 files)): pcap (gzip), 1130 packets over 16.746s, 13 TCP connections`);
    // Packet bytes come back from the right file (and from the gzip spools): the evidence pcap is
    // the single file's, byte for byte.
    const e1 = join(tmp, "e1.pcap");
    const e2 = join(tmp, "e2.pcap");
    await run("analyze", big, "--export-evidence", e1);
    await run("analyze", dir, "--export-evidence", e2);
    expect(readFileSync(e2).length).toBeGreaterThan(24);
    expect(readFileSync(e2).equals(readFileSync(e1))).toBe(true);
  });
});

describe("a rotation set's order", () => {
  it("a cut where the capture's timestamps step back (packet 631 is 2 µs before 630) keeps the file's order", async () => {
    const dir = join(tmp, "stepback");
    mkdirSync(dir);
    // tcpdump would write 630 last in one file and 631 first in the next: the next file's first
    // packet is older than this file's first packet.
    execFileSync("editcap", ["-F", "pcap", "-r", big, join(dir, "cap.pcap"), "1-629"]);
    execFileSync("editcap", ["-F", "pcap", "-r", big, join(dir, "cap.pcap1"), "630"]);
    execFileSync("editcap", ["-F", "pcap", "-r", big, join(dir, "cap.pcap2"), "631-1130"]);
    const single = await run("packets", "--json", big);
    const times = JSON.parse(single.stdout).packets.map((p: { time: number }) => p.time);
    expect(times[630]).toBeLessThan(times[629]);
    const merged = await run("packets", "--json", dir);
    expect(merged.stdout).toBe(single.stdout);
  });

  it("a tcpdump -C 1 -W 20 ring that wrapped reads from its oldest file (part01) round to part00", async () => {
    const dir = join(tmp, "wrapped");
    const parts = cut(dir, "-C", "1", "-W", "20").sort();
    expect(parts).toHaveLength(20);
    // 21 pieces for 20 names: the 21st overwrote part00, so part01 is the oldest.
    const inOrder = [...parts.slice(1), parts[0]!];
    const concatenated = join(tmp, "wrapped.pcap");
    execFileSync("mergecap", ["-F", "pcap", "-a", "-w", concatenated, ...inOrder]);
    const expected = await run("flows", "--json", concatenated);
    const merged = await run("flows", "--json", dir);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(expected.stdout);
    expect(merged.stderr).not.toContain("overlap");
  });
});

describe("captures of two hosts at the same time", () => {
  it("merge as mergecap merges them: same packets in the same order, same connections", async () => {
    // Two real captures of different traffic, the second moved in time (editcap -t) so that the
    // two overlap, as two brokers' captures of the same hour do.
    const a = join(tmp, "broker-a.pcap");
    const b = join(tmp, "client-b.pcap");
    copyFileSync("test/fixtures/real/loss.pcap", a);
    const first = (f: string) => Number(execFileSync("capinfos", ["-a", "-T", "-r", "-S", f]).toString().trim().split("\t")[1]);
    const shift = first(a) - first("test/fixtures/real/normal.pcap") + 0.05;
    execFileSync("editcap", ["-t", shift.toFixed(6), "test/fixtures/real/normal.pcap", b]);
    const m = join(tmp, "mergecap.pcap");
    execFileSync("mergecap", ["-F", "pcap", "-w", m, a, b]);
    for (const cmd of [["packets", "--json"], ["flows", "--json"]]) {
      const ours = await run(...cmd, a, b);
      const theirs = await run(...cmd, m);
      expect(ours.code).toBe(0);
      const strip = (s: string) => s.replace(/"(file_offset|offset)": ?\d+,?/g, "");
      expect(strip(ours.stdout)).toBe(strip(theirs.stdout));
      expect(ours.stderr).toContain("packets are numbered 1-");
    }
  });
});

describe("names that look like one rotation set", () => {
  it("host1.pcap and host2.pcap that overlap in time are merged by time after the first second, with a warning", async () => {
    const h1 = join(tmp, "host1.pcap");
    const h2 = join(tmp, "host2.pcap");
    copyFileSync("test/fixtures/real/firewall-idle-client.pcap", h1);
    const first = (f: string) => Number(execFileSync("capinfos", ["-a", "-T", "-r", "-S", f]).toString().trim().split("\t")[1]);
    execFileSync("editcap", ["-t", (first(h1) - first("test/fixtures/incidents/fw-drop-client.pcap") + 0.05).toFixed(6), "test/fixtures/incidents/fw-drop-client.pcap", h2]);
    const m = join(tmp, "hosts.pcap");
    execFileSync("mergecap", ["-F", "pcap", "-w", m, h1, h2]);
    const ours = await run("packets", "--json", h1, h2);
    expect(ours.code).toBe(0);
    expect(ours.stderr).toContain(`kdiag: warning: ${h2}: offset 0: overlaps ${h1} in time although named as the next file of its rotation set: merged with it by time, as mergecap does`);
    const rows = (s: string) => (JSON.parse(s).packets as Array<{ time: number }>).map((p) => p.time);
    const theirs = rows((await run("packets", "--json", m)).stdout);
    const mine = rows(ours.stdout);
    // The same packets; in mergecap's order from a second after host2's first packet on.
    expect([...mine].sort()).toEqual([...theirs].sort());
    const from = first(h2) + 1.0001;
    expect(mine.filter((t) => t >= from)).toEqual(theirs.filter((t) => t >= from));
    expect(mine.filter((t) => t >= from).length).toBeGreaterThan(10);
  });
});

describe("packets of the same time", () => {
  it("go in mergecap's order (the file named later first), whichever order the files are named in", async () => {
    const a = join(tmp, "a.pcap");
    const z = join(tmp, "z.pcap");
    copyFileSync("test/fixtures/real/normal.pcap", a);
    // The same packets at the same times, told apart by their length (cut to 60 bytes).
    execFileSync("editcap", ["-F", "pcap", "-s", "60", a, z]);
    for (const order of [[a, z], [z, a]]) {
      const m = join(tmp, "tie.pcap");
      execFileSync("mergecap", ["-F", "pcap", "-w", m, ...order]);
      const ours = JSON.parse((await run("packets", "--json", ...order)).stdout).packets as Array<{ number: number; cap_len?: number; length?: number }>;
      const theirs = JSON.parse((await run("packets", "--json", m)).stdout).packets as typeof ours;
      expect(ours.length).toBe(theirs.length);
      expect(ours).toEqual(theirs);
    }
  });
});

describe("bad input among several files", () => {
  it("a missing file is a one-line error, exit 3; a non-capture in a directory is skipped with a warning", async () => {
    const missing = await run("flows", big, join(tmp, "nope.pcap"));
    expect(missing.code).toBe(3);
    expect(missing.stderr.trim().split("\n").at(-1)).toBe(`kdiag: ${join(tmp, "nope.pcap")}: offset 0: no such file`);
    const dir = join(tmp, "mixed");
    mkdirSync(dir);
    copyFileSync("test/fixtures/real/normal.pcap", join(dir, "cap.pcap"));
    writeFileSync(join(dir, "notes.txt"), "not a capture\n");
    writeFileSync(join(dir, "cap.pcap1"), "");
    const r = await run("flows", dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`kdiag: warning: ${join(dir, "notes.txt")}: not a capture file, skipped`);
    expect(r.stderr).toContain(`kdiag: warning: ${join(dir, "cap.pcap1")}: empty (0 bytes), skipped`);
    const stdin = await run("flows", "-", big);
    expect(stdin.code).toBe(3);
    expect(stdin.stderr).toContain("- (standard input) cannot be merged with other files");
  });

  it("a truncated last file of a set (tcpdump still writing) is said last, exit 4, after the results of every file", async () => {
    const dir = join(tmp, "cut");
    const parts = cut(dir, "-C", "2").sort((x, y) => x.localeCompare(y, "en", { numeric: true }));
    const last = parts.at(-1)!;
    const bytes = readFileSync(last);
    writeFileSync(last, bytes.subarray(0, bytes.length - 100));
    const r = await run("flows", dir);
    expect(r.code).toBe(4);
    const lines = r.stderr.trim().split("\n");
    expect(lines.at(-1)).toMatch(new RegExp(`^kdiag: ${last}: packet \\d+: .* \\(read up to there in that file: its packets before it are in the \\d+ merged packets\\)$`));
  });
});

describe("--separate", () => {
  it("analyses each file on its own, output headed by the file", async () => {
    const r = await run("flows", "--separate", "test/fixtures/real/normal.pcap", "test/fixtures/real/rst-abort.pcap");
    expect(r.code).toBe(0);
    const heads = r.stdout.split("\n").filter((l) => l.startsWith("== "));
    expect(heads).toEqual(["== test/fixtures/real/normal.pcap", "== test/fixtures/real/rst-abort.pcap"]);
    expect(r.stdout).toContain("test/fixtures/real/rst-abort.pcap: pcap, ");
    expect(r.stderr).not.toContain("merged");
  });
});
