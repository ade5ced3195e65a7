data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  tags = merge(var.tags, { "zonke:module" = "media-storage" })

  bucket_name = coalesce(var.bucket_name, "${var.name}-media-${data.aws_caller_identity.current.account_id}")

  # CloudFront forwards the viewer's path as the key: `/media/a.jpg` is the object
  # `media/a.jpg`. Private files live under `media/private/`, served only with signed URLs.
  prefix         = "media"
  private_prefix = "${local.prefix}/private"
  signed_urls    = var.signing_public_key_pem != null
}

# The private bucket behind /media/*: nothing public, KMS-encrypted with a key of its own,
# versioned (an overwritten or deleted upload can be restored), readable only by the given
# distribution through origin access control (modules/_internal/private-bucket). The app's
# task role writes under `media/` (the ecs-service module's media_bucket_arn); nothing else
# may.

module "bucket" {
  source = "../_internal/private-bucket"

  bucket_name                        = local.bucket_name
  kms_key_arn                        = aws_kms_key.this.arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  access_logs_bucket                 = var.access_logs_bucket
  force_destroy                      = var.force_destroy
  tags                               = local.tags

  reader = {
    distribution_arn = var.distribution_arn
    key_prefix       = "${local.prefix}/"
    sid              = "TheDistributionReadsMedia"
  }
}

# The bucket's resources before they moved into the building block.
moved {
  from = aws_s3_bucket.this
  to   = module.bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_public_access_block.this
  to   = module.bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this
  to   = module.bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.this
  to   = module.bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_versioning.this
  to   = module.bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.this
  to   = module.bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_logging.this
  to   = module.bucket.aws_s3_bucket_logging.this
}

moved {
  from = aws_s3_bucket_policy.this
  to   = module.bucket.aws_s3_bucket_policy.this
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
