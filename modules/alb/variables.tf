variable "name" {
  description = "Name of the load balancer (for example `shop-prod`): lowercase letters, digits and hyphens, at most 27 characters so the target group name (`<name>-<4 hex>`) fits AWS's 32-character limit."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,25}[a-z0-9])?$", var.name)) && !startswith(var.name, "internal-")
    error_message = "name must be 1-27 characters of lowercase letters, digits and hyphens, must not start or end with a hyphen nor start with \"internal-\" (AWS load balancer and target group names are limited to 32 characters and the target group adds a 5-character suffix)."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the load balancer and its target group live in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "public_subnet_ids" {
  description = "IDs of the public subnets to place an internet-facing load balancer in, in at least two availability zones. Unused (may be empty) when `internal` is true."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = var.internal || (length(var.public_subnet_ids) >= 2 && length(distinct(var.public_subnet_ids)) == length(var.public_subnet_ids))
    error_message = "public_subnet_ids must list at least two distinct subnets (an Application Load Balancer needs two availability zones)."
  }

  validation {
    condition     = alltrue([for s in var.public_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "public_subnet_ids must contain subnet IDs such as \"subnet-0123456789abcdef0\"."
  }
}

variable "internal" {
  description = "Hardened mode: an internal load balancer in `private_subnet_ids`, with no public address, reached by CloudFront through a VPC origin (the cdn-static module's `vpc_origin_alb_arn`) over HTTPS only; needs `certificate_arn`. False (the default): internet-facing in `public_subnet_ids`, admitting CloudFront's origin-facing prefix list only."
  type        = bool
  nullable    = false
  default     = false

  validation {
    condition     = !var.internal || var.certificate_arn != null || var.enable_https == true
    error_message = "certificate_arn is required when internal is true: CloudFront reaches an internal load balancer through a VPC origin over HTTPS only, so no hop is plaintext."
  }
}

variable "private_subnet_ids" {
  description = "With `internal`: IDs of the private subnets to place the load balancer in, in at least two availability zones."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = !var.internal || (length(var.private_subnet_ids) >= 2 && length(distinct(var.private_subnet_ids)) == length(var.private_subnet_ids))
    error_message = "private_subnet_ids must list at least two distinct subnets when internal is true (an Application Load Balancer needs two availability zones)."
  }

  validation {
    condition     = alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must contain subnet IDs such as \"subnet-0123456789abcdef0\"."
  }
}

variable "origin_secret_header_name" {
  description = "Name of the header CloudFront adds to every origin request; the forward rule requires it. Must match the cdn-static module's `origin_secret_header_name`."
  type        = string
  nullable    = false
  default     = "X-Origin-Verify"

  validation {
    condition     = can(regex("^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$", var.origin_secret_header_name))
    error_message = "origin_secret_header_name must be 1-40 characters of HTTP header name characters (letters, digits, hyphens...), for example \"X-Origin-Verify\" (ALB header conditions allow at most 40 characters)."
  }
}

variable "origin_secret_value" {
  description = "The secret value CloudFront sends in `origin_secret_header_name` (the cdn-static module's `origin_secret_value` output). Requests without it get the listener's fixed 403."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.origin_secret_value) >= 32 && length(var.origin_secret_value) <= 128 && can(regex("^[A-Za-z0-9._~+/=-]+$", var.origin_secret_value))
    error_message = "origin_secret_value must be 32-128 characters of letters, digits and . _ ~ + / = - (no * or ?, which an ALB header condition would read as wildcards). Use the cdn-static module's origin_secret_value output."
  }
}

variable "origin_secret_previous_value" {
  description = "During a rotation of the origin secret: the previous value, still accepted by the forward rule until CloudFront has deployed the new one. Null (the default) accepts only `origin_secret_value`."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.origin_secret_previous_value == null || try(length(var.origin_secret_previous_value) >= 32 && length(var.origin_secret_previous_value) <= 128 && can(regex("^[A-Za-z0-9._~+/=-]+$", var.origin_secret_previous_value)), false)
    error_message = "origin_secret_previous_value must be null or, like origin_secret_value, 32-128 characters of letters, digits and . _ ~ + / = -."
  }
}

variable "certificate_arn" {
  description = "ARN of an ACM certificate in the load balancer's region for an HTTPS listener (CloudFront then reaches the ALB over HTTPS only; the HTTP listener only redirects). Null (the default): no HTTPS listener, CloudFront uses HTTP."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null || can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[0-9a-f-]+$", var.certificate_arn))
    error_message = "certificate_arn must be null or an ACM certificate ARN such as \"arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-...\"."
  }
}

variable "enable_https" {
  description = "Create the HTTPS listener (CloudFront's listener; port 80 then only redirects). Null (the default): when `certificate_arn` is set. Set true when the certificate is created in the same apply, so its ARN is unknown at plan time."
  type        = bool
  default     = null

  validation {
    condition     = var.enable_https != true || var.certificate_arn != null
    error_message = "enable_https = true needs certificate_arn (the certificate of the HTTPS listener)."
  }
}

variable "ssl_policy" {
  description = "Security policy of the HTTPS listener (TLS 1.3 and 1.2 only by default)."
  type        = string
  nullable    = false
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = can(regex("^ELBSecurityPolicy-(TLS13-1-2|TLS13-1-3|FS-1-2-Res|TLS-1-2)", var.ssl_policy))
    error_message = "ssl_policy must be a TLS 1.2+ ELB security policy, for example \"ELBSecurityPolicy-TLS13-1-2-2021-06\" or \"ELBSecurityPolicy-TLS13-1-3-2021-06\"."
  }
}

variable "target_port" {
  description = "Port the application containers listen on (the target group's traffic port)."
  type        = number
  nullable    = false
  default     = 8000

  validation {
    condition     = var.target_port >= 1 && var.target_port <= 65535 && floor(var.target_port) == var.target_port
    error_message = "target_port must be a whole number from 1 to 65535."
  }
}

variable "health_check" {
  description = "Target group health check: path, HTTP status matcher, interval and timeout in seconds, healthy and unhealthy thresholds."
  type = object({
    path                = optional(string, "/health/")
    matcher             = optional(string, "200")
    interval            = optional(number, 15)
    timeout             = optional(number, 5)
    healthy_threshold   = optional(number, 2)
    unhealthy_threshold = optional(number, 3)
  })
  nullable = false
  default  = {}

  validation {
    condition     = startswith(var.health_check.path, "/") && length(var.health_check.path) <= 1024
    error_message = "health_check.path must start with \"/\" and be at most 1024 characters, for example \"/health/\"."
  }

  validation {
    condition     = can(regex("^[2-4][0-9]{2}((-|,)[2-4][0-9]{2})*$", var.health_check.matcher))
    error_message = "health_check.matcher must be HTTP codes from 200 to 499 as a code, a list (\"200,204\") or a range (\"200-299\")."
  }

  validation {
    condition     = var.health_check.interval >= 5 && var.health_check.interval <= 300 && var.health_check.timeout >= 2 && var.health_check.timeout <= 120 && var.health_check.timeout < var.health_check.interval
    error_message = "health_check.interval must be 5-300 seconds and health_check.timeout 2-120 seconds, shorter than the interval."
  }

  validation {
    condition     = var.health_check.healthy_threshold >= 2 && var.health_check.healthy_threshold <= 10 && var.health_check.unhealthy_threshold >= 2 && var.health_check.unhealthy_threshold <= 10
    error_message = "health_check.healthy_threshold and health_check.unhealthy_threshold must each be from 2 to 10."
  }
}

variable "deregistration_delay" {
  description = "Seconds the load balancer lets in-flight requests finish on a deregistering target. Shorter than AWS's 300 s default so rolling deploys are quick."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.deregistration_delay >= 0 && var.deregistration_delay <= 3600 && floor(var.deregistration_delay) == var.deregistration_delay
    error_message = "deregistration_delay must be a whole number of seconds from 0 to 3600."
  }
}

variable "idle_timeout" {
  description = "Seconds a connection may stay idle before the load balancer closes it."
  type        = number
  nullable    = false
  default     = 60

  validation {
    condition     = var.idle_timeout >= 1 && var.idle_timeout <= 4000
    error_message = "idle_timeout must be from 1 to 4000 seconds."
  }
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion (turn it off before destroying the stack)."
  type        = bool
  nullable    = false
  default     = true
}

variable "access_logs_bucket" {
  description = "Name of an S3 bucket (same region, with a bucket policy that lets Elastic Load Balancing write to it) for access logs. Null (the default): no access logs."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be null or an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), not an ARN or URL."
  }
}

variable "access_logs_prefix" {
  description = "Key prefix of the access logs in `access_logs_bucket`. Null (the default) uses `alb/<name>`."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  nullable    = false
  default     = {}
}
