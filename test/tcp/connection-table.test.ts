import { describe, expect, it } from "vitest";
import { ConnectionTable } from "../../src/tcp/connection-table.js";
import { formatAddr } from "../../src/decode/format.js";

const formatIpv6 = (b: Uint8Array) => formatAddr(b, 6);
import { Scenario } from "./helpers.js";
import { run } from "./run.js";

describe("connection table", () => {
  it("finds thousands of IPv4 tuples from either direction, across growth", () => {
    const table = new ConnectionTable<number>();
    const sc = new Scenario();
    const n = 5000;
    for (let i = 0; i < n; i++) {
      const a = new Scenario(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, 1024 + (i % 50000), "192.168.0.1", 9092);
      a.c({ t: 0, f: "A", seq: 1 }).s({ t: 1, f: "A", seq: 1 });
      sc.packets.push(...a.packets);
    }
    for (let i = 0; i < n; i++) {
      expect(table.get(sc.packets[2 * i]!.pkt)).toBeUndefined();
      table.set(i);
    }
    for (let i = 0; i < n; i++) {
      expect(table.get(sc.packets[2 * i]!.pkt)).toBe(i);
      const fromClient = table.srcIsLow;
      expect(table.get(sc.packets[2 * i + 1]!.pkt)).toBe(i);
      expect(table.srcIsLow).toBe(!fromClient);
    }
    table.clear();
    expect(table.get(sc.packets[0]!.pkt)).toBeUndefined();
  });

  it("same address both sides: the ports decide the order", () => {
    const sc = new Scenario("127.0.0.1", 50000, "127.0.0.1", 9092).c({ t: 0, f: "S", seq: 1 }).s({ t: 1, f: "SA", seq: 9, ack: 2 });
    const r = run(sc);
    expect(r.rows.map((x) => [x.connId, x.dir])).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it("IP fragments are not tracked", () => {
    const sc = new Scenario().c({ t: 0, f: "S", seq: 1 });
    const p = sc.packets[0]!;
    const r = run([{ ...p, pkt: { ...p.pkt, fragment: true } }]);
    expect(r.rows[0]!.connId).toBe(-1);
  });

  it("formats IPv6 addresses as RFC 5952 text", () => {
    const a = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((h) => parseInt(h, 16)));
    expect(formatIpv6(a("20010db8000000000000000000000001"))).toBe("2001:db8::1");
    expect(formatIpv6(a("fe800000000000000202b3fffe1e8329"))).toBe("fe80::202:b3ff:fe1e:8329");
    expect(formatIpv6(a("00000000000000000000000000000001"))).toBe("::1");
    expect(formatIpv6(a("20010db8000100000001000000000001"))).toBe("2001:db8:1:0:1::1");
    expect(formatIpv6(a("00000000000000000000ffffc0000201"))).toBe("::ffff:192.0.2.1");
  });
});
