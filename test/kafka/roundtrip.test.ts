/**
 * Coverage proof: every API key, every valid version, request and response, decodes what the
 * table-driven test encoder wrote — in two variants (everything present incl. tagged and unknown
 * tags; nulls where nullable). Also pins header decoding for every API version.
 */
import { describe, expect, it } from "vitest";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import {
  compileReader,
  decodeRequest,
  decodeResponse,
  requestHeaderVersion,
  responseHeaderVersion,
} from "../../dissectors/kafka/schema/decode.js";
import { encode, encodeRequestHeader, encodeResponseHeader, sample, Writer, type Variant } from "./encoder.js";

const VARIANTS: Variant[] = ["full", "nulls"];

describe("round trip over every api, version and direction", () => {
  for (const api of APIS) {
    it(`${api.key} ${api.name} v${api.valid[0]}-${api.valid[1]}`, () => {
      let checked = 0;
      for (let v = api.valid[0]; v <= api.valid[1]; v++) {
        const flexible = api.flex !== null && v >= api.flex;
        for (const kind of ["request", "response"] as const) {
          for (const variant of VARIANTS) {
            const fields = kind === "request" ? api.req : api.res;
            const value = sample(fields, v, flexible, variant);
            const { bytes, expected } = encode(fields, value, v, flexible);
            const got = compileReader(api.key, v, kind)(bytes);
            const where = `${api.name} v${v} ${kind} ${variant}`;
            expect(got.error, where).toBeUndefined();
            expect(got.ok, where).toBe(true);
            expect(got.trailing, where).toBe(0);
            expect(got.end, where).toBe(bytes.length);
            expect(got.value, where).toEqual(expected);
            checked++;
          }
        }
      }
      expect(checked).toBe((api.valid[1] - api.valid[0] + 1) * 4);
    });
  }

  // 88 = the request definitions in ../shared/kafka-protocol (Kafka 4.0.0-SNAPSHOT); update on regeneration.
  it("covers all 88 API keys of the definitions", () => {
    expect(APIS.length).toBe(88);
    expect(new Set(APIS.map((a) => a.key)).size).toBe(APIS.length);
  });
});

describe("whole messages with headers", () => {
  for (const api of APIS) {
    it(`${api.name}: header versions and bodies for every version`, () => {
      for (let v = api.valid[0]; v <= api.valid[1]; v++) {
        const flexible = api.flex !== null && v >= api.flex;
        const hv = requestHeaderVersion(api.key, v)!;
        const w = new Writer();
        encodeRequestHeader(w, hv, api.key, v, 1000 + v, v % 2 ? "kdiag-client" : null);
        const bodyStart = w.length;
        const value = sample(api.req, v, flexible, "full");
        const { expected } = encode(api.req, value, v, flexible);
        const bodyBytes = encode(api.req, value, v, flexible).bytes;
        w.raw(bodyBytes);
        const req = decodeRequest(w.bytes());
        expect(req.ok, `${api.name} v${v}`).toBe(true);
        expect(req.header.api_key).toBe(api.key);
        expect(req.header.api_version).toBe(v);
        expect(req.header.correlation_id).toBe(1000 + v);
        expect(req.header.header_version).toBe(hv);
        if (hv === 0) expect("client_id" in req.header).toBe(false);
        else expect(req.header.client_id).toBe(v % 2 ? "kdiag-client" : null);
        expect(req.bodyOffset).toBe(bodyStart);
        // Records references are offsets into the PDU: shift the body-relative expectation.
        expect(JSON.stringify(req.body, big)).toBe(JSON.stringify(shiftRecords(expected, bodyStart), big));

        const rhv = responseHeaderVersion(api.key, v)!;
        const rw = new Writer();
        encodeResponseHeader(rw, rhv, 1000 + v);
        const rvalue = sample(api.res, v, flexible, "nulls");
        const renc = encode(api.res, rvalue, v, flexible);
        rw.raw(renc.bytes);
        const res = decodeResponse(rw.bytes(), api.key, v);
        expect(res.ok, `${api.name} v${v} response`).toBe(true);
        expect(res.header.correlation_id).toBe(1000 + v);
        expect(res.trailing).toBe(0);
      }
    });
  }

  it("applies the header version rules", () => {
    expect(requestHeaderVersion(0, 8)).toBe(1); // Produce v8: not flexible
    expect(requestHeaderVersion(0, 9)).toBe(2); // Produce v9: flexible
    expect(requestHeaderVersion(7, 0)).toBe(0); // ControlledShutdown v0: no client id
    expect(requestHeaderVersion(7, 1)).toBe(1);
    expect(requestHeaderVersion(18, 3)).toBe(2);
    expect(responseHeaderVersion(18, 3)).toBe(0); // ApiVersions answers with v0 always
    expect(responseHeaderVersion(0, 9)).toBe(1);
    expect(responseHeaderVersion(0, 8)).toBe(0);
    expect(requestHeaderVersion(0, 99)).toBeNull();
    expect(requestHeaderVersion(9999, 0)).toBeNull();
    expect(responseHeaderVersion(9999, 0)).toBeNull();
  });
});

function big(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}

function shiftRecords(v: unknown, by: number): unknown {
  if (Array.isArray(v)) return v.map((e) => shiftRecords(e, by));
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 2 && typeof o.offset === "number" && typeof o.length === "number") return { offset: o.offset + by, length: o.length };
    return Object.fromEntries(keys.map((k) => [k, shiftRecords(o[k], by)]));
  }
  return v;
}
