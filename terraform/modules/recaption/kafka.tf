# Kafka topics are declared, not created: no Kafka provider is assumed (MSK's AWS API manages clusters,
# not topics). The outputs below feed kafka-topics.sh, a Strimzi KafkaTopic, or a Kafka provider in the
# root module (README shows both).

locals {
  request_topic_roles = ["inversion-requests", "edit-requests"]

  # one worker pod consumes one record at a time, and a partition belongs to one consumer of the group:
  # more pods than the request topics' partitions would sit idle
  max_worker_replicas = max([for role in local.request_topic_roles : var.kafka_topics[role].partitions]...)

  kafka_topic_commands = [
    for role, topic in var.kafka_topics :
    "kafka-topics.sh --bootstrap-server \"$KAFKA_BOOTSTRAP_SERVERS\" --create --if-not-exists --topic ${topic.name} --partitions ${topic.partitions} --replication-factor ${topic.replication_factor} --config min.insync.replicas=${topic.min_insync_replicas} --config retention.ms=${topic.retention_ms}"
  ]
}
