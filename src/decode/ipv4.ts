/**
 * IPv4 header (RFC 791). Fills the IP fields of `out` and returns the offset of the IP payload,
 * NO_TRANSPORT for a fragment other than the first (IP fields filled, no transport header in it),
 * or STOPPED (-1) after setting `out.stop`.
 *
 * The payload ends where total_len says, not where the frame ends: Ethernet pads short frames to
 * 60 bytes, and that padding is not TCP payload. A frame shorter than total_len was cut by the
 * snap length (`truncated`). Addresses are views into the frame.
 */
import type { DecodedPacket } from "./types.js";
import { setStop } from "./stop.js";
import { NO_TRANSPORT, STOPPED } from "./result.js";

const MIN_HEADER = 20;
const MF = 0x2000;
const FRAG_OFFSET_MASK = 0x1fff;

export function decodeIpv4(frame: Uint8Array, off: number, out: DecodedPacket): number {
  const have = frame.length - off;
  if (have < MIN_HEADER) {
    setStop(out, "ipv4", "short", off, MIN_HEADER, have, "IPv4 header cut short");
    return STOPPED;
  }
  const vihl = frame[off]!;
  if (vihl >> 4 !== 4) {
    setStop(out, "ipv4", "bad", off, MIN_HEADER, have, "IP version is not 4");
    return STOPPED;
  }
  const headerLen = (vihl & 0x0f) * 4;
  if (headerLen < MIN_HEADER) {
    setStop(out, "ipv4", "bad", off, MIN_HEADER, headerLen, "IPv4 header length below 20");
    return STOPPED;
  }
  if (have < headerLen) {
    setStop(out, "ipv4", "short", off, headerLen, have, "IPv4 options cut short");
    return STOPPED;
  }
  let totalLen = (frame[off + 2]! << 8) | frame[off + 3]!;
  if (totalLen === 0) {
    // A capture taken on the sending host before TCP segmentation offload splits the packet
    // carries total_len 0; Wireshark then uses the captured length, and so do we.
    out.ipPayloadEnd = frame.length;
    out.lenSource = "frame";
  } else {
    if (totalLen < headerLen) {
      setStop(out, "ipv4", "bad", off, headerLen, totalLen, "IPv4 total length below header length");
      return STOPPED;
    }
    out.ipPayloadEnd = off + totalLen;
    out.lenSource = "ipv4.total_len";
    if (frame.length < off + totalLen) out.truncated = true;
  }
  const fragWord = (frame[off + 6]! << 8) | frame[off + 7]!;
  out.ipVersion = 4;
  out.ipOffset = off;
  out.ipId = (frame[off + 4]! << 8) | frame[off + 5]!;
  out.fragment = (fragWord & MF) !== 0 || (fragWord & FRAG_OFFSET_MASK) !== 0;
  out.ttl = frame[off + 8]!;
  out.ipProto = frame[off + 9]!;
  out.srcAddr = frame.subarray(off + 12, off + 16);
  out.dstAddr = frame.subarray(off + 16, off + 20);
  out.ipPayloadOffset = off + headerLen;
  return (fragWord & FRAG_OFFSET_MASK) !== 0 ? NO_TRANSPORT : off + headerLen;
}

