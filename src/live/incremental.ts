/**
 * Findings as they happen: the rules re-run over what the pass holds so far (a snapshot of the
 * model), and a finding is printed once, as soon as nothing later in the capture can change its
 * verdict — never earlier, so a live line is never contradicted by the end of the capture.
 *
 * When is a verdict settled? Each finding concerns one connection (or the whole capture):
 *  - whole capture (scope capture, pair) and windowed rules (bursts: reconnect storms) depend on
 *    everything still to come: printed at the end only;
 *  - a connection's end (scope end, the causes): once the connection is closed (FIN or RST) and the
 *    cause wins with high confidence — later packets (the client's reconnect, other connections on
 *    the path) can add evidence to it but not overturn it (a high cause leads its runner-up by
 *    3 points or more). Medium and low causes, and connections still open (silences, boundaries),
 *    wait for the end;
 *  - exchange and packet scope: at once (the pass stores an exchange when it is complete: answered,
 *    or its connection closed) when the rule reads nothing of its connection that still changes
 *    (only its addresses and ports); else like connection scope;
 *  - connection scope (counters: retransmissions, zero windows): once closed and quiet for a
 *    second (the closing handshake's last ACKs are part of its evidence).
 * A finding's identity is rule + connection + evidence packets: printed once, and at the end of
 * the capture every finding of the final evaluation not printed yet is printed. A printed finding
 * that the final evaluation does not confirm (same identity, severity and confidence) is counted
 * in `revised`, which kdiag watch reports.
 *
 * Each re-run evaluates only what can still print and has changed (see step()), and builds the
 * facts of those connections alone: the per-connection walk over the packets is kept between
 * re-runs and advanced over the new packets (src/facts/packet-stats.ts), each connection's end
 * shape is described again only when it had new packets, and a connection's cause is evaluated
 * again only when it had new packets — or in a full round, every FULL_ROUND_EVERY re-runs, since
 * what other connections on its path or server do (path.*, reconnects, closes together) can still
 * raise its confidence; a connection about to leave the detail window is evaluated in the step
 * before it leaves. The Kafka summaries, protocols and login summaries per connection are kept
 * and advanced over the new messages; the re-run looks at the window's connections and the new
 * exchanges only. The aggregates per path and per server are still gathered over every
 * connection held (the window's and the compact rows'; the folded ones are counted in their
 * aggregates, capture.folded), once per re-run (a few operations per connection): the conn.*
 * and end.* aggregates walk capture.connectionsHeld, not every id ever seen. kdiag watch paces the re-runs
 * so that a finding prints within about a second of its evidence (src/cli/watch.ts); bench: the
 * live-mode section.
 */

import type { AnalysedCapture, PacketByteSource, StoredExchange } from "../model/analysed-capture.js";
import type { PassSoFar } from "../model/analyse.js";
import type { CaptureSummary } from "../capture/types.js";
import type { Connection } from "../tcp/types.js";
import { evaluateRules, type Finding } from "../rules/evaluate.js";
import { ConnectionPacketScan, useConnectionPacketScan } from "../facts/packet-stats.js";
import { liveEndOf } from "../facts/end-shape.js";
import { LiveAuthSummaries, useLiveAuthSummaries } from "../facts/auth-per-connection.js";
import { exchangeOrder, LiveKafkaSummaries, useLiveKafkaSummaries } from "../facts/kafka-per-connection.js";
import { LiveProtocols, useLiveProtocols } from "../facts/protocols-per-connection.js";
import { RetiredRows, type RetiredConnection } from "./retired-rows.js";
import { LeftIds } from "./left-ids.js";
import { FoldedConnections } from "./folded.js";
import { endShare } from "../rules/end-facts.js";
import { connShare } from "../facts/build.js";
import type { CompiledRule } from "../rules/rule.js";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

/** Connection facts that never change once the connection exists. */
const STABLE_CONN_FACTS = new Set(["id", "client_addr", "client_port", "server_addr", "server_port"]);
/** Quiet time after a close before a connection's counters count as final. */
const QUIET_US = 1_000_000;
/**
 * Every this many re-runs, the causes of every unsettled connection are evaluated again (a full
 * round), not only those of connections with new packets.
 */
export const FULL_ROUND_EVERY = 5;
/**
 * End facts that later connections keep changing without bound (attempts refused or answered
 * after this end, the server's closes at other times, its idle closes as a cluster): a cause
 * that reads one, in its condition, signals or texts, waits for the end of the capture.
 * (end.reconnected and path.idle_* also change later, but only add evidence to the causes that
 * read them; to_capture_end_ms and silences concern connections still open, which wait anyway.)
 */
const UNBOUNDED_FUTURE = /\bend\.(later_connects_refused|later_connects_answered|server_busy_closes_apart|servers_closes_together|idle_close_in_cluster)\b|\bpath\.broker_idle_close_/;

/** A finding's identity: the same event reported twice has the same key. */
export function findingKey(f: Finding): string {
  return `${f.rule}|${f.evidence.connection ?? ""}|${f.evidence.packets.join(",")}`;
}

/** The model as the pass holds it now, shaped as the analysed capture the rules read. */
export function snapshotCapture(file: string, so: PassSoFar, bytes: PacketByteSource, format: CaptureSummary["format"] = null): AnalysedCapture {
  const summary: CaptureSummary = { format, gzip: false, frames: so.packets.count, interfaces: [], bytes: 0, problems: [] };
  const snap: Omit<AnalysedCapture, "exchanges"> = {
    file,
    summary,
    packets: so.packets,
    connections: so.connections,
    connectionsHeld: so.connectionsHeld,
    pdus: so.pdus as AnalysedCapture["pdus"],
    notes: [...so.notes],
    decode: so.decode,
    bytes,
  };
  // The pass appends exchanges as they complete; the model lists them by their request. Sorted
  // on first read only: a re-run given the pass's list (LiveFindings.step) reads what is new from
  // its kept summaries and never asks for the whole sorted list (the sort was 4% of a re-run).
  let exchanges: StoredExchange[] | null = null;
  return Object.defineProperty(snap, "exchanges", {
    enumerable: true,
    get: () => (exchanges ??= [...so.exchanges].sort((a, b) => exchangeOrder(a) - exchangeOrder(b))),
  }) as AnalysedCapture;
}

export class LiveFindings {
  /**
   * Printed findings by key, while their connection is in the window (or for the whole capture):
   * a connection that left is never evaluated again, so its keys go with it.
   */
  private readonly printed = new Map<string, Finding>();
  /** The keys printed per connection, to let them go when it leaves. */
  private readonly printedOf = new Map<number, string[]>();
  private printedCount = 0;
  private readonly byId = new Map<string, CompiledRule>();
  /** Rules whose texts read a connection fact that changes while the connection lives. */
  private readonly readsLiveConn = new Set<string>();
  /** Causes that read what later connections change without bound: printed at the end. */
  private readonly endOnly = new Set<string>();
  /** Printed findings the final evaluation did not confirm. */
  readonly revised: Array<{ printed: Finding; final: Finding | null }> = [];
  evaluations = 0;
  evaluationMs = 0;
  /** CPU time of the evaluations (user + system), ms: wall time on a loaded machine says little. */
  evaluationCpuMs = 0;
  /** What step() evaluates: every rule whose findings can print before the end, but the exchange rules in liveExchangeRules. */
  private readonly stepRules: CompiledRule[];
  /** Exchange rules reading connection counters that change while it lives. */
  private readonly liveExchangeRules: CompiledRule[];
  /** Items evaluated in their settled state: nothing left for step() to find there. */
  private readonly exchangeDone = new WeakSet<StoredExchange>();
  /** Connections in the window whose counters (connDone) or cause (endDone) were evaluated settled. */
  private readonly connDone = new Set<number>();
  private readonly endDone = new Set<number>();
  /** Connections whose detail left the window (src/live/window.ts): never evaluated again. */
  private readonly retired = new LeftIds();
  /** What stays of the connections that left, when retire() is given the capture (kdiag watch). */
  readonly rows = new RetiredRows();
  /**
   * The oldest rows past keepConnections, folded into per-server and per-path aggregates: the
   * facts read them through capture.folded (src/live/folded.ts). A retired row's end facts counted
   * a Kafka connection by its dissector (its exchanges were gone): so does its fold.
   */
  readonly folded = new FoldedConnections((c, e) => endShare(c, e, c.dissector === "kafka"), connShare);
  /** Findings not printed yet, by connection, as last evaluated: printed when it leaves the window. */
  private pending = new Map<number, Finding[]>();
  /** Per connection: its last packet when its cause was last evaluated (changed since = evaluate again). */
  private readonly endSeenAt = new Map<number, number>();
  /** The walk over the packets, per connection, kept between re-runs. */
  private readonly scan = new ConnectionPacketScan(true);
  /** The login summaries per connection, advanced over the new messages only (given the pass's own exchange list). */
  private readonly auth = new LiveAuthSummaries();
  /** The Kafka summaries per connection, and the window's exchanges per connection, advanced over the new exchanges only. */
  private readonly kafka = new LiveKafkaSummaries();
  /** The protocols per connection (conn.protocols), advanced over the new messages only. */
  private readonly protocols = new LiveProtocols();
  /** The pass's exchanges in the order it appended them (the snapshot's are sorted), as step() was last given. */
  private appendedExchanges: readonly StoredExchange[] | null = null;
  /** Connections whose cause the last step evaluated (what they leave the window with is that verdict). */
  private lastEnds = new Set<number>();

  constructor(
    private readonly rules: readonly CompiledRule[],
    /** Called once per finding, when it is settled (`live`) or at the end. */
    private readonly emit: (f: Finding, live: boolean) => void,
    /** Silence after which an open connection counts as settled (its detail window lets it go); never by default. */
    private readonly letGoUs = Infinity,
    /** Rows kept (connections that left the window) before the oldest are folded (fold()). */
    readonly keepConnections = Infinity,
  ) {
    for (const r of rules) {
      this.byId.set(r.id, r);
      for (const m of ruleTexts(r).matchAll(/\bconn\.([a-z_0-9]+)/g)) if (!STABLE_CONN_FACTS.has(m[1]!)) this.readsLiveConn.add(r.id);
      if (r.scope === "end" && UNBOUNDED_FUTURE.test(`${ruleTexts(r)}\n${signalTexts(r)}`)) this.endOnly.add(r.id);
    }
    // Causes compete, so every cause runs; the rest only where a finding can print before the end
    // (aggregates, scope group, span connections and print at the end: building their rows each
    // step was half of a step on the benchmark capture: 1.15 s -> 0.55 s an evaluation).
    const early = rules.filter((r) => r.enabled && r.window === null && r.scope !== "capture" && r.scope !== "pair" && r.scope !== "group");
    this.liveExchangeRules = early.filter((r) => r.scope === "exchange" && this.readsLiveConn.has(r.id));
    this.stepRules = early.filter((r) => !this.liveExchangeRules.includes(r));
  }

  get count(): number {
    return this.printedCount;
  }

  /**
   * Mid-capture: evaluate the snapshot, emit what is settled. `nowUs`: the capture's present (the
   * last packet's time; in a live capture the clock, when later: quiet is quiet). Returns how
   * many findings were emitted.
   *
   * Only what can still print is evaluated, among the connections still in the window: no
   * windowed, capture or pair rule (printed at the end); exchange rules that read only stable
   * facts once per exchange (the exchanges new since the last step); those reading live
   * connection counters (and connection rules) once the connection is quiet; causes of closed
   * connections with new packets (all of them in a full round). Facts are built for those alone;
   * what they read of every connection (paths, servers, reconnects) is gathered once per step.
   */
  step(
    capture: AnalysedCapture,
    swapped: ReadonlySet<number>,
    nowUs: number,
    leaving?: (c: Connection) => boolean,
    /** The pass's exchange list as it appends to it: the login summaries then advance over the new messages only. */
    appendedExchanges?: readonly StoredExchange[],
  ): number {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const conns = capture.connections;
    // Exchanges new since the last step, in the snapshot's order: with the pass's own list, from
    // its end (no walk over what the window holds); without it (the TUI), by a walk that skips the
    // exchanges evaluated already.
    let fresh: StoredExchange[] | null = null;
    if (appendedExchanges) {
      this.appendedExchanges = appendedExchanges;
      this.auth.advance(capture.pdus, appendedExchanges);
      useLiveAuthSummaries(capture, this.auth);
      this.protocols.advance(capture.pdus, appendedExchanges);
      useLiveProtocols(capture, this.protocols);
      fresh = this.kafka.advance(appendedExchanges);
      useLiveKafkaSummaries(capture, this.kafka);
    }
    const quiet = (id: number): boolean => {
      const c = conns[id];
      if (c === undefined) return false;
      // An open connection silent long enough to be let go (a window's letGoUs) is as settled as a closed one.
      return c.close.how !== "open" ? nowUs - c.endUs >= QUIET_US : nowUs - c.endUs >= this.letGoUs;
    };
    const exchangesDone: StoredExchange[] = [];
    useConnectionPacketScan(capture, this.scan);
    const full = this.evaluations % FULL_ROUND_EVERY === 0;
    const endNow = new Set<number>();
    // The connections in the window: those that left are never evaluated again, so a re-run
    // looks at these only, however many left before.
    this.retired.see(conns.length);
    const ids = this.retired.stillHeld();
    for (const id of ids) {
      const c = conns[id]!;
      if (this.endDone.has(c.id)) continue;
      const goes = leaving !== undefined && this.connDone.has(c.id) && leaving(c);
      // An open connection's cause prints at the end, or as it leaves the window (silent for
      // --let-go): evaluating it before then finds nothing printable (on a busy broker most
      // connections are open, and their causes were most of a re-run's rule work).
      if (c.close.how === "open" && !goes) continue;
      // A connection about to leave the window is evaluated against its neighbours as they are now.
      if (full || this.endSeenAt.get(c.id) !== c.lastPacket || goes) endNow.add(c.id);
    }
    this.lastEnds = endNow;
    const findings = this.stepRules.length === 0 ? [] : evaluateRules(this.stepRules, capture, {
      only: {
        ids,
        connection: (id) => !this.connDone.has(id) && quiet(id),
        end: (id) => endNow.has(id),
        // An exchange is stored complete (answered, or closed unanswered): once is enough.
        ...(fresh ? { exchanges: fresh } : {
          exchange: (e: StoredExchange) => {
            if (this.exchangeDone.has(e)) return false;
            exchangesDone.push(e);
            return true;
          },
        }),
      },
    });
    // Exchange rules that read live connection counters: once per connection, when it is quiet.
    const newlyQuiet = new Set<number>();
    for (const id of ids) if (!this.connDone.has(id) && quiet(id)) newlyQuiet.add(id);
    if (this.liveExchangeRules.length > 0 && newlyQuiet.size > 0) {
      // Their exchanges from the kept lists when there are (not a walk over every exchange held).
      const theirs = fresh ? [...newlyQuiet].flatMap((id) => this.kafka.exchangesOf(id)).sort((a, b) => exchangeOrder(a) - exchangeOrder(b)) : undefined;
      findings.push(...evaluateRules(this.liveExchangeRules, capture, { only: { ids, connection: () => false, end: () => false, ...(theirs ? { exchanges: theirs } : { exchange: (e: StoredExchange) => newlyQuiet.has(e.connId) }) } }));
    }
    // Marked after the evaluation: an item is skipped from the next step on.
    for (const e of exchangesDone) this.exchangeDone.add(e);
    for (const id of newlyQuiet) this.connDone.add(id);
    for (const id of endNow) this.endSeenAt.set(id, conns[id]!.lastPacket);
    this.evaluations++;
    this.evaluationMs += performance.now() - started;
    const used = process.cpuUsage(cpu);
    this.evaluationCpuMs += (used.user + used.system) / 1000;
    let n = 0;
    // What was evaluated now replaces what was pending of it; the rest stays as it was.
    const pending = new Map<number, Finding[]>();
    for (const [id, fs] of this.pending) {
      const kept = fs.filter((f) => !this.printed.has(findingKey(f)) && !(f.scope === "end" ? endNow.has(id) : f.scope === "connection" || f.scope === "exchange" ? newlyQuiet.has(id) : false));
      if (kept.length > 0) pending.set(id, kept);
    }
    for (const f of ordered(findings)) {
      const key = findingKey(f);
      if (this.printed.has(key)) continue;
      if (!this.settled(f, capture, swapped, nowUs)) {
        const id = f.evidence.connection;
        if (id !== undefined) pending.set(id, [...(pending.get(id) ?? []), f]);
        continue;
      }
      this.markPrinted(key, f);
      if (f.scope === "end" && f.evidence.connection !== undefined) this.endDone.add(f.evidence.connection);
      this.emit(f, true);
      n++;
    }
    this.pending = pending;
    return n;
  }

  /**
   * Whether a connection was evaluated in its final state (closed, quiet, its counters and
   * exchanges seen by the rules): its detail may then leave the window.
   */
  evaluatedFinal(id: number): boolean {
    // Its cause evaluated by the last step (or printed); a cause that waits for what later
    // connections bring (a broker gone, refused reconnects) keeps its detail.
    return this.connDone.has(id) && (this.endDone.has(id) || this.lastEnds.has(id)) && !(this.pending.get(id) ?? []).some((f) => this.endOnly.has(f.rule));
  }

  /**
   * Connections whose detail leaves the window: what the last evaluation found on them and did
   * not print yet (causes of less than high confidence) is printed now, as their final word, and
   * they are left out of every later evaluation (the end of the capture's included). Returns how
   * many findings were emitted.
   */
  retire(ids: readonly number[], capture?: AnalysedCapture): number {
    let n = 0;
    // With the capture (kdiag watch), each connection is kept as a compact row (its record, end
    // shape and counters: src/live/retired-rows.ts) that stands in for its objects from now on.
    if (capture) {
      for (const id of ids) {
        const c = capture.connections[id]!;
        if (!this.rows.has(id)) this.rows.keep(c, liveEndOf(capture, this.scan, c), this.scan.stats.at(id)!);
      }
    }
    this.scan.forget(ids, capture ? this.rows : undefined);
    // The window took their messages out of the lists the kept summaries follow.
    if (capture && this.appendedExchanges) {
      this.auth.forget(ids, capture.pdus, this.appendedExchanges);
      this.kafka.forget(ids, this.appendedExchanges);
      this.protocols.forget(ids, capture.pdus, this.appendedExchanges);
    }
    for (const id of ids) {
      this.retired.add(id);
      this.connDone.delete(id);
      this.endDone.delete(id);
      this.endSeenAt.delete(id);
      const now = new Set<string>();
      for (const f of this.pending.get(id) ?? []) {
        const key = findingKey(f);
        if (this.printed.has(key) || now.has(key)) continue;
        now.add(key);
        this.printedCount++;
        this.emit(f, true);
        n++;
      }
      this.pending.delete(id);
      // What was printed of it is not looked up again: the end's check skips retired connections.
      for (const key of this.printedOf.get(id) ?? []) this.printed.delete(key);
      this.printedOf.delete(id);
    }
    return n;
  }

  /**
   * Folds the oldest rows past keepConnections into `folded`; returns their ids. The caller drops
   * their records from the pass's list (PassSoFar.fold), after it replaced them by their views.
   */
  fold(): number[] {
    if (this.rows.size <= this.keepConnections) return [];
    const ids = this.rows.foldOldest(this.keepConnections, this.folded);
    this.scan.fold(ids);
    return ids;
  }

  /** What stands in for a retired connection's record (its row's view), for the pass's list. */
  retiredView(id: number): RetiredConnection | undefined {
    return this.rows.view(id);
  }

  /**
   * The packet index dropped its rows before `base` (the window moved): the per-connection packet
   * lists keep their packets from there on.
   */
  trimBefore(base: number): void {
    this.scan.trimBefore(base);
  }

  /** The scan kept between re-runs: the end of the capture's evaluation reads it too (its lists cover what the index still holds). */
  get packetScan(): ConnectionPacketScan {
    return this.scan;
  }

  /** End of the capture: the final findings not printed yet, and the check of those printed. */
  finish(all: readonly Finding[]): number {
    // A connection whose detail left the window had its last word then; the end's evaluation no longer sees its messages.
    const final = all.filter((f) => f.evidence.connection === undefined || !this.retired.has(f.evidence.connection));
    const finalByKey = new Map(final.map((f) => [findingKey(f), f]));
    for (const [key, p] of this.printed) {
      if (p.evidence.connection !== undefined && this.retired.has(p.evidence.connection)) continue;
      const f = finalByKey.get(key);
      if (!f || f.severity !== p.severity || f.confidence !== p.confidence) this.revised.push({ printed: p, final: f ?? null });
    }
    let n = 0;
    for (const f of ordered(final)) {
      const key = findingKey(f);
      if (this.printed.has(key)) continue;
      this.markPrinted(key, f);
      this.emit(f, false);
      n++;
    }
    return n;
  }

  private markPrinted(key: string, f: Finding): void {
    this.printed.set(key, f);
    this.printedCount++;
    const id = f.evidence.connection;
    if (id === undefined) return;
    const keys = this.printedOf.get(id);
    if (keys) keys.push(key);
    else this.printedOf.set(id, [key]);
  }

  private settled(f: Finding, capture: AnalysedCapture, swapped: ReadonlySet<number>, nowUs: number): boolean {
    const rule = this.byId.get(f.rule);
    if (!rule || rule.window !== null) return false;
    if (f.scope === "capture" || f.scope === "pair") return false;
    const id = f.evidence.connection;
    // Roles a dissector turned round are applied at the end of the pass only.
    if (id === undefined || swapped.has(id)) return false;
    const c = capture.connections[id];
    if (!c) return false;
    const closed = c.close.how !== "open";
    const quiet = closed && nowUs - c.endUs >= QUIET_US;
    switch (f.scope) {
      case "end":
        return closed && f.confidence === "high" && !this.endOnly.has(f.rule);
      case "exchange":
      case "packet":
        // An exchange is stored complete; only the connection's counters may still change.
        return !this.readsLiveConn.has(f.rule) || quiet;
      case "connection":
        return quiet;
      default:
        return false;
    }
  }
}

/** Findings in capture order (their event time), so live lines come out as the events happened. */
function ordered(findings: readonly Finding[]): Finding[] {
  const t = (f: Finding) => f.time ?? f.evidence.times[f.evidence.times.length - 1] ?? 0;
  return [...findings].sort((a, b) => t(a) - t(b));
}

/** The texts of a rule that read facts: condition, signals are compiled away, output and advice. */
function ruleTexts(rule: CompiledRule): string {
  const parts = [...rule.program.output.parts, ...(rule.program.advice?.parts ?? [])];
  return [rule.condition, ...parts.map((p) => ("expr" in p ? p.expr : ""))].join("\n");
}

/**
 * The texts of a cause's signals (the compiled rule keeps only their programs): read back from
 * its rule file, with the file's macros, since a signal may name one. An unreadable file gives
 * "" (its rule then counts as reading nothing unbounded: the final check still reports a revision).
 */
const fileTexts = new Map<string, { rules: Map<string, string>; macros: string }>();
function signalTexts(rule: CompiledRule): string {
  let t = fileTexts.get(rule.file);
  if (!t) {
    t = { rules: new Map(), macros: "" };
    try {
      for (const doc of parseAllDocuments(readFileSync(rule.file, "utf8"))) {
        const items = doc.toJS() as unknown;
        if (!Array.isArray(items)) continue;
        for (const it of items as Array<Record<string, unknown>>) {
          if (typeof it?.["macro"] === "string") t.macros += `\n${String(it["condition"] ?? "")}`;
          if (typeof it?.["rule"] === "string" && Array.isArray(it["signals"])) {
            t.rules.set(it["rule"], (it["signals"] as Array<Record<string, unknown>>).map((sg) => `${String(sg?.["when"] ?? "")}\n${String(sg?.["says"] ?? "")}`).join("\n"));
          }
        }
      }
    } catch {
      // unreadable or not YAML: the loader already said so
    }
    fileTexts.set(rule.file, t);
  }
  const own = t.rules.get(rule.id) ?? "";
  return own === "" ? "" : `${own}\n${t.macros}`;
}
