/**
 * A classic pcap byte stream turned into pcapng as it arrives (live capture: tcpdump writes
 * pcap, and what kdiag keeps for -w is pcapng whatever the tool wrote). The file header becomes
 * a Section Header Block and one Interface Description Block; each record an Enhanced Packet
 * Block. Only complete records are written: a record split across chunks waits in a carry
 * buffer (at most one record, bounded by MAX_PACKET_BYTES), and a stream that ends inside one
 * leaves output that ends at the last complete block. Input that is not classic pcap (pcapng
 * from dumpcap, or anything else, which the reader then judges) passes through unchanged.
 */

import { sniff, SNIFF_BYTES } from "./detect.js";
import { u16, u32 } from "./endian.js";
import { MAX_PACKET_BYTES } from "./pcap.js";
import { interfaceDescriptionBlock, sectionHeaderBlock, writeEnhancedPacketBlock } from "./pcapng-writer.js";

const FILE_HEADER = 24;
const RECORD_HEADER = 16;
/** An EPB is at most this much longer than the pcap record it comes from (32 - 16 + 3 padding). */
const GROWTH_PER_RECORD = 19;

type Mode = "sniff" | "header" | "records" | "passthrough" | "failed";

export interface PcapToPcapngOptions {
  /** The capture interface's name, kept as the IDB's if_name (Wireshark shows it). */
  ifName?: string;
  /** The application that wrote the file (SHB shb_userappl). */
  userAppl?: string;
}

export class PcapToPcapng {
  private mode: Mode = "sniff";
  private le = true;
  private nanos = false;
  /** A record (or header) that has not fully arrived: its bytes so far. */
  private carry = new Uint8Array(64);
  private carryLen = 0;
  /** Input bytes taken so far (for messages: where in the stream). */
  private offset = 0;
  /** Complete records converted. */
  records = 0;
  /** Why conversion stopped, when the stream turned out not to be a usable pcap. */
  problem: string | null = null;

  /** Room the SHB and IDB can take (UTF-8 is at most 3 bytes per UTF-16 unit). */
  private readonly headerBlocksBound: number;

  constructor(private readonly opts: PcapToPcapngOptions = {}) {
    this.headerBlocksBound = 128 + 3 * ((opts.ifName?.length ?? 0) + (opts.userAppl?.length ?? 0));
  }

  /** True once the stream is known to be classic pcap being converted. */
  get converting(): boolean {
    return this.mode === "header" || this.mode === "records";
  }

  /** The pcapng bytes (or passed-through bytes) this chunk completes; may be empty. */
  push(chunk: Uint8Array): Uint8Array {
    if (this.mode === "passthrough") return chunk;
    if (this.mode === "failed") return EMPTY;
    if (this.mode === "sniff") {
      this.append(chunk, 0, chunk.length);
      if (this.carryLen < SNIFF_BYTES) return EMPTY;
      const s = sniff(this.carry.subarray(0, this.carryLen));
      if (s.kind !== "pcap") return this.passThrough();
      this.le = s.littleEndian;
      this.nanos = s.nanos;
      this.mode = "header";
      const held = this.carry.slice(0, this.carryLen);
      this.carryLen = 0;
      return this.convert(held);
    }
    return this.convert(chunk);
  }

  /**
   * The input ended. Returns what is still held back that must be written (only when sniffing
   * never decided: a stream too short to be a capture is handed on for the reader to say so).
   * A record cut short is dropped, and `problem` says so.
   */
  end(): Uint8Array {
    if (this.mode === "sniff") return this.passThrough();
    if (this.converting && this.carryLen > 0 && this.problem === null) {
      const what = this.mode === "header" ? `file header cut short: ${this.carryLen} of ${FILE_HEADER} bytes` : this.cutRecord();
      this.problem = `capture stream ended inside a record at offset ${this.offset} (${what}): dropped, the kept file ends at the last complete packet`;
      this.carryLen = 0;
    }
    return EMPTY;
  }

  private cutRecord(): string {
    if (this.carryLen < RECORD_HEADER) return `record header cut short: ${this.carryLen} of ${RECORD_HEADER} bytes`;
    return `record cut short: ${this.carryLen} of ${RECORD_HEADER + u32(this.carry, 8, this.le)} bytes`;
  }

  private passThrough(): Uint8Array {
    this.mode = "passthrough";
    const held = this.carry.slice(0, this.carryLen);
    this.carryLen = 0;
    return held;
  }

  /** Bytes the unit starting at b[o] needs (file header or whole record), or 0 if its header has not arrived; -1 when it is unusable. */
  private need(b: Uint8Array, o: number, have: number): number {
    if (this.mode === "header") return have >= FILE_HEADER ? FILE_HEADER : 0;
    if (have < RECORD_HEADER) return 0;
    const incl = u32(b, o + 8, this.le);
    if (incl > MAX_PACKET_BYTES) {
      this.fail(`record header at offset ${this.offset} claims ${incl} captured bytes (limit ${MAX_PACKET_BYTES}): conversion to pcapng stopped there`);
      return -1;
    }
    return RECORD_HEADER + incl;
  }

  private convert(chunk: Uint8Array): Uint8Array {
    // The carried unit and every record of this chunk fit in this bound, with the two header blocks.
    const out = new Uint8Array(this.carryLen + chunk.length + GROWTH_PER_RECORD * (Math.floor(chunk.length / RECORD_HEADER) + 2) + this.headerBlocksBound);
    let w = 0;
    let o = 0;
    if (this.carryLen > 0) {
      // Complete the carried unit first: its header, then (once its length is known) the rest.
      const headerSize = this.mode === "header" ? FILE_HEADER : RECORD_HEADER;
      const headerTake = Math.min(Math.max(headerSize - this.carryLen, 0), chunk.length);
      this.append(chunk, 0, headerTake);
      o = headerTake;
      const need = this.need(this.carry, 0, this.carryLen);
      if (need <= 0) return EMPTY;
      const take = Math.min(need - this.carryLen, chunk.length - o);
      this.append(chunk, o, take);
      o += take;
      if (this.carryLen < need) return EMPTY;
      this.carryLen = 0;
      w = this.unit(this.carry, 0, need, out, w);
    }
    while (o < chunk.length && this.converting) {
      const need = this.need(chunk, o, chunk.length - o);
      if (need < 0) break;
      if (need === 0 || o + need > chunk.length) {
        this.append(chunk, o, chunk.length - o);
        break;
      }
      w = this.unit(chunk, o, need, out, w);
      o += need;
    }
    // A file header that is not pcap 2.x: the rest goes on unchanged for the reader to judge.
    if (this.mode === "passthrough" && o < chunk.length) {
      out.set(chunk.subarray(o), w);
      w += chunk.length - o;
    }
    return out.subarray(0, w);
  }

  /** Converts one complete unit (file header or record) at b[o], writing at out[w]; returns the new write offset. */
  private unit(b: Uint8Array, o: number, len: number, out: Uint8Array, w: number): number {
    this.offset += len;
    if (this.mode === "header") {
      if (u16(b, o + 4, this.le) !== 2) {
        this.mode = "passthrough";
        out.set(b.subarray(o, o + len), w);
        return w + len;
      }
      const snapLen = u32(b, o + 16, this.le);
      // The upper bits of the link-type field carry FCS information, not the link type.
      const linkType = u32(b, o + 20, this.le) & 0xffff;
      const shb = sectionHeaderBlock(this.opts.userAppl !== undefined ? { userAppl: this.opts.userAppl } : {});
      const idb = interfaceDescriptionBlock(linkType, snapLen, { nanos: this.nanos, ...(this.opts.ifName !== undefined ? { name: this.opts.ifName } : {}) });
      out.set(shb, w);
      out.set(idb, w + shb.length);
      this.mode = "records";
      return w + shb.length + idb.length;
    }
    this.records++;
    return writeEnhancedPacketBlock(out, w, u32(b, o, this.le), u32(b, o + 4, this.le), this.nanos, u32(b, o + 12, this.le), b, o + RECORD_HEADER, len - RECORD_HEADER);
  }

  private fail(message: string): void {
    this.mode = "failed";
    this.problem = message;
  }

  /** Appends input bytes to the carry buffer; it grows with what arrived (at most doubling), never by a length field. */
  private append(b: Uint8Array, o: number, n: number): void {
    if (n <= 0) return;
    if (this.carryLen + n > this.carry.length) {
      const grown = new Uint8Array(Math.max(this.carryLen + n, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLen));
      this.carry = grown;
    }
    this.carry.set(b.subarray(o, o + n), this.carryLen);
    this.carryLen += n;
  }
}

const EMPTY = new Uint8Array(0);
