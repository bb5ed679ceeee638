// Re-encodings of one capture that must read as the same traffic: pcapng, nanosecond pcap, gzip.
// Made at test time (editcap, node:zlib) into a temporary directory, so only the originals are
// committed. A Linux cooked ("-i any") capture is a different recording, kept as its own fixture.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";

export interface Variants {
  /** editcap -F pcapng */
  pcapng: string;
  /** editcap -F nsecpcap (magic a1b23c4d, nanosecond timestamps) */
  nsec: string;
  /** the original bytes, gzip-compressed, named *.pcap.gz */
  gzip: string;
}

function editcap(args: string[]): Promise<void> {
  return new Promise((res, rej) => {
    execFile("editcap", args, (err, _out, stderr) => {
      if (err) rej(new Error(`editcap ${args.join(" ")} failed: ${err.message}\n${stderr}`));
      else res();
    });
  });
}

/** Writes the three variants of `file` into `dir` and returns their paths. */
export async function makeVariants(file: string, dir: string): Promise<Variants> {
  const stem = basename(file).replace(/\.(pcapng|pcap|cap)$/, "");
  const v: Variants = {
    pcapng: join(dir, `${stem}.pcapng`),
    nsec: join(dir, `${stem}.nsec.pcap`),
    gzip: join(dir, `${stem}.pcap.gz`),
  };
  await editcap(["-F", "pcapng", file, v.pcapng]);
  await editcap(["-F", "nsecpcap", file, v.nsec]);
  await writeFile(v.gzip, gzipSync(await readFile(file)));
  return v;
}

/** A fresh temporary directory and a function that removes it. */
export async function tempDir(prefix = "kdiag-variants-"): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
