/**
 * `kdiag flows`: one row per TCP connection, as text or as the stable JSON document
 * `{"connections": [...]}` (snake_case keys, documented in the README).
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { TCP_EVENT_NAMES, type Connection, type DirectionStats, type Endpoint } from "../tcp/types.js";
import { formatCount, formatDuration, tableLines, usToMs, usToSeconds } from "./format.js";

export interface FlowJson {
  id: number;
  client: Endpoint;
  server: Endpoint;
  role_inferred: boolean;
  role_reason: string;
  start_time: number;
  end_time: number;
  duration_s: number;
  c2s: { packets: number; bytes: number; payload_bytes: number };
  s2c: { packets: number; bytes: number; payload_bytes: number };
  handshake_rtt_ms: number | null;
  close: {
    how: "fin" | "rst" | "open";
    by: "client" | "server" | null;
    packet: number | null;
    time: number | null;
    idle_before_ms: number | null;
  };
  longest_idle_ms: number;
  events: Record<string, number>;
  /** The protocol dissector that claims the connection (by port or heuristic), or null. */
  dissector: string | null;
  /**
   * "<dissector>: <first line of the error>" when the dissector failed on the connection, else
   * null. Known when the messages were decoded (flows -Y on decoded facts, e.g. `conn.malformed`);
   * plain `flows` only identifies the dissector, without running it on the bytes.
   */
  malformed: string | null;
}

function dirJson(d: DirectionStats) {
  return { packets: d.packets, bytes: d.bytes, payload_bytes: d.payloadBytes };
}

export function flowToJson(c: Connection): FlowJson {
  const events: Record<string, number> = {};
  for (const e of TCP_EVENT_NAMES) events[e.key] = c.events[e.key] ?? 0;
  const open = c.close.how === "open";
  return {
    id: c.id,
    client: { addr: c.client.addr, port: c.client.port },
    server: { addr: c.server.addr, port: c.server.port },
    role_inferred: c.roleInferred,
    role_reason: c.roleReason,
    start_time: usToSeconds(c.startUs),
    end_time: usToSeconds(c.endUs),
    duration_s: usToSeconds(c.endUs - c.startUs),
    c2s: dirJson(c.c2s),
    s2c: dirJson(c.s2c),
    handshake_rtt_ms: c.handshakeRttUs === null ? null : usToMs(c.handshakeRttUs),
    close: {
      how: c.close.how,
      by: open ? null : c.close.by,
      packet: open ? null : c.close.packet,
      time: open ? null : usToSeconds(c.close.tsUs),
      idle_before_ms: open ? null : usToMs(c.close.idleBeforeUs),
    },
    longest_idle_ms: usToMs(c.longestIdleUs),
    events,
    dissector: c.dissector,
    malformed: c.malformed,
  };
}

/** The connections of `flows --json`, one at a time (Output.jsonArray writes `{"connections": [...]}`). */
export function* flowsJsonItems(capture: AnalysedCapture, keep: (c: Connection) => boolean = () => true): Generator<FlowJson> {
  // A live capture's folded connections (holes) are counted in its summary, not listed.
  for (const c of capture.connections) if (c && keep(c)) yield flowToJson(c);
}

const EVENT_ABBREVIATIONS: Record<string, string> = {
  retransmission: "retx",
  fast_retransmission: "fretx",
  spurious_retransmission: "sretx",
  out_of_order: "ooo",
  lost_segment: "lost",
  ack_lost_segment: "ackunseen",
  duplicate_ack: "dupack",
  zero_window: "zwin",
  zero_window_probe: "zprobe",
  zero_window_probe_ack: "zprobeack",
  window_full: "wfull",
  keep_alive: "ka",
  keep_alive_ack: "kaack",
  reused_ports: "reuse",
  window_update: "wupd",
};

function eventsText(c: Connection): string {
  const parts: string[] = [];
  for (const e of TCP_EVENT_NAMES) {
    const n = c.events[e.key] ?? 0;
    if (n > 0) parts.push(`${EVENT_ABBREVIATIONS[e.key] ?? e.key}=${n}`);
  }
  return parts.join(" ") || "-";
}

function endpointText(e: Endpoint): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

function closeText(c: Connection): string {
  if (c.close.how === "open") return "open";
  return `${c.close.how.toUpperCase()} by ${c.close.by ?? "?"} #${c.close.packet}`;
}

/** The connection table, line by line (a capture can hold a million connections). */
export function flowsLines(capture: AnalysedCapture, keep: (c: Connection) => boolean = () => true): Iterable<string> {
  const start = capture.packets.count > 0 ? capture.packets.firstTsUs : 0;
  const header = [
    "#",
    "client",
    "server",
    "role",
    "start",
    "duration",
    "pkts c>s/s>c",
    "bytes c>s/s>c",
    "rtt",
    "close",
    "idle before",
    "longest idle",
    "events",
  ];
  const row = (c: Connection): string[] => [
    String(c.id),
    endpointText(c.client),
    endpointText(c.server),
    c.roleInferred ? `${c.roleReason}?` : c.roleReason,
    `${((c.startUs - start) / 1e6).toFixed(3)}s`,
    formatDuration(c.endUs - c.startUs),
    `${formatCount(c.c2s.packets)}/${formatCount(c.s2c.packets)}`,
    `${formatCount(c.c2s.bytes)}/${formatCount(c.s2c.bytes)}`,
    c.handshakeRttUs === null ? "-" : formatDuration(c.handshakeRttUs),
    closeText(c),
    c.close.how === "open" ? "-" : formatDuration(c.close.idleBeforeUs),
    formatDuration(c.longestIdleUs),
    eventsText(c),
  ];
  return tableLines(header, function* () {
    for (const c of capture.connections) if (c && keep(c)) yield row(c);
  }, new Set([0]));
}
