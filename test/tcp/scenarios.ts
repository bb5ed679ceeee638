/**
 * Named packet scenarios shared by the scenario tests and the tshark differential test.
 * Client 10.0.0.1:40000, server 10.0.0.2:9092; client ISN 1000, server ISN 5000 (data starts at
 * 1001 / 5001). Times are milliseconds.
 */
import { Scenario } from "./helpers.js";

export const scenarios: Record<string, () => Scenario> = {
  "handshake-rtt": () => new Scenario().handshake(0, 12).c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 10 }),

  "fin-close-by-server": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .s({ t: 25, f: "PA", seq: 5001, ack: 1101, len: 50 })
      .s({ t: 30, f: "FA", seq: 5051, ack: 1101 })
      .c({ t: 31, f: "FA", seq: 1101, ack: 5052 })
      .s({ t: 32, f: "A", seq: 5052, ack: 1102 }),

  "rst-after-idle": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .s({ t: 25, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 60_025, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .s({ t: 60_026, f: "R", seq: 5001, ttl: 250, ipId: 0 }),

  "mid-connection-start-role-inferred": () =>
    new Scenario()
      .s({ t: 0, f: "PA", seq: 9000, ack: 3000, len: 100 })
      .c({ t: 1, f: "A", seq: 3000, ack: 9100 })
      .c({ t: 2, f: "PA", seq: 3000, ack: 9100, len: 20 }),

  "port-reuse-new-connection": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "FA", seq: 1001, ack: 5001 })
      .s({ t: 21, f: "FA", seq: 5001, ack: 1002 })
      .c({ t: 22, f: "A", seq: 1002, ack: 5002 })
      .handshake(1000, 10, 77777, 99999)
      .c({ t: 3000, f: "S", seq: 77777 })
      .c({ t: 3001, f: "S", seq: 123456 }),

  retransmission: () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 520, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .s({ t: 525, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 900, f: "PA", seq: 1001, ack: 5001, len: 100 }),

  "fast-retransmission": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .c({ t: 22, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .c({ t: 23, f: "PA", seq: 1301, ack: 5001, len: 100 })
      .s({ t: 30, f: "A", seq: 5001, ack: 1101 })
      .s({ t: 31, f: "A", seq: 5001, ack: 1101 })
      .s({ t: 32, f: "A", seq: 5001, ack: 1101 })
      .s({ t: 33, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 34, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .s({ t: 40, f: "A", seq: 5001, ack: 1401 }),

  "out-of-order": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .c({ t: 22, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .s({ t: 30, f: "A", seq: 5001, ack: 1301 }),

  "lost-segment": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 30, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .s({ t: 40, f: "A", seq: 5001, ack: 1301 }),

  "dup-ack": () =>
    new Scenario()
      .handshake()
      .s({ t: 20, f: "PA", seq: 5001, ack: 1001, len: 100 })
      .c({ t: 25, f: "A", seq: 1001, ack: 5101 })
      .c({ t: 26, f: "A", seq: 1001, ack: 5101 })
      .c({ t: 27, f: "A", seq: 1001, ack: 5101 })
      .c({ t: 28, f: "A", seq: 1001, ack: 5101, win: 1000 })
      .c({ t: 29, f: "A", seq: 1001, ack: 5101, win: 1000 }),

  "zero-window": () =>
    new Scenario()
      .handshake()
      .s({ t: 20, f: "PA", seq: 5001, ack: 1001, len: 100 })
      .c({ t: 25, f: "A", seq: 1001, ack: 5101, win: 0 })
      .c({ t: 500, f: "A", seq: 1001, ack: 5101, win: 200 }),

  "zero-window-probe": () =>
    new Scenario()
      .handshake()
      .s({ t: 20, f: "PA", seq: 5001, ack: 1001, len: 100 })
      .c({ t: 25, f: "A", seq: 1001, ack: 5101, win: 0 })
      .s({ t: 300, f: "A", seq: 5101, ack: 1001, len: 1 })
      .c({ t: 301, f: "A", seq: 1001, ack: 5101, win: 0 })
      .c({ t: 900, f: "A", seq: 1001, ack: 5101, win: 200 })
      .s({ t: 901, f: "PA", seq: 5101, ack: 1001, len: 50 }),

  keepalive: () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .s({ t: 25, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 45_025, f: "A", seq: 1100, ack: 5001, data: new Uint8Array([0]) })
      .s({ t: 45_026, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 90_030, f: "A", seq: 1100, ack: 5001 })
      .s({ t: 90_031, f: "A", seq: 5001, ack: 1101 })
      .c({ t: 90_040, f: "PA", seq: 1101, ack: 5001, len: 10 }),

  "window-full": () =>
    new Scenario()
      .handshake(0, 10, 1000, 5000, null)
      .s({ t: 15, f: "A", seq: 5001, ack: 1001, win: 300 })
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1101, ack: 5001, len: 200 })
      .s({ t: 30, f: "A", seq: 5001, ack: 1301, win: 300 }),

  "reorder-reassembly": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1101, ack: 5001, len: 100 })
      .c({ t: 22, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 23, f: "PA", seq: 1301, ack: 5001, len: 100 }),

  "gap-then-resync": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1201, ack: 5001, len: 100 })
      .s({ t: 30, f: "A", seq: 5001, ack: 1301 })
      .c({ t: 31, f: "PA", seq: 1301, ack: 5001, len: 100 }),

  overlap: () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .c({ t: 21, f: "PA", seq: 1051, ack: 5001, len: 100 })
      .c({ t: 400, f: "PA", seq: 1001, ack: 5001, len: 200 }),

  "truncated-snaplen-gap": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100, cap: 40 })
      .c({ t: 21, f: "PA", seq: 1101, ack: 5001, len: 100 }),

  "syn-ack-new-isn": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 10 })
      .s({ t: 30, f: "SA", seq: 9000, ack: 1011 })
      .s({ t: 31, f: "SA", seq: 9000, ack: 1011 })
      .c({ t: 32, f: "A", seq: 1011, ack: 9001 })
      .s({ t: 33, f: "PA", seq: 9001, ack: 1011, len: 5 }),

  "syn-retransmission-after-rst": () =>
    new Scenario()
      .handshake()
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 100 })
      .s({ t: 21, f: "R", seq: 5001 })
      .c({ t: 22, f: "S", seq: 1000 })
      .c({ t: 23, f: "PA", seq: 1101, ack: 5001, len: 10 }),

  "window-full-before-first-ack": () =>
    new Scenario()
      .c({ t: 0, f: "S", seq: 1000, ws: 7 })
      .s({ t: 5, f: "SA", seq: 5000, ack: 1001, ws: 7, win: 1000 })
      .c({ t: 10, f: "A", seq: 1001, ack: 5001 })
      .c({ t: 20, f: "PA", seq: 1001, ack: 5001, len: 1000 }),
};
