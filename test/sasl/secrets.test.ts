/**
 * Secrets never leave kdiag: every command and output format run on real captures of SASL logins
 * (test/fixtures/sasl, made by scripts/fixtures/make-sasl-captures.sh) with a known password, and
 * the SCRAM proofs and server signatures read from the capture's own bytes; all output and every
 * file kdiag writes is searched for them. `--show-secrets` shows them (so the search can fail).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { headless, type Headless } from "../tui/harness.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "sasl");
const GOOD = "kdiag-S3cret-pw";
const BAD = "kdiag-Wr0ng-pw";

/** SCRAM client proofs (p=) and server signatures (v=) as they travel in the capture. */
function scramSecrets(file: string): string[] {
  const text = readFileSync(file).toString("latin1");
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:,p=|\bv=)([A-Za-z0-9+/]{40,}={0,2})/g)) out.add(m[1]!);
  return [...out];
}

const CAPTURES = ["plain-kcat.pcap", "plain-kafka-python.pcap", "plain-wrong-password-kafka-python.pcap", "scram-sha-256-kcat.pcap", "scram-sha-256-kafka-python.pcap", "scram-sha-256-wrong-password-kcat.pcap"];

function run(args: string[]): { out: string; status: number | null } {
  const r = spawnSync("node", ["bin/kdiag.js", ...args], { encoding: "latin1", maxBuffer: 64 * 1024 * 1024 });
  return { out: `${r.stdout}\n${r.stderr}`, status: r.status };
}

/** Every file under `dir`, read as bytes (latin1 keeps each byte one character). */
function filesText(dir: string): string {
  let text = "";
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    text += statSync(p).isDirectory() ? filesText(p) : readFileSync(p).toString("latin1");
  }
  return text;
}

function leaks(text: string, secrets: string[]): string[] {
  return secrets.filter((s) => text.includes(s));
}

describe("secrets are masked in every output", () => {
  it("the captures hold the secrets the test searches for", () => {
    expect(readFileSync(join(DIR, "plain-kcat.pcap")).toString("latin1")).toContain(GOOD);
    expect(readFileSync(join(DIR, "plain-wrong-password-kafka-python.pcap")).toString("latin1")).toContain(BAD);
    // two logins of kafka-python, one of kcat: a proof and a server signature each
    expect(scramSecrets(join(DIR, "scram-sha-256-kafka-python.pcap")).length).toBe(4);
    expect(scramSecrets(join(DIR, "scram-sha-256-kcat.pcap")).length).toBe(2);
    // the failed login has a proof, and no server signature
    expect(scramSecrets(join(DIR, "scram-sha-256-wrong-password-kcat.pcap")).length).toBe(1);
  });

  for (const name of CAPTURES) {
    it(`${name}: text, --json, md, stats, exports and evidence carry no secret`, () => {
      const file = join(DIR, name);
      const secrets = [GOOD, BAD, ...scramSecrets(file)];
      const tmp = mkdtempSync(join(tmpdir(), "kdiag-secrets-"));
      const commands: string[][] = [
        ["packets", file],
        ["packets", "--json", file],
        ["packets", "-Y", "kafka.sasl.username == \"alice\"", file],
        ["kafka", file],
        ["kafka", "--json", file],
        ["kafka", "--stats", "--json", file],
        ["flows", "--json", file],
        ["analyze", file, "--export-evidence", join(tmp, "evidence.pcap")],
        ["analyze", "--json", file],
        ["analyze", "--format", "md", file],
        ["watch", "--json", file],
        ["compare", file, file],
        ["compare", "--json", file, file],
        ["export", "--format", "ndjson", "--out", join(tmp, "ndjson"), file],
        ["export", "--format", "parquet", "--out", join(tmp, "parquet"), file],
      ];
      let all = "";
      for (const args of commands) {
        const r = run(args);
        expect(r.status, `${args.join(" ")}: ${r.out}`).not.toBe(1);
        expect(leaks(r.out, secrets), args.join(" ")).toEqual([]);
        all += r.out;
      }
      expect(leaks(filesText(tmp), secrets), "files written").toEqual([]);
      // The runs did decode the logins (a run that decoded nothing would leak nothing either).
      expect(all).toMatch(/user=alice/);
    });
  }

  it("the evidence pcap keeps every packet, with the password's bytes overwritten", () => {
    const file = join(DIR, "plain-wrong-password-kafka-python.pcap");
    const tmp = mkdtempSync(join(tmpdir(), "kdiag-secrets-"));
    const out = join(tmp, "ev.pcap");
    expect(run(["analyze", file, "--export-evidence", out]).status).toBe(0);
    const bytes = readFileSync(out).toString("latin1");
    expect(bytes).not.toContain(BAD);
    expect(bytes).toContain("alice\0" + "*".repeat(BAD.length));
    // the same packets, with --show-secrets, as captured
    const shown = join(tmp, "shown.pcap");
    expect(run(["--show-secrets", "analyze", file, "--export-evidence", shown]).status).toBe(0);
    expect(readFileSync(shown).toString("latin1")).toContain(`alice\0${BAD}`);
    expect(statSync(shown).size).toBe(statSync(out).size);
  });

  it("--show-secrets shows them in text and JSON", () => {
    const plain = run(["--show-secrets", "packets", "--json", join(DIR, "plain-kcat.pcap")]);
    expect(plain.out).toContain(GOOD);
    const scram = join(DIR, "scram-sha-256-kcat.pcap");
    const text = run(["--show-secrets", "packets", scram]).out;
    for (const s of scramSecrets(scram)) expect(text).toContain(s);
  });
});

describe("secrets in the TUI", () => {
  let open: Headless | null = null;
  afterEach(async () => {
    if (open) {
      await open.press("C-c");
      await open.exit;
      open = null;
    }
  });

  /** Goes to the SaslAuthenticate request, selects its password in the tree, and shows the hex pane. */
  async function passwordBytes(show: boolean): Promise<{ tree: string; ascii: string; screen: string }> {
    const h = (open = await headless([join(DIR, "plain-kcat.pcap")], { cols: 100, rows: 30 }, show ? { showSecrets: true } : {}));
    await h.press("4", "/");
    await h.type("kafka.api_key == 36");
    await h.press("enter", "5", "/");
    await h.type("password:");
    await h.press("enter");
    const tree = h.text();
    await h.press("6", "z");
    const lines = h.lines();
    const inv = h.inverse();
    let ascii = "";
    lines.forEach((line, y) => {
      if (!/^[0-9a-f]{4} {2}/.test(line)) return;
      for (const run of inv[y]!) if (!/^[0-9a-f]{2}( [0-9a-f]{2})*$/.test(run)) ascii += run;
    });
    return { tree, ascii, screen: h.written() };
  }

  it("masks the password in the tree and the hex pane", async () => {
    const r = await passwordBytes(false);
    expect(r.tree).toContain("password: **** (masked; --show-secrets shows it)");
    expect(r.ascii).toBe("*".repeat(GOOD.length));
    expect(r.screen).not.toContain(GOOD);
  });

  it("shows it with --show-secrets", async () => {
    const r = await passwordBytes(true);
    expect(r.tree).toContain(`password: "${GOOD}"`);
    expect(r.ascii).toBe(GOOD);
  });
});
