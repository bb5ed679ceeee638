/**
 * The one printer for RecordProblem: `what (at byte N[, inside the decompressed data at M])`.
 * Callers prefix file and packet; nothing should parse this text.
 */
import type { RecordProblem, RecordProblemCode } from "./types.js";

const WHAT: Record<RecordProblemCode, string> = {
  bad_length: "batch length below the minimum; the rest of the records cannot be framed",
  unknown_magic: "unknown record format (magic byte); entry skipped",
  crc_mismatch: "CRC mismatch: the batch bytes are corrupt or were altered",
  unknown_codec: "unknown compression codec",
  decompress_failed: "compressed data is malformed",
  decompressed_too_large: "decompressed size exceeds the limit; not decompressed",
  bad_record_count: "record count impossible for the bytes present",
  bad_record: "malformed record",
  record_count_mismatch: "fewer records than the batch declares",
  trailing_bytes: "bytes left after the declared records",
  too_deep: "compressed messages nested too deep",
};

export function describeRecordProblem(p: RecordProblem): string {
  let s = WHAT[p.code];
  if (p.codec !== undefined) s += ` (${p.codec}${p.reason !== undefined ? `: ${p.reason}` : ""})`;
  else if (p.reason !== undefined) s += ` (${p.reason})`;
  if (p.required !== undefined || p.available !== undefined) s += ` [required ${p.required ?? "?"}, available ${p.available ?? "?"}]`;
  s += ` at byte ${p.offset}`;
  if (p.innerOffset !== undefined) s += `, decompressed byte ${p.innerOffset}`;
  return s;
}
