/**
 * pcapng block encoders (draft-ietf-opsawg-pcapng): a Section Header Block, an Interface
 * Description Block and Enhanced Packet Blocks, all little-endian. Just enough to write one
 * interface's packets as a file Wireshark, tshark and kdiag read; the reader is pcapng.ts.
 */

const SHB_TYPE = 0x0a0d0d0a;
const IDB_TYPE = 1;
const EPB_TYPE = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;

/** An Enhanced Packet Block's bytes besides the packet data and its padding. */
export const EPB_OVERHEAD = 32;

const TWO_32 = 4294967296;
const TWO_23 = 8388608;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

interface Option {
  code: number;
  value: Uint8Array;
}

/** A block with options: type, length, fixed body, options (each padded to 4), end of options, length. */
function block(type: number, body: Uint8Array, options: Option[]): Uint8Array {
  let optLen = 0;
  for (const opt of options) optLen += 4 + pad4(opt.value.length);
  if (options.length > 0) optLen += 4;
  const total = 12 + body.length + optLen;
  const b = new Uint8Array(total);
  put32(b, 0, type);
  put32(b, 4, total);
  b.set(body, 8);
  let o = 8 + body.length;
  for (const opt of options) {
    put16(b, o, opt.code);
    put16(b, o + 2, opt.value.length);
    b.set(opt.value, o + 4);
    o += 4 + pad4(opt.value.length);
  }
  if (options.length > 0) {
    put16(b, o, OPT_END);
    put16(b, o + 2, 0);
    o += 4;
  }
  put32(b, o, total);
  return b;
}

/** Option values are at most 65535 bytes; longer text is cut (it is a label, not data). */
function text(s: string): Uint8Array {
  return new TextEncoder().encode(s).subarray(0, 65535);
}

/** The section header: byte-order magic, version 1.0, section length unknown (-1, it is written as it grows). */
export function sectionHeaderBlock(opts: { userAppl?: string } = {}): Uint8Array {
  const body = new Uint8Array(16);
  put32(body, 0, BYTE_ORDER_MAGIC);
  put16(body, 4, 1);
  put16(body, 6, 0);
  put32(body, 8, 0xffffffff);
  put32(body, 12, 0xffffffff);
  return block(SHB_TYPE, body, opts.userAppl !== undefined ? [{ code: SHB_USERAPPL, value: text(opts.userAppl) }] : []);
}

/**
 * One interface. `nanos`: timestamps count nanoseconds (if_tsresol 9); otherwise microseconds,
 * pcapng's default, which needs no option.
 */
export function interfaceDescriptionBlock(linkType: number, snapLen: number, opts: { nanos: boolean; name?: string }): Uint8Array {
  const body = new Uint8Array(8);
  put16(body, 0, linkType);
  put16(body, 2, 0);
  put32(body, 4, snapLen);
  const options: Option[] = [];
  if (opts.name !== undefined && opts.name !== "") options.push({ code: IF_NAME, value: text(opts.name) });
  if (opts.nanos) options.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
  return block(IDB_TYPE, body, options);
}

/** Bytes an Enhanced Packet Block takes for `capLen` bytes of packet data. */
export function enhancedPacketBlockLength(capLen: number): number {
  return EPB_OVERHEAD + pad4(capLen);
}

/**
 * Writes an Enhanced Packet Block for interface 0 at `out[at]` and returns the offset after it.
 * The timestamp is `sec` seconds plus `frac` microseconds (or nanoseconds with `nanos`), as
 * classic pcap stores it; pcapng wants one 64-bit count of units, split in a high and a low
 * 32-bit word. Seconds × 10⁹ exceeds 2⁵³, so the nanosecond count is built without ever holding
 * it in one double: 10⁹ = 1953125 × 2⁹, and sec × 1953125 < 2⁵³ is exact.
 */
export function writeEnhancedPacketBlock(
  out: Uint8Array,
  at: number,
  sec: number,
  frac: number,
  nanos: boolean,
  origLen: number,
  data: Uint8Array,
  dataStart: number,
  capLen: number,
): number {
  const total = enhancedPacketBlockLength(capLen);
  let hi: number;
  let lo: number;
  if (nanos) {
    const m = sec * 1953125;
    const mHi = Math.floor(m / TWO_23);
    lo = (m - mHi * TWO_23) * 512 + frac;
    hi = mHi + Math.floor(lo / TWO_32);
    lo %= TWO_32;
  } else {
    const v = sec * 1e6 + frac;
    hi = Math.floor(v / TWO_32);
    lo = v - hi * TWO_32;
  }
  put32(out, at, EPB_TYPE);
  put32(out, at + 4, total);
  put32(out, at + 8, 0);
  put32(out, at + 12, hi);
  put32(out, at + 16, lo);
  put32(out, at + 20, capLen);
  put32(out, at + 24, origLen);
  out.set(data.subarray(dataStart, dataStart + capLen), at + 28);
  const end = at + total;
  out.fill(0, at + 28 + capLen, end - 4);
  put32(out, end - 4, total);
  return end;
}
