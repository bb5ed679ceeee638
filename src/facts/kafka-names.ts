/**
 * Kafka's API and error names, read from the Kafka dissector's declared field values
 * (kafka.api_key, kafka.error) through the fact schema: the one lookup, with one fallback, for
 * rules, reports and the TUI (none of them imports the dissector).
 */

import { valueHelp, valueName } from "./schema.js";

/** "Produce" for 0; undefined for a key the protocol table does not know. */
export function kafkaApiName(key: number): string | undefined {
  return valueName("kafka.api_key", key);
}

/** "MESSAGE_TOO_LARGE" for 10; ERROR_<code> for a code the protocol table does not know. */
export function kafkaErrorName(code: number): string {
  return valueName("kafka.error", code) ?? `ERROR_${code}`;
}

/** One sentence on what an error code means for an operator; undefined where none is written. */
export function kafkaErrorHelp(code: number): string | undefined {
  return valueHelp("kafka.error", code);
}
