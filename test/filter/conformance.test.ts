/**
 * Display-filter conformance: every filter of display-filters.ts selects the same packet
 * numbers through kdiag (`-Y`'s code path: compile, then the packet predicate) as through
 * `tshark -Y` on the same real captures. tshark runs two at a time (about 700 runs).
 */

import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { compileFilterOption, packetPredicate } from "../../src/cli/filter-option.js";
import { analyseCapture } from "../../src/model/analyse.js";
import { createRegistry } from "../../src/plugins/builtin.js";
import { REPO_ROOT } from "../helpers/tshark.js";
import { CONFORMANCE_CAPTURES, CONFORMANCE_FILTERS, KNOWN_DIFFERENCES } from "./display-filters.js";

const run = promisify(execFile);

async function tsharkSelects(file: string, filter: string): Promise<number[]> {
  const { stdout } = await run("tshark", ["-r", file, "-Y", filter, "-T", "fields", "-e", "frame.number"], { maxBuffer: 1 << 24 });
  return stdout.split("\n").filter(Boolean).map(Number);
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
    const jobs: Array<() => Promise<Case>> = [];
    for (const rel of CONFORMANCE_CAPTURES) {
      const file = resolve(REPO_ROOT, rel);
      const capture = await analyseCapture(file, { registry: createRegistry() });
      for (const filter of CONFORMANCE_FILTERS) {
        const keep = packetPredicate(capture, compileFilterOption("packet", filter));
        const kdiag: number[] = [];
        for (let i = 0; i < capture.packets.count; i++) if (keep(i)) kdiag.push(i + 1);
        const packets = capture.packets.count;
        jobs.push(async () => ({ file: rel, filter, kdiag, tshark: await tsharkSelects(file, filter), packets }));
      }
      capture.bytes.close();
    }
    cases.push(...(await pool(jobs, 2)));
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
