/**
 * The Kafka exchanges pane's row: column widths that keep the result readable at 80 columns (it
 * is what the pane is read for: `MESSAGE_TOO_LARGE`, `NO RESP (RST)`), the result in words.
 * Client id and topics share what is left; the detail pane has them whole.
 */

import { kafkaErrorName } from "../facts/kafka-names.js";
import type { AnalysedCapture, StoredExchange } from "../model/analysed-capture.js";
import type { FieldValue } from "../plugins/api.js";
import { answeredAfterClientClose } from "../model/late-answer.js";
import { fit, padLeft, shareWidth } from "./text.js";

/** Terminal width from which results are written out in full (`NO RESPONSE (RST)`). */
export const FULL_RESULT_FROM = 120;
/** Client id and topics never get narrower than this: below it they say nothing. */
const FLEX_MIN = 6;
/** Room for "FindCoordinator", "OffsetCommit v8": an API name loses its version before its end. */
const API_NARROW = 15;
const API_WIDE = 20;
const SIZE = 4; // shortCount: "999", "1.2k", "600k", "3.4M"
const LATENCY = 7; // shortDuration: "850us", "999.9ms", "2m05s"

/**
 * What came of an exchange: the error names of its response, else ok (answered, for a plugin's),
 * LATE for an answer that came after the client closed (`capture` given), acks=0, why no response
 * came, or an orphan response. `short`: the forms a narrow result column shows (`NO RESP (RST)`,
 * `no resp (end)`); error names are never shortened, they are what an operator searches for.
 */
export function outcome(ex: StoredExchange, short = false, capture?: AnalysedCapture): string {
  const errs = Array.isArray(ex.fields["kafka.error"]) ? (ex.fields["kafka.error"] as FieldValue[]) : [];
  const codes = [...new Set(errs.filter((c): c is number => typeof c === "number" && c !== 0))];
  if (codes.length > 0) return codes.map((c) => kafkaErrorName(c)).join(",");
  switch (ex.status) {
    case "answered":
      // "ok" is Kafka's error code 0; of another protocol's response kdiag knows only that it came.
      // An answer that came after the client had closed never reached it (model/late-answer.ts).
      if (capture && answeredAfterClientClose(capture, ex.connId, ex.request, ex.response)) return short ? "LATE" : "LATE (after close)";
      return ex.dissector === "kafka" ? "ok" : "answered";
    case "no-response-expected":
      return "acks=0";
    case "unanswered": {
      const why = ex.fields["kafka.unanswered"];
      // Upper case when the connection was closed on it (a problem), lower case at the capture's end.
      if (why === "end-of-capture") return short ? "no resp (end)" : "no response (capture ended)";
      return `${short ? "NO RESP" : "NO RESPONSE"} (${typeof why === "string" ? why.toUpperCase() : "closed"})`;
    }
    case "orphan-response":
      return `orphan (${ex.confidence})`;
  }
}

export interface ExchangeColumns {
  time: number;
  conn: number;
  api: number;
  client: number;
  topics: number;
  /** What the result is given; a longer one is cut at the end of the row. */
  result: number;
  /** Results in their short forms. */
  short: boolean;
}

/** What the capture needs: its longest time ("1234.567"), connection id, client id, topics and result (short and full). */
export interface ExchangeNeeds {
  time: number;
  conn: number;
  client: number;
  topics: number;
  result: { short: number; full: number };
}

/**
 * Column widths for a terminal width. Time and connection id are as wide as the capture needs;
 * the result column gets its longest result first, then client id and topics share the rest
 * (FLEX_MIN each at least: a result longer than that leaves is cut, the detail pane has it):
 * half each, and what one of them does not need goes to the other.
 */
export function exchangeColumns(width: number, needs: ExchangeNeeds): ExchangeColumns {
  const short = width < FULL_RESULT_FROM;
  const api = short ? API_NARROW : API_WIDE;
  const time = Math.max("time".length, needs.time);
  const conn = Math.max("c".length, needs.conn);
  const fixed = time + 1 + conn + 1 + api + 1 + SIZE + 1 + SIZE + 1 + LATENCY + 1;
  const want = Math.max("result".length, short ? needs.result.short : needs.result.full);
  const result = Math.max("result".length, Math.min(want, width - fixed - 2 * (FLEX_MIN + 1)));
  const flex = Math.max(2 * FLEX_MIN, width - fixed - result - 2);
  const clientNeed = Math.max("client".length, needs.client);
  const topicsNeed = Math.max("topics".length, needs.topics);
  const [client, topics] = shareWidth(flex, clientNeed, topicsNeed);
  return { time, conn, api, client, topics, result, short };
}

export function exchangeHeaderText(c: ExchangeColumns): string {
  const client = c.client >= "client id".length ? "client id" : "client";
  return `${padLeft("time", c.time)} ${padLeft("c", c.conn)} ${fit("api", c.api)} ${fit(client, c.client)} ${fit("topics", c.topics)} ${padLeft("req", SIZE)} ${padLeft("resp", SIZE)} ${padLeft("latency", LATENCY)} result`;
}

export interface ExchangeCells {
  time: string;
  conn: number;
  api: string;
  /** null: the API is not known (its name is "?"). */
  version: number | string | null;
  client: string;
  topics: string;
  req: string;
  resp: string;
  latency: string;
  result: string;
}

/** The API with its version when both fit, else its name alone (a version says less than a name). */
function apiText(name: string, version: number | string | null, width: number, ellipsis: string): string {
  const full = version === null ? name : `${name} v${version}`;
  return fit(Array.from(full).length <= width ? full : name, width, ellipsis);
}

export function exchangeRowText(c: ExchangeColumns, cells: ExchangeCells, ellipsis: string): string {
  return `${padLeft(cells.time, c.time)} ${padLeft(String(cells.conn), c.conn)} ${apiText(cells.api, cells.version, c.api, ellipsis)} ${fit(cells.client, c.client, ellipsis)} ${fit(cells.topics, c.topics, ellipsis)} ${padLeft(cells.req, SIZE)} ${padLeft(cells.resp, SIZE)} ${padLeft(cells.latency, LATENCY)} ${cells.result}`;
}
