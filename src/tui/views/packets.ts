/** Pane 4: one line per packet, tshark's columns and Wireshark's colouring; marks, find, time reference. */

import { styleTags } from "../packet-row.js";
import { followStream } from "./follow.js";
import type { ViewContext, ViewDescriptor } from "./types.js";

/** Selects the next (or previous) marked packet (evidence `●`, or the user's), wrapping round. */
function nextMark(ctx: ViewContext, step: 1 | -1): void {
  const n = ctx.packetList.length;
  if ((ctx.evidence.size === 0 && ctx.userMarks.size === 0) || n === 0) {
    ctx.message = `no marked packets: ${ctx.keys.say("toggle-mark")} marks one, ${ctx.keys.say("enter")} on a finding marks its evidence`;
    return;
  }
  const from = ctx.lists.packets.selected;
  for (let k = 1; k <= n; k++) {
    const i = (((from + step * k) % n) + n) % n;
    const number = ctx.packetList[i]! + 1;
    if (ctx.evidence.has(number) || ctx.userMarks.has(number)) {
      ctx.selectRow("packets", i);
      return;
    }
  }
  ctx.message = "no marked packet in this list";
}

/** m: marks the selected packet, or unmarks it. Marks are packet numbers: filters and scope keep them. */
function toggleMark(ctx: ViewContext): void {
  const n = ctx.selectedPacket();
  if (n < 0) return;
  if (ctx.userMarks.delete(n)) ctx.message = `packet ${n} unmarked`;
  else {
    ctx.userMarks.add(n);
    ctx.message = `packet ${n} marked (${ctx.userMarks.size} marked; ${ctx.keys.say("next-mark")} next, ${ctx.keys.say("clear-marks")} clears)`;
  }
}

function clearMarks(ctx: ViewContext): void {
  const n = ctx.userMarks.size;
  ctx.userMarks.clear();
  ctx.message = n === 0 ? `no marks to clear (${ctx.keys.say("toggle-mark")} marks a packet)` : `${n} mark${n === 1 ? "" : "s"} cleared`;
}

/** t: the selected packet becomes the time reference (Wireshark's Set Time Reference), or stops being it. */
function toggleTimeRef(ctx: ViewContext): void {
  const n = ctx.selectedPacket();
  if (n < 0) return;
  ctx.timeRef = ctx.timeRef === n ? 0 : n;
  ctx.message = ctx.timeRef ? `packet ${n} is the time reference (*REF*): times count from it (${ctx.keys.say("time-ref")} clears)` : "time reference cleared: times count from the first packet";
  // The trees and the stream show times too; a stream keeps its selected row.
  const selected = ctx.lists.detail.selected;
  if (ctx.detail?.kind === "packet") ctx.rebuildDetail();
  if (ctx.detail?.kind === "stream") {
    ctx.rebuildDetail();
    ctx.selectRow("detail", selected);
  }
}

/** F: the selected packet's connection, from that packet. */
function followPacket(ctx: ViewContext): void {
  const at = ctx.selectedPacket();
  if (!ctx.model || at < 0) return;
  const conn = ctx.model.capture.packets.connId[at - 1]!;
  if (conn < 0) {
    ctx.message = `packet ${at} is not TCP: there is no stream to follow`;
    return;
  }
  followStream(ctx, conn, at);
}

export const packetsView: ViewDescriptor = {
  id: "packets",
  paneKey: "4",
  paneDescription: "packets pane",
  title: () => "Packets",
  titleInfo: (ctx) => (ctx.model ? [ctx.connScope === null ? "- all connections" : `- connection ${ctx.connScope}`, `(${ctx.lists.packets.count})`] : []),
  list: true,
  filterScope: "packet",
  detailOf: (ctx) => {
    const i = ctx.packetList[ctx.lists.packets.selected];
    return i === undefined || ctx.packetList.length === 0 ? null : { kind: "packet", index: i };
  },
  header: (ctx, width) => ctx.model!.packetHeader(width),
  rowText: (ctx, i, width) => {
    const p = ctx.packetList[i];
    if (p === undefined) return "";
    // The user's own mark shows over the evidence marker: it is the feedback for m.
    const mark = ctx.userMarks.has(p + 1) ? ctx.g.userMark : ctx.evidence.has(p + 1);
    return ctx.model!.packetRow(p, width, mark, i > 0 ? (ctx.packetList[i - 1] ?? -1) : -1, ctx.timeRef - 1);
  },
  // Its colouring rule (packet-row.ts), and bold when it is marked (evidence or the user's).
  rowStyle: (ctx, i, text) => {
    const index = ctx.packetList[i]!;
    const [open, close] = styleTags(ctx.model!.packetStyle(index), ctx.caps.colour);
    const line = `${open}${text}${close}`;
    return ctx.evidence.has(index + 1) || ctx.userMarks.has(index + 1) ? `{bold}${line}{/bold}` : line;
  },
  empty: (ctx) => (ctx.filters.packets ? "no packet matches the filter" : "no packets"),
  onSelect: (ctx) => {
    ctx.pushHistory();
    ctx.followSelection("packets");
    ctx.setFocus("detail");
  },
  actions: [
    { use: "enter", description: "open the packet's protocol tree", visible: true, hint: "tree" },
    { id: "next-mark", keys: ["]"], description: "next marked packet (yours, evidence, one side only)", visible: true, hint: "mark", run: (ctx) => nextMark(ctx, 1) },
    { id: "prev-mark", keys: ["["], description: "previous marked packet", run: (ctx) => nextMark(ctx, -1) },
    { id: "find", keys: ["f", "C-f"], description: "find a packet by text (Info, addresses, Kafka fields)", run: (ctx) => ctx.openBar("find") },
    { use: "search-next", description: "next packet the find (f) matches", run: (ctx) => ctx.findPacket(ctx.lists.packets.selected + 1) },
    { use: "follow-stream", description: "follow the packet's connection: its Kafka messages", run: followPacket },
    { id: "toggle-mark", keys: ["m"], description: "mark / unmark the packet", run: toggleMark },
    { id: "clear-marks", keys: ["M"], description: "clear every mark of yours", run: clearMarks },
    { id: "time-ref", keys: ["t"], description: "set / clear the packet as time reference (*REF*)", run: toggleTimeRef },
    { use: "scope-all", visible: true },
  ],
};
