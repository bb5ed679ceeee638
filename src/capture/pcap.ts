import { u16, u32 } from "./endian.js";
import { RecordFramer, type FrameSink } from "./record-framer.js";
import type { ProblemLog } from "./problems.js";
import type { InterfaceInfo } from "./types.js";

/**
 * Largest captured length we accept for one packet, whatever the header's snap length says.
 * Real link types stay far below (Wireshark's limit is 256 KiB for most, a few MiB for USB/D-Bus);
 * a larger value is a corrupt header, and accepting it would only delay the failure.
 */
export const MAX_PACKET_BYTES = 16 * 1024 * 1024;
/** Above this, a captured length must also be backed by the snap length or the wire length. */
export const PLAUSIBLE_PACKET_BYTES = 262_144;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/**
 * All-zero record headers in a row that end the reading: a file padded with zeros (a preallocated
 * or damaged file, a transfer padded to a block size) would otherwise read as one empty packet
 * per 16 bytes, hundreds of millions of them, each costing the packet index a row.
 */
export const ZERO_FILL_RUN = 1024;

/**
 * Classic libpcap file reader (https://www.tcpdump.org/manpages/pcap-savefile.5.html): a 24-byte
 * file header, then records of a 16-byte header and incl_len bytes. Both byte orders, microsecond
 * and nanosecond timestamps.
 */
export class PcapParser extends RecordFramer {
  private inHeader = true;
  private snapLen = 0;

  constructor(
    log: ProblemLog,
    sink: FrameSink,
    private readonly le: boolean,
    private readonly nanos: boolean,
    private readonly interfaces: InterfaceInfo[],
  ) {
    super(log, sink, FILE_HEADER);
  }

  /** All-zero record headers seen in a row, and where the run began. */
  private zeroRun = 0;
  private zeroRunAt = 0;

  protected measure(b: Uint8Array, o: number, at: number): number {
    if (this.inHeader) return FILE_HEADER;
    if (isZero(b, o, RECORD_HEADER)) {
      if (this.zeroRun++ === 0) this.zeroRunAt = at;
      if (this.zeroRun >= ZERO_FILL_RUN) {
        this.fail("zero_fill", `zero-filled from offset ${this.zeroRunAt} (${ZERO_FILL_RUN} empty records in a row): the rest is padding, not packets`, this.zeroRunAt);
        return -1;
      }
    } else {
      this.zeroRun = 0;
    }
    const incl = u32(b, o + 8, this.le);
    if (incl > MAX_PACKET_BYTES) {
      this.fail("bad_record_length", `record header at offset ${at} claims ${incl} captured bytes (limit ${MAX_PACKET_BYTES})`, at);
      return -1;
    }
    if (incl > PLAUSIBLE_PACKET_BYTES && incl > this.snapLen && incl > u32(b, o + 12, this.le)) {
      this.fail(
        "bad_record_length",
        `record header at offset ${at} claims ${incl} captured bytes, more than the snap length ${this.snapLen} and the wire length`,
        at,
      );
      return -1;
    }
    return RECORD_HEADER + incl;
  }

  protected record(b: Uint8Array, o: number, len: number, at: number): void {
    if (this.inHeader) {
      this.fileHeader(b, o, at);
      return;
    }
    const le = this.le;
    const f = this.frame;
    let sec = u32(b, o, le);
    let nsec = this.nanos ? u32(b, o + 4, le) : u32(b, o + 4, le) * 1000;
    // A fraction field of a second or more is out of spec; carry it over rather than hand on an
    // nsec outside 0..999_999_999.
    if (nsec >= 1e9) {
      sec += Math.floor(nsec / 1e9);
      nsec %= 1e9;
    }
    f.tsSec = sec;
    f.tsNsec = nsec;
    f.origLen = u32(b, o + 12, le);
    this.emit(b, o + RECORD_HEADER, len - RECORD_HEADER, at + RECORD_HEADER);
  }

  protected truncated(b: Uint8Array, have: number, at: number): void {
    if (this.inHeader) {
      this.fail("truncated_header", `file header cut short: ${have} of ${FILE_HEADER} bytes`, at, false);
    } else if (have < RECORD_HEADER) {
      this.fail("truncated_record", `record header cut short: ${have} of ${RECORD_HEADER} bytes`, at);
    } else {
      const need = RECORD_HEADER + u32(b, 8, this.le);
      this.fail("truncated_record", `record cut short: ${have} of ${need} bytes (file ends at offset ${at + have})`, at);
    }
  }

  private fileHeader(b: Uint8Array, o: number, at: number): void {
    const major = u16(b, o + 4, this.le);
    const minor = u16(b, o + 6, this.le);
    if (major !== 2) {
      this.fail("bad_section", `unsupported pcap version ${major}.${minor} (only 2.x exists)`, at, false);
      return;
    }
    this.snapLen = u32(b, o + 16, this.le);
    // The upper bits of the link-type field carry FCS information, not the link type.
    const linkType = u32(b, o + 20, this.le) & 0xffff;
    this.interfaces.push({ id: 0, linkType, snapLen: this.snapLen });
    this.frame.linkType = linkType;
    this.frame.interfaceId = 0;
    this.inHeader = false;
    this.headerNeed = RECORD_HEADER;
  }
}

function isZero(b: Uint8Array, o: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (b[o + i] !== 0) return false;
  return true;
}
