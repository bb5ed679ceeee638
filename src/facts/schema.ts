/**
 * The fact schema: the documented facts each rule scope exposes, one table that drives the CEL
 * declarations (src/cel/env.ts), the display filter's names (src/filter/fields.ts), docs/rules.md
 * (a test keeps them in step) and `kdiag fields`.
 *
 * Two sources: kdiag's own facts (frame.*, ip.*, tcp.*, and the aggregates under conn.*,
 * exchange.*, capture.*, pair.*, end.*, path.*, other.*), written here; and the protocol facts,
 * built at run time from the registry's declared fields (kafka.*, tls.*, any plugin's), so that a
 * plugin's fields reach rules and filters exactly as Kafka's do. Naming: Wireshark's where
 * Wireshark has the field.
 *
 * CEL cannot make one name both a value and a parent, so where Wireshark has both (`tcp.flags`
 * the number and `tcp.flags.reset` the bit) the parent is the group of bools and the number moves
 * to a sibling with a `_value` suffix: `tcp.flags.reset` (bool), `tcp.flags_value` (int).
 *
 * A fact marked `optional` is absent when the capture does not tell (no handshake, still open, no
 * keep-alive...). Reading an absent fact makes the comparison fail, so the item does not match
 * (as a Wireshark filter on a missing field); test for it with `has(conn.handshake_rtt_ms)`.
 */

import type { FieldSpec, FieldType } from "../plugins/api.js";
import { createRegistry } from "../plugins/builtin.js";
import type { Registry } from "../plugins/registry.js";
import tcpDescriptor, { TCP_FLAG_BITS } from "../tcp/descriptor.js";
import { GROUP_FACTS } from "./aggregate.js";

export const SCOPES = ["packet", "connection", "exchange", "capture", "pair", "end", "group"] as const;
export type Scope = (typeof SCOPES)[number];

/** CEL types used by facts. Integers are CEL int (BigInt at run time), times in ms are double. */
export type FactType = "int" | "double" | "string" | "bool" | "list<int>" | "list<string>" | "map<string, int>";

export interface FactSpec {
  /** Dotted name as written in a condition: "conn.idle_before_close_ms". */
  name: string;
  type: FactType;
  /** ms, s, bytes, packets... (documentation only). */
  unit?: string;
  /** May be absent on some items; see the module comment. */
  optional?: boolean;
  /** For strings with a closed set of values. */
  values?: readonly string[];
  description: string;
}

/** The CEL type of a dissector field: one value, or (`repeated`) a list of them. */
export function celType(t: FieldType, repeated: boolean): FactType {
  const base: FactType = t === "int" || t === "uint" ? "int" : t === "bool" ? "bool" : t === "double" || t === "time" ? "double" : "string";
  if (!repeated) return base;
  return base === "int" ? "list<int>" : "list<string>";
}

/**
 * A protocol field as a fact: the declaration decides everything (type, list, unit), so a
 * plugin's fields become facts exactly as Kafka's do. A repeated field is a list, present on
 * every item (empty when the message has none); a single one may be absent.
 */
export function protocolFact(f: FieldSpec): FactSpec {
  const repeated = f.repeated === true;
  return {
    name: f.name,
    type: celType(f.type, repeated),
    optional: !repeated,
    ...(f.unit ? { unit: f.unit } : {}),
    description: repeated ? `${f.description}; a list, empty when the message has none` : f.description,
  };
}

const CLOSE_HOW = ["fin", "rst", "open"] as const;
const SIDE = ["client", "server", "none"] as const;


export const TCP_FLAGS: ReadonlyArray<{ name: string; bit: number }> = TCP_FLAG_BITS.map(([name, bit]) => ({ name, bit }));

const PACKET_FACTS: FactSpec[] = [
  { name: "frame.number", type: "int", description: "Packet number, 1-based, as in Wireshark" },
  { name: "frame.time", type: "double", unit: "s", description: "Capture time, seconds since the epoch" },
  { name: "frame.time_relative", type: "double", unit: "s", description: "Seconds since the first packet of the capture" },
  { name: "frame.time_delta", type: "double", unit: "s", description: "Seconds since the previous packet of the capture" },
  { name: "frame.len", type: "int", unit: "bytes", description: "Length of the packet on the wire" },
  { name: "frame.cap_len", type: "int", unit: "bytes", description: "Bytes of the packet kept in the capture" },
  { name: "frame.protocols", type: "string", description: "Protocols in the frame as Wireshark lists them: eth:ethertype:ip:tcp:kafka" },
  { name: "ip.version", type: "int", optional: true, description: "4 or 6; absent for packets that are not IP (ARP...)" },
  { name: "ip.src", type: "string", optional: true, description: "Source address (IPv4 or IPv6 text; a Wireshark display filter's ip.src is IPv4 only); absent when not IP" },
  { name: "ip.dst", type: "string", optional: true, description: "Destination address (IPv4 or IPv6 text; a display filter's ip.dst is IPv4 only); absent when not IP" },
  { name: "ip.ttl", type: "int", optional: true, description: "IPv4 time to live (hop limit for IPv6): a RST whose TTL differs from its sender's other packets was made on the path" },
  { name: "ip.proto", type: "int", optional: true, description: "Protocol carried by IP (6 TCP, 17 UDP, 1 ICMP; the next header after IPv6 extensions)" },
  { name: "ip.id", type: "int", optional: true, description: "IPv4 identification; absent for IPv6" },
  { name: "ip.len", type: "int", optional: true, unit: "bytes", description: "IPv4 total length (IPv6: payload length + 40)" },
  { name: "ipv6.src", type: "string", optional: true, description: "IPv6 source address; absent for IPv4" },
  { name: "ipv6.dst", type: "string", optional: true, description: "IPv6 destination address; absent for IPv4" },
  { name: "ipv6.hlim", type: "int", optional: true, description: "IPv6 hop limit" },
  { name: "ipv6.nxt", type: "int", optional: true, description: "Upper-layer protocol after the IPv6 extension headers" },
  { name: "udp.srcport", type: "int", optional: true, description: "UDP source port" },
  { name: "udp.dstport", type: "int", optional: true, description: "UDP destination port" },
  { name: "udp.length", type: "int", optional: true, unit: "bytes", description: "UDP length field (header included)" },
  // tcp.* as the TCP descriptor declares them (src/tcp/descriptor.ts), plus two of kdiag's own.
  ...tcpDescriptor.fields.map((f): FactSpec => ({ ...protocolFact(f), optional: true })),
  { name: "tcp.from", type: "string", optional: true, values: ["client", "server"], description: "Which end of the connection sent the packet (kdiag's own)" },
  { name: "tcp.flags_value", type: "int", optional: true, description: "The flag bits as a number (Wireshark's tcp.flags)" },
];

/** conn.* facts: the connection of the item (packet and exchange scopes see it too). */
const CONNECTION_FACTS: FactSpec[] = [
  { name: "conn.id", type: "int", description: "Connection index (Wireshark's tcp.stream)" },
  { name: "conn.client_addr", type: "string", description: "Client address (the side that sent the SYN, or inferred)" },
  { name: "conn.client_port", type: "int", description: "Client port" },
  { name: "conn.server_addr", type: "string", description: "Server (broker) address" },
  { name: "conn.server_port", type: "int", description: "Server (broker) port" },
  { name: "conn.role_inferred", type: "bool", description: "True when no SYN/SYN-ACK was seen and the roles were guessed from ports" },
  { name: "conn.start_time", type: "double", unit: "s", description: "Time of the connection's first packet, seconds since the epoch" },
  { name: "conn.end_time", type: "double", unit: "s", description: "Time of the connection's last packet, seconds since the epoch" },
  { name: "conn.duration_ms", type: "double", unit: "ms", description: "First to last packet" },
  { name: "conn.handshake_seen", type: "bool", description: "The client's SYN is in the capture" },
  { name: "conn.connect_failed", type: "bool", description: "The client's SYN is in the capture and the server never answered it with a SYN-ACK (refused with a RST, or unanswered)" },
  { name: "conn.handshake_rtt_ms", type: "double", unit: "ms", optional: true, description: "SYN to the ACK of the SYN-ACK (tcp.analysis.initial_rtt); absent without a handshake" },
  { name: "conn.packets_c2s", type: "int", unit: "packets", description: "Packets client to server" },
  { name: "conn.packets_s2c", type: "int", unit: "packets", description: "Packets server to client" },
  { name: "conn.bytes_c2s", type: "int", unit: "bytes", description: "Frame bytes client to server" },
  { name: "conn.bytes_s2c", type: "int", unit: "bytes", description: "Frame bytes server to client" },
  { name: "conn.payload_c2s", type: "int", unit: "bytes", description: "TCP payload bytes client to server (retransmissions included)" },
  { name: "conn.payload_s2c", type: "int", unit: "bytes", description: "TCP payload bytes server to client (retransmissions included)" },
  { name: "conn.close_how", type: "string", values: CLOSE_HOW, description: "How the connection ended: fin, rst, or open (neither seen)" },
  { name: "conn.close_by", type: "string", values: SIDE, description: "Who closed: the side of the first FIN or RST, or of the TLS close_notify just before it (the peer's FIN may win the race); none while open" },
  { name: "conn.close_notify", type: "bool", description: "The close began with a TLS close_notify from conn.close_by, before the FIN/RST (an application's orderly TLS close)" },
  { name: "conn.close_frame", type: "int", optional: true, description: "Packet number of that FIN or RST; absent while open" },
  { name: "conn.idle_before_close_ms", type: "double", unit: "ms", optional: true, description: "Silence (no packet either way) just before the FIN/RST; absent while open" },
  { name: "conn.longest_idle_ms", type: "double", unit: "ms", description: "Longest silence on the connection" },
  { name: "conn.longest_idle_end_frame", type: "int", optional: true, description: "Packet that ended the longest silence" },
  { name: "conn.close_after_longest_idle_ms", type: "double", unit: "ms", optional: true, description: "From the end of the longest silence to the FIN/RST: small when the first packet after a long idle was answered by a close (firewall idle timeout)" },
  { name: "conn.rst_from", type: "string", values: SIDE, description: "Which direction the closing RST travelled from; none when no RST closed it" },
  { name: "conn.rst_packets", type: "int", unit: "packets", description: "Packets with the RST flag, both directions" },
  { name: "conn.rst_ttl", type: "int", optional: true, description: "TTL / hop limit of the closing RST" },
  { name: "conn.rst_ip_id", type: "int", optional: true, description: "IPv4 identification of the closing RST (absent for IPv6)" },
  { name: "conn.client_ttl", type: "int", optional: true, description: "TTL / hop limit of the client's first packet" },
  { name: "conn.server_ttl", type: "int", optional: true, description: "TTL / hop limit of the server's first packet" },
  { name: "conn.rst_ttl_differs_from_sender", type: "bool", optional: true, description: "The closing RST's TTL differs from the TTL of earlier packets from the same side: something in the path (a firewall) likely forged it. Absent without RST or without an earlier packet from that side" },
  { name: "conn.keepalive_count", type: "int", unit: "packets", description: "TCP keep-alive probes, both directions" },
  { name: "conn.keepalive_from", type: "string", values: ["client", "server", "both", "none"], description: "Which side sent keep-alive probes" },
  { name: "conn.keepalive_interval_ms", type: "double", unit: "ms", optional: true, description: "Median gap between successive probes from the same side (tcp_keepalive_intvl); absent with fewer than 2" },
  { name: "conn.keepalive_idle_ms", type: "double", unit: "ms", optional: true, description: "Silence before the first probe (tcp_keepalive_time as seen); absent without probes" },
  { name: "conn.retransmissions", type: "int", unit: "packets", description: "Packets flagged tcp.analysis.retransmission" },
  { name: "conn.retransmissions_client", type: "int", unit: "packets", description: "Retransmissions sent by the client (its data or FIN lost, or thought lost, on the way to the server)" },
  { name: "conn.retransmissions_server", type: "int", unit: "packets", description: "Retransmissions sent by the server" },
  { name: "conn.first_retransmission_frame", type: "int", optional: true, description: "Packet number of the connection's first retransmission; absent without any" },
  { name: "conn.zero_windows", type: "int", unit: "packets", description: "Packets flagged tcp.analysis.zero_window" },
  { name: "conn.zero_windows_client", type: "int", unit: "packets", description: "Zero-window advertisements by the client (its application stopped reading what the broker sent)" },
  { name: "conn.zero_windows_server", type: "int", unit: "packets", description: "Zero-window advertisements by the server (the broker stopped reading what the client sent)" },
  { name: "conn.zero_window_from", type: "string", values: ["client", "server", "both", "none"], description: "Which side advertised a zero receive window" },
  { name: "conn.zero_window_stall_ms", type: "double", unit: "ms", optional: true, description: "Longest time a side's receive window stayed shut: from its zero-window advertisement to its next packet that does not advertise zero (its window update, FIN or RST), or to the connection's last packet if it never opened again. Seen from the capture point: at the sender, up to a round trip longer than at the receiver. Absent without zero windows" },
  { name: "conn.zero_window_stall_by", type: "string", values: ["client", "server"], optional: true, description: "The side whose window stayed shut longest (conn.zero_window_stall_ms)" },
  { name: "conn.zero_window_stall_frame", type: "int", optional: true, description: "Packet number of the advertisement that began the longest stall" },
  { name: "conn.zero_window_stall_end_frame", type: "int", optional: true, description: "Packet number of the packet that ended the longest stall; absent when the window was still shut at the connection's last packet" },
  { name: "conn.duplicate_acks", type: "int", unit: "packets", description: "Packets flagged tcp.analysis.duplicate_ack" },
  { name: "conn.capture_duplicates", type: "int", unit: "packets", description: "Copies of the connection's previous packet captured again on another interface (tcpdump -i any on a host the traffic crosses): left out of every other conn.* count" },
  { name: "conn.lost_segments", type: "int", unit: "packets", description: "Packets flagged tcp.analysis.lost_segment" },
  { name: "conn.idle_reset", type: "bool", description: "Closed by a RST within 1 s of the first packet after its longest silence (of at least 1 s): the shape of a firewall or NAT that forgot an idle connection" },
  { name: "conn.path_idle_resets", type: "int", description: "Connections from the same client address to the same server endpoint whose idle period ended in a reset (conn.idle_reset) or a silent drop (retransmissions the server never answered), this one included" },
  { name: "conn.path_idle_reset_min_ms", type: "double", unit: "ms", optional: true, description: "Shortest silence that ended in an idle reset or silent drop on the same path: the middlebox's idle timeout is at most this" },
  { name: "conn.path_idle_reset_max_ms", type: "double", unit: "ms", optional: true, description: "Longest silence that ended in an idle reset or silent drop on the same path" },
  { name: "conn.path_idle_survived_max_ms", type: "double", unit: "ms", optional: true, description: "Longest silence a connection on the same path got through without an idle reset or drop: the idle timeout is above this" },
  { name: "conn.after_idle_client_retransmissions", type: "int", unit: "packets", description: "Client retransmissions from the end of the longest silence on (data sent into a path that dropped it)" },
  { name: "conn.after_idle_server_packets", type: "int", unit: "packets", description: "Server packets from the end of the longest silence on (0: the server never answered again)" },
  { name: "conn.handshakes_from_client", type: "int", description: "Connections with a SYN from the same client address to the same server address and port, this one included" },
  { name: "conn.next_connection_gap_ms", type: "double", unit: "ms", optional: true, description: "From this connection's FIN/RST (its last packet when it ended without either) to the next SYN from the same client address to the same server endpoint; absent when none follows" },
  { name: "conn.dissector", type: "string", description: "Stream dissector that took the connection (kafka...), or none" },
  { name: "conn.protocols", type: "list<string>", description: "Stream dissectors that decoded the connection: the one that took it and any inside it (Kafka in decrypted TLS: [\"tls\", \"kafka\"]); what a rule's `dissector:` tests" },
  { name: "conn.malformed", type: "bool", description: "The dissector failed on this connection" },
  { name: "conn.kafka_requests", type: "int", description: "Kafka requests seen on the connection" },
  { name: "conn.kafka_unanswered", type: "int", description: "Kafka requests that got no response before the close or the end of the capture (an answer that came after the client's own FIN/RST counts as none)" },
  { name: "conn.kafka_error_responses", type: "int", description: "Kafka responses carrying a non-zero error code" },
  { name: "conn.kafka_client_id", type: "string", optional: true, description: "Client id of the first Kafka request that carried one" },
  { name: "conn.sasl_mechanism", type: "string", optional: true, description: "SASL mechanism the client asked for in SaslHandshake (kafka.sasl.mechanism); absent without a SASL login" },
  { name: "conn.sasl_username", type: "string", optional: true, description: "User name of the SASL login (PLAIN, SCRAM); absent when not decoded" },
  { name: "conn.sasl_enabled_mechanisms", type: "list<string>", description: "Mechanisms the broker's listener enables (its SaslHandshake response); empty when not seen" },
  { name: "conn.sasl_error", type: "string", optional: true, description: "Name of the first error the broker answered SaslHandshake or SaslAuthenticate with (SASL_AUTHENTICATION_FAILED, UNSUPPORTED_SASL_MECHANISM, ILLEGAL_SASL_STATE...); absent when none" },
  { name: "conn.sasl_error_frame", type: "int", optional: true, description: "Packet of that error response" },
  { name: "conn.sasl_error_message", type: "string", optional: true, description: "The error message the broker sent with it (SaslAuthenticate)" },
  { name: "conn.sasl_last_frame", type: "int", optional: true, description: "Last packet that carried a SASL message (handshake or token); absent without SASL" },
  { name: "conn.sasl_authenticated", type: "bool", optional: true, description: "After the SASL login the broker answered a Kafka request other than ApiVersions/SaslHandshake/SaslAuthenticate (it serves only authenticated clients); absent without SASL" },
  { name: "conn.tls_alert", type: "string", optional: true, description: "First TLS alert other than close_notify, by name (bad_certificate, unknown_ca, certificate_expired, handshake_failure, protocol_version...; \"encrypted\" when it could not be read); absent when none" },
  { name: "conn.tls_alert_from", type: "string", optional: true, values: ["client", "server"], description: "Which side sent that alert" },
  { name: "conn.tls_alert_frame", type: "int", optional: true, description: "Packet of that alert" },
  { name: "conn.tls_client_hello_frame", type: "int", optional: true, description: "Packet of the client's first ClientHello; absent without one" },
  { name: "conn.tls_handshake_complete", type: "bool", optional: true, description: "The TLS handshake completed: the server's ChangeCipherSpec (TLS 1.2), or application data from the client answered by the server (TLS 1.3); absent without TLS" },
];

const EXCHANGE_FACTS: FactSpec[] = [
  { name: "exchange.status", type: "string", values: ["answered", "no-response-expected", "unanswered", "orphan-response"], description: "answered; no-response-expected (Produce acks=0); unanswered (closed or capture ended first); orphan-response (request not captured)" },
  { name: "exchange.dissector", type: "string", description: "Dissector that paired the exchange (kafka, or a plugin's name)" },
  { name: "exchange.confidence", type: "string", values: ["certain", "likely", "guess"], description: "How sure the pairing/decoding is (orphans are inferred)" },
  { name: "exchange.api_name", type: "string", optional: true, description: "Name of the API (Produce, Fetch...); absent when unknown" },
  { name: "exchange.connection", type: "int", description: "Connection index (conn.id)" },
  { name: "exchange.time", type: "double", unit: "s", description: "Time of the request (of the response for orphans), seconds since the epoch" },
  { name: "exchange.latency_ms", type: "double", unit: "ms", optional: true, description: "Request to response; absent unless answered" },
  { name: "exchange.request_size", type: "int", unit: "bytes", optional: true, description: "Request bytes on the wire, size prefix included; absent for orphans" },
  { name: "exchange.response_size", type: "int", unit: "bytes", optional: true, description: "Response bytes on the wire; absent without a response" },
  { name: "exchange.request_frame", type: "int", optional: true, description: "Packet that completed the request" },
  { name: "exchange.response_frame", type: "int", optional: true, description: "Packet that completed the response" },
  { name: "exchange.left_group_before_answer", type: "bool", optional: true, description: "The client sent a LeaveGroup on this connection after this request and before its answer (Kafka answers the held JoinGroup/SyncGroup of a member that leaves UNKNOWN_MEMBER_ID); absent unless the answer carries an error code" },
  { name: "exchange.errors", type: "list<int>", description: "Distinct non-zero error codes in the response" },
  { name: "exchange.error_names", type: "list<string>", description: "Names of those error codes (MESSAGE_TOO_LARGE...)" },
  { name: "exchange.unknown_errors", type: "list<int>", description: "Those error codes that Kafka's error table does not define (a broker newer than kdiag's table, or bytes that are not Kafka)" },
  { name: "exchange.error_help", type: "string", description: "What those errors mean and where to look, one sentence per error kdiag explains (\"\" when none)" },
  { name: "exchange.records_max", type: "int", unit: "bytes", optional: true, description: "Largest records field (one partition's record batches) in the request; absent without records" },
  { name: "exchange.records_total", type: "int", unit: "bytes", description: "Sum of the request's records fields (0 without records)" },
  { name: "exchange.last_on_connection", type: "bool", description: "No later request was sent on this connection" },
  { name: "exchange.close_after_ms", type: "double", unit: "ms", optional: true, description: "From the request to the connection's FIN/RST when the connection closed after it; absent otherwise" },
  { name: "exchange.close_by", type: "string", values: SIDE, description: "Who closed the connection after this request (none if it did not close after it)" },
  { name: "exchange.throttle_time_ms", type: "int", unit: "ms", optional: true, description: "throttle_time_ms of the response (kafka.throttle_time), absent when the response has none" },
  { name: "exchange.batch_crc_ok", type: "bool", optional: true, description: "Every record batch of the exchange passed its CRC check (kafka.batch_crc_ok); absent without record batches" },
];

const CAPTURE_FACTS: FactSpec[] = [
  { name: "capture.file", type: "string", description: "Capture file name as given" },
  { name: "capture.packets", type: "int", unit: "packets", description: "Packets in the capture" },
  { name: "capture.connections", type: "int", description: "TCP connections" },
  { name: "capture.start_time", type: "double", unit: "s", optional: true, description: "First packet, seconds since the epoch; absent for an empty capture" },
  { name: "capture.duration_ms", type: "double", unit: "ms", description: "First to last packet" },
  { name: "capture.truncated_packets", type: "int", unit: "packets", description: "Packets cut by the snap length" },
  { name: "capture.duplicate_packets", type: "int", unit: "packets", description: "Packets that are copies of the packet before them on their connection, seen again on another interface (tcp.analysis.capture_duplicate)" },
  { name: "capture.first_duplicate_frame", type: "int", optional: true, description: "The first such copy; absent when there is none" },
  { name: "capture.rst_connections", type: "int", description: "Connections closed by a RST" },
  { name: "capture.kafka_exchanges", type: "int", description: "Kafka exchanges (requests, responses and orphans)" },
  { name: "capture.kafka_unanswered", type: "int", description: "Kafka requests left without a response" },
  { name: "capture.kafka_error_responses", type: "int", description: "Kafka responses with a non-zero error code" },
  { name: "capture.reconnects", type: "map<string, int>", description: "Client address -> handshakes beyond the first to the same server endpoint, summed over its servers; only clients that reconnected" },
  { name: "capture.max_reconnects", type: "int", description: "Largest value of capture.reconnects (0 when none)" },
];

const PAIR_FACTS: FactSpec[] = [
  { name: "pair.client_addr", type: "string", description: "Client address of the connection (the 4-tuple both captures are matched on)" },
  { name: "pair.client_port", type: "int", description: "Client port" },
  { name: "pair.server_addr", type: "string", description: "Server address" },
  { name: "pair.server_port", type: "int", description: "Server port" },
  { name: "pair.matched_by", type: "string", values: ["4-tuple", "isn", "timing", "none"], description: "How the two sides' connections were matched: same 4-tuple; else (NAT between the capture points) the client's initial sequence number; else start time (clock offset of the ISN pairs removed) and payload sizes; none: seen on one side only" },
  { name: "pair.client_addr_server_side", type: "string", optional: true, description: "Client address as the server-side capture sees it (differs from pair.client_addr through NAT)" },
  { name: "pair.client_port_server_side", type: "int", optional: true, description: "Client port as the server-side capture sees it" },
  { name: "pair.seen_on_client_side", type: "bool", description: "The connection is in the client-side capture" },
  { name: "pair.seen_on_server_side", type: "bool", description: "The connection is in the server-side capture" },
  { name: "pair.handshake_client_side", type: "bool", description: "The client-side capture has the SYN" },
  { name: "pair.handshake_server_side", type: "bool", description: "The server-side capture has the SYN" },
  { name: "pair.rst_seen_client_side", type: "bool", description: "A RST of this connection is in the client-side capture" },
  { name: "pair.rst_seen_server_side", type: "bool", description: "A RST of this connection is in the server-side capture" },
  { name: "pair.fin_seen_client_side", type: "bool", description: "A FIN of this connection is in the client-side capture" },
  { name: "pair.fin_seen_server_side", type: "bool", description: "A FIN of this connection is in the server-side capture" },
  { name: "pair.close_how_client_side", type: "string", values: ["fin", "rst", "open", "absent"], description: "conn.close_how in the client-side capture (absent: not there)" },
  { name: "pair.close_how_server_side", type: "string", values: ["fin", "rst", "open", "absent"], description: "conn.close_how in the server-side capture (absent: not there)" },
  { name: "pair.close_by_client_side", type: "string", values: ["client", "server", "none"], description: "conn.close_by in the client-side capture" },
  { name: "pair.close_by_server_side", type: "string", values: ["client", "server", "none"], description: "conn.close_by in the server-side capture" },
  { name: "pair.idle_before_close_client_side_ms", type: "double", unit: "ms", optional: true, description: "conn.idle_before_close_ms in the client-side capture" },
  { name: "pair.longest_idle_client_side_ms", type: "double", unit: "ms", optional: true, description: "conn.longest_idle_ms in the client-side capture" },
  { name: "pair.conn_client_side", type: "int", optional: true, description: "Connection index in the client-side capture" },
  { name: "pair.conn_server_side", type: "int", optional: true, description: "Connection index in the server-side capture" },
];

const END_KIND = ["rst", "fin", "silence", "boundary", "refused", "connect-refused", "connect-unanswered", "open"] as const;

/** end.*: how one connection ended, the signals the cause rules weigh (scope "end"). */
const END_FACTS: FactSpec[] = [
  { name: "end.kind", type: "string", values: END_KIND, description: "rst or fin (the first one seen); silence: no FIN/RST but the client's sends went unanswered or it reconnected after the connection fell silent; boundary: still open at the end of the capture with requests waiting; refused: a Produce was answered MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE on a connection that otherwise ended normally; connect-refused: the SYN was answered by a RST, never by SYN-ACK; connect-unanswered: the SYN was sent again and never answered; open: nothing ended" },
  { name: "end.size_error_responses", type: "int", description: "Produce responses on the connection with MESSAGE_TOO_LARGE or RECORD_LIST_TOO_LARGE" },
  { name: "end.by", type: "string", values: SIDE, description: "Who closed: the side of the first FIN or RST, or of the TLS close_notify just before it (none for silence, boundary, open)" },
  { name: "end.how", type: "string", values: ["fin", "rst", "none"], description: "The first FIN or RST of the connection" },
  { name: "end.close_notify", type: "bool", description: "The close began with a TLS close_notify from end.by (packet end.frame), before the FIN/RST" },
  { name: "end.frame", type: "int", description: "Packet of the event: the refusing response, else the first FIN/RST, else the connection's last packet" },
  { name: "end.time", type: "double", unit: "s", description: "Time of that packet, seconds since the epoch" },
  { name: "end.trigger_frame", type: "int", optional: true, description: "The packet the end answered: the other side's last send (data or keep-alive probe, the original of any retransmissions) before the FIN/RST, or the first of the client's final unanswered sends" },
  { name: "end.trigger_from", type: "string", values: SIDE, description: "Who sent the trigger" },
  { name: "end.trigger_keepalive", type: "bool", description: "The trigger is a TCP keep-alive probe" },
  { name: "end.trigger_payload", type: "int", unit: "bytes", optional: true, description: "Payload of the trigger packet" },
  { name: "end.idle_before_trigger_ms", type: "double", unit: "ms", optional: true, description: "Silence (no packet either way) just before the trigger" },
  { name: "end.close_after_trigger_ms", type: "double", unit: "ms", optional: true, description: "From the trigger to the FIN/RST (to the last packet when nothing closed)" },
  { name: "end.idle_before_close_ms", type: "double", unit: "ms", optional: true, description: "Silence just before the FIN/RST" },
  { name: "end.survived_idle_ms", type: "double", unit: "ms", description: "Longest silence on this connection before the trigger (or the end): an idle that was survived" },
  { name: "end.retransmissions_after_trigger", type: "int", unit: "packets", description: "Retransmissions of the trigger's side after it" },
  { name: "end.answers_after_trigger", type: "int", unit: "packets", description: "Packets from the other side after the trigger, before the close (the FIN/RST not counted)" },
  { name: "end.burst_bytes", type: "int", unit: "bytes", description: "Client payload since the server last sent payload, up to the end: the request in flight in TCP terms" },
  { name: "end.burst_vs_earlier", type: "double", optional: true, description: "burst_bytes divided by the client's largest earlier burst on the connection; absent without earlier bursts" },
  { name: "end.client_data_after_close", type: "int", unit: "packets", description: "Client packets with payload after the first FIN/RST (data still arriving)" },
  { name: "end.unacked_from_other_bytes", type: "int", unit: "bytes", optional: true, description: "Bytes the other side had sent that the closing side had not acknowledged when it closed (as seen at the capture point)" },
  { name: "end.rst_ttl", type: "int", optional: true, description: "TTL / hop limit of the closing RST" },
  { name: "end.sender_ttl", type: "int", optional: true, description: "TTL / hop limit of the closing side's first packet" },
  { name: "end.rst_ttl_matches_sender", type: "bool", optional: true, description: "The RST's TTL equals the TTL of the side it claims to come from" },
  { name: "end.rst_ip_id_follows_sender", type: "bool", optional: true, description: "IPv4: the RST's IP id follows the sender's previous packet's (1..64 later): the same IP stack sent it; absent for IPv6" },
  { name: "end.unanswered_requests", type: "int", description: "Kafka requests left without a response at the end, or answered only after the client's own close (responses lost in a capture gap not counted)" },
  { name: "end.answered_after_close", type: "int", description: "Kafka requests the server answered only after the client's own FIN/RST, leaving out those it may hold by design (Fetch and ShareFetch: a long poll; JoinGroup and SyncGroup: a rebalance; admin requests that wait for the controller up to their timeout_ms): the answer reached a closed socket, the client had given up waiting (they are counted in end.unanswered_requests)" },
  { name: "end.late_answer_ms", type: "double", unit: "ms", optional: true, description: "Of those answers, the slowest: request to the first packet of its answer, what the broker really took; absent without end.answered_after_close" },
  { name: "end.late_answer_frame", type: "int", optional: true, description: "First packet of that answer" },
  { name: "end.late_answer_api", type: "string", optional: true, description: "Its request's API (Produce, Metadata...)" },
  { name: "end.late_answer_usual_p99_ms", type: "double", unit: "ms", optional: true, description: "99th percentile latency of the same server's answers to the same API that reached their client in time, over the whole capture (the yardstick for end.late_answer_ms, from the capture itself); absent without such answers" },
  { name: "end.late_answer_usual_samples", type: "int", optional: true, description: "How many answers that percentile is taken over" },
  { name: "end.wait_at_close_ms", type: "double", unit: "ms", optional: true, description: "When the client closed with requests waiting: how long the oldest of them had waited (its request to the FIN/RST)" },
  { name: "end.silent_wait_ms", type: "double", unit: "ms", optional: true, description: "When the client closed with requests that never got an answer in the capture (real Kafka drops the answer to a channel closed on EOF): how long the one that waited longest had waited, request to the client's FIN/RST; the requests the broker may hold by design (as for end.answered_after_close) are left out" },
  { name: "end.silent_frame", type: "int", optional: true, description: "That request's last packet" },
  { name: "end.silent_api", type: "string", optional: true, description: "Its API (Produce, Metadata...)" },
  { name: "end.silent_usual_p99_ms", type: "double", unit: "ms", optional: true, description: "99th percentile latency of the same server's answers to the same API that reached their client in time, over the whole capture (the yardstick for end.silent_wait_ms); absent without such answers" },
  { name: "end.silent_usual_samples", type: "int", optional: true, description: "How many answers that percentile is taken over" },
  { name: "end.request_frame", type: "int", optional: true, description: "Last Kafka request sent before the end (the packet completing it)" },
  { name: "end.request_size", type: "int", unit: "bytes", optional: true, description: "Its size on the wire" },
  { name: "end.request_api_key", type: "int", optional: true, description: "Its API key (0 Produce)" },
  { name: "end.request_api", type: "string", optional: true, description: "Its API by name (Produce, Fetch, ApiVersions ...)" },
  { name: "end.request_status", type: "string", optional: true, values: ["answered", "no-response-expected", "unanswered", "orphan-response"], description: "Its exchange status (unanswered also when the answer came only after the client's own close)" },
  { name: "end.request_topics", type: "list<string>", optional: true, description: "Topics that request wrote to (up to 8)" },
  { name: "end.request_partitions", type: "list<int>", optional: true, description: "Partitions that request wrote to (up to 16)" },
  { name: "end.request_acks", type: "int", optional: true, description: "Its acks, for a Produce" },
  { name: "end.request_vs_earlier", type: "double", optional: true, description: "Its size divided by the median of the connection's other Produce requests" },
  { name: "end.client_id", type: "string", optional: true, description: "Kafka client id on the connection" },
  { name: "end.topics", type: "list<string>", description: "Topics the connection's requests named (up to 8)" },
  { name: "end.kafka_decoded", type: "bool", description: "Kafka requests were decoded on this connection, in the clear or inside TLS (false for TLS without keys or another protocol)" },
  { name: "end.reconnected", type: "bool", description: "The same client (client id where decoded, else host) opened a new connection to the same server after this end" },
  { name: "end.reconnect_same_client_id", type: "bool", description: "That new connection carries the same Kafka client id" },
  { name: "end.reconnect_after_ms", type: "double", unit: "ms", optional: true, description: "From this end to that new SYN" },
  { name: "end.servers_closes_together", type: "int", description: "Other connections the same server closed within 200 ms of this close" },
  { name: "end.server_busy_closes_apart", type: "int", description: "Other busy Kafka connections the same server closed with nothing asked of it, more than 200 ms away from this close: a habit of the server, not an outage" },
  { name: "end.later_connects_refused", type: "int", description: "Connection attempts to the same server after this end that were refused or never answered, up to the first one it accepted" },
  { name: "end.later_connects_answered", type: "int", description: "Later connections to the same server that it accepted (SYN-ACK)" },
  { name: "end.server_port_kafka", type: "bool", description: "Kafka was decoded on some connection to this server port (on any host) in the capture" },
  { name: "end.syn_count", type: "int", description: "SYNs the client sent to open this connection (1 + retransmissions); 0 when the capture began after the handshake" },
  { name: "end.to_capture_end_ms", type: "double", unit: "ms", description: "From the end to the capture's last packet" },
  { name: "end.from_capture_start_ms", type: "double", unit: "ms", description: "From the capture's first packet to this connection's first" },
  { name: "end.idle_close_in_cluster", type: "bool", optional: true, description: "The silence before this server close is within 20% of the median of the server's idle closes (at least two)" },
];

/** other.*: what the other capture (kdiag compare, the broker side) saw of the connection. */
const OTHER_FACTS: FactSpec[] = [
  { name: "other.seen", type: "bool", optional: true, description: "The broker-side capture has this connection (absent without a second capture)" },
  { name: "other.matched_by", type: "string", optional: true, values: ["4-tuple", "isn", "timing", "none"], description: "How the two views were paired (through NAT: isn or timing)" },
  { name: "other.rst_seen", type: "bool", optional: true, description: "The broker-side capture has a RST on this connection" },
  { name: "other.rst_from_server", type: "bool", optional: true, description: "The broker-side capture shows the broker itself sending the closing RST" },
  { name: "other.close_how", type: "string", optional: true, values: ["fin", "rst", "open", "absent"], description: "How the connection ended in the broker-side capture" },
  { name: "other.close_by", type: "string", optional: true, values: SIDE, description: "Who closed it there" },
];

/** path.*: what the whole capture says about the path and the server of a connection. */
const PATH_FACTS: FactSpec[] = [
  { name: "path.size_accepted_max", type: "int", unit: "bytes", optional: true, description: "Largest Produce request this server accepted (answered without a size error, or acks=0 and kept the connection)" },
  { name: "path.size_refused_min", type: "int", unit: "bytes", optional: true, description: "Smallest Produce this server refused (MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE, or closed right after it)" },
  { name: "path.size_bracket_consistent", type: "bool", description: "Everything accepted is smaller than everything refused: the limit lies between" },
  { name: "path.idle_survived_max_ms", type: "double", unit: "ms", optional: true, description: "Longest silence (of at least 1 s) a connection on the same client host -> server path got through" },
  { name: "path.idle_killed_min_ms", type: "double", unit: "ms", optional: true, description: "Shortest silence on the path after which the next send was reset or went unanswered" },
  { name: "path.idle_killed_max_ms", type: "double", unit: "ms", optional: true, description: "Longest such silence" },
  { name: "path.idle_killed_count", type: "int", description: "Connections on the path killed after a silence" },
  { name: "path.broker_idle_closes", type: "int", description: "Connections this server closed after a silence of at least 1 s, with nothing asked of it" },
  { name: "path.broker_idle_close_cluster", type: "int", optional: true, description: "How many of those agree (within 20%) on one idle time" },
  { name: "path.broker_idle_close_min_ms", type: "double", unit: "ms", optional: true, description: "Shortest idle before a close in that cluster" },
  { name: "path.broker_idle_close_max_ms", type: "double", unit: "ms", optional: true, description: "Longest idle before a close in that cluster" },
  { name: "path.folded_connections", type: "int", description: "Connections to this server that a live capture folded into its aggregates (past --keep-connections; 0 otherwise): the path facts count them, but what is read by time (the next connection, attempts after an end, closes together) sees only the most recent 4,096 per server (256 per path) with their time" },
];

/**
 * The protocols whose fields are facts: the registry's stream dissectors (Kafka, TLS, and any
 * plugin loaded with --plugin). Each one is a top-level variable named after the dissector, in
 * the packet scope (the fields of the PDU completing in the packet) and the exchange scope (the
 * exchange's fields).
 */
export interface Protocol {
  name: string;
  /** How packet lists and trees name it ("Kafka"); the plugin's `label`, else its name. */
  label: string;
  /** What a message is called in each direction ("request", "response"); null: by direction. */
  messages: { c2s: string; s2c: string } | null;
  fields: readonly FieldSpec[];
}

/**
 * Variables each scope declares, in the order docs list them. Live: `useRegistry` puts the
 * protocol variables in place of "kafka" (kafka first when loaded, so listings keep their order).
 */
export const SCOPE_VARIABLES: Readonly<Record<Scope, readonly string[]>> = {
  packet: ["frame", "ip", "ipv6", "udp", "tcp", "kafka", "conn"],
  connection: ["conn"],
  exchange: ["exchange", "kafka", "conn", "path"],
  capture: ["capture"],
  pair: ["pair"],
  end: ["end", "path", "conn", "other"],
  group: ["group"],
};

const OWN_FACTS: FactSpec[] = [
  ...PACKET_FACTS,
  ...CONNECTION_FACTS,
  ...EXCHANGE_FACTS,
  ...CAPTURE_FACTS,
  ...PAIR_FACTS,
  ...END_FACTS,
  ...PATH_FACTS,
  ...OTHER_FACTS,
  // Aggregates (scope group): aggregate.ts.
  ...GROUP_FACTS,
];

/** Every documented fact, grouped by its top-level variable. Live, like SCOPE_VARIABLES. */
export const FACTS_BY_VARIABLE: Readonly<Record<string, readonly FactSpec[]>> = {};

let protocols: Protocol[] = [];
const protocolByName = new Map<string, Protocol>();
const fieldByName = new Map<string, FieldSpec>();
let generation = 0;

/**
 * Makes the registry's stream dissectors the protocols the facts know: every command calls it
 * once its registry is complete (after --plugin), before rules or filters are compiled.
 */
export function useRegistry(registry: Registry): void {
  installProtocols(
    registry
      .list()
      .filter((r) => r.plugin.layer === "stream")
      .map(({ plugin }) => ({
        name: plugin.name,
        label: plugin.label ?? plugin.name,
        messages: plugin.messages ?? null,
        fields: plugin.fields,
      })),
  );
}

function installProtocols(list: Protocol[]): void {
  // Kafka first: kafka.* keeps its place in listings and docs whatever else is loaded.
  protocols = [...list].sort((a, b) => (a.name === "kafka" ? -1 : b.name === "kafka" ? 1 : 0));
  protocolByName.clear();
  fieldByName.clear();
  for (const p of protocols) {
    protocolByName.set(p.name, p);
    for (const f of p.fields) fieldByName.set(f.name, f);
  }
  const names = protocols.map((p) => p.name);
  const vars = SCOPE_VARIABLES as Record<Scope, string[]>;
  vars.packet = ["frame", "ip", "ipv6", "udp", "tcp", ...names, "conn"];
  vars.exchange = ["exchange", ...names, "conn", "path"];
  const byVar = FACTS_BY_VARIABLE as Record<string, FactSpec[]>;
  for (const k of Object.keys(byVar)) delete byVar[k];
  Object.assign(byVar, groupByVariable([...OWN_FACTS, ...protocols.flatMap((p) => p.fields.map(protocolFact))]));
  generation++;
}

/** Changes each time the schema does: caches of compiled environments and filter tables key on it. */
export function schemaGeneration(): number {
  return generation;
}

/** The protocols whose fields are facts (stream dissectors), Kafka first. */
export function factProtocols(): readonly Protocol[] {
  return protocols;
}

export function protocolOf(name: string): Protocol | undefined {
  return protocolByName.get(name);
}

/** A dissector field's declaration (any loaded protocol's). */
export function fieldSpec(name: string): FieldSpec | undefined {
  return fieldByName.get(name);
}

/** The name a field's declaration gives a value ("Produce" for kafka.api_key 0), if any. */
export function valueName(field: string, value: number): string | undefined {
  return fieldByName.get(field)?.values?.[value];
}

/** The declared one-sentence help for a field's value, if its dissector wrote one. */
export function valueHelp(field: string, value: number): string | undefined {
  return fieldByName.get(field)?.valueHelp?.[value];
}

/** How a protocol is labelled on screen ("Kafka"); an unknown name as it is. */
export function protocolLabel(name: string): string {
  return protocolByName.get(name)?.label ?? name;
}

/** "Kafka request", "RESP response", "TLS client to server": a PDU's label in trees. */
export function messageLabel(name: string, dir: "c2s" | "s2c"): string {
  const p = protocolByName.get(name);
  const what = p?.messages ? p.messages[dir] : dir === "c2s" ? "client to server" : "server to client";
  return `${protocolLabel(name)} ${what}`;
}

// Until a command installs its registry: the built-in dissectors (tests, docs, scripts).
useRegistry(createRegistry());

function groupByVariable(facts: FactSpec[]): Record<string, FactSpec[]> {
  const out: Record<string, FactSpec[]> = {};
  for (const f of facts) (out[f.name.slice(0, f.name.indexOf("."))] ??= []).push(f);
  return out;
}

/** The facts visible in a scope. */
export function scopeFacts(scope: Scope): FactSpec[] {
  return SCOPE_VARIABLES[scope].flatMap((v) => FACTS_BY_VARIABLE[v] ?? []);
}

/** Every fact of every scope, each once. */
export function allFacts(): FactSpec[] {
  return Object.values(FACTS_BY_VARIABLE).flat();
}

/** What each scope iterates over, for docs and messages. */
export const SCOPE_ITEMS: Readonly<Record<Scope, string>> = {
  packet: "each packet (once per PDU completing in it, so kafka.* or a plugin's fields are one message's)",
  connection: "each TCP connection",
  exchange: "each request/response pair a dissector paired (Kafka's, a plugin's; and each orphan response)",
  capture: "the capture as a whole, once",
  pair: "each connection of two captures of the same traffic (client side and server side), matched by 4-tuple, else by initial sequence number or timing (NAT)",
  end: "each connection that ended in a way that needs a cause (causes compete: the best-supported one becomes the finding)",
  group: "each group of Kafka exchanges: per API, per client id, per API and client id, per connection (aggregate facts)",
};
