/**
 * What each connection says about authentication: its SASL login (mechanism, user, the broker's
 * error, whether Kafka requests were served after it) from the Kafka dissector's kafka.sasl.*
 * fields, and its TLS handshake (first alert other than close_notify, who sent it, whether the
 * handshake completed) from the TLS dissector's fields. One walk over the PDUs and exchanges,
 * behind conn.sasl_* and conn.tls_* (schema.ts). The facts layer reads field values only; names
 * come from the fields' declared values (valueName), never from the dissectors.
 */

import type { AnalysedCapture, StoredExchange, StoredPdu } from "../model/analysed-capture.js";
import { IdSlots, type ById } from "../tcp/id-slots.js";
import { valueName } from "./schema.js";

export interface AuthOfConnection {
  saslMechanism: string | null;
  saslUsername: string | null;
  /** The broker's enabled mechanisms, from its SaslHandshake response. */
  saslEnabled: string[] | null;
  /** First non-zero error of a SaslHandshake/SaslAuthenticate response, by name, and its frame. */
  saslError: string | null;
  saslErrorFrame: number;
  saslErrorMessage: string | null;
  /** Last packet that carried a SASL message (handshake or token). */
  saslLastFrame: number;
  /** A Kafka request other than ApiVersions/SaslHandshake/SaslAuthenticate was answered after the login. */
  saslServed: boolean;
  tlsSeen: boolean;
  /** Name of the first alert that is not close_notify ("encrypted" when it could not be read). */
  tlsAlert: string | null;
  tlsAlertFrom: "client" | "server" | null;
  tlsAlertFrame: number;
  tlsClientHelloFrame: number;
  /** Negotiated TLS 1.3 (supported_versions in the ServerHello). */
  tls13: boolean;
  /** TLS 1.2: the server's ChangeCipherSpec (sent only after the client's Finished checked out). */
  serverCcs: boolean;
  /** First non-alert application-data record from the client, and the first server one after it. */
  clientAppDataFrame: number;
  serverAppDataAfterClient: boolean;
}

const SASL_APIS = new Set([17, 18, 36]);
const CONTENT_CCS = 20;
const CONTENT_ALERT = 21;
const CONTENT_HANDSHAKE = 22;
const CONTENT_APP_DATA = 23;
const CLIENT_HELLO = 1;
const CLOSE_NOTIFY = 0;
const TLS13 = 0x0304;

const cache = new WeakMap<AnalysedCapture, AuthOfConnection[]>();

/**
 * By connection id. Computed once per capture; with `need` (a live re-run), only for those
 * connections (the others' entries are absent) and not kept.
 */
export function authPerConnection(capture: AnalysedCapture, need?: (id: number) => boolean): ById<AuthOfConnection> {
  const kept = live.get(capture);
  if (kept) return kept.summaries;
  if (need) return walk(capture, need);
  let out = cache.get(capture);
  if (!out) cache.set(capture, (out = walk(capture)));
  return out;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

function walk(capture: AnalysedCapture, need?: (id: number) => boolean): AuthOfConnection[] {
  const out: AuthOfConnection[] = [];
  for (const c of capture.connections) if (c && (!need || need(c.id))) out[c.id] = fresh();
  for (const pdu of capture.pdus) {
    const a = out[pdu.connId];
    if (!a) continue;
    observePdu(a, pdu);
  }
  for (const e of capture.exchanges) {
    const a = out[e.connId];
    if (!a || a.saslMechanism === null) continue;
    if (servedAfterLogin(e)) a.saslServed = true;
  }
  return out;
}

/** An answered Kafka request other than the login's own (ApiVersions, SaslHandshake, SaslAuthenticate). */
function servedAfterLogin(e: StoredExchange): boolean {
  if (e.status !== "answered") return false;
  const key = e.fields["kafka.api_key"];
  return typeof key === "number" && !SASL_APIS.has(key);
}

/**
 * A live capture's summaries, kept between re-runs and advanced over the messages that arrived
 * since (the pass appends PDUs and exchanges in order), instead of a walk over every message the
 * window holds in each re-run. The fold per connection is the walk's, in the same order; "served
 * after the login" is kept as "an answered request other than the login's was seen" and combined
 * with the mechanism when read, so the order of PDUs and exchanges does not matter.
 */
export class LiveAuthSummaries {
  /** By connection id: the connections with messages in the window. */
  private readonly state = new IdSlots<AuthOfConnection>();
  /** Connections with an answered request other than the login's. */
  private readonly answered = new Set<number>();
  private pduCursor = 0;
  private exchangeCursor = 0;

  /** Takes in the PDUs and exchanges appended to the pass's lists since the last call. */
  advance(pdus: readonly StoredPdu[], exchanges: readonly StoredExchange[]): void {
    for (let i = this.pduCursor; i < pdus.length; i++) {
      const pdu = pdus[i]!;
      let a = this.state.at(pdu.connId);
      if (a === undefined) this.state.set(pdu.connId, (a = fresh()));
      observePdu(a, pdu);
    }
    this.pduCursor = pdus.length;
    for (let i = this.exchangeCursor; i < exchanges.length; i++) {
      const e = exchanges[i]!;
      if (servedAfterLogin(e)) this.answered.add(e.connId);
    }
    this.exchangeCursor = exchanges.length;
  }

  /**
   * The window took messages of connections that left out of the lists (all of them taken in
   * already): the cursors move to the lists' new ends, and those connections' summaries go.
   */
  forget(ids: readonly number[], pdus: readonly StoredPdu[], exchanges: readonly StoredExchange[]): void {
    for (const id of ids) {
      this.state.delete(id);
      this.answered.delete(id);
    }
    this.pduCursor = pdus.length;
    this.exchangeCursor = exchanges.length;
  }

  /** By connection id; a connection without messages reads an empty summary. */
  readonly summaries: ById<AuthOfConnection> = {
    at: (id) => {
      const a = this.state.at(id);
      if (!a) return NO_AUTH;
      a.saslServed = a.saslMechanism !== null && this.answered.has(id);
      return a;
    },
    [Symbol.iterator]: () => {
      const all: AuthOfConnection[] = [];
      this.state.forEach((_, id) => all.push(this.summaries.at(id)!));
      return all[Symbol.iterator]();
    },
  };
}

const NO_AUTH: AuthOfConnection = Object.freeze(fresh());

const live = new WeakMap<AnalysedCapture, LiveAuthSummaries>();

/** A live re-run's snapshot reads these summaries instead of walking its messages. */
export function useLiveAuthSummaries(capture: AnalysedCapture, kept: LiveAuthSummaries): void {
  live.set(capture, kept);
}

function fresh(): AuthOfConnection {
  return {
    saslMechanism: null,
    saslUsername: null,
    saslEnabled: null,
    saslError: null,
    saslErrorFrame: 0,
    saslErrorMessage: null,
    saslLastFrame: 0,
    saslServed: false,
    tlsSeen: false,
    tlsAlert: null,
    tlsAlertFrom: null,
    tlsAlertFrame: 0,
    tlsClientHelloFrame: 0,
    tls13: false,
    serverCcs: false,
    clientAppDataFrame: 0,
    serverAppDataAfterClient: false,
  };
}

function observePdu(a: AuthOfConnection, pdu: StoredPdu): void {
  const f = pdu.fields;
  if (pdu.dissector === "tls") {
    a.tlsSeen = true;
    const type = num(f["tls.record.content_type"]);
    const frame = pdu.ref.last;
    if (pdu.dir === "c2s" && list(f["tls.handshake.type"]).includes(CLIENT_HELLO) && a.tlsClientHelloFrame === 0) a.tlsClientHelloFrame = frame;
    if (pdu.dir === "s2c" && type === CONTENT_HANDSHAKE && list(f["tls.handshake.extensions.supported_version"]).includes(TLS13)) a.tls13 = true;
    if (pdu.dir === "s2c" && type === CONTENT_CCS) a.serverCcs = true;
    const decrypted = num(f["tls.record.decrypted_type"]);
    const isAlert = type === CONTENT_ALERT || decrypted === CONTENT_ALERT || pdu.summary === "Encrypted Alert";
    if (isAlert && a.tlsAlert === null) {
      const desc = num(f["tls.alert_message.desc"]);
      if (desc !== CLOSE_NOTIFY) {
        a.tlsAlert = desc === null ? "encrypted" : (valueName("tls.alert_message.desc", desc) ?? `alert_${desc}`);
        a.tlsAlertFrom = pdu.dir === "c2s" ? "client" : "server";
        a.tlsAlertFrame = frame;
      }
    }
    if (type === CONTENT_APP_DATA && !isAlert) {
      if (pdu.dir === "c2s" && a.clientAppDataFrame === 0) a.clientAppDataFrame = frame;
      else if (pdu.dir === "s2c" && a.clientAppDataFrame > 0) a.serverAppDataAfterClient = true;
    }
    return;
  }
  const mech = f["kafka.sasl.mechanism"];
  if (typeof mech === "string") {
    a.saslMechanism ??= mech;
    a.saslLastFrame = Math.max(a.saslLastFrame, pdu.ref.last);
  }
  const user = f["kafka.sasl.username"];
  if (typeof user === "string") a.saslUsername ??= user;
  const enabled = f["kafka.sasl.enabled_mechanisms"];
  if (Array.isArray(enabled) && a.saslEnabled === null) a.saslEnabled = enabled.filter((x): x is string => typeof x === "string");
  const key = f["kafka.api_key"];
  if (pdu.dir === "s2c" && (key === 17 || key === 36) && a.saslError === null) {
    const code = list(f["kafka.error"]).find((x) => typeof x === "number" && x !== 0) as number | undefined;
    if (code !== undefined) {
      a.saslError = valueName("kafka.error", code) ?? `ERROR_${code}`;
      a.saslErrorFrame = pdu.ref.last;
      const msg = list(f["kafka.error_message"]).find((x) => typeof x === "string" && x !== "");
      if (typeof msg === "string") a.saslErrorMessage = msg;
    }
  }
}

/** The TLS handshake completed: TLS 1.2 server ChangeCipherSpec, or application data both ways. */
export function tlsHandshakeComplete(a: AuthOfConnection): boolean {
  return (!a.tls13 && a.serverCcs) || (a.clientAppDataFrame > 0 && a.serverAppDataAfterClient);
}
