/**
 * The one place that decides which stream dissector takes a connection, in this documented order:
 *   1. the port table, server port first (roles are known or inferred), then the client port —
 *      confirmed by the bytes when the chosen dissector has a heuristic and other heuristics are
 *      enabled: if its own heuristic declines the first bytes and another one claims them, the
 *      other one takes the connection (plaintext Kafka on 9093, TLS's port; TLS on 9092, Kafka's);
 *      when nobody claims them, the port table stands;
 *   2. the enabled heuristics, in registration order, on the first bytes of each direction
 *      (up to 64 KiB is held while a heuristic answers "more");
 *   3. otherwise nobody: the bytes are not kept.
 * Every call into a plugin is guarded: a throw marks the connection malformed and the analysis
 * goes on without that dissector (Wireshark's "Malformed Packet").
 */

import type { CloseInfo, Dir, DissectorPlugin, Exchange, InnerStream, PacketRef, Pdu, StreamContext, StreamDissector } from "./api.js";
import { Framer } from "./framer.js";
import type { Registry } from "./registry.js";
/**
 * What dispatch reads and sets of a TCP connection (src/tcp's Connection has these and more):
 * declared here so that plugins/ does not depend on tcp/ (tcp/ delivers the plugin API's types).
 */
export interface DispatchedConnection {
  id: number;
  client: { addr: string; port: number };
  server: { addr: string; port: number };
  roleInferred: boolean;
  dissector: string | null;
  malformed: string | null;
}

/** Where reassembled bytes go (src/tcp's StreamSink has this shape). */
type StreamSink = InnerStream;

const HEURISTIC_HEAD_LIMIT = 64 * 1024;

export interface DispatchHooks<Connection extends DispatchedConnection = DispatchedConnection> {
  /**
   * A PDU reported by the connection's dissector, or by an inner dissector (`by`, its name: Kafka
   * inside TLS); without `by` it is conn.dissector's.
   */
  pdu(conn: Connection, pdu: Pdu, by?: string): void;
  /** A request/response pair reported by the connection's dissector (or the inner one `by`). */
  exchange(conn: Connection, ex: Exchange, by?: string): void;
  /**
   * The dissector found the roles the wrong way round (a connection without handshake whose
   * "server" sends requests). Applied to the connection and its packets when the pass ends.
   */
  swapRoles(conn: Connection): void;
  /** An expert note from a dissector or from framing. */
  note(conn: Connection, severity: "note" | "warning" | "error", packet: number, message: string): void;
}

export interface DispatchOptions {
  /**
   * Only name the dissector of each connection (conn.dissector), without decoding its bytes: what
   * `kdiag flows` needs, at a fraction of the cost.
   */
  identifyOnly?: boolean;
  /**
   * Detail mode (a view re-dissecting one connection): sets `StreamContext.detail`, so that
   * dissectors attach protocol trees to their PDUs.
   */
  detail?: boolean;
}

/** Builds the `openSink` function the TCP tracker calls at a connection's first payload byte. */
export function createDispatcher<Connection extends DispatchedConnection>(
  registry: Registry,
  hooks: DispatchHooks<Connection>,
  opts: DispatchOptions = {},
): (conn: Connection) => StreamSink | null {
  const identifyOnly = opts.identifyOnly ?? false;
  const detail = opts.detail ?? false;
  const perCapture = new Map<string, unknown>();
  return (conn) => {
    const byPort = registry.portTable.get(conn.server.port) ?? registry.portTable.get(conn.client.port);
    const chosen = byPort ? registry.get(byPort)! : null;
    // A port-table match needs no look at the bytes when the roles are certain and no other
    // heuristic could claim the connection, or when the dissector has no heuristic to confirm it.
    const rivals = chosen !== null && registry.heuristics.some((h) => h.enabled && h.name !== chosen.name);
    if (chosen && (!chosen.detect || (!conn.roleInferred && !rivals))) {
      if (identifyOnly) {
        conn.dissector = chosen.name;
        return null;
      }
      return new DispatchSink(conn, registry, hooks, chosen, false, false, detail, perCapture);
    }
    if (!chosen && !registry.heuristics.some((h) => h.enabled)) return null;
    return new DispatchSink(conn, registry, hooks, chosen, true, identifyOnly, detail, perCapture);
  };
}

interface HeldChunk {
  dir: Dir;
  bytes: Uint8Array;
  at: PacketRef;
}

const FLIP: Record<Dir, Dir> = { c2s: "s2c", s2c: "c2s" };

class DispatchSink<Connection extends DispatchedConnection> implements StreamSink {
  private dissector: StreamDissector | null = null;
  private plugin: DissectorPlugin | null = null;
  private framers: Record<Dir, Framer | null> = { c2s: null, s2c: null };
  private state: "undecided" | "active" | "none" | "failed" = "undecided";
  private held: HeldChunk[] = [];
  private heldBytes: Record<Dir, number> = { c2s: 0, s2c: 0 };
  private lastPacket = 0;
  /** The roles were guessed the wrong way round: the dissector sees (and reports) them swapped. */
  private flipped = false;

  /**
   * `chosen`: the port table's dissector, or null to try the heuristics. `look`: hold the first
   * bytes and ask detect() before deciding — to find a dissector, or, for a port-table match on a
   * connection whose roles were guessed, to learn which side is the client.
   */
  constructor(
    private readonly conn: Connection,
    private readonly registry: Registry,
    private readonly hooks: DispatchHooks<Connection>,
    private readonly chosen: DissectorPlugin | null,
    look: boolean,
    private readonly identifyOnly: boolean,
    private readonly detail: boolean,
    private readonly perCapture: Map<string, unknown>,
  ) {
    if (chosen && !look) this.activate(chosen);
  }

  data(dir: Dir, bytes: Uint8Array, at: PacketRef): void {
    this.lastPacket = at.last;
    if (this.state === "active") return this.deliver(dir, bytes, at);
    if (this.state !== "undecided") return;
    this.held.push({ dir, bytes: bytes.slice(), at: { ...at } });
    this.heldBytes[dir] += bytes.length;
    this.decide(false);
  }

  gap(dir: Dir, length: number, at: PacketRef): void {
    this.lastPacket = at.last;
    if (this.state === "undecided" && this.held.length > 0) this.decide(true);
    // Nothing to look at yet, but the port table named a dissector for a connection whose roles
    // are certain: it takes the connection now, so that it hears of the gap.
    else if (this.state === "undecided" && this.chosen && !this.conn.roleInferred) this.start(this.chosen, false);
    if (this.state !== "active") return;
    const d = this.flipped ? FLIP[dir] : dir;
    this.guard(() => {
      this.framers[d]?.gap(length, at);
      this.dissector!.gap(d, length, at);
    });
  }

  close(how: CloseInfo): void {
    if (this.state === "undecided" && this.held.length > 0) this.decide(true);
    if (this.state !== "active") return;
    const c = this.flipped && how.by ? { ...how, by: how.by === "client" ? ("server" as const) : ("client" as const) } : how;
    this.guard(() => {
      this.framers.c2s?.end();
      this.framers.s2c?.end();
      this.dissector!.close(c);
    });
    this.dissector = null;
    this.framers = { c2s: null, s2c: null };
  }

  /** Asks detect() about what is held; `final` turns "more" into "no". */
  private decide(final: boolean): void {
    let waiting = false;
    // The port table's dissector is asked first; the others may claim what it declines.
    const enabled = this.registry.heuristics.filter((h) => h.enabled).map((h) => this.registry.get(h.name)!);
    const candidates = this.chosen ? [this.chosen, ...enabled.filter((p) => p !== this.chosen)] : enabled;
    for (const plugin of candidates) {
      for (const dir of ["c2s", "s2c"] as const) {
        if (this.heldBytes[dir] === 0) continue;
        let answer: string;
        try {
          answer = plugin.detect!(this.head(dir), dir);
        } catch (err) {
          this.hooks.note(this.conn, "warning", this.lastPacket, `${plugin.name} heuristic failed: ${message(err)}`);
          answer = "no";
        }
        if (answer === "client" && dir === "s2c" && !this.conn.roleInferred) answer = "no";
        if (answer === "yes" || answer === "client") {
          return this.start(plugin, answer === "client" && dir === "s2c");
        }
        if (answer === "more") waiting = true;
      }
    }
    const full = this.heldBytes.c2s + this.heldBytes.s2c >= HEURISTIC_HEAD_LIMIT;
    if (!waiting || final || full) {
      // The port table is authoritative even when the bytes did not tell the roles.
      if (this.chosen) return this.start(this.chosen, false);
      this.state = "none";
      this.held = [];
    }
  }

  private start(plugin: DissectorPlugin, flip: boolean): void {
    if (flip) {
      this.flipped = true;
      this.hooks.swapRoles(this.conn);
    }
    const held = this.held;
    this.held = [];
    this.activate(plugin);
    for (const c of held) {
      if (this.state !== "active") break;
      this.deliver(c.dir, c.bytes, c.at);
    }
  }

  private head(dir: Dir): Uint8Array {
    const parts = this.held.filter((c) => c.dir === dir);
    if (parts.length === 1) return parts[0]!.bytes;
    const out = new Uint8Array(this.heldBytes[dir]);
    let off = 0;
    for (const p of parts) {
      out.set(p.bytes, off);
      off += p.bytes.length;
    }
    return out;
  }

  /** What the connection's dissector and an inner one (Kafka inside TLS) are both told. */
  private sharedContext(): Omit<StreamContext, "emit" | "exchange" | "openInner"> {
    return {
      connectionId: this.conn.id,
      client: this.flipped ? this.conn.server : this.conn.client,
      server: this.flipped ? this.conn.client : this.conn.server,
      ...(this.detail ? { detail: true } : {}),
      perCapture: this.perCapture,
      preferences: this.registry.preferences,
      note: (severity, packet, msg) => this.hooks.note(this.conn, severity, packet, msg),
    };
  }

  private activate(plugin: DissectorPlugin): void {
    this.plugin = plugin;
    this.conn.dissector = plugin.name;
    if (this.identifyOnly) {
      this.state = "none";
      return;
    }
    const ctx: StreamContext = {
      ...this.sharedContext(),
      openInner: (name) => this.openInner(name),
      emit: (pdu) => this.hooks.pdu(this.conn, pdu),
      exchange: (ex) => this.hooks.exchange(this.conn, ex),
    };
    this.state = "active";
    this.guard(() => {
      this.dissector = plugin.open!(ctx);
      if (plugin.framing) {
        for (const dir of ["c2s", "s2c"] as const) {
          this.framers[dir] = new Framer(plugin.framing, dir, {
            pdu: (bytes, at, wireLength) => this.dissector!.pdu?.(dir, bytes, at, wireLength),
            framingError: (_offset, packet, what) =>
              this.hooks.note(this.conn, "warning", packet, `${plugin.name} framing (${dir}): ${what}; resynchronising`),
            ...(this.dissector?.resync ? { resync: (bytes: Uint8Array) => this.dissector!.resync!(dir, bytes) } : {}),
            ...(this.dissector?.framingFor ? { framingFor: () => this.dissector?.framingFor?.(dir) } : {}),
          });
        }
      }
    });
  }

  /**
   * An inner dissector for the connection's dissector (Kafka inside decrypted TLS): framed like
   * an outer one, its reports tagged with its name, its failures kept to itself.
   */
  private openInner(name: string): InnerStream | null {
    const plugin = this.registry.get(name);
    if (!plugin || plugin.layer !== "stream" || !plugin.open || this.identifyOnly) return null;
    const outer = this.plugin?.name ?? "dissector";
    const ctx: StreamContext = {
      ...this.sharedContext(),
      emit: (pdu) => this.hooks.pdu(this.conn, pdu, name),
      exchange: (ex) => this.hooks.exchange(this.conn, ex, name),
    };
    const failed = (err: unknown): void =>
      this.hooks.note(this.conn, "error", this.lastPacket, `${name} (inside ${outer}) failed on this connection: ${message(err)}`);
    let dissector: StreamDissector;
    try {
      dissector = plugin.open(ctx);
    } catch (err) {
      failed(err);
      return null;
    }
    const framingNote = (dir: Dir, packet: number, what: string): void =>
      this.hooks.note(this.conn, "warning", packet, `${name} framing inside ${outer} (${dir}): ${what}; resynchronising`);
    return new InnerSink(plugin, dissector, failed, framingNote);
  }

  private deliver(tracked: Dir, bytes: Uint8Array, at: PacketRef): void {
    const dir = this.flipped ? FLIP[tracked] : tracked;
    this.guard(() => {
      const framer = this.framers[dir];
      if (framer) framer.data(bytes, at);
      else this.dissector!.data?.(dir, bytes, at);
    });
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.state = "failed";
      const name = this.plugin?.name ?? "dissector";
      if (this.conn.malformed === null) this.conn.malformed = `${name}: ${message(err)}`;
      this.hooks.note(this.conn, "error", this.lastPacket, `${name} failed on this connection: ${message(err)}`);
      this.dissector = null;
    }
  }
}

/**
 * An inner dissector's stream (InnerStream): the outer dissector feeds it a record at a time, so
 * the path from data() to the framer and the dissector allocates nothing of its own.
 */
class InnerSink implements InnerStream {
  private dissector: StreamDissector | null;
  private readonly framers: Record<Dir, Framer | null> = { c2s: null, s2c: null };
  /**
   * The inner bytes must look like the protocol before it sees them (what the heuristic tells a
   * connection's dissector): TLS to a port not carrying Kafka is left as TLS. Held meanwhile.
   */
  private deciding: boolean;
  private held: HeldChunk[] = [];
  private readonly heldBytes: Record<Dir, number> = { c2s: 0, s2c: 0 };

  constructor(
    private readonly plugin: DissectorPlugin,
    dissector: StreamDissector,
    /** Reports a throw of the inner dissector; it is then dropped, the outer one goes on. */
    private readonly failed: (err: unknown) => void,
    framingNote: (dir: Dir, packet: number, what: string) => void,
  ) {
    this.dissector = dissector;
    this.deciding = plugin.detect !== undefined;
    if (plugin.framing) {
      for (const dir of ["c2s", "s2c"] as const) {
        this.framers[dir] = new Framer(plugin.framing, dir, {
          pdu: (bytes, at, wireLength) => this.pdu(dir, bytes, at, wireLength),
          framingError: (_offset, packet, what) => framingNote(dir, packet, what),
          ...(dissector.resync ? { resync: (bytes: Uint8Array) => this.dissector?.resync?.(dir, bytes) ?? -1 } : {}),
          ...(dissector.framingFor ? { framingFor: () => this.dissector?.framingFor?.(dir) } : {}),
        });
      }
    }
  }

  data(dir: Dir, bytes: Uint8Array, at: PacketRef): void {
    if (!this.deciding) return this.feed(dir, bytes, at);
    if (!this.dissector) return;
    this.held.push({ dir, bytes: bytes.slice(), at: { ...at } });
    this.heldBytes[dir] += bytes.length;
    this.decide();
  }

  gap(dir: Dir, length: number, at: PacketRef): void {
    if (!this.dissector || this.deciding) return;
    try {
      this.framers[dir]?.gap(length, at);
      this.dissector.gap(dir, length, at);
    } catch (err) {
      this.fail(err);
    }
  }

  close(how: CloseInfo): void {
    if (!this.dissector) return;
    try {
      this.framers.c2s?.end();
      this.framers.s2c?.end();
      this.dissector?.close(how);
    } catch (err) {
      this.fail(err);
    }
    this.dissector = null;
  }

  private feed(dir: Dir, bytes: Uint8Array, at: PacketRef): void {
    const dissector = this.dissector;
    if (!dissector) return;
    try {
      const framer = this.framers[dir];
      if (framer) framer.data(bytes, at);
      else dissector.data?.(dir, bytes, at);
    } catch (err) {
      this.fail(err);
    }
  }

  /** A framed PDU, from inside feed()'s guard: a throw there is caught by feed(). */
  private pdu(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    this.dissector?.pdu?.(dir, bytes, at, wireLength);
  }

  private fail(err: unknown): void {
    if (!this.dissector) return;
    this.dissector = null;
    this.failed(err);
  }

  private decide(): void {
    let waiting = false;
    for (const d of ["c2s", "s2c"] as const) {
      if (this.heldBytes[d] === 0) continue;
      const head = concatChunks(this.held.filter((c) => c.dir === d).map((c) => c.bytes), this.heldBytes[d]);
      let answer: string;
      try {
        answer = this.plugin.detect!(head, d);
      } catch {
        answer = "no";
      }
      if (answer === "yes" || answer === "client") {
        this.deciding = false;
        for (const c of this.held.splice(0)) this.feed(c.dir, c.bytes, c.at);
        return;
      }
      if (answer === "more") waiting = true;
    }
    // The client's first bytes decide; the server's alone may not (a response is no request).
    if ((!waiting && this.heldBytes.c2s > 0) || this.heldBytes.c2s + this.heldBytes.s2c >= HEURISTIC_HEAD_LIMIT) {
      this.deciding = false;
      this.dissector = null;
      this.held = [];
    }
  }
}

function concatChunks(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The first line of what was thrown, whatever it is (a Symbol, an object whose toString throws). */
function message(err: unknown): string {
  let text: string;
  try {
    text = String(err instanceof Error ? err.message : err);
  } catch {
    text = "a value that cannot be shown was thrown";
  }
  return text.split("\n")[0]!.slice(0, 200);
}
