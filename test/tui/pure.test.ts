import { describe, expect, it } from "vitest";
import { compileFilter, filterStatus, searchRows } from "../../src/tui/filter.js";
import { hexLine, bytesPerLine } from "../../src/tui/hex.js";
import { DEFAULT_KEYS } from "../../src/tui/actions.js";
import { keyName } from "../../src/tui/keymap.js";
import type { ViewId } from "../../src/tui/views/types.js";
import { layout, splitRows, type Rect } from "../../src/tui/layout.js";
import { ASCII_GLYPHS, UNICODE_GLYPHS, escapeTags, fit, fitEnd, safe, termCaps } from "../../src/tui/text.js";
import { allIds, defaultExpanded, flatten, type UiNode } from "../../src/tui/tree.js";
import { lowerBound, move, renderWindow, settle } from "../../src/tui/vlist.js";

describe("keymaps", () => {
  const K = DEFAULT_KEYS;
  const views = K.viewIds();
  it("have no conflicts and no tmux/screen prefix keys", () => {
    expect(K.conflicts()).toEqual([]);
    const all = [...K.actions.values()].flatMap((a) => a.keys);
    expect(all).not.toContain("C-a");
    expect(all).not.toContain("C-b");
  });

  it.each([
    [{ ch: "j", key: { name: "j", full: "j" } }, "j"],
    [{ ch: "G", key: { name: "g", full: "S-g", shift: true } }, "G"],
    [{ ch: "?", key: { name: "?", full: "?" } }, "?"],
    [{ ch: "\r", key: { name: "enter", full: "enter" } }, "enter"],
    [{ ch: "\r", key: { name: "return", full: "return" } }, null],
    [{ ch: undefined, key: { name: "up", full: "up" } }, "up"],
    [{ ch: "\u0003", key: { name: "c", full: "C-c", ctrl: true } }, "C-c"],
    [{ ch: " ", key: { name: "space", full: "space" } }, "space"],
  ])("keyName(%j) = %j", (input, expected) => {
    expect(keyName(input.ch, input.key)).toBe(expected);
  });

  it("looks up view bindings before global ones", () => {
    expect(K.lookup("detail", "enter")?.action).toBe("toggle");
    expect(K.lookup("findings", "enter")?.action).toBe("enter");
    expect(K.lookup("packets", "q")?.action).toBe("quit");
    expect(K.lookup("packets", "G")?.action).toBe("bottom");
    expect(K.lookup("hex", "s")).toBeUndefined();
    // In the filter bar q is text, Ctrl-C still quits; in the help q closes it.
    expect(K.lookup("bar", "q")).toBeUndefined();
    expect(K.lookup("bar", "C-c")?.action).toBe("quit");
    expect(K.lookup("help", "q")?.action).toBe("help.close");
  });

  it("derives the status hints and the help from the same tables", () => {
    for (const view of views) {
      const help = K.helpLines(view).join("\n");
      // Every key of every pane, whichever pane the help is opened from.
      const every = [...views.flatMap((v) => K.bindings(v)), ...K.globals, ...K.bindings("help"), ...K.bindings("bar")];
      for (const b of every) expect(help).toContain(b.description);
      for (const b of every) for (const k of b.keys) expect(help).toContain(`<${k}>`);
      // The help is read on an 80-column terminal too: no line cut.
      for (const line of K.helpLines(view)) expect(line.length, line).toBeLessThanOrEqual(80);
      const h = K.hints(view, 80);
      expect(h.length).toBeLessThanOrEqual(80);
      expect(K.hints(view, 0)).toBe("<?> help  <q> quit");
      expect(h).toContain("<?> help");
    }
    expect(K.hints("findings", 200)).toContain("<enter> evidence");
    expect(K.hints("findings", 200)).toContain("<q> quit");
  });
});

describe("filter bar", () => {
  it.each([
    ["packet", "", true, -1],
    ["packet", "tcp.flags.reset", true, -1],
    ["packet", "tcp.len > 0 && kafka.api_key == 0", true, -1],
    ["connection", "conn.close_how == 'rst'", true, -1],
    ["exchange", "exchange.status == 'unanswered'", true, -1],
    ["packet", "tcp.flags.rest == true", false, 0],
    ["packet", "tcp.len > ", false, 10],
    ["packet", "tcp.len == 'x'", false, 0],
    ["connection", "tcp.len > 0", false, 0],
    // A bare number field is a display filter's presence test (Wireshark's meaning): valid.
    ["packet", "tcp.len", true, -1],
    ["packet", "tcp.len == ", false, 11],
  ] as const)("%s: %j valid=%s", (scope, text, ok, offset) => {
    const f = compileFilter(scope, text);
    expect(f.ok).toBe(ok);
    if (!f.ok) {
      expect(f.offset).toBeGreaterThanOrEqual(0);
      expect(f.offset).toBeLessThanOrEqual(text.length);
      if (offset > 0) expect(f.offset).toBe(offset);
      expect(filterStatus(f, UNICODE_GLYPHS)).toMatch(/^✗ col \d+: /);
    }
  });

  it("names the unknown field and suggests the right one", () => {
    const f = compileFilter("packet", "tcp.flags.rest == true");
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.message).toContain("tcp.flags.reset");
  });

  it("does not match an item without the fact", () => {
    const f = compileFilter("connection", "conn.handshake_rtt_ms > 1.0");
    expect(f.ok && f.test({ conn: {} })).toBe(false);
    expect(f.ok && f.test({ conn: { handshake_rtt_ms: 2.5 } })).toBe(true);
  });

  it("searches rows with wrap-around", () => {
    const rows = ["alpha", "beta", "gamma", "beta2"];
    expect(searchRows(4, (i) => rows[i]!, "BETA", 2)).toBe(3);
    expect(searchRows(4, (i) => rows[i]!, "beta", 4)).toBe(1);
    expect(searchRows(4, (i) => rows[i]!, "zeta", 0)).toBe(-1);
  });
});

describe("list virtualisation", () => {
  it.each([
    [{ count: 0, selected: 5, top: 3 }, 10, { count: 0, selected: 0, top: 0 }],
    [{ count: 100, selected: 50, top: 0 }, 10, { count: 100, selected: 50, top: 41 }],
    [{ count: 100, selected: 5, top: 20 }, 10, { count: 100, selected: 5, top: 5 }],
    [{ count: 100, selected: 200, top: 0 }, 10, { count: 100, selected: 99, top: 90 }],
    [{ count: 5, selected: 2, top: 3 }, 10, { count: 5, selected: 2, top: 0 }],
  ])("settle(%j, %d)", (s, h, want) => {
    expect(settle(s, h)).toEqual(want);
  });

  it.each([
    ["down", 0, 1],
    ["up", 0, 0],
    ["page-down", 0, 9],
    ["page-up", 5, 0],
    ["bottom", 0, 999_999],
    ["top", 500, 0],
  ] as const)("move %s from %d -> %d", (m, from, to) => {
    expect(move(settle({ count: 1_000_000, selected: from, top: 0 }, 10), m, 10).selected).toBe(to);
  });

  it("builds only the visible rows of a million", () => {
    let built = 0;
    const s = move({ count: 1_000_000, selected: 0, top: 0 }, "bottom", 20);
    const rows = renderWindow(s, 20, (i) => {
      built++;
      return String(i);
    });
    expect(built).toBe(20);
    expect(rows[19]).toBe("999999");
  });

  it("finds positions in sorted index arrays", () => {
    const a = Int32Array.from([1, 5, 9, 12]);
    expect(lowerBound(a, 9)).toBe(2);
    expect(lowerBound(a, 10)).toBe(3);
    expect(lowerBound(a, 99)).toBe(4);
  });
});

function inside(r: Rect, w: number, h: number): boolean {
  return r.top >= 1 && r.left >= 0 && r.left + r.width <= w && r.top + r.height <= h - 1 && r.height > 0;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;
}

describe("layout", () => {
  it.each([
    [80, 24],
    [100, 30],
    [120, 40],
    [250, 70],
    [60, 15],
  ])("%dx%d: panes inside the screen, no overlap, the focused one largest", (w, h) => {
    for (const focus of ["findings", "packets", "hex", "timeline"] as ViewId[]) {
      const rects = layout({ width: w, height: h, focus, zoom: false, lower: "detail", compare: false });
      const list = [...rects.values()];
      for (const r of list) expect(inside(r, w, h)).toBe(true);
      for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) expect(overlaps(list[i]!, list[j]!)).toBe(false);
      expect(rects.has(focus)).toBe(true);
      for (const p of ["findings", "connections", "exchanges", "packets"] as ViewId[]) expect(rects.has(p)).toBe(true);
      const fh = rects.get(focus)!.height;
      for (const [v, r] of rects) if (v !== focus && r.left === rects.get(focus)!.left) expect(r.height).toBeLessThanOrEqual(fh);
    }
  });

  it("zoom gives the focused pane the whole body", () => {
    const rects = layout({ width: 80, height: 24, focus: "packets", zoom: true, lower: "detail", compare: false });
    expect([...rects.keys()]).toEqual(["packets"]);
    expect(rects.get("packets")).toEqual({ top: 1, left: 0, width: 80, height: 22 });
  });

  it("splits rows, giving the spare ones to the focused pane", () => {
    const panes: ViewId[] = ["findings", "connections", "exchanges", "packets", "detail"];
    // room enough: four rows each, the rest to the focused pane
    expect(splitRows(40, panes, "packets", "detail")).toEqual([4, 4, 4, 24, 4]);
    // an 80x24 terminal: the others shrink to title and selected row (and column header), the
    // focused pane shares the rest with the detail slot, or takes it all
    expect(splitRows(22, panes, "packets", "detail")).toEqual([2, 3, 3, 8, 6]);
    expect(splitRows(22, panes, "packets")).toEqual([2, 3, 3, 12, 2]);
    expect(splitRows(22, panes, "detail", "detail")).toEqual([2, 3, 3, 3, 11]);
    // a short list keeps only its rows (three findings: title + 3), the detail slot gets the rest
    expect(splitRows(22, panes, "findings", "detail", { findings: 4 })).toEqual([4, 3, 3, 3, 9]);
    const withCompare: ViewId[] = ["findings", "compare", "connections", "exchanges", "packets", "detail"];
    expect(splitRows(22, withCompare, "compare", "detail", { compare: 4 })).toEqual([2, 4, 3, 3, 3, 7]);
    expect(splitRows(4, ["findings", "connections", "exchanges", "packets", "detail"], "findings").reduce((a, b) => a + b)).toBe(4);
  });
});

describe("detail tree", () => {
  const tree: UiNode[] = [
    { label: "Frame 1", children: [{ label: "time" }] },
    { label: "TCP", children: [{ label: "port" }, { label: "Flags", children: [{ label: "SYN" }] }] },
    { label: "leaf" },
  ];

  it("flattens expanded nodes only", () => {
    expect(flatten(tree, new Set()).map((r) => r.node.label)).toEqual(["Frame 1", "TCP", "leaf"]);
    expect(flatten(tree, new Set(["1"])).map((r) => r.node.label)).toEqual(["Frame 1", "TCP", "port", "Flags", "leaf"]);
    expect(flatten(tree, allIds(tree)).map((r) => `${r.depth}:${r.node.label}`)).toEqual(["0:Frame 1", "1:time", "0:TCP", "1:port", "1:Flags", "2:SYN", "0:leaf"]);
    expect([...defaultExpanded(tree)]).toEqual(["1"]);
    expect([...defaultExpanded([...tree, { label: "Kafka request: Produce", pdu: true, children: [{ label: "x" }] }])]).toEqual(["3"]);
  });

  it("opens a Kafka response down to its non-zero error codes, and no further", () => {
    const response: UiNode = {
      label: "Kafka response: Produce v7 Response MESSAGE_TOO_LARGE",
      pdu: true,
      children: [
        { label: "Response header", children: [{ label: "correlation_id: 3" }] },
        {
          label: "Produce v7 Response body",
          children: [
            {
              label: "responses (2)",
              children: [
                { label: "[0]", children: [{ label: "name: \"a\"" }, { label: "partition_responses (1)", children: [{ label: "[0]", children: [{ label: "error_code: 0" }] }] }] },
                { label: "[1]", children: [{ label: "name: \"b\"" }, { label: "partition_responses (1)", children: [{ label: "[0]", children: [{ label: "error_code: 10" }] }] }] },
              ],
            },
            { label: "throttle_time_ms: 0" },
          ],
        },
      ],
    };
    expect([...defaultExpanded([response])].sort()).toEqual(["0", "0/1", "0/1/0", "0/1/0/1", "0/1/0/1/1", "0/1/0/1/1/0"]);
  });
});

describe("hex", () => {
  it("dumps offset, bytes and ASCII, marking the selected field", () => {
    const bytes = Uint8Array.from([0x45, 0x00, 0x00, 0x3c, 0x41, 0x42, 0x7b, 0x0a]);
    expect(hexLine(bytes, 0, { perLine: 8 })).toBe("0000  45 00 00 3c 41 42 7b 0a  E..<AB{.");
    expect(hexLine(bytes, 0, { perLine: 8, mark: { start: 4, end: 6 }, open: "[", close: "]" })).toBe("0000  45 00 00 3c [41 42] 7b 0a  E..<[AB]{.");
    expect(hexLine(bytes, 0, { perLine: 8, escape: escapeTags })).toContain("{open}");
    expect(bytesPerLine(80)).toBe(16);
    expect(bytesPerLine(50)).toBe(8);
  });
});

describe("text", () => {
  it.each([
    [{ TERM: "xterm-256color", LANG: "en_US.UTF-8" }, { unicode: true, colour: true }],
    [{ TERM: "xterm-256color", LANG: "C" }, { unicode: false, colour: true }],
    [{ TERM: "vt100", LANG: "en_US.UTF-8" }, { unicode: false, colour: false }],
    [{ TERM: "screen", LC_ALL: "C.UTF-8", NO_COLOR: "1" }, { unicode: true, colour: false }],
  ])("termCaps(%j)", (env, want) => {
    expect(termCaps(env)).toEqual(want);
  });

  it("makes capture text safe to draw", () => {
    expect(safe("a\u001b]0;x\u0007b", false)).toBe("a\\e]0;x\\x07b");
    expect(safe("café\u202e", true)).toBe("caf?\\u202e");
    expect(escapeTags("{red-fg}")).toBe("{open}red-fg{close}");
    expect(fit("abcdef", 4, "~")).toBe("abc~");
    expect(fit("ab", 4)).toBe("ab  ");
    // addresses keep their end: the port and last octets tell the rows apart
    expect(fitEnd("172.18.145.39:56786", 15, "…")).toBe("…8.145.39:56786");
    expect(fitEnd("10.0.0.1:9092", 15)).toBe("10.0.0.1:9092  ");
    expect(fitEnd("abcdef", 1, "~")).toBe("f");
    expect(ASCII_GLYPHS.bar.every((c) => /^[\x20-\x7e]$/.test(c))).toBe(true);
  });
});

describe("timeline", async () => {
  const { analyseCapture } = await import("../../src/model/analyse.js");
  const { createRegistry } = await import("../../src/plugins/builtin.js");
  const { timelineRows, timelineBuckets, timelineMarkRows, seriesTitles } = await import("../../src/tui/timeline.js");
  it("shows the idle gap then the reset of the firewall capture", async () => {
    const capture = await analyseCapture(new URL("../fixtures/real/firewall-idle-client.pcap", import.meta.url).pathname, { registry: createRegistry() });
    const packets: number[] = [];
    for (let i = 0; i < capture.packets.count; i++) if (capture.packets.connId[i] === 0) packets.push(i);
    const rows = timelineRows({ capture, packets, evidence: new Set(), width: 64, glyphs: ASCII_GLYPHS });
    const marks = rows[2]!.slice(4);
    expect(marks.trimEnd().endsWith("R")).toBe(true);
    expect(marks.slice(10, 50).trim()).toBe(""); // silence in the middle
    expect(rows[4]).toMatch(/longest idle 4\.96s/);
    for (const r of rows) expect(r).toMatch(/^[\x20-\x7e]*$/);
    capture.bytes.close();
  });

  it("buckets frame bytes per direction for the chart, with the marks from column 0", async () => {
    const capture = await analyseCapture(new URL("../fixtures/real/firewall-idle-client.pcap", import.meta.url).pathname, { registry: createRegistry() });
    const packets: number[] = [];
    for (let i = 0; i < capture.packets.count; i++) if (capture.packets.connId[i] === 0) packets.push(i);
    const b = timelineBuckets({ capture, packets, evidence: new Set(), width: 0, glyphs: ASCII_GLYPHS }, 50);
    const conn = capture.connections[0]!;
    expect(b.c2sBytes.reduce((x, y) => x + y, 0)).toBe(conn.c2s.bytes);
    expect(b.s2cBytes.reduce((x, y) => x + y, 0)).toBe(conn.s2c.bytes);
    const rows = timelineMarkRows(b);
    expect(rows[0]).toHaveLength(50);
    expect(rows[0]!.endsWith("R")).toBe(true);
    expect(seriesTitles(b)[0]).toMatch(/^client > server: 556 bytes, peak \d+ per [\d.]+ms$/);
    capture.bytes.close();
  });
});

describe("packet filter in slices", async () => {
  const { analyseCapture } = await import("../../src/model/analyse.js");
  const { createRegistry } = await import("../../src/plugins/builtin.js");
  const { forEachPacketFacts, PacketItems } = await import("../../src/facts/packet-item.js");
  const { snapshotFacts } = await import("../../src/facts/build.js");
  const { TuiModel } = await import("../../src/tui/model.js");
  const fixture = (f: string) => new URL(`../fixtures/${f}`, import.meta.url).pathname;

  it.each(["real/firewall-idle-client.pcap", "kcat/produce-lz4.pcap"])("its per-packet PDU index gives the same packet facts as the rules walk (%s)", async (file) => {
    const capture = await analyseCapture(fixture(file), { registry: createRegistry() });
    const model = new TuiModel(capture, [], ASCII_GLYPHS, true);
    const expected: Array<[number, unknown]> = [];
    // Items are read through their getters: compare what a condition sees (their snapshots).
    const plain = (f: unknown) => snapshotFacts(f as Record<string, unknown>);
    forEachPacketFacts(capture, model.connFacts(), (frame, facts) => expected.push([frame, plain(facts)]));
    const got: Array<[number, unknown]> = [];
    const facts = new PacketItems(capture, model.connFacts(), model.pdusByPacket);
    for (let i = 0; i < capture.packets.count; i++) facts.some(i, (f) => (got.push([i + 1, plain(f)]), false));
    expect(got).toEqual(expected);
    capture.bytes.close();
  });

  it("gives the same packets in slices as at once, and counts its progress", async () => {
    const capture = await analyseCapture(fixture("kcat/produce-lz4.pcap"), { registry: createRegistry() });
    const model = new TuiModel(capture, [], ASCII_GLYPHS, true);
    for (const text of ["tcp.flags.push", "kafka.api_key == 0", "frame.len > 100 && tcp.from == 'server'"]) {
      const filter = compileFilter("packet", text);
      const whole = model.filterPackets(filter, null);
      const job = model.packetFilterJob(filter, null);
      let steps = 0;
      while (!job.step(3)) {
        steps++;
        expect(job.done).toBe(steps * 3);
      }
      expect(job.done).toBe(job.total);
      expect(Array.from(job.result())).toEqual(Array.from(whole));
      expect(whole.length).toBeGreaterThan(0);
    }
    capture.bytes.close();
  });
});
