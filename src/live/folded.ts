/**
 * Connections folded into aggregates: what stays of a live capture's oldest connections once
 * more than `--keep-connections` compact rows (src/live/retired-rows.ts) are held. A folded
 * connection costs nothing of its own: it becomes counts in one aggregate per server (address and
 * port) and one per path (client host to that server), and its row and view are freed.
 *
 * The facts of the connections still in the window read the others of their path and server
 * (src/rules/end-facts.ts, src/facts/build.ts, src/facts/aggregate.ts). What those facts read is
 * folded so that each reads the aggregate for what was folded:
 *  - counts, maxima and minima (idle survived or killed per path, idle resets, handshakes per path,
 *    closes by the server, Kafka ports) are exact;
 *  - what is read by time (the next connection after an end, attempts refused after it, closes
 *    together with it, the broker's idle-close cluster) keeps the most recent RECENT_PER_SERVER
 *    folded events per server (RECENT_PER_PATH per path) exactly; older ones are counts, with the
 *    span of their times.
 * The window holds the recent connections, so the folded ones are those older than the window and
 * than those more: a fact that reads further back than that reads only counts, and the output
 * says that folding happened (kdiag watch's stderr line, the TUI's notice, path.folded_connections).
 */

import { IDLE_FLOOR_US, type EndInfo, type EndKind } from "../facts/end-shape.js";
import type { PacketStats } from "../facts/packet-stats.js";
import type { Connection } from "../tcp/types.js";
import type { ConnContribution, EndContribution, FoldedClose, FoldedPath, FoldedServer, FoldedSyn, FoldedView, RecentItems } from "../model/folded-view.js";

export type { ConnContribution, EndContribution, FoldedClose, FoldedPath, FoldedServer, FoldedSyn, FoldedView };

/** A server's and a path's aggregate as folding keeps them: their recent events can be pushed to. */
interface ServerKept extends FoldedServer {
  syns: Recent<FoldedSyn>;
  closes: Recent<FoldedClose>;
  idleCloses: Recent<number>;
}
interface PathKept extends FoldedPath {
  handshakeStarts: Recent<number>;
}

/**
 * Folded events kept with their times (the most recent ones), per server and per path. A server
 * has few (brokers), so 4,096 of each kind (about 130 kB a server): a cause that waits for the end
 * of the capture (broker-gone) reads the closes around its own, and with 256 per server 18 of 212
 * were lost on the million-packet benchmark with every connection folded, none with 4,096
 * (bench/README.md). Paths are many (client hosts times brokers): 256 start times each.
 */
export const RECENT_PER_SERVER = 4096;
export const RECENT_PER_PATH = 256;

/** The most recent `max` items, oldest first; the older ones are only counted. */
export class Recent<T> implements RecentItems<T> {
  readonly items: T[] = [];
  /** Items pushed out (older than every kept one). */
  dropped = 0;

  constructor(private readonly max: number) {}

  push(item: T, onDrop?: (old: T) => void): void {
    this.items.push(item);
    if (this.items.length > this.max) {
      const old = this.items.shift()!;
      this.dropped++;
      onDrop?.(old);
    }
  }
}

export const serverKey = (addr: string, port: number): string => `${addr}|${port}`;
export const pathKey = (client: string, server: string, port: number): string => `${client}|${server}|${port}`;

const range = (): { n: number; min: number; max: number } => ({ n: 0, min: Infinity, max: -Infinity });

export class FoldedConnections implements FoldedView {
  /** Connections folded. */
  count = 0;
  /** Those reset (close.how rst): capture.rst_connections. */
  rstConnections = 0;
  /** By end kind (end shape) and by who closed: for the summary. */
  readonly endKinds = new Map<EndKind, number>();
  readonly closedBy = { client: 0, server: 0, none: 0 };
  bytes = 0;
  packets = 0;
  reconnects = 0;
  /** The first and last folded connection's start (µs), for the summary. */
  fromUs = Infinity;
  toUs = -Infinity;
  readonly servers = new Map<string, ServerKept>();
  readonly paths = new Map<string, PathKept>();

  constructor(
    /** The path facts' definitions of one connection's share (kept where they are defined). */
    private readonly endShare: (c: Connection, e: EndInfo) => EndContribution,
    private readonly connShare: (c: Connection, s: PacketStats) => ConnContribution,
  ) {}

  /** Adds one connection (a retired row's view: its record, end shape and counters). */
  fold(c: Connection, e: EndInfo, s: PacketStats): void {
    this.count++;
    if (c.close.how === "rst") this.rstConnections++;
    this.endKinds.set(e.kind, (this.endKinds.get(e.kind) ?? 0) + 1);
    this.closedBy[c.close.by ?? "none"]++;
    this.bytes += c.c2s.bytes + c.s2c.bytes;
    this.packets += c.c2s.packets + c.s2c.packets;
    this.fromUs = Math.min(this.fromUs, c.startUs);
    this.toUs = Math.max(this.toUs, c.startUs);

    const sv = this.serverOf(c);
    sv.connections++;
    if (c.dissector === "kafka") sv.kafka = true;
    const share = this.endShare(c, e);
    if (c.synPacket > 0) {
      if (e.connectFailed) sv.synsFailed++;
      else sv.synsAccepted++;
      sv.syns.push({ startUs: c.startUs, failed: e.connectFailed, clientAddr: c.client.addr }, (old) => {
        if (old.failed) sv.droppedSynsFailed++;
        sv.droppedSynFromUs = Math.min(sv.droppedSynFromUs, old.startUs);
        sv.droppedSynToUs = Math.max(sv.droppedSynToUs, old.startUs);
      });
    }
    if (share.serverCloseUs >= 0) sv.closes.push({ tsUs: share.serverCloseUs, busy: share.busyClose }, (old) => old.busy && sv.droppedBusyCloses++);
    if (share.idleCloseUs >= 0) sv.idleCloses.push(share.idleCloseUs);

    const p = this.pathOf(c);
    p.connections++;
    if (c.synPacket > 0) {
      p.handshakes++;
      p.handshakeStarts.push(c.startUs);
    }
    if (share.survivedUs >= IDLE_FLOOR_US) p.endSurvivedMaxUs = Math.max(p.endSurvivedMaxUs, share.survivedUs);
    if (share.killedUs >= 0) into(p.killed, share.killedUs);
    const cs = this.connShare(c, s);
    if (cs.idleResetUs >= 0) into(p.idleResets, cs.idleResetUs);
    else p.connSurvivedMaxUs = Math.max(p.connSurvivedMaxUs, cs.survivedUs);
    // A reconnect as group.reconnects counts it: the path's previous connection ended, and not by
    // the client's own FIN (what was unanswered on it is gone with its exchanges).
    const prev = p.last;
    if (c.synPacket > 0 && prev && prev.how !== "open" && prev.tsUs <= c.startUs && !(prev.how === "fin" && prev.by === "client")) {
      p.reconnects++;
      this.reconnects++;
    }
    if (!prev || c.startUs >= prev.startUs) p.last = { startUs: c.startUs, how: c.close.how, by: c.close.by, tsUs: c.close.tsUs };
  }

  server(addr: string, port: number): FoldedServer | undefined {
    return this.servers.get(serverKey(addr, port));
  }

  path(client: string, server: string, port: number): FoldedPath | undefined {
    return this.paths.get(pathKey(client, server, port));
  }

  /** The summary kdiag watch prints (stderr, and its --json line): what was folded, in counts. */
  summary(): FoldedSummary {
    return {
      connections: this.count,
      servers: this.servers.size,
      paths: this.paths.size,
      firstStart: this.count > 0 ? this.fromUs / 1e6 : null,
      lastStart: this.count > 0 ? this.toUs / 1e6 : null,
      endKinds: Object.fromEntries([...this.endKinds].sort((a, b) => b[1] - a[1])),
      closedBy: { ...this.closedBy },
      reset: this.rstConnections,
      reconnects: this.reconnects,
      bytes: this.bytes,
      packets: this.packets,
    };
  }

  private serverOf(c: Connection): ServerKept {
    const k = serverKey(c.server.addr, c.server.port);
    let s = this.servers.get(k);
    if (!s) {
      s = {
        addr: c.server.addr,
        port: c.server.port,
        connections: 0,
        kafka: false,
        synsAccepted: 0,
        synsFailed: 0,
        syns: new Recent(RECENT_PER_SERVER),
        droppedSynsFailed: 0,
        droppedSynFromUs: Infinity,
        droppedSynToUs: -Infinity,
        closes: new Recent(RECENT_PER_SERVER),
        droppedBusyCloses: 0,
        idleCloses: new Recent(RECENT_PER_SERVER),
      };
      this.servers.set(k, s);
    }
    return s;
  }

  private pathOf(c: Connection): PathKept {
    const k = pathKey(c.client.addr, c.server.addr, c.server.port);
    let p = this.paths.get(k);
    if (!p) {
      p = { connections: 0, handshakes: 0, handshakeStarts: new Recent(RECENT_PER_PATH), endSurvivedMaxUs: -1, connSurvivedMaxUs: 0, killed: range(), idleResets: range(), reconnects: 0, last: null };
      this.paths.set(k, p);
    }
    return p;
  }
}

export interface FoldedSummary {
  connections: number;
  servers: number;
  paths: number;
  /** Start of the first and last connection folded (seconds since the epoch). */
  firstStart: number | null;
  lastStart: number | null;
  endKinds: Record<string, number>;
  closedBy: { client: number; server: number; none: number };
  reset: number;
  reconnects: number;
  bytes: number;
  packets: number;
}

function into(r: { n: number; min: number; max: number }, v: number): void {
  r.n++;
  if (v < r.min) r.min = v;
  if (v > r.max) r.max = v;
}

/**
 * The line kdiag watch (stderr) and the TUI (its notice) say once folding happened: how many
 * connections, past which cap, and what that changes for the facts.
 */
export function foldedLine(f: FoldedConnections, keep: number): string {
  const n = f.count;
  return `${n.toLocaleString("en-US")} older connection${n === 1 ? "" : "s"} folded into per-server and per-path aggregates (past --keep-connections ${keep.toLocaleString("en-US")}): ` +
    `their path facts count them; reconnects, later attempts and closes together see only the last ${RECENT_PER_SERVER.toLocaleString("en-US")} per server by time; ` +
    "bursts over connections (reconnect-storm) and the other rules over the whole capture at the end do not see them";
}
