/**
 * Capture format detection from the first bytes only. The file name is never consulted: captures
 * are routinely renamed (`.cap`, `.dmp`, no extension) and stdin has no name at all.
 */

/** Bytes needed to decide; fewer means the input is too short to be any capture. */
export const SNIFF_BYTES = 4;

export type Sniffed =
  | { kind: "pcap"; littleEndian: boolean; nanos: boolean }
  | { kind: "pcapng" }
  | { kind: "gzip" }
  | { kind: "unknown"; what: string };

/**
 * Decide what the stream is from its first bytes (at least SNIFF_BYTES of them; fewer gives
 * "unknown"). pcapng's byte order is not decided here: its section header's byte-order magic
 * sits at offset 8, and the pcapng parser reads it per section.
 */
export function sniff(head: Uint8Array): Sniffed {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { kind: "gzip" };
  if (head.length < SNIFF_BYTES) {
    return { kind: "unknown", what: `too short to be a capture (${head.length} bytes)` };
  }
  const be = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  switch (be) {
    case 0xa1b2c3d4:
      return { kind: "pcap", littleEndian: false, nanos: false };
    case 0xd4c3b2a1:
      return { kind: "pcap", littleEndian: true, nanos: false };
    case 0xa1b23c4d:
      return { kind: "pcap", littleEndian: false, nanos: true };
    case 0x4d3cb2a1:
      return { kind: "pcap", littleEndian: true, nanos: true };
    case 0x0a0d0d0a:
      return { kind: "pcapng" };
  }
  return { kind: "unknown", what: describeUnknown(head) };
}

/** Known non-capture signatures, so the message can say what the file probably is. */
const SIGNATURES: ReadonlyArray<[number[], string]> = [
  [[0xa1, 0xb2, 0xcd, 0x34], "a modified (Kuznetzov) pcap, which is not supported"],
  [[0x34, 0xcd, 0xb2, 0xa1], "a modified (Kuznetzov) pcap, which is not supported"],
  [[0x50, 0x4b, 0x03, 0x04], "zip"],
  [[0x42, 0x5a, 0x68], "bzip2"],
  [[0xfd, 0x37, 0x7a, 0x58], "xz"],
  [[0x28, 0xb5, 0x2f, 0xfd], "zstd"],
  [[0x04, 0x22, 0x4d, 0x18], "lz4"],
  [[0x7f, 0x45, 0x4c, 0x46], "an ELF executable"],
  [[0x52, 0x49, 0x46, 0x46], "RIFF (ERF/NetMon/etc. are not supported)"],
  [[0x7b], "JSON or text"],
];

function describeUnknown(head: Uint8Array): string {
  const shown = printable(head.subarray(0, 4));
  for (const [sig, name] of SIGNATURES) {
    if (head.length >= sig.length && sig.every((v, i) => head[i] === v)) {
      return `not a capture file (starts with '${shown}', looks like ${name})`;
    }
  }
  const probe = head.subarray(0, Math.min(head.length, 64));
  if (probe.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127))) {
    return `not a capture file (starts with '${shown}', looks like text)`;
  }
  return `not a capture file (starts with ${hex(head.subarray(0, 4))})`;
}

function printable(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += c >= 32 && c < 127 && c !== 39 ? String.fromCharCode(c) : ".";
  return s;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (c) => c.toString(16).padStart(2, "0")).join(" ");
}
