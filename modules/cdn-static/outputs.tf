output "distribution_id" {
  description = "ID of the CloudFront distribution (for invalidations)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "ARN of the CloudFront distribution."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "The distribution's `*.cloudfront.net` domain name."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "distribution_hosted_zone_id" {
  description = "Route 53 hosted zone ID of the distribution, for alias records of the aliases."
  value       = aws_cloudfront_distribution.this.hosted_zone_id
}

output "public_url" {
  description = "Base URL of the site: the first alias, else the distribution's domain name."
  value       = "https://${local.public_domain}/"
}

output "static_bucket_name" {
  description = "Name of the static bucket (Django's `AWS_STORAGE_BUCKET_NAME`)."
  value       = module.bucket.name
}

output "static_bucket_arn" {
  description = "ARN of the static bucket (grant the deploy role `s3:PutObject` on `<arn>/static/*`)."
  # Built from the name (known at plan), not read from the bucket: a caller may decide by it
  # at plan time, as ecs-service's task policy count does with media_bucket_arn.
  value = module.bucket.arn
}

output "static_bucket_regional_domain_name" {
  description = "Regional domain name of the static bucket."
  value       = module.bucket.bucket_regional_domain_name
}

output "static_prefix" {
  description = "Key prefix of the static files in the bucket (`static/`), served at `/static/`."
  value       = local.static_prefix
}

output "static_url" {
  description = "URL static files are served from (Django's `STATIC_URL`)."
  value       = "https://${local.public_domain}/${local.static_prefix}"
}

output "media_prefix" {
  description = "URL path of user media (`media_origin.prefix` and a slash, such as `media/`), or null without `media_origin`."
  value       = local.media_prefix
}

output "media_url" {
  description = "URL user media is served from (Django's `MEDIA_URL`), or null when media is not enabled."
  value       = local.with_media ? "https://${local.public_domain}/${local.media_prefix}" : null
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting the bucket (writers need `kms:GenerateDataKey` on it)."
  value       = local.kms_key_arn
}

output "origin_secret_header_name" {
  description = "Name of the header carrying the origin secret (the alb module's `origin_secret_header_name`)."
  value       = var.origin_secret_header_name
}

output "origin_secret_value" {
  description = "The origin secret CloudFront sends to the ALB (the alb module's `origin_secret_value`)."
  value       = local.origin_secret
  sensitive   = true
}

output "origin_secret_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the generated origin secret, or null when `origin_secret_value` is given."
  value       = one(aws_ssm_parameter.origin_secret[*].name)
}

output "origin_secret_previous_value" {
  description = "During a two-phase rotation (`zonke origin-secret rotate`): the previous origin secret, which the ALB still accepts (the alb module's `origin_secret_previous_value`). Null outside a rotation."
  value       = local.origin_secret_previous
  sensitive   = true
}

output "origin_secret_previous_parameter_name" {
  description = "Name of the SSM SecureString parameter holding the previous origin secret during a rotation (`none` otherwise), or null when `origin_secret_value` is given."
  value       = one(aws_ssm_parameter.origin_secret_previous[*].name)
}

output "app_cache_policy_id" {
  description = "ID of the cache policy used for requests to Django."
  value       = local.app_cache_policy_id
}

output "origin_protocol_policy" {
  description = "How CloudFront reaches the ALB: `https-only` (custom domain with `origin_domain_name`, or the VPC origin), else `http-only`."
  value       = local.origin_protocol
}

output "vpc_origin_id" {
  description = "ID of the CloudFront VPC origin of the internal ALB (hardened mode), or null."
  value       = one(aws_cloudfront_vpc_origin.this[*].id)
}
