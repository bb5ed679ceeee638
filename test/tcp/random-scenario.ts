/**
 * Seeded random TCP conversations for the differential test against tshark: senders with losses,
 * reordering, retransmissions, duplicate ACKs, zero windows, probes, keep-alives, FIN/RST, port
 * reuse, captures starting mid-connection and sequence numbers wrapping past 2^32.
 */
import { Scenario } from "./helpers.js";

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Side {
  isn: number;
  /** Next new sequence number to send. */
  next: number;
  /** Highest sequence number acknowledged by the peer. */
  acked: number;
  /** What this side acknowledges of the peer. */
  ackOut: number;
  win: number;
  sent: { seq: number; len: number }[];
}

/** Append `conns` random conversations to one scenario (each on its own or a reused client port). */
export function randomScenario(seed: number, conns: number, packetsPerConn: number): Scenario {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sc = new Scenario();
  let t = 0;
  const step = (): number => (t += pick([0.05, 0.2, 1, 1, 2, 4, 15, 60, 400, 3000]));
  let port = 41000;
  for (let c = 0; c < conns; c++) {
    if (rnd() > 0.2) port++; // sometimes reuse the previous client port
    const ports = { c: port, s: pick([9092, 9092, 36333, 5000]) };
    const nearWrap = rnd() < 0.2;
    const cl: Side = mk(nearWrap ? 0xffffffff - Math.floor(rnd() * 3000) : Math.floor(rnd() * 2 ** 32));
    const sv: Side = mk(Math.floor(rnd() * 2 ** 32));
    const ws = rnd() < 0.5 ? pick([0, 2, 7]) : undefined;
    const send = (fromClient: boolean, spec: Parameters<Scenario["c"]>[0]): void => {
      sc.add(fromClient, spec, fromClient ? { src: ports.c, dst: ports.s } : { src: ports.s, dst: ports.c });
    };
    const midStart = rnd() < 0.2;
    if (!midStart) {
      send(true, { t: step(), f: "S", seq: cl.isn, ...(ws !== undefined ? { ws } : {}) });
      if (rnd() < 0.1) send(true, { t: step(), f: "S", seq: cl.isn, ...(ws !== undefined ? { ws } : {}) });
      send(false, { t: step(), f: "SA", seq: sv.isn, ack: add(cl.isn, 1), ...(ws !== undefined && rnd() < 0.8 ? { ws } : {}) });
      cl.next = cl.acked = sv.ackOut = add(cl.isn, 1);
      sv.next = sv.acked = cl.ackOut = add(sv.isn, 1);
      send(true, { t: step(), f: "A", seq: cl.next, ack: cl.ackOut, win: cl.win });
    } else {
      cl.next = cl.acked = sv.ackOut = cl.isn;
      sv.next = sv.acked = cl.ackOut = sv.isn;
    }
    for (let i = 0; i < packetsPerConn; i++) {
      const fromClient = rnd() < 0.6;
      const me = fromClient ? cl : sv;
      const peer = fromClient ? sv : cl;
      const r = rnd();
      if (r < 0.35) {
        // New data (possibly not captured: a loss).
        const len = pick([1, 10, 100, 536, 1448]);
        const seg = { seq: me.next, len };
        me.sent.push(seg);
        me.next = add(me.next, len);
        if (rnd() < 0.1) continue; // lost before the capture point
        send(fromClient, { t: step(), f: "PA", seq: seg.seq, ack: me.ackOut, len, win: me.win });
      } else if (r < 0.45 && me.sent.length > 0) {
        // Retransmission of a recent segment (some of them reordered arrivals).
        const seg = pick(me.sent.slice(-4));
        send(fromClient, { t: step(), f: "PA", seq: seg.seq, ack: me.ackOut, len: seg.len, win: me.win });
      } else if (r < 0.7) {
        // ACK: cumulative progress, or a repeat (duplicate ACK), sometimes with a new window.
        if (rnd() < 0.6) me.ackOut = peer.next;
        if (rnd() < 0.2) me.win = pick([0, 0, 1, 2, 100, 512, 65535]);
        send(fromClient, { t: step(), f: "A", seq: me.next, ack: me.ackOut, win: me.win });
      } else if (r < 0.76) {
        // Keep-alive (0 or 1 byte, one before the next sequence number).
        send(fromClient, { t: step(), f: "A", seq: add(me.next, -1), ack: me.ackOut, win: me.win, len: pick([0, 1]) });
      } else if (r < 0.82) {
        // Zero-window probe shape: one byte at the next sequence number.
        send(fromClient, { t: step(), f: "A", seq: me.next, ack: me.ackOut, win: me.win, len: 1 });
      } else if (r < 0.86) {
        // Send nothing new; just an ACK of everything with the same window (window update or dup).
        me.ackOut = peer.next;
        send(fromClient, { t: step(), f: "A", seq: me.next, ack: me.ackOut, win: me.win });
      } else if (r < 0.89) {
        // Out-of-order pair: a later segment first, then the earlier one soon after.
        const a = { seq: me.next, len: 100 };
        const b = { seq: add(me.next, 100), len: 100 };
        me.sent.push(a, b);
        me.next = add(me.next, 200);
        send(fromClient, { t: step(), f: "PA", seq: b.seq, ack: me.ackOut, len: b.len, win: me.win });
        send(fromClient, { t: (t += 0.1), f: "PA", seq: a.seq, ack: me.ackOut, len: a.len, win: me.win });
      } else if (r < 0.91) {
        send(fromClient, { t: step(), f: "FA", seq: me.next, ack: me.ackOut, win: me.win });
        me.next = add(me.next, 1);
      } else if (r < 0.92) {
        send(fromClient, { t: step(), f: "R", seq: me.next, win: 0 });
      } else if (r < 0.93) {
        // A SYN or SYN-ACK in the middle (same or new ISN): tests tshark's port-reuse rules.
        if (rnd() < 0.7) {
          const isn = rnd() < 0.5 ? cl.isn : Math.floor(rnd() * 2 ** 32);
          send(true, { t: step(), f: "S", seq: isn });
        } else {
          const isn = rnd() < 0.5 ? sv.isn : Math.floor(rnd() * 2 ** 32);
          send(false, { t: step(), f: "SA", seq: isn, ack: sv.ackOut });
        }
      } else if (r < 0.95) {
        // Data up to the right edge of the peer's window (window full), shift guessed from the SYNs.
        const shift = ws !== undefined ? ws : 0;
        const len = (peer.ackOut + ((peer.win << (rnd() < 0.5 ? shift : 0)) >>> 0) - me.next) >>> 0;
        if (len > 0 && len <= 3000) {
          me.sent.push({ seq: me.next, len });
          send(fromClient, { t: step(), f: "PA", seq: me.next, ack: me.ackOut, len, win: me.win });
          me.next = add(me.next, len);
        }
      } else {
        // Duplicate ACKs in a burst, then a fast retransmission of the first unacked segment.
        const ack = me.ackOut;
        for (let k = 0; k < 3; k++) send(fromClient, { t: (t += 0.5), f: "A", seq: me.next, ack, win: me.win });
        const seg = peer.sent.find((s) => s.seq === ack);
        if (seg) send(!fromClient, { t: (t += 1), f: "PA", seq: seg.seq, ack: peer.ackOut, len: seg.len, win: peer.win });
      }
    }
  }
  return sc;

  function mk(isn: number): Side {
    return { isn: isn >>> 0, next: isn >>> 0, acked: isn >>> 0, ackOut: 0, win: 65535, sent: [] };
  }
}

function add(a: number, b: number): number {
  return (a + b) >>> 0;
}
