// generated from ../shared/kafka-protocol by scripts/gen-kafka.ts — do not edit
import { OPEN, type ApiDef, type MessageDef } from "../schema/table.js";

export const REQUEST_HEADER: MessageDef = {
  valid: [0, 2], flex: 2,
  fields: [
    { n: "RequestApiKey", k: "request_api_key", t: "int16", v: [0, OPEN] },
    { n: "RequestApiVersion", k: "request_api_version", t: "int16", v: [0, OPEN] },
    { n: "CorrelationId", k: "correlation_id", t: "int32", v: [0, OPEN] },
    { n: "ClientId", k: "client_id", t: "string", v: [1, OPEN], nv: [1, OPEN], fv: null },
  ],
};

export const RESPONSE_HEADER: MessageDef = {
  valid: [0, 1], flex: 1,
  fields: [
    { n: "CorrelationId", k: "correlation_id", t: "int32", v: [0, OPEN] },
  ],
};

/** Every API key, ascending. */
export const APIS: readonly ApiDef[] = [
  {
    key: 0, name: "Produce", valid: [0, 11], flex: 9,
    req: [
      { n: "TransactionalId", k: "transactional_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
      { n: "Acks", k: "acks", t: "int16", v: [0, OPEN] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "TopicData", k: "topic_data", t: "[]struct", v: [0, OPEN], s: "TopicProduceData", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "PartitionData", k: "partition_data", t: "[]struct", v: [0, OPEN], s: "PartitionProduceData", f: [
          { n: "Index", k: "index", t: "int32", v: [0, OPEN] },
          { n: "Records", k: "records", t: "records", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "TopicProduceResponse", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "PartitionResponses", k: "partition_responses", t: "[]struct", v: [0, OPEN], s: "PartitionProduceResponse", f: [
          { n: "Index", k: "index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "BaseOffset", k: "base_offset", t: "int64", v: [0, OPEN] },
          { n: "LogAppendTimeMs", k: "log_append_time_ms", t: "int64", v: [2, OPEN] },
          { n: "LogStartOffset", k: "log_start_offset", t: "int64", v: [5, OPEN] },
          { n: "RecordErrors", k: "record_errors", t: "[]struct", v: [8, OPEN], s: "BatchIndexAndErrorMessage", f: [
            { n: "BatchIndex", k: "batch_index", t: "int32", v: [8, OPEN] },
            { n: "BatchIndexErrorMessage", k: "batch_index_error_message", t: "string", v: [8, OPEN], nv: [8, OPEN] },
          ] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [8, OPEN], nv: [8, OPEN] },
          { n: "CurrentLeader", k: "current_leader", t: "struct", v: [10, OPEN], tv: [10, OPEN], tag: 0, s: "LeaderIdAndEpoch", f: [
            { n: "LeaderId", k: "leader_id", t: "int32", v: [10, OPEN] },
            { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [10, OPEN] },
          ] },
        ] },
      ] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [10, OPEN], tv: [10, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [10, OPEN] },
        { n: "Host", k: "host", t: "string", v: [10, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [10, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [10, OPEN], nv: [10, OPEN] },
      ] },
    ],
  },
  {
    key: 1, name: "Fetch", valid: [0, 17], flex: 12,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [12, OPEN], nv: [12, OPEN], tv: [12, OPEN], tag: 0 },
      { n: "ReplicaId", k: "replica_id", t: "int32", v: [0, 14] },
      { n: "ReplicaState", k: "replica_state", t: "struct", v: [15, OPEN], tv: [15, OPEN], tag: 1, s: "ReplicaState", f: [
        { n: "ReplicaId", k: "replica_id", t: "int32", v: [15, OPEN] },
        { n: "ReplicaEpoch", k: "replica_epoch", t: "int64", v: [15, OPEN] },
      ] },
      { n: "MaxWaitMs", k: "max_wait_ms", t: "int32", v: [0, OPEN] },
      { n: "MinBytes", k: "min_bytes", t: "int32", v: [0, OPEN] },
      { n: "MaxBytes", k: "max_bytes", t: "int32", v: [3, OPEN] },
      { n: "IsolationLevel", k: "isolation_level", t: "int8", v: [4, OPEN] },
      { n: "SessionId", k: "session_id", t: "int32", v: [7, OPEN] },
      { n: "SessionEpoch", k: "session_epoch", t: "int32", v: [7, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "FetchTopic", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, 12] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [13, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "FetchPartition", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "CurrentLeaderEpoch", k: "current_leader_epoch", t: "int32", v: [9, OPEN] },
          { n: "FetchOffset", k: "fetch_offset", t: "int64", v: [0, OPEN] },
          { n: "LastFetchedEpoch", k: "last_fetched_epoch", t: "int32", v: [12, OPEN] },
          { n: "LogStartOffset", k: "log_start_offset", t: "int64", v: [5, OPEN] },
          { n: "PartitionMaxBytes", k: "partition_max_bytes", t: "int32", v: [0, OPEN] },
          { n: "ReplicaDirectoryId", k: "replica_directory_id", t: "uuid", v: [17, OPEN], tv: [17, OPEN], tag: 0 },
        ] },
      ] },
      { n: "ForgottenTopicsData", k: "forgotten_topics_data", t: "[]struct", v: [7, OPEN], s: "ForgottenTopic", f: [
        { n: "Topic", k: "topic", t: "string", v: [7, 12] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [13, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [7, OPEN] },
      ] },
      { n: "RackId", k: "rack_id", t: "string", v: [11, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [7, OPEN] },
      { n: "SessionId", k: "session_id", t: "int32", v: [7, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "FetchableTopicResponse", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, 12] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [13, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "HighWatermark", k: "high_watermark", t: "int64", v: [0, OPEN] },
          { n: "LastStableOffset", k: "last_stable_offset", t: "int64", v: [4, OPEN] },
          { n: "LogStartOffset", k: "log_start_offset", t: "int64", v: [5, OPEN] },
          { n: "DivergingEpoch", k: "diverging_epoch", t: "struct", v: [12, OPEN], tv: [12, OPEN], tag: 0, s: "EpochEndOffset", f: [
            { n: "Epoch", k: "epoch", t: "int32", v: [12, OPEN] },
            { n: "EndOffset", k: "end_offset", t: "int64", v: [12, OPEN] },
          ] },
          { n: "CurrentLeader", k: "current_leader", t: "struct", v: [12, OPEN], tv: [12, OPEN], tag: 1, s: "LeaderIdAndEpoch", f: [
            { n: "LeaderId", k: "leader_id", t: "int32", v: [12, OPEN] },
            { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [12, OPEN] },
          ] },
          { n: "SnapshotId", k: "snapshot_id", t: "struct", v: [12, OPEN], tv: [12, OPEN], tag: 2, s: "SnapshotId", f: [
            { n: "EndOffset", k: "end_offset", t: "int64", v: [0, OPEN] },
            { n: "Epoch", k: "epoch", t: "int32", v: [0, OPEN] },
          ] },
          { n: "AbortedTransactions", k: "aborted_transactions", t: "[]struct", v: [4, OPEN], nv: [4, OPEN], s: "AbortedTransaction", f: [
            { n: "ProducerId", k: "producer_id", t: "int64", v: [4, OPEN] },
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [4, OPEN] },
          ] },
          { n: "PreferredReadReplica", k: "preferred_read_replica", t: "int32", v: [11, OPEN] },
          { n: "Records", k: "records", t: "records", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [16, OPEN], tv: [16, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [16, OPEN] },
        { n: "Host", k: "host", t: "string", v: [16, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [16, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [16, OPEN], nv: [16, OPEN] },
      ] },
    ],
  },
  {
    key: 2, name: "ListOffsets", valid: [0, 10], flex: 6,
    req: [
      { n: "ReplicaId", k: "replica_id", t: "int32", v: [0, OPEN] },
      { n: "IsolationLevel", k: "isolation_level", t: "int8", v: [2, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "ListOffsetsTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "ListOffsetsPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "CurrentLeaderEpoch", k: "current_leader_epoch", t: "int32", v: [4, OPEN] },
          { n: "Timestamp", k: "timestamp", t: "int64", v: [0, OPEN] },
          { n: "MaxNumOffsets", k: "max_num_offsets", t: "int32", v: [0, 0] },
        ] },
      ] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [10, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [2, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "ListOffsetsTopicResponse", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "ListOffsetsPartitionResponse", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "OldStyleOffsets", k: "old_style_offsets", t: "[]int64", v: [0, 0] },
          { n: "Timestamp", k: "timestamp", t: "int64", v: [1, OPEN] },
          { n: "Offset", k: "offset", t: "int64", v: [1, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [4, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 3, name: "Metadata", valid: [0, 12], flex: 9,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], nv: [1, OPEN], s: "MetadataRequestTopic", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [10, OPEN] },
        { n: "Name", k: "name", t: "string", v: [0, OPEN], nv: [10, OPEN] },
      ] },
      { n: "AllowAutoTopicCreation", k: "allow_auto_topic_creation", t: "bool", v: [4, OPEN] },
      { n: "IncludeClusterAuthorizedOperations", k: "include_cluster_authorized_operations", t: "bool", v: [8, 10] },
      { n: "IncludeTopicAuthorizedOperations", k: "include_topic_authorized_operations", t: "bool", v: [8, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [3, OPEN] },
      { n: "Brokers", k: "brokers", t: "[]struct", v: [0, OPEN], s: "MetadataResponseBroker", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [1, OPEN], nv: [1, OPEN] },
      ] },
      { n: "ClusterId", k: "cluster_id", t: "string", v: [2, OPEN], nv: [2, OPEN] },
      { n: "ControllerId", k: "controller_id", t: "int32", v: [1, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "MetadataResponseTopic", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "Name", k: "name", t: "string", v: [0, OPEN], nv: [12, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [10, OPEN] },
        { n: "IsInternal", k: "is_internal", t: "bool", v: [1, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "MetadataResponsePartition", f: [
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [7, OPEN] },
          { n: "ReplicaNodes", k: "replica_nodes", t: "[]int32", v: [0, OPEN] },
          { n: "IsrNodes", k: "isr_nodes", t: "[]int32", v: [0, OPEN] },
          { n: "OfflineReplicas", k: "offline_replicas", t: "[]int32", v: [5, OPEN] },
        ] },
        { n: "TopicAuthorizedOperations", k: "topic_authorized_operations", t: "int32", v: [8, OPEN] },
      ] },
      { n: "ClusterAuthorizedOperations", k: "cluster_authorized_operations", t: "int32", v: [8, 10] },
    ],
  },
  {
    key: 4, name: "LeaderAndIsr", valid: [0, 7], flex: 4,
    req: [
      { n: "ControllerId", k: "controller_id", t: "int32", v: [0, OPEN] },
      { n: "isKRaftController", k: "is_kraft_controller", t: "bool", v: [7, OPEN] },
      { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [2, OPEN] },
      { n: "Type", k: "type", t: "int8", v: [5, OPEN] },
      { n: "UngroupedPartitionStates", k: "ungrouped_partition_states", t: "[]struct", v: [0, 1], s: "LeaderAndIsrPartitionState", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 1] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
        { n: "Leader", k: "leader", t: "int32", v: [0, OPEN] },
        { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        { n: "Isr", k: "isr", t: "[]int32", v: [0, OPEN] },
        { n: "PartitionEpoch", k: "partition_epoch", t: "int32", v: [0, OPEN] },
        { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN] },
        { n: "AddingReplicas", k: "adding_replicas", t: "[]int32", v: [3, OPEN] },
        { n: "RemovingReplicas", k: "removing_replicas", t: "[]int32", v: [3, OPEN] },
        { n: "IsNew", k: "is_new", t: "bool", v: [1, OPEN] },
        { n: "LeaderRecoveryState", k: "leader_recovery_state", t: "int8", v: [6, OPEN] },
      ] },
      { n: "TopicStates", k: "topic_states", t: "[]struct", v: [2, OPEN], s: "LeaderAndIsrTopicState", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [2, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [5, OPEN] },
        { n: "PartitionStates", k: "partition_states", t: "[]struct", v: [2, OPEN], s: "LeaderAndIsrPartitionState", f: [
          { n: "TopicName", k: "topic_name", t: "string", v: [0, 1] },
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
          { n: "Leader", k: "leader", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "Isr", k: "isr", t: "[]int32", v: [0, OPEN] },
          { n: "PartitionEpoch", k: "partition_epoch", t: "int32", v: [0, OPEN] },
          { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN] },
          { n: "AddingReplicas", k: "adding_replicas", t: "[]int32", v: [3, OPEN] },
          { n: "RemovingReplicas", k: "removing_replicas", t: "[]int32", v: [3, OPEN] },
          { n: "IsNew", k: "is_new", t: "bool", v: [1, OPEN] },
          { n: "LeaderRecoveryState", k: "leader_recovery_state", t: "int8", v: [6, OPEN] },
        ] },
      ] },
      { n: "LiveLeaders", k: "live_leaders", t: "[]struct", v: [0, OPEN], s: "LeaderAndIsrLiveLeader", f: [
        { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
        { n: "HostName", k: "host_name", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "PartitionErrors", k: "partition_errors", t: "[]struct", v: [0, 4], s: "LeaderAndIsrPartitionError", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 4] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      ] },
      { n: "Topics", k: "topics", t: "[]struct", v: [5, OPEN], s: "LeaderAndIsrTopicError", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [5, OPEN] },
        { n: "PartitionErrors", k: "partition_errors", t: "[]struct", v: [5, OPEN], s: "LeaderAndIsrPartitionError", f: [
          { n: "TopicName", k: "topic_name", t: "string", v: [0, 4] },
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 5, name: "StopReplica", valid: [0, 4], flex: 2,
    req: [
      { n: "ControllerId", k: "controller_id", t: "int32", v: [0, OPEN] },
      { n: "isKRaftController", k: "is_kraft_controller", t: "bool", v: [4, OPEN] },
      { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [1, OPEN] },
      { n: "DeletePartitions", k: "delete_partitions", t: "bool", v: [0, 2] },
      { n: "UngroupedPartitions", k: "ungrouped_partitions", t: "[]struct", v: [0, 0], s: "StopReplicaPartitionV0", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 0] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, 0] },
      ] },
      { n: "Topics", k: "topics", t: "[]struct", v: [1, 2], s: "StopReplicaTopicV1", f: [
        { n: "Name", k: "name", t: "string", v: [1, 2] },
        { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [1, 2] },
      ] },
      { n: "TopicStates", k: "topic_states", t: "[]struct", v: [3, OPEN], s: "StopReplicaTopicState", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [3, OPEN] },
        { n: "PartitionStates", k: "partition_states", t: "[]struct", v: [3, OPEN], s: "StopReplicaPartitionState", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [3, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [3, OPEN] },
          { n: "DeletePartition", k: "delete_partition", t: "bool", v: [3, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "PartitionErrors", k: "partition_errors", t: "[]struct", v: [0, OPEN], s: "StopReplicaPartitionError", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 6, name: "UpdateMetadata", valid: [0, 8], flex: 6,
    req: [
      { n: "ControllerId", k: "controller_id", t: "int32", v: [0, OPEN] },
      { n: "isKRaftController", k: "is_kraft_controller", t: "bool", v: [8, OPEN] },
      { n: "Type", k: "type", t: "int8", v: [8, OPEN], tv: [8, OPEN], tag: 0 },
      { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [5, OPEN] },
      { n: "UngroupedPartitionStates", k: "ungrouped_partition_states", t: "[]struct", v: [0, 4], s: "UpdateMetadataPartitionState", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 4] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
        { n: "Leader", k: "leader", t: "int32", v: [0, OPEN] },
        { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        { n: "Isr", k: "isr", t: "[]int32", v: [0, OPEN] },
        { n: "ZkVersion", k: "zk_version", t: "int32", v: [0, OPEN] },
        { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN] },
        { n: "OfflineReplicas", k: "offline_replicas", t: "[]int32", v: [4, OPEN] },
      ] },
      { n: "TopicStates", k: "topic_states", t: "[]struct", v: [5, OPEN], s: "UpdateMetadataTopicState", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [5, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [7, OPEN] },
        { n: "PartitionStates", k: "partition_states", t: "[]struct", v: [5, OPEN], s: "UpdateMetadataPartitionState", f: [
          { n: "TopicName", k: "topic_name", t: "string", v: [0, 4] },
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ControllerEpoch", k: "controller_epoch", t: "int32", v: [0, OPEN] },
          { n: "Leader", k: "leader", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "Isr", k: "isr", t: "[]int32", v: [0, OPEN] },
          { n: "ZkVersion", k: "zk_version", t: "int32", v: [0, OPEN] },
          { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN] },
          { n: "OfflineReplicas", k: "offline_replicas", t: "[]int32", v: [4, OPEN] },
        ] },
      ] },
      { n: "LiveBrokers", k: "live_brokers", t: "[]struct", v: [0, OPEN], s: "UpdateMetadataBroker", f: [
        { n: "Id", k: "id", t: "int32", v: [0, OPEN] },
        { n: "V0Host", k: "v0_host", t: "string", v: [0, 0] },
        { n: "V0Port", k: "v0_port", t: "int32", v: [0, 0] },
        { n: "Endpoints", k: "endpoints", t: "[]struct", v: [1, OPEN], s: "UpdateMetadataEndpoint", f: [
          { n: "Port", k: "port", t: "int32", v: [1, OPEN] },
          { n: "Host", k: "host", t: "string", v: [1, OPEN] },
          { n: "Listener", k: "listener", t: "string", v: [3, OPEN] },
          { n: "SecurityProtocol", k: "security_protocol", t: "int16", v: [1, OPEN] },
        ] },
        { n: "Rack", k: "rack", t: "string", v: [2, OPEN], nv: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 7, name: "ControlledShutdown", valid: [0, 3], flex: 3,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [2, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "RemainingPartitions", k: "remaining_partitions", t: "[]struct", v: [0, OPEN], s: "RemainingPartition", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 8, name: "OffsetCommit", valid: [0, 9], flex: 8,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "GenerationIdOrMemberEpoch", k: "generation_id_or_member_epoch", t: "int32", v: [1, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [1, OPEN] },
      { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [7, OPEN], nv: [7, OPEN] },
      { n: "RetentionTimeMs", k: "retention_time_ms", t: "int64", v: [2, 4] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetCommitRequestTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OffsetCommitRequestPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "CommittedOffset", k: "committed_offset", t: "int64", v: [0, OPEN] },
          { n: "CommittedLeaderEpoch", k: "committed_leader_epoch", t: "int32", v: [6, OPEN] },
          { n: "CommitTimestamp", k: "commit_timestamp", t: "int64", v: [1, 1] },
          { n: "CommittedMetadata", k: "committed_metadata", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [3, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetCommitResponseTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OffsetCommitResponsePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 9, name: "OffsetFetch", valid: [0, 9], flex: 6,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, 7] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, 7], nv: [2, 7], s: "OffsetFetchRequestTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, 7] },
        { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [0, 7] },
      ] },
      { n: "Groups", k: "groups", t: "[]struct", v: [8, OPEN], s: "OffsetFetchRequestGroup", f: [
        { n: "GroupId", k: "group_id", t: "string", v: [8, OPEN] },
        { n: "MemberId", k: "member_id", t: "string", v: [9, OPEN], nv: [9, OPEN] },
        { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [9, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [8, OPEN], nv: [8, OPEN], s: "OffsetFetchRequestTopics", f: [
          { n: "Name", k: "name", t: "string", v: [8, OPEN] },
          { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [8, OPEN] },
        ] },
      ] },
      { n: "RequireStable", k: "require_stable", t: "bool", v: [7, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [3, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, 7], s: "OffsetFetchResponseTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, 7] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, 7], s: "OffsetFetchResponsePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, 7] },
          { n: "CommittedOffset", k: "committed_offset", t: "int64", v: [0, 7] },
          { n: "CommittedLeaderEpoch", k: "committed_leader_epoch", t: "int32", v: [5, 7] },
          { n: "Metadata", k: "metadata", t: "string", v: [0, 7], nv: [0, 7] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, 7] },
        ] },
      ] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [2, 7] },
      { n: "Groups", k: "groups", t: "[]struct", v: [8, OPEN], s: "OffsetFetchResponseGroup", f: [
        { n: "GroupId", k: "group_id", t: "string", v: [8, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [8, OPEN], s: "OffsetFetchResponseTopics", f: [
          { n: "Name", k: "name", t: "string", v: [8, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]struct", v: [8, OPEN], s: "OffsetFetchResponsePartitions", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [8, OPEN] },
            { n: "CommittedOffset", k: "committed_offset", t: "int64", v: [8, OPEN] },
            { n: "CommittedLeaderEpoch", k: "committed_leader_epoch", t: "int32", v: [8, OPEN] },
            { n: "Metadata", k: "metadata", t: "string", v: [8, OPEN], nv: [8, OPEN] },
            { n: "ErrorCode", k: "error_code", t: "int16", v: [8, OPEN] },
          ] },
        ] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [8, OPEN] },
      ] },
    ],
  },
  {
    key: 10, name: "FindCoordinator", valid: [0, 6], flex: 3,
    req: [
      { n: "Key", k: "key", t: "string", v: [0, 3] },
      { n: "KeyType", k: "key_type", t: "int8", v: [1, OPEN] },
      { n: "CoordinatorKeys", k: "coordinator_keys", t: "[]string", v: [4, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, 3] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [1, 3], nv: [1, 3] },
      { n: "NodeId", k: "node_id", t: "int32", v: [0, 3] },
      { n: "Host", k: "host", t: "string", v: [0, 3] },
      { n: "Port", k: "port", t: "int32", v: [0, 3] },
      { n: "Coordinators", k: "coordinators", t: "[]struct", v: [4, OPEN], s: "Coordinator", f: [
        { n: "Key", k: "key", t: "string", v: [4, OPEN] },
        { n: "NodeId", k: "node_id", t: "int32", v: [4, OPEN] },
        { n: "Host", k: "host", t: "string", v: [4, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [4, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [4, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [4, OPEN], nv: [4, OPEN] },
      ] },
    ],
  },
  {
    key: 11, name: "JoinGroup", valid: [0, 9], flex: 6,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "SessionTimeoutMs", k: "session_timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "RebalanceTimeoutMs", k: "rebalance_timeout_ms", t: "int32", v: [1, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      { n: "ProtocolType", k: "protocol_type", t: "string", v: [0, OPEN] },
      { n: "Protocols", k: "protocols", t: "[]struct", v: [0, OPEN], s: "JoinGroupRequestProtocol", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Metadata", k: "metadata", t: "bytes", v: [0, OPEN] },
      ] },
      { n: "Reason", k: "reason", t: "string", v: [8, OPEN], nv: [8, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [2, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "GenerationId", k: "generation_id", t: "int32", v: [0, OPEN] },
      { n: "ProtocolType", k: "protocol_type", t: "string", v: [7, OPEN], nv: [7, OPEN] },
      { n: "ProtocolName", k: "protocol_name", t: "string", v: [0, OPEN], nv: [7, OPEN] },
      { n: "Leader", k: "leader", t: "string", v: [0, OPEN] },
      { n: "SkipAssignment", k: "skip_assignment", t: "bool", v: [9, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "Members", k: "members", t: "[]struct", v: [0, OPEN], s: "JoinGroupResponseMember", f: [
        { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
        { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [5, OPEN], nv: [5, OPEN] },
        { n: "Metadata", k: "metadata", t: "bytes", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 12, name: "Heartbeat", valid: [0, 4], flex: 4,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "GenerationId", k: "generation_id", t: "int32", v: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 13, name: "LeaveGroup", valid: [0, 5], flex: 4,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, 2] },
      { n: "Members", k: "members", t: "[]struct", v: [3, OPEN], s: "MemberIdentity", f: [
        { n: "MemberId", k: "member_id", t: "string", v: [3, OPEN] },
        { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
        { n: "Reason", k: "reason", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Members", k: "members", t: "[]struct", v: [3, OPEN], s: "MemberResponse", f: [
        { n: "MemberId", k: "member_id", t: "string", v: [3, OPEN] },
        { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [3, OPEN] },
      ] },
    ],
  },
  {
    key: 14, name: "SyncGroup", valid: [0, 5], flex: 4,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "GenerationId", k: "generation_id", t: "int32", v: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
      { n: "ProtocolType", k: "protocol_type", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      { n: "ProtocolName", k: "protocol_name", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      { n: "Assignments", k: "assignments", t: "[]struct", v: [0, OPEN], s: "SyncGroupRequestAssignment", f: [
        { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
        { n: "Assignment", k: "assignment", t: "bytes", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ProtocolType", k: "protocol_type", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      { n: "ProtocolName", k: "protocol_name", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      { n: "Assignment", k: "assignment", t: "bytes", v: [0, OPEN] },
    ],
  },
  {
    key: 15, name: "DescribeGroups", valid: [0, 5], flex: 5,
    req: [
      { n: "Groups", k: "groups", t: "[]string", v: [0, OPEN] },
      { n: "IncludeAuthorizedOperations", k: "include_authorized_operations", t: "bool", v: [3, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "Groups", k: "groups", t: "[]struct", v: [0, OPEN], s: "DescribedGroup", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
        { n: "GroupState", k: "group_state", t: "string", v: [0, OPEN] },
        { n: "ProtocolType", k: "protocol_type", t: "string", v: [0, OPEN] },
        { n: "ProtocolData", k: "protocol_data", t: "string", v: [0, OPEN] },
        { n: "Members", k: "members", t: "[]struct", v: [0, OPEN], s: "DescribedGroupMember", f: [
          { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
          { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [4, OPEN], nv: [4, OPEN] },
          { n: "ClientId", k: "client_id", t: "string", v: [0, OPEN] },
          { n: "ClientHost", k: "client_host", t: "string", v: [0, OPEN] },
          { n: "MemberMetadata", k: "member_metadata", t: "bytes", v: [0, OPEN] },
          { n: "MemberAssignment", k: "member_assignment", t: "bytes", v: [0, OPEN] },
        ] },
        { n: "AuthorizedOperations", k: "authorized_operations", t: "int32", v: [3, OPEN] },
      ] },
    ],
  },
  {
    key: 16, name: "ListGroups", valid: [0, 5], flex: 3,
    req: [
      { n: "StatesFilter", k: "states_filter", t: "[]string", v: [4, OPEN] },
      { n: "TypesFilter", k: "types_filter", t: "[]string", v: [5, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Groups", k: "groups", t: "[]struct", v: [0, OPEN], s: "ListedGroup", f: [
        { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
        { n: "ProtocolType", k: "protocol_type", t: "string", v: [0, OPEN] },
        { n: "GroupState", k: "group_state", t: "string", v: [4, OPEN] },
        { n: "GroupType", k: "group_type", t: "string", v: [5, OPEN] },
      ] },
    ],
  },
  {
    key: 17, name: "SaslHandshake", valid: [0, 1], flex: null,
    req: [
      { n: "Mechanism", k: "mechanism", t: "string", v: [0, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Mechanisms", k: "mechanisms", t: "[]string", v: [0, OPEN] },
    ],
  },
  {
    key: 18, name: "ApiVersions", valid: [0, 4], flex: 3,
    req: [
      { n: "ClientSoftwareName", k: "client_software_name", t: "string", v: [3, OPEN] },
      { n: "ClientSoftwareVersion", k: "client_software_version", t: "string", v: [3, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ApiKeys", k: "api_keys", t: "[]struct", v: [0, OPEN], s: "ApiVersion", f: [
        { n: "ApiKey", k: "api_key", t: "int16", v: [0, OPEN] },
        { n: "MinVersion", k: "min_version", t: "int16", v: [0, OPEN] },
        { n: "MaxVersion", k: "max_version", t: "int16", v: [0, OPEN] },
      ] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "SupportedFeatures", k: "supported_features", t: "[]struct", v: [3, OPEN], tv: [3, OPEN], tag: 0, s: "SupportedFeatureKey", f: [
        { n: "Name", k: "name", t: "string", v: [3, OPEN] },
        { n: "MinVersion", k: "min_version", t: "int16", v: [3, OPEN] },
        { n: "MaxVersion", k: "max_version", t: "int16", v: [3, OPEN] },
      ] },
      { n: "FinalizedFeaturesEpoch", k: "finalized_features_epoch", t: "int64", v: [3, OPEN], tv: [3, OPEN], tag: 1 },
      { n: "FinalizedFeatures", k: "finalized_features", t: "[]struct", v: [3, OPEN], tv: [3, OPEN], tag: 2, s: "FinalizedFeatureKey", f: [
        { n: "Name", k: "name", t: "string", v: [3, OPEN] },
        { n: "MaxVersionLevel", k: "max_version_level", t: "int16", v: [3, OPEN] },
        { n: "MinVersionLevel", k: "min_version_level", t: "int16", v: [3, OPEN] },
      ] },
      { n: "ZkMigrationReady", k: "zk_migration_ready", t: "bool", v: [3, OPEN], tv: [3, OPEN], tag: 3 },
    ],
  },
  {
    key: 19, name: "CreateTopics", valid: [0, 7], flex: 5,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "CreatableTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "NumPartitions", k: "num_partitions", t: "int32", v: [0, OPEN] },
        { n: "ReplicationFactor", k: "replication_factor", t: "int16", v: [0, OPEN] },
        { n: "Assignments", k: "assignments", t: "[]struct", v: [0, OPEN], s: "CreatableReplicaAssignment", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "BrokerIds", k: "broker_ids", t: "[]int32", v: [0, OPEN] },
        ] },
        { n: "Configs", k: "configs", t: "[]struct", v: [0, OPEN], s: "CreatableTopicConfig", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Value", k: "value", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
      { n: "timeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "validateOnly", k: "validate_only", t: "bool", v: [1, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [2, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "CreatableTopicResult", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [7, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [1, OPEN], nv: [0, OPEN] },
        { n: "TopicConfigErrorCode", k: "topic_config_error_code", t: "int16", v: [5, OPEN], tv: [5, OPEN], tag: 0 },
        { n: "NumPartitions", k: "num_partitions", t: "int32", v: [5, OPEN] },
        { n: "ReplicationFactor", k: "replication_factor", t: "int16", v: [5, OPEN] },
        { n: "Configs", k: "configs", t: "[]struct", v: [5, OPEN], nv: [5, OPEN], s: "CreatableTopicConfigs", f: [
          { n: "Name", k: "name", t: "string", v: [5, OPEN] },
          { n: "Value", k: "value", t: "string", v: [5, OPEN], nv: [5, OPEN] },
          { n: "ReadOnly", k: "read_only", t: "bool", v: [5, OPEN] },
          { n: "ConfigSource", k: "config_source", t: "int8", v: [5, OPEN] },
          { n: "IsSensitive", k: "is_sensitive", t: "bool", v: [5, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 20, name: "DeleteTopics", valid: [0, 6], flex: 4,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [6, OPEN], s: "DeleteTopicState", f: [
        { n: "Name", k: "name", t: "string", v: [6, OPEN], nv: [6, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [6, OPEN] },
      ] },
      { n: "TopicNames", k: "topic_names", t: "[]string", v: [0, 5] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [1, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "DeletableTopicResult", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN], nv: [6, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [6, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [5, OPEN], nv: [5, OPEN] },
      ] },
    ],
  },
  {
    key: 21, name: "DeleteRecords", valid: [0, 2], flex: 2,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "DeleteRecordsTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "DeleteRecordsPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "Offset", k: "offset", t: "int64", v: [0, OPEN] },
        ] },
      ] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "DeleteRecordsTopicResult", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "DeleteRecordsPartitionResult", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "LowWatermark", k: "low_watermark", t: "int64", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 22, name: "InitProducerId", valid: [0, 5], flex: 2,
    req: [
      { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "TransactionTimeoutMs", k: "transaction_timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [3, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [3, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 23, name: "OffsetForLeaderEpoch", valid: [0, 4], flex: 4,
    req: [
      { n: "ReplicaId", k: "replica_id", t: "int32", v: [3, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetForLeaderTopic", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OffsetForLeaderPartition", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "CurrentLeaderEpoch", k: "current_leader_epoch", t: "int32", v: [2, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [2, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetForLeaderTopicResult", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "EpochEndOffset", f: [
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [1, OPEN] },
          { n: "EndOffset", k: "end_offset", t: "int64", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 24, name: "AddPartitionsToTxn", valid: [0, 5], flex: 3,
    req: [
      { n: "Transactions", k: "transactions", t: "[]struct", v: [4, OPEN], s: "AddPartitionsToTxnTransaction", f: [
        { n: "TransactionalId", k: "transactional_id", t: "string", v: [4, OPEN] },
        { n: "ProducerId", k: "producer_id", t: "int64", v: [4, OPEN] },
        { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [4, OPEN] },
        { n: "VerifyOnly", k: "verify_only", t: "bool", v: [4, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [4, OPEN], s: "AddPartitionsToTxnTopic", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
      { n: "V3AndBelowTransactionalId", k: "v3_and_below_transactional_id", t: "string", v: [0, 3] },
      { n: "V3AndBelowProducerId", k: "v3_and_below_producer_id", t: "int64", v: [0, 3] },
      { n: "V3AndBelowProducerEpoch", k: "v3_and_below_producer_epoch", t: "int16", v: [0, 3] },
      { n: "V3AndBelowTopics", k: "v3_and_below_topics", t: "[]struct", v: [0, 3], s: "AddPartitionsToTxnTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [4, OPEN] },
      { n: "ResultsByTransaction", k: "results_by_transaction", t: "[]struct", v: [4, OPEN], s: "AddPartitionsToTxnResult", f: [
        { n: "TransactionalId", k: "transactional_id", t: "string", v: [4, OPEN] },
        { n: "TopicResults", k: "topic_results", t: "[]struct", v: [4, OPEN], s: "AddPartitionsToTxnTopicResult", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "ResultsByPartition", k: "results_by_partition", t: "[]struct", v: [0, OPEN], s: "AddPartitionsToTxnPartitionResult", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
            { n: "PartitionErrorCode", k: "partition_error_code", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
      { n: "ResultsByTopicV3AndBelow", k: "results_by_topic_v3_and_below", t: "[]struct", v: [0, 3], s: "AddPartitionsToTxnTopicResult", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "ResultsByPartition", k: "results_by_partition", t: "[]struct", v: [0, OPEN], s: "AddPartitionsToTxnPartitionResult", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "PartitionErrorCode", k: "partition_error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 25, name: "AddOffsetsToTxn", valid: [0, 4], flex: 3,
    req: [
      { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 26, name: "EndTxn", valid: [0, 5], flex: 3,
    req: [
      { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
      { n: "Committed", k: "committed", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [5, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [5, OPEN] },
    ],
  },
  {
    key: 27, name: "WriteTxnMarkers", valid: [0, 1], flex: 1,
    req: [
      { n: "Markers", k: "markers", t: "[]struct", v: [0, OPEN], s: "WritableTxnMarker", f: [
        { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
        { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
        { n: "TransactionResult", k: "transaction_result", t: "bool", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "WritableTxnMarkerTopic", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [0, OPEN] },
        ] },
        { n: "CoordinatorEpoch", k: "coordinator_epoch", t: "int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "Markers", k: "markers", t: "[]struct", v: [0, OPEN], s: "WritableTxnMarkerResult", f: [
        { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "WritableTxnMarkerTopicResult", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "WritableTxnMarkerPartitionResult", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
            { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
  },
  {
    key: 28, name: "TxnOffsetCommit", valid: [0, 4], flex: 3,
    req: [
      { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN] },
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
      { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
      { n: "GenerationId", k: "generation_id", t: "int32", v: [3, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [3, OPEN] },
      { n: "GroupInstanceId", k: "group_instance_id", t: "string", v: [3, OPEN], nv: [3, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TxnOffsetCommitRequestTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "TxnOffsetCommitRequestPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "CommittedOffset", k: "committed_offset", t: "int64", v: [0, OPEN] },
          { n: "CommittedLeaderEpoch", k: "committed_leader_epoch", t: "int32", v: [2, OPEN] },
          { n: "CommittedMetadata", k: "committed_metadata", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TxnOffsetCommitResponseTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "TxnOffsetCommitResponsePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 29, name: "DescribeAcls", valid: [0, 3], flex: 2,
    req: [
      { n: "ResourceTypeFilter", k: "resource_type_filter", t: "int8", v: [0, OPEN] },
      { n: "ResourceNameFilter", k: "resource_name_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "PatternTypeFilter", k: "pattern_type_filter", t: "int8", v: [1, OPEN] },
      { n: "PrincipalFilter", k: "principal_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "HostFilter", k: "host_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Operation", k: "operation", t: "int8", v: [0, OPEN] },
      { n: "PermissionType", k: "permission_type", t: "int8", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Resources", k: "resources", t: "[]struct", v: [0, OPEN], s: "DescribeAclsResource", f: [
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "PatternType", k: "pattern_type", t: "int8", v: [1, OPEN] },
        { n: "Acls", k: "acls", t: "[]struct", v: [0, OPEN], s: "AclDescription", f: [
          { n: "Principal", k: "principal", t: "string", v: [0, OPEN] },
          { n: "Host", k: "host", t: "string", v: [0, OPEN] },
          { n: "Operation", k: "operation", t: "int8", v: [0, OPEN] },
          { n: "PermissionType", k: "permission_type", t: "int8", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 30, name: "CreateAcls", valid: [0, 3], flex: 2,
    req: [
      { n: "Creations", k: "creations", t: "[]struct", v: [0, OPEN], s: "AclCreation", f: [
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "ResourcePatternType", k: "resource_pattern_type", t: "int8", v: [1, OPEN] },
        { n: "Principal", k: "principal", t: "string", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Operation", k: "operation", t: "int8", v: [0, OPEN] },
        { n: "PermissionType", k: "permission_type", t: "int8", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "AclCreationResult", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 31, name: "DeleteAcls", valid: [0, 3], flex: 2,
    req: [
      { n: "Filters", k: "filters", t: "[]struct", v: [0, OPEN], s: "DeleteAclsFilter", f: [
        { n: "ResourceTypeFilter", k: "resource_type_filter", t: "int8", v: [0, OPEN] },
        { n: "ResourceNameFilter", k: "resource_name_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "PatternTypeFilter", k: "pattern_type_filter", t: "int8", v: [1, OPEN] },
        { n: "PrincipalFilter", k: "principal_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "HostFilter", k: "host_filter", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "Operation", k: "operation", t: "int8", v: [0, OPEN] },
        { n: "PermissionType", k: "permission_type", t: "int8", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "FilterResults", k: "filter_results", t: "[]struct", v: [0, OPEN], s: "DeleteAclsFilterResult", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "MatchingAcls", k: "matching_acls", t: "[]struct", v: [0, OPEN], s: "DeleteAclsMatchingAcl", f: [
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
          { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
          { n: "PatternType", k: "pattern_type", t: "int8", v: [1, OPEN] },
          { n: "Principal", k: "principal", t: "string", v: [0, OPEN] },
          { n: "Host", k: "host", t: "string", v: [0, OPEN] },
          { n: "Operation", k: "operation", t: "int8", v: [0, OPEN] },
          { n: "PermissionType", k: "permission_type", t: "int8", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 32, name: "DescribeConfigs", valid: [0, 4], flex: 4,
    req: [
      { n: "Resources", k: "resources", t: "[]struct", v: [0, OPEN], s: "DescribeConfigsResource", f: [
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "ConfigurationKeys", k: "configuration_keys", t: "[]string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
      { n: "IncludeSynonyms", k: "include_synonyms", t: "bool", v: [1, OPEN] },
      { n: "IncludeDocumentation", k: "include_documentation", t: "bool", v: [3, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "DescribeConfigsResult", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "Configs", k: "configs", t: "[]struct", v: [0, OPEN], s: "DescribeConfigsResourceResult", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Value", k: "value", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "ReadOnly", k: "read_only", t: "bool", v: [0, OPEN] },
          { n: "IsDefault", k: "is_default", t: "bool", v: [0, 0] },
          { n: "ConfigSource", k: "config_source", t: "int8", v: [1, OPEN] },
          { n: "IsSensitive", k: "is_sensitive", t: "bool", v: [0, OPEN] },
          { n: "Synonyms", k: "synonyms", t: "[]struct", v: [1, OPEN], s: "DescribeConfigsSynonym", f: [
            { n: "Name", k: "name", t: "string", v: [1, OPEN] },
            { n: "Value", k: "value", t: "string", v: [1, OPEN], nv: [0, OPEN] },
            { n: "Source", k: "source", t: "int8", v: [1, OPEN] },
          ] },
          { n: "ConfigType", k: "config_type", t: "int8", v: [3, OPEN] },
          { n: "Documentation", k: "documentation", t: "string", v: [3, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 33, name: "AlterConfigs", valid: [0, 2], flex: 2,
    req: [
      { n: "Resources", k: "resources", t: "[]struct", v: [0, OPEN], s: "AlterConfigsResource", f: [
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "Configs", k: "configs", t: "[]struct", v: [0, OPEN], s: "AlterableConfig", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Value", k: "value", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
      { n: "ValidateOnly", k: "validate_only", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "AlterConfigsResourceResponse", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 34, name: "AlterReplicaLogDirs", valid: [0, 2], flex: 2,
    req: [
      { n: "Dirs", k: "dirs", t: "[]struct", v: [0, OPEN], s: "AlterReplicaLogDir", f: [
        { n: "Path", k: "path", t: "string", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "AlterReplicaLogDirTopic", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "AlterReplicaLogDirTopicResult", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "AlterReplicaLogDirPartitionResult", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 35, name: "DescribeLogDirs", valid: [0, 4], flex: 2,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "DescribableLogDirTopic", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [3, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "DescribeLogDirsResult", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "LogDir", k: "log_dir", t: "string", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "DescribeLogDirsTopic", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "DescribeLogDirsPartition", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
            { n: "PartitionSize", k: "partition_size", t: "int64", v: [0, OPEN] },
            { n: "OffsetLag", k: "offset_lag", t: "int64", v: [0, OPEN] },
            { n: "IsFutureKey", k: "is_future_key", t: "bool", v: [0, OPEN] },
          ] },
        ] },
        { n: "TotalBytes", k: "total_bytes", t: "int64", v: [4, OPEN] },
        { n: "UsableBytes", k: "usable_bytes", t: "int64", v: [4, OPEN] },
      ] },
    ],
  },
  {
    key: 36, name: "SaslAuthenticate", valid: [0, 2], flex: 2,
    req: [
      { n: "AuthBytes", k: "auth_bytes", t: "bytes", v: [0, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "AuthBytes", k: "auth_bytes", t: "bytes", v: [0, OPEN] },
      { n: "SessionLifetimeMs", k: "session_lifetime_ms", t: "int64", v: [1, OPEN] },
    ],
  },
  {
    key: 37, name: "CreatePartitions", valid: [0, 3], flex: 2,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "CreatePartitionsTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Count", k: "count", t: "int32", v: [0, OPEN] },
        { n: "Assignments", k: "assignments", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "CreatePartitionsAssignment", f: [
          { n: "BrokerIds", k: "broker_ids", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "ValidateOnly", k: "validate_only", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "CreatePartitionsTopicResult", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 38, name: "CreateDelegationToken", valid: [0, 3], flex: 2,
    req: [
      { n: "OwnerPrincipalType", k: "owner_principal_type", t: "string", v: [3, OPEN], nv: [3, OPEN] },
      { n: "OwnerPrincipalName", k: "owner_principal_name", t: "string", v: [3, OPEN], nv: [3, OPEN] },
      { n: "Renewers", k: "renewers", t: "[]struct", v: [0, OPEN], s: "CreatableRenewers", f: [
        { n: "PrincipalType", k: "principal_type", t: "string", v: [0, OPEN] },
        { n: "PrincipalName", k: "principal_name", t: "string", v: [0, OPEN] },
      ] },
      { n: "MaxLifetimeMs", k: "max_lifetime_ms", t: "int64", v: [0, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "PrincipalType", k: "principal_type", t: "string", v: [0, OPEN] },
      { n: "PrincipalName", k: "principal_name", t: "string", v: [0, OPEN] },
      { n: "TokenRequesterPrincipalType", k: "token_requester_principal_type", t: "string", v: [3, OPEN] },
      { n: "TokenRequesterPrincipalName", k: "token_requester_principal_name", t: "string", v: [3, OPEN] },
      { n: "IssueTimestampMs", k: "issue_timestamp_ms", t: "int64", v: [0, OPEN] },
      { n: "ExpiryTimestampMs", k: "expiry_timestamp_ms", t: "int64", v: [0, OPEN] },
      { n: "MaxTimestampMs", k: "max_timestamp_ms", t: "int64", v: [0, OPEN] },
      { n: "TokenId", k: "token_id", t: "string", v: [0, OPEN] },
      { n: "Hmac", k: "hmac", t: "bytes", v: [0, OPEN] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 39, name: "RenewDelegationToken", valid: [0, 2], flex: 2,
    req: [
      { n: "Hmac", k: "hmac", t: "bytes", v: [0, OPEN] },
      { n: "RenewPeriodMs", k: "renew_period_ms", t: "int64", v: [0, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ExpiryTimestampMs", k: "expiry_timestamp_ms", t: "int64", v: [0, OPEN] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 40, name: "ExpireDelegationToken", valid: [0, 2], flex: 2,
    req: [
      { n: "Hmac", k: "hmac", t: "bytes", v: [0, OPEN] },
      { n: "ExpiryTimePeriodMs", k: "expiry_time_period_ms", t: "int64", v: [0, OPEN] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ExpiryTimestampMs", k: "expiry_timestamp_ms", t: "int64", v: [0, OPEN] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 41, name: "DescribeDelegationToken", valid: [0, 3], flex: 2,
    req: [
      { n: "Owners", k: "owners", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "DescribeDelegationTokenOwner", f: [
        { n: "PrincipalType", k: "principal_type", t: "string", v: [0, OPEN] },
        { n: "PrincipalName", k: "principal_name", t: "string", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Tokens", k: "tokens", t: "[]struct", v: [0, OPEN], s: "DescribedDelegationToken", f: [
        { n: "PrincipalType", k: "principal_type", t: "string", v: [0, OPEN] },
        { n: "PrincipalName", k: "principal_name", t: "string", v: [0, OPEN] },
        { n: "TokenRequesterPrincipalType", k: "token_requester_principal_type", t: "string", v: [3, OPEN] },
        { n: "TokenRequesterPrincipalName", k: "token_requester_principal_name", t: "string", v: [3, OPEN] },
        { n: "IssueTimestamp", k: "issue_timestamp", t: "int64", v: [0, OPEN] },
        { n: "ExpiryTimestamp", k: "expiry_timestamp", t: "int64", v: [0, OPEN] },
        { n: "MaxTimestamp", k: "max_timestamp", t: "int64", v: [0, OPEN] },
        { n: "TokenId", k: "token_id", t: "string", v: [0, OPEN] },
        { n: "Hmac", k: "hmac", t: "bytes", v: [0, OPEN] },
        { n: "Renewers", k: "renewers", t: "[]struct", v: [0, OPEN], s: "DescribedDelegationTokenRenewer", f: [
          { n: "PrincipalType", k: "principal_type", t: "string", v: [0, OPEN] },
          { n: "PrincipalName", k: "principal_name", t: "string", v: [0, OPEN] },
        ] },
      ] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 42, name: "DeleteGroups", valid: [0, 2], flex: 2,
    req: [
      { n: "GroupsNames", k: "groups_names", t: "[]string", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "DeletableGroupResult", f: [
        { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 43, name: "ElectLeaders", valid: [0, 2], flex: 2,
    req: [
      { n: "ElectionType", k: "election_type", t: "int8", v: [1, OPEN] },
      { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "TopicPartitions", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
      ] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [1, OPEN] },
      { n: "ReplicaElectionResults", k: "replica_election_results", t: "[]struct", v: [0, OPEN], s: "ReplicaElectionResult", f: [
        { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
        { n: "PartitionResult", k: "partition_result", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "PartitionId", k: "partition_id", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 44, name: "IncrementalAlterConfigs", valid: [0, 1], flex: 1,
    req: [
      { n: "Resources", k: "resources", t: "[]struct", v: [0, OPEN], s: "AlterConfigsResource", f: [
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
        { n: "Configs", k: "configs", t: "[]struct", v: [0, OPEN], s: "AlterableConfig", f: [
          { n: "Name", k: "name", t: "string", v: [0, OPEN] },
          { n: "ConfigOperation", k: "config_operation", t: "int8", v: [0, OPEN] },
          { n: "Value", k: "value", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
      { n: "ValidateOnly", k: "validate_only", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "AlterConfigsResourceResponse", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "ResourceType", k: "resource_type", t: "int8", v: [0, OPEN] },
        { n: "ResourceName", k: "resource_name", t: "string", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 45, name: "AlterPartitionReassignments", valid: [0, 0], flex: 0,
    req: [
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "ReassignableTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "ReassignablePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "ReassignableTopicResponse", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "ReassignablePartitionResponse", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 46, name: "ListPartitionReassignments", valid: [0, 0], flex: 0,
    req: [
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "ListPartitionReassignmentsTopics", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OngoingTopicReassignment", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OngoingPartitionReassignment", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "Replicas", k: "replicas", t: "[]int32", v: [0, OPEN] },
          { n: "AddingReplicas", k: "adding_replicas", t: "[]int32", v: [0, OPEN] },
          { n: "RemovingReplicas", k: "removing_replicas", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 47, name: "OffsetDelete", valid: [0, 0], flex: null,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetDeleteRequestTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OffsetDeleteRequestPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "OffsetDeleteResponseTopic", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "OffsetDeleteResponsePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 48, name: "DescribeClientQuotas", valid: [0, 1], flex: 1,
    req: [
      { n: "Components", k: "components", t: "[]struct", v: [0, OPEN], s: "ComponentData", f: [
        { n: "EntityType", k: "entity_type", t: "string", v: [0, OPEN] },
        { n: "MatchType", k: "match_type", t: "int8", v: [0, OPEN] },
        { n: "Match", k: "match", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
      { n: "Strict", k: "strict", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Entries", k: "entries", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "EntryData", f: [
        { n: "Entity", k: "entity", t: "[]struct", v: [0, OPEN], s: "EntityData", f: [
          { n: "EntityType", k: "entity_type", t: "string", v: [0, OPEN] },
          { n: "EntityName", k: "entity_name", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
        { n: "Values", k: "values", t: "[]struct", v: [0, OPEN], s: "ValueData", f: [
          { n: "Key", k: "key", t: "string", v: [0, OPEN] },
          { n: "Value", k: "value", t: "float64", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 49, name: "AlterClientQuotas", valid: [0, 1], flex: 1,
    req: [
      { n: "Entries", k: "entries", t: "[]struct", v: [0, OPEN], s: "EntryData", f: [
        { n: "Entity", k: "entity", t: "[]struct", v: [0, OPEN], s: "EntityData", f: [
          { n: "EntityType", k: "entity_type", t: "string", v: [0, OPEN] },
          { n: "EntityName", k: "entity_name", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
        { n: "Ops", k: "ops", t: "[]struct", v: [0, OPEN], s: "OpData", f: [
          { n: "Key", k: "key", t: "string", v: [0, OPEN] },
          { n: "Value", k: "value", t: "float64", v: [0, OPEN] },
          { n: "Remove", k: "remove", t: "bool", v: [0, OPEN] },
        ] },
      ] },
      { n: "ValidateOnly", k: "validate_only", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Entries", k: "entries", t: "[]struct", v: [0, OPEN], s: "EntryData", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "Entity", k: "entity", t: "[]struct", v: [0, OPEN], s: "EntityData", f: [
          { n: "EntityType", k: "entity_type", t: "string", v: [0, OPEN] },
          { n: "EntityName", k: "entity_name", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 50, name: "DescribeUserScramCredentials", valid: [0, 0], flex: 0,
    req: [
      { n: "Users", k: "users", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "UserName", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "DescribeUserScramCredentialsResult", f: [
        { n: "User", k: "user", t: "string", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "CredentialInfos", k: "credential_infos", t: "[]struct", v: [0, OPEN], s: "CredentialInfo", f: [
          { n: "Mechanism", k: "mechanism", t: "int8", v: [0, OPEN] },
          { n: "Iterations", k: "iterations", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 51, name: "AlterUserScramCredentials", valid: [0, 0], flex: 0,
    req: [
      { n: "Deletions", k: "deletions", t: "[]struct", v: [0, OPEN], s: "ScramCredentialDeletion", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Mechanism", k: "mechanism", t: "int8", v: [0, OPEN] },
      ] },
      { n: "Upsertions", k: "upsertions", t: "[]struct", v: [0, OPEN], s: "ScramCredentialUpsertion", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Mechanism", k: "mechanism", t: "int8", v: [0, OPEN] },
        { n: "Iterations", k: "iterations", t: "int32", v: [0, OPEN] },
        { n: "Salt", k: "salt", t: "bytes", v: [0, OPEN] },
        { n: "SaltedPassword", k: "salted_password", t: "bytes", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "AlterUserScramCredentialsResult", f: [
        { n: "User", k: "user", t: "string", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 52, name: "Vote", valid: [0, 1], flex: 0,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "VoterId", k: "voter_id", t: "int32", v: [1, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "CandidateEpoch", k: "candidate_epoch", t: "int32", v: [0, OPEN] },
          { n: "CandidateId", k: "candidate_id", t: "int32", v: [0, OPEN] },
          { n: "CandidateDirectoryId", k: "candidate_directory_id", t: "uuid", v: [1, OPEN] },
          { n: "VoterDirectoryId", k: "voter_directory_id", t: "uuid", v: [1, OPEN] },
          { n: "LastOffsetEpoch", k: "last_offset_epoch", t: "int32", v: [0, OPEN] },
          { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "VoteGranted", k: "vote_granted", t: "bool", v: [0, OPEN] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [1, OPEN], tv: [1, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
  },
  {
    key: 53, name: "BeginQuorumEpoch", valid: [0, 1], flex: 1,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "VoterId", k: "voter_id", t: "int32", v: [1, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "VoterDirectoryId", k: "voter_directory_id", t: "uuid", v: [1, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
      { n: "LeaderEndpoints", k: "leader_endpoints", t: "[]struct", v: [1, OPEN], s: "LeaderEndpoint", f: [
        { n: "Name", k: "name", t: "string", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [1, OPEN], tv: [1, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
  },
  {
    key: 54, name: "EndQuorumEpoch", valid: [0, 1], flex: 1,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "PreferredSuccessors", k: "preferred_successors", t: "[]int32", v: [0, 0] },
          { n: "PreferredCandidates", k: "preferred_candidates", t: "[]struct", v: [1, OPEN], s: "ReplicaInfo", f: [
            { n: "CandidateId", k: "candidate_id", t: "int32", v: [1, OPEN] },
            { n: "CandidateDirectoryId", k: "candidate_directory_id", t: "uuid", v: [1, OPEN] },
          ] },
        ] },
      ] },
      { n: "LeaderEndpoints", k: "leader_endpoints", t: "[]struct", v: [1, OPEN], s: "LeaderEndpoint", f: [
        { n: "Name", k: "name", t: "string", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [1, OPEN], tv: [1, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
  },
  {
    key: 55, name: "DescribeQuorum", valid: [0, 2], flex: 0,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [2, OPEN], nv: [2, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [2, OPEN], nv: [2, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "HighWatermark", k: "high_watermark", t: "int64", v: [0, OPEN] },
          { n: "CurrentVoters", k: "current_voters", t: "[]struct", v: [0, OPEN], s: "ReplicaState", f: [
            { n: "ReplicaId", k: "replica_id", t: "int32", v: [0, OPEN] },
            { n: "ReplicaDirectoryId", k: "replica_directory_id", t: "uuid", v: [2, OPEN] },
            { n: "LogEndOffset", k: "log_end_offset", t: "int64", v: [0, OPEN] },
            { n: "LastFetchTimestamp", k: "last_fetch_timestamp", t: "int64", v: [1, OPEN] },
            { n: "LastCaughtUpTimestamp", k: "last_caught_up_timestamp", t: "int64", v: [1, OPEN] },
          ] },
          { n: "Observers", k: "observers", t: "[]struct", v: [0, OPEN], s: "ReplicaState", f: [
            { n: "ReplicaId", k: "replica_id", t: "int32", v: [0, OPEN] },
            { n: "ReplicaDirectoryId", k: "replica_directory_id", t: "uuid", v: [2, OPEN] },
            { n: "LogEndOffset", k: "log_end_offset", t: "int64", v: [0, OPEN] },
            { n: "LastFetchTimestamp", k: "last_fetch_timestamp", t: "int64", v: [1, OPEN] },
            { n: "LastCaughtUpTimestamp", k: "last_caught_up_timestamp", t: "int64", v: [1, OPEN] },
          ] },
        ] },
      ] },
      { n: "Nodes", k: "nodes", t: "[]struct", v: [2, OPEN], s: "Node", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [2, OPEN] },
        { n: "Listeners", k: "listeners", t: "[]struct", v: [2, OPEN], s: "Listener", f: [
          { n: "Name", k: "name", t: "string", v: [2, OPEN] },
          { n: "Host", k: "host", t: "string", v: [2, OPEN] },
          { n: "Port", k: "port", t: "uint16", v: [2, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 56, name: "AlterPartition", valid: [0, 3], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 1] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [2, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "NewIsr", k: "new_isr", t: "[]int32", v: [0, 2] },
          { n: "NewIsrWithEpochs", k: "new_isr_with_epochs", t: "[]struct", v: [3, OPEN], s: "BrokerState", f: [
            { n: "BrokerId", k: "broker_id", t: "int32", v: [3, OPEN] },
            { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [3, OPEN] },
          ] },
          { n: "LeaderRecoveryState", k: "leader_recovery_state", t: "int8", v: [1, OPEN] },
          { n: "PartitionEpoch", k: "partition_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, 1] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [2, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "Isr", k: "isr", t: "[]int32", v: [0, OPEN] },
          { n: "LeaderRecoveryState", k: "leader_recovery_state", t: "int8", v: [1, OPEN] },
          { n: "PartitionEpoch", k: "partition_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 57, name: "UpdateFeatures", valid: [0, 2], flex: 0,
    req: [
      { n: "timeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "FeatureUpdates", k: "feature_updates", t: "[]struct", v: [0, OPEN], s: "FeatureUpdateKey", f: [
        { n: "Feature", k: "feature", t: "string", v: [0, OPEN] },
        { n: "MaxVersionLevel", k: "max_version_level", t: "int16", v: [0, OPEN] },
        { n: "AllowDowngrade", k: "allow_downgrade", t: "bool", v: [0, 0] },
        { n: "UpgradeType", k: "upgrade_type", t: "int8", v: [1, OPEN] },
      ] },
      { n: "ValidateOnly", k: "validate_only", t: "bool", v: [1, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Results", k: "results", t: "[]struct", v: [0, 1], s: "UpdatableFeatureResult", f: [
        { n: "Feature", k: "feature", t: "string", v: [0, OPEN] },
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 58, name: "Envelope", valid: [0, 0], flex: 0,
    req: [
      { n: "RequestData", k: "request_data", t: "bytes", v: [0, OPEN] },
      { n: "RequestPrincipal", k: "request_principal", t: "bytes", v: [0, OPEN], nv: [0, OPEN] },
      { n: "ClientHostAddress", k: "client_host_address", t: "bytes", v: [0, OPEN] },
    ],
    res: [
      { n: "ResponseData", k: "response_data", t: "bytes", v: [0, OPEN], nv: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 59, name: "FetchSnapshot", valid: [0, 1], flex: 0,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN], tv: [0, OPEN], tag: 0 },
      { n: "ReplicaId", k: "replica_id", t: "int32", v: [0, OPEN] },
      { n: "MaxBytes", k: "max_bytes", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicSnapshot", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionSnapshot", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "CurrentLeaderEpoch", k: "current_leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "SnapshotId", k: "snapshot_id", t: "struct", v: [0, OPEN], s: "SnapshotId", f: [
            { n: "EndOffset", k: "end_offset", t: "int64", v: [0, OPEN] },
            { n: "Epoch", k: "epoch", t: "int32", v: [0, OPEN] },
          ] },
          { n: "Position", k: "position", t: "int64", v: [0, OPEN] },
          { n: "ReplicaDirectoryId", k: "replica_directory_id", t: "uuid", v: [1, OPEN], tv: [1, OPEN], tag: 0 },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicSnapshot", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionSnapshot", f: [
          { n: "Index", k: "index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "SnapshotId", k: "snapshot_id", t: "struct", v: [0, OPEN], s: "SnapshotId", f: [
            { n: "EndOffset", k: "end_offset", t: "int64", v: [0, OPEN] },
            { n: "Epoch", k: "epoch", t: "int32", v: [0, OPEN] },
          ] },
          { n: "CurrentLeader", k: "current_leader", t: "struct", v: [0, OPEN], tv: [0, OPEN], tag: 0, s: "LeaderIdAndEpoch", f: [
            { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
            { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          ] },
          { n: "Size", k: "size", t: "int64", v: [0, OPEN] },
          { n: "Position", k: "position", t: "int64", v: [0, OPEN] },
          { n: "UnalignedRecords", k: "unaligned_records", t: "records", v: [0, OPEN] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [1, OPEN], tv: [1, OPEN], tag: 0, s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [1, OPEN] },
        { n: "Host", k: "host", t: "string", v: [1, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [1, OPEN] },
      ] },
    ],
  },
  {
    key: 60, name: "DescribeCluster", valid: [0, 1], flex: 0,
    req: [
      { n: "IncludeClusterAuthorizedOperations", k: "include_cluster_authorized_operations", t: "bool", v: [0, OPEN] },
      { n: "EndpointType", k: "endpoint_type", t: "int8", v: [1, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "EndpointType", k: "endpoint_type", t: "int8", v: [1, OPEN] },
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN] },
      { n: "ControllerId", k: "controller_id", t: "int32", v: [0, OPEN] },
      { n: "Brokers", k: "brokers", t: "[]struct", v: [0, OPEN], s: "DescribeClusterBroker", f: [
        { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
      { n: "ClusterAuthorizedOperations", k: "cluster_authorized_operations", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 61, name: "DescribeProducers", valid: [0, 0], flex: 0,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicRequest", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndexes", k: "partition_indexes", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicResponse", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResponse", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "ActiveProducers", k: "active_producers", t: "[]struct", v: [0, OPEN], s: "ProducerState", f: [
            { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
            { n: "ProducerEpoch", k: "producer_epoch", t: "int32", v: [0, OPEN] },
            { n: "LastSequence", k: "last_sequence", t: "int32", v: [0, OPEN] },
            { n: "LastTimestamp", k: "last_timestamp", t: "int64", v: [0, OPEN] },
            { n: "CoordinatorEpoch", k: "coordinator_epoch", t: "int32", v: [0, OPEN] },
            { n: "CurrentTxnStartOffset", k: "current_txn_start_offset", t: "int64", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
  },
  {
    key: 62, name: "BrokerRegistration", valid: [0, 4], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN] },
      { n: "IncarnationId", k: "incarnation_id", t: "uuid", v: [0, OPEN] },
      { n: "Listeners", k: "listeners", t: "[]struct", v: [0, OPEN], s: "Listener", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [0, OPEN] },
        { n: "SecurityProtocol", k: "security_protocol", t: "int16", v: [0, OPEN] },
      ] },
      { n: "Features", k: "features", t: "[]struct", v: [0, OPEN], s: "Feature", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "MinSupportedVersion", k: "min_supported_version", t: "int16", v: [0, OPEN] },
        { n: "MaxSupportedVersion", k: "max_supported_version", t: "int16", v: [0, OPEN] },
      ] },
      { n: "Rack", k: "rack", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "IsMigratingZkBroker", k: "is_migrating_zk_broker", t: "bool", v: [1, OPEN] },
      { n: "LogDirs", k: "log_dirs", t: "[]uuid", v: [2, OPEN] },
      { n: "PreviousBrokerEpoch", k: "previous_broker_epoch", t: "int64", v: [3, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [0, OPEN] },
    ],
  },
  {
    key: 63, name: "BrokerHeartbeat", valid: [0, 1], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [0, OPEN] },
      { n: "CurrentMetadataOffset", k: "current_metadata_offset", t: "int64", v: [0, OPEN] },
      { n: "WantFence", k: "want_fence", t: "bool", v: [0, OPEN] },
      { n: "WantShutDown", k: "want_shut_down", t: "bool", v: [0, OPEN] },
      { n: "OfflineLogDirs", k: "offline_log_dirs", t: "[]uuid", v: [1, OPEN], tv: [1, OPEN], tag: 0 },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "IsCaughtUp", k: "is_caught_up", t: "bool", v: [0, OPEN] },
      { n: "IsFenced", k: "is_fenced", t: "bool", v: [0, OPEN] },
      { n: "ShouldShutDown", k: "should_shut_down", t: "bool", v: [0, OPEN] },
    ],
  },
  {
    key: 64, name: "UnregisterBroker", valid: [0, 0], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
    ],
  },
  {
    key: 65, name: "DescribeTransactions", valid: [0, 0], flex: 0,
    req: [
      { n: "TransactionalIds", k: "transactional_ids", t: "[]string", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "TransactionStates", k: "transaction_states", t: "[]struct", v: [0, OPEN], s: "TransactionState", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN] },
        { n: "TransactionState", k: "transaction_state", t: "string", v: [0, OPEN] },
        { n: "TransactionTimeoutMs", k: "transaction_timeout_ms", t: "int32", v: [0, OPEN] },
        { n: "TransactionStartTimeMs", k: "transaction_start_time_ms", t: "int64", v: [0, OPEN] },
        { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
        { n: "ProducerEpoch", k: "producer_epoch", t: "int16", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
          { n: "Topic", k: "topic", t: "string", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 66, name: "ListTransactions", valid: [0, 1], flex: 0,
    req: [
      { n: "StateFilters", k: "state_filters", t: "[]string", v: [0, OPEN] },
      { n: "ProducerIdFilters", k: "producer_id_filters", t: "[]int64", v: [0, OPEN] },
      { n: "DurationFilter", k: "duration_filter", t: "int64", v: [1, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "UnknownStateFilters", k: "unknown_state_filters", t: "[]string", v: [0, OPEN] },
      { n: "TransactionStates", k: "transaction_states", t: "[]struct", v: [0, OPEN], s: "TransactionState", f: [
        { n: "TransactionalId", k: "transactional_id", t: "string", v: [0, OPEN] },
        { n: "ProducerId", k: "producer_id", t: "int64", v: [0, OPEN] },
        { n: "TransactionState", k: "transaction_state", t: "string", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 67, name: "AllocateProducerIds", valid: [0, 0], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ProducerIdStart", k: "producer_id_start", t: "int64", v: [0, OPEN] },
      { n: "ProducerIdLen", k: "producer_id_len", t: "int32", v: [0, OPEN] },
    ],
  },
  {
    key: 68, name: "ConsumerGroupHeartbeat", valid: [0, 1], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
      { n: "InstanceId", k: "instance_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "RackId", k: "rack_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "RebalanceTimeoutMs", k: "rebalance_timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "SubscribedTopicNames", k: "subscribed_topic_names", t: "[]string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "SubscribedTopicRegex", k: "subscribed_topic_regex", t: "string", v: [1, OPEN], nv: [1, OPEN] },
      { n: "ServerAssignor", k: "server_assignor", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], nv: [0, OPEN], s: "TopicPartitions", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
      { n: "HeartbeatIntervalMs", k: "heartbeat_interval_ms", t: "int32", v: [0, OPEN] },
      { n: "Assignment", k: "assignment", t: "struct", v: [0, OPEN], nv: [0, OPEN], s: "Assignment", f: [
        { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], s: "TopicPartitions", f: [
          { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 69, name: "ConsumerGroupDescribe", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupIds", k: "group_ids", t: "[]string", v: [0, OPEN] },
      { n: "IncludeAuthorizedOperations", k: "include_authorized_operations", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Groups", k: "groups", t: "[]struct", v: [0, OPEN], s: "DescribedGroup", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
        { n: "GroupState", k: "group_state", t: "string", v: [0, OPEN] },
        { n: "GroupEpoch", k: "group_epoch", t: "int32", v: [0, OPEN] },
        { n: "AssignmentEpoch", k: "assignment_epoch", t: "int32", v: [0, OPEN] },
        { n: "AssignorName", k: "assignor_name", t: "string", v: [0, OPEN] },
        { n: "Members", k: "members", t: "[]struct", v: [0, OPEN], s: "Member", f: [
          { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
          { n: "InstanceId", k: "instance_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "RackId", k: "rack_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
          { n: "ClientId", k: "client_id", t: "string", v: [0, OPEN] },
          { n: "ClientHost", k: "client_host", t: "string", v: [0, OPEN] },
          { n: "SubscribedTopicNames", k: "subscribed_topic_names", t: "[]string", v: [0, OPEN] },
          { n: "SubscribedTopicRegex", k: "subscribed_topic_regex", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "Assignment", k: "assignment", t: "struct", v: [0, OPEN], s: "Assignment", f: [
            { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], s: "TopicPartitions", f: [
              { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
              { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
              { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
            ] },
          ] },
          { n: "TargetAssignment", k: "target_assignment", t: "struct", v: [0, OPEN], s: "Assignment", f: [
            { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], s: "TopicPartitions", f: [
              { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
              { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
              { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
            ] },
          ] },
        ] },
        { n: "AuthorizedOperations", k: "authorized_operations", t: "int32", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 70, name: "ControllerRegistration", valid: [0, 0], flex: 0,
    req: [
      { n: "ControllerId", k: "controller_id", t: "int32", v: [0, OPEN] },
      { n: "IncarnationId", k: "incarnation_id", t: "uuid", v: [0, OPEN] },
      { n: "ZkMigrationReady", k: "zk_migration_ready", t: "bool", v: [0, OPEN] },
      { n: "Listeners", k: "listeners", t: "[]struct", v: [0, OPEN], s: "Listener", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [0, OPEN] },
        { n: "SecurityProtocol", k: "security_protocol", t: "int16", v: [0, OPEN] },
      ] },
      { n: "Features", k: "features", t: "[]struct", v: [0, OPEN], s: "Feature", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "MinSupportedVersion", k: "min_supported_version", t: "int16", v: [0, OPEN] },
        { n: "MaxSupportedVersion", k: "max_supported_version", t: "int16", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
    ],
  },
  {
    key: 71, name: "GetTelemetrySubscriptions", valid: [0, 0], flex: 0,
    req: [
      { n: "ClientInstanceId", k: "client_instance_id", t: "uuid", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ClientInstanceId", k: "client_instance_id", t: "uuid", v: [0, OPEN] },
      { n: "SubscriptionId", k: "subscription_id", t: "int32", v: [0, OPEN] },
      { n: "AcceptedCompressionTypes", k: "accepted_compression_types", t: "[]int8", v: [0, OPEN] },
      { n: "PushIntervalMs", k: "push_interval_ms", t: "int32", v: [0, OPEN] },
      { n: "TelemetryMaxBytes", k: "telemetry_max_bytes", t: "int32", v: [0, OPEN] },
      { n: "DeltaTemporality", k: "delta_temporality", t: "bool", v: [0, OPEN] },
      { n: "RequestedMetrics", k: "requested_metrics", t: "[]string", v: [0, OPEN] },
    ],
  },
  {
    key: 72, name: "PushTelemetry", valid: [0, 0], flex: 0,
    req: [
      { n: "ClientInstanceId", k: "client_instance_id", t: "uuid", v: [0, OPEN] },
      { n: "SubscriptionId", k: "subscription_id", t: "int32", v: [0, OPEN] },
      { n: "Terminating", k: "terminating", t: "bool", v: [0, OPEN] },
      { n: "CompressionType", k: "compression_type", t: "int8", v: [0, OPEN] },
      { n: "Metrics", k: "metrics", t: "bytes", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
    ],
  },
  {
    key: 73, name: "AssignReplicasToDirs", valid: [0, 0], flex: 0,
    req: [
      { n: "BrokerId", k: "broker_id", t: "int32", v: [0, OPEN] },
      { n: "BrokerEpoch", k: "broker_epoch", t: "int64", v: [0, OPEN] },
      { n: "Directories", k: "directories", t: "[]struct", v: [0, OPEN], s: "DirectoryData", f: [
        { n: "Id", k: "id", t: "uuid", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
          { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "Directories", k: "directories", t: "[]struct", v: [0, OPEN], s: "DirectoryData", f: [
        { n: "Id", k: "id", t: "uuid", v: [0, OPEN] },
        { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicData", f: [
          { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
            { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
            { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
  },
  {
    key: 74, name: "ListClientMetricsResources", valid: [0, 0], flex: 0,
    req: [],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ClientMetricsResources", k: "client_metrics_resources", t: "[]struct", v: [0, OPEN], s: "ClientMetricsResource", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 75, name: "DescribeTopicPartitions", valid: [0, 0], flex: 0,
    req: [
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "TopicRequest", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
      ] },
      { n: "ResponsePartitionLimit", k: "response_partition_limit", t: "int32", v: [0, OPEN] },
      { n: "Cursor", k: "cursor", t: "struct", v: [0, OPEN], nv: [0, OPEN], s: "Cursor", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "DescribeTopicPartitionsResponseTopic", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "Name", k: "name", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "IsInternal", k: "is_internal", t: "bool", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "DescribeTopicPartitionsResponsePartition", f: [
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "ReplicaNodes", k: "replica_nodes", t: "[]int32", v: [0, OPEN] },
          { n: "IsrNodes", k: "isr_nodes", t: "[]int32", v: [0, OPEN] },
          { n: "EligibleLeaderReplicas", k: "eligible_leader_replicas", t: "[]int32", v: [0, OPEN], nv: [0, OPEN] },
          { n: "LastKnownElr", k: "last_known_elr", t: "[]int32", v: [0, OPEN], nv: [0, OPEN] },
          { n: "OfflineReplicas", k: "offline_replicas", t: "[]int32", v: [0, OPEN] },
        ] },
        { n: "TopicAuthorizedOperations", k: "topic_authorized_operations", t: "int32", v: [0, OPEN] },
      ] },
      { n: "NextCursor", k: "next_cursor", t: "struct", v: [0, OPEN], nv: [0, OPEN], s: "Cursor", f: [
        { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
        { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 76, name: "ShareGroupHeartbeat", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
      { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
      { n: "RackId", k: "rack_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "SubscribedTopicNames", k: "subscribed_topic_names", t: "[]string", v: [0, OPEN], nv: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
      { n: "HeartbeatIntervalMs", k: "heartbeat_interval_ms", t: "int32", v: [0, OPEN] },
      { n: "Assignment", k: "assignment", t: "struct", v: [0, OPEN], nv: [0, OPEN], s: "Assignment", f: [
        { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], s: "TopicPartitions", f: [
          { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
          { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 77, name: "ShareGroupDescribe", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupIds", k: "group_ids", t: "[]string", v: [0, OPEN] },
      { n: "IncludeAuthorizedOperations", k: "include_authorized_operations", t: "bool", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "Groups", k: "groups", t: "[]struct", v: [0, OPEN], s: "DescribedGroup", f: [
        { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
        { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
        { n: "GroupState", k: "group_state", t: "string", v: [0, OPEN] },
        { n: "GroupEpoch", k: "group_epoch", t: "int32", v: [0, OPEN] },
        { n: "AssignmentEpoch", k: "assignment_epoch", t: "int32", v: [0, OPEN] },
        { n: "AssignorName", k: "assignor_name", t: "string", v: [0, OPEN] },
        { n: "Members", k: "members", t: "[]struct", v: [0, OPEN], s: "Member", f: [
          { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN] },
          { n: "RackId", k: "rack_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "MemberEpoch", k: "member_epoch", t: "int32", v: [0, OPEN] },
          { n: "ClientId", k: "client_id", t: "string", v: [0, OPEN] },
          { n: "ClientHost", k: "client_host", t: "string", v: [0, OPEN] },
          { n: "SubscribedTopicNames", k: "subscribed_topic_names", t: "[]string", v: [0, OPEN] },
          { n: "Assignment", k: "assignment", t: "struct", v: [0, OPEN], s: "Assignment", f: [
            { n: "TopicPartitions", k: "topic_partitions", t: "[]struct", v: [0, OPEN], s: "TopicPartitions", f: [
              { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
              { n: "TopicName", k: "topic_name", t: "string", v: [0, OPEN] },
              { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
            ] },
          ] },
        ] },
        { n: "AuthorizedOperations", k: "authorized_operations", t: "int32", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 78, name: "ShareFetch", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "ShareSessionEpoch", k: "share_session_epoch", t: "int32", v: [0, OPEN] },
      { n: "MaxWaitMs", k: "max_wait_ms", t: "int32", v: [0, OPEN] },
      { n: "MinBytes", k: "min_bytes", t: "int32", v: [0, OPEN] },
      { n: "MaxBytes", k: "max_bytes", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "FetchTopic", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "FetchPartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "PartitionMaxBytes", k: "partition_max_bytes", t: "int32", v: [0, OPEN] },
          { n: "AcknowledgementBatches", k: "acknowledgement_batches", t: "[]struct", v: [0, OPEN], s: "AcknowledgementBatch", f: [
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [0, OPEN] },
            { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
            { n: "AcknowledgeTypes", k: "acknowledge_types", t: "[]int8", v: [0, OPEN] },
          ] },
        ] },
      ] },
      { n: "ForgottenTopicsData", k: "forgotten_topics_data", t: "[]struct", v: [0, OPEN], s: "ForgottenTopic", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]int32", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "ShareFetchableTopicResponse", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "AcknowledgeErrorCode", k: "acknowledge_error_code", t: "int16", v: [0, OPEN] },
          { n: "AcknowledgeErrorMessage", k: "acknowledge_error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "CurrentLeader", k: "current_leader", t: "struct", v: [0, OPEN], s: "LeaderIdAndEpoch", f: [
            { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
            { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          ] },
          { n: "Records", k: "records", t: "records", v: [0, OPEN], nv: [0, OPEN] },
          { n: "AcquiredRecords", k: "acquired_records", t: "[]struct", v: [0, OPEN], s: "AcquiredRecords", f: [
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [0, OPEN] },
            { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
            { n: "DeliveryCount", k: "delivery_count", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [0, OPEN], s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 79, name: "ShareAcknowledge", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "MemberId", k: "member_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "ShareSessionEpoch", k: "share_session_epoch", t: "int32", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "AcknowledgeTopic", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "AcknowledgePartition", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "AcknowledgementBatches", k: "acknowledgement_batches", t: "[]struct", v: [0, OPEN], s: "AcknowledgementBatch", f: [
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [0, OPEN] },
            { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
            { n: "AcknowledgeTypes", k: "acknowledge_types", t: "[]int8", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "Responses", k: "responses", t: "[]struct", v: [0, OPEN], s: "ShareAcknowledgeTopicResponse", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "PartitionIndex", k: "partition_index", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "CurrentLeader", k: "current_leader", t: "struct", v: [0, OPEN], s: "LeaderIdAndEpoch", f: [
            { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
            { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          ] },
        ] },
      ] },
      { n: "NodeEndpoints", k: "node_endpoints", t: "[]struct", v: [0, OPEN], s: "NodeEndpoint", f: [
        { n: "NodeId", k: "node_id", t: "int32", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
        { n: "Rack", k: "rack", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 80, name: "AddRaftVoter", valid: [0, 0], flex: 0,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "TimeoutMs", k: "timeout_ms", t: "int32", v: [0, OPEN] },
      { n: "VoterId", k: "voter_id", t: "int32", v: [0, OPEN] },
      { n: "VoterDirectoryId", k: "voter_directory_id", t: "uuid", v: [0, OPEN] },
      { n: "Listeners", k: "listeners", t: "[]struct", v: [0, OPEN], s: "Listener", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
    ],
  },
  {
    key: 81, name: "RemoveRaftVoter", valid: [0, 0], flex: 0,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "VoterId", k: "voter_id", t: "int32", v: [0, OPEN] },
      { n: "VoterDirectoryId", k: "voter_directory_id", t: "uuid", v: [0, OPEN] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
    ],
  },
  {
    key: 82, name: "UpdateRaftVoter", valid: [0, 0], flex: 0,
    req: [
      { n: "ClusterId", k: "cluster_id", t: "string", v: [0, OPEN], nv: [0, OPEN] },
      { n: "CurrentLeaderEpoch", k: "current_leader_epoch", t: "int32", v: [0, OPEN] },
      { n: "VoterId", k: "voter_id", t: "int32", v: [0, OPEN] },
      { n: "VoterDirectoryId", k: "voter_directory_id", t: "uuid", v: [0, OPEN] },
      { n: "Listeners", k: "listeners", t: "[]struct", v: [0, OPEN], s: "Listener", f: [
        { n: "Name", k: "name", t: "string", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "uint16", v: [0, OPEN] },
      ] },
      { n: "KRaftVersionFeature", k: "kraft_version_feature", t: "struct", v: [0, OPEN], s: "KRaftVersionFeature", f: [
        { n: "MinSupportedVersion", k: "min_supported_version", t: "int16", v: [0, OPEN] },
        { n: "MaxSupportedVersion", k: "max_supported_version", t: "int16", v: [0, OPEN] },
      ] },
    ],
    res: [
      { n: "ThrottleTimeMs", k: "throttle_time_ms", t: "int32", v: [0, OPEN] },
      { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
      { n: "CurrentLeader", k: "current_leader", t: "struct", v: [0, OPEN], tv: [0, OPEN], tag: 0, s: "CurrentLeader", f: [
        { n: "LeaderId", k: "leader_id", t: "int32", v: [0, OPEN] },
        { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        { n: "Host", k: "host", t: "string", v: [0, OPEN] },
        { n: "Port", k: "port", t: "int32", v: [0, OPEN] },
      ] },
    ],
  },
  {
    key: 83, name: "InitializeShareGroupState", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "InitializeStateData", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "StateEpoch", k: "state_epoch", t: "int32", v: [0, OPEN] },
          { n: "StartOffset", k: "start_offset", t: "int64", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "InitializeStateResult", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 84, name: "ReadShareGroupState", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "ReadStateData", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "ReadStateResult", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "StateEpoch", k: "state_epoch", t: "int32", v: [0, OPEN] },
          { n: "StartOffset", k: "start_offset", t: "int64", v: [0, OPEN] },
          { n: "StateBatches", k: "state_batches", t: "[]struct", v: [0, OPEN], s: "StateBatch", f: [
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [0, OPEN] },
            { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
            { n: "DeliveryState", k: "delivery_state", t: "int8", v: [0, OPEN] },
            { n: "DeliveryCount", k: "delivery_count", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
  },
  {
    key: 85, name: "WriteShareGroupState", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "WriteStateData", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "StateEpoch", k: "state_epoch", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
          { n: "StartOffset", k: "start_offset", t: "int64", v: [0, OPEN] },
          { n: "StateBatches", k: "state_batches", t: "[]struct", v: [0, OPEN], s: "StateBatch", f: [
            { n: "FirstOffset", k: "first_offset", t: "int64", v: [0, OPEN] },
            { n: "LastOffset", k: "last_offset", t: "int64", v: [0, OPEN] },
            { n: "DeliveryState", k: "delivery_state", t: "int8", v: [0, OPEN] },
            { n: "DeliveryCount", k: "delivery_count", t: "int16", v: [0, OPEN] },
          ] },
        ] },
      ] },
    ],
    res: [
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "WriteStateResult", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 86, name: "DeleteShareGroupState", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "DeleteStateData", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "DeleteStateResult", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
        ] },
      ] },
    ],
  },
  {
    key: 87, name: "ReadShareGroupStateSummary", valid: [0, 0], flex: 0,
    req: [
      { n: "GroupId", k: "group_id", t: "string", v: [0, OPEN] },
      { n: "Topics", k: "topics", t: "[]struct", v: [0, OPEN], s: "ReadStateSummaryData", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionData", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "LeaderEpoch", k: "leader_epoch", t: "int32", v: [0, OPEN] },
        ] },
      ] },
    ],
    res: [
      { n: "Results", k: "results", t: "[]struct", v: [0, OPEN], s: "ReadStateSummaryResult", f: [
        { n: "TopicId", k: "topic_id", t: "uuid", v: [0, OPEN] },
        { n: "Partitions", k: "partitions", t: "[]struct", v: [0, OPEN], s: "PartitionResult", f: [
          { n: "Partition", k: "partition", t: "int32", v: [0, OPEN] },
          { n: "ErrorCode", k: "error_code", t: "int16", v: [0, OPEN] },
          { n: "ErrorMessage", k: "error_message", t: "string", v: [0, OPEN], nv: [0, OPEN] },
          { n: "StateEpoch", k: "state_epoch", t: "int32", v: [0, OPEN] },
          { n: "StartOffset", k: "start_offset", t: "int64", v: [0, OPEN] },
        ] },
      ] },
    ],
  },
];
