/**
 * Hand-written, one-line explanations of the Kafka error codes an operator meets, in our words
 * (the generated KAFKA_ERRORS only has names). Declared as the `valueHelp` of kafka.error, so
 * rule advice (`exchange.error_help`), reports and the TUI show them through the fact schema.
 */

export const KAFKA_ERROR_HELP: Readonly<Record<number, string>> = {
  [-1]: "The broker hit an unexpected exception; its server log has the stack trace.",
  1: "The consumer asked for an offset the partition no longer (or does not yet) hold; auto.offset.reset decides what happens next.",
  2: "A record batch failed its CRC or could not be parsed: corruption on the client, in transit, or on disk.",
  3: "The broker does not host this topic or partition (not created, deleted, or metadata is stale).",
  5: "The partition has no leader right now, typically during an election or broker restart; clients retry.",
  6: "The request went to a broker that is not the partition leader (or follower, for replica fetches); the client must refresh metadata.",
  7: "The broker did not get enough replica acknowledgements within the request timeout (acks=all with a slow or missing follower).",
  10: "The request or batch is larger than the broker accepts (message.max.bytes / max.message.bytes on the topic).",
  13: "The client lost its connection to the broker before the response arrived; the request may or may not have been applied.",
  14: "The group or transaction coordinator is still loading its state after a leadership change; retry shortly.",
  15: "The group or transaction coordinator is not available (its internal topic partition has no leader, or is being created).",
  16: "This broker is not the coordinator for the group or transactional id; the client must look the coordinator up again.",
  17: "The topic name is invalid, or the request tried to write to an internal topic it may not write to.",
  18: "A produce request's record set for one partition exceeds the configured segment size.",
  19: "Fewer in-sync replicas than min.insync.replicas, so the broker refused an acks=all write.",
  25: "The broker does not know this consumer group member id (it was evicted, e.g. after a session timeout); the member must rejoin.",
  27: "The consumer group is rebalancing; members must rejoin before commits or syncs succeed.",
  29: "The client's principal is not authorised for this topic (ACLs).",
  35: "The broker does not support this API version; client and broker versions do not match.",
  36: "A topic with this name already exists.",
  41: "The request needs the active controller and this broker is not it; retry against the current controller.",
  42: "The broker could not make sense of the request (malformed, or inconsistent with the API version).",
  47: "The producer's epoch is stale: another producer instance with the same transactional id has taken over (fencing).",
  51: "Another transaction operation for this producer is still in progress; retry after it completes.",
  58: "SASL authentication failed: wrong credentials or mechanism; the broker closes the connection.",
  73: "Topic deletion is disabled on the broker (delete.topic.enable=false).",
  74: "The leader epoch in the request is older than the broker's: the client's metadata is stale.",
  76: "The requested compression codec is not supported for this request version (e.g. zstd with an old produce version).",
  79: "First JoinGroup of a new member: the broker assigned a member id and asks the client to join again with it.",
  87: "The broker rejected a record as invalid (e.g. null key on a compacted topic, bad timestamp or offsets).",
  89: "A topic/partition mutation was throttled by a controller mutation quota.",
  100: "The topic id is not known to this broker (topic deleted or metadata stale).",
};
