# ---- the bucket ----

variable "bucket_name" {
  description = "Name of the S3 bucket that holds uploads (input photos), the worker's artifacts (inversions/, edits/) and the model snapshot. Becomes RECAPTION_ARTIFACTS_BUCKET and RECAPTION_INPUT_BUCKETS."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds objects (and all their versions). Leave false outside throwaway environments."
  type        = bool
  default     = false
}

variable "uploads_prefix" {
  description = "Key prefix under which clients upload input photos. The worker may read only these keys (and its own artifacts); objects here expire after uploads_expiration_days."
  type        = string
  default     = "uploads/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*/$", var.uploads_prefix))
    error_message = "uploads_prefix must be a non-empty relative key prefix ending in '/' (no leading '/')."
  }
}

variable "artifacts_prefix" {
  description = "Prefix before the worker's inversions/ and edits/ folders. Must equal the worker's recaption.artifacts.prefix (RECAPTION_ARTIFACTS_PREFIX); empty by default, like the application's default."
  type        = string
  default     = ""

  validation {
    condition     = var.artifacts_prefix == "" || can(regex("^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*/$", var.artifacts_prefix))
    error_message = "artifacts_prefix must be empty or a relative key prefix ending in '/' (no leading '/')."
  }
}

variable "models_prefix" {
  description = "Prefix under which diffusers snapshot folders are stored (e.g. models/stable-diffusion-v1-5/). The worker's init container syncs one of them into the pod; the worker may only read here."
  type        = string
  default     = "models/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]*/$", var.models_prefix))
    error_message = "models_prefix must be a non-empty relative key prefix ending in '/' (no leading '/')."
  }
}

variable "uploads_expiration_days" {
  description = "Days after which uploaded input photos expire. The inversion keeps everything an edit needs, so uploads are only needed until their inversion has run."
  type        = number
  default     = 30

  validation {
    condition     = var.uploads_expiration_days >= 1 && floor(var.uploads_expiration_days) == var.uploads_expiration_days
    error_message = "uploads_expiration_days must be a whole number of days, at least 1."
  }
}

variable "artifacts_expiration_days" {
  description = "Days after which inversions, edits and the caption editor's records expire (90 by default, so photos people uploaded do not stay for ever); null keeps them until deleted. Edits need their inversion, so all expire together."
  type        = number
  default     = 90

  validation {
    condition     = var.artifacts_expiration_days == null || try(var.artifacts_expiration_days >= 1 && floor(var.artifacts_expiration_days) == var.artifacts_expiration_days, false)
    error_message = "artifacts_expiration_days must be null or a whole number of days, at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which overwritten object versions are deleted. The worker rewrites status.json as a job progresses, so without this rule versioning keeps every progress update."
  type        = number
  default     = 7

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, at least 1."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which unfinished multipart uploads (e.g. from a worker killed mid-upload) are aborted and their parts deleted."
  type        = number
  default     = 3

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1 && floor(var.abort_incomplete_multipart_upload_days) == var.abort_incomplete_multipart_upload_days
    error_message = "abort_incomplete_multipart_upload_days must be a whole number of days, at least 1."
  }
}

# ---- encryption ----

variable "sse_algorithm" {
  description = "Default encryption of the bucket: \"aws:kms\" (SSE-KMS with kms_key_arn, or a key this module creates) or \"AES256\" (SSE-S3)."
  type        = string
  default     = "aws:kms"

  validation {
    condition     = contains(["aws:kms", "AES256"], var.sse_algorithm)
    error_message = "sse_algorithm must be \"aws:kms\" or \"AES256\"."
  }
}

variable "kms_key_arn" {
  description = "Existing KMS key for SSE-KMS. Null with sse_algorithm = \"aws:kms\" creates a dedicated key with rotation enabled. Ignored with AES256."
  type        = string
  default     = null
}

variable "kms_key_deletion_window_days" {
  description = "Waiting period before a KMS key created by this module is deleted after `terraform destroy` (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_key_deletion_window_days >= 7 && var.kms_key_deletion_window_days <= 30
    error_message = "kms_key_deletion_window_days must be between 7 and 30."
  }
}

# ---- the worker's IAM role (IRSA) ----

variable "oidc_provider_arn" {
  description = "ARN of the EKS cluster's IAM OIDC provider (arn:aws:iam::<account>:oidc-provider/oidc.eks.<region>.amazonaws.com/id/<id>); the worker's ServiceAccount assumes the role through it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:oidc-provider/.+", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN (arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>)."
  }
}

variable "namespace" {
  description = "Kubernetes namespace of the worker; must match k8s/base/kustomization.yaml (namespace)."
  type        = string
  default     = "recaption"
}

variable "service_account_name" {
  description = "Kubernetes ServiceAccount of the worker; must match k8s/base/serviceaccount.yaml."
  type        = string
  default     = "recaption-worker"
}

variable "role_name" {
  description = "Name of the worker's IAM role. Null derives it from the bucket name."
  type        = string
  default     = null
}

variable "model_sync_role_name" {
  description = "Name of the model sync's read-only IAM role (the init container that copies the model). Null derives it from the bucket name (`<bucket>-model-sync`)."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the worker's role, where the account requires one."
  type        = string
  default     = null
}

# ---- Kafka topics (declared here, created by whatever manages the cluster; see README) ----

variable "kafka_topics" {
  description = <<-EOT
    The worker's topics, keyed by their role in the application (the suffix of recaption.topics.<role> in
    application.properties). name must equal the application's value (or its RECAPTION_TOPICS_* override).
    The request topics' partition counts bound the useful number of workers: one pod handles one record at a
    time and a partition is consumed by one pod, so KEDA's maxReplicaCount must not exceed them (output
    max_worker_replicas). No Terraform provider for Kafka is assumed: outputs kafka_topics and
    kafka_topic_commands feed MSK/Strimzi/kafka-topics.sh (see README).
  EOT
  type = map(object({
    name                = string
    partitions          = number
    replication_factor  = optional(number, 3)
    min_insync_replicas = optional(number, 2)
    # null: 7 days (3 for dead letters) and 256 KiB (1 MiB for dead letters); see local.kafka_topics
    retention_ms      = optional(number)
    max_message_bytes = optional(number)
  }))
  default = {
    "inversion-requests"     = { name = "inversion-requests", partitions = 8 }
    "edit-requests"          = { name = "edit-requests", partitions = 8 }
    "inversion-events"       = { name = "inversion-events", partitions = 4 }
    "edit-events"            = { name = "edit-events", partitions = 4 }
    "inversion-requests-dlq" = { name = "inversion-requests-dlq", partitions = 1 }
    "edit-requests-dlq"      = { name = "edit-requests-dlq", partitions = 1 }
  }

  validation {
    condition = (
      length(var.kafka_topics) == 6 &&
      alltrue([for role in ["inversion-requests", "edit-requests", "inversion-events", "edit-events", "inversion-requests-dlq", "edit-requests-dlq"] : contains(keys(var.kafka_topics), role)])
    )
    error_message = "kafka_topics must have exactly the roles inversion-requests, edit-requests, inversion-events, edit-events, inversion-requests-dlq and edit-requests-dlq."
  }

  validation {
    condition     = alltrue([for t in values(var.kafka_topics) : t.min_insync_replicas >= 1 && t.min_insync_replicas <= t.replication_factor])
    error_message = "min_insync_replicas must be between 1 and the topic's replication_factor (2 of 3 by default: acks=all then survives one broker down, and a write is on two brokers before it counts)."
  }

  validation {
    condition     = alltrue([for t in values(var.kafka_topics) : t.partitions >= 1 && t.replication_factor >= 1 && can(regex("^[A-Za-z0-9._-]{1,249}$", t.name))])
    error_message = "Every topic needs partitions >= 1, replication_factor >= 1 and a legal Kafka topic name."
  }
}

variable "tags" {
  description = "Tags for every resource this module creates."
  type        = map(string)
  default     = {}
}

# ---- the caption editor's IAM role (IRSA) ----

variable "web_service_account_name" {
  description = "Kubernetes ServiceAccount of the caption editor (`web` command); must match k8s/web/serviceaccount.yaml."
  type        = string
  default     = "recaption-web"
}

variable "web_role_name" {
  description = "Name of the caption editor's IAM role. Null derives it from the bucket name."
  type        = string
  default     = null
}

# ---- Kafka principals (ACLs; see kafka_acls) ----

variable "kafka_principals" {
  description = "Kafka principals of the three clients, as the brokers name them (User:<SCRAM user>, or for MSK IAM the role ARN as User:arn:aws:sts::<account>:assumed-role/<role>/*; see README). Output kafka_acls grants each only what it does."
  type = object({
    web    = optional(string, "User:recaption-web")
    worker = optional(string, "User:recaption-worker")
    keda   = optional(string, "User:keda")
  })
  default = {}

  validation {
    condition     = alltrue([for p in values(var.kafka_principals) : can(regex("^User:.+", p))]) && length(distinct(values(var.kafka_principals))) == 3
    error_message = "kafka_principals must be three distinct principals of the form User:<name>."
  }
}

variable "kafka_consumer_group" {
  description = "The worker's consumer group (recaption.consumer-group); the worker reads in it and KEDA describes its lag."
  type        = string
  default     = "recaption-worker"
}
