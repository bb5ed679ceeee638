/**
 * The PDU and exchange stores (src/model/pdu-store.ts, exchange-store.ts): what a reader gets back
 * from a stored record is what the dissector handed over, optional parts included, without an
 * object per message kept (the stores' effect on memory is measured by bench/memory.js).
 */
import { describe, expect, it } from "vitest";
import { ExchangeStore } from "../../src/model/exchange-store.js";
import { PduStore } from "../../src/model/pdu-store.js";
import type { Exchange, Pdu } from "../../src/plugins/api.js";

function pdu(n: number, extra: Partial<Pdu> = {}): Pdu {
  return {
    dir: n % 2 === 0 ? "c2s" : "s2c",
    ref: { first: n, last: n + 1, tsUs: 1_795_662_445_000_000 + n * 0.5, streamOffset: n * 100 },
    length: 40 + n,
    summary: `Produce v9 Request corr=${n}`,
    fields: { "kafka.api_key": 0, "kafka.correlation_id": n, "kafka.client_id": n % 3 === 0 ? null : "rdkafka", "kafka.topic_name": ["orders"], "kafka.error": [0, n] },
    ...extra,
  };
}

function plain(p: Pdu): Pdu {
  return { dir: p.dir, ref: p.ref, length: p.length, summary: p.summary, fields: p.fields, ...(p.malformed !== undefined ? { malformed: p.malformed } : {}), ...(p.secrets ? { secrets: p.secrets } : {}) };
}

describe("PduStore", () => {
  it("reads back every PDU as it was added: fields in their order, the optional parts only where given", () => {
    const store = new PduStore();
    const given = [
      pdu(1),
      pdu(2, { malformed: "request header too short", fields: { "kafka.len": 3 } }),
      pdu(3, { ref: { first: 7, last: 9, tsUs: 12.25, streamOffset: 4_294_967_296 + 5, endedAfter: 0 } }),
      pdu(4, { secrets: [{ offset: 12, length: 8 }], fields: {} }),
    ];
    const records = given.map((p, i) => store.add(p, 10 + i, i === 3 ? "tls" : "kafka", 100 + i));
    expect(store.list).toEqual(records);
    records.forEach((r, i) => {
      expect(plain(r)).toEqual(given[i]);
      expect(Object.keys(r.fields)).toEqual(Object.keys(given[i]!.fields));
      expect([r.connId, r.dissector, r.packet]).toEqual([10 + i, i === 3 ? "tls" : "kafka", 100 + i]);
      for (const name of ["kafka.correlation_id", "kafka.error", "kafka.len", "kafka.nothing"]) expect(store.field(r, name)).toEqual(given[i]!.fields[name]);
    });
    expect("endedAfter" in records[0]!.ref).toBe(false);
    expect(records[2]!.ref.endedAfter).toBe(0);
    expect(records[0]!.malformed).toBeUndefined();
    expect(records[0]!.secrets).toBeUndefined();
  });

  it("a frozen fields object shared by many PDUs (TLS records) reads back right, with each row's own summary and columns", () => {
    const store = new PduStore();
    const small = Object.freeze({ "tls.record.content_type": 23, "tls.record.length": 1416, "tls.record.decrypted_type": 23 });
    const large = Object.freeze({ "tls.record.content_type": 23, "tls.record.length": 16401, "tls.record.big": 2 ** 40 });
    const given: Pdu[] = [
      pdu(1, { fields: small, summary: "Application Data (decrypted, 1399 bytes)" }),
      pdu(2),
      pdu(3, { fields: large, summary: "Application Data (decrypted, 16384 bytes)", malformed: "cut" }),
      pdu(4, { fields: small, summary: "Application Data (decrypted, 1399 bytes)" }),
      // The same fields with another summary (TLS 1.3 padding): its own, and the next rows share it.
      pdu(5, { fields: small, summary: "Application Data (decrypted, 1390 bytes)" }),
      pdu(6, { fields: small, summary: "Application Data (decrypted, 1390 bytes)" }),
      pdu(7, { fields: large, summary: "Application Data (decrypted, 16384 bytes)" }),
      pdu(8, { fields: small, summary: "Application Data (decrypted, 1399 bytes)" }),
      pdu(9, { fields: small, summary: "Application Data (decrypted, 0000 bytes \u0000)" }),
      pdu(10, { fields: small, summary: "Application Data (decrypted, 0000 bytes \u0000)" }),
    ];
    const records = given.map((p, i) => store.add(p, i, "tls", 100 + i));
    store.trim();
    records.forEach((r, i) => {
      expect(plain(r)).toEqual(given[i]);
      expect(r.packet).toBe(100 + i);
      expect(store.field(r, "tls.record.length")).toBe(given[i]!.fields["tls.record.length"]);
    });
    // A reader may change what it got: the next reader of a row sharing those values does not see it.
    records[0]!.fields["tls.record.length"] = 1;
    expect(records[3]!.fields["tls.record.length"]).toBe(1416);
  });

});

describe("ExchangeStore", () => {
  const side = (first: number, streamOffset?: number) => ({ first, last: first + 2, tsUs: first * 1000.5, length: 100 + first, ...(streamOffset !== undefined ? { streamOffset } : {}) });
  const exchanges: Exchange[] = [
    { request: side(1, 0), response: side(5, 0), status: "answered", confidence: "certain", summary: "Produce v9 corr=1 1.2ms", fields: { "kafka.api_key": 0, "kafka.response_time": 1.2 } },
    { request: side(3), response: null, status: "unanswered", confidence: "certain", summary: "Fetch v12 corr=2 no response", fields: { "kafka.api_key": 1, "kafka.unanswered": "rst" } },
    { request: side(4, 900), response: null, status: "no-response-expected", confidence: "certain", summary: "Produce acks=0", fields: {} },
    { request: null, response: side(2), status: "orphan-response", confidence: "guess", summary: "Response corr=9", fields: { "kafka.correlation_id": 9 } },
  ];

  it("reads back sides (absent ones null, a missing stream offset absent), status, confidence and fields", () => {
    const store = new ExchangeStore();
    const records = exchanges.map((x, i) => store.add(x, i, "kafka"));
    records.forEach((r, i) => {
      const x = exchanges[i]!;
      expect({ request: r.request, response: r.response, status: r.status, confidence: r.confidence, summary: r.summary, fields: r.fields }).toEqual(x);
      expect(r.connId).toBe(i);
      expect(store.firstPacket(r)).toBe((x.request ?? x.response)!.first);
      expect(store.field(r, "kafka.api_key")).toEqual(x.fields["kafka.api_key"]);
    });
    expect("streamOffset" in records[1]!.request!).toBe(false);
  });
});
