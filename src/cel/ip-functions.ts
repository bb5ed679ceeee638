/**
 * Address comparisons for conditions and display filters: `ipMatch(addr, "10.0.0.0/8")` is true
 * when the address equals the other or lies in the network (IPv4 or IPv6, any spelling:
 * "::1" and "0:0::1" are the same address), `ipCompare` orders two addresses. Addresses are facts
 * as text; a display filter's `ip.addr == 10.0.0.0/8` is translated to these calls.
 */

import type { Environment } from "@marcbachmann/cel-js";
import { isIP } from "node:net";

/** An address as a big number with its family, or null when the text is not an address. */
export function parseAddress(text: string): { family: 4 | 6; value: bigint } | null {
  const v = isIP(text);
  if (v === 4) return { family: 4, value: text.split(".").reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n) };
  if (v !== 6) return null;
  let s = text.toLowerCase();
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = parseAddress(v4[1]!)!.value;
    s = s.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, null];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === null ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return { family: 6, value: groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || "0", 16)), 0n) };
}

/** A network as written in a filter: an address with an optional /prefix. */
export function parseNetwork(text: string): { family: 4 | 6; value: bigint; prefix: number } | null {
  const slash = text.indexOf("/");
  const addr = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!addr) return null;
  const bits = addr.family === 4 ? 32 : 128;
  if (slash < 0) return { ...addr, prefix: bits };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > bits) return null;
  return { ...addr, prefix: Number(p) };
}

export function ipMatch(addr: string, network: string): boolean {
  const a = parseAddress(addr);
  const n = parseNetwork(network);
  if (!a || !n || a.family !== n.family) return false;
  const shift = BigInt((n.family === 4 ? 32 : 128) - n.prefix);
  return a.value >> shift === n.value >> shift;
}

/** -1, 0 or 1; IPv4 sorts before IPv6; text that is not an address sorts last. */
export function ipCompare(a: string, b: string): number {
  const x = parseAddress(a);
  const y = parseAddress(b);
  if (!x || !y) return x ? -1 : y ? 1 : 0;
  if (x.family !== y.family) return x.family - y.family < 0 ? -1 : 1;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

export function registerIpFunctions(env: Environment): void {
  env.registerFunction("ipMatch(string, string): bool", ipMatch, {
    description: 'true when the address equals the other or lies in the network: ipMatch(conn.client_addr, "10.0.0.0/8")',
  });
  env.registerFunction("ipCompare(string, string): int", (a: string, b: string) => BigInt(ipCompare(a, b)), {
    description: "orders two addresses numerically: -1, 0 or 1",
  });
}
