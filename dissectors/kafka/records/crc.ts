/**
 * The two checksums of Kafka record formats. crc-32 is a pure-JS slice-by-16 implementation (CJS;
 * imported through its default export because its factory-style module hides named exports from
 * Node's ESM loader). Both return uint32.
 */
import CRC32 from "crc-32";
import CRC32C from "crc-32/crc32c.js";

/** CRC-32C (Castagnoli): magic 2 batches, over attributes..end. */
export function crc32c(bytes: Uint8Array): number {
  return CRC32C.buf(bytes, 0) >>> 0;
}

/** CRC-32 (IEEE): magic 0/1 messages, over magic..end. */
export function crc32(bytes: Uint8Array): number {
  return CRC32.buf(bytes, 0) >>> 0;
}
