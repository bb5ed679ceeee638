/**
 * Link layer: finds where the network layer starts and what it is, for every link type kdiag reads.
 *
 * Contract: decodeLink writes `out.etherType` (and the VLAN ids) and returns the offset of the
 * network header, or -1 after setting `out.stop`. The network layer is named by an EtherType:
 * - Ethernet, SLL, SLL2: the frame's own EtherType / protocol field (after any VLAN tags);
 * - BSD NULL / LOOP: the address family mapped to its EtherType equivalent (0x0800 / 0x86dd), so
 *   the caller dispatches one way for every link type;
 * - raw IP (101, 228, 229): -1, the link type has none; the caller reads the IP version nibble.
 */
import { LinkType } from "../capture/types.js";
import type { DecodedPacket } from "./types.js";
import { setStop } from "./stop.js";

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // 802.1Q
const ETHERTYPE_QINQ = 0x88a8; // 802.1ad service tag
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard double tagging

/** More tags than this is not a real network; stop instead of walking an arbitrary chain. */
const MAX_VLAN_TAGS = 8;

const ETH_HEADER = 14;
const SLL_HEADER = 16;
const SLL2_HEADER = 20;
const NULL_HEADER = 4;

export function decodeLink(frame: Uint8Array, linkType: number, out: DecodedPacket): number {
  switch (linkType) {
    case LinkType.ETHERNET:
      return decodeEthernet(frame, out);
    case LinkType.LINUX_SLL:
      if (frame.length < SLL_HEADER) {
        setStop(out, "link", "short", 0, SLL_HEADER, frame.length, "Linux cooked header cut short");
        return -1;
      }
      out.etherType = (frame[14]! << 8) | frame[15]!;
      return SLL_HEADER;
    case LinkType.LINUX_SLL2:
      if (frame.length < SLL2_HEADER) {
        setStop(out, "link", "short", 0, SLL2_HEADER, frame.length, "Linux cooked v2 header cut short");
        return -1;
      }
      out.etherType = (frame[0]! << 8) | frame[1]!;
      return SLL2_HEADER;
    case LinkType.RAW:
    case LinkType.IPV4:
    case LinkType.IPV6:
      out.etherType = -1;
      return 0;
    case LinkType.NULL:
    case LinkType.LOOP:
      return decodeNull(frame, linkType, out);
    default:
      setStop(out, "link", "unsupported", 0, 0, frame.length, "link type not supported");
      return -1;
  }
}

function decodeEthernet(frame: Uint8Array, out: DecodedPacket): number {
  if (frame.length < ETH_HEADER) {
    setStop(out, "link", "short", 0, ETH_HEADER, frame.length, "Ethernet header cut short");
    return -1;
  }
  let type = (frame[12]! << 8) | frame[13]!;
  let off = ETH_HEADER;
  let tags = 0;
  while (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
    // A tag is 2 bytes of TCI (PCP, DEI, 12-bit VLAN id) then the next EtherType.
    if (frame.length < off + 4) {
      setStop(out, "vlan", "short", off, 4, frame.length - off, "VLAN tag cut short");
      return -1;
    }
    if (tags === MAX_VLAN_TAGS) {
      setStop(out, "vlan", "bad", off, 0, frame.length - off, "too many VLAN tags");
      return -1;
    }
    const vid = ((frame[off]! & 0x0f) << 8) | frame[off + 1]!;
    if (tags === 0) out.vlanOuter = vid;
    else if (tags === 1) out.vlanInner = vid;
    tags++;
    type = (frame[off + 2]! << 8) | frame[off + 3]!;
    off += 4;
  }
  // Values up to 1500 are an 802.3 length (LLC follows): not IP, reported as-is in etherType.
  out.etherType = type;
  return off;
}

function decodeNull(frame: Uint8Array, linkType: number, out: DecodedPacket): number {
  if (frame.length < NULL_HEADER) {
    setStop(out, "link", "short", 0, NULL_HEADER, frame.length, "loopback header cut short");
    return -1;
  }
  const be = ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0;
  let family = be;
  if (linkType === LinkType.NULL) {
    // NULL stores the family in the capturing host's byte order, which the file does not record.
    // Families are small numbers, so whichever reading fits in 16 bits is the right one.
    const le = ((frame[3]! << 24) | (frame[2]! << 16) | (frame[1]! << 8) | frame[0]!) >>> 0;
    family = le <= 0xffff ? le : be;
  }
  switch (family) {
    case 2: // AF_INET everywhere
      out.etherType = ETHERTYPE_IPV4;
      return NULL_HEADER;
    case 10: // AF_INET6 on Linux
    case 24: // NetBSD, OpenBSD
    case 28: // FreeBSD, DragonFly
    case 30: // macOS
      out.etherType = ETHERTYPE_IPV6;
      return NULL_HEADER;
    default:
      setStop(out, "link", "unsupported", 0, 0, frame.length, "address family not IP");
      return -1;
  }
}
