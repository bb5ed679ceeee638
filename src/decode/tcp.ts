/**
 * TCP header (RFC 9293) and the options kdiag's analysis needs: MSS, window scale, SACK permitted,
 * SACK blocks, timestamps.
 *
 * `end` is where the IP layer says the segment ends (declared, possibly beyond the captured bytes).
 * Returns the payload offset, or STOPPED after setting `out.stop`.
 *
 * `hasTcp` means the fixed 20-byte header was decoded with a sane data offset, so ports, sequence
 * numbers, flags and the payload range are valid. If the snap length then cuts the options, the
 * packet keeps `hasTcp` (the options that were captured are parsed) and `stop` is "short".
 * Malformed options end option parsing only; the segment itself is still good.
 */
import type { DecodedPacket } from "./types.js";
import { setStop } from "./stop.js";
import { STOPPED } from "./result.js";

const MIN_HEADER = 20;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;

const MAX_SACK_BLOCKS = 4;

export function decodeTcp(frame: Uint8Array, off: number, end: number, out: DecodedPacket): number {
  const captured = Math.min(end, frame.length);
  if (end - off < MIN_HEADER) {
    setStop(out, "tcp", "bad", off, MIN_HEADER, end - off, "IP length too small for a TCP header");
    return STOPPED;
  }
  if (captured - off < MIN_HEADER) {
    setStop(out, "tcp", "short", off, MIN_HEADER, captured - off, "TCP header cut short");
    return STOPPED;
  }
  const headerLen = (frame[off + 12]! >> 4) * 4;
  if (headerLen < MIN_HEADER) {
    setStop(out, "tcp", "bad", off, MIN_HEADER, headerLen, "TCP data offset below 5");
    return STOPPED;
  }
  if (off + headerLen > end) {
    setStop(out, "tcp", "bad", off, headerLen, end - off, "TCP header longer than the IP payload");
    return STOPPED;
  }
  out.hasTcp = true;
  out.srcPort = (frame[off]! << 8) | frame[off + 1]!;
  out.dstPort = (frame[off + 2]! << 8) | frame[off + 3]!;
  out.seq = readU32(frame, off + 4);
  out.ack = readU32(frame, off + 8);
  out.flags = ((frame[off + 12]! & 0x01) << 8) | frame[off + 13]!;
  out.window = (frame[off + 14]! << 8) | frame[off + 15]!;
  out.tcpHeaderLen = headerLen;
  const payload = off + headerLen;
  out.payloadOffset = payload;
  out.payloadLen = end - payload;
  out.capturedPayloadLen = captured > payload ? captured - payload : 0;

  const optEnd = payload <= captured ? payload : captured;
  parseOptions(frame, off + MIN_HEADER, optEnd, out);
  if (payload > captured) {
    setStop(out, "tcp", "short", off, headerLen, captured - off, "TCP options cut short");
  }
  return payload;
}

/**
 * Read the options in [pos, end). An option with a length that is below 2 or runs past the header
 * ends parsing (nothing after it can be located). A known option with the wrong length for its
 * kind is skipped, as Wireshark flags it and moves on.
 */
function parseOptions(frame: Uint8Array, pos: number, end: number, out: DecodedPacket): void {
  while (pos < end) {
    const kind = frame[pos]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      pos++;
      continue;
    }
    if (pos + 1 >= end) return;
    const len = frame[pos + 1]!;
    if (len < 2 || pos + len > end) return;
    switch (kind) {
      case OPT_MSS:
        if (len === 4) out.mss = (frame[pos + 2]! << 8) | frame[pos + 3]!;
        break;
      case OPT_WSCALE:
        if (len === 3) out.windowScale = frame[pos + 2]!;
        break;
      case OPT_SACK_PERM:
        if (len === 2) out.sackPermitted = true;
        break;
      case OPT_SACK: {
        const blocks = (len - 2) >> 3;
        if ((len - 2) % 8 === 0 && blocks >= 1 && blocks <= MAX_SACK_BLOCKS) {
          const edges = out.sackEdges;
          for (let i = 0; i < blocks * 2; i++) edges[i] = readU32(frame, pos + 2 + i * 4);
          out.sackCount = blocks;
        }
        break;
      }
      case OPT_TIMESTAMP:
        if (len === 10) {
          out.tsVal = readU32(frame, pos + 2);
          out.tsEcr = readU32(frame, pos + 6);
          out.hasTimestamps = true;
        }
        break;
      default:
        break;
    }
    pos += len;
  }
}

function readU32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}
