/**
 * Pair scope: two captures of the same traffic, one taken near the client and one near the
 * server. Connections are matched by 4-tuple (client address and port, server address and port);
 * when a 4-tuple is reused, the k-th connection on one side is matched with the k-th on the
 * other. What is left (NAT/PAT between the two vantage points changes the client's address and
 * port) is matched by the client's initial sequence number, else by start time and payload sizes
 * (pairByIsnOrTiming). Each pair says how it was matched.
 */

import type { AnalysedCapture } from "../model/analysed-capture.js";
import { TcpEvent, type Connection } from "../tcp/types.js";
import type { Facts } from "../facts/build.js";
import { pairByIsnOrTiming, type PairCandidate } from "./infer.js";

export type MatchedBy = "4-tuple" | "isn" | "timing" | "none";

export interface PairItem {
  facts: Facts;
  client: Connection | null;
  server: Connection | null;
  matchedBy: MatchedBy;
}

const tuple = (c: Connection): string => `${c.client.addr}|${c.client.port}|${c.server.addr}|${c.server.port}`;

function candidate(c: Connection): PairCandidate {
  return {
    id: c.id,
    // baseSeq is the ISN only when the SYN was captured; otherwise it is some mid-stream number.
    isn: c.synPacket >= 0 ? c.c2s.baseSeq : -1,
    startUs: c.startUs,
    endUs: c.endUs,
    payloadC2s: c.c2s.payloadBytes,
    payloadS2c: c.s2c.payloadBytes,
    serverPort: c.server.port,
  };
}

function byTuple(conns: readonly (Connection | undefined)[]): Map<string, Connection[]> {
  const m = new Map<string, Connection[]>();
  for (const c of conns) {
    if (!c) continue;
    const k = tuple(c);
    const list = m.get(k);
    if (list) list.push(c);
    else m.set(k, [c]);
  }
  for (const list of m.values()) list.sort((a, b) => a.startUs - b.startUs);
  return m;
}

/** Packets with the RST / FIN flag per connection id. */
function flagCounts(capture: AnalysedCapture): { rst: Uint32Array; fin: Uint32Array } {
  const n = capture.connections.length;
  const rst = new Uint32Array(n);
  const fin = new Uint32Array(n);
  const p = capture.packets;
  for (let i = 0; i < p.count; i++) {
    const c = p.connId[i]!;
    if (c < 0 || p.events[i]! & TcpEvent.CAPTURE_DUPLICATE) continue;
    if (p.tcpFlags[i]! & 0x004) rst[c]!++;
    if (p.tcpFlags[i]! & 0x001) fin[c]!++;
  }
  return { rst, fin };
}

type Match = Pick<PairItem, "client" | "server" | "matchedBy">;

/** Client-side and server-side connections that are the same connection, and how that is known. */
function matchConnections(clientSide: AnalysedCapture, serverSide: AnalysedCapture): Match[] {
  const cMap = byTuple(clientSide.connections);
  const sMap = byTuple(serverSide.connections);
  const out: Match[] = [];
  const cLeft: Connection[] = [];
  const sLeft: Connection[] = [];
  for (const k of new Set([...cMap.keys(), ...sMap.keys()])) {
    const cs = cMap.get(k) ?? [];
    const ss = sMap.get(k) ?? [];
    const n = Math.min(cs.length, ss.length);
    for (let i = 0; i < n; i++) out.push({ client: cs[i]!, server: ss[i]!, matchedBy: "4-tuple" });
    cLeft.push(...cs.slice(n));
    sLeft.push(...ss.slice(n));
  }
  const cById = new Map(cLeft.map((c) => [c.id, c]));
  const sById = new Map(sLeft.map((s) => [s.id, s]));
  for (const m of pairByIsnOrTiming(cLeft.map(candidate), sLeft.map(candidate))) {
    out.push({ client: cById.get(m.a)!, server: sById.get(m.b)!, matchedBy: m.how });
    cById.delete(m.a);
    sById.delete(m.b);
  }
  for (const c of cById.values()) out.push({ client: c, server: null, matchedBy: "none" });
  for (const s of sById.values()) out.push({ client: null, server: s, matchedBy: "none" });
  return out;
}

/**
 * For each connection of the client-side capture, what the broker-side capture saw of it
 * (other.* in the end scope): lets the far side confirm or refute a client-side cause.
 */
export function otherSideFacts(clientSide: AnalysedCapture, serverSide: AnalysedCapture): Map<number, Facts> {
  const out = new Map<number, Facts>();
  for (const item of buildPairItems(clientSide, serverSide)) {
    if (!item.client) continue;
    const p = item.facts.pair as Facts;
    const s = item.server;
    out.set(item.client.id, {
      seen: s !== null,
      matched_by: item.matchedBy,
      rst_seen: p.rst_seen_server_side,
      rst_from_server: s !== null && s.close.how === "rst" && s.close.by === "server",
      close_how: p.close_how_server_side,
      close_by: p.close_by_server_side,
    });
  }
  return out;
}

export function buildPairItems(clientSide: AnalysedCapture, serverSide: AnalysedCapture): PairItem[] {
  const cFlags = flagCounts(clientSide);
  const sFlags = flagCounts(serverSide);
  const items: PairItem[] = [];
  for (const { client: c, server: s, matchedBy } of matchConnections(clientSide, serverSide)) {
    // The client-side view names the connection: it is the one the user's client knows.
    const any = (c ?? s)!;
    const f: Facts = {
      client_addr: any.client.addr,
      client_port: BigInt(any.client.port),
      server_addr: any.server.addr,
      server_port: BigInt(any.server.port),
      matched_by: matchedBy,
      seen_on_client_side: c !== null,
      seen_on_server_side: s !== null,
      handshake_client_side: c !== null && c.synPacket >= 0,
      handshake_server_side: s !== null && s.synPacket >= 0,
      rst_seen_client_side: c !== null && cFlags.rst[c.id]! > 0,
      rst_seen_server_side: s !== null && sFlags.rst[s.id]! > 0,
      fin_seen_client_side: c !== null && cFlags.fin[c.id]! > 0,
      fin_seen_server_side: s !== null && sFlags.fin[s.id]! > 0,
      close_how_client_side: c ? c.close.how : "absent",
      close_how_server_side: s ? s.close.how : "absent",
      close_by_client_side: c?.close.by ?? "none",
      close_by_server_side: s?.close.by ?? "none",
    };
    if (c) {
      f.conn_client_side = BigInt(c.id);
      f.longest_idle_client_side_ms = c.longestIdleUs / 1000;
      if (c.close.how !== "open") f.idle_before_close_client_side_ms = c.close.idleBeforeUs / 1000;
    }
    if (s) {
      f.conn_server_side = BigInt(s.id);
      f.client_addr_server_side = s.client.addr;
      f.client_port_server_side = BigInt(s.client.port);
    }
    items.push({ facts: { pair: f }, client: c, server: s, matchedBy });
  }
  return items;
}
