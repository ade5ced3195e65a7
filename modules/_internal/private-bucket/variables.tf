variable "bucket_name" {
  description = "Name of the bucket. The calling module validates it (S3's naming rules, no dots) against its own input, so that an error names what the user wrote."
  type        = string
  nullable    = false
}

variable "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the objects (SSE-KMS with a bucket key). Its key policy must let the reader's distribution decrypt."
  type        = string
  nullable    = false
}

variable "reader" {
  description = "The CloudFront distribution that reads the bucket through origin access control: its ARN, the objects it may get (keys starting with `key_prefix`, which ends in `/`) and the bucket policy statement's ID."
  type = object({
    distribution_arn = string
    key_prefix       = string
    sid              = string
  })
  nullable = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9/_-]*/$", var.reader.key_prefix))
    error_message = "reader.key_prefix must be a key prefix such as \"static/\": lowercase letters, digits, \"/\", \"_\" and \"-\", ending in \"/\" and not starting with one."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9]+$", var.reader.sid)) && var.reader.sid != "DenyInsecureTransport"
    error_message = "reader.sid must be letters and digits only, other than \"DenyInsecureTransport\"."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days to keep the previous versions of overwritten or deleted objects before they expire (validated by the calling module)."
  type        = number
  nullable    = false
  default     = 30
}

variable "access_logs_bucket" {
  description = "Name of an S3 bucket that receives the bucket's server access logs (under `s3/<bucket>/`). Null (the default): no access logs."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete the bucket even when it still holds objects."
  type        = bool
  nullable    = false
  default     = false
}

variable "tags" {
  description = "Tags of the bucket (its `Name` tag is the bucket's name)."
  type        = map(string)
  nullable    = false
  default     = {}
}
