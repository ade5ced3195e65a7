# A custom domain without console work. With `route53_zone_id`, the stack requests the
# certificates it needs, validates them through DNS records in that zone, and points the
# domain at CloudFront:
# - the site's certificate in us-east-1 (CloudFront only uses certificates from there);
# - the origin certificate in the stack's region for the load balancer, covering the
#   domain (CloudFront forwards the viewer's Host and checks the certificate against it)
#   and origin.<domain> (the name CloudFront connects to in the public edge mode).
# https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
#
# Owners: every resource here is Terraform's.

locals {
  manage_dns  = var.domain_name != null && var.route53_zone_id != null
  origin_host = var.domain_name == null ? null : "origin.${var.domain_name}"
  private_alb = var.edge_origin == "private"

  # Known at plan time (the modules' toggles), even when the certificates are created in
  # the same apply.
  cdn_certificate    = var.domain_name != null && (var.certificate_arn != null || local.manage_dns)
  origin_certificate = var.domain_name != null && (var.origin_certificate_arn != null || local.manage_dns)

  cdn_certificate_arn = (
    !local.cdn_certificate ? null :
    var.certificate_arn != null ? var.certificate_arn : aws_acm_certificate_validation.cdn[0].certificate_arn
  )
  origin_certificate_arn = (
    !local.origin_certificate ? null :
    var.origin_certificate_arn != null ? var.origin_certificate_arn : aws_acm_certificate_validation.origin[0].certificate_arn
  )
}

resource "aws_acm_certificate" "cdn" {
  count    = local.create_cdn_certificate ? 1 : 0
  provider = aws.us_east_1

  domain_name       = var.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "origin" {
  count = local.create_origin_certificate ? 1 : 0

  domain_name               = var.domain_name
  subject_alternative_names = [local.origin_host]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  create_cdn_certificate    = local.manage_dns && var.certificate_arn == null
  create_origin_certificate = local.manage_dns && var.origin_certificate_arn == null

  # One validation record per domain name, keyed by the name (known at plan time): ACM
  # asks for the same record for a name in every certificate of the account, so the two
  # certificates share the domain's record.
  validated_names = toset(concat(
    local.create_cdn_certificate || local.create_origin_certificate ? [var.domain_name] : [],
    local.create_origin_certificate ? [local.origin_host] : [],
  ))
  validation_options = {
    for o in concat(
      flatten(aws_acm_certificate.cdn[*].domain_validation_options),
      flatten(aws_acm_certificate.origin[*].domain_validation_options),
    ) : o.domain_name => o...
  }
}

resource "aws_route53_record" "validation" {
  for_each = local.validated_names

  zone_id         = var.route53_zone_id
  name            = local.validation_options[each.key][0].resource_record_name
  type            = local.validation_options[each.key][0].resource_record_type
  records         = [local.validation_options[each.key][0].resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "cdn" {
  count    = length(aws_acm_certificate.cdn)
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.cdn[0].arn
  validation_record_fqdns = [for o in aws_acm_certificate.cdn[0].domain_validation_options : aws_route53_record.validation[o.domain_name].fqdn]
}

resource "aws_acm_certificate_validation" "origin" {
  count = length(aws_acm_certificate.origin)

  certificate_arn         = aws_acm_certificate.origin[0].arn
  validation_record_fqdns = [for o in aws_acm_certificate.origin[0].domain_validation_options : aws_route53_record.validation[o.domain_name].fqdn]
}

# The site's name points at CloudFront (IPv4 and IPv6).
resource "aws_route53_record" "site" {
  for_each = local.manage_dns ? toset(["A", "AAAA"]) : toset([])

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = module.cdn.distribution_domain_name
    zone_id                = module.cdn.distribution_hosted_zone_id
    evaluate_target_health = false
  }
}

# origin.<domain> points at the internet-facing load balancer, for HTTPS from CloudFront
# (the private mode reaches the load balancer through the VPC origin instead).
resource "aws_route53_record" "origin" {
  count = local.manage_dns && !local.private_alb ? 1 : 0

  zone_id = var.route53_zone_id
  name    = local.origin_host
  type    = "A"

  alias {
    name                   = module.alb.alb_dns_name
    zone_id                = module.alb.alb_zone_id
    evaluate_target_health = true
  }
}
