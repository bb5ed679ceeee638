// What each real capture was made to show, as kdiag must report it (flows --json). The traffic is
// described in test/fixtures/real/README.md; values here were read off the captures with tshark.
// These pin what tshark has no field for: who closed, how, roles, idle time, the dissector.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REAL_DIR } from "../helpers/fixtures.js";
import { kdiagJson } from "../helpers/tshark.js";

async function flows(f: string): Promise<any[]> {
  const out = await kdiagJson(["flows", "--json", join(REAL_DIR, f)]);
  return [...out.connections].sort((a: any, b: any) => a.id - b.id);
}

const closeOf = (c: any) => ({ how: c.close.how, by: c.close.by });

describe("real captures: what kdiag must see in them", () => {
  it("normal.pcap: FIN closes by client, server, client; roles from the SYN; Kafka on 9092", async () => {
    const cs = await flows("normal.pcap");
    expect(cs.map((c) => c.id)).toEqual([0, 1, 2]);
    expect(cs.map(closeOf)).toEqual([
      { how: "fin", by: "client" },
      { how: "fin", by: "server" },
      { how: "fin", by: "client" },
    ]);
    for (const c of cs) {
      expect(c.client.addr).toBe("10.99.1.1");
      expect(c.server).toEqual({ addr: "10.99.2.2", port: 9092 });
      expect(c.role_inferred).toBe(false);
      expect(c.role_reason).toBe("syn");
      expect(c.dissector).toBe("kafka");
    }
  });

  it("rst-abort.pcap: server aborts with RST; a SYN to a closed port is refused with RST,ACK", async () => {
    const [abort, refused] = await flows("rst-abort.pcap");
    expect(closeOf(abort)).toEqual({ how: "rst", by: "server" });
    expect(abort.close.packet).toBe(8);
    expect(refused.server).toEqual({ addr: "10.99.2.2", port: 9999 });
    expect(closeOf(refused)).toEqual({ how: "rst", by: "server" });
    expect(refused.close.packet).toBe(10);
    expect([refused.c2s.packets, refused.s2c.packets]).toEqual([1, 1]);
    expect([refused.c2s.payload_bytes, refused.s2c.payload_bytes]).toEqual([0, 0]);
  });

  it("firewall-idle-client.pcap (the incident): reset after ~5 s idle, twice, then a clean session", async () => {
    const cs = await flows("firewall-idle-client.pcap");
    expect(cs).toHaveLength(3);
    // The firewall forges the RST from the broker's address, so it reads as the server's.
    expect(cs.map(closeOf)).toEqual([
      { how: "rst", by: "server" },
      { how: "rst", by: "server" },
      { how: "fin", by: "client" },
    ]);
    expect([cs[0].close.packet, cs[1].close.packet]).toEqual([12, 24]);
    for (const c of cs.slice(0, 2)) {
      expect(c.longest_idle_ms).toBeGreaterThan(4900);
      expect(c.longest_idle_ms).toBeLessThan(5100);
    }
    expect(cs[2].longest_idle_ms).toBeLessThan(1000);
    // Each reset is followed by a new handshake from the same client.
    expect(cs[1].start_time).toBeGreaterThan(cs[0].close.time);
    expect(cs[2].start_time).toBeGreaterThan(cs[1].close.time);
  });

  it("firewall-idle-broker.pcap: the broker never sees the RSTs; its old connections stay open", async () => {
    const cs = await flows("firewall-idle-broker.pcap");
    expect(cs.map(closeOf)).toEqual([
      { how: "open", by: null },
      { how: "open", by: null },
      { how: "fin", by: "client" },
    ]);
    expect(cs.every((c) => c.role_reason === "syn")).toBe(true);
  });

  it("keepalive.pcap: four keep-alives a second apart keep the idle gaps near 1 s", async () => {
    const [c] = await flows("keepalive.pcap");
    expect(c.events.keep_alive).toBe(4);
    expect(c.events.keep_alive_ack).toBe(4);
    expect(c.longest_idle_ms).toBeGreaterThan(900);
    expect(c.longest_idle_ms).toBeLessThan(1100);
    expect(closeOf(c)).toEqual({ how: "fin", by: "client" });
  });

  it("zero-window.pcap: the receiver's zero window lasts ~3 s and the upload completes", async () => {
    const [c] = await flows("zero-window.pcap");
    expect(c.events.zero_window).toBe(3);
    expect(c.events.window_full).toBe(28);
    expect(c.c2s.payload_bytes).toBe(40_000);
    expect(c.dissector).toBeNull(); // port 5002, not Kafka bytes
  });

  it("loss.pcap: 100 000 bytes arrive despite loss and reordering", async () => {
    const [c] = await flows("loss.pcap");
    // Payload counts every captured byte, retransmitted ones included, so it is at least the upload.
    expect(c.c2s.payload_bytes).toBeGreaterThanOrEqual(100_000);
    expect(c.events.out_of_order).toBe(32);
    expect(c.events.fast_retransmission).toBe(3);
    expect(c.dissector).toBeNull();
  });

  it("port-reuse.pcap: three connections on one 4-tuple, told apart", async () => {
    const cs = await flows("port-reuse.pcap");
    expect(cs.map((c) => c.client.port)).toEqual([40000, 40000, 40000]);
    expect(cs.map((c) => c.events.reused_ports)).toEqual([0, 1, 1]);
    expect(cs.map(closeOf)).toEqual(Array(3).fill({ how: "fin", by: "server" }));
  });

  it("ipv6.pcap: the same scenarios over IPv6", async () => {
    const cs = await flows("ipv6.pcap");
    expect(cs).toHaveLength(7);
    expect(cs.every((c) => c.client.addr === "fd99:1::1" && c.server.addr === "fd99:2::2")).toBe(true);
    expect(cs.filter((c) => c.close.how === "rst").map((c) => c.server.port)).toEqual([9092, 9999]);
  });

  it("cooked captures (SLL and SLL2) read as the same three connections as normal traffic", async () => {
    for (const f of ["cooked-any.pcap", "cooked-any-sll.pcap"]) {
      const cs = await flows(f);
      expect(cs.map(closeOf), f).toEqual([
        { how: "fin", by: "client" },
        { how: "fin", by: "server" },
        { how: "fin", by: "client" },
      ]);
    }
  });

  it("snaplen-60.pcap: headers only, payload lengths still from the IP header", async () => {
    const cs = await flows("snaplen-60.pcap");
    expect(cs).toHaveLength(3);
    // ApiVersions request 26 + Metadata request 30 bytes from the client on connection 0.
    expect(cs[0].c2s.payload_bytes).toBe(56);
    expect(cs.map(closeOf)).toEqual([
      { how: "fin", by: "client" },
      { how: "fin", by: "server" },
      { how: "fin", by: "client" },
    ]);
  });
});
