# Remote state in S3 with an S3 lock file (no DynamoDB). The settings come from zonke.toml
# ([state] bucket, key, region): `zonke apply` and the pipeline's Infrastructure stage (which
# runs `zonke apply`) pass them with -backend-config, so both use the same state.
# `zonke --local` replaces this block with a local backend in its override file.
# https://developer.hashicorp.com/terraform/language/backend/s3
terraform {
  backend "s3" {}
}
