# Kafka topics and ACLs are declared, not created: no Kafka provider is assumed (MSK's AWS API manages clusters,
# not topics or ACLs, and none is in the offline mirror the tests use). The outputs below feed kafka-topics.sh and
# kafka-acls.sh, Strimzi KafkaTopic/KafkaUser, or a Kafka provider in the root module (README shows how).

locals {
  request_topic_roles = ["inversion-requests", "edit-requests"]

  # one worker pod consumes one record at a time, and a partition belongs to one consumer of the group:
  # more pods than the request topics' partitions would sit idle
  max_worker_replicas = max([for role in local.request_topic_roles : var.kafka_topics[role].partitions]...)

  # Requests and events are small JSON (images travel through S3): 256 KiB caps what a client can make a worker
  # parse and a broker keep. A dead letter is an intact request plus failure headers, so its topic takes 1 MiB;
  # it is kept 3 days, long enough to notice and replay, not a store of people's captions.
  kafka_topics = {
    for role, topic in var.kafka_topics : role => merge(topic, {
      retention_ms      = coalesce(topic.retention_ms, endswith(role, "-dlq") ? 259200000 : 604800000)
      max_message_bytes = coalesce(topic.max_message_bytes, endswith(role, "-dlq") ? 1048576 : 262144)
    })
  }

  kafka_topic_commands = [
    for role, topic in local.kafka_topics :
    "kafka-topics.sh --bootstrap-server \"$KAFKA_BOOTSTRAP_SERVERS\" --create --if-not-exists --topic ${topic.name} --partitions ${topic.partitions} --replication-factor ${topic.replication_factor} --config min.insync.replicas=${topic.min_insync_replicas} --config retention.ms=${topic.retention_ms} --config max.message.bytes=${topic.max_message_bytes}"
  ]

  # Per role, least privilege (Read and Write imply Describe on a topic; Describe is listed so a broker with
  # allow.everyone.if.no.acl.found=false shows metadata). web: writes the request topics. worker: reads them in
  # its group and writes them back (requeue of an edit that waits for its inversion), the events and the dead
  # letters. KEDA: describes the group and the request topics to read the lag. Describe on the cluster: both
  # applications' health checks call describeCluster.
  request_topics    = [for role in local.request_topic_roles : var.kafka_topics[role].name]
  written_by_worker = concat(local.request_topics, [for role in ["inversion-events", "edit-events", "inversion-requests-dlq", "edit-requests-dlq"] : var.kafka_topics[role].name])
  kafka_acl_grants = concat(
    [for topic in local.request_topics : { principal = var.kafka_principals.web, operation = "Write", resource_type = "Topic", resource_name = topic }],
    [for topic in local.request_topics : { principal = var.kafka_principals.web, operation = "Describe", resource_type = "Topic", resource_name = topic }],
    [{ principal = var.kafka_principals.web, operation = "Describe", resource_type = "Cluster", resource_name = "kafka-cluster" }],
    [for topic in local.request_topics : { principal = var.kafka_principals.worker, operation = "Read", resource_type = "Topic", resource_name = topic }],
    [{ principal = var.kafka_principals.worker, operation = "Read", resource_type = "Group", resource_name = var.kafka_consumer_group }],
    [for topic in local.written_by_worker : { principal = var.kafka_principals.worker, operation = "Write", resource_type = "Topic", resource_name = topic }],
    [for topic in local.written_by_worker : { principal = var.kafka_principals.worker, operation = "Describe", resource_type = "Topic", resource_name = topic }],
    [{ principal = var.kafka_principals.worker, operation = "Describe", resource_type = "Cluster", resource_name = "kafka-cluster" }],
    [{ principal = var.kafka_principals.keda, operation = "Describe", resource_type = "Group", resource_name = var.kafka_consumer_group }],
    [for topic in local.request_topics : { principal = var.kafka_principals.keda, operation = "Describe", resource_type = "Topic", resource_name = topic }],
  )
  kafka_acls = [for g in local.kafka_acl_grants : merge(g, { permission = "Allow", pattern_type = "LITERAL", host = "*" })]

  kafka_acl_resource_flag = { Topic = "--topic", Group = "--group", Cluster = "--cluster" }
  kafka_acl_commands = [
    for a in local.kafka_acls :
    "kafka-acls.sh --bootstrap-server \"$KAFKA_BOOTSTRAP_SERVERS\" --command-config \"$KAFKA_ADMIN_CONFIG\" --add --allow-principal ${a.principal} --operation ${a.operation} ${a.resource_type == "Cluster" ? "--cluster" : "${local.kafka_acl_resource_flag[a.resource_type]} ${a.resource_name}"} --resource-pattern-type literal"
  ]
}
