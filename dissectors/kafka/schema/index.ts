/**
 * The Kafka schema interpreter's public surface: what the Kafka dissector (framing, pairing,
 * record batches) imports. Everything is driven by dissectors/kafka/generated/protocol.ts.
 */
export {
  apiDef,
  apiName,
  compileReader,
  compiledReaderCount,
  decodeRequest,
  decodeRequestHeader,
  decodeResponse,
  decodeResponseHeader,
  fitResponseVersions,
  fitVersions,
  isFlexible,
  isValidVersion,
  recordsRef,
  requestHeaderVersion,
  responseHeaderVersion,
  UNKNOWN_TAGS,
} from "./decode.js";
export type {
  BodyReader,
  DecodeError,
  DecodeErrorCode,
  DecodeResult,
  HeaderResult,
  KafkaObject,
  KafkaValue,
  KeepField,
  Kind,
  MessageResult,
  ReadOptions,
  RecordsHook,
  RequestHeader,
  ResponseHeader,
  Span,
  SpanTable,
  UnknownTag,
} from "./decode.js";
export { Reader, DecodeFail, toHex } from "./reader.js";
export type { ApiDef, FieldDef, FieldType, MessageDef, Primitive, VersionRange } from "./table.js";
export { OPEN, inRange } from "./table.js";
