/**
 * Client/server roles for a connection whose handshake was not captured.
 */
import type { Connection, RoleReason } from "./types.js";

/**
 * Service ports above 1024 that are servers in practice: Kafka (plain, TLS, SASL, common docker
 * listeners), ZooKeeper/KRaft, Schema Registry, Connect, REST proxy, Redpanda admin, plus a few
 * infrastructure services seen next to Kafka. Small on purpose: the fallback is the lower port.
 */
export const KNOWN_SERVICE_PORTS: ReadonlySet<number> = new Set([
  9092, 9093, 9094, 9095, 9096, 19092, 29092, 39092, 2181, 2888, 3888, 8081, 8082, 8083, 9644, 8080, 8443, 3306, 5432,
  6379, 27017, 9200, 2379, 6443,
]);

export function isServicePort(port: number): boolean {
  return port < 1024 || KNOWN_SERVICE_PORTS.has(port);
}

export interface InferredRole {
  /** True when the destination of the first packet is the server. */
  serverIsDst: boolean;
  reason: RoleReason;
}

/** Decide the server side from the ports of the first packet seen (no SYN / SYN-ACK available). */
export function inferServer(srcPort: number, dstPort: number, out: InferredRole): InferredRole {
  const srcService = isServicePort(srcPort);
  const dstService = isServicePort(dstPort);
  if (srcService !== dstService) {
    out.serverIsDst = dstService;
    out.reason = "well-known-port";
  } else {
    // Equal ports: nothing to go on, keep the first packet's destination as the server.
    out.serverIsDst = dstPort <= srcPort;
    out.reason = "lower-port";
  }
  return out;
}

/**
 * A protocol dissector found the guessed roles the wrong way round (the "server" sends requests).
 * Swaps the connection's view: endpoints, per-direction statistics and who closed it. The packet
 * index's direction column is flipped by the caller.
 */
export function swapRoles(conn: Connection): void {
  [conn.client, conn.server] = [conn.server, conn.client];
  [conn.c2s, conn.s2c] = [conn.s2c, conn.c2s];
  if (conn.close.by !== null) conn.close.by = conn.close.by === "client" ? "server" : "client";
  conn.roleReason = "dissector";
}
