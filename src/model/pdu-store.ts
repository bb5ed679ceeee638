/**
 * The stored PDUs of an analysed capture as typed-array columns (struct of arrays), one row per
 * PDU: connection, packet numbers, direction, length, time, stream offset, dissector, the summary
 * in a SummaryTable (template and numbers) and the field values in a FieldTable. What readers hold is `list`: one small record per PDU
 * (a row number; about 32 bytes) whose properties read the columns, so everything written against
 * StoredPdu (facts, the TUI, reports) keeps working. The rows stay as long as the store: a live
 * capture, whose window drops old messages, keeps plain objects instead (src/model/analyse.ts). `pdu.ref` and `pdu.fields` build a fresh object on each read: read them once per PDU.
 *
 * On the benchmark's million-packet capture this takes the PDU store from 357 to about 170 bytes
 * a PDU (bench/memory.js: records 32, field values and summaries 23 on the heap, columns 115).
 */

import type { Dir, FieldValue, PacketRef, Pdu } from "../plugins/api.js";
import type { StoredPdu } from "./analysed-capture.js";
import { FieldTable } from "./field-table.js";
import { SummaryTable } from "./summary-table.js";
import { growFloat64, growInt32, growUint16, growUint8, indexOrAdd } from "./grow.js";

/** A stored PDU as the store hands it out: a row of the columns. */
export interface PduRecord extends StoredPdu {
  /** The row it reads. */
  readonly row: number;
}


/** Frozen fields objects whose row is remembered for sharing (each entry holds its object). */
const MAX_SHARED = 65_536;

export class PduStore {
  /** The stored PDUs, in the order they were added (the pass: packet order). */
  readonly list: StoredPdu[] = [];
  private rows = 0;
  private connId = new Int32Array(1024);
  private packet = new Int32Array(1024);
  private first = new Int32Array(1024);
  private last = new Int32Array(1024);
  private length = new Int32Array(1024);
  /** Bytes the stream carried before it ended inside this PDU; -1 when it did not. */
  private endedAfter = new Int32Array(1024);
  private tsUs = new Float64Array(1024);
  private streamOffset = new Float64Array(1024);
  /** 0 = c2s, 1 = s2c. */
  private dir = new Uint8Array(1024);
  private dissector = new Uint16Array(1024);
  private readonly dissectors: string[] = [];
  private summary = new SummaryTable();
  private fields = new FieldTable();
  /** The rare per-PDU extras, by row. */
  private malformed = new Map<number, string>();
  private secrets = new Map<number, Array<{ offset: number; length: number }>>();
  private readonly Row: new (row: number) => PduRecord;
  /**
   * A frozen fields object -> the last row that stored it, and that row's summary. A dissector
   * freezes a fields object to share it among its PDUs alike (TLS: one per decrypted record's
   * type, version and length; a connection has a record per segment or so), usually with one
   * summary string too: such a PDU's row reads that row's fields and summary instead of storing
   * them again (parsing the summary into its template, each field into its slot).
   */
  private readonly sharedRows = new Map<Record<string, FieldValue>, { row: number; summary: string }>();

  constructor() {
    // The record class closes over this store, so a record holds nothing but its row number.
    const s = this;
    this.Row = class Row implements PduRecord {
      constructor(readonly row: number) {}
      get connId(): number { return s.connId[this.row]!; }
      get packet(): number { return s.packet[this.row]!; }
      get dissector(): string { return s.dissectors[s.dissector[this.row]!]!; }
      get dir(): Dir { return s.dir[this.row] === 0 ? "c2s" : "s2c"; }
      get length(): number { return s.length[this.row]!; }
      get summary(): string { return s.summary.get(this.row); }
      get fields(): Record<string, FieldValue> { return s.fields.get(this.row); }
      get malformed(): string | undefined { return s.malformed.get(this.row); }
      get secrets(): Array<{ offset: number; length: number }> | undefined { return s.secrets.get(this.row); }
      get ref(): PacketRef { return s.refOf(this.row); }
    };
  }

  /** Stores `pdu` (its strings already pooled) and lists its record; returns the record. */
  add(pdu: Pdu, connId: number, dissector: string, packet: number): StoredPdu {
    const row = this.rows++;
    if (row >= this.connId.length) this.grow(row + 1);
    this.connId[row] = connId;
    this.packet[row] = packet;
    this.first[row] = pdu.ref.first;
    this.last[row] = pdu.ref.last;
    this.length[row] = pdu.length;
    this.endedAfter[row] = pdu.ref.endedAfter ?? -1;
    this.tsUs[row] = pdu.ref.tsUs;
    this.streamOffset[row] = pdu.ref.streamOffset;
    this.dir[row] = pdu.dir === "c2s" ? 0 : 1;
    this.dissector[row] = this.dissectorId(dissector);
    this.storeText(row, pdu.summary, pdu.fields);
    if (pdu.malformed !== undefined) this.malformed.set(row, pdu.malformed);
    if (pdu.secrets !== undefined) this.secrets.set(row, pdu.secrets);
    const record = new this.Row(row);
    this.list.push(record);
    return record;
  }

  /** The summary and fields of `row`: shared with an earlier row when its frozen fields object and summary are the same. */
  private storeText(row: number, summary: string, fields: Record<string, FieldValue>): void {
    if (!Object.isFrozen(fields)) {
      this.summary.set(row, summary);
      this.fields.set(row, fields);
      return;
    }
    const shared = this.sharedRows.get(fields);
    if (shared === undefined) {
      if (this.sharedRows.size < MAX_SHARED) this.sharedRows.set(fields, { row, summary });
    } else if (shared.summary === summary) {
      this.summary.copy(row, shared.row);
      this.fields.copy(row, shared.row);
      return;
    } else {
      shared.row = row;
      shared.summary = summary;
    }
    this.summary.set(row, summary);
    this.fields.set(row, fields);
  }

  /** A fresh PacketRef of `row` (a plain object: callers may spread, compare or keep it). */
  private refOf(row: number): PacketRef {
    const ref: PacketRef = { first: this.first[row]!, last: this.last[row]!, tsUs: this.tsUs[row]!, streamOffset: this.streamOffset[row]! };
    const ended = this.endedAfter[row]!;
    if (ended >= 0) ref.endedAfter = ended;
    return ref;
  }

  /** One field of a listed PDU without building its fields object (undefined when it has none). */
  field(pdu: StoredPdu, name: string): FieldValue | undefined {
    return this.owns(pdu) ? this.fields.value(pdu.row, name) : pdu.fields[name];
  }

  private owns(pdu: StoredPdu): pdu is PduRecord {
    return pdu instanceof this.Row;
  }

  private dissectorId(name: string): number {
    return indexOrAdd(this.dissectors, name);
  }

  /**
   * Cuts the columns to the rows held (they double as they grow: up to half would be spare).
   * The pass calls it once at its end; adding after it still works (the columns grow again).
   */
  trim(): void {
    const n = this.rows;
    this.connId = this.connId.slice(0, n);
    this.packet = this.packet.slice(0, n);
    this.first = this.first.slice(0, n);
    this.last = this.last.slice(0, n);
    this.length = this.length.slice(0, n);
    this.endedAfter = this.endedAfter.slice(0, n);
    this.tsUs = this.tsUs.slice(0, n);
    this.streamOffset = this.streamOffset.slice(0, n);
    this.dir = this.dir.slice(0, n);
    this.dissector = this.dissector.slice(0, n);
    this.fields.trim(n);
    this.summary.trim(n);
  }

  private grow(need: number): void {
    this.connId = growInt32(this.connId, need);
    this.packet = growInt32(this.packet, need);
    this.first = growInt32(this.first, need);
    this.last = growInt32(this.last, need);
    this.length = growInt32(this.length, need);
    this.endedAfter = growInt32(this.endedAfter, need);
    this.tsUs = growFloat64(this.tsUs, need);
    this.streamOffset = growFloat64(this.streamOffset, need);
    this.dir = growUint8(this.dir, need);
    this.dissector = growUint16(this.dissector, need);
  }

}
