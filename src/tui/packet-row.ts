/**
 * The packets pane's row: columns that fit 80 cells, an Info text that keeps the TCP flags and
 * the analysis labels in front (a RST that ends a Kafka message still reads `[RST, ACK]` when the
 * row is cut), and Wireshark's default colouring rules as blessed tags.
 * The Info pieces come from report/packet-info.ts, the table `kdiag packets` prints with.
 */

import { TcpFlag } from "../decode/types.js";
import type { StoredPdu } from "../model/analysed-capture.js";
import { flagsText } from "../decode/format.js";
import { EVENT_LABELS, eventLabels, isBadTcp, tcpNumbers } from "../report/packet-info.js";
import type { PacketJson } from "../report/packets.js";
import { fit, fitEnd, padLeft, shortDuration } from "./text.js";

/** Terminal width from which the absolute time column is shown next to the delta. */
export const TIME_COLUMN_FROM = 120;
/** Terminal width from which Info has tshark's analysis labels and order; below, the short ones after the flags. */
export const FULL_LABELS_FROM = TIME_COLUMN_FROM;
/** An address column never gets narrower than this, nor wider than an IPv4 address at 80 columns. */
const ADDR_MIN = 9;
const ADDR_NARROW = 15;
const ADDR_WIDE = 39;

/** Flags every data segment of a Kafka connection has: not worth a place on a Kafka row. */
const ROUTINE = TcpFlag.ACK | TcpFlag.PSH;

/**
 * The analysis labels of the packets pane below FULL_LABELS_FROM columns: at 80 columns the Info
 * column has 20 to 40 cells, and `[TCP Previous segment not captured]` alone would fill it. Each
 * keeps the word an operator knows from Wireshark; the detail pane and `kdiag packets` have
 * tshark's label. Every key of EVENT_LABELS has one (a test checks).
 */
export const SHORT_EVENT_LABELS: Readonly<Record<string, string>> = {
  retransmission: "Retrans",
  fast_retransmission: "Fast Retrans",
  spurious_retransmission: "Spurious Retrans",
  out_of_order: "Out-Of-Order",
  lost_segment: "Prev seg lost",
  ack_lost_segment: "ACKed unseen",
  duplicate_ack: "Dup ACK",
  zero_window: "ZeroWin",
  zero_window_probe: "ZeroWin Probe",
  zero_window_probe_ack: "ZeroWin Probe ACK",
  window_full: "Win Full",
  keep_alive: "Keep-Alive",
  keep_alive_ack: "Keep-Alive ACK",
  reused_ports: "Ports reused",
  window_update: "Win Update",
  capture_duplicate: "Copy",
};

/** "[Retrans]", one per event: the short labels. */
export function shortEventLabels(keys: readonly string[]): string[] {
  return keys.map((e) => `[${SHORT_EVENT_LABELS[e] ?? EVENT_LABELS[e] ?? e}]`);
}

/**
 * Info as the packets pane shows it: the flags and the analysis labels first, then what the
 * packet carries: the Kafka messages it completed, else the ports and Seq/Ack/Win/Len (tshark's
 * items, with the flags moved before the ports so that they survive a cut at 80 columns). A Kafka
 * row leaves out plain [ACK]/[PSH, ACK] but keeps SYN, FIN, RST, URG and ECN flags.
 * `full`: tshark's labels, before the flags as in Wireshark (a wide terminal has room for
 * both); otherwise the flags, then the short labels, so that however many labels a packet has
 * (a retransmitted RST, a lost segment...) its flags are within the first cells of Info.
 */
export function packetInfo(row: PacketJson, pdus: readonly StoredPdu[], full = true): string {
  const labels = full ? eventLabels(row.events) : shortEventLabels(row.events);
  if (row.tcp_flags === null) return [...labels, row.info].filter(Boolean).join(" ");
  const flags = row.tcp_flags;
  const front = (shown: boolean) => {
    const f = shown ? [flagsText(flags)] : [];
    return full ? [...labels, ...f] : [...f, ...labels];
  };
  const kafka = pdus.map((d) => (d.malformed ? `${d.summary} [Malformed]` : d.summary));
  if (kafka.length > 0) return [...front((flags & ~ROUTINE) !== 0), kafka.join("; ")].join(" ");
  const numbers = tcpNumbers({ events: row.events, srcPort: row.src_port ?? 0, dstPort: row.dst_port ?? 0, flags, seq: row.seq ?? 0, ack: row.ack ?? 0, window: row.window_size ?? row.window ?? 0, len: row.payload_length ?? 0 });
  return [...front(true), `${row.src_port} → ${row.dst_port}`, numbers].join(" ");
}

/** Wireshark's default colouring rules that matter here, first match wins as in Wireshark. */
export type PacketStyle = "bad-tcp" | "rst" | "kafka-error" | "syn-fin" | null;

export function packetStyle(row: PacketJson, pdus: readonly StoredPdu[]): PacketStyle {
  if (isBadTcp(row.events)) return "bad-tcp";
  const flags = row.tcp_flags ?? 0;
  if (flags & TcpFlag.RST) return "rst";
  if (pdus.some((d) => d.dir === "s2c" && errorCodes(d).some((c) => c !== 0))) return "kafka-error";
  if (flags & (TcpFlag.SYN | TcpFlag.FIN)) return "syn-fin";
  return null;
}

function errorCodes(d: StoredPdu): number[] {
  const v = d.fields["kafka.error"];
  return (Array.isArray(v) ? v : [v]).filter((c): c is number => typeof c === "number");
}

/**
 * blessed tags for a style. In colour, Wireshark's scheme in the 8 basic colours (so that an
 * xterm without 256 colours shows it too): Bad TCP red on black, RST white on red, SYN/FIN black
 * on grey; a Kafka error black on yellow. Without colour (TERM=vt100, NO_COLOR) the rows still
 * stand out by attribute: RST bold and underlined, Bad TCP bold, a Kafka error underlined.
 * Inverse video is the selection's, so it is never a style.
 */
export function styleTags(style: PacketStyle, colour: boolean): [open: string, close: string] {
  if (!style) return ["", ""];
  const tags: Record<Exclude<PacketStyle, null>, string[]> = colour
    ? { "bad-tcp": ["red-fg", "black-bg"], rst: ["white-fg", "red-bg"], "syn-fin": ["black-fg", "white-bg"], "kafka-error": ["black-fg", "yellow-bg"] }
    : { "bad-tcp": ["bold"], rst: ["bold", "underline"], "syn-fin": [], "kafka-error": ["underline"] };
  const t = tags[style];
  return [t.map((x) => `{${x}}`).join(""), [...t].reverse().map((x) => `{/${x}}`).join("")];
}

export interface PacketColumns {
  /** Width of each address column. */
  addr: number;
  /** The absolute time column is shown. */
  time: boolean;
}

/**
 * Column widths for a terminal width: the address columns as wide as the capture's longest
 * connection address (an IPv4 capture needs 15 at most), capped so that Info keeps room at 80
 * columns; longer addresses (IPv6, MAC) lose their start, the detail pane has them whole.
 */
export function packetColumns(width: number, longestAddr: number): PacketColumns {
  const wide = width >= TIME_COLUMN_FROM;
  return { addr: Math.max(ADDR_MIN, Math.min(longestAddr, wide ? ADDR_WIDE : ADDR_NARROW)), time: wide };
}

export function packetHeaderText(c: PacketColumns, arrow: string): string {
  const time = c.time ? `${padLeft("time", 11)} ` : "";
  const [src, dst] = c.addr >= "destination".length ? ["source", "destination"] : ["src", "dst"];
  return ` ${padLeft("No.", 6)} ${time}${padLeft("delta", 6)} ${fit(src, c.addr)} ${" ".repeat(arrow.length)} ${fit(dst, c.addr)} proto  len info`;
}

/**
 * The delta column in at most 6 cells, precise where it matters: "12us", "2.35ms", "201ms",
 * "4.21s", "10.0s", "7m12s", "2h03m": an idle gap of seconds stands out from the microseconds
 * between the packets of an exchange.
 */
export function deltaText(us: number): string {
  if (!Number.isFinite(us) || us < 0) return "-";
  if (us < 999.5) return `${Math.round(us)}us`;
  if (us < 9_995) return `${(us / 1000).toFixed(2)}ms`;
  if (us < 1e6) return `${Math.round(us / 1000)}ms`;
  return shortDuration(us);
}

export interface PacketCells {
  mark: string;
  number: number;
  /** Seconds since the first packet of the capture. */
  rel: number;
  /** Microseconds since the previous packet of the list. */
  deltaUs: number;
  /** The time reference (Wireshark's *REF*): its time and delta read `*REF*`. */
  ref?: boolean;
  src: string;
  dst: string;
  proto: string;
  length: number;
  info: string;
}

export function packetRowText(c: PacketColumns, cells: PacketCells, arrow: string, ellipsis: string): string {
  const time = c.time ? `${padLeft(cells.ref ? "*REF*" : cells.rel.toFixed(6), 11)} ` : "";
  return `${cells.mark}${padLeft(String(cells.number), 6)} ${time}${padLeft(cells.ref ? "*REF*" : deltaText(cells.deltaUs), 6)} ${fitEnd(cells.src, c.addr, ellipsis)} ${arrow} ${fitEnd(cells.dst, c.addr, ellipsis)} ${cells.proto.padEnd(5)} ${padLeft(String(cells.length), 4)} ${cells.info}`;
}
