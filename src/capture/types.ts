/**
 * What the capture readers hand on: one frame at a time, as a view into the reader's buffer.
 * A frame's `data` is valid only during the callback that receives it: copy what you keep.
 */

export type CaptureFormat = "pcap" | "pcap-nsec" | "pcapng";

export interface Frame {
  /** 1-based packet number, counted the way Wireshark counts. */
  number: number;
  /** Whole seconds since the epoch. */
  tsSec: number;
  /** Nanoseconds within the second (0..999_999_999), whatever the file's resolution. */
  tsNsec: number;
  /** Bytes present in the file. */
  capLen: number;
  /** Bytes on the wire (>= capLen when the snap length cut the packet). */
  origLen: number;
  /** LINKTYPE_* value of the interface the frame came from. */
  linkType: number;
  /**
   * File-wide interface index (position in CaptureSummary.interfaces); equals the pcapng interface
   * id in a single-section file, 0 for classic pcap. Sections restart their ids, so the raw id
   * alone would mix up interfaces of different link types.
   */
  interfaceId: number;
  /** The captured bytes: a view, valid only during the callback. */
  data: Uint8Array;
  /** Offset of data[0] in the (decompressed) capture byte stream; used to read bytes back later. */
  fileOffset: number;
}

export interface InterfaceInfo {
  id: number;
  linkType: number;
  snapLen: number;
  name?: string;
}

/** Closed set of problem codes: tests and callers match on these, never on message text. */
export type CaptureProblemCode =
  | "not_found"
  | "unreadable"
  | "empty"
  | "unknown_format"
  | "truncated_header"
  | "truncated_record"
  | "bad_record_length"
  /** A long run of all-zero record headers: the rest of the file is padding, not packets. */
  | "zero_fill"
  | "bad_block"
  | "bad_section"
  | "unknown_interface"
  | "gzip_error"
  /** Data after the last gzip member (not zero padding): ignored, as gzip -d does. */
  | "gzip_trailing"
  /** Files named as one rotation set that overlap in time (merge.ts): merged by time instead. */
  | "files_overlap"
  /** Not the file's fault: the capture is too big for this process's memory (see analyseCapture). */
  | "memory_limit";

export interface CaptureProblem {
  code: CaptureProblemCode;
  /** One line, no trailing period: what is wrong. The printer adds file and packet. */
  message: string;
  file: string;
  /** Packet number being read when the problem was found (the first packet not delivered). */
  packet?: number;
  /** Byte offset in the (decompressed) capture stream. */
  offset: number;
  /** true: reading stopped here; the packets before were delivered. */
  fatal: boolean;
}

export interface CaptureSummary {
  format: CaptureFormat | null;
  gzip: boolean;
  frames: number;
  interfaces: InterfaceInfo[];
  /** Bytes of the (decompressed) capture stream consumed. */
  bytes: number;
  problems: CaptureProblem[];
}

/** LINKTYPE_* values (tcpdump.org/linktypes.html) that kdiag decodes. */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;
