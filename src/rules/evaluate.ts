/**
 * Runs compiled rules over an analysed capture: one pass per scope over the model, every rule of
 * that scope evaluated on each item (programs are compiled once at load time). A condition that
 * reads an absent fact does not match (as a Wireshark filter on a missing field) and is counted,
 * not thrown.
 */

import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import type { Connection } from "../tcp/types.js";
import {
  buildCaptureFacts,
  buildConnectionFacts,
  connectionFactsBuilder,
  exchangeFactsBuilder,
  snapshotFacts,
  type Facts,
} from "../facts/build.js";
import { forEachPacketFacts, readsOf } from "../facts/packet-item.js";
import { protocolLabel, type Scope } from "../facts/schema.js";
import { buildEndFacts, endFactsOf, endMatters } from "./end-facts.js";
import { liveKafkaSummaries } from "../facts/kafka-per-connection.js";
import { buildPairItems, otherSideFacts } from "./pair.js";
import type { CompiledException, CompiledRule, CompiledTemplate, Program } from "./rule.js";
import type { QuickProgram } from "./quick-reject.js";
import type { Severity } from "./schema.js";
import { renderValue } from "./template.js";
import { findBursts, type Timed } from "./window.js";
import { buildGroupItems, groupEvidence } from "../facts/aggregate.js";

export interface Finding {
  rule: string;
  title: string;
  severity: Severity;
  scope: Scope;
  /** When the event happened (seconds since the epoch): the FIN/RST, the response, the burst's last item. */
  time?: number;
  /** Scope "end" only: how well the evidence separates this cause from the runners-up. */
  confidence?: "high" | "medium" | "low";
  /** The output template filled in. Raw: text from the capture is sanitised by printers. */
  message: string;
  advice: string | null;
  evidence: {
    connection?: number;
    /** Packet numbers that show the problem, ascending. */
    packets: number[];
    /** Their capture times, seconds since the epoch. */
    times: number[];
    details?: Record<string, unknown>;
  };
  tags: string[];
}

export interface RuleStats {
  evaluated: number;
  matched: number;
  /** Items skipped because the condition read a fact they do not have. */
  absent: number;
  /** Other evaluation errors (division by zero, overflow...), with the first message. */
  failed: number;
  firstError?: string;
  /** Findings not returned because of maxFindingsPerRule. */
  dropped: number;
  /** Milliseconds spent evaluating the rule's condition and signals. */
  ms: number;
  /** Set when the rule used up its time budget: it was not evaluated on the items after this many. */
  stoppedAfter?: number;
}

/**
 * Evaluation time one rule may take over a whole capture. Each evaluation is bounded (linear
 * regexes, no nested comprehensions over capture lists), but a rule that is merely slow on
 * millions of items is stopped, said, and the other rules go on.
 */
export const RULE_TIME_BUDGET_MS = 30_000;

export interface EvaluateOptions {
  /** For pair-scope rules: the same traffic captured at both ends. Without it, pair rules do not run. */
  pair?: { clientSide: AnalysedCapture; serverSide: AnalysedCapture };
  /** Caps findings per rule (default 1000); the rest are counted in stats. */
  maxFindingsPerRule?: number;
  /** Filled with per-rule counters when given. */
  stats?: Record<string, RuleStats>;
  /** Evaluation time per rule over the capture (default RULE_TIME_BUDGET_MS). */
  timeBudgetMs?: number;
  /**
   * Only these items (kdiag watch re-evaluating a growing capture skips what is settled); facts
   * are still built over the whole capture. Absent: every item.
   */
  only?: {
    connection?: (id: number) => boolean;
    exchange?: (e: StoredExchange) => boolean;
    end?: (id: number) => boolean;
    /** The exchanges to evaluate, listed (instead of a walk over all with `exchange`). */
    exchanges?: readonly StoredExchange[];
    /** The connections that may be evaluated, ascending (a live re-run's window): the others are not looked at. */
    ids?: readonly number[];
  };
}

/** One item of a scope: its facts and where it is in the capture. */
interface Item {
  facts: Facts;
  timeUs: number;
  connection?: number;
  packets: number[];
  times: number[];
  details?: Record<string, unknown>;
  /** The finding's time when it is not the last evidence packet's (group findings: the worst item). */
  time?: number;
}

export function evaluateRules(rules: readonly CompiledRule[], capture: AnalysedCapture, opts: EvaluateOptions = {}): Finding[] {
  // A condition reading an absent fact throws inside cel-js; without stack capture a throw costs
  // well under a microsecond instead of several (measured), and absent facts are common.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return evaluate(rules, capture, opts);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A packet's time when the index holds its row (a live index drops old rows), else undefined. */
function heldTime(capture: AnalysedCapture, frame: number): number | undefined {
  const t = capture.packets.tsAt(frame - 1);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * An evidence packet's time: from the index, or, for a packet whose row left a live index, from
 * what its connection remembers of its landmarks (first and last packet, close, the end of the
 * longest silence); 0 when neither knows.
 */
function packetTime(capture: AnalysedCapture, frame: number, connId?: number): number {
  const t = heldTime(capture, frame);
  if (t !== undefined) return t;
  const c = connId === undefined ? undefined : capture.connections[connId];
  if (!c) return 0;
  if (frame === c.firstPacket || frame === c.synPacket) return c.startUs;
  if (frame === c.close.packet) return c.close.tsUs;
  if (frame === c.lastPacket) return c.endUs;
  if (frame === c.longestIdleEndPacket) return c.longestIdleEndUs;
  return 0;
}

function evaluate(rules: readonly CompiledRule[], capture: AnalysedCapture, opts: EvaluateOptions): Finding[] {
  const active = rules.filter((r) => r.enabled);
  const byScope = (s: Scope): CompiledRule[] => active.filter((r) => r.scope === s);
  const stats = opts.stats ?? {};
  for (const r of active) stats[r.id] ??= { evaluated: 0, matched: 0, absent: 0, failed: 0, dropped: 0, ms: 0 };
  const run = new Runner(stats, opts.maxFindingsPerRule ?? 1000, opts.timeBudgetMs ?? RULE_TIME_BUDGET_MS);
  const tsOf = (frame: number, connId?: number): number => packetTime(capture, frame, connId);
  const itemAt = (frames: number[], base: Omit<Item, "packets" | "times">): Item => {
    const packets = [...new Set(frames.filter((f) => f > 0))].sort((a, b) => a - b);
    return { ...base, packets, times: packets.map((f) => tsOf(f, base.connection) / 1e6) };
  };
  // A rule's `at:` packet (a frame the capture has): in the evidence, and the finding's time.
  // A live index may have dropped its row: the packet is still evidence (the finding's identity
  // must not change as the window moves on), its time is then what the connection remembers.
  const eventAt = (frame: number, item: Item): Item => {
    if (frame < 1 || frame > capture.packets.count) return item;
    const { packets: _p, times: _t, ...base } = item;
    const withFrame = itemAt([...item.packets, frame], base);
    const t = tsOf(frame, item.connection);
    return t > 0 ? { ...withFrame, time: t / 1e6 } : withFrame;
  };

  // With `only` (a live evaluation), the items are chosen first and the facts built for their
  // connections alone; packet and group rules read every connection.
  const only = opts.only;
  const selectedExchanges = only?.exchanges ?? (only?.exchange ? capture.exchanges.filter(only.exchange) : capture.exchanges);
  // The connections the connection and end rules look at: a live re-run's window, or all.
  // (A connection a live capture folded is a hole in the list: skipped below.)
  const candidates: Iterable<Connection | undefined> = only?.ids ? only.ids.map((id) => capture.connections[id]) : capture.connections;
  let need: ((id: number) => boolean) | undefined;
  let needIds: number[] | undefined;
  const lazyExchangeContext = only?.ids !== undefined && liveKafkaSummaries(capture) !== undefined;
  if (only && !active.some((r) => r.scope === "packet" || r.scope === "group")) {
    const ids = new Set<number>();
    for (const c of candidates) {
      // A hole: a connection a live capture folded into its aggregates.
      if (c && ((!only.connection || only.connection(c.id)) || (!only.end || only.end(c.id)))) ids.add(c.id);
    }
    // A live re-run with kept summaries builds an exchange's conn.* and path.* when a rule reads
    // them (most decide on exchange.* alone), not for every connection with a new exchange.
    if (!lazyExchangeContext) for (const e of selectedExchanges) ids.add(e.connId);
    need = (id) => ids.has(id);
    if (only.ids) needIds = [...ids].sort((a, b) => a - b);
  }
  const needConn = active.some((r) => r.scope !== "capture" && r.scope !== "pair");
  const conns = needConn ? buildConnectionFacts(capture, need, needIds) : [];
  const needEnds = active.some((r) => r.scope === "end" || r.scope === "exchange");
  const ends = needEnds ? buildEndFacts(capture, need, needIds) : [];

  const packetRules = byScope("packet");
  if (packetRules.length > 0) {
    forEachPacketFacts(capture, conns, (frame, facts) => {
      const connId = capture.packets.connId[frame - 1 - capture.packets.base]!;
      run.item(packetRules, () =>
        itemAt([frame], { facts, timeUs: tsOf(frame), ...(connId >= 0 ? { connection: connId } : {}) }), facts);
    }, readsOf(packetRules.map(ruleTexts)));
  }

  const connRules = byScope("connection");
  if (connRules.length > 0) {
    for (const c of candidates) {
      // A hole: a connection a live capture folded into its aggregates.
      if (!c || (opts.only?.connection && !opts.only.connection(c.id))) continue;
      const facts: Facts = { conn: conns[c.id]! };
      const key = [c.synPacket, c.firstPacket, c.longestIdleEndPacket, c.close.packet, c.lastPacket];
      // A connection whose login failed (TLS alert, SASL error, a handshake or login that never
      // finished): its findings show the packets of that failure, at its time.
      const failure = authFailure(conns[c.id]!);
      if (failure) key.push(...failure.frames);
      run.item(connRules, () =>
        itemAt(key, {
          facts,
          timeUs: failure ? (heldTime(capture, failure.at) ?? c.startUs) : c.startUs,
          connection: c.id,
          details: { client: `${c.client.addr}:${c.client.port}`, server: `${c.server.addr}:${c.server.port}` },
        }), facts, eventAt);
    }
  }

  const exchangeRules = byScope("exchange");
  if (exchangeRules.length > 0) {
    let factsOf: (e: StoredExchange) => Facts;
    if (lazyExchangeContext) {
      let connFactsOf: ((c: Connection) => Facts) | null = null;
      const connOf = (id: number): Facts | undefined => {
        const c = capture.connections[id];
        if (conns[id] !== undefined || !c) return conns[id];
        connFactsOf ??= connectionFactsBuilder(capture);
        return (conns[id] = connFactsOf(c));
      };
      const pathOf = (id: number): Facts | undefined => {
        const c = capture.connections[id];
        return ends[id]?.path ?? (c ? endFactsOf(capture).pathOf(c) : undefined);
      };
      factsOf = exchangeFactsBuilder(capture, connOf, pathOf);
    } else factsOf = exchangeFactsBuilder(capture, conns, (id) => ends[id]?.path);
    selectedExchanges.forEach((e) => {
      const facts = factsOf(e);
      run.item(exchangeRules, () => {
        const frames = [e.request?.first ?? 0, e.request?.last ?? 0, e.response?.first ?? 0, e.response?.last ?? 0];
        // A request without a response, then the connection closed: the FIN/RST is part of the story.
        const conn = capture.connections[e.connId];
        if (e.status !== "answered" && conn && conn.close.how !== "open" && e.request && conn.close.packet >= e.request.last) {
          frames.push(conn.close.packet);
        }
        return itemAt(frames, {
          facts,
          timeUs: (e.request ?? e.response)!.tsUs,
          connection: e.connId,
          details: { summary: e.summary, status: e.status },
        });
      }, facts, eventAt);
    });
  }

  const captureRules = byScope("capture");
  if (captureRules.length > 0) {
    const facts = buildCaptureFacts(capture);
    // Its evidence: the packets the capture facts name (capture.*_frame), e.g. the first copy.
    const frames = Object.entries(facts.capture as Facts).flatMap(([k, v]) => (k.endsWith("_frame") && typeof v === "bigint" ? [Number(v)] : []));
    run.item(captureRules, () => itemAt(frames, { facts, timeUs: capture.packets.count > 0 ? capture.packets.firstTsUs : 0 }), facts);
  }

  const endRules = byScope("end");
  if (endRules.length > 0) {
    // With a second capture (compare), what the broker side saw of each connection.
    const others = opts.pair ? otherSideFacts(opts.pair.clientSide, opts.pair.serverSide) : null;
    for (const c of candidates) {
      if (!c || (opts.only?.end && !opts.only.end(c.id))) continue;
      const ef = ends[c.id]!;
      if (!endMatters(ef.end)) continue;
      const facts: Facts = { end: ef.end, path: ef.path, conn: conns[c.id]!, other: others?.get(c.id) ?? {} };
      const opt = (k: string): number => (typeof ef.end[k] === "bigint" ? Number(ef.end[k]) : 0);
      run.causes(endRules, facts, () =>
        itemAt([c.synPacket, opt("trigger_frame"), opt("request_frame"), opt("frame"), opt("late_answer_frame"), opt("silent_frame")], {
          facts,
          timeUs: (ef.end.time as number) * 1e6,
          connection: c.id,
          details: { client: `${c.client.addr}:${c.client.port}`, server: `${c.server.addr}:${c.server.port}` },
        }));
    }
  }

  // Aggregates (facts/aggregate.ts): one item per group; the evidence depends on what the rule reads.
  const groupRules = byScope("group");
  if (groupRules.length > 0) {
    const factsOf = exchangeFactsBuilder(capture, conns);
    for (const g of buildGroupItems(capture, (i) => factsOf(capture.exchanges[i]!))) {
      for (const rule of groupRules) {
        run.item([rule], () => {
          const ev = groupEvidence(g, rule.condition);
          const item = itemAt(ev.packets, { facts: g.facts, timeUs: ev.timeUs ?? 0, details: { group: g.kind, key: g.key, evidence: ev.kinds, connections: ev.connections } });
          if (ev.connections.length === 1) item.connection = ev.connections[0]!;
          // The finding's time is the worst item's, not the last evidence packet's.
          if (ev.timeUs !== undefined) item.time = ev.timeUs / 1e6;
          return item;
        }, g.facts);
      }
    }
  }

  const pairRules = byScope("pair");
  if (pairRules.length > 0 && opts.pair) {
    for (const p of buildPairItems(opts.pair.clientSide, opts.pair.serverSide)) {
      const c = p.client;
      const cTs = (f: number): number => opts.pair!.clientSide.packets.tsUs[f - 1] ?? 0;
      const frames = c ? [...new Set([c.synPacket, c.close.packet].filter((f) => f > 0))].sort((a, b) => a - b) : [];
      run.item(pairRules, () => ({
        facts: p.facts,
        timeUs: (c ?? p.server)!.startUs,
        ...(c ? { connection: c.id } : {}),
        packets: frames,
        times: frames.map((f) => cTs(f) / 1e6),
        details: { server_side_connection: p.server?.id ?? null },
      }), p.facts);
    }
  }

  return run.finish();
}

/** Per-rule matching, exceptions, windows and findings. */
class Runner {
  private readonly findings: Finding[] = [];
  /** Windowed rules collect matches here until finish(). */
  private readonly windowed = new Map<CompiledRule, Map<string, Array<Timed<{ item: Item; facts: Facts }>>>>();
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly stats: Record<string, RuleStats>,
    private readonly maxPerRule: number,
    private readonly timeBudgetMs: number,
  ) {}

  /**
   * Whether a rule's condition holds on the item, counted in its stats: its stats when it does,
   * null when not or when the rule was stopped (too many findings, too slow).
   */
  private holds(rule: CompiledRule, facts: Facts): RuleStats | null {
    const st = this.stats[rule.id]!;
    if (st.stoppedAfter !== undefined) return null;
    st.evaluated++;
    facts.params = rule.program.paramValues;
    return this.matches(rule, facts, st) ? st : null;
  }

  /**
   * Evaluates `rules` on one item; `describe` builds its evidence only when something matched.
   * `at` gives a rule with `at:` its event's packet: the evidence with it, at its time.
   */
  item(rules: CompiledRule[], describe: () => Item, facts: Facts, at?: (frame: number, item: Item) => Item): void {
    let base: Item | null = null;
    for (const rule of rules) {
      const st = this.holds(rule, facts);
      if (!st) continue;
      st.matched++;
      base ??= describe();
      let item = base;
      const frame = at && rule.program.at ? this.value(rule.program.at, facts) : undefined;
      // An absent fact (no such event on this item) keeps the item's usual evidence and time.
      if (at && (typeof frame === "bigint" || typeof frame === "number") && Number(frame) > 0) item = at(Number(frame), base);
      if (rule.window) {
        const group = rule.program.groupBy ? this.value(rule.program.groupBy, facts) : "";
        let groups = this.windowed.get(rule);
        if (!groups) this.windowed.set(rule, (groups = new Map()));
        const key = group === undefined ? "?" : renderValue(group);
        const list = groups.get(key) ?? [];
        // The facts object is shared between rules: keep a copy of this rule's view of it.
        list.push({ timeUs: item.timeUs, item: { item, facts: snapshotFacts(facts) } });
        groups.set(key, list);
      } else {
        this.emit(rule, facts, item.packets, item.times, item.connection, item.details, undefined, item.time);
      }
    }
  }

  /**
   * Competing causes for one connection end: every rule whose condition holds is a hypothesis,
   * scored by its prior plus the weights of its signals that hold; the best one (above zero)
   * becomes the only finding, with its confidence and what speaks against the runners-up.
   */
  causes(rules: CompiledRule[], facts: Facts, describe: () => Item): void {
    // Signals' texts are rendered only for what the finding shows (the winner's support, what
    // speaks against the runners-up): most signals of most hypotheses are never printed.
    type Fired = { name: string; weight: number; says: CompiledTemplate | null; params: Record<string, unknown> };
    const scored: Array<{ rule: CompiledRule; score: number; fired: Fired[] }> = [];
    for (const rule of rules) {
      const st = this.holds(rule, facts);
      if (!st) continue;
      const started = performance.now();
      let score = rule.prior;
      const fired: Fired[] = [];
      for (const sig of rule.signals) {
        let on: unknown = false;
        try {
          on = sig.when(facts);
        } catch {
          on = false; // a signal reading an absent fact says nothing
        }
        if (on !== true) continue;
        score += sig.weight;
        fired.push({ name: sig.name, weight: sig.weight, says: sig.says, params: rule.program.paramValues });
      }
      this.charge(st, performance.now() - started);
      scored.push({ rule, score, fired });
    }
    if (scored.length === 0) return;
    // Stable: on a tie the cause defined first wins.
    const ranked = scored.map((s, i) => ({ ...s, i })).sort((a, b) => b.score - a.score || a.i - b.i);
    const best = ranked[0]!;
    if (best.score <= 0) return;
    const second = ranked[1];
    const margin = best.score - Math.max(0, second?.score ?? 0);
    const confidence = best.score >= 5 && margin >= 3 ? "high" : best.score >= 3 && margin >= 1.5 ? "medium" : "low";
    this.stats[best.rule.id]!.matched++;
    const item = describe();
    const say = (f: Fired): string | null => {
      if (!f.says) return null;
      facts.params = f.params;
      return this.render(f.says, facts);
    };
    const why = best.fired.filter((f) => f.weight > 0 && f.says).map((f) => say(f)!);
    const despite = best.fired.filter((f) => f.weight < 0 && f.says).map((f) => say(f)!);
    const against = ranked.slice(1).filter((r) => r.score > 0 || r.fired.some((f) => f.weight < 0)).slice(0, 3).map((r) => ({
      cause: r.rule.id,
      score: r.score,
      supported: r.fired.some((f) => f.weight > 0),
      against: r.fired.filter((f) => f.weight < 0 && f.says).map((f) => say(f)!),
    }));
    facts.params = best.rule.program.paramValues;
    const severity = confidence === "low" ? downgrade(best.rule.severity) : best.rule.severity;
    this.emit(best.rule, facts, item.packets, item.times, item.connection, {
      ...item.details,
      cause: best.rule.id,
      score: best.score,
      signals: best.fired.map((f) => {
        const text = f.weight > 0 ? say(f) : null;
        facts.params = best.rule.program.paramValues;
        return { signal: f.name, weight: f.weight, ...(text ? { says: text } : {}) };
      }),
      runners_up: against,
    }, { severity, confidence, time: item.timeUs / 1e6, why, despite, against });
  }

  /** Adds evaluation time to a rule; past its budget the rule is not evaluated any more. */
  private charge(st: RuleStats, ms: number): void {
    st.ms += ms;
    if (st.ms > this.timeBudgetMs && st.stoppedAfter === undefined) st.stoppedAfter = st.evaluated;
  }

  private matches(rule: CompiledRule, facts: Facts, st: RuleStats): boolean {
    // Most items fail on a quick test (src/rules/quick-reject.ts), in about 0.1 µs: timing those
    // (two clock reads, about 0.3 µs each here) would cost more than the test.
    const condition = rule.program.condition as QuickProgram<Program>;
    if (condition.quickNo?.(facts)) return false;
    let r: unknown;
    const started = performance.now();
    try {
      r = (condition.cel ?? condition)(facts);
    } catch (err) {
      this.countError(err, st);
      return false;
    } finally {
      this.charge(st, performance.now() - started);
    }
    if (r !== true) return false;
    for (const ex of rule.program.exceptions) if (exceptionMatches(ex, facts)) return false;
    return true;
  }

  private countError(err: unknown, st: RuleStats): void {
    const e = err as { code?: string; summary?: string; message?: string };
    if (e.code === "no_such_key" || e.code === "unknown_variable") st.absent++;
    else {
      st.failed++;
      st.firstError ??= e.summary ?? e.message ?? String(err);
    }
  }

  private value(p: (c: Record<string, unknown>) => unknown, facts: Facts): unknown {
    try {
      return p(facts);
    } catch {
      return undefined;
    }
  }

  private render(t: CompiledTemplate, facts: Facts): string {
    let out = "";
    for (const part of t.parts) out += "text" in part ? part.text : renderValue(this.value(part.program, facts));
    // Folded YAML scalars end with a newline the message should not carry.
    return out.trim();
  }

  private emit(
    rule: CompiledRule,
    facts: Facts,
    packets: number[],
    times: number[],
    connection: number | undefined,
    details: Record<string, unknown> | undefined,
    cause?: { severity: Severity; confidence: "high" | "medium" | "low"; time: number; why: string[]; despite: string[]; against: Array<{ cause: string; score: number; supported: boolean; against: string[] }> },
    time?: number,
  ): void {
    const n = this.counts.get(rule.id) ?? 0;
    if (n >= this.maxPerRule) {
      this.stats[rule.id]!.dropped++;
      return;
    }
    this.counts.set(rule.id, n + 1);
    let message = this.render(rule.program.output, facts);
    if (cause) {
      if (cause.why.length > 0) message += ` Evidence: ${cause.why.join("; ")}.`;
      if (cause.despite.length > 0) message += ` Against it: ${cause.despite.join("; ")}.`;
      const ruledOut = cause.against.filter((a) => a.against.length > 0).map((a) => `not ${a.cause} (${a.against.join("; ")})`);
      if (ruledOut.length > 0) message += ` Ruled out: ${ruledOut.join("; ")}.`;
      // A runner-up with support and nothing against it: say so rather than hide it.
      const open = cause.against.filter((a) => a.against.length === 0 && a.score > 0 && a.supported).map((a) => a.cause);
      if (open.length > 0) message += ` Also possible: ${open.join(", ")}.`;
      // Say what could not be seen: without Kafka decoding (TLS, another port) only TCP/IP spoke.
      // A connection that carried nothing (a refused SYN) had nothing to decode.
      const end = facts.end as Record<string, unknown> | undefined;
      const conn = facts.conn as Record<string, unknown> | undefined;
      const carried = conn?.payload_c2s !== 0n || conn?.payload_s2c !== 0n;
      // A plugin's connection (only TCP/IP causes apply to it) says what it carried instead.
      const other = Array.isArray(conn?.protocols) ? (conn.protocols as unknown[]).filter((p): p is string => typeof p === "string" && p !== "kafka" && p !== "tls") : [];
      const blind =
        end?.kafka_decoded === false && carried
          ? other.length > 0
            ? ` (from TCP/IP alone: the connection carried ${other.map(protocolLabel).join(", ")}, not Kafka)`
            : " (from TCP/IP alone: no Kafka decoded on this connection)"
          : "";
      message += ` Confidence: ${cause.confidence}${blind}.`;
    }
    this.findings.push({
      rule: rule.id,
      title: rule.title,
      severity: cause?.severity ?? rule.severity,
      scope: rule.scope,
      ...(cause ? { time: cause.time, confidence: cause.confidence } : time !== undefined ? { time } : times.length > 0 ? { time: times[times.length - 1]! } : {}),
      message,
      advice: rule.program.advice ? this.render(rule.program.advice, facts) : null,
      evidence: { ...(connection !== undefined ? { connection } : {}), packets, times, ...(details ? { details } : {}) },
      tags: rule.tags,
    });
  }

  finish(): Finding[] {
    for (const [rule, groups] of this.windowed) {
      const w = rule.window!;
      for (const [group, entries] of groups) {
        for (const burst of findBursts(entries, w.count, w.withinMs)) {
          const last = burst.items[burst.items.length - 1]!;
          const first = burst.items[0]!;
          const spanMs = (last.timeUs - first.timeUs) / 1000;
          const facts: Facts = { ...last.item.facts, window: { count: BigInt(burst.items.length), group, span_ms: spanMs } };
          const pairs = new Map<number, number>();
          for (const b of burst.items) b.item.item.packets.forEach((p, i) => pairs.set(p, b.item.item.times[i]!));
          const packets = [...pairs.keys()].sort((a, b) => a - b);
          const conns = new Set(burst.items.map((b) => b.item.item.connection));
          this.emit(
            rule,
            facts,
            packets,
            packets.map((p) => pairs.get(p)!),
            conns.size === 1 ? last.item.item.connection : undefined,
            { group, count: burst.items.length, span_ms: spanMs, connections: [...conns].filter((c) => c !== undefined) },
          );
        }
      }
    }
    return this.findings;
  }
}

/** One step less severe: a cause the evidence barely separates is not an error. */
function downgrade(s: Severity): Severity {
  return s === "critical" ? "error" : s === "error" ? "warning" : "info";
}

function exceptionMatches(ex: CompiledException, facts: Facts): boolean {
  const got: unknown[] = [];
  for (const f of ex.fields) {
    try {
      got.push(f(facts));
    } catch {
      return false; // an absent fact cannot match an exception value
    }
  }
  return ex.values.some((row) => row.every((v, i) => compare(got[i], ex.comps[i]!, v)));
}

function compare(a: unknown, comp: string, b: unknown): boolean {
  switch (comp) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return (a as number) < (b as number);
    case "<=":
      return (a as number) <= (b as number);
    case ">":
      return (a as number) > (b as number);
    case ">=":
      return (a as number) >= (b as number);
    case "in":
      return (b as unknown[]).includes(a);
    case "contains":
      return typeof a === "string" ? a.includes(b as string) : Array.isArray(a) && a.includes(b);
    case "startswith":
      return typeof a === "string" && a.startsWith(b as string);
    case "endswith":
      return typeof a === "string" && a.endsWith(b as string);
    default:
      return false;
  }
}

/** The expressions of a rule that read facts: its condition and its output and advice placeholders. */
function ruleTexts(rule: CompiledRule): string {
  const parts = [...rule.program.output.parts, ...(rule.program.advice?.parts ?? [])];
  return [rule.condition, ...parts.map((p) => ("expr" in p ? p.expr : ""))].join("\n");
}

/**
 * The packets of a connection's failed login (conn.tls_* and conn.sasl_* facts) and the one that
 * marks the event: the TLS alert, the broker's SASL error, the last SASL message of a login the
 * broker never followed with service, or the ClientHello of a handshake that never completed.
 * null for a connection without such a failure (its findings keep their usual evidence).
 */
function authFailure(conn: Facts): { frames: number[]; at: number } | null {
  const frame = (k: string): number => (typeof conn[k] === "bigint" ? Number(conn[k]) : 0);
  const at =
    frame("tls_alert_frame") ||
    frame("sasl_error_frame") ||
    (conn.sasl_authenticated === false ? frame("sasl_last_frame") : 0) ||
    (conn.tls_handshake_complete === false ? frame("tls_client_hello_frame") : 0);
  if (at <= 0) return null;
  const frames = ["tls_client_hello_frame", "tls_alert_frame", "sasl_error_frame", "sasl_last_frame"].map(frame).filter((n) => n > 0);
  return { frames, at };
}
