import { u16, u32, u32le } from "./endian.js";
import { RecordFramer, type FrameSink } from "./record-framer.js";
import { MAX_PACKET_BYTES } from "./pcap.js";
import type { ProblemLog } from "./problems.js";
import { MICROSECONDS, splitTimestamp, tsResolution, type TsResolution } from "./timestamp.js";
import type { InterfaceInfo } from "./types.js";

/**
 * pcapng reader (draft-ietf-opsawg-pcapng): a file is one or more sections, each a section header
 * block (with its own byte order) followed by interface descriptions and packet blocks. Every block
 * is `type, total length, body, total length`. Interface ids are per section; the frames carry a
 * file-wide interface index instead (the position in the summary's interface list), which is the
 * pcapng id itself for the usual single-section file.
 */

const SHB = 0x0a0d0d0a;
const IDB = 1;
const OPB = 2;
const SPB = 3;
const EPB = 6;

const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
/** Every block is at least type + two lengths; the framer needs the SHB's byte-order magic too. */
const MIN_BLOCK = 12;
/** One packet at the packet size limit plus generous room for options. */
export const MAX_BLOCK_BYTES = MAX_PACKET_BYTES + 65_536;

const OPT_END = 0;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

interface SectionInterface {
  index: number;
  linkType: number;
  snapLen: number;
  ts: TsResolution;
}

export class PcapngParser extends RecordFramer {
  private le = true;
  private section: SectionInterface[] = [];
  private readonly utf8 = new TextDecoder("utf-8", { fatal: false });

  constructor(
    log: ProblemLog,
    sink: FrameSink,
    private readonly interfaces: InterfaceInfo[],
  ) {
    super(log, sink, MIN_BLOCK);
  }

  protected measure(b: Uint8Array, o: number, at: number): number {
    let le = this.le;
    const type = u32(b, o, le);
    if (type === SHB) {
      // The type reads the same in both orders; the byte-order magic decides for the whole section.
      const bom = u32le(b, o + 8);
      if (bom === BYTE_ORDER_MAGIC) le = true;
      else if (bom === BYTE_ORDER_MAGIC_SWAPPED) le = false;
      else {
        this.fail("bad_section", `section header at offset ${at} has no byte-order magic (0x${bom.toString(16)})`, at, false);
        return -1;
      }
      this.le = le;
    }
    const len = u32(b, o + 4, le);
    if (len < MIN_BLOCK || len % 4 !== 0 || len > MAX_BLOCK_BYTES) {
      this.fail("bad_block", `block of type 0x${type.toString(16)} at offset ${at} has an impossible total length ${len}`, at);
      return -1;
    }
    return len;
  }

  protected record(b: Uint8Array, o: number, len: number, at: number): void {
    const le = this.le;
    const trailer = u32(b, o + len - 4, le);
    const type = u32(b, o, le);
    if (trailer !== len) {
      this.fail("bad_block", `block of type 0x${type.toString(16)} at offset ${at}: total length ${len} at the start but ${trailer} at the end`, at);
      return;
    }
    switch (type) {
      case EPB:
        this.packetBlock(b, o, len, at, u32(b, o + 8, le), 32);
        return;
      case SPB:
        this.simplePacket(b, o, len, at);
        return;
      case OPB:
        this.packetBlock(b, o, len, at, u16(b, o + 8, le), 32);
        return;
      case IDB:
        this.interfaceBlock(b, o, len, at);
        return;
      case SHB:
        this.sectionHeader(b, o, len, at);
        return;
      default:
        // Name resolution, statistics, decryption secrets, custom blocks...: not ours.
        return;
    }
  }

  protected truncated(b: Uint8Array, have: number, at: number): void {
    if (this.consumed === 0) {
      this.fail("truncated_header", `section header block cut short: ${have} bytes`, at, false);
    } else if (have < MIN_BLOCK) {
      this.fail("truncated_record", `block header cut short: ${have} of at least ${MIN_BLOCK} bytes`, at);
    } else {
      const need = u32(b, 4, this.le);
      this.fail("truncated_record", `block cut short: ${have} of ${need} bytes (file ends at offset ${at + have})`, at);
    }
  }

  /** Enhanced (type 6) and obsolete (type 2) packet blocks share their layout after the interface id. */
  private packetBlock(b: Uint8Array, o: number, len: number, at: number, ifId: number, fixed: number): void {
    const le = this.le;
    if (len < fixed) {
      this.fail("bad_block", `packet block at offset ${at} is ${len} bytes, shorter than its ${fixed}-byte header`, at);
      return;
    }
    const capLen = u32(b, o + 20, le);
    if (capLen > len - fixed) {
      this.fail("bad_block", `packet block at offset ${at} claims ${capLen} captured bytes but holds at most ${len - fixed}`, at);
      return;
    }
    const ifc = this.section[ifId];
    if (ifc === undefined) {
      this.unknownInterface(ifId, at);
      return;
    }
    const f = this.frame;
    splitTimestamp(ifc.ts, u32(b, o + 12, le), u32(b, o + 16, le), f);
    f.origLen = u32(b, o + 24, le);
    f.linkType = ifc.linkType;
    f.interfaceId = ifc.index;
    this.emit(b, o + 28, capLen, at + 28);
  }

  /** Simple packet block: no interface id (always 0), no timestamp, no captured length. */
  private simplePacket(b: Uint8Array, o: number, len: number, at: number): void {
    if (len < 16) {
      this.fail("bad_block", `simple packet block at offset ${at} is ${len} bytes, shorter than its 16-byte header`, at);
      return;
    }
    const ifc = this.section[0];
    if (ifc === undefined) {
      this.unknownInterface(0, at);
      return;
    }
    const origLen = u32(b, o + 8, this.le);
    // The captured length is what fits: the wire length, cut by the snap length and the block.
    let capLen = Math.min(origLen, len - 16);
    if (ifc.snapLen > 0 && capLen > ifc.snapLen) capLen = ifc.snapLen;
    const f = this.frame;
    f.tsSec = 0;
    f.tsNsec = 0;
    f.origLen = origLen;
    f.linkType = ifc.linkType;
    f.interfaceId = ifc.index;
    this.emit(b, o + 12, capLen, at + 12);
  }

  private unknownInterface(ifId: number, at: number): void {
    const known = this.section.length;
    const after = this.delivered;
    this.log.warn(
      "unknown_interface",
      () => `packet block at offset ${at} (after packet ${after}) names interface ${ifId}, but its section describes ${known}; skipped`,
      at,
    );
  }

  private sectionHeader(b: Uint8Array, o: number, len: number, at: number): void {
    if (len < 28) {
      this.fail("bad_section", `section header at offset ${at} is ${len} bytes, shorter than 28`, at, false);
      return;
    }
    const major = u16(b, o + 12, this.le);
    const minor = u16(b, o + 14, this.le);
    if (major !== 1) {
      this.fail("bad_section", `section header at offset ${at}: unsupported pcapng version ${major}.${minor}`, at, false);
      return;
    }
    // Interface ids restart with every section.
    this.section = [];
  }

  private interfaceBlock(b: Uint8Array, o: number, len: number, at: number): void {
    const le = this.le;
    if (len < 20) {
      this.fail("bad_block", `interface description at offset ${at} is ${len} bytes, shorter than 20`, at);
      return;
    }
    const linkType = u16(b, o + 8, le);
    const snapLen = u32(b, o + 12, le);
    let name: string | undefined;
    let tsresol = 6;
    let offsetSec = 0;
    const end = o + len - 4;
    let p = o + 16;
    while (p + 4 <= end) {
      const code = u16(b, p, le);
      const olen = u16(b, p + 2, le);
      if (code === OPT_END) break;
      const vend = p + 4 + olen;
      if (vend > end) {
        this.fail("bad_block", `interface description at offset ${at}: option ${code} (${olen} bytes) runs past the block`, at);
        return;
      }
      if (code === IF_NAME) name = this.utf8.decode(b.subarray(p + 4, vend)).replace(/\0+$/, "");
      else if (code === IF_TSRESOL && olen >= 1) tsresol = b[p + 4]!;
      else if (code === IF_TSOFFSET && olen >= 8) {
        const lo = u32(b, le ? p + 4 : p + 8, le);
        const hi = u32(b, le ? p + 8 : p + 4, le) | 0;
        offsetSec = hi * 4294967296 + lo;
      }
      p = vend + ((4 - (olen & 3)) & 3);
    }
    const ts = tsresol === 6 && offsetSec === 0 ? MICROSECONDS : tsResolution(tsresol, offsetSec);
    if (ts === null) {
      this.fail("bad_block", `interface description at offset ${at}: unsupported timestamp resolution if_tsresol=0x${tsresol.toString(16)}`, at);
      return;
    }
    const index = this.interfaces.length;
    const info: InterfaceInfo = { id: index, linkType, snapLen };
    if (name !== undefined) info.name = name;
    this.interfaces.push(info);
    this.section.push({ index, linkType, snapLen, ts });
  }
}
