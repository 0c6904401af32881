# The caption editor's role (`web` command, k8s/web), assumed by its own ServiceAccount through the cluster's OIDC
# provider (IRSA). Least privilege for what the editor does: put uploaded photos under uploads/ (and read them
# back for the page), read the worker's artifacts (status.json, manifest.json, images), and keep its own small
# records under <artifacts_prefix>web/. No access to models/, no writes to inversions/ or edits/.

locals {
  web_folder    = "${var.artifacts_prefix}web/"
  web_role_name = coalesce(var.web_role_name, "${var.bucket_name}-web")
}

resource "aws_iam_role" "web" {
  name                 = local.web_role_name
  description          = "recaption caption editor (${var.namespace}/${var.web_service_account_name}): bucket ${var.bucket_name}"
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "WebServiceAccount"
        Effect    = "Allow"
        Principal = { Federated = var.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "${local.oidc_issuer}:sub" = "system:serviceaccount:${var.namespace}:${var.web_service_account_name}"
            "${local.oidc_issuer}:aud" = "sts.amazonaws.com"
          }
        }
      },
    ]
  })
}

resource "aws_iam_role_policy" "web" {
  name = "recaption-web-s3"
  role = aws_iam_role.web.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          # As for the worker: listing makes a missing status.json a 404 (an unknown id) rather than a 403; limited
          # to the prefixes the editor reads. It lists one inversion's history folder and shows no listing to users.
          Sid       = "ListOwnPrefixes"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = aws_s3_bucket.this.arn
          Condition = { StringLike = { "s3:prefix" = concat(["${var.uploads_prefix}*", "${local.web_folder}*"], [for folder in local.artifact_folders : "${folder}*"]) } }
        },
        {
          Sid      = "PutAndShowUploads"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject"]
          Resource = "${aws_s3_bucket.this.arn}/${var.uploads_prefix}*"
        },
        {
          Sid      = "ReadArtifacts"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = [for folder in local.artifact_folders : "${aws_s3_bucket.this.arn}/${folder}*"]
        },
        {
          # one immutable object per accepted request; deleted only when its request could not be published
          Sid      = "OwnRecords"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
          Resource = "${aws_s3_bucket.this.arn}/${local.web_folder}*"
        },
      ],
      local.kms_statements,
    )
  })
}
