# Inputs that several modules take with the same meaning: the one source of their type,
# default and validations. `python -m zonke_tf.devtools.generate` copies each block into
# `variables_shared.tf` of the modules listed in zonke_tf.devtools.generate.SHARED_VARIABLES
# (a test fails when a copy is stale). This folder is not a module: nothing sources it.

variable "iam_path" {
  description = "IAM path of the roles (and instance profiles) this module creates, such as `/zonke/shop-prod/`: a path of its own per stack lets a policy name the stack's roles without matching another stack's."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path: 1-512 characters, begins and ends with "/", printable ASCII without "/" inside a segment)
    condition     = var.iam_path == "/" || can(regex("^/([!-.0-~]+/)+$", var.iam_path)) && length(var.iam_path) <= 512
    error_message = "iam_path must begin and end with \"/\" and be at most 512 characters, such as \"/zonke/shop-prod/\"."
  }
}

variable "permissions_boundary" {
  description = "ARN of the IAM managed policy set as the permissions boundary of every role this module creates (the stack's boundary, so that a push cannot grant a role more than the stack has). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary))
    error_message = "permissions_boundary must be an IAM policy ARN such as \"arn:aws:iam::123456789012:policy/zonke/shop-prod/shop-prod-boundary\", or null."
  }
}

variable "log_retention_days" {
  description = "Days to keep this module's logs in CloudWatch Logs."
  type        = number
  default     = 365
  nullable    = false

  validation {
    # https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture of the image and the hosts: `X86_64` or `ARM64` (Graviton, cheaper). The stack gives every task the web service's."
  type        = string
  default     = "X86_64"
  nullable    = false

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be \"X86_64\" or \"ARM64\"."
  }
}

variable "entry_point" {
  description = "Entry point of the container, replacing the image's ENTRYPOINT (null: the image's ENTRYPOINT runs)."
  type        = list(string)
  default     = null
}

variable "command_prefix" {
  description = "Words put before the container's command, for example the stack's start wrapper that prepares the environment and then runs the rest."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "environment" {
  description = "Plain (non-secret) environment variables of the container, by name: the stack passes the web service's environment contract. Never put secret values here: use `secrets`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment) : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k))])
    error_message = "environment keys must be environment-variable names: letters, digits and underscores, not starting with a digit."
  }
}

variable "secrets" {
  description = "Secret environment variables of the container, as ECS `secrets` entries: `name` and `valueFrom` (a Secrets Manager secret ARN, optionally with \":<json-key>::\", or an SSM parameter ARN). The execution role must be allowed to read each; the values never pass through Terraform."
  type = list(object({
    name      = string
    valueFrom = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(distinct([for s in var.secrets : s.name])) == length(var.secrets)
    error_message = "secrets must not name an environment variable twice."
  }

  validation {
    condition     = alltrue([for s in var.secrets : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", s.name))])
    error_message = "secrets: each name must be an environment-variable name: letters, digits and underscores, not starting with a digit."
  }

  validation {
    condition     = alltrue([for s in var.secrets : can(regex("^arn:aws[a-z-]*:(secretsmanager|ssm):", s.valueFrom))])
    error_message = "secrets: each valueFrom must be a Secrets Manager secret ARN (optionally \":<json-key>::\") or an SSM parameter ARN, such as \"arn:aws:secretsmanager:...\"."
  }
}
