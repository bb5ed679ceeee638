/**
 * Two captures of the same traffic (client side, server side): one row per connection pair,
 * matched as the pair rules match them (src/rules/pair.ts: 4-tuple, else ISN or timing through
 * NAT), and how: packets seen on each side, how each side saw it close, and where a reset came
 * from. A RST seen on the client side that the server never sent (and did not receive) was made
 * in the path: a firewall or load balancer.
 */

import { createDecodedPacket, decodePacket } from "../decode/packet.js";
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

/**
 * What identifies a TCP segment on both sides of the path: direction, sequence and
 * acknowledgement numbers, payload length, flags, and the IP id for IPv4.
 */
function segmentKeys(capture: AnalysedCapture, c: Connection): Array<{ index: number; key: string }> {
  const p = capture.packets;
  const pkt = createDecodedPacket();
  const out: Array<{ index: number; key: string }> = [];
  for (let i = c.firstPacket - 1; i < Math.min(p.count, c.lastPacket); i++) {
    if (p.connId[i] !== c.id) continue;
    decodePacket(capture.bytes.view(p.fileOffset[i]!, p.capLen[i]!), p.linkType[i]!, pkt);
    const ipId = pkt.ipVersion === 4 ? pkt.ipId : -1;
    out.push({ index: i, key: `${p.dir[i]}|${pkt.seq}|${pkt.ack}|${p.payloadLen[i]}|${p.tcpFlags[i]}|${ipId}` });
  }
  return out;
}

/**
 * Client-side packets (0-based indices in the client-side capture) of a connection that have no
 * counterpart in the server-side capture's connection (every packet when the server side does
 * not have the connection). Segments are matched one to one, so a retransmission seen twice on
 * the client side and once on the server side leaves one copy unmatched.
 */
export function clientOnlyPackets(clientSide: AnalysedCapture, client: Connection, serverSide: AnalysedCapture, server: Connection | null): number[] {
  const left = new Map<string, number>();
  if (server) for (const { key } of segmentKeys(serverSide, server)) left.set(key, (left.get(key) ?? 0) + 1);
  const out: number[] = [];
  for (const { index, key } of segmentKeys(clientSide, client)) {
    const n = left.get(key) ?? 0;
    if (n > 0) left.set(key, n - 1);
    else out.push(index);
  }
  return out;
}

export interface CompareItem {
  text: string;
  /** The connection's id on the client side, null when only the server side has it. */
  clientConn: number | null;
  /** Client-side packets with no counterpart on the server side (computed on first call). */
  clientOnly: () => number[];
}

export function compareRows(clientSide: AnalysedCapture, serverSide: AnalysedCapture, g: Glyphs): CompareItem[] {
  const rows: CompareItem[] = [];
  for (const p of buildPairItems(clientSide, serverSide)) {
    const any = (p.client ?? p.server)!;
    const pc = packets(p.client);
    const ps = packets(p.server);
    const only = p.client && !p.server ? "client side only" : !p.client && p.server ? "server side only" : pc !== ps ? `${Math.abs(pc - ps)} packets on one side only` : "same packets";
    const rst = rstOrigin(p.client, p.server);
    // Through NAT the server side sees the client elsewhere: both views, so either capture can be searched.
    const natted = p.client && p.server && (p.client.client.addr !== p.server.client.addr || p.client.client.port !== p.server.client.port);
    const parts = [
      `${any.client.addr}:${any.client.port} ${g.arrow} ${any.server.addr}:${any.server.port}` +
        (natted ? ` (server side: ${p.server!.client.addr}:${p.server!.client.port})` : ""),
      ...(p.matchedBy !== "none" ? [`matched by ${p.matchedBy === "isn" ? "ISN" : p.matchedBy}`] : []),
      ...(rst ? [rst] : []),
      only,
      `client side: ${p.client ? `#${p.client.id} ${pc} pkts, ${closeText(p.client)}` : "absent"}`,
      `server side: ${p.server ? `#${p.server.id} ${ps} pkts, ${closeText(p.server)}` : "absent"}`,
    ];
    let cached: number[] | null = null;
    const client = p.client;
    const server = p.server;
    rows.push({
      text: parts.join("  "),
      clientConn: client ? client.id : null,
      clientOnly: () => (cached ??= client ? clientOnlyPackets(clientSide, client, serverSide, server) : []),
    });
  }
  return rows;
}
