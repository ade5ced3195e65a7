variable "name" {
  description = "Name prefix of every resource, app and environment (for example `shop-prod`): lowercase letters, digits and hyphens. The secret is named `zonke/<name>/app`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "secret_keys" {
  description = "Names of the environment variables the secret holds (for example `[\"STRIPE_API_KEY\"]`). Each becomes a key of the secret's JSON object and an entry of `container_secrets`. `DJANGO_SECRET_KEY` is added when `generate_django_secret_key` is true."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for k in var.secret_keys : can(regex("^[A-Z_][A-Z0-9_]*$", k))])
    error_message = "secret_keys must be environment-variable names: uppercase letters, digits and underscores, not starting with a digit (for example \"STRIPE_API_KEY\")."
  }

  validation {
    condition     = length(distinct(var.secret_keys)) == length(var.secret_keys)
    error_message = "secret_keys must not list a name twice."
  }

  validation {
    condition     = length(var.secret_keys) <= 100
    error_message = "secret_keys may list at most 100 names (a container definition takes a bounded number of secrets; split the rest into another secret)."
  }
}

variable "generate_django_secret_key" {
  description = "Declare a `DJANGO_SECRET_KEY` whose first value is generated (64 letters and digits) outside Terraform, and name it in the output `generated_secret_keys`: the zonke wrapper writes it after apply while the secret has no current value. Terraform never writes or reads a value of the secret."
  type        = bool
  default     = true
}

variable "reader_role_arns" {
  description = "ARNs of the IAM roles that read the secret (the ECS task execution role, the migration task's roles...). The key policy lets them decrypt through Secrets Manager only; each role still needs an IAM policy allowing `secretsmanager:GetSecretValue` on the secret."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "reader_role_arns must hold IAM role ARNs such as \"arn:aws:iam::123456789012:role/shop-prod-execution\"."
  }
}

variable "restart_on_change" {
  description = "Replace the running ECS tasks (a rolling deployment) whenever the secret's current value changes: an EventBridge rule on Secrets Manager's `Secret Label Updated` event starts a Step Functions state machine that calls ECS `UpdateService` with `forceNewDeployment`."
  type        = bool
  default     = true
}

variable "ecs_cluster_name" {
  description = "Name of the ECS cluster of the service to roll when the secret changes (a known string, for example `shop-prod`). Required when `restart_on_change` is true."
  type        = string
  default     = null

  validation {
    condition     = !var.restart_on_change || (var.ecs_cluster_name != null && can(regex("^[A-Za-z0-9_-]{1,255}$", coalesce(var.ecs_cluster_name, "-"))))
    error_message = "ecs_cluster_name must be set to an ECS cluster name (letters, digits, hyphens and underscores) when restart_on_change is true."
  }
}

variable "ecs_service_name" {
  description = "Name of the ECS service to roll when the secret changes (a known string). Required when `restart_on_change` is true."
  type        = string
  default     = null

  validation {
    condition     = !var.restart_on_change || (var.ecs_service_name != null && can(regex("^[A-Za-z0-9_-]{1,255}$", coalesce(var.ecs_service_name, "-"))))
    error_message = "ecs_service_name must be set to an ECS service name (letters, digits, hyphens and underscores) when restart_on_change is true."
  }
}

variable "watched_secret_arns" {
  description = "ARNs of other secrets whose value changes should also roll the service, for example the RDS-managed master user secret (its rotation moves `AWSCURRENT` too)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.watched_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", a))])
    error_message = "watched_secret_arns must hold Secrets Manager secret ARNs such as \"arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-AbCdEf\"."
  }
}

variable "recovery_window_days" {
  description = "Days Secrets Manager keeps the secret recoverable after deletion: 0 (delete at once) or 7 to 30."
  type        = number
  default     = 30

  validation {
    condition     = var.recovery_window_days == 0 || (var.recovery_window_days >= 7 && var.recovery_window_days <= 30)
    error_message = "recovery_window_days must be 0 (delete at once) or from 7 to 30."
  }
}

variable "restart_log_retention_days" {
  description = "Days to keep the restart state machine's execution logs (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.restart_log_retention_days)
    error_message = "restart_log_retention_days must be one of the values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}

