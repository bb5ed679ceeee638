/**
 * The views table: every pane, in the order of their keys and of the help. A new pane is a file
 * in this folder and a line here (and its id in types.ts).
 */

import { compareView } from "./compare.js";
import { connectionsView } from "./connections.js";
import { detailView } from "./detail.js";
import { exchangesView } from "./exchanges.js";
import { findingsView } from "./findings.js";
import { hexView } from "./hex.js";
import { packetsView } from "./packets.js";
import { timelineView } from "./timeline.js";
import type { ViewContext, ViewDescriptor, ViewId } from "./types.js";

export const VIEWS: readonly ViewDescriptor[] = [findingsView, connectionsView, exchangesView, packetsView, detailView, hexView, timelineView, compareView];

export const VIEW_BY_ID: ReadonlyMap<ViewId, ViewDescriptor> = new Map(VIEWS.map((v) => [v.id, v]));

export function view(id: ViewId): ViewDescriptor {
  return VIEW_BY_ID.get(id)!;
}

/** The panes in Tab order and top to bottom on screen: the table's, each placeAfter pane right after its anchor. */
export const PANE_ORDER: readonly ViewId[] = (() => {
  const order = VIEWS.filter((v) => !v.placeAfter).map((v) => v.id);
  for (const v of VIEWS) if (v.placeAfter) order.splice(order.indexOf(v.placeAfter) + 1, 0, v.id);
  return order;
})();

/**
 * What an action does in a pane, where the pane says (ViewAction.run for its own actions,
 * ViewActionUse.run for a shared one): by pane, then action id.
 */
const HANDLERS: ReadonlyMap<ViewId, ReadonlyMap<string, (ctx: ViewContext) => void>> = new Map(
  VIEWS.map((v) => [v.id, new Map(v.actions.flatMap((a) => (a.run ? [["use" in a ? a.use : a.id, a.run] as const] : [])))]),
);

/** The handler of `action` in pane `v`; undefined: the action is the app's (App.run). */
export function actionHandler(v: ViewId, action: string): ((ctx: ViewContext) => void) | undefined {
  return HANDLERS.get(v)?.get(action);
}
