/**
 * Text for addresses and TCP flags, printed the way tshark prints them so that kdiag output and a
 * Wireshark session can be compared line by line. Called per connection or per displayed row,
 * never on the per-packet path, so allocating strings here is fine.
 */
import { TcpFlag } from "./types.js";

/**
 * IPv4 dotted quad, or IPv6 in RFC 5952 form: lower-case hex, no leading zeros, the longest run of
 * two or more zero groups (the first one on a tie) written as "::". Like tshark (which uses the C
 * library's inet_ntop) an IPv4-mapped address prints as ::ffff:a.b.c.d and an IPv4-compatible
 * one (96 zero bits, then a non-zero word) as ::a.b.c.d.
 * Bytes beyond the address length are ignored; a too-short view prints "?".
 */
export function formatAddr(bytes: Uint8Array, version: 4 | 6): string {
  if (version === 4) {
    if (bytes.length < 4) return "?";
    return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  }
  if (bytes.length < 16) return "?";
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);

  // Longest run of zero words; a single zero word is not compressed (RFC 5952 section 4.2.2).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;

  const embeddedV4 = bestStart === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff));
  const lastHex = embeddedV4 ? 6 : 8;
  let text = "";
  for (let i = 0; i < lastHex; i++) {
    if (bestStart !== -1 && i >= bestStart && i < bestStart + bestLen) {
      if (i === bestStart) text += "::";
      continue;
    }
    if (i !== 0 && !(bestStart !== -1 && i === bestStart + bestLen)) text += ":";
    text += words[i]!.toString(16);
  }
  if (embeddedV4) {
    // The zero run ends at word 5 (or word 4 before ffff), so "::" or "::ffff" precedes it.
    if (bestLen === 5) text += ":";
    text += `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  return text;
}

/** tshark's order for the flags list in the Info column (lowest bit first). */
const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [TcpFlag.FIN, "FIN"],
  [TcpFlag.SYN, "SYN"],
  [TcpFlag.RST, "RST"],
  [TcpFlag.PSH, "PSH"],
  [TcpFlag.ACK, "ACK"],
  [TcpFlag.URG, "URG"],
  [TcpFlag.ECE, "ECE"],
  [TcpFlag.CWR, "CWR"],
  // RFC 3540's NS bit, renamed AE by Accurate ECN; tshark 4.0 already prints "AE".
  [TcpFlag.NS, "AE"],
];

/** "[SYN, ACK]", "[FIN, PSH, ACK]"; "[<None>]" when no flag is set, as tshark writes it. */
export function flagsText(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if ((flags & bit) !== 0) names.push(name);
  return names.length === 0 ? "[<None>]" : `[${names.join(", ")}]`;
}
