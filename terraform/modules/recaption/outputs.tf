output "bucket_name" {
  description = "The bucket: RECAPTION_ARTIFACTS_BUCKET and RECAPTION_INPUT_BUCKETS in the worker's environment."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "KMS key of the bucket's default encryption (null with AES256). Clients that upload photos need kms:GenerateDataKey on it."
  value       = local.kms_key_arn
}

output "uploads_s3_uri" {
  description = "Where clients put input photos; the worker may read nothing else but its own artifacts."
  value       = "s3://${aws_s3_bucket.this.id}/${var.uploads_prefix}"
}

output "models_s3_uri" {
  description = "Prefix for diffusers snapshot folders; MODEL_S3_URI in k8s/base/worker.env names one of them (s3://<bucket>/models/<name>/)."
  value       = "s3://${aws_s3_bucket.this.id}/${var.models_prefix}"
}

output "worker_role_arn" {
  description = "The worker's IAM role: the value of the eks.amazonaws.com/role-arn annotation on its ServiceAccount."
  value       = aws_iam_role.worker.arn
}

output "worker_role_name" {
  description = "Name of the worker's IAM role."
  value       = aws_iam_role.worker.name
}

output "model_sync_role_arn" {
  description = "The model sync's read-only role: MODEL_SYNC_ROLE_ARN in k8s/base/worker.env (the fetch-model init container assumes it)."
  value       = aws_iam_role.model_sync.arn
}

output "worker_env" {
  description = "Values for k8s/base/worker.env (or an overlay's configMapGenerator) that follow from this module."
  value = merge(
    {
      RECAPTION_ARTIFACTS_BUCKET = aws_s3_bucket.this.id
      RECAPTION_INPUT_BUCKETS    = aws_s3_bucket.this.id
      RECAPTION_INPUT_PREFIXES   = var.uploads_prefix
      MODEL_SYNC_ROLE_ARN        = aws_iam_role.model_sync.arn
    },
    var.artifacts_prefix == "" ? {} : { RECAPTION_ARTIFACTS_PREFIX = var.artifacts_prefix },
    { for role, topic in var.kafka_topics : "RECAPTION_TOPICS_${upper(replace(role, "-", "_"))}" => topic.name },
  )
}

output "kafka_topics" {
  description = "The worker's topics by role, with partitions, replication factor, retention and max.message.bytes (defaults resolved)."
  value       = local.kafka_topics
}

output "kafka_topic_commands" {
  description = "kafka-topics.sh commands that create the topics (idempotent: --if-not-exists)."
  value       = local.kafka_topic_commands
}

output "max_worker_replicas" {
  description = "Upper bound for KEDA's maxReplicaCount: the larger partition count of the two request topics."
  value       = local.max_worker_replicas
}

output "web_role_arn" {
  description = "The caption editor's IAM role: the eks.amazonaws.com/role-arn annotation on its ServiceAccount (k8s/web)."
  value       = aws_iam_role.web.arn
}

output "web_role_name" {
  description = "Name of the caption editor's IAM role."
  value       = aws_iam_role.web.name
}

output "web_env" {
  description = "Values for k8s/web/web.env that follow from this module."
  value = merge(
    {
      RECAPTION_ARTIFACTS_BUCKET   = aws_s3_bucket.this.id
      RECAPTION_INPUT_BUCKETS      = aws_s3_bucket.this.id
      RECAPTION_WEB_UPLOADS_PREFIX = var.uploads_prefix
    },
    var.artifacts_prefix == "" ? {} : { RECAPTION_ARTIFACTS_PREFIX = var.artifacts_prefix },
    { for role in ["inversion-requests", "edit-requests"] : "RECAPTION_TOPICS_${upper(replace(role, "-", "_"))}" => var.kafka_topics[role].name },
  )
}

output "kafka_acls" {
  description = "The ACLs each client needs, least privilege per role (web writes requests; the worker reads requests in its group and writes events, dead letters and requeues; KEDA describes the group's lag): principal, operation, resource type and name, Allow, literal."
  value       = local.kafka_acls
}

output "kafka_acl_commands" {
  description = "kafka-acls.sh commands that add kafka_acls, run with an admin client configuration in $KAFKA_ADMIN_CONFIG (idempotent: an existing ACL is kept)."
  value       = local.kafka_acl_commands
}

output "tenant_reader_policy_arn" {
  description = "A policy confining a role tagged recaption-tenant=<owner> to that owner's artifacts (tenants/<owner>/) and uploads (uploads/<owner>/)."
  value       = aws_iam_policy.tenant_reader.arn
}
