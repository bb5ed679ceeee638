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
 * A reader for the fact. Only answers carrying an error need it (rare), so each connection's
 * LeaveGroup requests are found on first use: one pass over the connection ids (a typed column),
 * the fields read only on that connection.
 */
export function leftGroupBeforeAnswer(capture: AnalysedCapture): (e: StoredExchange) => boolean {
  const leavesOn = new Map<number, number[]>();
  const leaveFrames = (connId: number): number[] => {
    let frames = leavesOn.get(connId);
    if (frames) return frames;
    frames = [];
    for (const x of capture.exchanges) {
      if (x.connId !== connId || x.dissector !== "kafka") continue;
      if (x.fields["kafka.api_key"] !== LEAVE_GROUP) continue;
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
