/**
 * Recording where decoding ended early, without allocating: each DecodedPacket made by
 * createDecodedPacket owns one DecodeStop record that is rewritten in place, so an ARP storm or a
 * capture full of truncated frames costs no garbage (gopacket #369 allocated on that path).
 */
import type { DecodeLayer, DecodeStop, DecodedPacket } from "./types.js";

/** Hidden slot for the reusable record; a symbol keeps it out of JSON and object listings. */
const STOP_RECORD = Symbol("kdiag.decode.stopRecord");

interface WithStopRecord {
  [STOP_RECORD]?: DecodeStop;
}

/** Give `out` its own reusable stop record (called once, when the object is created). */
export function attachStopRecord(out: DecodedPacket): void {
  const record: DecodeStop = { layer: "link", kind: "short", offset: 0, need: 0, have: 0, what: "" };
  Object.defineProperty(out, STOP_RECORD, { value: record, enumerable: false, writable: false });
}

/**
 * Set `out.stop`. `what` must be a literal: the hot path never formats text. An `out` that was not
 * made by createDecodedPacket gets a fresh record (correct, just not allocation-free).
 */
export function setStop(
  out: DecodedPacket,
  layer: DecodeLayer,
  kind: DecodeStop["kind"],
  offset: number,
  need: number,
  have: number,
  what: string,
): void {
  let s = (out as WithStopRecord)[STOP_RECORD];
  if (s === undefined) s = { layer, kind, offset, need, have, what };
  s.layer = layer;
  s.kind = kind;
  s.offset = offset;
  s.need = need;
  s.have = have < 0 ? 0 : have;
  s.what = what;
  out.stop = s;
}
