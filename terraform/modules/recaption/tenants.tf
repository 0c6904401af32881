# A policy that confines whoever holds it to one tenant's jobs (attribute-based: the tenant is the principal's
# tag recaption-tenant, so one policy serves every tenant). An owner's artifacts live under
# <artifacts_prefix>tenants/<owner>/ (the worker's key layout, README "Messages"); attach this policy to a role
# tagged recaption-tenant=<owner> — a tenant's own service reading its results straight from S3 — and the role
# reads and lists that folder only, and puts photos under uploads/<owner>/ only. A principal without the tag
# matches no statement (IAM leaves a statement whose variable has no value unmatched), so it gets nothing.

locals {
  tenant_tag = "$${aws:PrincipalTag/recaption-tenant}"
}

resource "aws_iam_policy" "tenant_reader" {
  name        = "${var.bucket_name}-tenant-reader"
  description = "recaption: read one tenant's artifacts in ${var.bucket_name} (the principal's recaption-tenant tag)"
  tags        = var.tags

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid       = "ListOwnTenant"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = aws_s3_bucket.this.arn
          Condition = { StringLike = { "s3:prefix" = ["${var.artifacts_prefix}tenants/${local.tenant_tag}/*"] } }
        },
        {
          Sid      = "ReadOwnTenant"
          Effect   = "Allow"
          Action   = "s3:GetObject"
          Resource = "${aws_s3_bucket.this.arn}/${var.artifacts_prefix}tenants/${local.tenant_tag}/*"
        },
        {
          Sid      = "PutOwnUploads"
          Effect   = "Allow"
          Action   = "s3:PutObject"
          Resource = "${aws_s3_bucket.this.arn}/${var.uploads_prefix}${local.tenant_tag}/*"
        },
      ],
      local.kms_statements,
    )
  })
}
