/**
 * The protocol tree of a decoded Kafka message, for detail views. Built only on demand (a view
 * re-dissects one connection with `StreamContext.detail`), never in the analysis pass. Bounded: a
 * Fetch response with thousands of partitions gets the first nodes and a "N more" line, and a
 * records field shows at most MAX_TREE_RECORDS records, so one PDU's tree stays small.
 *
 * Labels hold raw capture text (topic names, record keys): the views sanitise when they draw.
 */

import type { TreeNode } from "../../src/plugins/api.js";
import { describeRecordProblem, type KafkaRecord, type RecordBatch, type RecordsResult } from "./records/index.js";
import type { KafkaObject, KafkaValue, Span, SpanTable } from "./schema/index.js";

const MAX_NODES = 200;
/** Records kept (and shown) per records field in detail mode. */
export const MAX_TREE_RECORDS = 100;
/** Key, value and header-value bytes kept per record in detail mode. */
export const PREVIEW_BYTES = 64;

export interface TreeOptions {
  /** A custom node for some values (the decoded records fields); null: the default rendering. */
  custom?: (key: string, value: KafkaValue) => TreeNode | null;
  /** Where each field was read (ReadOptions.spans): nodes get their byte offset and length. */
  spans?: SpanTable;
}

export function buildTree(label: string, value: KafkaObject, opts: TreeOptions = {}): TreeNode {
  const budget = { left: MAX_NODES };
  return { label, children: childNodes(value, budget, opts) };
}

/**
 * The nodes of an object's fields or an array's elements, within the node budget. An object's
 * plain fields are always shown, before its arrays and structs take from the budget: 59 api_keys
 * must not hide the throttle_time_ms after them.
 */
function childNodes(of: KafkaObject | KafkaValue[], budget: { left: number }, opts: TreeOptions): TreeNode[] {
  const spans = opts.spans?.get(of);
  if (Array.isArray(of)) {
    const out: TreeNode[] = [];
    for (let i = 0; i < of.length; i++) {
      if (budget.left <= 0) {
        out.push({ label: `… ${of.length - i} more` });
        break;
      }
      out.push(node(`[${i}]`, of[i]!, budget, opts, spans?.get(i)));
    }
    return out;
  }
  const keys = Object.keys(of);
  const out: TreeNode[] = new Array(keys.length);
  const nested = (v: KafkaValue) => v !== null && typeof v === "object";
  keys.forEach((key, i) => {
    if (!nested(of[key]!)) out[i] = node(key, of[key]!, budget, opts, spans?.get(key));
  });
  keys.forEach((key, i) => {
    const v = of[key]!;
    if (!nested(v)) return;
    const span = spans?.get(key);
    out[i] =
      budget.left > 0
        ? node(key, v, budget, opts, span)
        : { label: `${key}${Array.isArray(v) ? ` (${v.length})` : ""}: … not shown (tree size limit)`, ...(span ? { offset: span.start, length: span.end - span.start } : {}) };
  });
  return out;
}

function node(key: string, v: KafkaValue, budget: { left: number }, opts: TreeOptions, span: Span | undefined): TreeNode {
  budget.left--;
  const at = span ? { offset: span.start, length: span.end - span.start } : {};
  const custom = opts.custom?.(key, v);
  if (custom) return { ...at, ...custom };
  if (Array.isArray(v)) return { label: `${key} (${v.length})`, ...at, children: childNodes(v, budget, opts) };
  if (v !== null && typeof v === "object") return { label: key, ...at, children: childNodes(v, budget, opts) };
  const text = typeof v === "string" ? JSON.stringify(v) : String(v);
  return { label: `${key}: ${text}`, ...at, value: typeof v === "bigint" ? v.toString() : v };
}

// ---- records ------------------------------------------------------------------------------------

/**
 * A records field decoded with `keepValues`: its batches (offset range, codec, CRC, sizes) and
 * their records (offset, timestamp, key, value, headers), at most MAX_TREE_RECORDS records.
 * `dataOffset` is where the field's bytes start (after its length), for the batches' offsets.
 */
export function recordsNode(key: string, dataOffset: number, length: number, r: RecordsResult): TreeNode {
  const declared = r.batches.reduce((n, b) => n + b.recordCount, 0);
  const parts = [`${length} bytes`, `${r.batches.length} batch${r.batches.length === 1 ? "" : "es"}`, `${declared} record${declared === 1 ? "" : "s"}`];
  if (r.batches.some((b) => !b.crc.ok)) parts.push("CRC MISMATCH");
  if (r.partialTail) parts.push(`partial batch at the end (${r.partialTailBytes} bytes)`);
  const children: TreeNode[] = r.batches.map((b, i) => ({ ...batchNode(b, i, dataOffset), offset: dataOffset + b.position, length: b.wireSize }));
  let shown = 0;
  for (const b of r.batches) shown += b.records.length;
  if (shown < declared && r.batches.length > 0) children.push({ label: `… records after the first ${shown} not shown` });
  if (r.partialTail) children.push({ label: `Partial batch: ${r.partialTailBytes} bytes (cut by the broker at max_bytes, or by the capture)` });
  for (const p of r.problems.slice(0, 10)) children.push({ label: `[Problem: ${describeRecordProblem(p)}]` });
  if (r.problems.length > 10) children.push({ label: `… ${r.problems.length - 10} more problems` });
  return { label: `${key}: ${parts.join(", ")}`, children };
}

function batchNode(b: RecordBatch, index: number, dataOffset: number): TreeNode {
  const crc = b.crc.ok ? "CRC ok" : "CRC MISMATCH";
  const range = b.baseOffset === b.lastOffset ? `offset ${b.baseOffset}` : `offsets ${b.baseOffset}-${b.lastOffset}`;
  const children: TreeNode[] = [
    { label: `Offsets: ${b.baseOffset} to ${b.lastOffset}` },
    { label: `Magic: ${b.magic}` },
    { label: `Codec: ${b.codec}${b.codec === "unknown" ? ` (id ${b.codecId})` : ""}` },
    {
      label: `CRC: ${b.crc.ok ? "ok" : "MISMATCH"}, stored 0x${hex32(b.crc.stored)}${b.crc.ok ? "" : `, computed 0x${hex32(b.crc.computed)}`}`,
    },
    { label: `Size: ${b.wireSize} bytes on the wire, ${b.uncompressedSize < 0 ? "could not decompress" : `${b.uncompressedSize} bytes of records${b.codec === "none" ? "" : " decompressed"}`}` },
    { label: `Records: ${b.recordCount} declared, ${b.recordsDecoded} decoded` },
    { label: `Timestamps (${b.timestampType === "create" ? "create time" : "log append time"}): first ${time(b.firstTimestamp)}, max ${time(b.maxTimestamp)}` },
  ];
  if (b.magic === 2) {
    children.push({ label: `Producer: id ${b.producerId}, epoch ${b.producerEpoch}, base sequence ${b.baseSequence}` });
    children.push({ label: `Partition leader epoch: ${b.partitionLeaderEpoch}` });
    if (b.transactional || b.control) children.push({ label: `${b.transactional ? "Transactional" : ""}${b.transactional && b.control ? ", " : ""}${b.control ? "Control batch" : ""}` });
  }
  for (const rec of b.records) children.push(recordNode(rec, b.magic === 2 && b.control, dataOffset));
  return {
    label: `Record batch ${index}: ${range}, codec ${b.codec}, ${crc}, ${b.recordCount} record${b.recordCount === 1 ? "" : "s"}, ${b.wireSize} bytes`,
    children,
  };
}

/** A record; `dataOffset` places an uncompressed one's bytes (records start there). */
function recordNode(rec: KafkaRecord, control: boolean, dataOffset: number): TreeNode {
  const key = rec.keyLength < 0 ? "null" : preview(rec.key, rec.keyLength);
  const place = (at: number | undefined, length: number) => (at !== undefined && length > 0 ? { offset: dataOffset + at, length } : {});
  const children: TreeNode[] = [
    { label: `Offset: ${rec.offset}` },
    { label: `Timestamp: ${time(rec.timestamp)}` },
    { label: `Key (${rec.keyLength < 0 ? "null" : `${rec.keyLength} bytes`}): ${key}`, ...place(rec.at?.key, rec.keyLength) },
    {
      label: `Value (${rec.valueLength < 0 ? "null, a tombstone" : `${rec.valueLength} bytes`}): ${rec.valueLength < 0 ? "null" : preview(rec.value, rec.valueLength)}`,
      ...place(rec.at?.value, rec.valueLength),
    },
  ];
  if (control && rec.controlType !== undefined) children.push({ label: `Control type: ${rec.controlType} (${CONTROL_TYPES[rec.controlType] ?? "unknown"})` });
  if (rec.headers.length > 0) {
    children.push({
      label: `Headers (${rec.headers.length})`,
      children: rec.headers.map((h) => ({
        label: `${JSON.stringify(h.key)}${h.keyLength > h.key.length ? "…" : ""}: ${h.valueLength < 0 ? "null" : preview(h.value, h.valueLength)}`,
      })),
    });
  }
  return { label: `Record offset ${rec.offset}: key ${key}`, ...place(rec.at?.record, rec.at?.size ?? 0), children };
}

const CONTROL_TYPES: Record<number, string> = { 0: "abort", 1: "commit" };

function hex32(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

function time(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return "none";
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Kept bytes of a key or value: quoted text when they are printable UTF-8, else hex; "…" when the preview is shorter than the value.
 */
export function preview(bytes: Uint8Array | undefined, length: number): string {
  if (!bytes) return length === 0 ? '""' : `(${length} bytes, not kept)`;
  const more = length > bytes.length ? `… (+${length - bytes.length} bytes)` : "";
  const text = asText(bytes, length > bytes.length);
  // Quoted as it is: raw text, like every label (the printers sanitise, docs/plugins.md).
  if (text !== null) return `"${text}"${more}`;
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}${more}`;
}

function asText(bytes: Uint8Array, cut: boolean): string | null {
  // A preview cut inside a multi-byte character: drop up to 3 trailing bytes.
  for (let drop = 0; drop <= (cut ? 3 : 0) && drop < bytes.length; drop++) {
    let s: string;
    try {
      s = UTF8.decode(bytes.subarray(0, bytes.length - drop));
    } catch {
      continue;
    }
    return /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/.test(s) ? s : null;
  }
  return bytes.length === 0 ? "" : null;
}
