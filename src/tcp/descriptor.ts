/**
 * The TCP dissector, registered like any plugin. It works on segments, not streams: the
 * connection tracking, analysis and reassembly it describes live in src/tcp/, and this
 * descriptor declares the fields they produce (Wireshark's names) for filters, rules and
 * `kdiag fields`.
 */

import type { DissectorPlugin, FieldSpec } from "../plugins/api.js";
import { PLUGIN_API_VERSION } from "../plugins/api.js";
import { TCP_EVENT_NAMES } from "./types.js";

const EVENT_DESCRIPTIONS: Record<string, string> = {
  retransmission: "This segment repeats sequence space already seen",
  fast_retransmission: "Retransmission after duplicate ACKs (fast retransmit)",
  spurious_retransmission: "Retransmission of data the receiver had already acknowledged",
  out_of_order: "Segment arrived after a later one",
  lost_segment: "A previous segment of this direction was not captured",
  ack_lost_segment: "ACKs a segment that was not captured",
  duplicate_ack: "Duplicate acknowledgement",
  zero_window: "The sender advertises a zero receive window",
  zero_window_probe: "One-byte probe into a zero window",
  zero_window_probe_ack: "Acknowledges a zero-window probe",
  window_full: "The segment fills the peer's advertised window",
  keep_alive: "TCP keep-alive probe",
  keep_alive_ack: "Acknowledges a keep-alive probe",
  reused_ports: "A new SYN on the 4-tuple of an earlier connection",
  window_update: "Only the window changed (no data, no new ACK)",
};

/** The TCP flag bits by their Wireshark field names (tcp.flags.<name>); one table for every user. */
export const TCP_FLAG_BITS: ReadonlyArray<readonly [name: string, bit: number, description: string]> = [
  ["fin", 0x001, "FIN flag"],
  ["syn", 0x002, "SYN flag"],
  ["reset", 0x004, "RST flag"],
  ["push", 0x008, "PSH flag"],
  ["ack", 0x010, "ACK flag"],
  ["urg", 0x020, "URG flag"],
  ["ece", 0x040, "ECE flag"],
  ["cwr", 0x080, "CWR flag"],
  ["ae", 0x100, "AE (accurate ECN, formerly NS) flag"],
];

/** What the packet index keeps of each segment: these are the tcp.* names filters and rules can use. */
const fields: FieldSpec[] = [
  { name: "tcp.srcport", type: "uint", description: "Source port" },
  { name: "tcp.dstport", type: "uint", description: "Destination port" },
  { name: "tcp.stream", type: "uint", description: "Connection index (same numbering as Wireshark); conn.id" },
  { name: "tcp.len", type: "uint", unit: "bytes", description: "TCP payload length" },
  { name: "tcp.seq", type: "uint", description: "Sequence number, relative to the sender's first (as Wireshark shows it)" },
  { name: "tcp.ack", type: "uint", description: "Acknowledgement number, relative to the peer's first; 0 without the ACK flag" },
  { name: "tcp.seq_raw", type: "uint", description: "Sequence number as sent" },
  { name: "tcp.ack_raw", type: "uint", description: "Acknowledgement number as sent" },
  { name: "tcp.window_size_value", type: "uint", description: "Window field as sent (not scaled)" },
  { name: "tcp.window_size", type: "uint", description: "Window in bytes after scaling (as sent when the scale is unknown: handshake not captured)" },
  { name: "tcp.hdr_len", type: "uint", description: "TCP header length, bytes" },
  { name: "tcp.time_delta", type: "double", description: "Seconds since the previous packet of the same connection" },
  { name: "tcp.time_relative", type: "double", description: "Seconds since the first packet of the same connection" },
  ...TCP_FLAG_BITS.map(([name, , description]): FieldSpec => ({ name: `tcp.flags.${name}`, type: "bool", description })),
  ...TCP_EVENT_NAMES.map(
    (e): FieldSpec => ({ name: e.field, type: "bool", description: EVENT_DESCRIPTIONS[e.key] ?? e.key }),
  ),
  { name: "tcp.analysis.flags", type: "bool", description: "Any of the tcp.analysis flags above is set" },
];

const tcp: DissectorPlugin = {
  apiVersion: PLUGIN_API_VERSION,
  name: "tcp",
  label: "TCP",
  description: "Transmission Control Protocol: connections, analysis events, reassembly",
  layer: "segment",
  fields,
};

export default tcp;
