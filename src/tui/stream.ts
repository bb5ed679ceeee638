/**
 * Follow stream, as Kafka messages: one connection as a conversation, one row per message in the
 * order they completed (Wireshark's Follow TCP Stream, at the level a Kafka operator reads), with
 * the TCP events that explain a conversation between them: the handshake, FIN and RST, segments
 * the capture missed, and long silences. Built from what the analysis pass stored (the PDUs, the
 * exchanges and the packet index), so a long connection costs no re-reading of the capture.
 */

import { kafkaApiName, kafkaErrorName } from "../facts/kafka-names.js";
import { TcpFlag } from "../decode/types.js";
import { flagsText } from "../decode/format.js";
import type { AnalysedCapture, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import type { PdusAtPacket } from "../model/pdus-by-packet.js";
import type { FieldValue } from "../plugins/api.js";
import { TcpEvent } from "../tcp/types.js";
import { EVENT_LABELS } from "../report/packet-info.js";
import { outcome } from "./model.js";
import { padLeft, safe, shortCount, shortDuration, type Glyphs } from "./text.js";

/** A silence at least this long between two packets of the connection gets a row of its own. */
export const IDLE_ROW_US = 1_000_000;

/** TCP analysis events worth a row: the capture missed bytes of the conversation. */
const GAP_EVENTS: ReadonlyArray<readonly [number, string]> = [
  [TcpEvent.LOST_SEGMENT, EVENT_LABELS.lost_segment!],
  [TcpEvent.ACKED_UNSEEN_SEGMENT, EVENT_LABELS.ack_lost_segment!],
];

export interface StreamRow {
  /** The packet (1-based) Enter selects: where the message completed, or the TCP event's packet. */
  packet: number;
  kind: "message" | "tcp" | "idle";
  /** null for an idle gap (it is between the two sides). */
  dir: "c2s" | "s2c" | null;
  /** The whole row, capture text sanitised; the pane cuts it to its width. */
  text: string;
}

export interface StreamInput {
  capture: AnalysedCapture;
  connId: number;
  /** The connection's packets (0-based indices, ascending), as TuiModel.packetsOf gives them. */
  packets: Int32Array;
  /** PDUs by the packet (1-based) they completed at, as TuiModel.pdusByPacket. */
  pdusByPacket: PdusAtPacket;
  glyphs: Glyphs;
  ascii: boolean;
  /** Times are shown relative to this (the first packet of the capture, or the time reference). */
  zeroUs: number;
  /** Shortest silence shown as a row (default IDLE_ROW_US). */
  idleUs?: number;
}

/** "C→B" (client to broker) or "C←B"; in ASCII "C->B" / "C<-B". Always as wide as each other. */
export function dirLabel(dir: "c2s" | "s2c" | null, g: Glyphs): string {
  const arrow = g.arrow;
  if (dir === null) return " ".repeat(arrow.length + 2);
  return dir === "c2s" ? `C${arrow}B` : `C${reverseArrow(arrow)}B`;
}

function reverseArrow(arrow: string): string {
  return arrow === "->" ? "<-" : arrow === "→" ? "←" : arrow.split("").reverse().join("");
}

/** The conversation rows of one connection, in capture order. */
export function streamRows(input: StreamInput): StreamRow[] {
  const { capture, connId, packets, glyphs } = input;
  const p = capture.packets;
  const idleUs = input.idleUs ?? IDLE_ROW_US;
  const clean = (s: string) => safe(s, input.ascii);
  // Requests that never got their answer: the row says so (the reason is the point of a follow).
  const unanswered = new Map<number, StoredExchange>();
  for (const ex of capture.exchanges) if (ex.connId === connId && ex.request && ex.status !== "answered" && ex.status !== "orphan-response") unanswered.set(ex.request.last, ex);
  const rows: StreamRow[] = [];
  const time = (index: number) => ((p.tsUs[index]! - input.zeroUs) / 1e6).toFixed(6);
  // Time and packet columns as wide as this connection needs: the message keeps the room at 80 columns.
  const first = packets[0];
  const last = packets[packets.length - 1];
  const timeWidth = first === undefined || last === undefined ? 0 : Math.max(time(first).length, time(last).length);
  const packetWidth = last === undefined ? 0 : String(last + 1).length + 1;
  const prefix = (dir: "c2s" | "s2c" | null, index: number, packet: string) => `${dirLabel(dir, glyphs)} ${padLeft(time(index), timeWidth)} ${padLeft(packet, packetWidth)} `;
  let prev = -1;
  for (const index of packets) {
    const number = index + 1;
    const dir = p.dir[index] === 0 ? "c2s" : "s2c";
    if (prev >= 0 && p.tsUs[index]! - p.tsUs[prev]! >= idleUs) {
      rows.push({ packet: number, kind: "idle", dir: null, text: `${prefix(null, index, "")}(idle ${shortDuration(p.tsUs[index]! - p.tsUs[prev]!)}, no packet either way)` });
    }
    prev = index;
    const flags = p.tcpFlags[index]!;
    const events = p.events[index]!;
    for (const [bit, label] of GAP_EVENTS) {
      if (events & bit) rows.push({ packet: number, kind: "tcp", dir, text: `${prefix(dir, index, `#${number}`)}[${label}]` });
    }
    if (flags & TcpFlag.SYN) {
      rows.push({ packet: number, kind: "tcp", dir, text: `${prefix(dir, index, `#${number}`)}${flagsText(flags)} ${flags & TcpFlag.ACK ? "handshake answered" : "connection opened"}` });
    }
    for (const d of input.pdusByPacket.get(number) ?? []) {
      if (d.connId !== connId) continue;
      rows.push({ packet: number, kind: "message", dir: d.dir, text: `${prefix(d.dir, index, `#${number}`)}${messageText(d, unanswered.get(number), clean)}` });
    }
    if (flags & (TcpFlag.FIN | TcpFlag.RST)) {
      const who = dir === "c2s" ? "client" : "broker";
      const what = flags & TcpFlag.RST ? `reset by the ${who}` : `${who} closes its side`;
      rows.push({ packet: number, kind: "tcp", dir, text: `${prefix(dir, index, `#${number}`)}${flagsText(flags)} ${what}` });
    }
  }
  return rows;
}

/**
 * A message's part of the row: API and version, Request/Response, correlation id, size; for a
 * response its latency and result (the error names, else ok); for a request left unanswered,
 * why. A message of another protocol shows its dissector's summary.
 */
function messageText(d: StoredPdu, unanswered: StoredExchange | undefined, clean: (s: string) => string): string {
  const f = d.fields;
  const key = f["kafka.api_key"];
  const size = `${shortCount(d.length)}B`;
  const malformed = d.malformed ? " [Malformed]" : "";
  if (typeof key !== "number") return `${clean(d.summary)} ${size}${malformed}`;
  const api = `${kafkaApiName(key) ?? `api ${key}`} v${typeof f["kafka.api_version"] === "number" ? f["kafka.api_version"] : "?"}`;
  const corr = typeof f["kafka.correlation_id"] === "number" ? ` corr=${f["kafka.correlation_id"]}` : "";
  if (d.dir === "c2s") {
    const why = unanswered ? ` ${outcome(unanswered)}` : "";
    return `${api} Request${corr} ${size}${why}${malformed}`;
  }
  const ms = f["kafka.response_time"];
  const latency = typeof ms === "number" ? ` ${shortDuration(ms * 1000)}` : "";
  return `${api} Response${corr} ${size}${latency} ${resultOf(f)}${malformed}`;
}

/** The error names of a response (every non-zero error code, once each), else "ok". */
export function resultOf(fields: Record<string, FieldValue>): string {
  const v = fields["kafka.error"];
  const codes = [...new Set((Array.isArray(v) ? v : [v]).filter((c): c is number => typeof c === "number" && c !== 0))];
  return codes.length === 0 ? "ok" : codes.map((c) => kafkaErrorName(c)).join(",");
}

/** The row to start on: the first about `packet` or after it, else the last. */
export function rowAtPacket(rows: readonly StreamRow[], packet: number): number {
  const at = rows.findIndex((r) => r.packet >= packet);
  return at >= 0 ? at : Math.max(0, rows.length - 1);
}
