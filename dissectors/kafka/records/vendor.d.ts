/**
 * Minimal declarations for the two codec packages that ship no types. Only what records/ uses.
 */
declare module "lz4js" {
  /**
   * Decodes one raw LZ4 block src[sIndex, sIndex+sLength) into dst from dIndex; returns the new
   * dIndex. Does no bounds checks of its own: callers validate the block first (see codecs/lz4.ts).
   */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  /** Writes an LZ4 frame (tests only). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
}

declare module "lz4js/xxh32.js" {
  /** xxHash32 of src[index, index+len) with the given seed, as uint32. */
  export function hash(seed: number, src: Uint8Array, index: number, len: number): number;
}

declare module "snappyjs" {
  /** Raw snappy (no framing). Throws when the declared length exceeds maxLength or the data is invalid. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  /** Raw snappy compression (tests only). */
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
