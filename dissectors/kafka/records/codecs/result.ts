/**
 * What every codec returns. Codecs never throw: a library exception becomes `decompress_failed`
 * with reason "codec_error", and every size check happens before the output is allocated.
 */
import type { DecompressReason } from "../types.js";

export type DecompressResult =
  | { ok: true; bytes: Uint8Array }
  | {
      ok: false;
      code: "decompress_failed" | "decompressed_too_large";
      reason: DecompressReason;
      /** Position in the compressed input where the problem was seen. */
      at: number;
      /** For decompressed_too_large: the size declared or reached (a lower bound). */
      required?: number;
    };

export function failed(reason: DecompressReason, at: number): DecompressResult {
  return { ok: false, code: "decompress_failed", reason, at };
}

export function tooLarge(reason: DecompressReason, required: number, at = 0): DecompressResult {
  return { ok: false, code: "decompressed_too_large", reason, at, required };
}

/** Joins output chunks whose total is already known to be within the bound. */
export function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
