import { describe, expect, it } from "vitest";
import type { DissectorPlugin, PacketRef, Pdu } from "../../src/plugins/api.js";
import { createDispatcher } from "../../src/plugins/dispatch.js";
import { Registry } from "../../src/plugins/registry.js";
import type { Connection } from "../../src/tcp/types.js";

function connection(serverPort: number): Connection {
  const dir = { packets: 0, bytes: 0, payloadBytes: 0, firstTtl: -1, lastTtl: -1, lastIpId: -1, windowScale: -1, baseSeq: -1 };
  return {
    id: 7,
    client: { addr: "10.0.0.1", port: 50000 },
    server: { addr: "10.0.0.2", port: serverPort },
    roleInferred: false,
    roleReason: "syn",
    firstPacket: 1,
    lastPacket: 1,
    startUs: 0,
    endUs: 0,
    handshakeRttUs: null,
    synPacket: 1,
    c2s: { ...dir },
    s2c: { ...dir },
    close: { how: "open", by: null, packet: 0, tsUs: 0, idleBeforeUs: 0, rstTtl: -1, rstIpId: -1, unackedFromOtherBytes: -1, senderPrevIpId: -1 },
    longestIdleUs: 0,
    longestIdleEndPacket: 0, longestIdleEndUs: 0,
    events: {},
    reassembly: { outOfOrderBuffered: 0, gaps: 0, gapBytes: 0, dropped: 0 },
    dissector: null,
    malformed: null,
  };
}

const at = (n: number): PacketRef => ({ first: n, last: n, tsUs: n, streamOffset: 0 });
const text = (s: string) => new TextEncoder().encode(s);

/** A line-echo plugin that records what it was given. */
function recorder(name: string, detect?: DissectorPlugin["detect"], failOn?: string) {
  const seen: string[] = [];
  const plugin: DissectorPlugin = {
    apiVersion: 1,
    name,
    description: name,
    layer: "stream",
    ports: detect ? [] : [4000],
    ...(detect ? { detect } : {}),
    fields: [],
    open: (ctx) => ({
      data(dir, bytes, ref) {
        const s = new TextDecoder().decode(bytes);
        if (failOn && s.includes(failOn)) throw new Error(`cannot parse ${JSON.stringify(s)}\n  at somewhere`);
        seen.push(`${dir}:${s}`);
        ctx.emit({ dir, ref, length: bytes.length, summary: s, fields: {} } satisfies Pdu);
      },
      gap(dir, length) {
        seen.push(`${dir}:gap(${length})`);
      },
      close(how) {
        seen.push(`close:${how.how}`);
      },
    }),
  };
  return { plugin, seen };
}

function setup(...plugins: DissectorPlugin[]) {
  const registry = new Registry();
  for (const p of plugins) registry.register(p, "test");
  const pdus: Pdu[] = [];
  const notes: string[] = [];
  const open = createDispatcher(registry, {
    pdu: (_c, p) => pdus.push(p),
    exchange: () => {},
    swapRoles: () => {},
    note: (_c, sev, packet, msg) => notes.push(`${sev}@${packet}: ${msg}`),
  });
  return { open, pdus, notes };
}

describe("dispatch", () => {
  it("picks the dissector from the port table by the server port", () => {
    const r = recorder("byport");
    const { open, pdus } = setup(r.plugin);
    const conn = connection(4000);
    const sink = open(conn)!;
    sink.data("c2s", text("hello"), at(4));
    sink.close({ how: "fin", by: "client", tsUs: 9 });
    expect(conn.dissector).toBe("byport");
    expect(r.seen).toEqual(["c2s:hello", "close:fin"]);
    expect(pdus).toHaveLength(1);
  });

  it("returns no sink when no port matches and no heuristic exists", () => {
    const { open } = setup(recorder("byport").plugin);
    expect(open(connection(5555))).toBeNull();
  });

  it("holds bytes while a heuristic asks for more, then replays them in arrival order", () => {
    const r = recorder("heur", (head) => (head.length < 6 ? "more" : head[0] === 0x48 ? "yes" : "no"));
    const { open } = setup(r.plugin);
    const conn = connection(6001);
    const sink = open(conn)!;
    sink.data("c2s", text("HEL"), at(4));
    sink.data("s2c", text("x"), at(5));
    sink.data("c2s", text("LO!"), at(6));
    sink.data("s2c", text("after"), at(7));
    expect(conn.dissector).toBe("heur");
    expect(r.seen).toEqual(["c2s:HEL", "s2c:x", "c2s:LO!", "s2c:after"]);
  });

  /** A plugin in the port table (4000) that also has a heuristic: it recognises "A..." only. */
  function portAndHeuristic(name: string, first: string) {
    const r = recorder(name, (head) => (head[0] === first.charCodeAt(0) ? "yes" : "no"));
    r.plugin.ports = [4000];
    return r;
  }

  it("a port-table match its own heuristic declines goes to another heuristic that claims it", () => {
    const own = portAndHeuristic("own", "A");
    const other = recorder("rival", (head) => (head[0] === 0x42 ? "yes" : "no"));
    const { open } = setup(own.plugin, other.plugin);
    const conn = connection(4000);
    const sink = open(conn)!;
    sink.data("c2s", text("B-request"), at(4));
    expect(conn.dissector).toBe("rival");
    expect(other.seen).toEqual(["c2s:B-request"]);
    expect(own.seen).toEqual([]);
  });

  it("the port table stands when its heuristic claims the bytes, or when nobody does", () => {
    for (const [bytes, expected] of [["A-request", "own"], ["Z-unknown", "own"]] as const) {
      const own = portAndHeuristic("own", "A");
      const other = recorder("rival", (head) => (head[0] === 0x42 ? "yes" : "no"));
      const { open } = setup(own.plugin, other.plugin);
      const conn = connection(4000);
      open(conn)!.data("c2s", text(bytes), at(4));
      expect(conn.dissector).toBe(expected);
      expect(own.seen).toEqual([`c2s:${bytes}`]);
    }
  });

  it("a gap before any byte on a port-table connection goes to the port table's dissector", () => {
    const own = portAndHeuristic("own", "A");
    const other = recorder("rival", () => "no");
    const { open } = setup(own.plugin, other.plugin);
    const conn = connection(4000);
    open(conn)!.gap("c2s", 100, at(4));
    expect(conn.dissector).toBe("own");
    expect(own.seen).toEqual(["c2s:gap(100)"]);
  });

  it("gives up on a connection every heuristic declines, and keeps nothing", () => {
    const r = recorder("heur", () => "no");
    const { open } = setup(r.plugin);
    const conn = connection(6001);
    const sink = open(conn)!;
    sink.data("c2s", text("binary"), at(4));
    sink.data("c2s", text("more"), at(5));
    sink.close({ how: "fin", by: "client", tsUs: 9 });
    expect(conn.dissector).toBeNull();
    expect(r.seen).toEqual([]);
  });

  it("marks the connection malformed when the plugin throws, and stops calling it", () => {
    const r = recorder("byport", undefined, "BOOM");
    const { open, notes } = setup(r.plugin);
    const conn = connection(4000);
    const sink = open(conn)!;
    sink.data("c2s", text("fine"), at(4));
    sink.data("c2s", text("BOOM"), at(5));
    sink.data("c2s", text("later"), at(6));
    sink.close({ how: "fin", by: "client", tsUs: 9 });
    expect(conn.malformed).toBe('byport: cannot parse "BOOM"');
    expect(r.seen).toEqual(["c2s:fine"]);
    expect(notes).toEqual(['error@5: byport failed on this connection: cannot parse "BOOM"']);
  });

  it("treats a throwing heuristic as a no and says so", () => {
    const r = recorder("heur", () => {
      throw new Error("bad heuristic");
    });
    const { open, notes } = setup(r.plugin);
    const conn = connection(6001);
    open(conn)!.data("c2s", text("x"), at(3));
    expect(conn.dissector).toBeNull();
    expect(notes).toEqual(["warning@3: heur heuristic failed: bad heuristic"]);
  });
});
