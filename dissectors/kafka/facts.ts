/**
 * The facts an operator filters and reasons on, pulled out of a decoded Kafka message by walking
 * the generated layout next to the value: topics, partitions, error codes, acks, throttling.
 * Walking the layout (not guessing from key names alone) tells a topic's `name` from a group's.
 */

import type { FieldDef } from "./schema/table.js";
import { inRange } from "./schema/table.js";
import type { KafkaObject, KafkaValue } from "./schema/index.js";

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
  walk(defs, value, version, "", true, facts);
  facts.topics = [...new Set(facts.topics)];
  facts.topicIds = [...new Set(facts.topicIds)];
  facts.partitions = [...new Set(facts.partitions)];
  return facts;
}

function walk(
  defs: readonly FieldDef[],
  value: KafkaObject,
  version: number,
  structName: string,
  topLevel: boolean,
  facts: KafkaFacts,
): void {
  const inTopic = /Topic/.test(structName);
  const inPartition = /Partition/.test(structName);
  for (const def of defs) {
    if (!inRange(def.v, version) && !inRange(def.tv, version)) continue;
    const v = value[def.k];
    if (v === undefined || v === null) continue;
    if (def.f && (def.t === "struct" || def.t === "[]struct")) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (isObject(item)) walk(def.f, item, version, def.s ?? "", false, facts);
      }
      continue;
    }
    record(def, v, topLevel, inTopic, inPartition, facts);
  }
}

function record(def: FieldDef, v: KafkaValue, topLevel: boolean, inTopic: boolean, inPartition: boolean, facts: KafkaFacts): void {
  const k = def.k;
  if (k === "error_code" && typeof v === "number") facts.errors.push(v);
  else if (k === "error_message" && typeof v === "string") facts.errorMessages.push(v);
  else if (k === "throttle_time_ms" && topLevel && typeof v === "number") facts.throttleMs = v;
  else if (k === "acks" && topLevel && typeof v === "number") facts.acks = v;
  else if (k === "timeout_ms" && topLevel && typeof v === "number") facts.timeoutMs = v;
  else if (k === "max_wait_ms" && topLevel && typeof v === "number") facts.maxWaitMs = v;
  else if (k === "transactional_id" && typeof v === "string") facts.transactionalId = v;
  else if (k === "group_id" && typeof v === "string") facts.groupId = v;
  else if (k === "member_id" && typeof v === "string" && v !== "") facts.memberId = v;
  else if (((inTopic && k === "name") || k === "topic" || k === "topic_name") && typeof v === "string") facts.topics.push(v);
  else if (inTopic && k === "topic_id" && typeof v === "string") facts.topicIds.push(v);
  else if (inPartition && (k === "index" || k === "partition_index" || k === "partition") && typeof v === "number") {
    facts.partitions.push(v);
  } else if (def.t === "records" && isObject(v) && typeof v.length === "number") recordFacts(v, facts);
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
