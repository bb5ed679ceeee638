/**
 * An answer that reached a closed socket: the request was sent before the client's own first FIN
 * or RST and the response began only after it. Kafka clients close(2) and never half-close, so
 * the client had given up (its request timeout, a shutdown) and never read that answer; showing
 * it as "ok" would hide a broker that was too slow for its client (facts/kafka-per-connection.ts
 * counts such a request as still waiting at the close).
 */

import type { AnalysedCapture } from "./analysed-capture.js";
import { TcpEvent } from "../tcp/types.js";

const FIN_OR_RST = 0x001 | 0x004;

interface Side {
  first: number;
  last: number;
}

const cache = new WeakMap<AnalysedCapture, Float64Array>();

/**
 * Per connection, the packet number of the client's first FIN or RST (0: none). The connection's
 * own close is not it: a RST the closed socket sends back at the late answer replaces the FIN
 * there. One walk over the packet index, once per capture.
 */
function clientCloses(capture: AnalysedCapture): Float64Array {
  let out = cache.get(capture);
  if (out && out.length === capture.connections.length) return out;
  out = new Float64Array(capture.connections.length);
  const p = capture.packets;
  for (let i = p.base; i < p.count; i++) {
    const r = i - p.base;
    const c = p.connId[r]!;
    if (c < 0 || c >= out.length || out[c] !== 0 || p.dir[r] !== 0) continue;
    if (p.tcpFlags[r]! & FIN_OR_RST && !(p.events[r]! & TcpEvent.CAPTURE_DUPLICATE)) out[c] = i + 1;
  }
  cache.set(capture, out);
  return out;
}

export function answeredAfterClientClose(capture: AnalysedCapture, connId: number, request: Side | null, response: Side | null): boolean {
  if (!request || !response) return false;
  const close = clientCloses(capture)[connId] ?? 0;
  return close > 0 && request.last < close && response.first > close;
}
