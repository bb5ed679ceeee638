/**
 * Record framing and the session on crafted byte streams: records split across segments at every
 * byte, several records per segment, a handshake message spanning records, and lengths that
 * cannot be — which give a note or a malformed PDU, never a throw.
 */
import { describe, expect, it } from "vitest";
import { detectTls, findRecordStart, tlsFraming } from "../../dissectors/tls/framing.js";
import { TlsSession } from "../../dissectors/tls/session.js";
import type { Dir, PacketRef, Pdu, StreamContext } from "../../src/plugins/api.js";
import { Framer } from "../../src/plugins/framer.js";

function record(type: number, body: Uint8Array, version = 0x0303): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out.set([type, version >> 8, version & 0xff, body.length >> 8, body.length & 0xff]);
  out.set(body, 5);
  return out;
}

function handshake(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff]);
  out.set(body, 4);
  return out;
}

const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u16 = (v: number) => [v >> 8, v & 0xff];

/** A ClientHello body offering two suites, with SNI and ALPN. */
function clientHello(sni = "broker-1"): Uint8Array {
  const name = new TextEncoder().encode(sni);
  const serverName = [...u16(name.length + 3), 0, ...u16(name.length), ...name];
  const alpn = [...u16(6), 5, ...new TextEncoder().encode("kafka")];
  const ext = [...u16(0), ...u16(serverName.length), ...serverName, ...u16(16), ...u16(alpn.length), ...alpn];
  return new Uint8Array([3, 3, ...new Array(32).fill(7), 0, ...u16(4), 0x13, 0x01, 0xc0, 0x2f, 1, 0, ...u16(ext.length), ...ext]);
}

/** Frames `chunks` of one direction through the real Framer into a TlsSession; returns what came out. */
function run(chunks: Uint8Array[], dir: Dir = "c2s") {
  const pdus: Pdu[] = [];
  const notes: string[] = [];
  const ctx: StreamContext = {
    connectionId: 1,
    client: { addr: "10.0.0.1", port: 50000 },
    server: { addr: "10.0.0.2", port: 9093 },
    detail: true,
    emit: (p) => pdus.push(p),
    exchange: () => {},
    note: (_s, _p, m) => notes.push(m),
  };
  const session = new TlsSession(ctx);
  const framer = new Framer(tlsFraming, dir, {
    pdu: (bytes, at, wire) => session.pdu(dir, bytes, at, wire),
    framingError: (_o, _p, what) => notes.push(what),
  });
  let offset = 0;
  chunks.forEach((c, i) => {
    const at: PacketRef = { first: i + 1, last: i + 1, tsUs: i, streamOffset: offset };
    framer.data(c, at);
    offset += c.length;
  });
  framer.end();
  return { pdus, notes };
}

describe("TLS record framing", () => {
  const hello = record(22, handshake(1, clientHello()));
  const appData = record(23, new Uint8Array(40).fill(0xab));

  it("a ClientHello split at every byte position comes out whole, in the packet that completed it", () => {
    for (let cut = 1; cut < hello.length; cut++) {
      const { pdus, notes } = run([hello.subarray(0, cut), hello.subarray(cut)]);
      expect(notes).toEqual([]);
      expect(pdus).toHaveLength(1);
      expect(pdus[0]!.summary).toBe("Client Hello (SNI=broker-1)");
      expect(pdus[0]!.ref).toMatchObject({ first: 1, last: 2 });
      expect(pdus[0]!.fields["tls.handshake.ciphersuite"]).toEqual([0x1301, 0xc02f]);
      expect(pdus[0]!.fields["tls.handshake.extensions_alpn_str"]).toEqual(["kafka"]);
    }
  });

  it("several records in one segment, and one byte per segment", () => {
    const stream = cat(hello, appData, appData);
    const together = run([stream]);
    expect(together.pdus.map((p) => p.summary)).toEqual(["Client Hello (SNI=broker-1)", "Application Data", "Application Data"]);
    expect(together.pdus.map((p) => p.fields["tls.record.length"])).toEqual([hello.length - 5, 40, 40]);
    const bytewise = run([...stream].map((b) => new Uint8Array([b])));
    expect(bytewise.pdus.map((p) => [p.summary, p.fields["tls.record.length"]])).toEqual(together.pdus.map((p) => [p.summary, p.fields["tls.record.length"]]));
  });

  it("a handshake message spanning three records is read when its last part arrives", () => {
    const msg = handshake(1, clientHello("a-much-longer-broker-name.example"));
    const parts = [msg.subarray(0, 10), msg.subarray(10, 50), msg.subarray(50)];
    const { pdus } = run([cat(...parts.map((p) => record(22, p)))]);
    expect(pdus.map((p) => p.summary)).toEqual([
      "Handshake (fragment of a message spanning records)",
      "Handshake (fragment of a message spanning records)",
      "Client Hello (SNI=a-much-longer-broker-name.example)",
    ]);
    expect(pdus[2]!.fields["tls.handshake.type"]).toBe(1);
    expect(pdus.every((p) => p.malformed === undefined)).toBe(true);
  });

  it("a record longer than TLS allows is a framing note, and the next good record is found again", () => {
    const absurd = new Uint8Array([23, 3, 3, 0xff, 0xff, 1, 2, 3]);
    const { pdus, notes } = run([absurd, cat(appData, appData)]);
    expect(notes).toEqual(["PDU length 65540 outside 5..18437"]);
    expect(pdus.map((p) => p.summary)).toEqual(["Application Data", "Application Data"]);
  });

  it("bytes that are not a record start are a framing note", () => {
    const { pdus, notes } = run([new Uint8Array([0x47, 0x45, 0x54, 0x20, 0x2f, 0x20])]);
    expect(notes).toEqual(["bytes that cannot start a PDU"]);
    expect(pdus).toEqual([]);
  });

  it("a ClientHello whose extension overruns the message is a malformed PDU, not a throw", () => {
    const body = clientHello();
    body[body.length - 8] = 0xff; // the ALPN list claims more bytes than the extension holds
    const { pdus } = run([record(22, handshake(1, body))]);
    expect(pdus).toHaveLength(1);
    expect(pdus[0]!.malformed).toMatch(/^Client Hello: /);
    expect(pdus[0]!.fields["tls.handshake.type"]).toBe(1);
  });

  it("a handshake message announcing 16 MB is malformed, and the session goes on", () => {
    const huge = record(22, new Uint8Array([11, 0xff, 0xff, 0xff, 0, 0]));
    const { pdus } = run([cat(huge, appData)]);
    expect(pdus[0]!.malformed).toMatch(/Certificate of 16777215 bytes/);
    expect(pdus[1]!.summary).toBe("Application Data");
  });

  it("an alert in the clear, and one after ChangeCipherSpec", () => {
    const { pdus } = run([cat(record(21, new Uint8Array([2, 42])), record(20, new Uint8Array([1])), record(21, new Uint8Array(26)))]);
    expect(pdus.map((p) => p.summary)).toEqual(["Alert (Level: Fatal, Description: Bad Certificate)", "Change Cipher Spec", "Encrypted Alert"]);
    expect(pdus[0]!.fields).toMatchObject({ "tls.alert_message.level": 2, "tls.alert_message.desc": 42 });
  });

  it("a record cut by the end of the capture says so", () => {
    const { pdus } = run([hello.subarray(0, 30)]);
    expect(pdus).toHaveLength(1);
    expect(pdus[0]!.summary).toBe(`Handshake (incomplete: 30 of ${hello.length} bytes seen)`);
  });

  it("after a gap, the next record start is found by two headers in a row", () => {
    // Looks like a header, but the record it announces is not followed by another one.
    const junk = new Uint8Array([0x17, 0x03, 0x03, 0x00, 0x05, 0x99, 0x42]);
    expect(findRecordStart(cat(junk, appData, appData))).toBe(junk.length);
    expect(findRecordStart(new Uint8Array([1, 2, 3]))).toBe(-1);
  });
});

describe("TLS heuristic", () => {
  const hello = record(22, handshake(1, clientHello()), 0x0301);

  it("claims a ClientHello from the client, asks for more while it is short", () => {
    expect(detectTls(hello, "c2s")).toBe("yes");
    expect(detectTls(hello, "s2c")).toBe("client");
    for (let n = 0; n < 11; n++) expect(detectTls(hello.subarray(0, n), "c2s")).toBe("more");
  });

  it("waits for the client when only a ServerHello is seen", () => {
    expect(detectTls(record(22, handshake(2, new Uint8Array(40))), "s2c")).toBe("more");
  });

  it("declines Kafka requests, HTTP, application data and absurd lengths", () => {
    const kafka = new Uint8Array([0, 0, 0, 20, 0, 18, 0, 3, 0, 0, 0, 1, 0, 5, 0x72, 0x64, 0x6b, 0x61, 0x66, 0x6b, 0x61, 0, 0, 0]);
    expect(detectTls(kafka, "c2s")).toBe("no");
    expect(detectTls(new TextEncoder().encode("GET / HTTP/1.1\r\n"), "c2s")).toBe("no");
    expect(detectTls(record(23, new Uint8Array(40)), "c2s")).toBe("no");
    expect(detectTls(new Uint8Array([22, 3, 1, 0xff, 0xff, 1, 0, 0, 50, 3, 3]), "c2s")).toBe("no");
    expect(detectTls(new Uint8Array([22, 3, 9, 0, 60, 1]), "c2s")).toBe("no");
  });
});
