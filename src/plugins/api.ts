/**
 * The dissector plugin API (`kdiag/plugin`), version 1: plain data and functions, nothing else.
 *
 * A plugin is an ES module whose default export is a DissectorPlugin. The registry reads the
 * descriptor (ports, heuristic, fields) into its tables; dispatch picks one dissector per
 * connection; the framework feeds it in-order bytes of each direction.
 *
 * Contract for a StreamDissector, per connection (gopacket's Stream, Wireshark's tcp_dissect_pdus):
 *   - `data`/`pdu` and `gap` are called 0..n times, in stream order, per direction;
 *   - `close` is called exactly once, last;
 *   - byte views are valid only during the call: copy what you keep;
 *   - throwing marks that connection's data as malformed; the analysis goes on without it.
 */

export const PLUGIN_API_VERSION = 1;

/** Direction of a byte stream: client to server, or server to client. */
export type Dir = "c2s" | "s2c";

export type FieldType = "int" | "uint" | "bool" | "string" | "bytes" | "double" | "time";

export interface FieldSpec {
  /** Wireshark-style name: lowercase, dot-separated, e.g. "kafka.api_key". */
  name: string;
  type: FieldType;
  description: string;
  /** For enumerations: value -> name (e.g. Kafka API keys). Trees, reports and rules show the name. */
  values?: Record<number, string>;
  /**
   * Optional, for enumerations: value -> one sentence for an operator (what it means, what to look
   * at). Reports, rule advice (`exchange.error_help` for Kafka errors) and the TUI show it.
   */
  valueHelp?: Record<number, string>;
  /**
   * Optional. One value per element of the message (each topic, each error code): the PDU's
   * field holds a list, and rules and filters see a list (CEL `list<int>` / `list<string>`),
   * empty when the message has none. For int, uint, string and bytes fields. Without it a field
   * has one value and is absent when the message has none.
   */
  repeated?: boolean;
  /** Optional. Unit of the value: "bytes", "ms", "s", "packets"... shown in `kdiag fields` and docs. */
  unit?: string;
  /** Optional. How trees print the value: "dec" (default), "hex" (0x1f), or "ms" (a duration). */
  display?: "dec" | "hex" | "ms";
  /**
   * Optional, for a field of the exchanges: what it tells `kdiag exchanges` (and its `--stats`)
   * about an exchange. "operation": what was asked (kafka.api_key, a command name), a column and
   * the first grouping of the stats; "client": who asked (kafka.client_id), a column and the
   * second grouping; "error": the exchange failed when the field is present and not 0, "" or
   * false (a repeated field: any such element), named by `values` when it has them. At most one
   * field of a protocol per role.
   */
  exchange?: ExchangeRole;
}

/** What a field tells about an exchange (FieldSpec.exchange). */
export type ExchangeRole = "operation" | "client" | "error";

/**
 * An expert note the dissector may report with `ctx.note` (Wireshark's expert info): declared
 * up front so that `kdiag fields` and docs can list what a plugin may say.
 */
export interface ExpertSpec {
  /** "<plugin>.<what>", like a field name: "resp.error_reply". */
  name: string;
  severity: "note" | "warning" | "error";
  description: string;
}

/** Where bytes came from: the packets that carried them. */
export interface PacketRef {
  /** Packet number of the first segment that carried these bytes. */
  first: number;
  /** Packet number of the segment that completed them. */
  last: number;
  /** Capture time of `last`, microseconds since the epoch. */
  tsUs: number;
  /** Offset of the first byte in this direction's stream (0 = first byte seen). */
  streamOffset: number;
  /**
   * Set on a PDU the stream ended inside (FIN, RST or the end of the capture): how many of its
   * bytes the stream carried before it ended. The rest were never sent (or never captured).
   */
  endedAfter?: number;
}

export interface CloseInfo {
  how: "fin" | "rst" | "end-of-capture";
  by: "client" | "server" | null;
  tsUs: number;
}

export type FieldValue = number | bigint | boolean | string | null | FieldValue[];

/** A node of the protocol tree shown in detail views; offsets are into the PDU. */
export interface TreeNode {
  label: string;
  field?: string;
  value?: FieldValue;
  offset?: number;
  length?: number;
  children?: TreeNode[];
}

/** What a stream dissector reports for each protocol data unit it recognises. */
export interface Pdu {
  dir: Dir;
  ref: PacketRef;
  /** Bytes of the PDU on the wire. */
  length: number;
  /** One line for packet lists ("Produce v9 Request corr=12 client=rdkafka"). Raw text: the printer sanitises. */
  summary: string;
  /** Flat field values, keyed by declared field name: these feed filters and rules. */
  fields: Record<string, FieldValue>;
  /** The protocol tree; worth building only when `StreamContext.detail` is true. */
  tree?: TreeNode[];
  /** Set when the bytes did not parse as the protocol says they should. */
  malformed?: string;
  /**
   * Optional. Byte ranges of the PDU (offsets into it, like tree offsets) that hold a secret: a
   * password, a SCRAM proof, a bearer token. kdiag masks them in every place it shows or writes
   * the captured bytes (the TUI hex pane, evidence pcaps) unless the user runs with
   * `--show-secrets`; the dissector itself keeps secrets out of `summary`, `fields` and `tree`
   * unless the preference "show_secrets" is true.
   */
  secrets?: Array<{ offset: number; length: number }>;
}

/** One side of an exchange: the PDU's packets and size. */
export interface ExchangeSide {
  /** Packet numbers of the PDU's first and last segment. */
  first: number;
  last: number;
  /** Time of the last segment, microseconds since the epoch. */
  tsUs: number;
  /** Bytes of the PDU on the wire. */
  length: number;
  /**
   * Its PDU's `ref.streamOffset`. Optional, but without it two PDUs that start and end in the same
   * packets (several small requests in one segment) cannot be told apart when a view goes from an
   * exchange back to its PDUs.
   */
  streamOffset?: number;
}

/**
 * A request and its response, paired by the dissector (Wireshark's request/response tracking).
 * Stored in the model once, so views and rules never pair again.
 */
export interface Exchange {
  /** null for a response whose request is not in the capture (it started late). */
  request: ExchangeSide | null;
  /** null when no response came (see status). */
  response: ExchangeSide | null;
  status:
    | "answered"
    /** The protocol says no response will come (Kafka Produce with acks=0). */
    | "no-response-expected"
    /** The connection closed or the capture ended before a response came. */
    | "unanswered"
    /** A response without its request. */
    | "orphan-response";
  /** How sure the decoding is: paired exchanges are certain; orphans are inferred. */
  confidence: "certain" | "likely" | "guess";
  /** One line: "Produce v9 corr=12 client=rdkafka topics=orders 1.2ms NONE". Raw text: printers sanitise. */
  summary: string;
  /** Flat values keyed by declared field names (kafka.api_key, kafka.error, ...). */
  fields: Record<string, FieldValue>;
}

export interface StreamContext {
  connectionId: number;
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  /**
   * Optional, absent in the analysis pass. true when a detail view re-dissects this one
   * connection to show it (the TUI detail pane): the dissector may then attach `tree` to its
   * PDUs, which the analysis pass leaves out because it would cost time and memory per PDU.
   */
  detail?: boolean;
  /**
   * State shared by every connection of one capture (one analysis pass), for limits that hold
   * per capture: key it by your plugin's name. kdiag's Kafka dissector keeps its decompression
   * budget here.
   */
  perCapture?: Map<string, unknown>;
  /**
   * Optional. Run-wide settings keyed by "plugin.setting" (Wireshark's preferences), from the
   * command line: kdiag's TLS dissector reads its key log (`--tls-keylog`) as "tls.keylog".
   */
  preferences?: ReadonlyMap<string, unknown>;
  /**
   * Optional. Opens the registry's stream dissector `name` inside this connection, for a
   * protocol carried in this one (Kafka in decrypted TLS). Its PDUs, exchanges and notes are
   * reported on this connection under its own name; the framework frames its bytes and guards
   * its calls (a throw stops only the inner dissector). null when there is no such dissector.
   */
  openInner?(name: string): InnerStream | null;
  /** Report a PDU. */
  emit(pdu: Pdu): void;
  /** Report a paired request/response (for request/response protocols). */
  exchange(ex: Exchange): void;
  /** Report a problem that is not a PDU (expert info), tied to a packet (see DissectorPlugin.expert). */
  note(severity: "note" | "warning" | "error", packet: number, message: string): void;
}

/** An inner dissector opened with `StreamContext.openInner`: fed like a connection's byte stream. */
export interface InnerStream {
  /**
   * In-order bytes of one direction. `at` says which packets carried them; its streamOffset is
   * where the outer dissector places them in the connection's stream (for byte views).
   */
  data(dir: Dir, bytes: Uint8Array, at: PacketRef): void;
  gap(dir: Dir, length: number, at: PacketRef): void;
  close(how: CloseInfo): void;
}

export interface StreamDissector {
  /** In-order stream bytes (used when the plugin declares no `framing`). */
  data?(dir: Dir, bytes: Uint8Array, at: PacketRef): void;
  /**
   * One whole PDU, framed by the framework according to `framing`. `wireLength` is the PDU's
   * length on the wire; when it exceeds `framing.bufferLimit`, `bytes` holds only its first
   * `bufferLimit` bytes (packet bytes stay in the file, not in memory).
   */
  pdu?(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): void;
  /** `length` bytes of this direction were never captured; resynchronise. */
  gap(dir: Dir, length: number, at: PacketRef): void;
  close(how: CloseInfo): void;
  /**
   * Optional, with `framing`: like Framing.resync, but with this connection's state (e.g. the
   * correlation ids still waiting for a response). Takes precedence over Framing.resync.
   */
  resync?(dir: Dir, bytes: Uint8Array): number;
  /**
   * Optional, with `framing`: the framing of the next PDU of this direction when the connection's
   * state changes it (Kafka after a SaslHandshake v0: raw SASL tokens framed by a bare int32
   * length, no Kafka header); undefined for the plugin's `framing`. Asked before each PDU.
   * Honoured for dissectors that run in kdiag's process (the built-in ones); a sandboxed
   * plugin's framing stays the plugin's.
   */
  framingFor?(dir: Dir): Framing | undefined;
}

/** Length-prefixed framing done by the framework (Wireshark's tcp_dissect_pdus). */
export interface Framing {
  /** Bytes needed to know a PDU's length. */
  headerLength: number;
  /** Total PDU length including the header, or -1 when the header cannot start a PDU. */
  pduLength(head: Uint8Array, dir: Dir): number;
  /** PDUs longer than this are treated as a framing error (and the stream resynchronises). */
  maxPduLength: number;
  /** Bytes of one PDU the framework keeps in memory (default 16 MiB); the rest is counted, not kept. */
  bufferLimit?: number;
  /**
   * After a gap: scan `bytes` for a plausible PDU start and return its offset, or -1.
   * Without it the framework drops bytes until the next gap-free segment start.
   */
  resync?(bytes: Uint8Array, dir: Dir): number;
}

/**
 * "yes": claims the connection. "client": claims it, and the bytes seen in this direction were
 * sent by the protocol's client (they look like requests) — on a connection without handshake
 * whose roles were guessed from ports, kdiag then swaps client and server. "no": declines.
 * "more": asks for more bytes.
 */
export type DetectResult = "yes" | "client" | "no" | "more";

export interface DissectorPlugin {
  /** Always PLUGIN_API_VERSION (1) for plugins written against this file. */
  apiVersion: number;
  /**
   * Short lowercase name, also the field prefix and the variable rules read: "kafka". kdiag's
   * own variables (frame, ip, ipv6, udp, tcp, conn, exchange, capture, pair, end, path, other,
   * window, params) and CEL's words (true, false, null, in, has, dyn, cel) are taken.
   */
  name: string;
  description: string;
  /** Optional. How packet lists, trees and reports name the protocol ("Kafka", "Redis"); default `name`. */
  label?: string;
  /**
   * Optional. What one message is called in each direction, for trees: `{ c2s: "request",
   * s2c: "response" }` labels a PDU "Redis request". Default: "client to server"/"server to client".
   */
  messages?: { c2s: string; s2c: string };
  /** Optional. The expert notes `ctx.note` may report (listed by `kdiag fields`). */
  expert?: ExpertSpec[];
  /** "segment": sees TCP segments (the TCP dissector); "stream": sees reassembled byte streams. */
  layer: "segment" | "stream";
  /** Entries for the tcp.port table. */
  ports?: number[];
  /**
   * Heuristic on the first bytes of a direction's stream (see DetectResult); up to 64 KiB is
   * held while it answers "more". Also asked, on connections whose roles were guessed, to learn
   * which side is the client when the port table already chose this dissector.
   */
  detect?(head: Uint8Array, dir: Dir): DetectResult;
  fields: FieldSpec[];
  framing?: Framing;
  open?(ctx: StreamContext): StreamDissector;
}
