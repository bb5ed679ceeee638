/**
 * The Kafka stand-in's refusal over TLS, on the wire (tcpdump on loopback, decrypted by tshark with
 * the client's key log): `--refuse-close rst --tls` sends TLS close_notify, then a RST and no FIN,
 * as a Kafka broker does when it closes a TLS connection with a request unread
 * (SslTransportLayer.close(), then the kernel's RST for the close(2)); `--refuse-close fin`
 * sends close_notify, then its FIN. Needs root (tcpdump), tshark and openssl, like the fixtures.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "kdiag-standin-tls-"));
const cert = join(dir, "broker.pem");
const key = join(dir, "broker.key");
const children: ChildProcess[] = [];

beforeAll(() => {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=broker-1"], { stdio: "ignore" });
});

afterAll(() => {
  for (const c of children) if (running(c)) process.kill(-c.pid!, "SIGTERM");
});

const running = (c: ChildProcess): boolean => c.pid !== undefined && c.exitCode === null && c.signalCode === null;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process in its own group; resolves once `ready` appears in its output. */
function start(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(cmd, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start: ${seen}`)), 60_000);
    const look = (b: Buffer) => {
      seen += b.toString();
      if (ready.test(seen)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", look);
    child.stderr!.on("data", look);
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (!running(child)) return resolve();
    child.once("exit", () => resolve());
    process.kill(-child.pid!, signal);
  });
}

/**
 * One refused request over TLS: the client sends a size prefix over the broker's limit and more
 * bytes; returns the broker's packets as tshark decrypts them: [tls alert description or "", FIN, RST].
 */
async function refusal(style: "fin" | "rst"): Promise<{ packets: string[][]; log: string }> {
  const port = await freePort();
  const pcap = join(dir, `${style}.pcap`);
  const keys = join(dir, `${style}.keys`);
  const broker = await start(
    "npx",
    ["tsx", "scripts/kafka-standin/broker.ts", "--host", "127.0.0.1", "--port", String(port), "--tls", `${cert},${key}`, "--socket-request-max-bytes", "1000", "--refuse-close", style],
    /listening on/,
  );
  let log = "";
  broker.stdout!.on("data", (b: Buffer) => (log += b.toString()));
  broker.stderr!.on("data", (b: Buffer) => (log += b.toString()));
  const dump = await start("tcpdump", ["-i", "lo", "--immediate-mode", "-U", "-w", pcap, `tcp port ${port}`], /listening on/);
  await new Promise<void>((resolve) => {
    const s = connect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      s.write(Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.alloc(8000, 0x78)]));
    });
    s.on("keylog", (line) => appendFileSync(keys, line));
    s.on("error", () => {});
    s.on("close", () => resolve());
  });
  await new Promise((r) => setTimeout(r, 500));
  await stop(dump, "SIGINT");
  await stop(broker, "SIGTERM");
  const text = execFileSync(
    "tshark",
    ["-o", `tls.keylog_file:${keys}`, "-d", `tcp.port==${port},tls`, "-r", pcap, "-Y", `tcp.srcport==${port} && !tls.handshake`, "-T", "fields", "-e", "tls.alert_message.desc", "-e", "tcp.flags.fin", "-e", "tcp.flags.reset"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  const packets = text
    .trim()
    .split("\n")
    .map((l) => l.split("\t"))
    // Only what the broker sent after the handshake: alerts, FIN, RST.
    .filter(([alert, fin, rst]) => alert !== "" || fin === "1" || fin === "True" || rst === "1" || rst === "True");
  return { packets: packets.map(([a, f, r]) => [a!, f === "1" || f === "True" ? "FIN" : "", r === "1" || r === "True" ? "RST" : ""]), log };
}

describe("the stand-in broker's refusal over TLS", () => {
  it("--refuse-close rst: close_notify, then a RST, and no FIN; its log says so", async () => {
    const { packets, log } = await refusal("rst");
    expect(log).toMatch(/closing \(TLS close_notify, RST\)/);
    // close_notify is alert description 0.
    expect(packets[0]).toEqual(["0", "", ""]);
    expect(packets.slice(1).some(([, , rst]) => rst === "RST")).toBe(true);
    expect(packets.some(([, fin]) => fin === "FIN")).toBe(false);
    expect(log).not.toMatch(/ERR_INVALID_HANDLE_TYPE|TypeError/);
  }, 120_000);

  it("--refuse-close fin: close_notify, then a FIN", async () => {
    const { packets, log } = await refusal("fin");
    expect(log).toMatch(/closing \(TLS close_notify, FIN\)/);
    // The FIN comes after close_notify (in the same segment or a later one); the client's bytes
    // arriving after the close may draw the kernel's RST, but only after the FIN.
    expect(packets[0]![0]).toBe("0");
    const fin = packets.findIndex(([, f]) => f === "FIN");
    const rst = packets.findIndex(([, , r]) => r === "RST");
    expect(fin).toBeGreaterThanOrEqual(0);
    if (rst >= 0) expect(rst).toBeGreaterThan(fin);
  }, 120_000);
});
