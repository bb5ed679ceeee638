/**
 * The TLS dissector end to end (capture -> TCP -> record framing -> `kdiag packets --json`)
 * against tshark, frame by frame, on the real captures of test/fixtures/tls: wherever tshark
 * shows a TLS field, kdiag has the same values in the same packet, and nowhere else.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TLS_DIR, kdiagJson } from "./helpers.js";

/** Fields compared; numbers are compared as numbers (tshark prints some in hex). */
const FIELDS = [
  "tls.record.content_type",
  "tls.record.version",
  "tls.record.length",
  "tls.handshake.type",
  "tls.handshake.version",
  "tls.handshake.extensions.supported_version",
  "tls.handshake.extensions_server_name",
  "tls.handshake.ciphersuite",
  "tls.handshake.extensions_alpn_str",
  "tls.alert_message.level",
  "tls.alert_message.desc",
] as const;
const TEXT = new Set(["tls.handshake.extensions_server_name", "tls.handshake.extensions_alpn_str"]);

type Values = Record<string, string[]>;

/**
 * tshark names the type of a TLS 1.3 encrypted record tls.record.opaque_type; kdiag keeps one
 * field, tls.record.content_type, for every record. Content types are compared as multisets.
 */
const OPAQUE = "tls.record.opaque_type";

function tshark(file: string): Map<number, Values> {
  const args = ["-r", file, "-d", "tcp.port==9093,tls", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"];
  for (const f of ["frame.number", ...FIELDS, OPAQUE]) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const out = new Map<number, Values>();
  for (const line of text.split("\n").filter(Boolean)) {
    const [frame, ...values] = line.split("\t");
    const rec: Values = {};
    FIELDS.forEach((f, i) => (rec[f] = values[i] ? values[i]!.split("|").map((v) => norm(f, v)) : []));
    const opaque = values[FIELDS.length] ? values[FIELDS.length]!.split("|").map((v) => norm(OPAQUE, v)) : [];
    rec["tls.record.content_type"] = [...rec["tls.record.content_type"]!, ...opaque].sort();
    out.set(Number(frame), rec);
  }
  return out;
}

function norm(field: string, v: string): string {
  return TEXT.has(field) ? v : String(Number(v));
}

interface PacketJson {
  number: number;
  protocol: string;
  info: string;
  pdus?: Array<{ dissector: string; fields: Record<string, unknown>; malformed: string | null }>;
}

function ours(file: string): Map<number, Values> {
  const out = new Map<number, Values>();
  for (const p of kdiagJson("packets", "--json", file).packets as PacketJson[]) {
    const rec: Values = {};
    for (const f of FIELDS) {
      rec[f] = [];
      for (const pdu of (p.pdus ?? []).filter((d) => d.dissector === "tls")) {
        const v = pdu.fields[f];
        if (v === undefined || v === null) continue;
        for (const x of Array.isArray(v) ? v : [v]) rec[f].push(norm(f, String(x)));
      }
    }
    rec["tls.record.content_type"]!.sort();
    out.set(p.number, rec);
  }
  return out;
}

const captures = readdirSync(TLS_DIR).filter((f) => f.endsWith(".pcap")).sort();

describe("TLS dissector against tshark, frame by frame", () => {
  it.each(captures)("%s", (f) => {
    const file = join(TLS_DIR, f);
    const theirs = tshark(file);
    const mine = ours(file);
    expect([...mine.keys()]).toEqual([...theirs.keys()]);
    let compared = 0;
    for (const [frame, t] of theirs) {
      for (const field of FIELDS) {
        expect(mine.get(frame)![field], `frame ${frame} ${field}`).toEqual(t[field]);
        compared += t[field]!.length;
      }
    }
    expect(compared).toBeGreaterThan(5);
  });
});

describe("what the captures say, in kdiag's words", () => {
  const packets = (f: string) => kdiagJson("packets", "--json", join(TLS_DIR, f)).packets as PacketJson[];
  const tlsRows = (f: string) => packets(f).filter((p) => p.protocol === "TLS").map((p) => p.info);

  it("TLS 1.2 with ECDHE-RSA-AES128-GCM: SNI, the chosen suite, the broker's certificate", () => {
    const rows = packets("tls12-ecdhe-rsa-aes128-gcm.pcap");
    expect(rows.filter((p) => p.protocol === "TLS").map((p) => p.info).slice(0, 4)).toEqual([
      "Client Hello (SNI=broker-1)",
      "Server Hello",
      "Certificate",
      "Server Key Exchange; Server Hello Done",
    ]);
    const hello = rows.flatMap((p) => p.pdus ?? []).find((d) => d.fields["tls.handshake.type"] === 2)!;
    expect(hello.fields["tls.handshake.ciphersuite"]).toBe(0xc02f);
    expect(hello.fields["tls.handshake.extensions_alpn_str"]).toEqual(["kafka"]);
    const cert = rows.flatMap((p) => p.pdus ?? []).find((d) => d.fields["tls.handshake.type"] === 11)!;
    expect(cert.fields["tls.handshake.certificate.subject"]).toEqual(["O=kdiag test, CN=broker-1"]);
    expect(cert.fields["tls.handshake.certificate.issuer"]).toEqual(["O=kdiag test, CN=kdiag test CA"]);
    const notAfter = (cert.fields["tls.handshake.certificate.not_after"] as string[])[0]!;
    expect(notAfter).toMatch(/^20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(tlsRows("tls12-ecdhe-rsa-aes128-gcm.pcap")).toContain("Application Data");
  });

  it("TLS 1.2 with ECDHE-RSA-CHACHA20-POLY1305: four handshake records in one segment", () => {
    expect(tlsRows("tls12-ecdhe-rsa-chacha20.pcap").slice(0, 4)).toEqual([
      "Client Hello (SNI=broker-1)",
      "Server Hello; Certificate; Server Key Exchange; Server Hello Done",
      "Client Key Exchange; Change Cipher Spec; Encrypted Handshake Message",
      "New Session Ticket; Change Cipher Spec; Encrypted Handshake Message",
    ]);
  });

  it.each([
    ["tls13-aes128-gcm.pcap", 0x1301],
    ["tls13-chacha20.pcap", 0x1303],
  ])("%s: TLS 1.3 chosen, the certificates said to be encrypted", (f, suite) => {
    const pdus = packets(f).flatMap((p) => p.pdus ?? []);
    const hello = pdus.find((d) => d.fields["tls.handshake.type"] === 2)!;
    expect(hello.fields["tls.handshake.ciphersuite"]).toBe(suite);
    expect(hello.fields["tls.handshake.extensions.supported_version"]).toBe(0x0304);
    expect(hello.fields["tls.handshake.certificates_encrypted"]).toBe(true);
    expect(pdus.some((d) => d.fields["tls.handshake.type"] === 11)).toBe(false);
    expect(pdus.every((d) => d.malformed === null)).toBe(true);
  });

  it("the client that does not trust the broker's CA: a fatal unknown_ca alert", () => {
    const rows = tlsRows("tls12-unknown-ca.pcap");
    expect(rows.at(-1)).toBe("Alert (Level: Fatal, Description: Unknown CA)");
    const alert = packets("tls12-unknown-ca.pcap").flatMap((p) => p.pdus ?? []).find((d) => d.fields["tls.alert_message.desc"] !== undefined)!;
    expect(alert.fields).toMatchObject({ "tls.alert_message.level": 2, "tls.alert_message.desc": 48 });
  });

  it("a TLS 1.3-only client and a TLS 1.2-only broker: protocol_version", () => {
    expect(tlsRows("tls13-to-tls12-protocol-version.pcap")).toEqual(["Client Hello (SNI=broker-1)", "Alert (Level: Fatal, Description: Protocol Version)"]);
  });

  it("a HelloRetryRequest: the second ClientHello is still read in the clear", () => {
    expect(tlsRows("terminator-kafka-producer.pcap").slice(0, 4)).toEqual([
      "Client Hello",
      "Hello Retry Request; Change Cipher Spec",
      "Change Cipher Spec; Client Hello",
      "Server Hello; Application Data; Application Data; Application Data; Application Data",
    ]);
  });
});
