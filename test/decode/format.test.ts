import { describe, expect, it } from "vitest";
import { flagsText, formatAddr } from "../../src/decode/format.js";
import { TcpFlag } from "../../src/decode/types.js";

function v6(text: string): Uint8Array {
  // Test-side parser for full, uncompressed notation: 8 groups of hex.
  const groups = text.split(":").map((g) => parseInt(g, 16));
  const b = new Uint8Array(16);
  groups.forEach((g, i) => {
    b[i * 2] = g >> 8;
    b[i * 2 + 1] = g & 0xff;
  });
  return b;
}

describe("formatAddr", () => {
  it.each([
    ["0:0:0:0:0:0:0:1", "::1"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001:db8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:ff00:0042:8329", "2001:db8::ff00:42:8329"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group stays
    ["2001:0:0:1:0:0:0:1", "2001:0:0:1::1"], // the longer run wins
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first run on a tie
    ["fe80:0:0:0:0:0:0:0", "fe80::"],
    ["FE80:0:0:0:0211:22FF:FE33:4455", "fe80::211:22ff:fe33:4455"],
    ["0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1"], // IPv4-mapped
    ["0:0:0:0:0:0:0a01:0203", "::10.1.2.3"], // IPv4-compatible
    ["0:0:0:0:0:0:0:0a01", "::a01"], // 112 zero bits: plain hex, as inet_ntop does
    ["1:0:0:0:0:0:0:0", "1::"],
    ["0:0:1:0:0:0:0:0", "0:0:1::"],
  ])("%s -> %s", (full, text) => {
    expect(formatAddr(v6(full), 6)).toBe(text);
  });

  it("formats IPv4 and ignores bytes past the address", () => {
    expect(formatAddr(Uint8Array.of(192, 168, 0, 255, 9, 9), 4)).toBe("192.168.0.255");
    expect(formatAddr(Uint8Array.of(0, 0, 0, 0), 4)).toBe("0.0.0.0");
  });

  it("prints ? for a view too short for the address", () => {
    expect(formatAddr(new Uint8Array(3), 4)).toBe("?");
    expect(formatAddr(new Uint8Array(15), 6)).toBe("?");
  });
});

describe("flagsText", () => {
  it.each([
    [TcpFlag.SYN, "[SYN]"],
    [TcpFlag.SYN | TcpFlag.ACK, "[SYN, ACK]"],
    [TcpFlag.FIN | TcpFlag.ACK, "[FIN, ACK]"],
    [TcpFlag.PSH | TcpFlag.ACK, "[PSH, ACK]"],
    [TcpFlag.RST | TcpFlag.ACK, "[RST, ACK]"],
    [TcpFlag.RST, "[RST]"],
    [TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK, "[FIN, PSH, ACK]"],
    [TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR, "[SYN, ECE, CWR]"],
    [0x1ff, "[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, AE]"],
    [0, "[<None>]"],
  ])("%i -> %s", (flags, text) => {
    expect(flagsText(flags)).toBe(text);
  });
});
