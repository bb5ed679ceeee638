/**
 * The committed table must be exactly what scripts/gen-kafka.ts makes from ../shared/kafka-protocol
 * (protobuf-es gh-diffcheck style). Without ../shared the comparison cannot run: the test says
 * so in its name and checks instead that the committed table is well-formed.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PROTOCOL_DIR, OUT_DIR, generate, parseRange, snakeCase, stripLineComments } from "../../scripts/gen-kafka.js";
import { APIS, REQUEST_HEADER, RESPONSE_HEADER } from "../../dissectors/kafka/generated/protocol.js";
import { KAFKA_ERRORS } from "../../dissectors/kafka/generated/errors.js";
import { OPEN, type FieldDef } from "../../dissectors/kafka/schema/table.js";

const shared = existsSync(join(DEFAULT_PROTOCOL_DIR, "message"));

describe("generated Kafka table", () => {
  if (shared) {
    it("committed protocol.ts and errors.ts equal a fresh generation from ../shared/kafka-protocol", () => {
      const fresh = generate(DEFAULT_PROTOCOL_DIR);
      for (const [name, text] of Object.entries(fresh)) {
        const committed = readFileSync(join(OUT_DIR, name), "utf8");
        // On failure: run `npm run gen:kafka` and commit the result.
        expect(committed, `${name} is stale: run npm run gen:kafka`).toBe(text);
      }
    });

    it("holds every request/response definition of ../shared", () => {
      const keys = new Set<number>();
      for (const f of readdirJson()) {
        const m = JSON.parse(stripLineComments(readFileSync(f, "utf8"))) as { type: string; apiKey?: number };
        if (m.type === "request") keys.add(m.apiKey!);
      }
      expect(APIS.map((a) => a.key)).toEqual([...keys].sort((a, b) => a - b));
    });
  } else {
    it("../shared/kafka-protocol ABSENT: diff check not run; checking the committed table is well-formed instead", () => {
      expect(shared).toBe(false);
    });
  }

  it("is well-formed: sorted keys, sane ranges, resolved structs, unique snake_case keys", () => {
    const keys = APIS.map((a) => a.key);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(new Set(keys).size).toBe(keys.length);
    const check = (fields: readonly FieldDef[], where: string): void => {
      const seen = new Set<string>();
      for (const f of fields) {
        expect(f.k, where).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(seen.has(f.k), `${where}.${f.k} duplicated`).toBe(false);
        seen.add(f.k);
        expect(f.v[0] <= f.v[1], `${where}.${f.n} versions`).toBe(true);
        if (f.tv) expect(typeof f.tag, `${where}.${f.n} tag`).toBe("number");
        if (f.t === "struct" || f.t === "[]struct") {
          expect(f.f, `${where}.${f.n} fields`).toBeDefined();
          check(f.f!, `${where}.${f.n}`);
        } else expect(f.f).toBeUndefined();
      }
    };
    for (const a of APIS) {
      expect(a.valid[0]).toBeLessThanOrEqual(a.valid[1]);
      expect(a.valid[1]).toBeLessThan(OPEN);
      if (a.flex !== null) expect(a.flex).toBeGreaterThanOrEqual(0);
      check(a.req, `${a.name}Request`);
      check(a.res, `${a.name}Response`);
    }
    check(REQUEST_HEADER.fields, "RequestHeader");
    check(RESPONSE_HEADER.fields, "ResponseHeader");
    // Spot facts any Kafka user knows.
    const produce = APIS.find((a) => a.key === 0)!;
    expect(produce.name).toBe("Produce");
    expect(produce.flex).toBe(9);
    expect(APIS.find((a) => a.key === 18)!.name).toBe("ApiVersions");
    expect(REQUEST_HEADER.fields.find((f) => f.k === "client_id")!.fv).toBeNull();
    expect(KAFKA_ERRORS[10]).toBe("MESSAGE_TOO_LARGE");
    expect(KAFKA_ERRORS[-1]).toBe("UNKNOWN_SERVER_ERROR");
  });
});

describe("generator helpers", () => {
  it("strips // comments but not inside strings", () => {
    const text = '{ "a": "http://x//y", // note\n "b": "q\\"//r" } // end';
    expect(JSON.parse(stripLineComments(text))).toEqual({ a: "http://x//y", b: 'q"//r' });
  });
  it("parses version ranges", () => {
    expect(parseRange("0+")).toEqual([0, OPEN]);
    expect(parseRange("1-3")).toEqual([1, 3]);
    expect(parseRange("7")).toEqual([7, 7]);
    expect(parseRange("none")).toBeNull();
    expect(() => parseRange("x")).toThrow();
  });
  it("snake-cases Kafka names", () => {
    expect(snakeCase("ThrottleTimeMs")).toBe("throttle_time_ms");
    expect(snakeCase("ProducerId")).toBe("producer_id");
    expect(snakeCase("KRaftVersionFeature")).toBe("kraft_version_feature");
    expect(snakeCase("isKRaftController")).toBe("is_kraft_controller");
    expect(snakeCase("Name")).toBe("name");
  });
});

function readdirJson(): string[] {
  const dir = join(DEFAULT_PROTOCOL_DIR, "message");
  return readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => join(dir, f));
}
