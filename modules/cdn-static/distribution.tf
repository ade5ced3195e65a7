# The distribution: Django (through the ALB) by default, the bucket for /static/*, the
# media bucket (media_origin) for its prefix (/media/*). The cache, origin request and
# response headers policies default to AWS-managed ones referenced by their documented IDs,
# except the cache policy for Django: no managed policy both forwards Authorization and
# caches nothing by default.

locals {
  alb_origin_id    = "alb"
  static_origin_id = "static"
  media_origin_id  = "media"

  # The bucket behaviours, in CloudFront's order (first match wins): signed URLs only under
  # the private path, so it comes before the rest of the media prefix.
  # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-web-values-specify.html#DownloadDistValuesPathPattern
  bucket_behaviors = concat(
    [{ path = "/${local.static_prefix}*", origin = local.static_origin_id, key_groups = [] }],
    try(var.media_origin.private_prefix, null) == null ? [] : [
      { path = "/${var.media_origin.private_prefix}/*", origin = local.media_origin_id, key_groups = [var.media_origin.trusted_key_group_id] },
    ],
    local.with_media ? [{ path = "/${local.media_prefix}*", origin = local.media_origin_id, key_groups = [] }] : [],
  )

  app_cache_policy_id = coalesce(var.app_cache_policy_id, one(aws_cloudfront_cache_policy.app[*].id))

  all_methods = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
}

resource "aws_cloudfront_origin_access_control" "this" {
  name                              = "${var.name}-static"
  description                       = "CloudFront signs its requests to the ${var.name} static and media buckets"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

# Requests to Django: TTLs 0/0/1 year, so nothing is cached unless Django sends
# Cache-Control (max-age, s-maxage), and never what it marks private or no-store. What
# is in the cache key is also forwarded: Authorization can only reach the origin this
# way (an origin request policy may not forward it), and Host and every cookie and
# query string keep one visitor's cached page from being served to another.
resource "aws_cloudfront_cache_policy" "app" {
  count = var.app_cache_policy_id == null ? 1 : 0

  name        = "${var.name}-django"
  comment     = "${var.name}: Django responses, cached only when Django says so"
  min_ttl     = 0
  default_ttl = 0
  max_ttl     = 31536000

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true

    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["Authorization", "Host"]
      }
    }

    cookies_config {
      cookie_behavior = "all"
    }

    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

# Hardened mode: CloudFront reaches the internal ALB through a VPC origin, inside AWS's
# network, over HTTPS only (the ALB has no public address at all).
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
resource "aws_cloudfront_vpc_origin" "this" {
  count = local.vpc_origin ? 1 : 0

  vpc_origin_endpoint_config {
    name                   = "${var.name}-alb"
    arn                    = var.vpc_origin_alb_arn
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = local.origin_protocol

    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }

  tags = local.tags
}

resource "aws_cloudfront_distribution" "this" {
  # checkov:skip=CKV_AWS_68:WAF is opt-in through web_acl_arn: a web ACL costs a monthly fee per rule and its rules depend on the application.
  # checkov:skip=CKV2_AWS_47:WAF is opt-in through web_acl_arn; the Log4j rule set belongs in that web ACL, which this module does not own.
  # checkov:skip=CKV_AWS_86:Access logs are opt-in through access_logs_bucket: CloudFront standard logging needs an ACL-enabled bucket this module does not own.
  # checkov:skip=CKV_AWS_305:No default root object: "/" is served by Django through the ALB origin, not by a file in the bucket.
  # checkov:skip=CKV_AWS_310:There is one application origin (the ALB); an origin group would need a second copy of the application to fail over to.
  # checkov:skip=CKV_AWS_174:Without aliases the distribution uses the *.cloudfront.net certificate, for which CloudFront fixes the protocol policy; with aliases minimum_protocol_version defaults to TLSv1.2_2021.
  # checkov:skip=CKV2_AWS_32:The response headers policy is attached by ID (response_headers_policy_id, default the AWS-managed SecurityHeadersPolicy), which checkov cannot see as a connected resource.
  # checkov:skip=CKV_AWS_374:A public website answers every country; restricting countries is a business decision, not a security default.
  # checkov:skip=CKV2_AWS_42:A custom certificate needs a custom domain; without aliases the *.cloudfront.net name and certificate are used (HTTPS all the same).
  enabled             = true
  comment             = "${var.name}: Django through the ALB, static files from S3"
  aliases             = var.aliases
  price_class         = var.price_class
  web_acl_id          = var.web_acl_arn
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  wait_for_deployment = var.wait_for_deployment

  origin {
    origin_id   = local.alb_origin_id
    domain_name = local.alb_origin_domain

    dynamic "custom_origin_config" {
      for_each = local.vpc_origin ? [] : [local.origin_protocol]
      content {
        http_port                = 80
        https_port               = 443
        origin_protocol_policy   = custom_origin_config.value
        origin_ssl_protocols     = ["TLSv1.2"]
        origin_read_timeout      = 30
        origin_keepalive_timeout = 5
      }
    }

    dynamic "vpc_origin_config" {
      for_each = aws_cloudfront_vpc_origin.this
      content {
        vpc_origin_id            = vpc_origin_config.value.id
        origin_read_timeout      = 30
        origin_keepalive_timeout = 5
      }
    }

    custom_header {
      name  = var.origin_secret_header_name
      value = local.origin_secret
    }
  }

  origin {
    origin_id                = local.static_origin_id
    domain_name              = module.bucket.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.this.id
  }

  dynamic "origin" {
    for_each = local.with_media ? [var.media_origin.domain_name] : []
    content {
      origin_id                = local.media_origin_id
      domain_name              = origin.value
      origin_access_control_id = aws_cloudfront_origin_access_control.this.id
    }
  }

  default_cache_behavior {
    target_origin_id           = local.alb_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = local.all_methods
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = local.app_cache_policy_id
    origin_request_policy_id   = var.app_origin_request_policy_id
    response_headers_policy_id = var.response_headers_policy_id
  }

  dynamic "ordered_cache_behavior" {
    for_each = local.bucket_behaviors
    content {
      path_pattern               = ordered_cache_behavior.value.path
      target_origin_id           = ordered_cache_behavior.value.origin
      trusted_key_groups         = ordered_cache_behavior.value.key_groups
      viewer_protocol_policy     = "redirect-to-https"
      allowed_methods            = ["GET", "HEAD"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = true
      cache_policy_id            = var.static_cache_policy_id
      response_headers_policy_id = var.response_headers_policy_id
    }
  }

  dynamic "logging_config" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket          = "${logging_config.value}.s3.amazonaws.com"
      prefix          = "cloudfront/${var.name}/"
      include_cookies = false
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    cloudfront_default_certificate = !local.custom_domain
    acm_certificate_arn            = var.acm_certificate_arn
    ssl_support_method             = local.custom_domain ? "sni-only" : null
    minimum_protocol_version       = local.custom_domain ? var.minimum_protocol_version : null
  }

  tags = merge(local.tags, { Name = var.name })
}
