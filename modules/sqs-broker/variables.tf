variable "name" {
  description = "Name of the app and environment (for example `shop-prod`): each queue is `<name>_<queue>`, its dead-letter queue `<name>_<queue>-dlq` (the underscore, which no stack name holds, keeps a sibling stack's queues out of this one's IAM patterns)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "queues" {
  description = "Names of the queues, the first the default one (Celery's `task_default_queue`). Each gets a dead-letter queue."
  type        = list(string)
  default     = ["celery"]
  nullable    = false

  # SQS queue names: at most 80 characters of letters, digits, hyphens and underscores; the
  # longest name (32) + "-" + queue (20) + "-dlq" fits.
  # https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
  validation {
    condition     = length(var.queues) >= 1 && length(var.queues) <= 10 && length(distinct(var.queues)) == length(var.queues) && alltrue([for q in var.queues : can(regex("^[a-z][a-z0-9_-]{0,19}$", q))])
    error_message = "queues must list 1 to 10 distinct names of 1-20 lowercase letters, digits, hyphens and underscores, starting with a letter (for example [\"celery\"])."
  }
}

variable "visibility_timeout_seconds" {
  description = "How long a message a worker received stays hidden from the other workers: longer than the longest task takes (Celery's hard time limit), or a task still running is handed to a second worker. Celery's SQS transport reads it from the contract's transport options."
  type        = number
  default     = 1800
  nullable    = false

  validation {
    condition     = var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200 && floor(var.visibility_timeout_seconds) == var.visibility_timeout_seconds
    error_message = "visibility_timeout_seconds must be a whole number from 0 to 43200 (12 hours, SQS's most)."
  }
}

variable "message_retention_seconds" {
  description = "How long a message waits in a queue before SQS drops it (the dead-letter queues keep theirs 14 days, SQS's most)."
  type        = number
  default     = 345600
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600 && floor(var.message_retention_seconds) == var.message_retention_seconds
    error_message = "message_retention_seconds must be a whole number from 60 to 1209600 (14 days)."
  }
}

variable "max_receive_count" {
  description = "How many times a message may be received without being deleted (a task that keeps failing or a worker that keeps dying) before SQS moves it to the dead-letter queue."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000."
  }
}

variable "tags" {
  description = "Tags for every queue."
  type        = map(string)
  default     = {}
  nullable    = false
}
