import { describe, expect, it } from "vitest";
import { compileFilter } from "../../src/filter/compile.js";
import { ipCompare, ipMatch } from "../../src/cel/ip-functions.js";

const packet = (text: string) => compileFilter("packet", text);

function error(scope: "packet" | "connection" | "exchange", text: string): { col: number; message: string } {
  const f = compileFilter(scope, text);
  if (f.ok) throw new Error(`expected an error for ${text}, got ${f.cel}`);
  return { col: f.offset + 1, message: f.message };
}

describe("display filter syntax", () => {
  it("reads what Wireshark users type first, as a display filter", () => {
    for (const text of [
      "tcp.flags.reset == 1",
      "ip.addr == 10.0.1.10",
      "ip.addr == 10.0.0.0/8 and tcp.port == 9092",
      "a.b == 1".replace("a.b", "tcp.len") + " or not tcp.flags.syn == 1",
      "kafka.error == 10",
      'kafka.client_id contains "rdkafka"',
      "ip.ttl != 64",
      "tcp.port in {9092 9093}",
      "tcp.port in {9092, 9093, 10000..10010}",
      "frame.number eq 5 && tcp.len gt 0",
      "tcp.port == 9092 xor tcp.len > 0",
      "exchange.status == 'unanswered'".replace("exchange.status", "kafka.client_id"),
      "!(ip.src == 1.2.3.4) || ipv6.addr == fe80::/10",
      "tls and not kafka",
    ]) {
      const f = packet(text);
      expect(f.ok && f.syntax, text).toBe("display");
    }
  });

  it("falls back to CEL for what only CEL can say, and says which language it read", () => {
    const f = packet('kafka.topic_name.exists(t, t.startsWith("orders"))');
    expect(f.ok && f.syntax).toBe("cel");
    const g = compileFilter("connection", "conn.idle_before_close_ms > 60000.0 && conn.close_how == 'rst'");
    expect(g.ok && g.syntax).toBe("display");
  });

  it("gives errors in plain words with the column, never a type-system message", () => {
    expect(error("packet", "tcp.flag.reset == 1")).toEqual({ col: 1, message: 'unknown field "tcp.flag.reset" (did you mean "tcp.flags.reset"?); kdiag fields lists them' });
    expect(error("packet", "ip.addr == 10.0.1")).toMatchObject({ col: 12, message: expect.stringContaining("not an IPv4 or IPv6 address") });
    expect(error("packet", "tcp.port == abc")).toMatchObject({ col: 13, message: 'tcp.port is a number: "abc" is not one' });
    expect(error("packet", "tcp.flags.reset == 2")).toMatchObject({ col: 20, message: expect.stringContaining("compare it with 1 or 0") });
    expect(error("packet", "(tcp.port == 9092")).toMatchObject({ col: 1, message: 'this "(" is never closed' });
    expect(error("packet", "tcp.port ==")).toMatchObject({ col: 12, message: expect.stringContaining("expected a value") });
    expect(error("packet", "tcp.len contains 5")).toMatchObject({ message: '"contains" works on text; tcp.len is a number' });
    expect(error("connection", "ip.ttl == 64")).toMatchObject({ col: 1, message: '"ip.ttl" is a field of packets; this filters connections' });
    for (const text of ["tcp.flags.rest == 1", "kafka.error == x", "ip.addr = 1.2.3.4", "tcp.port == 9092 an tcp.len > 0"]) {
      expect(error("packet", text).message, text).not.toMatch(/overload|IDENTIFIER|NUMBER|list<int>/);
    }
  });

  it("says what is deliberately not supported", () => {
    expect(error("packet", "tcp.payload[0:4] == 00:01").message).toMatch(/slices .* not supported/);
    expect(error("packet", "len(kafka.client_id) > 3").message).toMatch(/functions .* not supported/);
    const arithmetic = packet("tcp.len + 1 > 3"); // not a display filter, but CEL
    expect(arithmetic.ok && arithmetic.syntax).toBe("cel");
    expect(error("packet", "tcp.srcport == ${tcp.dstport}").message).toMatch(/not supported/);
  });

  it("notes the one deliberate difference: a bare flag means the flag is set", () => {
    const f = packet("tcp.flags.reset");
    expect(f.ok && f.notes[0]).toMatch(/tcp.flags.reset alone is true when the flag is set .*Wireshark.*== 1/);
  });

  it("gives connections and exchanges the packet names that mean something there", () => {
    const conn = { conn: { client_addr: "10.1.2.3", server_addr: "10.9.9.9", client_port: 50000n, server_port: 9092n, id: 4n, close_how: "rst" } };
    const yes = (scope: "connection", text: string) => {
      const f = compileFilter(scope, text);
      if (!f.ok) throw new Error(f.message);
      return f.test(conn);
    };
    expect(yes("connection", "ip.addr == 10.1.0.0/16 && tcp.port == 9092")).toBe(true);
    expect(yes("connection", "ip.src == 10.9.9.9")).toBe(false);
    expect(yes("connection", "tcp.stream == 4 and conn.close_how == \"rst\"")).toBe(true);
    expect(yes("connection", "not tcp.dstport in {9092}")).toBe(false);
  });

  it("compares repeated values element-wise and keeps absent fields false under not", () => {
    const f = packet("kafka.error == 10");
    const g = packet("!(kafka.error == 10)");
    const h = packet("kafka.error != 0");
    if (!f.ok || !g.ok || !h.ok) throw new Error("compile");
    const kafka = (errors: bigint[]) => ({ frame: {}, ip: {}, ipv6: {}, udp: {}, tcp: {}, conn: {}, kafka: { error: errors } });
    expect(f.test(kafka([0n, 10n]))).toBe(true);
    expect(g.test(kafka([0n, 10n]))).toBe(false);
    expect(h.test(kafka([0n, 10n]))).toBe(false); // Wireshark 4: != means every value differs
    expect(h.test(kafka([]))).toBe(false); // and the field is present
    expect(g.test(kafka([]))).toBe(true);
  });
});

describe("address comparisons", () => {
  it("matches IPv4 and IPv6 addresses and networks in any spelling", () => {
    expect(ipMatch("10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(ipMatch("11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(ipMatch("::1", "0:0:0:0:0:0:0:1")).toBe(true);
    expect(ipMatch("fe80::1", "fe80::/10")).toBe(true);
    expect(ipMatch("::ffff:10.0.0.1", "::ffff:10.0.0.0/120")).toBe(true);
    expect(ipMatch("10.0.0.1", "::1")).toBe(false);
    expect(ipCompare("10.0.0.2", "10.0.0.10")).toBe(-1);
    expect(ipCompare("10.0.0.2", "::1")).toBe(-1);
  });
});
