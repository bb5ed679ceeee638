/**
 * End to end in a real terminal: `kdiag tui` in tmux at 80x24 on a real capture, keys sent as a
 * user types them, the captured screen checked at each step, and the terminal checked after quit
 * (alternate screen left, cursor shown, the shell's earlier output back, title untouched).
 * Runs `node bin/kdiag.js tui` (build first) in a shell of tmux-shell.ts.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hasTmux, KDIAG, ROOT, startShell as startTmuxShell, type Shell } from "./tmux-shell.js";

const FIREWALL = join(ROOT, "test", "fixtures", "real", "firewall-idle-client.pcap");
const launcher = () => `${KDIAG} tui`;

let shell: Shell | null = null;
const sh = () => shell!;
const screen = () => sh().screen();
const keys = (...k: string[]) => sh().keys(...k);
const literal = (text: string) => sh().literal(text);
const display = (format: string) => sh().display(format);
const waitFor = (what: string | RegExp, timeoutMs?: number) => sh().waitFor(what, timeoutMs);

/** A shell with tmux's own TERM, with a line of output the TUI must give back when it quits. */
async function startShell(): Promise<void> {
  shell = await startTmuxShell();
  keys("echo BEFORE-MARK", "Enter");
  await waitFor(/^BEFORE-MARK$/m);
}

afterEach(() => {
  shell?.kill();
  shell = null;
});

describe.skipIf(!hasTmux)("kdiag tui in tmux (80x24)", () => {
  it("opens a finding, drills into an exchange and its tree, filters, quits and restores the terminal", async () => {
    await startShell();
    const title = display("#{pane_title}");
    keys(`${launcher()} ${FIREWALL}; echo EXIT=$?`, "Enter");
    let s = await waitFor(/Findings \(\d+\)/);
    expect(s).toContain("firewall-idle");
    expect(s.split("\n")[0]).toMatch(/^kdiag firewall-idle-client\.pcap/);
    expect(s).toContain("<q> quit");

    keys("Enter"); // open the first cause: a row per connection
    s = await waitFor(/^ {6}c1 Client kdiag-fwidle/m);
    keys("Down", "Enter"); // its first connection: the evidence
    s = await waitFor("Packets - connection 0");
    expect(s).toMatch(/evidence packets? \d/);
    expect(s).toMatch(/^●\s+1 /m);

    keys("3", "Enter"); // the connection's first exchange, into its tree
    s = await waitFor("Kafka exchange: ApiVersions");
    expect(s).toMatch(/^>5 Detail/m);

    keys("4", "z"); // the request packet's tree, maximised
    keys("5");
    s = await waitFor("Transmission Control Protocol");
    expect(s).toContain("Kafka request: ApiVersions v0");
    keys("z");

    keys("4", "/");
    literal("tcp.flags.rest == true");
    s = await waitFor(/^✗ col \d+: unknown field/m);
    keys("C-u");
    literal("tcp.flags.reset");
    await waitFor("✓ valid");
    keys("Enter");
    s = await waitFor("[filter: tcp.flags.reset]");
    expect(s).toMatch(/\[RST/);

    keys("q");
    s = await waitFor(/^EXIT=0$/m);
    expect(s).toContain("BEFORE-MARK");
    expect(s).not.toContain("Findings (");
    expect(display("#{alternate_on} #{cursor_flag}")).toBe("0 1");
    expect(display("#{pane_title}")).toBe(title);
  });

  it("the README's message-too-large walk-through: finding, evidence, the broker's error in the tree and its bytes", async () => {
    await startShell();
    keys(`${launcher()} ${join(ROOT, "test", "fixtures", "kcat", "message-too-large-acks1.pcap.gz")}; echo EXIT=$?`, "Enter");
    let s = await waitFor(/Findings \(\d+\)/);
    expect(s.split("\n")[2]).toMatch(/^error message-too-large c0 Client kcat-big-producer/);
    expect(s).toContain("2,000,142 bytes");
    expect(s).toContain("MESSAGE_TOO_LARGE");
    keys("Enter");
    s = await waitFor("evidence packets 1, 77, 79 (] next)");
    keys("]", "]");
    s = await waitFor(/^>4 Packets - connection 0 \(82\) 79\/82/m);
    keys("5");
    s = await waitFor(/^>5 Detail/m);
    expect(s).toMatch(/^ +· error_code: 10$/m);
    keys("6");
    s = await waitFor(/^>6 Hex - packet 79/m);
    expect(s).toMatch(/^0050 {2}6f 72 64 65 72 73 00 00 00 01 00 00 00 00 00 0a {2}orders\.{10}$/m);
    keys("q");
    await waitFor(/^EXIT=0$/m);
  });

  it("a client id made of escape sequences changes nothing outside kdiag's drawing; Ctrl-C quits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const evil = join(dir, "evil.pcap");
    const bytes = readFileSync(FIREWALL);
    const from = Buffer.from("kdiag-fwidle");
    const to = Buffer.from("\x1b[2J\x1b]2;X\x07ab");
    for (let at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) to.copy(bytes, at);
    writeFileSync(evil, bytes);
    await startShell();
    const title = display("#{pane_title}");
    keys(`${launcher()} ${evil}; echo EXIT=$?`, "Enter");
    await waitFor(/Findings \(\d+\)/);
    keys("3", "z");
    const s = await waitFor("\\e[2J");
    expect(s).toContain("Kafka exchanges");
    expect(display("#{pane_title}")).toBe(title);
    keys("C-c");
    const after = await waitFor(/^EXIT=0$/m);
    expect(after).toContain("BEFORE-MARK");
    expect(display("#{alternate_on} #{cursor_flag} #{pane_title}")).toBe(`0 1 ${title}`.trim());
  });

  it.each([
    ["xterm-256color", "", "colour"],
    ["xterm-256color", "NO_COLOR=1", "attributes"],
    ["xterm", "", "colour"],
    ["vt100", "", "attributes"],
  ] as const)("colours the RST row with TERM=%s %s (%s), and the screen stays readable", async (term, noColor, expected) => {
    await startShell();
    keys(`env TERM=${term} LANG=C.UTF-8 ${noColor} ${launcher()} ${join(ROOT, "test", "fixtures", "real", "rst-abort.pcap")}; echo EXIT=$?`, "Enter");
    await waitFor(/Findings \(\d+\)/);
    keys("4", "G"); // the last packet selected (inverse): the first RST, packet 8, drawn with its style
    const arrow = term === "vt100" ? "->" : "→";
    await waitFor(/^>4 Packets - all connections \(10\) 10\/10/m);
    const plain = screen();
    expect(plain).toContain(`[RST, ACK] 9092 ${arrow} 38018 Seq=`);
    expect(plain).toMatch(/^ +9 +202ms 10\.99\.1\.1 .* \[SYN\] 38356 /m);
    const coded = sh().coded();
    const rst = coded.split("\n").find((l) => l.includes("[RST, ACK] 9092") && /^(\x1b\[[0-9;]*m)*\s+8 /.test(l))!;
    expect(rst).toBeDefined();
    // SGR parameters that set a colour: 30-37/40-47 (8 colours), 90-97/100-107, 38/48 (256 colours)
    const colours = (text: string) =>
      [...text.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(";").map(Number)).filter((n) => (n >= 30 && n <= 38) || (n >= 40 && n <= 48) || (n >= 90 && n <= 107));
    const attributes = (text: string) => [...text.matchAll(/\x1b\[([0-9;]*)m/g)].flatMap((m) => m[1]!.split(";").map(Number));
    if (expected === "colour") {
      expect(colours(rst)).toEqual(expect.arrayContaining([41])); // white on red, Wireshark's RST rule
      if (term === "xterm") expect(colours(coded).filter((n) => n === 38 || n === 48)).toEqual([]);
    } else {
      expect(colours(coded)).toEqual([]);
      expect(attributes(rst)).toEqual(expect.arrayContaining([1, 4])); // bold and underlined
    }
    keys("q");
    await waitFor(/^EXIT=0$/m);
  });

  it("run as a program (kdiag, npx kdiag), runs with glibc's mmap threshold fixed, in one process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const file = join(dir, `malloc-${process.pid}.pcap`);
    writeFileSync(file, readFileSync(FIREWALL));
    await startShell();
    // The file itself, as npm's bin link runs it: sh sets the variable and execs node.
    keys(`${join(ROOT, "bin", "kdiag.js")} tui ${file}; echo EXIT=$?`, "Enter");
    await waitFor(/Findings \(\d+\)/);
    const pids = spawnSync("pgrep", ["-f", file], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map(Number);
    expect(pids.length).toBe(1);
    expect(readFileSync(`/proc/${pids[0]}/environ`, "latin1").split("\0")).toContain("MALLOC_MMAP_THRESHOLD_=131072");
    keys("q");
    await waitFor(/^EXIT=0$/m);
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("a %s from outside (kill, a dropped SSH session) restores the terminal and exits %d", async (signal, code) => {
    const dir = mkdtempSync(join(tmpdir(), "kdiag-tui-"));
    const file = join(dir, `signal-${signal}-${process.pid}.pcap`);
    writeFileSync(file, readFileSync(FIREWALL));
    await startShell();
    keys(`${launcher()} ${file}; echo EXIT=$?`, "Enter");
    await waitFor(/Findings \(\d+\)/);
    const pids = spawnSync("pgrep", ["-f", file], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, signal);
    const after = await waitFor(new RegExp(`^EXIT=${code}$`, "m"));
    expect(after).toContain("BEFORE-MARK");
    expect(after).not.toContain("Findings (");
    expect(display("#{alternate_on} #{cursor_flag}")).toBe("0 1");
  });
});
