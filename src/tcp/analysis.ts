/**
 * Per-direction TCP sequence analysis with Wireshark's meanings (tcp.analysis.*).
 *
 * This mirrors the checks and their precedence in Wireshark's tcp_analyze_sequence_number()
 * (epan/dissectors/packet-tcp.c) as tshark 4.0.17 behaves (checked packet by packet by
 * test/tcp/tshark-synthetic.test.ts), re-expressed over plain numeric state
 * so that the per-packet path allocates nothing. Quirks are kept on purpose, because users compare
 * our flags with Wireshark's:
 *   - a stored next sequence number / last ACK of 0 means "unknown" (Wireshark tests them for truth);
 *   - windows are compared unscaled; only "window full" scales, and only when the scale is known;
 *   - precedence among the retransmission kinds: fast, out-of-order, spurious, plain;
 *   - tshark also shows tcp.analysis.retransmission on fast and spurious retransmissions: the caller
 *     maps that (see `toFieldMask`), this module keeps Wireshark's distinct internal flags.
 * Not modelled: the unacked-segment list (RTO, bytes in flight, ACK RTT) and MPTCP.
 */
import { TcpFlag } from "../decode/types.js";
import { TcpEvent } from "./types.js";
import { seqGt, seqLe, seqLt } from "./seq.js";

const SYN_FIN_RST = TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST;

/** Window scale states, as Wireshark's win_scale: >= 0 is a shift count. */
export const WIN_SCALE_UNKNOWN = -1;
export const WIN_SCALE_NONE = -2;

/** Sequence-analysis state of one direction (Wireshark's tcp_flow_t + tcp_analyze_seq_flow_info_t). */
export class FlowAnalysis {
  baseSeq = 0;
  baseSeqSet = false;
  /** -1 unknown, -2 no scaling, else the shift count. */
  winScale = WIN_SCALE_UNKNOWN;
  /** Last window sent in this direction, unscaled. 0xFFFFFFFF before any (so it is never "zero"). */
  window = 0xffffffff;
  /** True from a SYN until the first pure ACK of this direction: its window is not scaled yet. */
  isFirstAck = false;
  /** Highest next-sequence number sent, 0 = none yet (Wireshark's convention). */
  nextSeq = 0;
  nextSeqTimeUs = 0;
  /** Last ACK number sent in this direction (ACK flag or not), and when. */
  lastAck = 0;
  lastAckTimeUs = 0;
  /** Duplicate ACKs sent in a row with the same ACK number. */
  dupAckNum = 0;
  lastNonDupAck = 0;
  /** Highest contiguous sequence number that may be acknowledged, 0 = none yet. */
  maxSeqToBeAcked = 0;
  /** Analysis flags of the last segment sent in this direction. */
  lastSegmentFlags = 0;
}

/** Connection-wide analysis state (Wireshark's tcp_analysis fields outside the flows). */
export class ConnAnalysis {
  /** Time of the most recent SYN (without ACK), 0 = none. */
  mruSynUs = 0;
  /** SYN -> first pure ACK (tcp.analysis.initial_rtt), 0 = unknown. */
  firstRttUs = 0;
  /** Duplicate-ACK number and the frame it duplicates, for the last analysed packet. */
  dupAckNum = 0;
  dupAckFrame = 0;
}

const FAST_RTX_WINDOW_US = 20_000;
const DEFAULT_OOO_THRESHOLD_US = 3_000;

/**
 * Analyse one segment sent on `fwd` (the reverse direction is `rev`) and update both; returns the
 * TcpEvent mask. `mask` carries flags already set for this packet (reused ports).
 * Call with unscaled `window` and the declared segment length.
 */
export function analyzeSegment(
  fwd: FlowAnalysis,
  rev: FlowAnalysis,
  conn: ConnAnalysis,
  packetNumber: number,
  tsUs: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  window: number,
  mask: number,
): number {
  conn.dupAckNum = 0;
  conn.dupAckFrame = 0;

  // Relative sequence bases (only for display; SYN/SYN-ACK give exact ISNs).
  if (!fwd.baseSeqSet) {
    fwd.baseSeq = flags & TcpFlag.SYN ? seq : (seq - 1) >>> 0;
    fwd.baseSeqSet = true;
  }
  if (!rev.baseSeqSet && flags & TcpFlag.ACK) {
    rev.baseSeq = (ack - 1) >>> 0;
    rev.baseSeqSet = true;
  }

  const nextSeq = fwd.nextSeq;
  const noSfr = (flags & SYN_FIN_RST) === 0;

  // Zero-window probe: one byte at the next expected sequence while the peer's window is zero.
  // It skips every other forward check (Wireshark's `goto finished_fwd`).
  let skipToAckChecks = false;
  if (seglen === 1 && seq === nextSeq && rev.window === 0) {
    mask |= TcpEvent.ZERO_WINDOW_PROBE;
    skipToAckChecks = true;
  }

  if (!skipToAckChecks) {
    if (window === 0 && noSfr) mask |= TcpEvent.ZERO_WINDOW;

    // Previous segment not captured: this one starts beyond what we expected next.
    if (nextSeq !== 0 && seqGt(seq, nextSeq) && (flags & TcpFlag.RST) === 0) {
      mask |= TcpEvent.LOST_SEGMENT;
    }

    // Keep-alive: 0 or 1 byte starting one byte before the next expected sequence.
    if ((seglen === 0 || seglen === 1) && seq === ((nextSeq - 1) >>> 0) && noSfr) {
      mask |= TcpEvent.KEEP_ALIVE;
    }

    // Window update: a pure ACK repeating seq/ack with a new, non-zero window.
    if (seglen === 0 && window !== 0 && window !== fwd.window && seq === nextSeq && ack === fwd.lastAck && noSfr) {
      mask |= TcpEvent.WINDOW_UPDATE;
    }

    // Window full: data reaching exactly the right edge of the peer's advertised window.
    if (seglen > 0 && rev.winScale !== WIN_SCALE_UNKNOWN && noSfr) {
      // The peer's window is not scaled until it sent its first pure ACK (the SYN-ACK's isn't).
      const shift = rev.isFirstAck || rev.winScale === WIN_SCALE_NONE ? 0 : rev.winScale;
      const edge = (rev.lastAck + ((rev.window << shift) >>> 0)) >>> 0;
      if (((seq + seglen) >>> 0) === edge) mask |= TcpEvent.WINDOW_FULL;
    }

    const repeatsAck = seglen === 0 && window === fwd.window && seq === nextSeq && ack === fwd.lastAck && noSfr;
    if (repeatsAck && window !== 0 && rev.lastSegmentFlags & TcpEvent.KEEP_ALIVE) {
      mask |= TcpEvent.KEEP_ALIVE_ACK;
    } else if (repeatsAck && window === 0 && rev.lastSegmentFlags & TcpEvent.ZERO_WINDOW_PROBE) {
      mask |= TcpEvent.ZERO_WINDOW_PROBE_ACK;
    } else if (repeatsAck && window !== 0) {
      fwd.dupAckNum = fwd.dupAckNum === -1 ? 1 : fwd.dupAckNum + 1;
      mask |= TcpEvent.DUPLICATE_ACK;
      conn.dupAckNum = fwd.dupAckNum;
      conn.dupAckFrame = fwd.lastNonDupAck;
    }
  }

  // A new ACK number resets duplicate-ACK counting.
  if (ack !== fwd.lastAck) {
    fwd.lastNonDupAck = packetNumber;
    fwd.dupAckNum = 0;
  }

  // ACKed unseen segment: this ACK covers bytes of the peer we never saw. Reported once per hole:
  // either the peer's "max seq to be acked" jumps to its highest sequence seen, or (when the peer
  // has sent nothing new since) the peer's duplicate-ACK counter is parked at -1, and the flag is
  // only raised when the peer had sent no duplicate ACK. The sequence-aware comparison matches
  // tshark 4.0.17 (found by differential testing, test/tcp/tshark-synthetic.test.ts).
  if (rev.maxSeqToBeAcked !== 0 && seqGt(ack, rev.maxSeqToBeAcked) && flags & TcpFlag.ACK) {
    if (seqLt(rev.maxSeqToBeAcked, rev.nextSeq)) {
      rev.maxSeqToBeAcked = rev.nextSeq;
      mask |= TcpEvent.ACKED_UNSEEN_SEGMENT;
    } else {
      if (rev.dupAckNum === 0) mask |= TcpEvent.ACKED_UNSEEN_SEGMENT;
      rev.dupAckNum = -1;
    }
  }

  // Retransmission family: only segments that occupy sequence space.
  if ((seglen > 0 || flags & (TcpFlag.SYN | TcpFlag.FIN)) && (mask & TcpEvent.KEEP_ALIVE) === 0) {
    let seqNotAdvanced = nextSeq !== 0 && seqLt(seq, nextSeq);
    // One byte back with more than one byte of data: likely after a zero-window probe, new data.
    if (seglen > 1 && ((nextSeq - 1) >>> 0) === seq) seqNotAdvanced = false;

    if (seglen > 0 && rev.lastAck !== 0 && seqLe((seq + seglen) >>> 0, rev.lastAck)) {
      // Everything in it was already acknowledged.
      mask |= TcpEvent.SPURIOUS_RETRANSMISSION;
    } else {
      const sinceDupAck = tsUs - rev.lastAckTimeUs;
      const sinceNext = tsUs - fwd.nextSeqTimeUs;
      const oooThreshold = conn.firstRttUs !== 0 ? conn.firstRttUs : DEFAULT_OOO_THRESHOLD_US;
      const synFin = flags & (TcpFlag.SYN | TcpFlag.FIN) ? 1 : 0;
      // Wireshark keeps the counter unsigned: the parked value -1 also counts as ">= 2".
      if (seqNotAdvanced && (rev.dupAckNum >= 2 || rev.dupAckNum === -1) && rev.lastAck === seq && sinceDupAck >= 0 && sinceDupAck < FAST_RTX_WINDOW_US) {
        mask |= TcpEvent.FAST_RETRANSMISSION;
      } else if (seqNotAdvanced && sinceNext >= 0 && sinceNext < oooThreshold && nextSeq !== ((seq + seglen + synFin) >>> 0)) {
        mask |= TcpEvent.OUT_OF_ORDER;
      } else if (seqNotAdvanced) {
        mask |= TcpEvent.RETRANSMISSION;
      }
    }
  }

  // Advance the highest sequence seen (zero-window probes do not).
  const isProbe = (mask & TcpEvent.ZERO_WINDOW_PROBE) !== 0;
  let segEnd = (seq + seglen) >>> 0;
  if (seglen > 0 || flags & (TcpFlag.SYN | TcpFlag.FIN)) {
    if (flags & (TcpFlag.SYN | TcpFlag.FIN)) segEnd = (segEnd + 1) >>> 0;
  }
  if ((seqGt(segEnd, fwd.nextSeq) || fwd.nextSeq === 0) && !isProbe) {
    fwd.nextSeq = segEnd;
    fwd.nextSeqTimeUs = tsUs;
  }
  if ((seq === fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked === 0) && !isProbe) {
    fwd.maxSeqToBeAcked = fwd.nextSeq;
  }

  fwd.window = window;
  fwd.lastAck = ack;
  fwd.lastAckTimeUs = tsUs;
  fwd.lastSegmentFlags = mask;
  return mask;
}

/**
 * Bookkeeping Wireshark does in dissect_tcp after the sequence analysis: window-scale option and
 * its validation, the SYN time for the initial RTT, and the first-ACK window marker.
 */
export function afterSegment(
  fwd: FlowAnalysis,
  rev: FlowAnalysis,
  conn: ConnAnalysis,
  tsUs: number,
  flags: number,
  windowScaleOption: number,
): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ackFlag = (flags & TcpFlag.ACK) !== 0;
  if (syn) {
    if (!ackFlag) conn.mruSynUs = tsUs;
    fwd.isFirstAck = true;
  }
  if (windowScaleOption >= 0) fwd.winScale = windowScaleOption > 14 ? 14 : windowScaleOption;
  if (syn) {
    // Scaling is used only when both SYNs carry the option (RFC 7323).
    if (fwd.winScale === WIN_SCALE_UNKNOWN) {
      fwd.winScale = WIN_SCALE_NONE;
      rev.winScale = WIN_SCALE_NONE;
    } else if (ackFlag && rev.winScale === WIN_SCALE_NONE) {
      fwd.winScale = WIN_SCALE_NONE;
    }
  }
  if (!syn && ackFlag) {
    if (conn.mruSynUs !== 0 && conn.firstRttUs === 0) conn.firstRttUs = tsUs - conn.mruSynUs;
    fwd.isFirstAck = false;
  }
}

/** Map Wireshark's internal flags to the tshark field view: fast/spurious also show as retransmission. */
export function toFieldMask(mask: number): number {
  return mask & (TcpEvent.FAST_RETRANSMISSION | TcpEvent.SPURIOUS_RETRANSMISSION) ? mask | TcpEvent.RETRANSMISSION : mask;
}
