# Offline checks of what the module would create (`terraform test`, Terraform >= 1.7): the AWS provider is
# mocked, so nothing is called and no credentials are needed. Run from terraform/modules/recaption.

mock_provider "aws" {
  mock_resource "aws_s3_bucket" {
    defaults = {
      arn = "arn:aws:s3:::recaption-test"
      id  = "recaption-test"
    }
  }
  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }
}

variables {
  bucket_name       = "recaption-test"
  oidc_provider_arn = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE"
}

run "bucket_is_private_versioned_encrypted_and_tls_only" {
  command = apply

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "object ownership must be BucketOwnerEnforced (ACLs disabled)"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "all four public access block settings must be on"
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "versioning must be enabled"
  }

  assert {
    condition = (
      one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "aws:kms" &&
      one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).kms_master_key_id]) == aws_kms_key.this[0].arn
    )
    error_message = "default encryption must be SSE-KMS with the module's key"
  }

  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation
    error_message = "the module's KMS key must rotate"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
      && contains(try(s.Resource, []), "arn:aws:s3:::recaption-test") && contains(try(s.Resource, []), "arn:aws:s3:::recaption-test/*")
    ])
    error_message = "the bucket policy must deny every request that does not use TLS, on the bucket and its objects"
  }
}

run "lifecycle_expires_uploads_old_versions_and_aborted_uploads" {
  command = apply

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      r.status == "Enabled" && try(one(r.filter).prefix, null) == "uploads/" && try(one(r.expiration).days, null) == 30
    ])
    error_message = "uploads/ must expire after uploads_expiration_days"
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      r.status == "Enabled" && try(one(r.abort_incomplete_multipart_upload).days_after_initiation, null) == 3
    ])
    error_message = "incomplete multipart uploads must be aborted"
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      r.status == "Enabled" && try(one(r.noncurrent_version_expiration).noncurrent_days, null) == 7
    ])
    error_message = "noncurrent versions (old status.json) must expire"
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      !anytrue([for f in r.filter : startswith(coalesce(f.prefix, "-"), "models/")]) || try(one(r.expiration).days, null) == null
    ])
    error_message = "models must never expire"
  }

  # artifacts do not pile up for ever by default: inversions, edits and the editor's records expire together
  assert {
    condition = toset([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : one(r.filter).prefix
      if r.status == "Enabled" && try(one(r.expiration).days, null) == 90 && length(r.filter) == 1
    ]) == toset(["inversions/", "edits/", "tenants/", "web/"])
    error_message = "by default inversions/, edits/, tenants/ and web/ must expire after 90 days (artifacts_expiration_days)"
  }
}

run "artifacts_can_be_kept_until_deleted" {
  command = apply

  variables {
    artifacts_expiration_days = null
  }

  assert {
    condition = alltrue([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule :
      !anytrue([for f in r.filter : startswith(coalesce(f.prefix, "-"), "inversions/") || startswith(coalesce(f.prefix, "-"), "edits/") || startswith(coalesce(f.prefix, "-"), "tenants/") || startswith(coalesce(f.prefix, "-"), "web/")]) || try(one(r.expiration).days, null) == null
    ])
    error_message = "artifacts_expiration_days = null must keep artifacts until deleted"
  }
}

run "bucket_policy_enforces_write_once_manifests_and_records" {
  command = apply

  # S3 cannot make an object immutable per key, but it can refuse a PutObject without If-None-Match: a manifest
  # (the winning attempt's, DESIGN §5) and an editor's record are then written once, whoever holds a grant
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && contains(flatten([s.Action]), "s3:PutObject")
      && toset(flatten([try(s.Resource, [])])) == toset(["arn:aws:s3:::recaption-test/inversions/*/manifest.json", "arn:aws:s3:::recaption-test/edits/*/manifest.json", "arn:aws:s3:::recaption-test/tenants/*/inversions/*/manifest.json", "arn:aws:s3:::recaption-test/tenants/*/edits/*/manifest.json", "arn:aws:s3:::recaption-test/web/*"])
      && try(s.Condition.Null["s3:if-none-match"], "") == "true"
    ])
    error_message = "the bucket policy must deny manifest and web-record writes that carry no If-None-Match"
  }

  # the worker deletes only files of attempts (inversions/<id>/<attempt>/<file>): never a manifest, status or lease
  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && contains(flatten([s.Action]), "s3:DeleteObject")
      && toset(flatten([try(s.NotResource, [])])) == toset(["arn:aws:s3:::recaption-test/inversions/*/*/*", "arn:aws:s3:::recaption-test/edits/*/*/*", "arn:aws:s3:::recaption-test/tenants/*/inversions/*/*/*", "arn:aws:s3:::recaption-test/tenants/*/edits/*/*/*"])
      && try(s.Condition.ArnEquals["aws:PrincipalArn"], "") == aws_iam_role.worker.arn
    ])
    error_message = "the bucket policy must deny the worker's deletes outside attempt folders"
  }
}

run "artifact_rules_follow_the_prefix" {
  command = apply

  variables {
    artifacts_prefix = "recaption/"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement :
      s.Effect == "Deny" && contains(flatten([s.Action]), "s3:PutObject") && contains(flatten([try(s.Resource, [])]), "arn:aws:s3:::recaption-test/recaption/inversions/*/manifest.json")
    ])
    error_message = "write-once enforcement must follow artifacts_prefix"
  }
}

run "worker_role_is_scoped_to_its_service_account_and_prefixes" {
  command = apply

  assert {
    condition = (
      jsondecode(aws_iam_role.worker.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"] == "system:serviceaccount:recaption:recaption-worker" &&
      jsondecode(aws_iam_role.worker.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:aud"] == "sts.amazonaws.com" &&
      jsondecode(aws_iam_role.worker.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    )
    error_message = "only the worker's ServiceAccount may assume the role, through the cluster's OIDC provider"
  }

  # no wildcard actions, no bucket administration
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement : [
        for a in flatten([s.Action]) : s.Effect == "Allow" && contains(["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "kms:Decrypt", "kms:GenerateDataKey"], a)
      ]
    ]))
    error_message = "the worker's policy may only list, read, write, delete and abort uploads (plus use the bucket's KMS key)"
  }

  # deletes only in attempt folders (a losing or dead attempt's files), never a manifest, status.json or lease.json
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement :
      !contains(flatten([s.Action]), "s3:DeleteObject") || toset(flatten([s.Resource])) == toset(["arn:aws:s3:::recaption-test/inversions/*/*/*", "arn:aws:s3:::recaption-test/edits/*/*/*", "arn:aws:s3:::recaption-test/tenants/*/inversions/*/*/*", "arn:aws:s3:::recaption-test/tenants/*/edits/*/*/*"])
    ])
    error_message = "the worker may delete only in attempt folders (inversions/<id>/<attempt>/, edits/<id>/<attempt>/)"
  }

  # listing only by prefix: uploads/ and its own folders
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement :
      !contains(flatten([s.Action]), "s3:ListBucket") || toset(try(s.Condition.StringLike["s3:prefix"], [])) == toset(["uploads/*", "inversions/*", "edits/*", "tenants/*/inversions/*", "tenants/*/edits/*"])
    ])
    error_message = "the worker's ListBucket must be limited to the uploads/, inversions/ and edits/ prefixes"
  }

  # writes only under the artifact folders
  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement :
      !contains(flatten([s.Action]), "s3:PutObject") || toset(flatten([s.Resource])) == toset(["arn:aws:s3:::recaption-test/inversions/*", "arn:aws:s3:::recaption-test/edits/*", "arn:aws:s3:::recaption-test/tenants/*/inversions/*", "arn:aws:s3:::recaption-test/tenants/*/edits/*"])
    ])
    error_message = "the worker may write only under inversions/ and edits/"
  }

  # reads uploads (the model sync reads models/), never the whole bucket
  assert {
    condition = (
      anytrue([for s in jsondecode(aws_iam_role_policy.worker.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/uploads/*") && contains(flatten([s.Action]), "s3:GetObject")]) &&
      !anytrue([for s in jsondecode(aws_iam_role_policy.worker.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/models/*")]) &&
      !anytrue([for s in jsondecode(aws_iam_role_policy.worker.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/*")])
    )
    error_message = "the worker reads uploads/ and models/, and has no grant on every object"
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement :
      s.Resource == aws_kms_key.this[0].arn && contains(flatten([s.Action]), "kms:GenerateDataKey") && try(s.Condition.StringLike["kms:ViaService"], null) == "s3.*.amazonaws.com"
    ])
    error_message = "the worker uses the bucket's KMS key only through S3"
  }
}

run "web_role_is_scoped_to_its_service_account_and_prefixes" {
  command = apply

  assert {
    condition = (
      jsondecode(aws_iam_role.web.assume_role_policy).Statement[0].Condition.StringEquals["oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE:sub"] == "system:serviceaccount:recaption:recaption-web" &&
      jsondecode(aws_iam_role.web.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity" &&
      aws_iam_role.web.name != aws_iam_role.worker.name
    )
    error_message = "the caption editor has its own role, assumable only by its ServiceAccount"
  }

  # no wildcard actions, no bucket administration
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.web.policy).Statement : [
        for a in flatten([s.Action]) : s.Effect == "Allow" && contains(["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "kms:Decrypt", "kms:GenerateDataKey"], a)
      ]
    ]))
    error_message = "the caption editor may only list, read, write and delete objects (plus use the bucket's KMS key)"
  }

  # puts photos under uploads/ and its records under web/, nothing else; deletes only its records
  assert {
    condition = (
      toset(flatten([for s in jsondecode(aws_iam_role_policy.web.policy).Statement : flatten([s.Resource]) if contains(flatten([s.Action]), "s3:PutObject")])) == toset(["arn:aws:s3:::recaption-test/uploads/*", "arn:aws:s3:::recaption-test/web/*"]) &&
      toset(flatten([for s in jsondecode(aws_iam_role_policy.web.policy).Statement : flatten([s.Resource]) if contains(flatten([s.Action]), "s3:DeleteObject")])) == toset(["arn:aws:s3:::recaption-test/web/*"])
    )
    error_message = "the caption editor writes only under uploads/ and web/, and deletes only under web/"
  }

  # reads the artifacts, never models/ or the whole bucket
  assert {
    condition = (
      anytrue([for s in jsondecode(aws_iam_role_policy.web.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/inversions/*") && contains(flatten([s.Action]), "s3:GetObject")]) &&
      anytrue([for s in jsondecode(aws_iam_role_policy.web.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/edits/*") && contains(flatten([s.Action]), "s3:GetObject")]) &&
      !anytrue([for s in jsondecode(aws_iam_role_policy.web.policy).Statement : contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/models/*") || contains(flatten([s.Resource]), "arn:aws:s3:::recaption-test/*")])
    )
    error_message = "the caption editor reads inversions/ and edits/, and has no grant on models/ or on every object"
  }

  assert {
    condition     = output.web_env["RECAPTION_WEB_UPLOADS_PREFIX"] == "uploads/" && output.web_env["RECAPTION_TOPICS_EDIT_REQUESTS"] == "edit-requests"
    error_message = "web_env must carry the uploads prefix and the request topics"
  }
}

run "aes256_artifacts_prefix_and_artifact_expiry" {
  command = apply

  variables {
    sse_algorithm             = "AES256"
    artifacts_prefix          = "recaption/"
    artifacts_expiration_days = 90
  }

  assert {
    condition     = length(aws_kms_key.this) == 0 && output.kms_key_arn == null
    error_message = "AES256 must not create a KMS key"
  }

  assert {
    condition     = !anytrue([for s in jsondecode(aws_iam_role_policy.worker.policy).Statement : startswith(try(tostring(s.Sid), ""), "UseBucketKey")])
    error_message = "without SSE-KMS the worker needs no KMS permission"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.worker.policy).Statement :
      !contains(flatten([s.Action]), "s3:PutObject") || toset(flatten([s.Resource])) == toset(["arn:aws:s3:::recaption-test/recaption/inversions/*", "arn:aws:s3:::recaption-test/recaption/edits/*", "arn:aws:s3:::recaption-test/recaption/tenants/*/inversions/*", "arn:aws:s3:::recaption-test/recaption/tenants/*/edits/*"])
    ])
    error_message = "artifact grants must follow artifacts_prefix"
  }

  assert {
    condition     = length([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if try(one(r.expiration).days, null) == 90]) == 4
    error_message = "artifacts_expiration_days must expire the artifact folders (ownerless and tenants/) and the caption editor's records"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.web.policy).Statement :
      !contains(flatten([s.Action]), "s3:DeleteObject") || toset(flatten([s.Resource])) == toset(["arn:aws:s3:::recaption-test/recaption/web/*"])
    ])
    error_message = "the caption editor's own records must follow artifacts_prefix"
  }

  assert {
    condition     = output.worker_env["RECAPTION_ARTIFACTS_PREFIX"] == "recaption/"
    error_message = "worker_env must carry a non-empty artifacts prefix"
  }
}

run "topics_bound_the_worker_replicas" {
  command = plan

  variables {
    kafka_topics = {
      "inversion-requests"     = { name = "inversion-requests", partitions = 6 }
      "edit-requests"          = { name = "edit-requests", partitions = 3 }
      "inversion-events"       = { name = "inversion-events", partitions = 2 }
      "edit-events"            = { name = "edit-events", partitions = 2 }
      "inversion-requests-dlq" = { name = "inversion-requests-dlq", partitions = 1 }
      "edit-requests-dlq"      = { name = "edit-requests-dlq", partitions = 1 }
    }
  }

  assert {
    condition     = output.max_worker_replicas == 6
    error_message = "max_worker_replicas must be the larger request-topic partition count"
  }

  assert {
    condition     = length(output.kafka_topic_commands) == 6 && anytrue([for c in output.kafka_topic_commands : strcontains(c, "--topic edit-requests --partitions 3 ")])
    error_message = "one kafka-topics.sh command per topic, with its partitions"
  }
}

run "rejects_a_topic_map_without_every_role" {
  command = plan

  variables {
    kafka_topics = {
      "inversion-requests" = { name = "inversion-requests", partitions = 6 }
    }
  }

  expect_failures = [var.kafka_topics]
}

run "model_sync_role_is_read_only_on_models" {
  command = apply

  assert {
    condition     = aws_iam_role.model_sync.assume_role_policy == aws_iam_role.worker.assume_role_policy
    error_message = "the model sync is assumed with the worker pod's IRSA token, and by nothing else"
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_role_policy.model_sync.policy).Statement : [
        for a in flatten([s.Action]) : s.Effect == "Allow" && contains(["s3:ListBucket", "s3:GetObject", "kms:Decrypt"], a)
      ]
    ]))
    error_message = "the model sync may only list, read and decrypt"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.model_sync.policy).Statement :
      !contains(flatten([s.Action]), "s3:GetObject") || toset(flatten([s.Resource])) == toset(["arn:aws:s3:::recaption-test/models/*"])
    ])
    error_message = "the model sync may read only models/"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.model_sync.policy).Statement :
      !contains(flatten([s.Action]), "s3:ListBucket") || toset(try(s.Condition.StringLike["s3:prefix"], [])) == toset(["models/*"])
    ])
    error_message = "the model sync may list only models/"
  }
}

run "topics_cap_message_size_and_dead_letter_retention" {
  command = plan

  assert {
    condition = alltrue([
      for role, t in output.kafka_topics :
      t.max_message_bytes == (endswith(role, "-dlq") ? 1048576 : 262144)
      && anytrue([for c in output.kafka_topic_commands : strcontains(c, "--topic ${t.name} ") && strcontains(c, "--config max.message.bytes=${t.max_message_bytes}")])
    ])
    error_message = "requests and events are capped at 256 KiB, dead letters at 1 MiB (an intact request plus its failure headers), each in its command"
  }

  assert {
    condition = alltrue([
      for role, t in output.kafka_topics : !endswith(role, "-dlq") || (t.retention_ms == 259200000 && anytrue([for c in output.kafka_topic_commands : strcontains(c, "--topic ${t.name} ") && strcontains(c, "--config retention.ms=259200000")]))
    ])
    error_message = "dead-letter topics keep records for 3 days by default"
  }
}

run "kafka_acls_per_role" {
  command = plan

  # web: writes the request topics, nothing else
  assert {
    condition = toset([for a in output.kafka_acls : "${a.operation} ${a.resource_type}:${a.resource_name}" if a.principal == "User:recaption-web"]) == toset([
      "Write Topic:inversion-requests", "Write Topic:edit-requests", "Describe Topic:inversion-requests", "Describe Topic:edit-requests", "Describe Cluster:kafka-cluster",
    ])
    error_message = "the editor may only write (and describe) the two request topics"
  }

  # worker: reads requests in its group; writes events, dead letters and requeued requests
  assert {
    condition = toset([for a in output.kafka_acls : "${a.operation} ${a.resource_type}:${a.resource_name}" if a.principal == "User:recaption-worker"]) == toset([
      "Read Topic:inversion-requests", "Read Topic:edit-requests", "Read Group:recaption-worker",
      "Write Topic:inversion-requests", "Write Topic:edit-requests",
      "Write Topic:inversion-events", "Write Topic:edit-events", "Write Topic:inversion-requests-dlq", "Write Topic:edit-requests-dlq",
      "Describe Topic:inversion-requests", "Describe Topic:edit-requests", "Describe Topic:inversion-events", "Describe Topic:edit-events",
      "Describe Topic:inversion-requests-dlq", "Describe Topic:edit-requests-dlq", "Describe Cluster:kafka-cluster",
    ])
    error_message = "the worker may read requests in its group and write events, dead letters and requeues, nothing more"
  }

  # KEDA: reads the group's lag, consumes nothing
  assert {
    condition = toset([for a in output.kafka_acls : "${a.operation} ${a.resource_type}:${a.resource_name}" if a.principal == "User:keda"]) == toset([
      "Describe Group:recaption-worker", "Describe Topic:inversion-requests", "Describe Topic:edit-requests",
    ])
    error_message = "KEDA may only describe the worker's group and the request topics"
  }

  assert {
    condition = (
      alltrue([for a in output.kafka_acls : a.permission == "Allow" && a.pattern_type == "LITERAL" && a.host == "*"])
      && length(output.kafka_acl_commands) == length(output.kafka_acls)
      && anytrue([for c in output.kafka_acl_commands : strcontains(c, "--add --allow-principal User:recaption-web --operation Write --topic inversion-requests ")])
      && alltrue([for c in output.kafka_acl_commands : startswith(c, "kafka-acls.sh --bootstrap-server \"$KAFKA_BOOTSTRAP_SERVERS\" --command-config \"$KAFKA_ADMIN_CONFIG\" --add ")])
    )
    error_message = "literal Allow ACLs only, one kafka-acls.sh command each"
  }
}

run "topics_require_two_in_sync_replicas" {
  command = plan

  assert {
    condition     = alltrue([for c in output.kafka_topic_commands : strcontains(c, "--config min.insync.replicas=2")])
    error_message = "every topic is created with min.insync.replicas=2"
  }

  assert {
    condition     = alltrue([for t in values(output.kafka_topics) : t.min_insync_replicas == 2 && t.replication_factor == 3])
    error_message = "topics default to replication 3 with min.insync.replicas 2"
  }
}

run "rejects_more_in_sync_replicas_than_replicas" {
  command = plan

  variables {
    kafka_topics = {
      "inversion-requests"     = { name = "inversion-requests", partitions = 8, replication_factor = 1 }
      "edit-requests"          = { name = "edit-requests", partitions = 8 }
      "inversion-events"       = { name = "inversion-events", partitions = 4 }
      "edit-events"            = { name = "edit-events", partitions = 4 }
      "inversion-requests-dlq" = { name = "inversion-requests-dlq", partitions = 1 }
      "edit-requests-dlq"      = { name = "edit-requests-dlq", partitions = 1 }
    }
  }

  expect_failures = [var.kafka_topics]
}

run "a_tenant_role_is_confined_to_its_own_folder" {
  command = apply

  variables {
    artifacts_prefix = "recaption/"
  }

  # attribute-based: a role tagged recaption-tenant=<owner> reads and lists tenants/<owner>/ and puts uploads under
  # uploads/<owner>/, nothing else (no grant names another tenant's folder, the ownerless folders or models/)
  assert {
    condition = toset(flatten([for s in jsondecode(aws_iam_policy.tenant_reader.policy).Statement : flatten([s.Resource]) if s.Sid != "ListOwnTenant" && !startswith(s.Sid, "UseBucketKey")])) == toset([
      "arn:aws:s3:::recaption-test/recaption/tenants/$${aws:PrincipalTag/recaption-tenant}/*",
      "arn:aws:s3:::recaption-test/uploads/$${aws:PrincipalTag/recaption-tenant}/*",
    ])
    error_message = "the tenant policy must grant objects under the principal's own tenant folder only"
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_policy.tenant_reader.policy).Statement :
      s.Sid != "ListOwnTenant" || try(toset(s.Condition.StringLike["s3:prefix"]), toset([])) == toset(["recaption/tenants/$${aws:PrincipalTag/recaption-tenant}/*"])
    ])
    error_message = "the tenant policy must list the principal's own tenant folder only"
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_policy.tenant_reader.policy).Statement : s.Effect == "Allow" && (contains(["ListOwnTenant", "ReadOwnTenant", "PutOwnUploads"], s.Sid) || startswith(s.Sid, "UseBucketKey"))])
    error_message = "the tenant policy holds its three S3 grants (and the bucket key's) and nothing else"
  }

  assert {
    condition     = !strcontains(aws_iam_policy.tenant_reader.policy, "Delete") && !strcontains(aws_iam_policy.tenant_reader.policy, "\"*\"")
    error_message = "a tenant deletes nothing and has no wildcard grant"
  }
}
