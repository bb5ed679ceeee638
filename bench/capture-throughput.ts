/**
 * Throughput of the capture readers on a large synthetic file, by hand (not a test):
 *   npx tsx bench/capture-throughput.ts [sizeMB]
 * Builds /tmp/kdiag-perf.pcap (and .pcapng/.pcap.gz) from the public fixtures' packets repeated
 * with increasing timestamps, then times `cat`, our reader (several ways) and pcap-parser.
 */
import { execFileSync, execSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import { CaptureParser } from "../src/capture/parser.js";
import { readCapture } from "../src/capture/read.js";
import { pcapRecords, publicFixtures } from "../test/capture/helpers.js";

const sizeMB = Number(process.argv[2] ?? 400);
const PCAP = "/tmp/kdiag-perf.pcap";

function build(): void {
  if (existsSync(PCAP) && statSync(PCAP).size >= sizeMB * 1e6) return;
  const recs: Buffer[] = [];
  for (const f of publicFixtures()) {
    const b = readFileSync(f);
    if (b.readUInt32LE(0) !== 0xa1b2c3d4) continue; // µs files only, same header
    for (const [s, e] of pcapRecords(b)) recs.push(Buffer.from(b.subarray(s, e)));
  }
  const fd = openSync(PCAP, "w");
  const hdr = Buffer.alloc(24);
  hdr.writeUInt32LE(0xa1b2c3d4, 0);
  hdr.writeUInt16LE(2, 4);
  hdr.writeUInt16LE(4, 6);
  hdr.writeUInt32LE(262144, 16);
  hdr.writeUInt32LE(1, 20);
  writeSync(fd, hdr);
  let written = 24;
  let t = 1_700_000_000;
  const batch: Buffer[] = [];
  let i = 0;
  while (written < sizeMB * 1e6) {
    const r = Buffer.from(recs[i++ % recs.length]!);
    r.writeUInt32LE(t + Math.floor(i / 1000), 0);
    r.writeUInt32LE(i % 1_000_000, 4);
    batch.push(r);
    written += r.length;
    if (batch.length === 10000) writeSync(fd, Buffer.concat(batch.splice(0)));
  }
  writeSync(fd, Buffer.concat(batch));
  closeSync(fd);
}

async function time(name: string, bytes: number, fn: () => Promise<number> | number): Promise<void> {
  const best: number[] = [];
  let packets = 0;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    packets = await fn();
    best.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const s = Math.min(...best);
  const pps = packets ? `${(packets / s / 1e6).toFixed(2)} M packets/s` : "";
  console.log(`${name.padEnd(44)} ${s.toFixed(3)} s  ${(bytes / s / 1e6).toFixed(0).padStart(5)} MB/s  ${pps}`);
}

build();
const size = statSync(PCAP).size;
if (!existsSync(PCAP + "ng")) execFileSync("editcap", ["-F", "pcapng", PCAP, PCAP + "ng"]);
if (!existsSync(PCAP + ".gz")) execSync(`gzip -1 -c ${PCAP} > ${PCAP}.gz`);
console.log(`file: ${PCAP}, ${(size / 1e6).toFixed(0)} MB; node ${process.version}`);

await time("cat > /dev/null", size, () => {
  execSync(`cat ${PCAP} > /dev/null`);
  return 0;
});
for (const mb of [1, 4, 16]) {
  await time(`readCapture (async double-buffered, ${mb} MiB)`, size, async () => {
    let n = 0;
    const { bytes } = await readCapture(PCAP, () => void n++, { chunkSize: mb << 20 });
    bytes?.close();
    return n;
  });
}
await time("readSync loop 4 MiB + CaptureParser", size, () => {
  let n = 0;
  const p = new CaptureParser(PCAP, () => void n++);
  const fd = openSync(PCAP, "r");
  const buf = Buffer.allocUnsafe(4 << 20);
  let pos = 0;
  for (;;) {
    const got = readSync(fd, buf, 0, buf.length, pos);
    if (got === 0) break;
    pos += got;
    p.push(buf.subarray(0, got));
  }
  closeSync(fd);
  p.end();
  return n;
});
await time("readCapture pcapng (editcap -F pcapng)", statSync(PCAP + "ng").size, async () => {
  let n = 0;
  const { bytes } = await readCapture(PCAP + "ng", () => void n++);
  bytes?.close();
  return n;
});
await time("readCapture gzip -1 (spool on), MB decompressed", size, async () => {
  let n = 0;
  const { bytes } = await readCapture(PCAP + ".gz", () => void n++);
  bytes?.close();
  return n;
});
await time("readCapture gzip -1 (spool off), MB decompressed", size, async () => {
  let n = 0;
  await readCapture(PCAP + ".gz", () => void n++, { spool: false });
  return n;
});
await time("readCapture, touching every byte (sum)", size, async () => {
  let n = 0;
  let sum = 0;
  const { bytes } = await readCapture(PCAP, (f) => {
    n++;
    const d = f.data;
    for (let i = 0; i < d.length; i += 64) sum += d[i]!;
  });
  bytes?.close();
  return sum >= 0 ? n : 0;
});
await time("PacketBytes re-read of every packet, in order", size, async () => {
  const offs: number[] = [];
  const lens: number[] = [];
  const { bytes } = await readCapture(PCAP, (f) => {
    offs.push(f.fileOffset);
    lens.push(f.capLen);
  });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < offs.length; i++) bytes!.view(offs[i]!, lens[i]!);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`   (re-read alone: ${s.toFixed(3)} s, ${(offs.length / s / 1e6).toFixed(2)} M packets/s)`);
  bytes!.close();
  return offs.length;
});
const require = createRequire(import.meta.url);
const pcapp = require("pcap-parser");
await time("pcap-parser 0.2.1", size, () => {
  return new Promise<number>((resolve) => {
    let n = 0;
    const p = pcapp.parse(PCAP);
    p.on("packet", () => void n++);
    p.on("end", () => resolve(n));
  });
});
