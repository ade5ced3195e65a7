variable "name" {
  description = "Name prefix of every resource, app and environment (for example `shop-prod`). Alarms are named `<name>-<alarm>`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "alb_arn_suffix" {
  description = "The load balancer's ARN suffix (`app/<name>/<id>`), the `LoadBalancer` dimension of its metrics."
  type        = string
  nullable    = false
}

variable "target_group_arn_suffix" {
  description = "The target group's ARN suffix (`targetgroup/<name>/<id>`), the `TargetGroup` dimension of its metrics."
  type        = string
  nullable    = false
}

variable "cluster_name" {
  description = "The ECS cluster of the web service."
  type        = string
  nullable    = false
}

variable "service_name" {
  description = "The ECS web service: CPU and memory alarms, and failed deployments."
  type        = string
  nullable    = false
}

variable "database" {
  description = "The RDS instance to watch (`identifier`, `allocated_storage_gb`, `max_connections`), or null for none. Its identifier may be unknown until apply; the alarms exist whenever this is set."
  type = object({
    identifier           = string
    allocated_storage_gb = number
    max_connections      = optional(number, 80)
  })
  default = null
}

variable "migration_state_machine_arn" {
  description = "The migration runner (Step Functions): a failed, timed-out or aborted run notifies. Null: no such rule."
  type        = string
  default     = null
}

variable "watch_migrations" {
  description = "Notify on failed migration runs (set with `migration_state_machine_arn`; a separate switch because the ARN is unknown until apply)."
  type        = bool
  default     = false
  nullable    = false
}

variable "email_addresses" {
  description = "Addresses that get every alarm and failure (each confirms the subscription from the e-mail AWS sends)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", a))])
    error_message = "email_addresses must be e-mail addresses (for example \"oncall@example.com\")."
  }
}

variable "https_endpoints" {
  description = "HTTPS URLs (a chat webhook relay, a paging service) that get every alarm and failure as SNS notifications. The endpoint confirms the subscription."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for u in var.https_endpoints : startswith(u, "https://")])
    error_message = "https_endpoints must start with https:// (SNS delivers over TLS only here)."
  }
}

variable "thresholds" {
  description = "When alarms fire: `http_5xx_percent` of requests answered 5xx by the app, `cpu_percent` and `memory_percent` of the service's tasks, `db_free_storage_percent` of the allocated storage, `db_connections_percent` of `max_connections`."
  type = object({
    http_5xx_percent        = optional(number, 5)
    cpu_percent             = optional(number, 85)
    memory_percent          = optional(number, 85)
    db_free_storage_percent = optional(number, 10)
    db_connections_percent  = optional(number, 80)
  })
  default  = {}
  nullable = false

  validation {
    condition = alltrue([
      for v in values(var.thresholds) : v > 0 && v < 100
    ])
    error_message = "thresholds are percentages: each must be above 0 and below 100."
  }
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
