/**
 * The NSS key log format (what OpenSSL's SSLKEYLOGFILE, Python's `keylog_filename`, Java agents
 * and browsers write): one `LABEL <client random hex> <secret hex>` per line, `#` comments.
 *
 * Secrets are kept as bytes keyed by label and client random, and never turned back into text:
 * problems name a line number and a reason, never the line, so no output can leak a secret.
 */

/** Labels kdiag uses: the TLS 1.2 master secret and the TLS 1.3 traffic secrets. */
export const KEYLOG_LABELS = [
  "CLIENT_RANDOM",
  "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
  "SERVER_HANDSHAKE_TRAFFIC_SECRET",
  "CLIENT_TRAFFIC_SECRET_0",
  "SERVER_TRAFFIC_SECRET_0",
] as const;
export type KeyLogLabel = (typeof KEYLOG_LABELS)[number];

/** Labels a key log may hold that decryption does not need (0-RTT, exporters): read, not kept. */
const IGNORED_LABELS = new Set([
  "CLIENT_EARLY_TRAFFIC_SECRET",
  "EARLY_EXPORTER_SECRET",
  "EXPORTER_SECRET",
  "RSA",
  // OpenSSL 3 logs the secrets after each TLS 1.3 KeyUpdate under these labels (with no number):
  // kdiag derives them from the _0 secrets itself (session.ts), as Wireshark does.
  "CLIENT_TRAFFIC_SECRET_N",
  "SERVER_TRAFFIC_SECRET_N",
]);

export interface KeyLogProblem {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

/** The secrets of a key log, looked up by the ClientHello's random. */
export class KeyLog {
  private readonly secrets = new Map<string, Uint8Array>();
  /** The client randoms (hex) with any secret: one lookup per connection instead of one per label. */
  private readonly randoms = new Set<string>();

  /** Number of secrets kept. */
  get size(): number {
    return this.secrets.size;
  }

  set(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): void {
    const random = toHex(clientRandom);
    this.secrets.set(`${label} ${random}`, secret);
    this.randoms.add(random);
  }

  get(label: KeyLogLabel, clientRandom: Uint8Array): Uint8Array | undefined {
    return this.secrets.get(`${label} ${toHex(clientRandom)}`);
  }

  /** Whether any secret at all is known for this client random (to tell "no entry" from "partial entry"). */
  knows(clientRandom: Uint8Array): boolean {
    return this.randoms.has(toHex(clientRandom));
  }
}

/** Reads a key log; a malformed line is reported (by number) and skipped, the rest still read. */
export function parseKeyLog(text: string): { keyLog: KeyLog; problems: KeyLogProblem[] } {
  const keyLog = new KeyLog();
  const problems: KeyLogProblem[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const parts = line.split(/\s+/);
    const label = parts[0]!;
    if (IGNORED_LABELS.has(label)) continue;
    if (!(KEYLOG_LABELS as readonly string[]).includes(label)) {
      problems.push({ line: i + 1, reason: "unknown label (expected CLIENT_RANDOM or a TLS 1.3 traffic secret label)" });
      continue;
    }
    if (parts.length !== 3) {
      problems.push({ line: i + 1, reason: `expected 3 fields (label, client random, secret), found ${parts.length}` });
      continue;
    }
    const random = fromHex(parts[1]!);
    const secret = fromHex(parts[2]!);
    if (!random || random.length !== 32) {
      problems.push({ line: i + 1, reason: "the client random is not 32 bytes of hex" });
      continue;
    }
    // A TLS 1.2 master secret is 48 bytes; TLS 1.3 secrets are a hash long (32 or 48).
    const sizes = label === "CLIENT_RANDOM" ? [48] : [32, 48];
    if (!secret || !sizes.includes(secret.length)) {
      problems.push({ line: i + 1, reason: `the secret is not ${sizes.join(" or ")} bytes of hex` });
      continue;
    }
    keyLog.set(label as KeyLogLabel, random, secret);
  }
  return { keyLog, problems };
}

function fromHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  return new Uint8Array(Buffer.from(text, "hex"));
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}
