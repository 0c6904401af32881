# The worker's role, assumed by its Kubernetes ServiceAccount through the cluster's OIDC provider (IRSA).
# Least privilege for what the worker does: read uploads, read and write its own artifacts, delete files of
# attempts only (a run that loses the race to publish removes its attempt's files), list only those prefixes. No other prefix, no
# bucket configuration. The model sync has a role of its own, read-only on models/ (model_sync below).

locals {
  # arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC -> oidc.eks.eu-west-1.amazonaws.com/id/ABC
  oidc_issuer     = element(split(":oidc-provider/", var.oidc_provider_arn), 1)
  role_name       = coalesce(var.role_name, "${var.bucket_name}-worker")
  model_sync_name = coalesce(var.model_sync_role_name, "${var.bucket_name}-model-sync")

  # both roles are assumed with the worker pod's IRSA token (the model sync's by its init container)
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "WorkerServiceAccount"
        Effect    = "Allow"
        Principal = { Federated = var.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_issuer}:sub" = "system:serviceaccount:${var.namespace}:${var.service_account_name}"
            "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
          }
        }
      },
    ]
  })

  kms_statements = local.kms_key_arn == null ? [] : [
    {
      Sid       = "UseBucketKeyThroughS3"
      Effect    = "Allow"
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = local.kms_key_arn
      Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
    },
  ]
}

resource "aws_iam_role" "worker" {
  name                 = local.role_name
  description          = "recaption worker (${var.namespace}/${var.service_account_name}): bucket ${var.bucket_name}"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  assume_role_policy = local.assume_role_policy
}

resource "aws_iam_role_policy" "worker" {
  name = "recaption-worker-s3"
  role = aws_iam_role.worker.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Listing, limited to the prefixes the worker reads: how it tells a missing key from a forbidden one (S3
          # may answer 403 for a missing key when ListBucket is conditional; the worker then lists the key's
          # prefix) and how a winning run finds the files of dead attempts to remove.
          Sid       = "ListOwnPrefixes"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = aws_s3_bucket.this.arn
          Condition = { StringLike = { "s3:prefix" = concat(["${var.uploads_prefix}*"], [for folder in local.artifact_folders : "${folder}*"]) } }
        },
        {
          Sid      = "ReadUploads"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = "${aws_s3_bucket.this.arn}/${var.uploads_prefix}*"
        },
        {
          # edits read their inversion; every job writes its attempt's files, status.json, lease.json and
          # manifest.json (conditional writes; the bucket policy refuses a manifest put without If-None-Match)
          Sid      = "ReadWriteArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
          Resource = [for folder in local.artifact_folders : "${aws_s3_bucket.this.arn}/${folder}*"]
        },
        {
          # a losing or dead attempt's files are deleted; never a job's manifest, status or lease
          Sid      = "DeleteAttemptFiles"
          Effect   = "Allow"
          Action   = "s3:DeleteObject"
          Resource = local.attempt_files
        },
      ],
      local.kms_statements,
    )
  })
}

# The model sync (the pod's fetch-model init container): read-only on models/, nothing else.
resource "aws_iam_role" "model_sync" {
  name                 = local.model_sync_name
  description          = "recaption model sync (${var.namespace}/${var.service_account_name}): read ${var.bucket_name}/${var.models_prefix}"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
  assume_role_policy   = local.assume_role_policy
}

resource "aws_iam_role_policy" "model_sync" {
  name = "recaption-model-sync-s3"
  role = aws_iam_role.model_sync.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "ListModels"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = aws_s3_bucket.this.arn
          Condition = { StringLike = { "s3:prefix" = ["${var.models_prefix}*"] } }
        },
        {
          Sid      = "ReadModels"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = "${aws_s3_bucket.this.arn}/${var.models_prefix}*"
        },
      ],
      [for statement in local.kms_statements : merge(statement, { Action = ["kms:Decrypt"] })],
    )
  })
}
