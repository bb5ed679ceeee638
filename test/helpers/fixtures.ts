// The captures the integration tests run over, with what tshark needs to read each one.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "./tshark.js";

export const REAL_DIR = join(REPO_ROOT, "test", "fixtures", "real");
export const PUBLIC_DIR = join(REPO_ROOT, "test", "fixtures", "public");
/** The number of public captures copied from ../shared/captures/public (see its README). */
export const PUBLIC_COUNT = 17;

export interface Fixture {
  /** Path relative to the repository root, for test names and messages. */
  name: string;
  file: string;
  /** tshark `-d` items: Kafka on a port Wireshark does not know. kdiag must find it unaided. */
  decodeAs: string[];
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(pcap|pcapng)$/.test(e)) out.push(p);
  }
  return out;
}

function fixture(file: string): Fixture {
  return { name: relative(REPO_ROOT, file), file, decodeAs: ["tcp.port==36333,kafka"] };
}

export function realFixtures(): Fixture[] {
  return walk(REAL_DIR).map(fixture);
}

export function publicFixtures(): Fixture[] {
  return walk(PUBLIC_DIR).map(fixture);
}

/** Every capture under test/fixtures (gzip-compressed ones too), as [path relative to it, path]. */
export function allFixtureCaptures(): Array<[string, string]> {
  const root = join(REPO_ROOT, "test", "fixtures");
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) visit(p);
      else if (/\.(pcap|pcapng|cap)(\.gz)?$/.test(e)) out.push(p);
    }
  };
  visit(root);
  return out.map((p) => [relative(root, p), p]);
}
