/**
 * Shapes of the generated Kafka protocol table (dissectors/kafka/generated/protocol.ts).
 *
 * The table holds facts taken from Kafka's message definitions — names, types, version ranges —
 * in a compact form. Short keys keep the committed file small and its diffs readable; this file
 * is where they are spelled out.
 */

/** Upper bound used for open ranges such as "3+" (Kafka versions are int16). */
export const OPEN = 0x7fff;

/** Inclusive version range [min, max]; "3+" is [3, OPEN]. */
export type VersionRange = readonly [number, number];

export type Primitive =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "int64"
  | "float64"
  | "uuid"
  | "string"
  | "bytes"
  | "records";

/** A field type: a primitive, an array of one, a struct or an array of structs. */
export type FieldType = Primitive | `[]${Primitive}` | "struct" | "[]struct";

export interface FieldDef {
  /** Kafka's name, PascalCase ("ThrottleTimeMs"). */
  readonly n: string;
  /** snake_case key used in decoded trees ("throttle_time_ms"). */
  readonly k: string;
  readonly t: FieldType;
  /** Versions in which the field is present. */
  readonly v: VersionRange;
  /** Versions in which it may be null (absent: never). */
  readonly nv?: VersionRange;
  /** Versions in which it is a tagged field (absent: never), and its tag. */
  readonly tv?: VersionRange;
  readonly tag?: number;
  /**
   * Override of the message's flexible versions for this field's own encoding; null = "none"
   * (RequestHeader.ClientId keeps the old int16 string length even in header v2).
   */
  readonly fv?: VersionRange | null;
  /** Struct type name, for struct and []struct fields. */
  readonly s?: string;
  /** Struct fields, for struct and []struct fields (commonStructs resolved). */
  readonly f?: readonly FieldDef[];
}

export interface MessageDef {
  readonly valid: VersionRange;
  /** First flexible version, or null when no version is flexible. */
  readonly flex: number | null;
  readonly fields: readonly FieldDef[];
}

export interface ApiDef {
  readonly key: number;
  /** API name without the Request/Response suffix ("Produce"). */
  readonly name: string;
  readonly valid: VersionRange;
  readonly flex: number | null;
  readonly req: readonly FieldDef[];
  readonly res: readonly FieldDef[];
}

export function inRange(r: VersionRange | undefined | null, v: number): boolean {
  return r != null && v >= r[0] && v <= r[1];
}
