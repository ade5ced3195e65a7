variable "name" {
  description = "Name of the app and environment (for example `shop-prod`): the bucket is `<name>-media-<account id>` unless `bucket_name` is set."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "distribution_arn" {
  description = "ARN of the CloudFront distribution that serves the media (the cdn-static module's `distribution_arn`). The bucket and key policies let this distribution alone read, through origin access control."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:cloudfront::[0-9]{12}:distribution/[A-Z0-9]+$", var.distribution_arn))
    error_message = "distribution_arn must be a CloudFront distribution ARN such as \"arn:aws:cloudfront::123456789012:distribution/E2EXAMPLE\"."
  }
}

variable "bucket_name" {
  description = "Name of the media bucket. Null (the default) uses `<name>-media-<account id>`."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || try(can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name)) && !startswith(var.bucket_name, "xn--") && !endswith(var.bucket_name, "-s3alias"), false)
    error_message = "bucket_name must be null or 3-63 characters of lowercase letters, digits and hyphens, starting and ending with a letter or digit (dots are refused: they break HTTPS to the bucket)."
  }
}

variable "signing_public_key_pem" {
  description = "PEM of an RSA public key (2048 bits, `-----BEGIN PUBLIC KEY-----`). When set, `/media/private/*` is served only with a URL signed by the matching private key (a CloudFront key group trusts this key); the rest of `/media/*` stays public. Null (the default): no signed URLs."
  type        = string
  default     = null

  # CloudFront accepts RSA 2048-bit public keys in PEM (SubjectPublicKeyInfo) format.
  # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
  validation {
    condition     = var.signing_public_key_pem == null || can(regex("^-----BEGIN PUBLIC KEY-----\\n[A-Za-z0-9+/=\\n]+\\n-----END PUBLIC KEY-----\\n?$", coalesce(var.signing_public_key_pem, "-")))
    error_message = "signing_public_key_pem must be null or an RSA public key in PEM format, from `openssl rsa -pubout -in media-signing.pem` (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep the previous versions of overwritten or deleted media files before they expire (a deleted upload can be restored until then)."
  type        = number
  nullable    = false
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of days, 1 or more."
  }
}

variable "access_logs_bucket" {
  description = "Name of an S3 bucket that receives the media bucket's server access logs (under `s3/<bucket>/`). Null (the default): no access logs."
  type        = string
  default     = null

  validation {
    condition     = var.access_logs_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logs_bucket))
    error_message = "access_logs_bucket must be null or an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), not an ARN or a domain name."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds files. User uploads are not rebuilt by a deploy: keep the default outside tests."
  type        = bool
  nullable    = false
  default     = false
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  nullable    = false
  default     = {}
}
