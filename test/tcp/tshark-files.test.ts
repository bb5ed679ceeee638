/**
 * End-to-end differential test: capture reader -> decoder -> TcpTracker against tshark, per packet
 * (tcp.stream, every tcp.analysis.* flag, duplicate-ACK number), on the public captures and on a
 * large random capture written by the test helpers.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readCapture } from "../../src/capture/index.js";
import { createDecodedPacket, decodePacket } from "../../src/decode/packet.js";
import { TcpTracker } from "../../src/tcp/tracker.js";
import { tmpFile, tsharkRows, writePcap } from "./helpers.js";
import { randomScenario } from "./random-scenario.js";
import { eventFields } from "./run.js";

/** Copies of ../shared/captures/public committed with the project (see their README). */
const PUBLIC = fileURLToPath(new URL("../fixtures/public/", import.meta.url));

function publicCaptures(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(PUBLIC).filter((d) => !d.includes("."))) {
    for (const f of readdirSync(join(PUBLIC, dir))) if (f.endsWith(".pcap")) out.push(join(PUBLIC, dir, f));
  }
  return out.sort();
}

interface Got {
  frame: number;
  stream: number;
  fields: string;
  dupAckNum: number;
}

async function trackFile(file: string): Promise<{ rows: Got[]; tracker: TcpTracker }> {
  const tracker = new TcpTracker();
  const pkt = createDecodedPacket();
  const rows: Got[] = [];
  await readCapture(
    file,
    (f) => {
      decodePacket(f.data, f.linkType, pkt);
      const v = tracker.track(f.number, f.tsSec * 1e6 + f.tsNsec / 1e3, f.origLen, pkt, f.data);
      rows.push({ frame: f.number, stream: v.connId, fields: eventFields(v.events).sort().join(","), dupAckNum: v.dupAckNum });
    },
    { spool: false },
  );
  tracker.finish();
  return { rows, tracker };
}

function expected(file: string): Got[] {
  return tsharkRows(file).map((r) => ({ frame: r.frame, stream: r.stream, fields: [...r.flags].sort().join(","), dupAckNum: r.dupAckNum }));
}

describe("tracker on real captures agrees with tshark", () => {
  const files = publicCaptures();
  it("finds the public captures", () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(file.slice(PUBLIC.length + 1), async () => {
      const { rows } = await trackFile(file);
      expect(rows).toEqual(expected(file));
    });
  }

  it("a 40-connection random capture, through the real reader and decoder", async () => {
    const file = tmpFile("random-e2e.pcap");
    writePcap(file, randomScenario(77, 40, 80).packets);
    const { rows, tracker } = await trackFile(file);
    const exp = expected(file);
    expect(rows.length).toBe(exp.length);
    const mismatches = rows.filter((r, i) => JSON.stringify(r) !== JSON.stringify(exp[i])).slice(0, 10);
    expect(mismatches).toEqual([]);
    expect(tracker.connections.length).toBe(Math.max(...exp.map((r) => r.stream)) + 1);
  });
});
