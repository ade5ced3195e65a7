output "bucket_name" {
  description = "Name of the media bucket (the contract's `MEDIA_BUCKET`)."
  value       = module.bucket.name
}

output "bucket_arn" {
  description = "ARN of the media bucket: give it to the ecs-service module's `media_bucket_arn`. Built from the name, so it is known when planning."
  value       = module.bucket.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket: the cdn-static module's `media_origin.domain_name`."
  value       = module.bucket.bucket_regional_domain_name
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts the bucket: the ecs-service module's `media_kms_key_arn`."
  value       = aws_kms_key.this.arn
}

output "prefix" {
  description = "Key prefix (and URL path) of the media files, without slashes: `media`. The one source of that path: the cdn-static module's `media_origin.prefix` and the ecs-service module's `media_prefix`."
  value       = local.prefix
}

output "private_prefix" {
  description = "Key prefix (and URL path) served only with signed URLs (`media/private`), or null without `signing_public_key_pem`."
  value       = local.signed_urls ? local.private_prefix : null
}

output "trusted_key_group_id" {
  description = "ID of the CloudFront key group that signs `/media/private/*` (the cdn-static module's `media_origin.trusted_key_group_id`), or null without `signing_public_key_pem`."
  value       = one(aws_cloudfront_key_group.this[*].id)
}

output "signing_key_id" {
  description = "ID of the CloudFront public key (the contract's `MEDIA_SIGNING_KEY_ID`, which signed URLs carry as `Key-Pair-Id`), or null without `signing_public_key_pem`."
  value       = one(aws_cloudfront_public_key.this[*].id)
}
