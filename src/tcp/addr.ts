/**
 * Address formatting for connection endpoints. Called once per new connection, never per packet.
 */

export function formatIpv4(a: Uint8Array): string {
  return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
}

/** RFC 5952 text form: lowercase hex, leading zeros dropped, the longest run (>= 2) of zero groups as "::". */
export function formatIpv6(a: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((a[i]! << 8) | a[i + 1]!);
  // IPv4-mapped (::ffff:a.b.c.d) keeps its dotted tail, as most tools print it.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${a[12]}.${a[13]}.${a[14]}.${a[15]}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

export function formatAddr(a: Uint8Array): string {
  return a.length === 4 ? formatIpv4(a) : formatIpv6(a);
}
