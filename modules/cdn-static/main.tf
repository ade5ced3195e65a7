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
# Terraform has no random provider here: uuid() is a fresh value on every plan, so the
# value is held by terraform_data, which ignores later changes of its input and is only
# replaced (with a new value) when origin_secret_rotation changes. The value stays in the
# Terraform state, as it does in the distribution's and the ALB rule's state anyway: it
# proves a request came through CloudFront; it guards no data.

resource "terraform_data" "origin_secret" {
  count = nonsensitive(var.origin_secret_value == null) ? 1 : 0

  # sensitive(): the value never shows in plan output (rotation would print it otherwise).
  input            = sensitive("${replace(uuid(), "-", "")}${replace(uuid(), "-", "")}")
  triggers_replace = [var.origin_secret_rotation]

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  origin_secret = sensitive(coalesce(var.origin_secret_value, one(terraform_data.origin_secret[*].output)))
}
