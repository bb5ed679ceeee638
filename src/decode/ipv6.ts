/**
 * IPv6 header (RFC 8200) and its extension-header chain. Fills the IP fields of `out` and returns
 * the offset of the upper-layer header, NO_TRANSPORT for a fragment other than the first, or
 * STOPPED after setting `out.stop`.
 *
 * `ipProto` is the protocol after the last extension header walked; ESP (50) and No Next Header
 * (59) end the walk because what follows is opaque. The payload ends where payload_len says,
 * except for a jumbogram (payload_len 0 with a hop-by-hop header, RFC 2675), whose real length
 * is in an option: there the frame end is used (lenSource "frame").
 */
import type { DecodedPacket } from "./types.js";
import { setStop } from "./stop.js";
import { NO_TRANSPORT, STOPPED } from "./result.js";

const FIXED_HEADER = 40;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AUTH = 51;
const DEST_OPTS = 60;
// Mobility (135), HIP (139) and Shim6 (140) share the generic (len + 1) * 8 layout.
const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

const FRAG_HEADER_LEN = 8;

export function decodeIpv6(frame: Uint8Array, off: number, out: DecodedPacket): number {
  const have = frame.length - off;
  if (have < FIXED_HEADER) {
    setStop(out, "ipv6", "short", off, FIXED_HEADER, have, "IPv6 header cut short");
    return STOPPED;
  }
  if (frame[off]! >> 4 !== 6) {
    setStop(out, "ipv6", "bad", off, FIXED_HEADER, have, "IP version is not 6");
    return STOPPED;
  }
  const payloadLen = (frame[off + 4]! << 8) | frame[off + 5]!;
  let next = frame[off + 6]!;
  out.ipVersion = 6;
  out.ipOffset = off;
  out.ipId = -1;
  out.ttl = frame[off + 7]!;
  out.srcAddr = frame.subarray(off + 8, off + 24);
  out.dstAddr = frame.subarray(off + 24, off + 40);
  let end: number;
  if (payloadLen === 0 && next === HOP_BY_HOP) {
    end = frame.length;
    out.lenSource = "frame";
  } else {
    end = off + FIXED_HEADER + payloadLen;
    out.lenSource = "ipv6.payload_len";
    if (frame.length < end) out.truncated = true;
  }
  out.ipPayloadEnd = end;

  // Walk the chain. Every header is at least 8 bytes long, so the walk ends within the payload.
  let cur = off + FIXED_HEADER;
  for (;;) {
    out.ipProto = next;
    out.ipPayloadOffset = cur;
    let len: number;
    if (next === HOP_BY_HOP || next === ROUTING || next === DEST_OPTS || next === MOBILITY || next === HIP || next === SHIM6) {
      if (!headerFits(frame, off, cur, 2, end, out)) return STOPPED;
      len = (frame[cur + 1]! + 1) * 8;
    } else if (next === AUTH) {
      if (!headerFits(frame, off, cur, 2, end, out)) return STOPPED;
      len = (frame[cur + 1]! + 2) * 4; // AH counts 4-byte units, minus 2 (RFC 4302)
    } else if (next === FRAGMENT) {
      if (!headerFits(frame, off, cur, FRAG_HEADER_LEN, end, out)) return STOPPED;
      out.fragment = true;
      const fragOffset = ((frame[cur + 2]! << 8) | frame[cur + 3]!) >> 3;
      if (fragOffset !== 0) {
        // A later fragment: the rest is the middle of the upper-layer payload.
        out.ipProto = frame[cur]!;
        out.ipPayloadOffset = cur + FRAG_HEADER_LEN;
        return NO_TRANSPORT;
      }
      len = FRAG_HEADER_LEN;
    } else {
      return cur; // upper layer (TCP, UDP, ICMPv6...), ESP or No Next Header
    }
    if (!headerFits(frame, off, cur, len, end, out)) return STOPPED;
    next = frame[cur]!;
    cur += len;
  }
}

/**
 * Check that an extension header of `len` bytes at `cur` lies inside the declared payload and the
 * captured bytes. A header past the declared end is bad; one past the captured end is short.
 */
function headerFits(frame: Uint8Array, ipOff: number, cur: number, len: number, end: number, out: DecodedPacket): boolean {
  if (cur + len > end) {
    setStop(out, "ipv6", "bad", ipOff, cur + len - ipOff, end - ipOff, "IPv6 extension header past payload length");
    return false;
  }
  if (cur + len > frame.length) {
    setStop(out, "ipv6", "short", ipOff, cur + len - ipOff, frame.length - ipOff, "IPv6 extension header cut short");
    return false;
  }
  return true;
}
