/**
 * The Kafka dissector, registered like any user plugin: port 9092 in the port table, a heuristic
 * that recognises a request header on any other port, framing by the int32 size prefix, and a
 * session per connection that decodes and pairs messages (dissectors/kafka/session.ts).
 */

import type { DissectorPlugin } from "../../src/plugins/api.js";
import { PLUGIN_API_VERSION } from "../../src/plugins/api.js";
import { KAFKA_FIELDS } from "./fields.js";
import { detectKafka, kafkaFraming } from "./framing.js";
import { KafkaSession } from "./session.js";

const kafka: DissectorPlugin = {
  apiVersion: PLUGIN_API_VERSION,
  name: "kafka",
  label: "Kafka",
  messages: { c2s: "request", s2c: "response" },
  description: "Apache Kafka wire protocol: every API and version in the generated table, paired by correlation id",
  layer: "stream",
  ports: [9092],
  detect: detectKafka,
  fields: [...KAFKA_FIELDS],
  framing: kafkaFraming,
  // Detail mode (a view re-dissecting one connection) adds the protocol tree to each PDU.
  open: (ctx) => new KafkaSession(ctx, ctx.detail ? { trees: true } : {}),
};

export default kafka;
