/**
 * Two captures of the same traffic (client side, server side): one row per connection pair,
 * matched by 4-tuple (src/rules/pair.ts): packets seen on each side, how each side saw it close,
 * and where a reset came from. A RST seen on the client side that the server never sent (and did
 * not receive) was made in the path: a firewall or load balancer.
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { buildPairItems } from "../rules/pair.js";
import type { Connection } from "../tcp/types.js";
import type { Glyphs } from "./text.js";

function closeText(c: Connection | null): string {
  if (!c) return "absent";
  return c.close.how === "open" ? "open" : `${c.close.how.toUpperCase()} by ${c.close.by ?? "?"}`;
}

function packets(c: Connection | null): number {
  return c ? c.c2s.packets + c.s2c.packets : 0;
}

/** Where the closing RST came from, judged from both sides. */
export function rstOrigin(client: Connection | null, server: Connection | null): string {
  const cr = client?.close.how === "rst";
  const sr = server?.close.how === "rst";
  if (!cr && !sr) return "";
  if (cr && !sr) return `RST only on the client side: made in the path (${client!.close.by === "server" ? "not sent by the server" : "sent by the client, never arrived"})`;
  if (!cr && sr) return `RST only on the server side: made in the path (${server!.close.by === "client" ? "not sent by the client" : "sent by the server, never arrived"})`;
  return `RST by the ${client!.close.by ?? "?"} on both sides: sent by an endpoint`;
}

export function compareRows(clientSide: AnalysedCapture, serverSide: AnalysedCapture, g: Glyphs): Array<{ text: string }> {
  const rows: Array<{ text: string }> = [];
  for (const p of buildPairItems(clientSide, serverSide)) {
    const any = (p.client ?? p.server)!;
    const pc = packets(p.client);
    const ps = packets(p.server);
    const only = p.client && !p.server ? "client side only" : !p.client && p.server ? "server side only" : pc !== ps ? `${Math.abs(pc - ps)} packets on one side only` : "same packets";
    const rst = rstOrigin(p.client, p.server);
    const parts = [
      `${any.client.addr}:${any.client.port} ${g.arrow} ${any.server.addr}:${any.server.port}`,
      ...(rst ? [rst] : []),
      only,
      `client side: ${p.client ? `#${p.client.id} ${pc} pkts, ${closeText(p.client)}` : "absent"}`,
      `server side: ${p.server ? `#${p.server.id} ${ps} pkts, ${closeText(p.server)}` : "absent"}`,
    ];
    rows.push({ text: parts.join("  ") });
  }
  return rows;
}
