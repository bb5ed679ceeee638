/**
 * The input side: files, stdin and pipes, gzip, problems for missing/unreadable/empty inputs, and
 * PacketBytes reading packets back after the pass (plain file, gzip spool, stdin spool).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { constants as zc, createGzip, gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { ReusedFrame } from "../../src/capture/record-framer.js";
import { formatProblem } from "../../src/capture/problems.js";
import { readCapture, readCaptureStream } from "../../src/capture/read.js";
import type { Frame } from "../../src/capture/types.js";
import { type Copied, copyFrame, pcapRecords, publicFixtures, PUBLIC, readAll, ROOT, tempDir, tool } from "./helpers.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const at = (name: string) => join(tmp.dir, name);

const MQTT = join(PUBLIC, "deepflow-other/mqtt_roundtrip.pcap"); // 18 packets
const MQTT_BYTES = readFileSync(MQTT);

function codes(s: { problems: Array<{ code: string }> }) {
  return s.problems.map((p) => p.code);
}

describe("inputs that cannot be read", () => {
  it("a missing file: not_found, no PacketBytes", async () => {
    const r = await readCapture(at("nope.pcap"), () => expect.fail("no frames"));
    expect(r.bytes).toBeNull();
    expect(r.summary.problems).toEqual([{ code: "not_found", message: "no such file", file: at("nope.pcap"), offset: 0, fatal: true }]);
    expect(formatProblem(r.summary.problems[0]!)).toBe(`${at("nope.pcap")}: offset 0: no such file`);
    expect(codes((await readCapture(join(MQTT, "x"), () => {})).summary)).toEqual(["not_found"]);
  });

  it("a directory: unreadable", async () => {
    const r = await readCapture(tmp.dir, () => {});
    expect(r.summary.problems).toMatchObject([{ code: "unreadable", message: "is a directory", fatal: true }]);
  });

  it("a file whose read fails (EIO from /proc/self/mem): unreadable, no throw", async () => {
    const r = await readCapture("/proc/self/mem", () => {});
    expect(r.summary.problems).toMatchObject([{ code: "unreadable", fatal: true }]);
    expect(r.summary.problems[0]!.message).toMatch(/EIO/);
  });

  it("a 0-byte file, a 0-byte stdin and a gzip of nothing: empty", async () => {
    writeFileSync(at("empty.pcap"), "");
    writeFileSync(at("empty.gz"), gzipSync(Buffer.alloc(0)));
    expect(codes((await readCapture(at("empty.pcap"), () => {})).summary)).toEqual(["empty"]);
    expect(codes((await readCapture(at("empty.gz"), () => {})).summary)).toEqual(["empty"]);
    expect(codes((await readCapture("-", () => {}, { stdin: Readable.from([]) })).summary)).toEqual(["empty"]);
  });

  it("not a capture: unknown_format naming what it looks like, found from bytes not the name", async () => {
    writeFileSync(at("notes.pcap"), "these are my notes\n");
    const r = await readCapture(at("notes.pcap"), () => {});
    expect(r.summary.problems).toMatchObject([{ code: "unknown_format", message: "not a capture file (starts with 'thes', looks like text)" }]);
    // A capture named like something else is still read.
    writeFileSync(at("capture.txt"), MQTT_BYTES);
    expect((await readAll(at("capture.txt"))).frames).toHaveLength(18);
  });
});

describe("files", () => {
  it("tiny read sizes give the same frames as the default", async () => {
    const whole = await readAll(MQTT);
    for (const chunkSize of [1, 7, 64, 1000]) {
      const small = await readAll(MQTT, { chunkSize });
      expect(small.frames).toEqual(whole.frames);
      expect(small.summary).toEqual(whole.summary);
    }
  });

  it("a file cut mid-record: packets before it, then truncated_record with packet number and offset", async () => {
    const recs = pcapRecords(MQTT_BYTES);
    const cutAt = recs[5]![0] + 20;
    writeFileSync(at("cut.pcap"), MQTT_BYTES.subarray(0, cutAt));
    const { frames, summary } = await readAll(at("cut.pcap"), { chunkSize: 100 });
    expect(frames).toHaveLength(5);
    expect(summary.problems).toMatchObject([{ code: "truncated_record", packet: 6, offset: recs[5]![0], fatal: true }]);
    expect(formatProblem(summary.problems[0]!)).toBe(
      `${at("cut.pcap")}: packet 6: record cut short: 20 of ${recs[5]![1] - recs[5]![0]} bytes (file ends at offset ${cutAt})`,
    );
  });

  it("a named pipe (FIFO) is read as a stream and spooled", async () => {
    const fifo = at("pipe.pcap");
    tool("mkfifo", [fifo]);
    const writer = spawn("sh", ["-c", `cat '${MQTT}' > '${fifo}'`]);
    const closed = new Promise((r) => writer.on("close", r));
    const seen: Copied[] = [];
    const { summary, bytes } = await readCapture(fifo, (f) => seen.push(copyFrame(f)));
    expect(await closed).toBe(0);
    expect(summary.problems).toEqual([]);
    expect(seen).toHaveLength(18);
    for (const f of seen) expect(Buffer.from(bytes!.view(f.fileOffset, f.capLen)).equals(f.data)).toBe(true);
    bytes!.close();
  });

  it("an exception thrown by onFrame reaches the caller unchanged", async () => {
    const boom = new Error("boom");
    const thrower = (f: Frame) => {
      if (f.number === 3) throw boom;
    };
    await expect(readCapture(MQTT, thrower)).rejects.toBe(boom);
    writeFileSync(at("mqtt.pcap.gz"), gzipSync(MQTT_BYTES));
    await expect(readCapture(at("mqtt.pcap.gz"), thrower)).rejects.toBe(boom);
    await expect(readCapture("-", thrower, { stdin: Readable.from([MQTT_BYTES]) })).rejects.toBe(boom);
  });
});

describe("gzip", () => {
  it("gzip file, gzip on stdin, concatenated gzip members: same frames as the plain file", async () => {
    const plain = (await readAll(MQTT)).frames;
    writeFileSync(at("a.pcap.gz"), gzipSync(MQTT_BYTES));
    const half = Math.floor(MQTT_BYTES.length / 2);
    writeFileSync(at("two-members.gz"), Buffer.concat([gzipSync(MQTT_BYTES.subarray(0, half)), gzipSync(MQTT_BYTES.subarray(half))]));
    for (const p of [at("a.pcap.gz"), at("two-members.gz")]) {
      const { frames, summary } = await readAll(p, { chunkSize: 100 });
      expect(summary.gzip).toBe(true);
      expect(summary.problems).toEqual([]);
      expect(frames).toEqual(plain);
    }
    const stdin = await readCapture("-", () => {}, { stdin: Readable.from([gzipSync(MQTT_BYTES)]) });
    expect(stdin.summary).toMatchObject({ gzip: true, frames: 18, problems: [] });
    stdin.bytes?.close();
  });

  it("gzip followed by zero padding (padded transfers, tape): every packet, no problem, as gzip -d", async () => {
    const plain = (await readAll(MQTT)).frames;
    writeFileSync(at("padded.gz"), Buffer.concat([gzipSync(MQTT_BYTES), Buffer.alloc(512)]));
    for (const chunkSize of [100, 64 * 1024]) {
      const { frames, summary } = await readAll(at("padded.gz"), { chunkSize });
      expect(summary.problems).toEqual([]);
      expect(frames).toEqual(plain);
    }
  });

  it("gzip followed by other data (a line of text, another file's bytes): every packet, one warning, as gzip -d", async () => {
    const plain = (await readAll(MQTT)).frames;
    const gz = gzipSync(MQTT_BYTES);
    for (const [name, tail] of [
      ["text", Buffer.from("uploaded by curl\n")],
      ["garbage", Buffer.from([0x00, 0x00, 0x41, 0x42, 0x43])],
    ] as const) {
      writeFileSync(at(`trailing-${name}.gz`), Buffer.concat([gz, tail]));
      for (const chunkSize of [7, 100, 64 * 1024]) {
        const { frames, summary } = await readAll(at(`trailing-${name}.gz`), { chunkSize });
        expect(frames).toEqual(plain);
        expect(summary.problems).toMatchObject([{ code: "gzip_trailing", fatal: false }]);
        expect(summary.problems[0]!.message).toBe(`data after the end of the gzip stream (compressed offset ${gz.length}) ignored, as gzip -d does`);
      }
    }
    // A second member after the first is a member, not trailing data, even in one read.
    const half = Math.floor(MQTT_BYTES.length / 2);
    writeFileSync(at("members-one-read.gz"), Buffer.concat([gzipSync(MQTT_BYTES.subarray(0, half)), gzipSync(MQTT_BYTES.subarray(half))]));
    const two = await readAll(at("members-one-read.gz"), { chunkSize: 1 << 20 });
    expect(two.summary.problems).toEqual([]);
    expect(two.frames).toEqual(plain);
  });

  it("a file padded with zeros stops at the padding (zero_fill), not a packet per 16 bytes", async () => {
    const plain = (await readAll(MQTT)).frames;
    writeFileSync(at("zero-filled.pcap"), Buffer.concat([MQTT_BYTES, Buffer.alloc(4 * 1024 * 1024)]));
    const { frames, summary } = await readAll(at("zero-filled.pcap"));
    expect(frames.slice(0, plain.length)).toEqual(plain);
    // The run is recognised after ZERO_FILL_RUN empty records, not after 262,144 of them.
    expect(frames.length).toBeLessThan(plain.length + 1024);
    expect(summary.problems).toMatchObject([{ code: "zero_fill", fatal: true, offset: MQTT_BYTES.length }]);
    // A few empty records between packets are records, not padding.
    const sparse = Buffer.concat([MQTT_BYTES, Buffer.alloc(16 * 10), MQTT_BYTES.subarray(24)]);
    writeFileSync(at("sparse.pcap"), sparse);
    const s = await readAll(at("sparse.pcap"));
    expect(s.summary.problems).toEqual([]);
    expect(s.frames.length).toBe(plain.length * 2 + 10);
  });

  it("a cut gzip file: the packets it holds, then one fatal gzip_error", async () => {
    const gz = gzipSync(MQTT_BYTES);
    writeFileSync(at("cut.gz"), gz.subarray(0, gz.length - 200));
    const { frames, summary } = await readAll(at("cut.gz"));
    const plain = (await readAll(MQTT)).frames;
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(18);
    expect(frames).toEqual(plain.slice(0, frames.length));
    expect(summary.problems).toHaveLength(1);
    expect(summary.problems[0]).toMatchObject({ code: "gzip_error", fatal: true });
    expect(summary.problems[0]!.message).toMatch(/unexpected end of file/);
  });

  it("corrupt deflate data: gzip_error, never a throw", async () => {
    const gz = Buffer.from(gzipSync(MQTT_BYTES));
    for (let i = 200; i < 260; i++) gz[i] = gz[i]! ^ 0x5a;
    writeFileSync(at("bad.gz"), gz);
    const { summary } = await readAll(at("bad.gz"));
    expect(summary.problems).toMatchObject([{ code: "gzip_error", fatal: true }]);
    expect(summary.problems[0]!.message).toMatch(/^gzip stream broken after \d+ decompressed bytes: /);
  });

  it("gzip of something that is not a capture: unknown_format, gzip noted", async () => {
    writeFileSync(at("text.gz"), gzipSync("hello"));
    const { summary } = await readAll(at("text.gz"));
    expect(summary.gzip).toBe(true);
    expect(codes(summary)).toEqual(["unknown_format"]);
  });
});

describe("stdin and streams", () => {
  /** Resolves once `n` frames were seen. */
  function frameWaiter() {
    const seen: Copied[] = [];
    const waiters: Array<[number, () => void]> = [];
    return {
      seen,
      onFrame(f: Frame) {
        seen.push(copyFrame(f));
        for (const [n, r] of waiters) if (seen.length >= n) r();
      },
      until(n: number) {
        return new Promise<void>((r) => (seen.length >= n ? r() : waiters.push([n, r])));
      },
    };
  }

  it("frames arrive while the writer is still writing (plain and gzip with sync flushes)", async () => {
    const recs = pcapRecords(MQTT_BYTES);
    const firstThree = recs[2]![1];
    for (const gzip of [false, true]) {
      const input = new PassThrough();
      const w = frameWaiter();
      const done = readCapture("-", w.onFrame, { stdin: input });
      let ended = false;
      if (gzip) {
        const gz = createGzip();
        gz.pipe(input);
        gz.write(MQTT_BYTES.subarray(0, firstThree));
        gz.flush(zc.Z_SYNC_FLUSH);
        await w.until(3);
        expect(ended).toBe(false);
        gz.end(MQTT_BYTES.subarray(firstThree));
      } else {
        // One byte at a time for the first packets: worst-case chunking.
        for (let i = 0; i < firstThree; i++) input.write(MQTT_BYTES.subarray(i, i + 1));
        await w.until(3);
        expect(w.seen).toHaveLength(3);
        input.end(MQTT_BYTES.subarray(firstThree));
      }
      ended = true;
      const { summary, bytes } = await done;
      expect(summary).toMatchObject({ frames: 18, problems: [], gzip });
      expect(w.seen).toEqual((await readAll(MQTT)).frames);
      bytes!.close();
    }
  });

  it("a child process reading `-` sees packets before its stdin closes", async () => {
    const recs = pcapRecords(MQTT_BYTES);
    const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "test/capture/stdin-child.ts")], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    const lines: Array<() => void> = [];
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const l of lines.splice(0)) l();
    });
    const until = async (re: RegExp) => {
      while (!re.test(out)) await new Promise<void>((r) => lines.push(r));
    };
    child.stdin.write(MQTT_BYTES.subarray(0, recs[1]![1]));
    await until(/frame 2 /);
    expect(out).not.toMatch(/done/);
    child.stdin.end(MQTT_BYTES.subarray(recs[1]![1]));
    await new Promise((r) => child.on("close", r));
    const expectedBack = MQTT_BYTES.subarray(24 + 16, 24 + 26).toString("hex");
    expect(out.trim().split("\n").at(-1)).toBe(`done 18 ok ${expectedBack}`);
    expect(out.match(/^frame /gm)).toHaveLength(18);
  }, 30_000);

  it("a stream that keeps sending garbage after a fatal problem is abandoned, not read forever", async () => {
    let pulled = 0;
    async function* endless() {
      yield MQTT_BYTES.subarray(0, 24 + 16);
      const junk = Buffer.alloc(4096, 0xff);
      for (;;) {
        pulled++;
        yield junk;
      }
    }
    const { summary } = await readCaptureStream("gen", endless(), () => {}, { spool: false });
    expect(codes(summary)).toEqual(["bad_record_length"]);
    expect(pulled).toBeLessThan(3);
  });
});

describe("PacketBytes", () => {
  async function passAndReread(path: string, opts: Parameters<typeof readCapture>[2] = {}) {
    const seen: Copied[] = [];
    const { bytes } = await readCapture(path, (f) => seen.push(copyFrame(f)), opts);
    expect(bytes).not.toBeNull();
    // In order, in reverse, and twice the same packet: always the bytes delivered during the pass.
    for (const f of [...seen, ...[...seen].reverse(), seen[0]!]) {
      expect(Buffer.from(bytes!.view(f.fileOffset, f.capLen)).equals(f.data)).toBe(true);
    }
    return { seen, bytes: bytes! };
  }

  it("plain files: every fixture's packets read back from the file", async () => {
    for (const p of publicFixtures()) (await passAndReread(p)).bytes.close();
  });

  it("gzip and stdin: read back from the spool, which lives outside any directory listing", async () => {
    const spoolDir = at("spool-tmp");
    mkdirSync(spoolDir);
    const oldTmp = process.env.TMPDIR;
    process.env.TMPDIR = spoolDir;
    try {
      writeFileSync(at("m.gz"), gzipSync(MQTT_BYTES));
      const gz = await passAndReread(at("m.gz"));
      const stdin = await passAndReread("-", { stdin: Readable.from([MQTT_BYTES.subarray(0, 100), MQTT_BYTES.subarray(100)]) });
      // The spool files were unlinked as soon as they were opened.
      expect(readdirSync(spoolDir)).toEqual([]);
      expect(gz.bytes.size).toBe(MQTT_BYTES.length);
      expect(stdin.bytes.copy(0, MQTT_BYTES.length).equals(MQTT_BYTES)).toBe(true);
      gz.bytes.close();
      stdin.bytes.close();
      expect(() => gz.bytes.view(0, 1)).toThrow(/closed/);
    } finally {
      if (oldTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = oldTmp;
    }
  });

  it("spool: false keeps no copy of a stream; a plain file still has its bytes", async () => {
    writeFileSync(at("n.gz"), gzipSync(MQTT_BYTES));
    const gz = await readCapture(at("n.gz"), () => {}, { spool: false });
    expect(gz.summary.frames).toBe(18);
    expect(gz.bytes).toBeNull();
    const plain = await readCapture(MQTT, () => {}, { spool: false });
    expect(plain.bytes).not.toBeNull();
    plain.bytes!.close();
  });

  it("packets larger than a cache window and ranges past the end", async () => {
    const big = Buffer.alloc(600_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const hdr = Buffer.alloc(24);
    hdr.writeUInt32LE(0xa1b2c3d4, 0);
    hdr.writeUInt16LE(2, 4);
    hdr.writeUInt16LE(4, 6);
    hdr.writeUInt32LE(1 << 20, 16);
    hdr.writeUInt32LE(1, 20);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(big.length, 8);
    rec.writeUInt32LE(big.length, 12);
    writeFileSync(at("big.pcap"), Buffer.concat([hdr, rec, big, rec, big]));
    const { seen, bytes } = await passAndReread(at("big.pcap"));
    expect(seen.map((f) => f.capLen)).toEqual([600_000, 600_000]);
    expect(() => bytes.view(seen[1]!.fileOffset, 600_001)).toThrow(RangeError);
    expect(() => bytes.view(-1, 2)).toThrow(RangeError);
    bytes.close();
  });
});

describe("the reused frame", () => {
  it("is one object; data is made once per packet and equals buf[start, start+capLen), also across chunk seams", async () => {
    const objects = new Set<Frame>();
    let n = 0;
    const { bytes } = await readCapture(
      MQTT,
      (f) => {
        objects.add(f);
        const r = f as ReusedFrame;
        expect(f.data).toBe(f.data);
        expect(Buffer.from(r.buf.subarray(r.start, r.start + r.capLen)).equals(f.data)).toBe(true);
        expect(Buffer.from(f.data).equals(MQTT_BYTES.subarray(f.fileOffset, f.fileOffset + f.capLen))).toBe(true);
        n++;
      },
      { chunkSize: 97 },
    );
    bytes?.close();
    expect(n).toBe(18);
    expect(objects.size).toBe(1);
  });
});
