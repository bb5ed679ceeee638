/**
 * SASL decoded on real captures (test/fixtures/sasl, scripts/fixtures/make-sasl-captures.sh):
 * kcat's SaslHandshake v1 + SaslAuthenticate against tshark, kafka-python's raw tokens after a
 * SaslHandshake v0 (framed by a bare length; tshark 4.0 has no decoder for them), and SCRAM
 * decrypted from SASL_SSL with the client's key log. tshark 4.0.17 decodes kafka.sasl_mechanism
 * but not the tokens: its kafka.sasl_authentication reads 2 bytes and shows <MISSING>, so the
 * token fields are checked against the frame's TCP payload as tshark gives it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const DIR = join(import.meta.dirname, "..", "fixtures", "sasl");

interface PduJson {
  dissector?: string;
  direction: string;
  summary?: string;
  malformed?: string;
  fields: Record<string, unknown>;
}

function kdiag(args: string[]): { packets: Array<{ number: number; pdus?: PduJson[] }>; stderr: string } {
  const r = spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return { packets: JSON.parse(r.stdout).packets, stderr: r.stderr };
}

function pdusOf(args: string[]): Array<PduJson & { frame: number }> {
  return kdiag(args).packets.flatMap((p) => (p.pdus ?? []).map((d) => ({ ...d, frame: p.number })));
}

/** tshark's Kafka fields per frame (Wireshark's kafka.sasl_mechanism: the request's, or the broker's list). */
function tshark(file: string, fields: string[]): Map<number, Record<string, string[]>> {
  const args = ["-r", file, "-d", "tcp.port==9092,kafka", "-Y", "kafka", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=|"];
  for (const f of ["frame.number", ...fields]) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const out = new Map<number, Record<string, string[]>>();
  for (const line of text.split("\n").filter(Boolean)) {
    const [frame, ...values] = line.split("\t");
    const rec: Record<string, string[]> = {};
    fields.forEach((f, i) => (rec[f] = values[i] ? values[i]!.split("|") : []));
    out.set(Number(frame), rec);
  }
  return out;
}

/** The TCP payload of a frame, from tshark (independent of kdiag's reassembly and framing). */
function payload(file: string, frame: number): Buffer {
  const hex = execFileSync("tshark", ["-r", file, "-Y", `frame.number == ${frame}`, "-T", "fields", "-e", "tcp.payload"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return Buffer.from(hex.trim().replace(/:/g, ""), "hex");
}

const str = (v: unknown): string[] => (v === undefined || v === null ? [] : (Array.isArray(v) ? v : [v]).map(String));

describe("SASL against tshark (kcat: SaslHandshake v1, SaslAuthenticate)", () => {
  for (const name of ["plain-kcat.pcap", "scram-sha-256-kcat.pcap", "scram-sha-256-wrong-password-kcat.pcap", "unsupported-mechanism-kcat.pcap"]) {
    it(`${name}: mechanism, API and correlation id of every SASL message as tshark decodes them`, () => {
      const file = join(DIR, name);
      const t = tshark(file, ["kafka.api_key", "kafka.correlation_id", "kafka.sasl_mechanism", "kafka.error"]);
      const ours = pdusOf(["packets", "--json", file]);
      let compared = 0;
      for (const [frame, rec] of t) {
        if (!rec["kafka.api_key"]!.some((k) => k === "17" || k === "36")) continue;
        const p = ours.find((d) => d.frame === frame);
        expect(p, `frame ${frame}`).toBeDefined();
        expect(str(p!.fields["kafka.api_key"])).toEqual(rec["kafka.api_key"]);
        expect(str(p!.fields["kafka.correlation_id"])).toEqual(rec["kafka.correlation_id"]);
        const mech = rec["kafka.sasl_mechanism"]!;
        if (mech.length > 0) {
          // tshark's one field is the request's mechanism, or the response's enabled list.
          const mine = p!.direction === "c2s" ? str(p!.fields["kafka.sasl.mechanism"]) : str(p!.fields["kafka.sasl.enabled_mechanisms"]);
          expect(mine, `frame ${frame}`).toEqual(mech);
          compared++;
        }
        const errs = rec["kafka.error"]!.filter((e) => e !== "0");
        if (errs.length > 0) expect(str(p!.fields["kafka.error"]).filter((e) => e !== "0")).toEqual(errs);
      }
      expect(compared).toBeGreaterThanOrEqual(2);
    });
  }

  it("PLAIN: the user name kdiag reads is the token's (from the frame tshark shows), the password is not in the fields", () => {
    const file = join(DIR, "plain-kcat.pcap");
    const auth = pdusOf(["packets", "--json", file]).find((d) => d.fields["kafka.api_key"] === 36 && d.direction === "c2s")!;
    expect(auth.fields["kafka.sasl.mechanism"]).toBe("PLAIN");
    expect(auth.fields["kafka.sasl.username"]).toBe("alice");
    expect(auth.fields["kafka.sasl.password"]).toBeUndefined();
    const bytes = payload(file, auth.frame);
    const parts = bytes.toString("latin1").split("\0");
    expect(parts.at(-2)!.endsWith("alice")).toBe(true);
    expect(auth.summary).toContain("PLAIN user=alice password=****");
  });

  it("SCRAM: client-first, server-first, client-final, server-final in order; the refused login has no server-final", () => {
    const steps = (name: string) =>
      pdusOf(["packets", "--json", join(DIR, name)])
        .filter((d) => d.fields["kafka.sasl.scram_step"] !== undefined)
        .map((d) => d.fields["kafka.sasl.scram_step"]);
    expect(steps("scram-sha-256-kcat.pcap")).toEqual(["client-first", "server-first", "client-final", "server-final"]);
    expect(steps("scram-sha-256-wrong-password-kcat.pcap")).toEqual(["client-first", "server-first", "client-final"]);
    const first = pdusOf(["packets", "--json", join(DIR, "scram-sha-256-kcat.pcap")]).find((d) => d.fields["kafka.sasl.scram_step"] === "server-first")!;
    expect(first.fields["kafka.sasl.scram_iterations"]).toBe(4096);
  });
});

describe("SaslHandshake v0: raw tokens (kafka-python 2.0.2)", () => {
  it("the bare tokens are SASL tokens, not malformed Kafka, and Kafka resumes after them", () => {
    const file = join(DIR, "scram-sha-256-kafka-python.pcap");
    const r = spawnSync("node", ["bin/kdiag.js", "packets", "--json", file], { encoding: "utf8" });
    expect(r.stderr).not.toMatch(/framing|resynchronising|Malformed/i);
    const pdus = pdusOf(["packets", "--json", file]);
    expect(pdus.some((d) => d.malformed)).toBe(false);
    const raw = pdus.filter((d) => d.fields["kafka.sasl.raw_token"] === true);
    // two logins of four tokens each
    expect(raw.map((d) => `${d.direction}:${d.fields["kafka.sasl.scram_step"]}`)).toEqual(
      Array(2).fill(["c2s:client-first", "s2c:server-first", "c2s:client-final", "s2c:server-final"]).flat(),
    );
    expect(raw.every((d) => d.fields["kafka.sasl.mechanism"] === "SCRAM-SHA-256")).toBe(true);
    // tshark 4.0.17 shows these frames as "Kafka Unknown 28204 v11374 Request [Malformed Packet]"
    // and "Response (Undecoded, Request Missing)"; kdiag goes on to the requests after them.
    expect(pdus.filter((d) => d.fields["kafka.api_key"] === 0 && d.direction === "c2s").length).toBe(1);
    const first = raw[0]!;
    expect(payload(file, first.frame).toString("latin1")).toContain("n,,n=alice,r=");
  });

  it("PLAIN: one token each way (the broker's is empty); a refused one gets no token back", () => {
    const ok = pdusOf(["packets", "--json", join(DIR, "plain-kafka-python.pcap")]).filter((d) => d.fields["kafka.sasl.raw_token"] === true);
    expect(ok.map((d) => d.direction)).toEqual(["c2s", "s2c", "c2s", "s2c"]);
    expect(ok[0]!.summary).toContain("PLAIN user=alice authzid=alice password=****");
    const bad = pdusOf(["packets", "--json", join(DIR, "plain-wrong-password-kafka-python.pcap")]).filter((d) => d.fields["kafka.sasl.raw_token"] === true);
    expect(bad.length).toBeGreaterThan(0);
    expect(bad.every((d) => d.direction === "c2s")).toBe(true);
  });
});

describe("SASL inside TLS (SASL_SSL through a terminator, kafka-python's key log)", () => {
  it("decrypted, each SCRAM login reads as it does in the clear behind the terminator", () => {
    const file = join(DIR, "sasl-ssl-scram-sha-256-kafka-python.pcap");
    const keys = join(DIR, "sasl-ssl-scram-sha-256-kafka-python.keys");
    /** Per connection, its SCRAM steps in order, as one string; sorted. */
    const logins = (args: string[]): string[] => {
      const by = new Map<number, string[]>();
      for (const p of kdiag(args).packets as Array<{ connection: number; pdus?: PduJson[] }>) {
        for (const d of p.pdus ?? []) {
          const step = d.fields["kafka.sasl.scram_step"];
          if (step !== undefined) by.set(p.connection, [...(by.get(p.connection) ?? []), `${d.fields["kafka.sasl.username"] ?? ""}${step}`]);
        }
      }
      return [...by.values()].map((s) => s.join(",")).sort();
    };
    const clear = logins(["packets", "--json", file]);
    expect(clear.length).toBe(2);
    expect(clear[0]).toBe("aliceclient-first,server-first,client-final,server-final");
    // With the key log the client's TLS connections show the same logins as the terminator's.
    expect(logins(["--tls-keylog", keys, "packets", "--json", file])).toEqual([...clear, ...clear].sort());
  });
});
