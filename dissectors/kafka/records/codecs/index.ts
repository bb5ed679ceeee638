/**
 * One entry point for the four codecs: decompress(codec id, bytes, bound). Each codec refuses
 * output beyond `bound` before allocating it and never throws (see result.ts).
 */
import { gunzipBounded } from "./gzip.js";
import { unsnappyBounded } from "./snappy.js";
import { unlz4Bounded } from "./lz4.js";
import { unzstdBounded } from "./zstd.js";
import type { DecompressResult } from "./result.js";

export type { DecompressResult } from "./result.js";

/** codecId: 1 gzip, 2 snappy, 3 lz4, 4 zstd (attributes & 7). Callers handle 0 and unknown ids. */
export function decompress(codecId: number, input: Uint8Array, bound: number): DecompressResult {
  switch (codecId) {
    case 1:
      return gunzipBounded(input, bound);
    case 2:
      return unsnappyBounded(input, bound);
    case 3:
      return unlz4Bounded(input, bound);
    case 4:
      return unzstdBounded(input, bound);
    default:
      return { ok: false, code: "decompress_failed", reason: "codec_error", at: 0 };
  }
}
