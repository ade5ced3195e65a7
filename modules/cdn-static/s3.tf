# The private bucket behind /static/*: nothing public, KMS-encrypted, versioned, readable
# only by this distribution through origin access control (modules/_internal/private-bucket).
# Static files are rebuilt from the application image by collectstatic on every deploy.

module "bucket" {
  source = "../_internal/private-bucket"

  bucket_name                        = local.bucket_name
  kms_key_arn                        = local.kms_key_arn
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  access_logs_bucket                 = var.access_logs_bucket
  force_destroy                      = var.force_destroy
  tags                               = local.tags

  reader = {
    distribution_arn = aws_cloudfront_distribution.this.arn
    key_prefix       = local.static_prefix
    sid              = "ThisDistributionReadsStaticFiles"
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
