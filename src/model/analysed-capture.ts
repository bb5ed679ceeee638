/**
 * The analysed capture: what one pass over a capture produces, and what every view, report and
 * rule reads. Nothing downstream re-parses the file; packet bytes are read back on demand.
 */

import type { FoldedView } from "./folded-view.js";
import type { CapturePart } from "../capture/merge.js";
import type { CaptureSummary } from "../capture/types.js";
import type { Exchange, Pdu } from "../plugins/api.js";
import type { Connection } from "../tcp/types.js";
import type { PacketIndex } from "./packet-index.js";

/** A PDU as stored in the model: tied to its connection and to the packet where it completed. */
export interface StoredPdu extends Pdu {
  connId: number;
  dissector: string;
  /** Packet being processed when the PDU completed (where a packet list shows it). */
  packet: number;
}

/** A request/response pair as stored in the model, tied to its connection. */
export interface StoredExchange extends Exchange {
  connId: number;
  dissector: string;
}

/** An expert note (Wireshark's expert info): something worth a look, tied to a packet. */
export interface Note {
  severity: "note" | "warning" | "error";
  packet: number;
  connId: number;
  message: string;
}

export interface DecodeCounts {
  /** Packets that are not IP (ARP, LLDP, ...). */
  nonIp: number;
  /** IP packets that are not TCP (UDP, ICMP, ...). */
  nonTcp: number;
  /** IP fragments (flagged; kdiag does not reassemble IP fragments). */
  fragments: number;
  /** Frames cut by the snap length before the end of the IP payload. */
  truncated: number;
  /** Frames whose headers could not be decoded (short or bad), by layer. */
  malformed: number;
  /** Frames of link types kdiag does not decode, by LINKTYPE value. */
  unsupportedLinkTypes: Record<number, number>;
}

/**
 * Reads a packet's bytes back from the capture (plain file, spooled copy, or the files of a merged
 * capture: there the offset is a merged address, file index * FILE_STRIDE + offset in the file).
 */
export interface PacketByteSource {
  /** Bytes at a stream offset (PacketIndex.fileOffset), as a view valid until the next call. */
  view(offset: number, length: number): Uint8Array;
  close(): void;
}

export interface AnalysedCapture {
  file: string;
  summary: CaptureSummary;
  packets: PacketIndex;
  /**
   * Index = connection id. A live capture past --keep-connections folds its oldest connections
   * into `folded` and leaves a hole in their place (no object per folded connection).
   */
  connections: readonly (Connection | undefined)[];
  /**
   * A live capture's connections not folded, in id order: what a walk over every connection
   * visits, without passing over the holes of every connection folded (connectionsOf()).
   */
  connectionsHeld?: Iterable<Connection>;
  pdus: StoredPdu[];
  /** Paired requests and responses, in the order the request was seen (orphans at their response). */
  exchanges: StoredExchange[];
  notes: Note[];
  decode: DecodeCounts;
  bytes: PacketByteSource;
  /**
   * Several files read as one capture: each file with its own summary and the merged packet
   * numbers it holds (packets are numbered over the merged capture, as mergecap's output would be).
   * Absent for a single file.
   */
  parts?: CapturePart[];
  /** A live capture's connections folded into per-server and per-path aggregates (src/live/folded.ts). */
  folded?: FoldedView;
  /**
   * `--show-secrets`: captured bytes are shown and written as they are. Otherwise (absent or
   * false) the secrets dissectors marked (a SASL password, a SCRAM proof) are overwritten
   * wherever kdiag shows or writes packet bytes (src/model/secret-bytes.ts).
   */
  showSecrets?: boolean;
}

/** Every connection of the capture, in id order: a live capture's without its folded ones (holes are skipped by the caller either way). */
export function connectionsOf(capture: Pick<AnalysedCapture, "connections" | "connectionsHeld">): Iterable<Connection | undefined> {
  return capture.connectionsHeld ?? capture.connections;
}
