# The worker's role, assumed by its Kubernetes ServiceAccount through the cluster's OIDC provider (IRSA).
# Least privilege for what the worker does: read uploads and models, read and write its own artifacts.
# No delete, no other prefix, no bucket configuration.

locals {
  # arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC -> oidc.eks.eu-west-1.amazonaws.com/id/ABC
  oidc_issuer = element(split(":oidc-provider/", var.oidc_provider_arn), 1)
  role_name   = coalesce(var.role_name, "${var.bucket_name}-worker")
}

resource "aws_iam_role" "worker" {
  name                 = local.role_name
  description          = "recaption worker (${var.namespace}/${var.service_account_name}): bucket ${var.bucket_name}"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

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
}

resource "aws_iam_role_policy" "worker" {
  name = "recaption-worker-s3"
  role = aws_iam_role.worker.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # Listing is what makes S3 answer 404 rather than 403 for a missing key: the worker tells
          # "image key does not exist" apart from "access denied", and asks whether an inversion's
          # manifest.json exists before recomputing it (idempotent redelivery).
          Sid      = "ListBucket"
          Effect   = "Allow"
          Action   = "s3:ListBucket"
          Resource = aws_s3_bucket.this.arn
        },
        {
          Sid      = "ReadUploadsAndModels"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = ["${aws_s3_bucket.this.arn}/${var.uploads_prefix}*", "${aws_s3_bucket.this.arn}/${var.models_prefix}*"]
        },
        {
          # edits read their inversion; every job writes its artifacts, status.json and manifest.json
          Sid      = "ReadWriteArtifacts"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
          Resource = [for folder in local.artifact_folders : "${aws_s3_bucket.this.arn}/${folder}*"]
        },
      ],
      local.kms_key_arn == null ? [] : [
        {
          Sid       = "UseBucketKeyThroughS3"
          Effect    = "Allow"
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = local.kms_key_arn
          Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
        },
      ],
    )
  })
}
