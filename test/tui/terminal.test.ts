/**
 * The TUI on the terminals it meets over SSH, at 80x24 in tmux: each TERM it supports draws and
 * leaves a clean shell after `q` (no terminfo compiler output, no stray escape text); the ones it
 * cannot draw on are refused with one line and exit code 2; Esc then a key is two keys; a burst
 * of keys, or a key sequence split across reads, never turns into other commands. Below, the
 * input splitter and the terminfo reader on their own.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import blessed from "blessed";
import { afterEach, describe, expect, it } from "vitest";
import { ESC_DELAY_MS, KeyInput, splitKeys } from "../../src/tui/keyinput.js";
import { fixBlessedTerminfo, legacyTerminfo, terminalProblem } from "../../src/tui/terminfo.js";
import { hasTmux, ROOT, startShell, type Shell } from "./tmux-shell.js";

/** 40 packets, 3 connections, 1 finding: the command line fits one 80-column row. */
const CAPTURE = "test/fixtures/real/normal.pcap";
const RUN = `node bin/kdiag.js tui ${CAPTURE}; echo EXIT=$?`;

let shell: Shell | null = null;
afterEach(() => {
  shell?.kill();
  shell = null;
});

async function open(term: string | null): Promise<Shell> {
  shell = await startShell(term);
  // Typed once bash shows its prompt, so that the line is not echoed before it.
  await shell.waitFor(/^\$/m);
  shell.keys(`cd ${ROOT} && echo BEFORE-MARK`, "Enter");
  await shell.waitFor(/^BEFORE-MARK$/m);
  return shell;
}

/** The lines a clean shell may show after the TUI quit (vt100 and linux have no alternate screen: the TUI's clear leaves only the last two). */
const CLEAN = [/^\$ cd .* && echo BEFORE-MARK$/, /^BEFORE-MARK$/, /^\$ node bin\/kdiag\.js tui .*; echo EXIT=\$\?$/, /^EXIT=0$/, /^\$$/];

describe.skipIf(!hasTmux)("kdiag tui on each terminal type, in tmux at 80x24", () => {
  it.each(["screen-256color", "tmux-256color", "xterm-256color", "xterm", "vt100", "linux"])(
    "TERM=%s: draws the panes, and after q the shell is clean",
    async (term) => {
      const s = await open(term);
      s.keys(RUN, "Enter");
      const drawn = await s.waitFor(/Findings \(\d+\)/);
      expect(drawn.split("\n")[0]).toMatch(/^kdiag normal\.pcap +40 pkts, 3 conns/);
      expect(drawn).toMatch(/^ ?2 Connections/m);
      expect(drawn).toContain("<q> quit");
      s.keys("q");
      const after = await s.waitFor(/^EXIT=0\n\$ ?$/m);
      expect(after).not.toMatch(/Error on|var v|stack|out\.push|params\[/);
      // Nothing but the shell's own lines: no terminfo compiler output, no escape text.
      const left = after.split("\n").map((l) => l.trimEnd()).filter(Boolean);
      for (const line of left) expect(CLEAN.some((re) => re.test(line)), `unexpected line after quit: ${JSON.stringify(line)}`).toBe(true);
      expect(left.at(-2)).toBe("EXIT=0");
      expect(s.display("#{alternate_on} #{cursor_flag}")).toBe("0 1");
    },
  );

  it.each([
    ["dumb", "this terminal (TERM=dumb) cannot show a full-screen view"],
    ["", "TERM is not set"],
    [null, "TERM is not set"],
    ["kdiag-no-such-terminal", "no terminfo entry for TERM=kdiag-no-such-terminal"],
  ] as const)("TERM=%j: refused with one line on stderr, exit code 2, the terminal untouched", async (term, why) => {
    const s = await open(term);
    const err = join(mkdtempSync(join(tmpdir(), "kdiag-term-")), "stderr.txt");
    s.keys(`node bin/kdiag.js tui ${CAPTURE} 2>${err}; echo EXIT=$?`, "Enter");
    const after = await s.waitFor(/^EXIT=\d+$/m);
    expect(after).toMatch(/^EXIT=2$/m);
    const lines = readFileSync(err, "utf8").split("\n");
    expect(lines).toHaveLength(2); // one line, then the end of the file
    expect(lines[0]).toBe(`kdiag tui: ${why}${why.includes("terminfo") ? " on this system" : ""}; set TERM=xterm-256color or use kdiag analyze`);
    expect(after).not.toMatch(/\^\[|\x1b|\[\?1049/);
    expect(s.display("#{alternate_on}")).toBe("0");
  });
});

describe.skipIf(!hasTmux)("keys over a real terminal (tmux at 80x24)", () => {
  async function tui(): Promise<Shell> {
    const s = await open("tmux-256color");
    s.keys(RUN, "Enter");
    await s.waitFor(/Findings \(\d+\)/);
    return s;
  }

  it("Esc then 2 sent together closes the filter bar and goes to pane 2; a lone Esc closes it too", async () => {
    const s = await tui();
    s.keys("4", "/");
    s.literal("abc");
    await s.waitFor(/^filter packets \(packet fields\): abc/m);
    s.keys("Escape", "2");
    let screen = await s.waitFor(/^>2 Connections/m);
    expect(screen).not.toMatch(/^filter packets/m);
    expect(screen).not.toMatch(/^>(?!2 )\d /m);
    // Esc alone, nothing after it: delivered once the short wait for a sequence is over.
    s.keys("/");
    s.literal("abc");
    await s.waitFor(/^filter connections \(connection fields\): abc/m);
    s.keys("Escape");
    screen = await s.waitFor(/^(?![\s\S]*filter connections)[\s\S]*<q> quit/);
    expect(screen).not.toMatch(/^filter connections/m);
    expect(screen).toMatch(/^>2 Connections/m);
    s.keys("q");
    await s.waitFor(/^EXIT=0$/m);
  });

  it("2000 PgDn sent at once all page down in the pane that has the focus", async () => {
    const s = await tui();
    s.keys("4");
    await s.waitFor(/^>4 Packets/m);
    s.keys(...Array<string>(2000).fill("NPage"));
    // Keys are read in order: once G and k k have been handled, so have all the PgDn before them.
    s.keys("G", "k", "k");
    let screen = await s.waitFor(/^>4 Packets - all connections \(40\) 38\/40$/m, 60_000);
    expect(screen.split("\n")[0]).toMatch(/^kdiag normal\.pcap/);
    expect(screen).toContain("<q> quit");
    expect(screen.match(/^>/gm)).toHaveLength(1);
    s.keys("q");
    screen = await s.waitFor(/^EXIT=0$/m);
    expect(screen).not.toMatch(/\^\[|\[6~/);
  });

  it("a PgDn split across two reads is one PgDn, not Alt-[ then 6 (the hex pane)", async () => {
    const s = await tui();
    s.keys("4");
    await s.waitFor(/^>4 Packets - all connections \(40\) 1\/40$/m);
    s.bytes(Buffer.from("\x1b[6"));
    await new Promise((r) => setTimeout(r, 10));
    s.bytes(Buffer.from("~"));
    const screen = await s.waitFor(/^>4 Packets - all connections \(40\) (?!1\/)\d+\/40$/m);
    expect(screen).not.toMatch(/^>6 Hex/m);
    s.keys("q");
    await s.waitFor(/^EXIT=0$/m);
  });

  it("? shows keys of every pane, scrolled at 80x24", async () => {
    const s = await tui();
    s.keys("?");
    let screen = await s.waitFor(/^Help: every key, lines 1-21 of \d+/m);
    expect(screen).toContain("In the findings pane (1), where you are:");
    const seen = [screen];
    for (let i = 0; i < 5; i++) {
      s.keys("NPage");
      await new Promise((r) => setTimeout(r, 150));
      seen.push(s.screen());
    }
    const all = seen.join("\n");
    expect(all).toMatch(/<s> +sort by the next column/); // connections
    expect(all).toMatch(/<\]> +next marked packet/); // packets
    expect(all).toMatch(/<e> +expand all/); // detail
    expect(all).toMatch(/<enter> +open the exchange's tree/); // exchanges
    for (const page of seen) for (const line of page.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    s.keys("Escape");
    screen = await s.waitFor(/^>1 Findings/m);
    expect(screen).not.toContain("Help: every key");
    s.keys("q");
    await s.waitFor(/^EXIT=0$/m);
  });
});

describe("key splitting (the input in front of blessed)", () => {
  const split = (s: string, final = false) => {
    const { tokens, rest } = splitKeys(Buffer.from(s, "latin1"), final);
    return { tokens: tokens.map((t) => t.toString("latin1")), rest: rest.toString("latin1") };
  };

  it("gives each escape sequence a chunk of its own, and holds one cut short", () => {
    expect(split("\x1b[6~\x1b[6~ab")).toEqual({ tokens: ["\x1b[6~", "\x1b[6~", "ab"], rest: "" });
    expect(split("\x1b[6~\x1b[6")).toEqual({ tokens: ["\x1b[6~"], rest: "\x1b[6" });
    expect(split("\x1b[")).toEqual({ tokens: [], rest: "\x1b[" });
    expect(split("\x1b")).toEqual({ tokens: [], rest: "\x1b" });
    expect(split("\x1bO")).toEqual({ tokens: [], rest: "\x1bO" });
    expect(split("\x1b[1;5A\x1bOB\x1b[Z\x1b[[A")).toEqual({ tokens: ["\x1b[1;5A", "\x1bOB", "\x1b[Z", "\x1b[[A"], rest: "" });
    // Mouse reports: SGR, and X10 with its three raw bytes (even one that looks like ESC's `[`).
    expect(split("\x1b[<0;10;5M\x1b[M [!x")).toEqual({ tokens: ["\x1b[<0;10;5M", "\x1b[M [!", "x"], rest: "" });
  });

  it("reads Esc followed by a key as Esc, then the key", () => {
    expect(split("\x1b2")).toEqual({ tokens: ["\x1b", "2"], rest: "" });
    expect(split("\x1b\x1b[B")).toEqual({ tokens: ["\x1b", "\x1b[B"], rest: "" });
    expect(split("\x1b]")).toEqual({ tokens: ["\x1b", "]"], rest: "" });
  });

  it("once nothing more comes: a lone Esc is Esc, `Esc [` is Esc then [, a sequence cut short is dropped", () => {
    expect(split("\x1b", true)).toEqual({ tokens: ["\x1b"], rest: "" });
    expect(split("\x1b[", true)).toEqual({ tokens: ["\x1b", "["], rest: "" });
    expect(split("\x1b[6", true)).toEqual({ tokens: [], rest: "" });
    expect(split("j\x1b[5;", true)).toEqual({ tokens: ["j"], rest: "" });
  });

  it("never cuts a UTF-8 character", () => {
    const e = Buffer.from("aé", "utf8");
    const first = splitKeys(e.subarray(0, 2), false);
    expect(first.tokens.map((t) => t.toString("utf8"))).toEqual(["a"]);
    expect(first.rest).toEqual(e.subarray(1, 2));
  });

  it("passes a lone Esc on after the wait, and joins a sequence split across reads", async () => {
    const source = new PassThrough() as PassThrough & { setRawMode: (b: boolean) => void; isRaw: boolean };
    source.setRawMode = (b) => (source.isRaw = b);
    const input = new KeyInput(source);
    const got: string[] = [];
    input.on("data", (d: Buffer) => got.push(d.toString("latin1")));
    input.setRawMode(true);
    input.resume();
    expect(input.isRaw).toBe(true);
    source.write("\x1b[6");
    // Longer than a lone Esc waits: a started sequence waits longer for its end (a loaded link).
    await new Promise((r) => setTimeout(r, ESC_DELAY_MS + 30));
    expect(got).toEqual([]);
    source.write("~\x1b");
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(["\x1b[6~"]);
    await new Promise((r) => setTimeout(r, ESC_DELAY_MS + 20));
    expect(got).toEqual(["\x1b[6~", "\x1b"]);
    input.close();
    source.write("q");
    await new Promise((r) => setTimeout(r, 5));
    expect(got).toHaveLength(2);
  });
});

describe("terminfo as blessed reads it", () => {
  const Tput = (blessed as unknown as { Tput: new (o: object) => { error: Error | null; terminal: string; numbers: Record<string, number>; strings: Record<string, string> } }).Tput;

  it.each(["screen-256color", "tmux-256color", "xterm-256color", "xterm", "vt100", "linux"])("reads the system's %s entry, silently", (term) => {
    fixBlessedTerminfo();
    const printed: unknown[] = [];
    const error = console.error;
    console.error = (...a: unknown[]) => void printed.push(a);
    try {
      const t = new Tput({ terminal: term });
      expect(t.error).toBeNull();
      expect(t.terminal).toBe(term);
      expect(t.strings.cursor_address).toMatch(/^\x1b\[%i%p1%d;%p2%dH/);
      if (term.endsWith("256color")) expect(t.numbers.max_colors).toBe(256);
    } finally {
      console.error = error;
    }
    expect(printed).toEqual([]);
  });

  it("narrows 32-bit numbers to the legacy layout, and leaves a legacy entry as it is", () => {
    // names "t|x\0", bools 1, 2 numbers (80, 0x10000), 1 string "ab"; then the same in 16 bits.
    const wide = Buffer.from([0x1e, 0x02, 4, 0, 1, 0, 2, 0, 1, 0, 3, 0, ...Buffer.from("t|x\0"), 1, 0, 80, 0, 0, 0, 0, 0, 1, 0, 0, 0, ...Buffer.from("ab\0")]);
    const legacy = legacyTerminfo(wide);
    expect([...legacy]).toEqual([0x1a, 0x01, 4, 0, 1, 0, 2, 0, 1, 0, 3, 0, ...Buffer.from("t|x\0"), 1, 0, 80, 0, 0xff, 0x7f, 0, 0, ...Buffer.from("ab\0")]);
    expect(legacyTerminfo(legacy)).toBe(legacy);
  });

  it("knows the terminals it cannot draw on", () => {
    expect(terminalProblem("dumb")).toMatch(/cannot show a full-screen view/);
    expect(terminalProblem("")).toBe("TERM is not set");
    expect(terminalProblem(undefined)).toBe("TERM is not set");
    expect(terminalProblem("kdiag-no-such-terminal")).toMatch(/no terminfo entry/);
    expect(terminalProblem("xterm-256color")).toBeNull();
  });
});
