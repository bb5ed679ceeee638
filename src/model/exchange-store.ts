/**
 * The stored exchanges (request/response pairs) of an analysed capture as typed-array columns,
 * one row per exchange: connection, dissector, status, confidence, each side's packets, time,
 * length and stream offset, the summary in a SummaryTable and the field values in a FieldTable. Readers hold
 * `list`: one small record per exchange (its row number) whose properties read the columns, so
 * code written against StoredExchange keeps working. `request` and
 * `response` are built on each read (a small object), as is `fields`: read them once per exchange.
 */

import type { Exchange, ExchangeSide, FieldValue } from "../plugins/api.js";
import type { StoredExchange } from "./analysed-capture.js";
import { FieldTable } from "./field-table.js";
import { SummaryTable } from "./summary-table.js";
import { growFloat64, growInt32, growUint16, growUint8, indexOrAdd } from "./grow.js";

export interface ExchangeRecord extends StoredExchange {
  /** The row it reads. */
  readonly row: number;
}

const STATUS: readonly Exchange["status"][] = ["answered", "no-response-expected", "unanswered", "orphan-response"];
const CONFIDENCE: readonly Exchange["confidence"][] = ["certain", "likely", "guess"];
const HAS_REQUEST = 1;
const HAS_RESPONSE = 2;

/** One side's columns. */
class SideColumns {
  first = new Int32Array(1024);
  last = new Int32Array(1024);
  length = new Int32Array(1024);
  tsUs = new Float64Array(1024);
  /** NaN when the dissector gave none. */
  streamOffset = new Float64Array(1024);

  set(row: number, side: ExchangeSide): void {
    this.first[row] = side.first;
    this.last[row] = side.last;
    this.length[row] = side.length;
    this.tsUs[row] = side.tsUs;
    this.streamOffset[row] = side.streamOffset ?? NaN;
  }

  get(row: number): ExchangeSide {
    const off = this.streamOffset[row]!;
    const side: ExchangeSide = { first: this.first[row]!, last: this.last[row]!, tsUs: this.tsUs[row]!, length: this.length[row]! };
    if (!Number.isNaN(off)) side.streamOffset = off;
    return side;
  }

  grow(need: number): void {
    this.first = growInt32(this.first, need);
    this.last = growInt32(this.last, need);
    this.length = growInt32(this.length, need);
    this.tsUs = growFloat64(this.tsUs, need);
    this.streamOffset = growFloat64(this.streamOffset, need);
  }

  trim(n: number): void {
    this.first = this.first.slice(0, n);
    this.last = this.last.slice(0, n);
    this.length = this.length.slice(0, n);
    this.tsUs = this.tsUs.slice(0, n);
    this.streamOffset = this.streamOffset.slice(0, n);
  }

}

export class ExchangeStore {
  /** The stored exchanges (the pass sorts it by request packet at its end). */
  readonly list: StoredExchange[] = [];
  private rows = 0;
  private connId = new Int32Array(1024);
  private dissector = new Uint16Array(1024);
  private readonly dissectors: string[] = [];
  private status = new Uint8Array(1024);
  private confidence = new Uint8Array(1024);
  /** HAS_REQUEST | HAS_RESPONSE. */
  private sides = new Uint8Array(1024);
  private request = new SideColumns();
  private response = new SideColumns();
  private summary = new SummaryTable();
  private fields = new FieldTable();
  private readonly Row: new (row: number) => ExchangeRecord;

  constructor() {
    const s = this;
    this.Row = class Row implements ExchangeRecord {
      constructor(readonly row: number) {}
      get connId(): number { return s.connId[this.row]!; }
      get dissector(): string { return s.dissectors[s.dissector[this.row]!]!; }
      get status(): Exchange["status"] { return STATUS[s.status[this.row]!]!; }
      get confidence(): Exchange["confidence"] { return CONFIDENCE[s.confidence[this.row]!]!; }
      get summary(): string { return s.summary.get(this.row); }
      get fields(): Record<string, FieldValue> { return s.fields.get(this.row); }
      get request(): ExchangeSide | null { return s.sides[this.row]! & HAS_REQUEST ? s.request.get(this.row) : null; }
      get response(): ExchangeSide | null { return s.sides[this.row]! & HAS_RESPONSE ? s.response.get(this.row) : null; }
    };
  }

  /** Stores `ex` (its strings already pooled) and lists its record; returns the record. */
  add(ex: Exchange, connId: number, dissector: string): StoredExchange {
    const row = this.rows++;
    if (row >= this.connId.length) this.grow(row + 1);
    this.connId[row] = connId;
    this.dissector[row] = this.dissectorId(dissector);
    this.status[row] = STATUS.indexOf(ex.status);
    this.confidence[row] = CONFIDENCE.indexOf(ex.confidence);
    this.sides[row] = (ex.request ? HAS_REQUEST : 0) | (ex.response ? HAS_RESPONSE : 0);
    if (ex.request) this.request.set(row, ex.request);
    if (ex.response) this.response.set(row, ex.response);
    this.summary.set(row, ex.summary);
    this.fields.set(row, ex.fields);
    const record = new this.Row(row);
    this.list.push(record);
    return record;
  }

  /** One field of a listed exchange without building its fields object (undefined when it has none). */
  field(ex: StoredExchange, name: string): FieldValue | undefined {
    return ex instanceof this.Row ? this.fields.value(ex.row, name) : ex.fields[name];
  }

  /** Packet number where the exchange is listed: its request's first, or its orphan response's. */
  firstPacket(ex: StoredExchange): number {
    if (!(ex instanceof this.Row)) return ex.request?.first ?? ex.response?.first ?? 0;
    const r = ex.row;
    const has = this.sides[r]!;
    return has & HAS_REQUEST ? this.request.first[r]! : has & HAS_RESPONSE ? this.response.first[r]! : 0;
  }

  private dissectorId(name: string): number {
    return indexOrAdd(this.dissectors, name);
  }

  /** Cuts the columns to the rows held (see PduStore.trim). */
  trim(): void {
    const n = this.rows;
    this.connId = this.connId.slice(0, n);
    this.dissector = this.dissector.slice(0, n);
    this.status = this.status.slice(0, n);
    this.confidence = this.confidence.slice(0, n);
    this.sides = this.sides.slice(0, n);
    this.request.trim(n);
    this.response.trim(n);
    this.fields.trim(n);
    this.summary.trim(n);
  }

  private grow(need: number): void {
    this.connId = growInt32(this.connId, need);
    this.dissector = growUint16(this.dissector, need);
    this.status = growUint8(this.status, need);
    this.confidence = growUint8(this.confidence, need);
    this.sides = growUint8(this.sides, need);
    this.request.grow(need);
    this.response.grow(need);
  }

}
