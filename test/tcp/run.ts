import type { Scenario, TestPacket } from "./helpers.js";
import { RecordingSink } from "./helpers.js";
import { TcpTracker, type TcpTrackerOptions } from "../../src/tcp/tracker.js";
import { TCP_EVENT_NAMES } from "../../src/tcp/types.js";
import type { StreamSink } from "../../src/tcp/types.js";

export interface Row {
  num: number;
  connId: number;
  dir: 0 | 1;
  events: number;
  /** Field names of the events, like tshark's tcp.analysis.* fields. */
  fields: string[];
  dupAckNum: number;
}

export interface Run {
  tracker: TcpTracker;
  rows: Row[];
  sinks: RecordingSink[];
}

export function eventFields(mask: number): string[] {
  return TCP_EVENT_NAMES.filter((e) => mask & e.bit).map((e) => e.field);
}

/** Track every packet, recording one sink per connection (unless `openSink` is given), then finish. */
export function run(packets: readonly TestPacket[] | Scenario, opts: TcpTrackerOptions & { noFinish?: boolean } = {}): Run {
  const list = Array.isArray(packets) ? packets : (packets as Scenario).packets;
  const sinks: RecordingSink[] = [];
  const openSink =
    opts.openSink ??
    ((conn): StreamSink => {
      const s = new RecordingSink();
      sinks[conn.id] = s;
      return s;
    });
  const tracker = new TcpTracker({ ...opts, openSink });
  const rows: Row[] = [];
  for (const p of list) {
    const v = tracker.track(p.num, p.tsUs, p.wireLen, p.pkt, p.frame);
    rows.push({ num: p.num, connId: v.connId, dir: v.dir, events: v.events, fields: eventFields(v.events), dupAckNum: v.dupAckNum });
  }
  if (!opts.noFinish) tracker.finish();
  return { tracker, rows, sinks };
}
