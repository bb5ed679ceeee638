/**
 * The detail pane for rows that have no protocol tree: a connection and a comparison row, in
 * full. List rows are cut to the terminal's width (`made in the p…`, a client address that lost
 * its start); the detail pane follows the selection of every list pane, so the whole text of the
 * selected row is always one key (`5`, then `z`) away. Labels are sanitised when drawn.
 */

import { wrapWords } from "../report/format.js";
import type { Finding } from "../rules/index.js";
import type { Connection, Endpoint } from "../tcp/types.js";
import { shortCount, shortDuration } from "./text.js";
import type { UiNode } from "./tree.js";

const WRAP = 74;

function ep(e: Endpoint): string {
  return e.addr.includes(":") ? `[${e.addr}]:${e.port}` : `${e.addr}:${e.port}`;
}

const leaves = (text: string): UiNode[] => wrapWords(text, WRAP).map((label) => ({ label }));

export function connectionTree(c: Connection, resets: number, findings: readonly Finding[]): UiNode[] {
  const close = c.close.how === "open" ? "open at the end of the capture" : `${c.close.how.toUpperCase()} by the ${c.close.by ?? "?"} (packet ${c.close.packet}, after ${shortDuration(c.close.idleBeforeUs)} idle)`;
  const dir = (what: string, d: Connection["c2s"]) => ({ label: `${what}: ${d.packets} packets, ${shortCount(d.bytes)} bytes (${d.payloadBytes} payload bytes)` });
  return [
    {
      label: `Connection ${c.id}: ${ep(c.client)} -> ${ep(c.server)}`,
      open: true,
      children: [
        { label: `Client: ${ep(c.client)}` },
        { label: `Server: ${ep(c.server)}${c.roleInferred ? ` (role from ${c.roleReason})` : ""}` },
        { label: `Packets ${c.firstPacket}-${c.lastPacket}, duration ${shortDuration(c.endUs - c.startUs)}` },
        dir("Client to server", c.c2s),
        dir("Server to client", c.s2c),
        { label: `Longest idle: ${shortDuration(c.longestIdleUs)} (ended by packet ${c.longestIdleEndPacket})` },
        { label: `Close: ${close}` },
        { label: `Resets: ${resets}` },
      ],
    },
    {
      label: `Findings (${findings.length})`,
      open: true,
      children: findings.map((f) => ({ label: `${f.severity} ${f.rule}: ${f.title}`, children: leaves(f.message) })),
    },
  ];
}

/** A comparison row, one part a line (the row joins them with two spaces). */
export function compareTree(text: string): UiNode[] {
  const parts = text.split("  ").filter(Boolean);
  return [{ label: "Comparison (client side vs server side)", open: true, children: parts.flatMap(leaves) }];
}
