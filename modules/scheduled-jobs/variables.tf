variable "name" {
  description = "Name of the app and environment (for example `shop-prod`): the schedule group, the scheduler's role (name prefix `<name>-sched-`), the failed-runs queue `<name>_schedule-failures` and its alarm."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "schedules" {
  description = "The jobs by name: `expression` is EventBridge Scheduler's `cron(minutes hours day-of-month month day-of-week year)` or `rate(N minutes|hours|days)`, evaluated in `timezone` (an IANA name, default UTC); `command` runs in the app container (after `command_prefix`) as a one-off task."
  type = map(object({
    expression  = string
    command     = list(string)
    timezone    = optional(string, "UTC")
    description = optional(string, "")
  }))
  nullable = false

  # Schedule names: 1-64 of letters, digits, hyphens, periods and underscores; the name is
  # also the ECS task group `schedule:<name>` the failure rule matches.
  # https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
  validation {
    condition     = length(var.schedules) <= 20 && alltrue([for k in keys(var.schedules) : can(regex("^[a-z][a-z0-9-]{0,19}$", k))])
    error_message = "schedules must have at most 20 entries named with 1-20 lowercase letters, digits and hyphens, starting with a letter (for example \"nightly-report\")."
  }

  # https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
  validation {
    condition = alltrue([for s in values(var.schedules) : can(regex("^(cron\\(\\S+ \\S+ \\S+ \\S+ \\S+ \\S+\\)|rate\\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\\))$", s.expression))])
    # A rate of 1 takes the singular unit, any other the plural, as AWS requires.
    error_message = "schedules: each expression must be cron(minutes hours day-of-month month day-of-week year), for example \"cron(0 3 * * ? *)\", or rate(value unit), for example \"rate(15 minutes)\" or \"rate(1 day)\"."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : length(s.command) > 0 && alltrue([for w in s.command : length(w) > 0])])
    error_message = "schedules: each command must be a non-empty list of non-empty words (for example [\"python\", \"manage.py\", \"clearsessions\"])."
  }

  validation {
    condition     = alltrue([for s in values(var.schedules) : can(regex("^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$", s.timezone)) && length(s.timezone) <= 50])
    error_message = "schedules: each timezone must be an IANA time zone name such as \"UTC\" or \"Europe/Paris\"."
  }
}

variable "enabled" {
  description = "Whether the schedules run. The stack passes whether the app's first image exists: before it, a run could only fail to pull."
  type        = bool
  default     = true
  nullable    = false
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the jobs run in."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)."
  }
}

variable "task_definition_family" {
  description = "Task definition family each run starts, without a revision: ECS runs the family's latest ACTIVE revision, the one the pipeline's Deploy registered with the live image."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.task_definition_family))
    error_message = "task_definition_family must be a task definition family name (1-255 letters, digits, hyphens and underscores), without a revision."
  }
}

variable "container_name" {
  description = "Name of the container in the task definition whose command each job replaces."
  type        = string
  nullable    = false
}

variable "subnet_ids" {
  description = "Private subnets the jobs' tasks run in (no public IP)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16
    error_message = "subnet_ids must list 1 to 16 subnets (ECS awsvpc limit)."
  }
}

variable "security_group_ids" {
  description = "Security groups of the jobs' tasks: the web service's, which the database admits."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 5
    error_message = "security_group_ids must list 1 to 5 security groups (ECS awsvpc limit)."
  }
}

variable "capacity_provider_strategy" {
  description = "Capacity provider strategy of the runs (the web service's). Empty: the FARGATE launch type."
  type = list(object({
    capacity_provider = string
    weight            = number
    base              = number
  }))
  default  = []
  nullable = false
}

variable "task_role_arn" {
  description = "ARN of the task definition's task role, which the scheduler's role may pass to ECS."
  type        = string
}

variable "execution_role_arn" {
  description = "ARN of the task definition's execution role, which the scheduler's role may pass to ECS."
  type        = string
}

variable "retry_attempts" {
  description = "How many times EventBridge Scheduler retries a run ECS refused to start (throttling, no capacity) before it sends the run to the failed-runs queue."
  type        = number
  default     = 3
  nullable    = false

  # https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
  validation {
    condition     = var.retry_attempts >= 0 && var.retry_attempts <= 185 && floor(var.retry_attempts) == var.retry_attempts
    error_message = "retry_attempts must be a whole number from 0 to 185."
  }
}

variable "maximum_event_age_seconds" {
  description = "How long EventBridge Scheduler keeps retrying a run that could not start."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.maximum_event_age_seconds >= 60 && var.maximum_event_age_seconds <= 86400 && floor(var.maximum_event_age_seconds) == var.maximum_event_age_seconds
    error_message = "maximum_event_age_seconds must be a whole number from 60 to 86400."
  }
}

variable "alarm_actions" {
  description = "ARNs notified when a run fails (for example the alarms module's SNS topic)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
