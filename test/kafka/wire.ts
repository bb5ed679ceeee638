/**
 * One Kafka request or response as it goes on the wire (size-prefixed), built by the test encoder
 * from its sample values: for synthetic captures (test/tcp/helpers.ts Scenario `data`).
 */
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import { requestHeaderVersion, responseHeaderVersion } from "../../dissectors/kafka/schema/decode.js";
import { encode, encodeRequestHeader, encodeResponseHeader, sample, Writer } from "./encoder.js";

/**
 * `apiKey` at its oldest version (Produce: v3, acks 1), correlation id `corr`; `set` overrides
 * top-level fields of the sample body (e.g. { error_code: 79 }).
 */
export function kafkaMessage(apiKey: number, corr: number, request: boolean, set: Record<string, number> = {}): Uint8Array {
  const api = APIS.find((a) => a.key === apiKey)!;
  const v = api.valid[0] + (apiKey === 0 ? 3 : 0);
  const flexible = api.flex !== null && v >= api.flex;
  const w = new Writer();
  if (request) {
    const body = sample(api.req, v, flexible, "full");
    if (apiKey === 0) body.acks = 1;
    Object.assign(body, set);
    encodeRequestHeader(w, requestHeaderVersion(apiKey, v)!, apiKey, v, corr, "synthetic-client");
    w.raw(encode(api.req, body, v, flexible).bytes);
  } else {
    const body = sample(api.res, v, flexible, "full");
    Object.assign(body, set);
    encodeResponseHeader(w, responseHeaderVersion(apiKey, v)!, corr);
    w.raw(encode(api.res, body, v, flexible).bytes);
  }
  const out = new Uint8Array(4 + w.length);
  new DataView(out.buffer).setInt32(0, w.length);
  out.set(w.bytes(), 4);
  return out;
}
