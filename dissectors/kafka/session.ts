/**
 * One Kafka connection: decodes each framed message, pairs responses with requests by correlation
 * id (the response carries no API key: the request tells its key and version), and reports PDUs
 * and exchanges. Pairing happens here, once; the model stores the result.
 */

import type { CloseInfo, Dir, ExchangeSide, FieldValue, Framing, PacketRef, Pdu, StreamContext, StreamDissector, TreeNode } from "../../src/plugins/api.js";
import { collectFacts, emptyFacts, factField, type KafkaFacts } from "./facts.js";
import { findMessageStart } from "./framing.js";
import { API_NAMES } from "./fields.js";
import { KAFKA_ERRORS } from "./generated/errors.js";
import {
  apiDef,
  decodeRequest,
  decodeResponse,
  fitResponseVersions,
  type DecodeError,
  type KafkaObject,
  type ReadOptions,
  type RecordsHook,
  type Span,
  type SpanTable,
} from "./schema/index.js";
import { APIS } from "./generated/protocol.js";
import type { RecordsResult } from "./records/index.js";
import {
  decodeWithinBudget,
  DECOMPRESS_PER_CAPTURE,
  DECOMPRESS_PER_CONNECTION,
  summariseRecords,
  type DecompressBudget,
} from "./records-summary.js";
import { flat } from "./flat.js";
import { SaslState, type SaslPart } from "./sasl-state.js";
import { buildTree, MAX_TREE_RECORDS, PREVIEW_BYTES, recordsNode } from "./message-tree.js";

/** A records field decoded in detail mode: where its bytes start in the PDU, and what they hold. */
interface RecordDetail {
  offset: number;
  length: number;
  result: RecordsResult;
}

/** The client id of a request header v1/v2 (int16 length, then the bytes; -1 is null). */
function clientIdSpan(pdu: Uint8Array): Span | undefined {
  if (pdu.length < 14) return undefined;
  const n = (pdu[12]! << 8) | pdu[13]!;
  const len = n >= 0x8000 ? 0 : n;
  return { start: 12, end: Math.min(pdu.length, 14 + len) };
}

const API_VERSIONS_KEY = 18;
/**
 * APIs whose whole body the session reads (the broker's versions, the SASL state); for the others
 * the analysis pass builds only the fields the facts need (factField).
 */
const WHOLE_BODY = new Set([API_VERSIONS_KEY, 17 /* SaslHandshake */, 36 /* SaslAuthenticate */]);
const PRODUCE_KEY = 0;
/** Orphan responses are decoded by trying every layout; after this many per connection we stop trying. */
const MAX_ORPHAN_FITS = 64;

const BUDGET_KEY = "kafka.decompress";
const MiB = 1024 * 1024;

interface PendingRequest {
  apiKey: number;
  apiVersion: number;
  clientId: string | null;
  side: ExchangeSide;
  facts: KafkaFacts;
  /** A gap in the response direction came after this request: its response may be in it. */
  gapAfter: boolean;
  /** The stream ended inside this request, after that many of its bytes. */
  endedAfter?: number;
  /** kafka.sasl.* of a SaslHandshake/SaslAuthenticate request, for its exchange. */
  saslFields?: Record<string, FieldValue>;
}

export interface KafkaSessionOptions {
  /** Hook that decodes `records` fields; default: a summary of the batches (records-summary.ts). */
  records?: ReadOptions["records"];
  /**
   * Detail mode (a view re-dissecting one connection, `StreamContext.detail`): attach a protocol
   * tree to every PDU — header, decoded body, and the record batches and records of `records`
   * fields. Off in the analysis pass, where a tree per PDU would cost time and memory.
   */
  trees?: boolean;
}

export class KafkaSession implements StreamDissector {
  private readonly pending = new Map<number, PendingRequest>();
  private clientId: string | null | undefined = undefined;
  /** Broker-supported version ranges from a captured ApiVersions response. */
  private brokerVersions: Map<number, number> | null = null;
  /** API keys this client has used on this connection (hints for orphan responses). */
  private readonly keysSeen = new Set<number>();
  private orphanFits = 0;
  private readonly readOptions: ReadOptions;
  /**
   * Outside detail mode: readOptions that build only the fields the facts read. The rest of a
   * message is still read with every check (malformed stays malformed), not allocated: a Fetch
   * response's offsets (bigints), a Metadata response's brokers. Views decode the whole message
   * again from the packet bytes.
   */
  private readonly factOptions: ReadOptions;
  /** Detail mode: the decoded records behind each records summary object of the current message. */
  private readonly recordDetails: WeakMap<object, RecordDetail> | null;
  /** Detail mode: where each field of the decoded messages lies in its PDU. */
  private readonly spans: SpanTable | null;

  /** Decompression budgets: this connection's, and the capture's (shared through ctx.perCapture). */
  private readonly budgets: DecompressBudget[];
  private budgetNoted = false;
  /** The packet that completed the message being decoded (for notes from inside the decode). */
  private packet = 0;
  /** The connection's SASL exchange: mechanism, raw tokens after a SaslHandshake v0. */
  private readonly sasl: SaslState;

  constructor(
    private readonly ctx: StreamContext,
    opts: KafkaSessionOptions = {},
  ) {
    // Without a capture scope (a session made on its own), the capture's budget is this session's.
    const shared = ctx.perCapture;
    let captureBudget = shared?.get(BUDGET_KEY) as DecompressBudget | undefined;
    if (!captureBudget) {
      captureBudget = { left: DECOMPRESS_PER_CAPTURE };
      shared?.set(BUDGET_KEY, captureBudget);
    }
    this.budgets = [{ left: DECOMPRESS_PER_CONNECTION }, captureBudget];
    this.sasl = new SaslState(ctx.preferences?.get("kdiag.show_secrets") === true /* SHOW_SECRETS: dissectors use only the plugin API */, !!opts.trees);
    this.spans = opts.trees ? new WeakMap() : null;
    if (opts.trees && !opts.records) {
      const details = new WeakMap<object, RecordDetail>();
      this.recordDetails = details;
      // The same summary as the analysis pass (so fields and facts do not change), plus the
      // records themselves, kept aside for the tree.
      this.readOptions = {
        spans: this.spans!,
        records: (buf, offset, length) => {
          const result = this.decode(buf.subarray(offset, offset + length), { keepValues: true, previewBytes: PREVIEW_BYTES, maxRecords: MAX_TREE_RECORDS });
          const summary = summariseRecords(result, offset, length);
          details.set(summary, { offset, length, result });
          return summary;
        },
      };
    } else {
      this.recordDetails = opts.trees ? new WeakMap() : null;
      const summary: RecordsHook = (buf, offset, length) => summariseRecords(this.decode(buf.subarray(offset, offset + length), { maxRecords: 0 }), offset, length);
      this.readOptions = { records: opts.records ?? summary, ...(this.spans ? { spans: this.spans } : {}) };
    }
    this.factOptions = opts.trees ? this.readOptions : { ...this.readOptions, keep: factField };
  }

  /** Records decoded within the decompression budgets; the first refusal for a budget is a note. */
  private decode(bytes: Uint8Array, opts: { maxRecords: number; keepValues?: boolean; previewBytes?: number }): RecordsResult {
    return decodeWithinBudget(bytes, this.budgets, opts, () => {
      if (this.budgetNoted) return;
      this.budgetNoted = true;
      const which = this.budgets[0]!.left <= this.budgets[1]!.left ? `${DECOMPRESS_PER_CONNECTION / MiB} MiB per connection` : `${DECOMPRESS_PER_CAPTURE / MiB} MiB per capture`;
      this.ctx.note("warning", this.packet, `Kafka record batches past ${which} decompressed are not decompressed (a decompression bomb?): their headers and CRCs are still checked`);
    });
  }

  /**
   * Detail mode: header fields, then the decoded body with its records. Offsets are into the PDU
   * (its size prefix included): header fields sit at fixed places, body fields where they were read.
   */
  private tree(
    kind: "Request" | "Response",
    label: string,
    header: Array<[string, FieldValue | undefined, Span?]>,
    body: KafkaObject,
    bodySpan: Span,
    note: string | undefined,
  ): TreeNode[] | undefined {
    const details = this.recordDetails;
    if (!details) return undefined;
    const at = (s: Span | undefined) => (s ? { offset: s.start, length: s.end - s.start } : {});
    const headerNode: TreeNode = {
      label: `${kind} header`,
      ...at({ start: 0, end: bodySpan.start }),
      children: header
        .filter(([, v]) => v !== undefined)
        .map(([k, v, span]) => ({
          label: `${k}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}${k === "api_key" && typeof v === "number" ? ` (${API_NAMES[v] ?? "unknown"})` : ""}`,
          value: v!,
          ...at(span),
        })),
    };
    const bodyNode = buildTree(`${label} ${kind} body`, body, {
      spans: this.spans!,
      custom: (key, v) => {
        const d = v !== null && typeof v === "object" && !Array.isArray(v) ? details.get(v) : undefined;
        return d ? recordsNode(key, d.offset, d.length, d.result) : null;
      },
    });
    Object.assign(bodyNode, at(bodySpan));
    if (note) bodyNode.children!.push({ label: note });
    return [headerNode, bodyNode];
  }

  private optionsFor(apiKey: number): ReadOptions {
    return WHOLE_BODY.has(apiKey) ? this.readOptions : this.factOptions;
  }

  framingFor(dir: Dir): Framing | undefined {
    return this.sasl.framingFor(dir);
  }

  pdu(dir: Dir, bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    const raw = this.sasl.rawToken(dir, bytes, at, wireLength);
    if (raw) {
      this.ctx.emit(raw);
      return;
    }
    if (dir === "c2s") this.request(bytes, at, wireLength);
    else this.response(bytes, at, wireLength);
  }

  gap(dir: Dir): void {
    if (dir === "s2c") for (const p of this.pending.values()) p.gapAfter = true;
  }

  close(how: CloseInfo): void {
    const reason = how.how === "end-of-capture" ? "capture ended" : `connection closed (${how.how.toUpperCase()})`;
    for (const [corr, p] of this.pending) {
      const lost = p.gapAfter ? "; its response may be in bytes not captured" : "";
      const sent = p.endedAfter !== undefined ? ` only ${p.endedAfter} of its ${p.side.length} bytes sent,` : "";
      this.ctx.exchange({
        request: p.side,
        response: null,
        status: "unanswered",
        confidence: "certain",
        summary: flat`${requestLabel(p.apiKey, p.apiVersion)} corr=${corr}${sent} no response before the ${reason}${lost}`,
        fields: withField(
          Object.assign(kafkaFields(p.apiKey, p.apiVersion, corr, p.clientId, p.facts), p.saslFields),
          "kafka.unanswered",
          how.how === "end-of-capture" ? "end-of-capture" : p.gapAfter ? "gap" : how.how,
        ),
      });
    }
    this.pending.clear();
  }

  resync(dir: Dir, bytes: Uint8Array): number {
    return findMessageStart(bytes, dir, this.clientId, new Set(this.pending.keys()));
  }

  private request(bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    this.packet = at.last;
    const cut = bytes.length < wireLength;
    // The API key (int16 after the size) picks what is built; a shorter PDU fails in the header anyway.
    const key = bytes.length >= 6 ? ((bytes[4]! << 24) >> 16) | bytes[5]! : -1;
    const r = decodeRequest(bytes, 4, bytes.length, this.optionsFor(key));
    const h = r.header;
    if (h.api_key === undefined || h.api_version === undefined || h.correlation_id === undefined) {
      this.ctx.emit({ dir: "c2s", ref: at, length: wireLength, summary: "Kafka request (header cut short)", fields: { "kafka.len": wireLength - 4 }, malformed: "request header too short" });
      return;
    }
    const apiKey = h.api_key;
    const apiVersion = h.api_version;
    const corr = h.correlation_id;
    const clientId = h.client_id ?? null;
    if (this.clientId === undefined) this.clientId = clientId;
    this.keysSeen.add(apiKey);
    const def = apiDef(apiKey);
    const facts = def ? collectFacts(def.req, r.body, apiVersion) : emptyFacts();
    const problem = decodeProblem(r.ok, r.error, cut);
    // The stream ended inside the request (the broker reset it while it was still arriving): the
    // rest was never sent, so it was not delivered, even with acks=0.
    const endedAfter = at.endedAfter;
    const unfinished = endedAfter !== undefined ? ` [only ${endedAfter} of ${wireLength} bytes sent before the stream ended]` : "";
    const side: ExchangeSide = { first: at.first, last: at.last, tsUs: at.tsUs, length: wireLength, streamOffset: at.streamOffset };

    const fields = kafkaFields(apiKey, apiVersion, corr, clientId, facts);
    fields["kafka.len"] = wireLength - 4;
    if (problem.unknown) fields["kafka.unknown_api"] = true;
    const sasl = this.sasl.request(apiKey, apiVersion, r.body, bytes, r.bodyOffset);
    if (sasl) Object.assign(fields, sasl.fields);
    // Detail mode only: outside it the header list and labels would be built for nothing.
    const tree = this.recordDetails && this.tree(
      "Request",
      requestLabel(apiKey, apiVersion),
      [
        ["length", wireLength - 4, { start: 0, end: 4 }],
        ["api_key", apiKey, { start: 4, end: 6 }],
        ["api_version", apiVersion, { start: 6, end: 8 }],
        ["correlation_id", corr, { start: 8, end: 12 }],
        ["client_id", h.client_id, clientIdSpan(bytes)],
        ["header_version", h.header_version],
      ],
      r.body,
      { start: r.bodyOffset, end: r.end },
      problem.malformed ? `[Malformed: ${problem.malformed}; the fields above were decoded before it]` : problem.tag ? problem.tag.trim() : undefined,
    );
    this.ctx.emit(withExtras({
      dir: "c2s",
      ref: at,
      length: wireLength,
      summary: flat`${requestLabel(apiKey, apiVersion)} Request corr=${corr}${clientId ? ` client=${clientId}` : ""}${topicsText(facts)}${sasl && sasl.text ? ` ${sasl.text}` : ""}${recordsTag(facts)}${unfinished || problem.tag}`,
      fields,
    }, tree, sasl, problem.malformed));

    if (apiKey === PRODUCE_KEY && facts.acks === 0 && endedAfter === undefined) {
      this.ctx.exchange({
        request: side,
        response: null,
        status: "no-response-expected",
        confidence: "certain",
        summary: flat`${requestLabel(apiKey, apiVersion)} corr=${corr} acks=0 (no response expected)${topicsText(facts)}`,
        fields: kafkaFields(apiKey, apiVersion, corr, clientId, facts),
      });
      return;
    }
    if (this.pending.has(corr)) {
      this.ctx.note("warning", at.last, `Kafka correlation id ${corr} reused while a request with it is still waiting`);
    }
    this.pending.set(corr, { apiKey, apiVersion, clientId, side, facts, gapAfter: false, ...(endedAfter !== undefined ? { endedAfter } : {}), ...(sasl ? { saslFields: sasl.fields } : {}) });
  }

  private response(bytes: Uint8Array, at: PacketRef, wireLength: number): void {
    this.packet = at.last;
    const cut = bytes.length < wireLength;
    if (bytes.length < 8) return;
    const corr = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(4);
    const side: ExchangeSide = { first: at.first, last: at.last, tsUs: at.tsUs, length: wireLength, streamOffset: at.streamOffset };
    const req = this.pending.get(corr);
    let apiKey: number;
    let apiVersion: number;
    let confidence: "certain" | "likely" | "guess" = "certain";
    /** For an orphan: every version whose layout fits the bytes (the lowest is reported). */
    let fits: number[] = [];
    if (req) {
      this.pending.delete(corr);
      apiKey = req.apiKey;
      apiVersion = req.apiVersion;
    } else {
      const guess = this.guessOrphan(bytes, cut);
      if (!guess) {
        this.ctx.emit({ dir: "s2c", ref: at, length: wireLength, summary: `Kafka Response corr=${corr} (request not captured, API unknown)`, fields: { "kafka.len": wireLength - 4, "kafka.correlation_id": corr } });
        this.ctx.exchange({
          request: null,
          response: side,
          status: "orphan-response",
          confidence: "guess",
          summary: `Response corr=${corr}: request not captured, API not recognised`,
          fields: { "kafka.correlation_id": corr, "kafka.response_size": wireLength },
        });
        return;
      }
      ({ apiKey, confidence } = guess);
      fits = guess.versions;
      apiVersion = fits[0]!;
    }
    const r = decodeResponse(bytes, apiKey, apiVersion, 4, bytes.length, this.optionsFor(apiKey));
    const def = apiDef(apiKey);
    const facts = def ? collectFacts(def.res, r.body, apiVersion) : emptyFacts();
    const problem = decodeProblem(r.ok, r.error, cut);
    // The stream ended inside the request (the broker reset it while it was still arriving): the
    // rest was never sent, so it was not delivered, even with acks=0.
    const endedAfter = at.endedAfter;
    const unfinished = endedAfter !== undefined ? ` [only ${endedAfter} of ${wireLength} bytes sent before the stream ended]` : "";
    if (apiKey === API_VERSIONS_KEY && r.ok) this.learnBrokerVersions(r.body);
    const clientId = req ? req.clientId : (this.clientId ?? null);
    const latencyMs = req ? Math.round(at.tsUs - req.side.tsUs) / 1000 : null;
    const errorsText = errorNames(facts.errors);

    const fields = kafkaFields(apiKey, apiVersion, corr, clientId, facts);
    fields["kafka.len"] = wireLength - 4;
    const sasl = r.ok || r.body ? this.sasl.response(apiKey, apiVersion, r.body, bytes, r.bodyOffset) : null;
    if (sasl) Object.assign(fields, sasl.fields);
    if (req) {
      fields["kafka.request_frame"] = req.side.last;
      fields["kafka.response_time"] = latencyMs;
    }
    const range = fits.length > 1 ? `-${fits[fits.length - 1]}` : "";
    const sure = confidence === "certain" ? "" : ` [request not captured: ${confidence} ${requestLabel(apiKey, apiVersion)}${range}]`;
    const tree = this.recordDetails && this.tree(
      "Response",
      requestLabel(apiKey, apiVersion),
      [
        ["length", wireLength - 4, { start: 0, end: 4 }],
        ["correlation_id", corr, { start: 4, end: 8 }],
        ["header_version", r.header.header_version],
        ["request_frame", req ? req.side.last : undefined],
        ["response_time_ms", latencyMs ?? undefined],
      ],
      r.body,
      { start: r.bodyOffset, end: r.end },
      problem.malformed ? `[Malformed: ${problem.malformed}; the fields above were decoded before it]` : problem.tag ? problem.tag.trim() : undefined,
    );
    this.ctx.emit(withExtras({
      dir: "s2c",
      ref: at,
      length: wireLength,
      summary: flat`${requestLabel(apiKey, apiVersion)} Response corr=${corr}${topicsText(facts)}${errorsText ? ` ${errorsText}` : ""}${sasl && sasl.text ? ` ${sasl.text}` : ""}${recordsTag(facts)}${sure}${problem.tag}`,
      fields,
    }, tree, sasl, problem.malformed));

    const merged = req ? mergeFacts(req.facts, facts) : facts;
    const exchangeFields = kafkaFields(apiKey, apiVersion, corr, clientId, merged);
    exchangeFields["kafka.response_size"] = wireLength;
    if (req?.saslFields) Object.assign(exchangeFields, req.saslFields);
    if (sasl) Object.assign(exchangeFields, sasl.fields);
    if (req) {
      exchangeFields["kafka.request_frame"] = req.side.last;
      exchangeFields["kafka.response_frame"] = side.last;
      exchangeFields["kafka.response_time"] = latencyMs;
    }
    this.ctx.exchange({
      request: req ? req.side : null,
      response: side,
      status: req ? "answered" : "orphan-response",
      confidence,
      summary: flat`${requestLabel(apiKey, apiVersion)} corr=${corr}${clientId ? ` client=${clientId}` : ""}${topicsText(merged)}${latencyMs !== null ? ` ${latencyMs}ms` : ""}${errorsText ? ` ${errorsText}` : ""}${sure}`,
      fields: exchangeFields,
    });
  }

  /**
   * A response whose request is not in the capture: try the layouts that fit the bytes exactly,
   * preferring API keys this connection used and versions the broker announced.
   */
  private guessOrphan(bytes: Uint8Array, cut: boolean): { apiKey: number; versions: number[]; confidence: "likely" | "guess" } | null {
    if (cut || this.orphanFits >= MAX_ORPHAN_FITS) return null;
    this.orphanFits++;
    const fits: Array<{ apiKey: number; versions: number[] }> = [];
    for (const api of APIS) {
      let versions = fitResponseVersions(api.key, bytes, 4, bytes.length);
      const brokerMax = this.brokerVersions?.get(api.key);
      if (brokerMax !== undefined) versions = versions.filter((v) => v <= brokerMax);
      if (versions.length > 0) fits.push({ apiKey: api.key, versions });
    }
    if (fits.length === 0) return null;
    const preferred = fits.filter((f) => this.keysSeen.has(f.apiKey));
    const pool = preferred.length > 0 ? preferred : fits;
    const best = pool[0]!;
    const confidence = pool.length === 1 && (preferred.length === 1 || fits.length === 1) ? "likely" : "guess";
    return { apiKey: best.apiKey, versions: best.versions, confidence };
  }

  private learnBrokerVersions(body: KafkaObject): void {
    const keys = body.api_keys;
    if (!Array.isArray(keys)) return;
    this.brokerVersions = new Map();
    for (const k of keys) {
      if (k && typeof k === "object" && !Array.isArray(k) && typeof k.api_key === "number" && typeof k.max_version === "number") {
        this.brokerVersions.set(k.api_key, k.max_version);
      }
    }
  }
}

/** The flat field values of a message or an exchange, built in one object (this runs per PDU). */
function kafkaFields(apiKey: number, apiVersion: number, corr: number, clientId: string | null, f: KafkaFacts): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {
    "kafka.api_key": apiKey,
    "kafka.api_version": apiVersion,
    "kafka.correlation_id": corr,
    "kafka.client_id": clientId,
  };
  if (f.topics.length > 0) out["kafka.topic_name"] = f.topics;
  if (f.topicIds.length > 0) out["kafka.topic_id"] = f.topicIds;
  if (f.partitions.length > 0) out["kafka.partition_id"] = f.partitions;
  if (f.errors.length > 0) out["kafka.error"] = f.errors;
  if (f.errorMessages.length > 0) out["kafka.error_message"] = f.errorMessages;
  if (f.throttleMs !== null) out["kafka.throttle_time"] = f.throttleMs;
  if (f.acks !== null) out["kafka.required_acks"] = f.acks;
  if (f.timeoutMs !== null) out["kafka.timeout"] = f.timeoutMs;
  if (f.maxWaitMs !== null) out["kafka.max_wait_time"] = f.maxWaitMs;
  if (f.transactionalId !== null) out["kafka.transactional_id"] = f.transactionalId;
  if (f.groupId !== null) out["kafka.consumer_group"] = f.groupId;
  if (f.memberId !== null) out["kafka.member_id"] = f.memberId;
  if (f.recordsLengths.length > 0) out["kafka.records_length"] = f.recordsLengths;
  if (f.batchSizes.length > 0) {
    out["kafka.batch_size"] = f.batchSizes;
    out["kafka.batch_codec"] = f.batchCodecs[0]!;
    out["kafka.record_count"] = f.recordCount;
    out["kafka.batch_crc_ok"] = f.batchCrcOk;
  }
  return out;
}

/**
 * A message's optional parts, set only when present (in the order a reader sees them: tree,
 * secrets, malformed). Set on the object rather than spread into a literal: three spreads per
 * message cost more than the rest of building it.
 */
function withExtras(pdu: Pdu, tree: TreeNode[] | null | undefined, sasl: SaslPart | null, malformed: string | undefined): Pdu {
  if (tree) pdu.tree = sasl ? withSaslNode(tree, sasl.node) : tree;
  if (sasl && sasl.secrets.length > 0) pdu.secrets = sasl.secrets;
  if (malformed) pdu.malformed = malformed;
  return pdu;
}

/** The decoded SASL token, under the body of the message's tree. */
function withSaslNode(tree: TreeNode[], node: TreeNode | null): TreeNode[] {
  return node ? [...tree, node] : tree;
}

function withField(fields: Record<string, FieldValue>, name: string, value: FieldValue): Record<string, FieldValue> {
  fields[name] = value;
  return fields;
}

/** The request's facts (topics, acks) with the response's (errors, throttling). */
function mergeFacts(req: KafkaFacts, res: KafkaFacts): KafkaFacts {
  return {
    ...req,
    topics: union(req.topics, res.topics),
    topicIds: union(req.topicIds, res.topicIds),
    partitions: union(req.partitions, res.partitions),
    errors: res.errors,
    errorMessages: res.errorMessages,
    throttleMs: res.throttleMs,
    // A Fetch response's batches are the exchange's batches; a Produce request's are its own.
    batchSizes: both(req.batchSizes, res.batchSizes),
    batchCodecs: both(req.batchCodecs, res.batchCodecs),
    recordCount: req.recordCount + res.recordCount,
    batchCrcOk: req.batchCrcOk && res.batchCrcOk,
    recordProblems: both(req.recordProblems, res.recordProblems),
  };
}

/**
 * The values of two lists without repeats (each is already without repeats: collectFacts), in
 * order. Read-only from here on, so an input list is returned as it is when the other adds nothing
 * (most exchanges: one topic on both sides, or none on one).
 */
function union<T>(a: T[], b: T[]): T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  if (a.length === 1 && b.length === 1 && a[0] === b[0]) return a;
  return [...new Set([...a, ...b])];
}

/** Both lists, one after the other (the input itself when the other is empty). */
function both<T>(a: T[], b: T[]): T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  return [...a, ...b];
}

/** Labels made so far, by api key and version (a few dozen in a capture; each message needs two or three). */
const labels = new Map<number, string>();

export function requestLabel(apiKey: number, apiVersion: number): string {
  const id = apiKey * 0x10000 + apiVersion;
  let label = labels.get(id);
  if (label === undefined) {
    label = `${API_NAMES[apiKey] ?? `ApiKey(${apiKey})`} v${apiVersion}`;
    // Values come from the wire: past a bound, labels are made each time rather than kept.
    if (labels.size < 4096) labels.set(id, label);
  }
  return label;
}

function topicsText(f: KafkaFacts): string {
  if (f.topics.length === 0) return "";
  if (f.topics.length === 1) return ` topics=${f.topics[0]}`;
  const shown = f.topics.slice(0, 3).join(",");
  return ` topics=${shown}${f.topics.length > 3 ? `,+${f.topics.length - 3}` : ""}`;
}

/** Flags record batches that failed their CRC or did not parse. */
function recordsTag(f: KafkaFacts): string {
  if (!f.batchCrcOk) return " [record batch CRC mismatch]";
  if (f.recordProblems.length > 0) return ` [record batch: ${f.recordProblems[0]}]`;
  return "";
}

/** Non-zero error codes by name, each once: "MESSAGE_TOO_LARGE". */
export function errorNames(codes: readonly number[]): string {
  if (codes.every((c) => c === 0)) return "";
  const names = [...new Set(codes.filter((c) => c !== 0))].map((c) => KAFKA_ERRORS[c] ?? `ERROR_${c}`);
  return names.join(",");
}

const CLEAN: { tag: string; malformed?: string; unknown: boolean } = Object.freeze({ tag: "", unknown: false });

/** Turns a decode result into a flag: unknown API/version, malformed, or cut by the capture. */
function decodeProblem(ok: boolean, error: DecodeError | undefined, cut: boolean): { tag: string; malformed?: string; unknown: boolean } {
  if (ok || !error) return CLEAN;
  if (error.code === "unknown_api") return { tag: " [unknown API key: not in the protocol table]", unknown: true };
  if (error.code === "unknown_version") return { tag: " [version newer than the protocol table]", unknown: true };
  // Bytes missing from the capture (or a connection closed mid-message) explain any error after them.
  if (cut) return { tag: " [message not fully captured]", unknown: false };
  return { tag: " [Malformed]", malformed: `${error.code} at ${error.path || "body"} (offset ${error.offset})`, unknown: false };
}
