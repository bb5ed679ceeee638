/**
 * Display-filter conformance: every filter of display-filters.ts selects the same packet
 * numbers through kdiag (`-Y`'s code path: compile, then the packet predicate) as through
 * `tshark -Y` on the same real captures. tshark reads each capture once, with every filter as a
 * Lua tap (a tap's filter is the same display-filter engine as -Y, on the same one pass): one run
 * per capture instead of one per filter and capture (about 770 runs, too slow on a busy machine).
 */

import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFilterOption, packetPredicate } from "../../src/cli/filter-option.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { REPO_ROOT } from "../helpers/tshark.js";
import { CONFORMANCE_CAPTURES, CONFORMANCE_FILTERS, KNOWN_DIFFERENCES } from "./display-filters.js";

const run = promisify(execFile);

/** A Lua long string holding `text` (its level chosen so the text cannot close it). */
function luaString(text: string): string {
  let eq = "";
  while (text.includes(`]${eq}]`)) eq += "=";
  return `[${eq}[${text}]${eq}]`;
}

/**
 * The packet numbers each filter selects, as `tshark -Y filter` would print them, from one tshark
 * run: a Lua listener per filter collects pinfo.number; the last listener's draw prints them all.
 */
async function tsharkSelectsAll(file: string, filters: readonly string[]): Promise<number[][]> {
  const script = [
    `local filters = { ${filters.map(luaString).join(", ")} }`,
    "local hits = {}",
    "for i, f in ipairs(filters) do",
    "  hits[i] = {}",
    "  local ok, tap = pcall(Listener.new, nil, f)",
    "  if ok then function tap.packet(pinfo) table.insert(hits[i], pinfo.number) end else hits[i] = nil end",
    "end",
    "local printed = false",
    "local last = Listener.new()",
    "function last.draw()",
    "  if printed then return end",
    "  printed = true",
    "  for i = 1, #filters do io.write(i, '\\t', hits[i] and table.concat(hits[i], ',') or 'ERROR', '\\n') end",
    "end",
  ].join("\n");
  const dir = mkdtempSync(join(tmpdir(), "kdiag-conformance-"));
  const lua = join(dir, "filters.lua");
  writeFileSync(lua, script);
  const { stdout } = await run("tshark", ["-q", "-r", file, "-X", `lua_script:${lua}`], { maxBuffer: 1 << 26 });
  const out: number[][] = filters.map(() => []);
  for (const line of stdout.split("\n")) {
    const m = /^(\d+)\t(.*)$/.exec(line);
    if (!m) continue;
    if (m[2] === "ERROR") throw new Error(`tshark refused the filter «${filters[Number(m[1]) - 1]}»`);
    out[Number(m[1]) - 1] = m[2] ? m[2].split(",").map(Number) : [];
  }
  return out;
}

async function pool<T>(jobs: Array<() => Promise<T>>, width: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

interface Case { file: string; filter: string; kdiag: number[]; tshark: number[]; packets: number }
const cases: Case[] = [];

describe("display filters agree with tshark -Y", () => {
  beforeAll(async () => {
    const jobs: Array<() => Promise<Case[]>> = [];
    for (const rel of CONFORMANCE_CAPTURES) {
      const file = resolve(REPO_ROOT, rel);
      const capture = await analyseCapture(file, { registry: createRegistry() });
      const kdiag = CONFORMANCE_FILTERS.map((filter) => {
        const keep = packetPredicate(capture, compileFilterOption("packet", filter));
        const selected: number[] = [];
        for (let i = 0; i < capture.packets.count; i++) if (keep(i)) selected.push(i + 1);
        return selected;
      });
      const packets = capture.packets.count;
      capture.bytes.close();
      jobs.push(async () => {
        const tshark = await tsharkSelectsAll(file, CONFORMANCE_FILTERS);
        return CONFORMANCE_FILTERS.map((filter, i) => ({ file: rel, filter, kdiag: kdiag[i]!, tshark: tshark[i]!, packets }));
      });
    }
    cases.push(...(await pool(jobs, 2)).flat());
  }, 600_000);

  it("has at least 60 filters, over Kafka, TCP, IPv4, IPv6, UDP, ICMP and ARP captures", () => {
    expect(CONFORMANCE_FILTERS.length).toBeGreaterThanOrEqual(60);
    expect(cases.length).toBe(CONFORMANCE_FILTERS.length * CONFORMANCE_CAPTURES.length);
  });

  const known = (c: Case) => KNOWN_DIFFERENCES.some((k) => k.file === c.file && k.filter === c.filter);

  it("selects the same packet numbers as tshark for every filter on every capture", () => {
    const differ = cases
      .filter((c) => !known(c) && c.kdiag.join(",") !== c.tshark.join(","))
      .map((c) => `${c.file} «${c.filter}»: kdiag ${c.kdiag.slice(0, 10).join(",")} tshark ${c.tshark.slice(0, 10).join(",")}`);
    expect(differ).toEqual([]);
  });

  it("still differs where the difference is deliberate (the list in display-filters.ts is true)", () => {
    const agreeing = cases.filter((c) => known(c) && c.kdiag.join(",") === c.tshark.join(",")).map((c) => `${c.file} «${c.filter}»`);
    expect(agreeing).toEqual([]);
  });

  it("is a test that can fail: most filters select some packets but not all on some capture", () => {
    // A filter that selects nothing (or everything) everywhere would agree with any evaluator.
    const informative = CONFORMANCE_FILTERS.filter((f) => cases.some((c) => c.filter === f && c.tshark.length > 0 && c.tshark.length < c.packets));
    expect(informative.length).toBeGreaterThanOrEqual(0.85 * CONFORMANCE_FILTERS.length);
  });
});
