variable "description" {
  description = "Description of the key: what it encrypts."
  type        = string
  nullable    = false

  validation {
    # https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Description: 0-8192 characters)
    condition     = length(var.description) <= 8192
    error_message = "description must be at most 8192 characters."
  }
}

variable "alias_name" {
  description = "The key's alias, such as `alias/zonke/shop-prod/app`."
  type        = string
  nullable    = false

  validation {
    # https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html (AliasName: 1-256 characters, alias/ then letters, digits, /_-; not alias/aws/)
    condition     = can(regex("^alias/[A-Za-z0-9/_-]+$", var.alias_name)) && length(var.alias_name) <= 256 && !startswith(var.alias_name, "alias/aws/")
    error_message = "alias_name must start with \"alias/\" (not \"alias/aws/\"), hold only letters, digits, \"/\", \"_\" and \"-\", and be at most 256 characters."
  }
}

variable "log_group_arns" {
  description = "ARNs of the CloudWatch Logs log groups that may be encrypted with the key; one may end in `*` to name every group under a prefix. Empty: CloudWatch Logs may not use the key."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for arn in var.log_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+[*]?$", arn))])
    error_message = "log_group_arns must each be a log group ARN (\"arn:aws:logs:<region>:<account>:log-group:<name>\"), with at most a trailing \"*\"."
  }
}

variable "account_actions" {
  description = "What the account's IAM policies may allow on the key (the key policy's account statement). The default delegates everything to IAM; a module that keeps cryptographic use elsewhere names the administrative actions only."
  type        = list(string)
  default     = ["kms:*"]
  nullable    = false

  validation {
    condition     = length(var.account_actions) > 0 && alltrue([for a in var.account_actions : startswith(a, "kms:")])
    error_message = "account_actions must list at least one KMS action, such as \"kms:*\" or \"kms:DescribeKey\"."
  }
}

variable "policy_documents" {
  description = "More key-policy statements, as policy JSON documents (such as `data.aws_iam_policy_document.x.json`), merged in; their statement IDs must differ from `AccountAdministers` and `CloudWatchLogsUsesItForTheseLogGroups`."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "deletion_window_in_days" {
  description = "Days a deleted key waits before it is gone (7-30): anything encrypted with it is lost with it."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "deletion_window_in_days must be a whole number of days from 7 to 30."
  }
}

variable "tags" {
  description = "Tags of the key."
  type        = map(string)
  default     = {}
  nullable    = false
}
