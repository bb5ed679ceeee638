/**
 * Follow stream (F), Wireshark's Follow TCP Stream: a connection's messages and TCP events in
 * order, in the detail pane, starting on a packet. Each pane that has it (packets, exchanges,
 * connections) says which connection and packet it means; this shows it.
 */

import { rowAtPacket } from "../stream.js";
import type { ViewContext } from "./types.js";

export function followStream(ctx: ViewContext, conn: number | undefined, atPacket: number): void {
  if (!ctx.model || conn === undefined) return;
  ctx.pushHistory();
  ctx.showDetail({ kind: "stream", index: conn });
  ctx.selectRow("detail", rowAtPacket(ctx.stream, atPacket));
  ctx.setFocus("detail");
  ctx.message =
    ctx.stream.length === 0
      ? `connection ${conn}: no protocol message or TCP event to show`
      : `connection ${conn}, ${ctx.stream.length} rows: ${ctx.keys.say("toggle")} selects a row's packet, ${ctx.keys.say("back")} back`;
}
