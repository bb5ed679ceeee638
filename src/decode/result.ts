/**
 * Return codes shared by the layer decoders. A decoder returns the offset where the next layer
 * starts (>= 0), or one of these.
 */

/** Decoding stopped; `out.stop` says where and why. */
export const STOPPED = -1;
/** This layer was decoded but carries no next-layer header (a later IP fragment). */
export const NO_TRANSPORT = -2;
