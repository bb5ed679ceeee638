/**
 * exchange.left_group_before_answer: the client sent a LeaveGroup on the same connection after a
 * request and before that request's answer began. Kafka's group coordinator answers the held
 * JoinGroup (or SyncGroup) of a member that leaves with UNKNOWN_MEMBER_ID, and only then the
 * LeaveGroup (GroupCoordinator.removeMemberAndUpdateGroup: "we return UNKNOWN_MEMBER_ID so that
 * the consumer will retry the JoinGroup request if it is still active"): a consumer closed during
 * a rebalance draws that error by its own doing, not because the group dropped it.
 */
import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";

const LEAVE_GROUP = 13;

/**
 * A reader for the fact. Only answers carrying an error need it (rare), so nothing is walked until
 * the first one asks: then one pass groups the exchanges by connection (connection ids are a typed
 * column, cheap to read), and a connection's fields are read only when one of its answers asks.
 */
export function leftGroupBeforeAnswer(capture: AnalysedCapture): (e: StoredExchange) => boolean {
  let byConn: Map<number, number[]> | null = null;
  const leavesOn = new Map<number, number[]>();
  const leaveFrames = (connId: number): number[] => {
    let frames = leavesOn.get(connId);
    if (frames) return frames;
    if (!byConn) {
      byConn = new Map();
      const all = capture.exchanges;
      for (let i = 0; i < all.length; i++) {
        const id = all[i]!.connId;
        let rows = byConn.get(id);
        if (!rows) byConn.set(id, (rows = []));
        rows.push(i);
      }
    }
    frames = [];
    for (const i of byConn.get(connId) ?? []) {
      const x = capture.exchanges[i]!;
      if (x.dissector !== "kafka" || x.fields["kafka.api_key"] !== LEAVE_GROUP) continue;
      const rq = x.request;
      if (rq) frames.push(rq.last);
    }
    leavesOn.set(connId, frames);
    return frames;
  };
  return (e) => {
    const rq = e.request;
    const rs = e.response;
    if (!rq || !rs) return false;
    return leaveFrames(e.connId).some((f) => f > rq.last && f < rs.first);
  };
}
