/**
 * The Kafka dissector end to end (capture -> TCP -> framing -> pairing -> `kdiag packets --json`)
 * against tshark, frame by frame: wherever tshark decodes a Kafka field, kdiag has the same value.
 * Where tshark 4.0 decodes nothing (Produce v9 and Fetch v12/v13 bodies, responses whose request
 * it could not decode), kdiag must still decode, and the test says how often that happened.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIR = fileURLToPath(new URL("../fixtures/public/deepflow-kafka/", import.meta.url));
const REAL = fileURLToPath(new URL("../fixtures/real/", import.meta.url));
const FIELDS = ["kafka.api_key", "kafka.api_version", "kafka.correlation_id", "kafka.client_id", "kafka.topic_name", "kafka.error"] as const;

interface PduJson {
  direction: string;
  fields: Record<string, unknown>;
}

function kdiagPdus(file: string): Map<number, PduJson[]> {
  const r = spawnSync("node", ["bin/kdiag.js", "--kafka-port", "36333", "packets", "--json", file], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const out = new Map<number, PduJson[]>();
  for (const p of JSON.parse(r.stdout).packets) if (p.pdus) out.set(p.number, p.pdus);
  return out;
}

function tsharkKafka(file: string): Map<number, Record<string, string[]>> {
  const args = ["-r", file, "-d", "tcp.port==36333,kafka", "-Y", "kafka", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"];
  for (const f of ["frame.number", ...FIELDS]) args.push("-e", f);
  const text = execFileSync("tshark", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const out = new Map<number, Record<string, string[]>>();
  for (const line of text.split("\n").filter(Boolean)) {
    const [frame, ...values] = line.split("\t");
    const rec: Record<string, string[]> = {};
    FIELDS.forEach((f, i) => (rec[f] = values[i] ? values[i]!.split(",") : []));
    out.set(Number(frame), rec);
  }
  return out;
}

/** kdiag's value(s) of a field in one packet's PDUs, as strings like tshark prints them. */
function ours(pdus: PduJson[], field: string): string[] {
  const values: string[] = [];
  for (const p of pdus) {
    const v = p.fields[field];
    if (v === undefined || v === null) continue;
    for (const x of Array.isArray(v) ? v : [v]) values.push(String(x));
  }
  return values;
}

const captures = [
  ...readdirSync(DIR).filter((f) => f.endsWith(".pcap")).map((f) => join(DIR, f)),
  ...["firewall-idle-client.pcap", "firewall-idle-broker.pcap"].map((f) => join(REAL, f)),
].sort().map((path) => [path.split("/").slice(-2).join("/"), path] as const);

describe("Kafka dissector against tshark, frame by frame", () => {
  it.each(captures)("%s", (_name, file) => {
    const mine = kdiagPdus(file);
    const theirs = tsharkKafka(file);
    const mismatches: string[] = [];
    let agreed = 0;
    let beyondTshark = 0;
    for (const [frame, fields] of theirs) {
      const pdus = mine.get(frame) ?? [];
      for (const f of FIELDS) {
        const want = fields[f]!;
        if (want.length === 0) {
          if (ours(pdus, f).length > 0) beyondTshark++;
          continue;
        }
        // Only requests carry the client id on the wire; tshark shows it on requests only.
        const got = f === "kafka.client_id" ? ours(pdus.filter((p) => p.direction === "c2s"), f) : ours(pdus, f);
        const same = f === "kafka.topic_name" || f === "kafka.error" ? sameSet(got, want) : JSON.stringify(got) === JSON.stringify(want);
        if (same) agreed++;
        else mismatches.push(`frame ${frame} ${f}: tshark ${JSON.stringify(want)}, kdiag ${JSON.stringify(got)}`);
      }
    }
    // Frames where kdiag found Kafka and tshark did not decode it at all.
    for (const frame of mine.keys()) if (!theirs.has(frame)) beyondTshark++;
    expect(mismatches).toEqual([]);
    expect(agreed + beyondTshark).toBeGreaterThan(0);
    console.log(`${file.split("/").pop()}: ${agreed} values agree with tshark, ${beyondTshark} decoded where tshark 4.0 has none`);
  });

  it("decodes the Fetch v13 exchange that tshark 4.0 cannot", () => {
    const mine = kdiagPdus(join(DIR, "mixed-with-unsupported.pcap"));
    const theirs = tsharkKafka(join(DIR, "mixed-with-unsupported.pcap"));
    // Packet 9 is the Fetch v13 response: tshark has no api_key for it.
    expect(theirs.get(9)?.["kafka.api_key"] ?? []).toEqual([]);
    expect(ours(mine.get(9)!, "kafka.api_key")).toEqual(["1"]);
    expect(ours(mine.get(9)!, "kafka.api_version")).toEqual(["13"]);
  });
});

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
