data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  tags = merge(var.tags, { "zonke:module" = "cdn-static" })

  bucket_name = coalesce(var.bucket_name, "${var.name}-static-${data.aws_caller_identity.current.account_id}")
  bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}"

  # Paths served from the bucket; each maps to the same key prefix (`/static/x.css` is
  # the object `static/x.css`), which is where Django's S3 storages put them.
  static_prefix   = "static/"
  media_prefix    = "media/"
  bucket_prefixes = var.enable_media ? [local.static_prefix, local.media_prefix] : [local.static_prefix]

  custom_domain = var.acm_certificate_arn != null
  public_domain = local.custom_domain ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name

  # CloudFront reaches the ALB over HTTPS only when it has a name the ALB's certificate
  # covers; otherwise over HTTP, where only the origin secret opens the ALB's listener.
  origin_https      = var.origin_domain_name != null && local.custom_domain
  alb_origin_domain = coalesce(var.origin_domain_name, var.alb_dns_name)

  create_kms_key = var.kms_key_arn == null
  kms_key_arn    = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
}

# --- the origin secret: generated once, kept until origin_secret_rotation changes ---
#
# There is no random provider here, and uuid() is a fresh value on every plan. So the
# value is generated once into an SSM SecureString parameter that ignores later changes
# of its value, and is replaced (with a new value) only when origin_secret_rotation
# changes. The parameter's value is a sensitive attribute, so no plan ever prints the
# secret (a terraform_data would print its old output on rotation). The value is in the
# Terraform state, as it is in the distribution's and the ALB rule's state anyway: it
# proves a request came through CloudFront; it guards no data.

locals {
  generate_origin_secret = nonsensitive(var.origin_secret_value == null)
}

resource "terraform_data" "origin_secret_rotation" {
  count = local.generate_origin_secret ? 1 : 0

  input = var.origin_secret_rotation
}

resource "aws_ssm_parameter" "origin_secret" {
  count = local.generate_origin_secret ? 1 : 0

  name        = "/zonke/${var.name}/cdn/origin-secret"
  description = "Secret header value CloudFront sends to the ${var.name} ALB; bump origin_secret_rotation to replace it"
  type        = "SecureString"
  key_id      = local.kms_key_arn
  value       = "${replace(uuid(), "-", "")}${replace(uuid(), "-", "")}"

  tags = local.tags

  lifecycle {
    ignore_changes       = [value]
    replace_triggered_by = [terraform_data.origin_secret_rotation[count.index]]
  }
}

locals {
  origin_secret = sensitive(coalesce(var.origin_secret_value, one(aws_ssm_parameter.origin_secret[*].value)))
}
