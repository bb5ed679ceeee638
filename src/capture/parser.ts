import { SNIFF_BYTES, sniff } from "./detect.js";
import type { FrameSink, RecordFramer } from "./record-framer.js";
import { PcapParser } from "./pcap.js";
import { PcapngParser } from "./pcapng.js";
import { ProblemLog } from "./problems.js";
import type { CaptureSummary } from "./types.js";

/** First bytes of every format we read, to tell "cut short" from "not a capture" on tiny inputs. */
const MAGICS: ReadonlyArray<readonly number[]> = [
  [0xa1, 0xb2, 0xc3, 0xd4],
  [0xd4, 0xc3, 0xb2, 0xa1],
  [0xa1, 0xb2, 0x3c, 0x4d],
  [0x4d, 0x3c, 0xb2, 0xa1],
  [0x0a, 0x0d, 0x0d, 0x0a],
];

/**
 * Format-agnostic push parser over an uncompressed capture byte stream: sniffs the magic from the
 * first bytes, then hands every chunk to the pcap or pcapng reader. Feed it with push(), close it
 * with end(), which returns the summary. Never throws on bad input (only if the sink throws).
 *
 * Frames handed to the sink are one reused object whose `data` views the pushed chunk: valid
 * during the callback only, and only while the caller does not overwrite that chunk.
 */
export class CaptureParser {
  readonly log: ProblemLog;
  readonly summary: CaptureSummary;
  private readonly head = new Uint8Array(SNIFF_BYTES);
  private headLen = 0;
  private inner: RecordFramer | null = null;
  private total = 0;
  private done = false;

  constructor(
    file: string,
    private readonly sink: FrameSink,
    log?: ProblemLog,
  ) {
    this.log = log ?? new ProblemLog(file);
    this.summary = { format: null, gzip: false, frames: 0, interfaces: [], bytes: 0, problems: this.log.list };
  }

  /** True once reading should stop (a fatal problem): callers may stop feeding. */
  get stopped(): boolean {
    return this.log.hasFatal || this.done;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.stopped) return;
    this.total += chunk.length;
    if (this.inner === null) {
      const take = Math.min(SNIFF_BYTES - this.headLen, chunk.length);
      this.head.set(chunk.subarray(0, take), this.headLen);
      this.headLen += take;
      if (this.headLen < SNIFF_BYTES) return;
      if (!this.start()) return;
      this.inner!.push(this.head);
      chunk = chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    this.inner!.push(chunk);
  }

  /** No more input: report a cut-short or empty stream and return the summary. */
  end(): CaptureSummary {
    if (!this.done) {
      this.done = true;
      if (this.inner !== null) this.inner.end();
      else if (!this.log.hasFatal) this.tooShort();
      if (this.inner !== null) {
        this.summary.frames = this.inner.delivered;
        this.summary.bytes = this.log.hasFatal ? this.inner.consumed : this.total;
      }
      this.log.finish(this.summary.bytes);
    }
    return this.summary;
  }

  private start(): boolean {
    const s = sniff(this.head);
    const interfaces = this.summary.interfaces;
    switch (s.kind) {
      case "pcap":
        this.summary.format = s.nanos ? "pcap-nsec" : "pcap";
        this.inner = new PcapParser(this.log, this.sink, s.littleEndian, s.nanos, interfaces);
        return true;
      case "pcapng":
        this.summary.format = "pcapng";
        this.inner = new PcapngParser(this.log, this.sink, interfaces);
        return true;
      case "gzip":
        this.log.fatal("unknown_format", "gzip data where a capture was expected (compressed twice?)", 0);
        return false;
      case "unknown":
        this.log.fatal("unknown_format", s.what, 0);
        return false;
    }
  }

  private tooShort(): void {
    if (this.headLen === 0) {
      this.log.fatal("empty", "empty input (0 bytes)", 0);
      return;
    }
    const head = this.head.subarray(0, this.headLen);
    if (MAGICS.some((m) => head.every((c, i) => m[i] === c))) {
      this.log.fatal("truncated_header", `file header cut short: ${this.headLen} bytes`, 0);
    } else {
      this.log.fatal("unknown_format", sniff(head).kind === "gzip" ? "gzip data where a capture was expected" : `not a capture file (only ${this.headLen} bytes)`, 0);
    }
  }
}
