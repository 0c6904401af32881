# The one bucket of a deployment: uploads/ (input photos), the worker's artifacts (inversions/, edits/ under
# artifacts_prefix; an owner's under tenants/<owner>/) and models/ (diffusers snapshots the worker's init container
# syncs at start).

locals {
  # the worker's folders: an ownerless job's (inversions/, edits/) and an owner's (tenants/<owner>/inversions/, …;
  # IAM's * stands for every owner, and owners hold no '/')
  artifact_folders = [
    "${var.artifacts_prefix}inversions/", "${var.artifacts_prefix}edits/",
    "${var.artifacts_prefix}tenants/*/inversions/", "${var.artifacts_prefix}tenants/*/edits/",
  ]
  # lifecycle filters take literal prefixes: the roots of those folders
  artifact_roots = ["${var.artifacts_prefix}inversions/", "${var.artifacts_prefix}edits/", "${var.artifacts_prefix}tenants/"]
  # an attempt's files: <folder><id>/<attempt>/<file> (IAM's * crosses '/': two more slashes after the folder)
  attempt_files = [for folder in local.artifact_folders : "${aws_s3_bucket.this.arn}/${folder}*/*/*"]
}

resource "aws_s3_bucket" "this" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

# ACLs off: the bucket owner owns every object, whoever wrote it.
resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.sse_algorithm
      kms_master_key_id = local.kms_key_arn
    }
    # S3 Bucket Keys cut KMS requests (and their cost) by orders of magnitude; no effect with AES256
    bucket_key_enabled = var.sse_algorithm == "aws:kms"
  }
}

# TLS only (and TLS 1.2 at least), for every principal, the bucket's owner included; write-once manifests and
# records; the worker's deletes confined to attempt folders.
resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTls"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
      {
        # Write-once, enforced by the store rather than trusted to the client: a manifest (the winning attempt's,
        # DESIGN §5) and a caption editor's record are put with If-None-Match: * only, by every principal. A put
        # without the header is refused (403); with it, S3 answers 412 when the key exists. Copies onto these keys
        # fail too (CopyObject cannot carry the header), which nothing here does.
        Sid       = "DenyOverwritableManifestsAndRecords"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = concat([for folder in local.artifact_folders : "${aws_s3_bucket.this.arn}/${folder}*/manifest.json"], ["${aws_s3_bucket.this.arn}/${local.web_folder}*"])
        Condition = { Null = { "s3:if-none-match" = "true" } }
      },
      {
        # The worker removes only files of losing or dead attempts (<folder><id>/<attempt>/<file>); its manifests,
        # status.json and lease.json (<folder><id>/<file>) stay, whatever its role policy is later given
        Sid         = "DenyWorkerDeletesOutsideAttempts"
        Effect      = "Deny"
        Principal   = "*"
        Action      = "s3:DeleteObject"
        NotResource = local.attempt_files
        Condition   = { ArnEquals = { "aws:PrincipalArn" = aws_iam_role.worker.arn } }
      },
    ]
  })

  # S3 rejects a policy while the public access block is being changed
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-uploads"
    status = "Enabled"

    filter {
      prefix = var.uploads_prefix
    }

    expiration {
      days = var.uploads_expiration_days
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.abort_incomplete_multipart_upload_days
    }
  }

  # status.json is rewritten with every progress update; keep old versions only briefly
  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  dynamic "rule" {
    # the caption editor's records (web/) go with the artifacts they describe
    for_each = var.artifacts_expiration_days == null ? [] : concat(local.artifact_roots, [local.web_folder])
    content {
      id     = "expire-${trimsuffix(replace(rule.value, "/", "-"), "-")}"
      status = "Enabled"

      filter {
        prefix = rule.value
      }

      expiration {
        days = var.artifacts_expiration_days
      }
    }
  }

  # lifecycle rules on a versioned bucket act on versions: configure versioning first
  depends_on = [aws_s3_bucket_versioning.this]
}
