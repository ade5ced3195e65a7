data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  tags = merge(var.tags, { "zonke:module" = "cdn-static" })

  bucket_name = coalesce(var.bucket_name, "${var.name}-static-${data.aws_caller_identity.current.account_id}")

  # Paths served from the bucket; each maps to the same key prefix (`/static/x.css` is
  # the object `static/x.css`), which is where Django's S3 storages put them.
  static_prefix = "static/"
  # User media come from the media-storage module's bucket (media_origin), same layout.
  media_prefix = local.with_media ? "${var.media_origin.prefix}/" : null
  with_media   = var.media_origin != null

  # From the aliases, known at plan time even when the certificate is created in the same
  # apply (acm_certificate_arn and aliases go together, see their validation).
  custom_domain = length(var.aliases) > 0
  public_domain = local.custom_domain ? var.aliases[0] : aws_cloudfront_distribution.this.domain_name

  # How CloudFront reaches the ALB (see README, "Edge modes"):
  # - VPC origin (hardened): inside AWS's network to an internal ALB, HTTPS only;
  # - a custom domain and origin_domain_name: HTTPS only to the public ALB;
  # - otherwise HTTP to the public ALB's DNS name, opened only by the origin secret.
  # CloudFront forwards the viewer's Host (the Django cache policy keys on it), so the
  # ALB's certificate must cover the aliases; with the *.cloudfront.net name no
  # certificate can, hence HTTPS needs a custom domain.
  # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html
  vpc_origin        = var.vpc_origin
  origin_https      = local.custom_domain && (local.vpc_origin || var.origin_domain_name != null)
  alb_origin_domain = local.vpc_origin ? var.alb_dns_name : coalesce(var.origin_domain_name, var.alb_dns_name)
  origin_protocol   = local.origin_https ? "https-only" : "http-only"

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

# --- two-phase rotation: the previous value, accepted by the ALB during a rotation ---
#
# `zonke origin-secret rotate` (zonke_tf/ops.py: rotate_origin_secret) owns the values of
# both parameters after Terraform has created them: it writes the new value into
# origin-secret and the old one here, so the ALB accepts both while CloudFront deploys
# the new header to its edges (minutes), then writes "none" back here. Terraform only
# creates the parameters (it ignores later value changes) and derives the distribution's
# header and the ALB rule's values from them, so a plan during or after a rotation
# matches what the command set.

locals {
  # The value of the previous-secret parameter outside a rotation (SSM refuses empty values).
  no_previous_origin_secret = "none"
}

resource "aws_ssm_parameter" "origin_secret_previous" {
  count = local.generate_origin_secret ? 1 : 0

  name        = "/zonke/${var.name}/cdn/origin-secret-previous"
  description = "During a two-phase rotation of the ${var.name} origin secret: the previous value, still accepted by the ALB; \"${local.no_previous_origin_secret}\" otherwise"
  type        = "SecureString"
  key_id      = local.kms_key_arn
  value       = local.no_previous_origin_secret

  tags = local.tags

  lifecycle {
    ignore_changes = [value]
  }
}

locals {
  origin_secret = sensitive(coalesce(var.origin_secret_value, one(aws_ssm_parameter.origin_secret[*].value)))

  origin_secret_previous = (
    local.generate_origin_secret
    ? (aws_ssm_parameter.origin_secret_previous[0].value == local.no_previous_origin_secret ? null : aws_ssm_parameter.origin_secret_previous[0].value)
    : null
  )
}
