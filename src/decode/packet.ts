/**
 * Entry point of frame decoding: link -> IPv4/IPv6 -> TCP, into one reused DecodedPacket.
 *
 * One pass creates one DecodedPacket with createDecodedPacket() and hands it to decodePacket()
 * for every frame; the result is valid until the next call (copy what you keep: `srcAddr`,
 * `dstAddr` and `stop` included). The normal path allocates only the two address views.
 *
 * What the fields mean when decoding ends early or the packet is not TCP/IP:
 * - unknown link type, or a BSD NULL/LOOP family that is not IP: `stop` {link, unsupported};
 * - a well-formed frame of another protocol (ARP, LLDP, UDP, ICMP, ESP...) is not a stop: it is
 *   told by `ipVersion` 0 with its `etherType`, or by `ipProto` with `hasTcp` false;
 * - `ipVersion` is 4 or 6 only once the fixed IP header was decoded, so addresses, ttl and the
 *   payload range are valid whenever it is non-zero;
 * - `hasTcp` is true once the fixed TCP header was decoded (see tcp.ts); a later IP fragment
 *   has no TCP header.
 * decodePacket never throws: every read is bounds-checked against the frame first.
 */
import type { DecodedPacket } from "./types.js";
import { decodeLink, ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from "./link.js";
import { decodeIpv4 } from "./ipv4.js";
import { decodeIpv6 } from "./ipv6.js";
import { decodeTcp } from "./tcp.js";
import { attachStopRecord, setStop } from "./stop.js";
import { LinkType } from "../capture/types.js";

const IPPROTO_TCP = 6;
const EMPTY = new Uint8Array(0);

export function createDecodedPacket(): DecodedPacket {
  // Every field is written here, in one order, so all packets share one hidden class.
  const out: DecodedPacket = {
    ipVersion: 0,
    etherType: -1,
    vlanOuter: -1,
    vlanInner: -1,
    ipOffset: -1,
    srcAddr: EMPTY,
    dstAddr: EMPTY,
    ttl: -1,
    ipId: -1,
    fragment: false,
    ipProto: -1,
    ipPayloadOffset: -1,
    ipPayloadEnd: -1,
    lenSource: "frame",
    hasTcp: false,
    srcPort: -1,
    dstPort: -1,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    tcpHeaderLen: 0,
    mss: -1,
    windowScale: -1,
    sackPermitted: false,
    sackCount: 0,
    sackEdges: new Uint32Array(8),
    tsVal: -1,
    tsEcr: -1,
    hasTimestamps: false,
    payloadOffset: -1,
    payloadLen: 0,
    capturedPayloadLen: 0,
    truncated: false,
    stop: null,
  };
  attachStopRecord(out);
  return out;
}

/** Back to the "nothing decoded" state of createDecodedPacket (sackEdges is zeroed only up to sackCount). */
function reset(out: DecodedPacket): void {
  out.ipVersion = 0;
  out.etherType = -1;
  out.vlanOuter = -1;
  out.vlanInner = -1;
  out.ipOffset = -1;
  out.srcAddr = EMPTY;
  out.dstAddr = EMPTY;
  out.ttl = -1;
  out.ipId = -1;
  out.fragment = false;
  out.ipProto = -1;
  out.ipPayloadOffset = -1;
  out.ipPayloadEnd = -1;
  out.lenSource = "frame";
  out.hasTcp = false;
  out.srcPort = -1;
  out.dstPort = -1;
  out.seq = 0;
  out.ack = 0;
  out.flags = 0;
  out.window = 0;
  out.tcpHeaderLen = 0;
  out.mss = -1;
  out.windowScale = -1;
  out.sackPermitted = false;
  if (out.sackCount !== 0) out.sackEdges.fill(0);
  out.sackCount = 0;
  out.tsVal = -1;
  out.tsEcr = -1;
  out.hasTimestamps = false;
  out.payloadOffset = -1;
  out.payloadLen = 0;
  out.capturedPayloadLen = 0;
  out.truncated = false;
  out.stop = null;
}

export function decodePacket(frame: Uint8Array, linkType: number, out: DecodedPacket): DecodedPacket {
  reset(out);
  const net = decodeLink(frame, linkType, out);
  if (net < 0) return out;

  let version = 0;
  if (out.etherType === ETHERTYPE_IPV4) version = 4;
  else if (out.etherType === ETHERTYPE_IPV6) version = 6;
  else if (out.etherType === -1) {
    // Raw IP: LINKTYPE_IPV4/IPV6 fix the version, LINKTYPE_RAW carries it in the first nibble.
    if (linkType === LinkType.IPV4) version = 4;
    else if (linkType === LinkType.IPV6) version = 6;
    else if (frame.length <= net) {
      setStop(out, "link", "short", net, 1, 0, "empty raw IP frame");
      return out;
    } else {
      const nibble = frame[net]! >> 4;
      if (nibble === 4) version = 4;
      else if (nibble === 6) version = 6;
      else {
        setStop(out, "link", "bad", net, 1, frame.length - net, "raw IP version is neither 4 nor 6");
        return out;
      }
    }
  }
  if (version === 0) return out; // not IP: etherType says what it is

  const transport = version === 4 ? decodeIpv4(frame, net, out) : decodeIpv6(frame, net, out);
  if (transport < 0 || out.ipProto !== IPPROTO_TCP) return out;
  decodeTcp(frame, transport, out.ipPayloadEnd, out);
  return out;
}
