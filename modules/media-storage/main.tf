data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  tags = merge(var.tags, { "zonke:module" = "media-storage" })

  bucket_name = coalesce(var.bucket_name, "${var.name}-media-${data.aws_caller_identity.current.account_id}")
  bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}"

  # CloudFront forwards the viewer's path as the key: `/media/a.jpg` is the object
  # `media/a.jpg`. Private files live under `media/private/`, served only with signed URLs.
  prefix         = "media"
  private_prefix = "${local.prefix}/private"
  signed_urls    = var.signing_public_key_pem != null
}

# The private bucket behind /media/*: nothing public, KMS-encrypted with a key of its own,
# versioned (an overwritten or deleted upload can be restored), readable only by the given
# distribution through origin access control. The app's task role writes under `media/`
# (the ecs-service module's media_bucket_arn); nothing else may.

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_144:Cross-region replication of uploads is a disaster-recovery choice with a second bucket and region to pay for; versioning already keeps deleted and overwritten files.
  # checkov:skip=CKV2_AWS_62:Nothing consumes object events of the media bucket; uploads are written by the app and read by CloudFront.
  # checkov:skip=CKV_AWS_18:Server access logs are opt-in (access_logs_bucket): the log bucket needs a delivery policy this module cannot write for a bucket it does not own.
  bucket        = local.bucket_name
  force_destroy = var.force_destroy

  tags = merge(local.tags, { Name = local.bucket_name })
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  rule {
    id     = "remove-expired-delete-markers"
    status = "Enabled"

    filter {}

    expiration {
      expired_object_delete_marker = true
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_logs_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_logs_bucket
  target_prefix = "s3/${local.bucket_name}/"
}

# With origin access control, CloudFront signs its requests as the service principal and
# the bucket policy names the distribution in aws:SourceArn.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
data "aws_iam_policy_document" "bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [local.bucket_arn, "${local.bucket_arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid       = "TheDistributionReadsMedia"
    actions   = ["s3:GetObject"]
    resources = ["${local.bucket_arn}/${local.prefix}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [var.distribution_arn]
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.bucket.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# --- signed URLs for /media/private/* ---
# CloudFront checks the signature against the public keys of the behaviour's trusted key
# group; the app signs with the private key (a secret it holds, never in Terraform).
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/PrivateContent.html
# No comments on the two: the emulator (moto 5.2.5) drops them, so every re-plan would
# show a change; the names say what they are.

resource "aws_cloudfront_public_key" "this" {
  count = local.signed_urls ? 1 : 0

  name        = "${var.name}-media"
  encoded_key = var.signing_public_key_pem
}

resource "aws_cloudfront_key_group" "this" {
  count = local.signed_urls ? 1 : 0

  name  = "${var.name}-media"
  items = [aws_cloudfront_public_key.this[0].id]
}
