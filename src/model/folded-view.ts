/**
 * What the facts read of a live capture's folded connections (src/live/folded.ts folds them): the
 * aggregates per server and per path, as types only. They live here, with the analysed capture
 * that carries them, so that facts and rules read them without importing the live mode.
 */

import type { Connection } from "../tcp/types.js";

/** A connection attempt (its SYN is in the capture) folded: when, whether it failed, from which host. */
export interface FoldedSyn {
  startUs: number;
  failed: boolean;
  clientAddr: string;
}

/** A close by the server folded: when, and whether the connection was busy with Kafka (end-facts' busy close). */
export interface FoldedClose {
  tsUs: number;
  busy: boolean;
}

/** The most recent folded events, oldest first; the older ones are only counted (src/live/folded.ts's Recent). */
export interface RecentItems<T> {
  readonly items: readonly T[];
  /** Items pushed out (older than every kept one). */
  readonly dropped: number;
}

export interface FoldedServer {
  addr: string;
  port: number;
  connections: number;
  /** A folded connection on this server was decoded as Kafka. */
  kafka: boolean;
  /** Connection attempts (SYN in the capture) answered and failed. */
  synsAccepted: number;
  synsFailed: number;
  syns: RecentItems<FoldedSyn>;
  /** Of the attempts pushed out: how many failed, and the span of their start times. */
  droppedSynsFailed: number;
  droppedSynFromUs: number;
  droppedSynToUs: number;
  /** Closes by the server (FIN or RST), the most recent with their time. */
  closes: RecentItems<FoldedClose>;
  droppedBusyCloses: number;
  /** The server's closes of idle connections (µs of silence before the close), the most recent. */
  idleCloses: RecentItems<number>;
}

export interface FoldedPath {
  connections: number;
  /** Connections with their SYN in the capture (conn.handshakes_from_client counts them). */
  handshakes: number;
  /** Their start times, the most recent. */
  handshakeStarts: RecentItems<number>;
  /** Longest idle survived (end-facts: before the trigger; build.ts: the connection's longest silence), µs; -1 none. */
  endSurvivedMaxUs: number;
  connSurvivedMaxUs: number;
  /** Idles that killed a connection (end-facts) and idle resets (build.ts): count, min, max (µs). */
  killed: { n: number; min: number; max: number };
  idleResets: { n: number; min: number; max: number };
  /** Reconnects among the folded connections (aggregate.ts's definition, in the order they were folded). */
  reconnects: number;
  /** The folded connection that started last: group.reconnects reads it as the previous connection of the path. */
  last: { startUs: number; how: Connection["close"]["how"]; by: Connection["close"]["by"]; tsUs: number } | null;
}

/** What one connection contributes to its path's and server's end facts (src/rules/end-facts.ts decides). */
export interface EndContribution {
  /** Idle survived before the trigger, when at least the idle floor; else -1. */
  survivedUs: number;
  /** The idle that killed it (its silence before the trigger), or -1. */
  killedUs: number;
  /** A server's close of an idle connection: the silence before it, or -1. */
  idleCloseUs: number;
  /** Closed by the server: the close's time, or -1; busy: a Kafka connection closed with nothing asked of the server. */
  serverCloseUs: number;
  busyClose: boolean;
}

/** What one connection contributes to conn.* path facts (src/facts/build.ts decides). */
export interface ConnContribution {
  /** Its longest silence ended in the path's reset or drop: that silence, µs, or -1. */
  idleResetUs: number;
  /** Otherwise its longest silence, survived. */
  survivedUs: number;
}

/** The folded connections as the facts read them (src/live/folded.ts's FoldedConnections). */
export interface FoldedView {
  /** Connections folded. */
  readonly count: number;
  /** Those reset (close.how rst): capture.rst_connections. */
  readonly rstConnections: number;
  readonly servers: ReadonlyMap<string, FoldedServer>;
  readonly paths: ReadonlyMap<string, FoldedPath>;
  server(addr: string, port: number): FoldedServer | undefined;
  path(client: string, server: string, port: number): FoldedPath | undefined;
}
