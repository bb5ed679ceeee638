/**
 * What the command line names as the capture: one file, "-", several files, or directories of
 * them. Several files given together are ONE capture (a tcpdump rotation set, or captures of
 * several hosts taken at the same time) and are merged by time (merge.ts); `--separate` is the
 * way to ask for one analysis per file.
 */

import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface ResolvedFiles {
  /** The capture files, in command-line order, directories expanded (by name within each). */
  files: string[];
  /** Files found in a directory that are not captures, with why: warned about, not read. */
  skipped: Array<{ file: string; why: string }>;
  /** An argument that names nothing usable: a one-line error (exit 3), nothing is read. */
  error: string | null;
}

/** How many bytes of a directory entry are read to tell a capture from anything else. */
const HEAD = 4;

/**
 * Expand directories (not recursive, hidden files left out) into the capture files they hold,
 * sorted by name. A directory entry is kept when its first bytes are a pcap, pcapng or gzip magic,
 * so the `cap.pcap1` names of tcpdump -C are found whatever their extension; an empty file (the
 * one tcpdump has just opened) is skipped with a note. A file named on the command line is
 * always kept: whether it reads is for the reader to say, with its own error.
 */
export async function resolveCaptureArgs(args: readonly string[]): Promise<ResolvedFiles> {
  const files: string[] = [];
  const skipped: ResolvedFiles["skipped"] = [];
  for (const arg of args) {
    if (arg === "-") {
      if (args.length > 1) return { files, skipped, error: `- (standard input) cannot be merged with other files: give it alone` };
      files.push(arg);
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch {
      // Missing or unreadable: the reader says so, in its words.
    }
    if (!isDir) {
      files.push(arg);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(arg)).filter((n) => !n.startsWith(".")).sort(byNameThenNumber);
    } catch (e) {
      return { files, skipped, error: `${arg}: cannot list the directory: ${(e as Error).message}` };
    }
    let found = 0;
    for (const name of names) {
      const path = join(arg, name);
      const what = await captureKind(path);
      if (what === "capture") {
        files.push(path);
        found++;
      } else if (what !== "not-a-file") skipped.push({ file: path, why: what });
    }
    if (found === 0) return { files, skipped, error: `${arg}: no capture files in this directory (pcap, pcapng, or gzip of them)` };
  }
  return { files, skipped, error: null };
}

async function captureKind(path: string): Promise<"capture" | "not-a-file" | string> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return "not-a-file";
    if (st.size === 0) return "empty (0 bytes), skipped";
    const { open } = await import("node:fs/promises");
    const fh = await open(path, "r");
    try {
      const head = new Uint8Array(HEAD);
      const { bytesRead } = await fh.read(head, 0, HEAD, 0);
      return isCaptureMagic(head.subarray(0, bytesRead)) ? "capture" : "not a capture file, skipped";
    } finally {
      await fh.close();
    }
  } catch (e) {
    return `unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), skipped`;
  }
}

function isCaptureMagic(h: Uint8Array): boolean {
  if (h.length >= 2 && h[0] === 0x1f && h[1] === 0x8b) return true;
  if (h.length < 4) return false;
  const be = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
  return [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a].includes(be);
}

/** cap.pcap2 before cap.pcap10: digit runs compare as numbers. */
export function byNameThenNumber(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * The rotation set a file belongs to, from its name: the directory plus the name with its trailing
 * number removed and every other digit run made one placeholder. tcpdump -C names the files of
 * one set cap.pcap, cap.pcap1, cap.pcap2... (-W N: cap.pcap00...), -G names them from a strftime
 * pattern (cap-0300.pcap, cap-0400.pcap): all of them share a key. Files of other hosts may share
 * it too (broker1.pcap, broker2.pcap): merge.ts does not trust the name alone (see there).
 */
export function rotationKey(path: string): string {
  return join(dirname(path), basename(path).replace(/\.gz$/, "").replace(/\d+$/, "").replace(/\d+/g, "#"));
}
