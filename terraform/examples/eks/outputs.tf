output "service_account_role_arn" {
  description = "Annotate the worker's ServiceAccount with it: eks.amazonaws.com/role-arn."
  value       = module.recaption.worker_role_arn
}

output "worker_env" {
  description = "Lines for k8s/base/worker.env (or an overlay's configMapGenerator)."
  value = merge(module.recaption.worker_env, {
    QUARKUS_S3_AWS_REGION = var.region
    MODEL_S3_URI          = "${module.recaption.models_s3_uri}${var.model_name}/"
  })
}

output "uploads_s3_uri" {
  description = "Where clients upload photos before publishing an inversion request."
  value       = module.recaption.uploads_s3_uri
}

output "kafka_topic_commands" {
  description = "Commands that create the worker's topics on your Kafka/MSK cluster."
  value       = module.recaption.kafka_topic_commands
}

output "kafka_acl_commands" {
  description = "Commands that add the per-role ACLs (editor, worker, KEDA) on your Kafka cluster."
  value       = module.recaption.kafka_acl_commands
}

output "max_worker_replicas" {
  description = "Keep KEDA's maxReplicaCount (k8s ScaledObject) at or below this."
  value       = module.recaption.max_worker_replicas
}

output "web_service_account_role_arn" {
  description = "Annotate the caption editor's ServiceAccount (k8s/web/serviceaccount.yaml) with it: eks.amazonaws.com/role-arn."
  value       = module.recaption.web_role_arn
}

output "web_env" {
  description = "Lines for k8s/web/web.env."
  value = merge(module.recaption.web_env, {
    QUARKUS_S3_AWS_REGION = var.region
  })
}
