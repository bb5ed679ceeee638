/**
 * The analysis pass decodes a message building only the fields its facts read
 * (ReadOptions.keep = factField). That must change nothing it reports: for every API, version,
 * direction and sample (and the same bytes cut short at many points, so decodes fail mid-way),
 * the result's ok, error (code, offset, path), end and trailing bytes, and the facts collected,
 * are those of the full decode.
 */
import { describe, expect, it } from "vitest";
import { APIS } from "../../dissectors/kafka/generated/protocol.js";
import { compileReader } from "../../dissectors/kafka/schema/decode.js";
import { collectFacts, factField } from "../../dissectors/kafka/facts.js";
import { recordsRef } from "../../dissectors/kafka/schema/index.js";
import { encode, sample, type Variant } from "./encoder.js";

const VARIANTS: Variant[] = ["full", "nulls"];

describe("decoding only the fields the facts read", () => {
  for (const api of APIS) {
    it(`${api.key} ${api.name}: same outcome and facts as the full decode, whole and cut`, () => {
      let skipped = 0;
      for (let v = api.valid[0]; v <= api.valid[1]; v++) {
        const flexible = api.flex !== null && v >= api.flex;
        for (const kind of ["request", "response"] as const) {
          const fields = kind === "request" ? api.req : api.res;
          for (const variant of VARIANTS) {
            const { bytes } = encode(fields, sample(fields, v, flexible, variant), v, flexible);
            const cuts = new Set([bytes.length, 0, 1, 2, 3, 5, 7, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 1]);
            for (const cut of cuts) {
              if (cut < 0 || cut > bytes.length) continue;
              const where = `${api.name} v${v} ${kind} ${variant} cut at ${cut} of ${bytes.length}`;
              const full = compileReader(api.key, v, kind)(bytes, 0, cut, { records: recordsRef });
              const kept = compileReader(api.key, v, kind, factField)(bytes, 0, cut, { records: recordsRef, keep: factField });
              expect({ ok: kept.ok, error: kept.error, end: kept.end, trailing: kept.trailing }, where).toEqual({ ok: full.ok, error: full.error, end: full.end, trailing: full.trailing });
              expect(collectFacts(fields, kept.value, v), where).toEqual(collectFacts(fields, full.value, v));
              if (JSON.stringify(Object.keys(kept.value)) !== JSON.stringify(Object.keys(full.value))) skipped++;
            }
          }
        }
      }
      // Where an API has a field no fact reads, the kept decode did leave it out.
      const anySkippable = [...api.req, ...api.res].some((f) => !factField(f, "", true) && f.t !== "struct" && f.t !== "[]struct");
      if (anySkippable) expect(skipped).toBeGreaterThan(0);
    });
  }
});
