/** Messages between kdiag and a plugin's worker (host.ts, worker.ts). */

import type { CloseInfo, Dir, Exchange, FieldSpec, PacketRef, Pdu } from "../api.js";

/** What the worker learns from the plugin's default export: plain data, checked again by the registry. */
export interface Descriptor {
  apiVersion: unknown;
  name: unknown;
  description: unknown;
  layer: unknown;
  ports: unknown;
  fields: FieldSpec[] | unknown;
  label: unknown;
  messages: unknown;
  expert: unknown;
  hasDetect: boolean;
  hasOpen: boolean;
  framing: { headerLength: unknown; maxPduLength: unknown; bufferLimit: unknown; hasResync: boolean } | null;
}

export type LoadReply = { ok: true; descriptor: Descriptor } | { ok: false; code: "plugin_load_failed" | "plugin_invalid"; error: string };

export type Call =
  | { op: "detect"; head: Uint8Array; dir: Dir }
  | { op: "pduLength"; head: Uint8Array; dir: Dir }
  | { op: "framingResync"; bytes: Uint8Array; dir: Dir }
  | { op: "open"; id: number; info: { connectionId: number; client: { addr: string; port: number }; server: { addr: string; port: number }; detail: boolean } }
  | { op: "data"; id: number; dir: Dir; bytes: Uint8Array; at: PacketRef }
  | { op: "pdu"; id: number; dir: Dir; bytes: Uint8Array; at: PacketRef; wireLength: number }
  | { op: "gap"; id: number; dir: Dir; length: number; at: PacketRef }
  | { op: "resync"; id: number; dir: Dir; bytes: Uint8Array }
  | { op: "close"; id: number; how: CloseInfo };

/** What the plugin reported through its StreamContext during a call, in order. */
export type ContextEvent =
  | { t: "emit"; pdu: Pdu }
  | { t: "exchange"; ex: Exchange }
  | { t: "note"; severity: "note" | "warning" | "error"; packet: number; message: string };

export type Reply =
  | { ok: true; value?: unknown; methods?: string[]; events: ContextEvent[] }
  | { ok: false; error: string; events: ContextEvent[] };
