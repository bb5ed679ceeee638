/**
 * Differential test: every named scenario is written as a pcap and read by tshark; per packet the
 * tracker must give the same tcp.stream, the same set of tcp.analysis.* flags and the same
 * duplicate-ACK number.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tmpFile, tsharkRows, writePcap } from "./helpers.js";
import { run } from "./run.js";
import { scenarios } from "./scenarios.js";
import { randomScenario } from "./random-scenario.js";

function haveTshark(): boolean {
  try {
    execFileSync("tshark", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("tracker agrees with tshark on synthetic scenarios", () => {
  it("tshark is installed (the differential tests need it)", () => {
    expect(haveTshark()).toBe(true);
  });
  for (const [name, make] of Object.entries(scenarios)) {
    it(name, () => {
      const sc = make();
      const file = tmpFile(`${name}.pcap`);
      writePcap(file, sc.packets);
      const expected = tsharkRows(file).map((r) => ({
        num: r.frame,
        stream: r.stream,
        fields: [...r.flags].sort().join(","),
        dupAckNum: r.dupAckNum,
      }));
      const got = run(sc).rows.map((r) => ({
        num: r.num,
        stream: r.connId,
        fields: [...r.fields].sort().join(","),
        dupAckNum: r.dupAckNum,
      }));
      expect(got).toEqual(expected);
    });
  }
});

describe("tracker agrees with tshark on random conversations", () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`seed ${seed}`, () => {
      const sc = randomScenario(seed, 40, 60);
      const file = tmpFile(`random-${seed}.pcap`);
      writePcap(file, sc.packets);
      const expected = tsharkRows(file);
      const got = run(sc).rows;
      const mismatches: string[] = [];
      for (let i = 0; i < expected.length; i++) {
        const e = expected[i]!;
        const g = got[i]!;
        const ef = [...e.flags].sort().join(",");
        const gf = [...g.fields].sort().join(",");
        if (e.stream !== g.connId || ef !== gf || e.dupAckNum !== g.dupAckNum) {
          mismatches.push(`#${e.frame}: tshark stream=${e.stream} [${ef}] dup=${e.dupAckNum} / ours stream=${g.connId} [${gf}] dup=${g.dupAckNum}`);
        }
      }
      expect(got.length).toBe(expected.length);
      expect(mismatches.slice(0, 20)).toEqual([]);
    });
  }
});
