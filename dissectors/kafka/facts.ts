/**
 * The facts an operator filters and reasons on, pulled out of a decoded Kafka message by walking
 * the generated layout next to the value: topics, partitions, error codes, acks, throttling.
 * Walking the layout (not guessing from key names alone) tells a topic's `name` from a group's.
 */

import type { FieldDef } from "./schema/table.js";
import { inRange } from "./schema/table.js";
import type { KafkaObject, KafkaValue, KeepField } from "./schema/index.js";

export interface KafkaFacts {
  topics: string[];
  topicIds: string[];
  partitions: number[];
  /** Every error code in the message, 0 included (Wireshark's kafka.error does the same). */
  errors: number[];
  errorMessages: string[];
  throttleMs: number | null;
  acks: number | null;
  timeoutMs: number | null;
  /** Fetch MaxWaitMs: how long the broker may hold the request when data is short (a long poll). */
  maxWaitMs: number | null;
  transactionalId: string | null;
  groupId: string | null;
  memberId: string | null;
  /** Byte length of each `records` field (Produce: one per partition batch set). */
  recordsLengths: number[];
  /** Wire size and codec id of every record batch, and the records they declare. */
  batchSizes: number[];
  batchCodecs: number[];
  recordCount: number;
  /** false when a batch failed its CRC; problems found in record batches, as text. */
  batchCrcOk: boolean;
  recordProblems: string[];
}

export function emptyFacts(): KafkaFacts {
  return {
    topics: [],
    topicIds: [],
    partitions: [],
    errors: [],
    errorMessages: [],
    throttleMs: null,
    acks: null,
    timeoutMs: null,
    maxWaitMs: null,
    transactionalId: null,
    groupId: null,
    memberId: null,
    recordsLengths: [],
    batchSizes: [],
    batchCodecs: [],
    recordCount: 0,
    batchCrcOk: true,
    recordProblems: [],
  };
}

/** Collects facts from `value` laid out by `defs` at `version`; partial values are fine. */
export function collectFacts(defs: readonly FieldDef[], value: KafkaObject, version: number): KafkaFacts {
  const facts = emptyFacts();
  walk(planFor(defs, version), value, facts);
  facts.topics = unique(facts.topics);
  facts.topicIds = unique(facts.topicIds);
  facts.partitions = unique(facts.partitions);
  return facts;
}

/** The list itself when it holds one value or none (most messages: one topic, one partition). */
function unique<T>(list: T[]): T[] {
  return list.length < 2 ? list : [...new Set(list)];
}

/** What a field gives the facts (`record` below), decided once per layout and version. */
const enum Fact {
  None,
  Error,
  ErrorMessage,
  Throttle,
  Acks,
  Timeout,
  MaxWait,
  TransactionalId,
  GroupId,
  MemberId,
  Topic,
  TopicId,
  Partition,
}

/** One field of a layout that can give a fact: a value, or a struct (list) to walk into. */
interface PlanStep {
  key: string;
  fact: Fact;
  /** A `records` field (its summary gives the batch facts). */
  records: boolean;
  /** For struct and []struct fields: the struct's own plan (never empty). */
  inner: PlanStep[] | null;
}

/**
 * Per layout (a message's or a struct's field list) and version: its fields present at that
 * version that can give a fact, in layout order. A message walks only these (a Fetch response's
 * records and offsets, a Metadata response's brokers are skipped without a look), instead of
 * every field with a version check and a key comparison chain per field, per message.
 */
const plans = new WeakMap<readonly FieldDef[], Map<number, PlanStep[]>>();

function planFor(defs: readonly FieldDef[], version: number): PlanStep[] {
  let byVersion = plans.get(defs);
  if (!byVersion) plans.set(defs, (byVersion = new Map()));
  let plan = byVersion.get(version);
  if (!plan) byVersion.set(version, (plan = makePlan(defs, version, "", true)));
  return plan;
}

/**
 * The fields whose values collectFacts reads (ReadOptions.keep): a decode that builds only these
 * gives the same facts as a full one.
 */
export const factField: KeepField = (def, struct, topLevel) =>
  def.t === "records" || factOf(def.k, topLevel, /Topic/.test(struct), /Partition/.test(struct)) !== Fact.None;

function makePlan(defs: readonly FieldDef[], version: number, structName: string, topLevel: boolean): PlanStep[] {
  const inTopic = /Topic/.test(structName);
  const inPartition = /Partition/.test(structName);
  const plan: PlanStep[] = [];
  for (const def of defs) {
    if (!inRange(def.v, version) && !inRange(def.tv, version)) continue;
    if (def.f && (def.t === "struct" || def.t === "[]struct")) {
      const inner = makePlan(def.f, version, def.s ?? "", false);
      if (inner.length > 0) plan.push({ key: def.k, fact: Fact.None, records: false, inner });
      continue;
    }
    const fact = factOf(def.k, topLevel, inTopic, inPartition);
    const records = def.t === "records";
    if (fact !== Fact.None || records) plan.push({ key: def.k, fact, records, inner: null });
  }
  return plan;
}

/** Which fact a field's key gives where it sits (the value's type is checked per message). */
function factOf(k: string, topLevel: boolean, inTopic: boolean, inPartition: boolean): Fact {
  if (k === "error_code") return Fact.Error;
  if (k === "error_message") return Fact.ErrorMessage;
  if (k === "throttle_time_ms") return topLevel ? Fact.Throttle : Fact.None;
  if (k === "acks") return topLevel ? Fact.Acks : Fact.None;
  if (k === "timeout_ms") return topLevel ? Fact.Timeout : Fact.None;
  if (k === "max_wait_ms") return topLevel ? Fact.MaxWait : Fact.None;
  if (k === "transactional_id") return Fact.TransactionalId;
  if (k === "group_id") return Fact.GroupId;
  if (k === "member_id") return Fact.MemberId;
  if ((inTopic && k === "name") || k === "topic" || k === "topic_name") return Fact.Topic;
  if (inTopic && k === "topic_id") return Fact.TopicId;
  if (inPartition && (k === "index" || k === "partition_index" || k === "partition")) return Fact.Partition;
  return Fact.None;
}

function walk(plan: readonly PlanStep[], value: KafkaObject, facts: KafkaFacts): void {
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i]!;
    const v = value[step.key];
    if (v === undefined || v === null) continue;
    if (step.inner !== null) {
      if (Array.isArray(v)) {
        for (const item of v) if (isObject(item)) walk(step.inner, item, facts);
      } else if (isObject(v)) walk(step.inner, v, facts);
      continue;
    }
    if (!record(step.fact, v, facts) && step.records && isObject(v) && typeof v.length === "number") recordFacts(v, facts);
  }
}

/** Adds a field's value to its fact when it has the fact's type; false when it did not. */
function record(fact: Fact, v: KafkaValue, facts: KafkaFacts): boolean {
  switch (fact) {
    case Fact.None:
      return false;
    case Fact.Error:
      if (typeof v !== "number") return false;
      facts.errors.push(v);
      return true;
    case Fact.ErrorMessage:
      if (typeof v !== "string") return false;
      facts.errorMessages.push(v);
      return true;
    case Fact.Throttle:
      if (typeof v !== "number") return false;
      facts.throttleMs = v;
      return true;
    case Fact.Acks:
      if (typeof v !== "number") return false;
      facts.acks = v;
      return true;
    case Fact.Timeout:
      if (typeof v !== "number") return false;
      facts.timeoutMs = v;
      return true;
    case Fact.MaxWait:
      if (typeof v !== "number") return false;
      facts.maxWaitMs = v;
      return true;
    case Fact.TransactionalId:
      if (typeof v !== "string") return false;
      facts.transactionalId = v;
      return true;
    case Fact.GroupId:
      if (typeof v !== "string") return false;
      facts.groupId = v;
      return true;
    case Fact.MemberId:
      if (typeof v !== "string" || v === "") return false;
      facts.memberId = v;
      return true;
    case Fact.Topic:
      if (typeof v !== "string") return false;
      facts.topics.push(v);
      return true;
    case Fact.TopicId:
      if (typeof v !== "string") return false;
      facts.topicIds.push(v);
      return true;
    case Fact.Partition:
      if (typeof v !== "number") return false;
      facts.partitions.push(v);
      return true;
  }
}

/** A records field as the records hook summarised it (records-summary.ts), or a bare reference. */
function recordFacts(v: KafkaObject, facts: KafkaFacts): void {
  facts.recordsLengths.push(v.length as number);
  if (Array.isArray(v.batch_sizes)) for (const n of v.batch_sizes) if (typeof n === "number") facts.batchSizes.push(n);
  if (Array.isArray(v.codecs)) for (const c of v.codecs) if (typeof c === "number") facts.batchCodecs.push(c);
  if (typeof v.records === "number") facts.recordCount += v.records;
  if (v.crc_ok === false) facts.batchCrcOk = false;
  if (Array.isArray(v.problems)) for (const p of v.problems) if (typeof p === "string") facts.recordProblems.push(p);
}

function isObject(v: KafkaValue): v is KafkaObject {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof v !== "bigint";
}
