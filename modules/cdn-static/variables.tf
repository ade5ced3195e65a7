variable "name" {
  description = "Name prefix of every resource (for example `shop-prod`): lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "alb_dns_name" {
  description = "DNS name of the application load balancer (the alb module's `alb_dns_name`): the origin of everything but static files when `origin_domain_name` is null."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$", var.alb_dns_name)) && !can(regex("://", var.alb_dns_name))
    error_message = "alb_dns_name must be a bare host name such as \"shop-prod-123.eu-west-1.elb.amazonaws.com\" (no scheme, path or port)."
  }
}

variable "origin_domain_name" {
  description = "A domain name pointing at the load balancer and covered by its certificate (for example `origin.example.com`). Together with `acm_certificate_arn`, CloudFront then reaches the ALB over HTTPS only. Null (the default): the ALB's own DNS name over HTTP, guarded by the origin secret."
  type        = string
  default     = null

  validation {
    condition     = var.origin_domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.origin_domain_name))
    error_message = "origin_domain_name must be null or a lowercase fully qualified domain name such as \"origin.example.com\" (no scheme, path or port)."
  }
}

variable "vpc_origin" {
  description = "Hardened mode: CloudFront reaches an internal Application Load Balancer (the alb module with `internal = true`, ARN in `vpc_origin_alb_arn`) through a VPC origin, inside AWS's network and over HTTPS only; the load balancer has no public address. Needs a custom domain (`aliases` and `acm_certificate_arn`): CloudFront checks the load balancer's certificate against the viewer's host name. False (the default): `alb_dns_name` over the internet."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.vpc_origin || length(var.aliases) > 0
    error_message = "vpc_origin needs a custom domain (aliases and acm_certificate_arn): CloudFront reaches the internal load balancer over HTTPS only and checks its certificate against the site's host name."
  }
}

variable "vpc_origin_alb_arn" {
  description = "With `vpc_origin`: ARN of the internal Application Load Balancer (the alb module's `alb_arn`)."
  type        = string
  default     = null

  validation {
    condition     = var.vpc_origin_alb_arn == null || can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/app/.+$", var.vpc_origin_alb_arn))
    error_message = "vpc_origin_alb_arn must be null or an Application Load Balancer ARN (\"arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>\")."
  }

  validation {
    condition     = !var.vpc_origin || var.vpc_origin_alb_arn != null
    error_message = "vpc_origin_alb_arn is required when vpc_origin is true: the internal load balancer's ARN (the alb module's alb_arn)."
  }
}

variable "aliases" {
  description = "Domain names the distribution answers to (for example `[\"www.example.com\"]`); they need `acm_certificate_arn`. Empty (the default): only the `*.cloudfront.net` name."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for a in var.aliases : can(regex("^(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", a))]) && length(distinct(var.aliases)) == length(var.aliases)
    error_message = "aliases must be distinct lowercase domain names such as \"www.example.com\" (a leading \"*.\" wildcard is allowed)."
  }
}

variable "acm_certificate_arn" {
  description = "ARN of an ACM certificate in us-east-1 (CloudFront only uses certificates from that region) covering every alias. Required when `aliases` is set."
  type        = string
  default     = null

  validation {
    condition     = var.acm_certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/[0-9a-f-]+$", var.acm_certificate_arn))
    error_message = "acm_certificate_arn must be an ACM certificate ARN in us-east-1 (\"arn:aws:acm:us-east-1:<account>:certificate/<id>\"): CloudFront only uses certificates from us-east-1."
  }

  validation {
    condition     = (var.acm_certificate_arn == null) == (length(var.aliases) == 0)
    error_message = "acm_certificate_arn and aliases go together: set both (a custom domain) or neither (the *.cloudfront.net name with CloudFront's certificate)."
  }
}

variable "minimum_protocol_version" {
  description = "Oldest TLS version viewers may use when a custom certificate is set."
  type        = string
  nullable    = false
  default     = "TLSv1.2_2021"

  validation {
    condition     = contains(["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"], var.minimum_protocol_version)
    error_message = "minimum_protocol_version must be \"TLSv1.2_2021\", \"TLSv1.2_2025\" or \"TLSv1.3_2025\" (older policies allow TLS 1.0/1.1)."
  }
}

variable "price_class" {
  description = "CloudFront price class: `PriceClass_All` (every edge location, the default), `PriceClass_200` or `PriceClass_100` (cheapest, North America and Europe only)."
  type        = string
  nullable    = false
  default     = "PriceClass_All"

  validation {
    condition     = contains(["PriceClass_All", "PriceClass_200", "PriceClass_100"], var.price_class)
    error_message = "price_class must be \"PriceClass_All\", \"PriceClass_200\" or \"PriceClass_100\"."
  }
}

variable "web_acl_arn" {
  description = "ARN of a WAFv2 web ACL with CLOUDFRONT scope (created in us-east-1) to attach to the distribution. Null (the default): no WAF."
  type        = string
  default     = null

  validation {
    condition     = var.web_acl_arn == null || can(regex("^arn:aws[a-z-]*:wafv2:us-east-1:[0-9]{12}:global/webacl/.+/.+$", var.web_acl_arn))
    error_message = "web_acl_arn must be null or the ARN of a WAFv2 web ACL with CLOUDFRONT scope (\"arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>\")."
  }
}

variable "media_origin" {
  description = "The media-storage module's bucket, served under `/<prefix>/*` (OAC, cached like static files): its regional domain name, its key prefix (the media-storage module's `prefix`, such as `media`), and, for signed URLs, the path they guard (its `private_prefix`, such as `media/private`) and the trusted key group. Null (the default): no media."
  type = object({
    domain_name          = string
    prefix               = string
    private_prefix       = optional(string)
    trusted_key_group_id = optional(string)
  })
  default = null

  validation {
    condition     = var.media_origin == null ? true : can(regex("^[a-z0-9_-]+(/[a-z0-9_-]+)*$", var.media_origin.prefix))
    error_message = "media_origin.prefix must be a key prefix without slashes at either end, such as \"media\" (the media-storage module's prefix output)."
  }

  validation {
    condition     = var.media_origin == null || try((var.media_origin.private_prefix == null) == (var.media_origin.trusted_key_group_id == null), false)
    error_message = "media_origin.private_prefix and media_origin.trusted_key_group_id go together: set both (signed URLs under that path) or neither."
  }

  validation {
    condition     = try(var.media_origin.private_prefix == null, true) || try(startswith(var.media_origin.private_prefix, "${var.media_origin.prefix}/") && can(regex("^[a-z0-9_-]+(/[a-z0-9_-]+)+$", var.media_origin.private_prefix)), false)
    error_message = "media_origin.private_prefix must be a path under media_origin.prefix without slashes at either end, such as \"media/private\"."
  }
}

variable "access_logs_bucket" {
  description = "Name of an S3 bucket (ACLs enabled, as CloudFront standard logging requires) that receives CloudFront access logs and the static bucket's server access logs. Null (the default): no access logs."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be null or an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), not an ARN or a domain name."
  }
}

variable "origin_secret_header_name" {
  description = "Name of the header carrying the origin secret on every request CloudFront sends to the ALB. Must match the alb module's `origin_secret_header_name`."
  type        = string
  nullable    = false
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$", var.origin_secret_header_name))
    error_message = "origin_secret_header_name must be 1-40 characters of HTTP header name characters (letters, digits, hyphens...), for example \"X-Origin-Verify\"."
  }

  validation {
    condition     = !contains(["host", "authorization", "cache-control", "connection", "content-length", "cookie", "proxy-authorization", "range", "te", "trailer", "transfer-encoding", "upgrade", "via", "x-forwarded-for", "x-forwarded-proto", "x-real-ip"], lower(var.origin_secret_header_name)) && !startswith(lower(var.origin_secret_header_name), "x-amz-") && !startswith(lower(var.origin_secret_header_name), "x-edge-") && !startswith(lower(var.origin_secret_header_name), "cloudfront-")
    error_message = "origin_secret_header_name names a header CloudFront does not let an origin custom header set (Host, Authorization, X-Forwarded-For, X-Amz-*, X-Edge-*, CloudFront-*...); choose your own, for example \"X-Origin-Verify\"."
  }
}

variable "origin_secret_value" {
  description = "The origin secret to use. Null (the default): the module generates one once and keeps it until `origin_secret_rotation` changes."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.origin_secret_value == null || try(length(var.origin_secret_value) >= 32 && length(var.origin_secret_value) <= 128 && can(regex("^[A-Za-z0-9._~+/=-]+$", var.origin_secret_value)), false)
    error_message = "origin_secret_value must be null (generated) or 32-128 characters of letters, digits and . _ ~ + / = - (the alb module's header condition reads * and ? as wildcards)."
  }
}

variable "origin_secret_rotation" {
  description = "Any string; change it (for example to a date) to generate a new origin secret. Ignored when `origin_secret_value` is given."
  type        = string
  nullable    = false
  default     = "1"

  validation {
    condition     = length(var.origin_secret_rotation) > 0
    error_message = "origin_secret_rotation must not be empty; bump it (for example \"2\" or \"2025-01-31\") to rotate the origin secret."
  }
}

variable "app_cache_policy_id" {
  description = "ID of the cache policy for requests to Django. Null (the default) creates one: nothing cached unless Django sends Cache-Control, and Host, Authorization, every cookie and query string in the cache key (so they all reach Django)."
  type        = string
  default     = null
}

variable "app_origin_request_policy_id" {
  description = "ID of the origin request policy for requests to Django. The default is the AWS-managed `AllViewerAndCloudFrontHeaders-2022-06`: every viewer header (Host, CSRF and other headers), cookie and query string, plus `CloudFront-Forwarded-Proto` for Django's `SECURE_PROXY_SSL_HEADER`."
  type        = string
  default     = "33f36d7e-f396-46d9-90e0-52428a34d9dc"
}

variable "static_cache_policy_id" {
  description = "ID of the cache policy for static (and media) files. The default is the AWS-managed `CachingOptimized`: gzip and Brotli, one day by default and up to a year when the object's Cache-Control says so."
  type        = string
  default     = "658327ea-f89d-4fab-a63d-7e88639e58f6"
}

variable "response_headers_policy_id" {
  description = "ID of the response headers policy on every behaviour. The default is the AWS-managed `SecurityHeadersPolicy` (HSTS for a year, nosniff, frame options, referrer policy, XSS protection). Null: none."
  type        = string
  default     = "67f7725c-6f97-4210-82d7-5512b31e9d03"
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for the bucket; its key policy must let `cloudfront.amazonaws.com` decrypt for this distribution. Null (the default) creates a dedicated key with rotation on that does so."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (\"arn:aws:kms:<region>:<account>:key/<id>\"), not an alias."
  }
}

variable "bucket_name" {
  description = "Name of the static bucket. Null (the default) uses `<name>-static-<account id>`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || try(can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name)) && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias"), false)
    error_message = "bucket_name must be null or 3-63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit (dots are refused: they break HTTPS to the bucket)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep the previous versions of overwritten or deleted static files before they expire."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, 1 or more."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds files."
  type        = bool
  nullable    = false
  default     = false
}

variable "wait_for_deployment" {
  description = "Wait for the distribution to be deployed to every edge location before finishing an apply."
  type        = bool
  nullable    = false
  default     = true
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  nullable    = false
  default     = {}
}
