# SSE-KMS key, created only when sse_algorithm = "aws:kms" and no kms_key_arn is given. Its key policy is
# the account default (IAM policies in this account decide who may use it), so the worker's role policy
# below is what grants it Decrypt/GenerateDataKey.

locals {
  create_kms_key = var.sse_algorithm == "aws:kms" && var.kms_key_arn == null
  kms_key_arn    = var.sse_algorithm != "aws:kms" ? null : (var.kms_key_arn != null ? var.kms_key_arn : one(aws_kms_key.this[*].arn))
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "recaption bucket ${var.bucket_name}: default encryption"
  enable_key_rotation     = true
  deletion_window_in_days = var.kms_key_deletion_window_days
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  # aliases allow neither dots nor most other bucket-name characters
  name          = "alias/${replace(var.bucket_name, ".", "-")}"
  target_key_id = aws_kms_key.this[0].key_id
}
