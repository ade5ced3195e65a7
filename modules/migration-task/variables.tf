variable "name" {
  description = "Name prefix of every resource (for example `shop-prod`): lowercase letters, digits and hyphens. The task definition family is `<name>-migrate`, the runner `<name>-migrate`."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the web service runs in (the ecs-service module's `cluster_arn`). Migrations run there as one-off Fargate tasks."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN such as \"arn:aws:ecs:us-east-1:123456789012:cluster/shop-prod\"."
  }
}

variable "ecr_repository_url" {
  description = "URL of the app's ECR repository, without a tag (the ecs-service module's `ecr_repository_url`). The runner refuses images from any other repository."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9]+([._/-][a-z0-9]+)*$", var.ecr_repository_url))
    error_message = "ecr_repository_url must be an ECR repository URL without a tag, such as \"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod\"."
  }
}

variable "image_tag" {
  description = "Tag of the image the task definition starts with. Each run of the runner registers its own revision pinned to the image it is given, so this only matters for tasks started by hand."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a Docker tag: 1-128 letters, digits, underscores, dots and hyphens, not starting with a dot or hyphen."
  }
}

variable "container_name" {
  description = "Name of the migration container in the task definition."
  type        = string
  default     = "migrate"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.container_name))
    error_message = "container_name must be 1-255 letters, digits, hyphens and underscores."
  }
}

variable "cpu" {
  description = "Fargate CPU units of the migration task: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  type        = number
  default     = 256

  validation {
    condition     = contains([for cpu in keys(local.fargate_memory) : tonumber(cpu)], var.cpu)
    error_message = "cpu must be a Fargate CPU value: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Memory (MiB) of the migration task; it must be a Fargate pair with `cpu` (for example 256 CPU with 512, 1024 or 2048 MiB)."
  type        = number
  default     = 512

  validation {
    condition     = contains(lookup(local.fargate_memory, tostring(var.cpu), []), var.memory)
    error_message = "memory must be a Fargate pair with cpu: 256 CPU takes 512, 1024 or 2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384; 4096 takes 8192-30720 (steps of 1024); 8192 takes 16384-61440 (steps of 4096); 16384 takes 32768-122880 (steps of 8192)."
  }
}

variable "log_group_name" {
  description = "CloudWatch log group of the web service (the ecs-service module's `log_group_name`): the migration container logs there, under the stream prefix `log_stream_prefix`."
  type        = string

  validation {
    condition     = can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", var.log_group_name))
    error_message = "log_group_name must be a CloudWatch log group name: 1-512 letters, digits and . - _ / #."
  }
}

variable "log_stream_prefix" {
  description = "Prefix of the migration container's log streams in `log_group_name`."
  type        = string
  default     = "migrate"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,128}$", var.log_stream_prefix))
    error_message = "log_stream_prefix must be 1-128 letters, digits, dots, hyphens and underscores (no slash or colon)."
  }
}

variable "execution_role_arn" {
  description = "ARN of the task execution role (pulls the image, reads the secrets, writes the logs): the web service's, from the ecs-service module."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/shop-prod-execution\"."
  }
}

variable "task_role_arn" {
  description = "ARN of the role the migration code runs as: the web service's task role, from the ecs-service module."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN such as \"arn:aws:iam::123456789012:role/shop-prod-task\"."
  }
}

variable "subnet_ids" {
  description = "Private subnets the migration task runs in (the web service's, so it reaches the database). Tasks never get a public IP."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must list 1 to 16 subnet IDs such as \"subnet-0123456789abcdef0\"."
  }
}

variable "security_group_ids" {
  description = "Security groups of the migration task: the web service's (the one the database admits)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 5 && alltrue([for s in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", s))])
    error_message = "security_group_ids must list 1 to 5 security group IDs such as \"sg-0123456789abcdef0\"."
  }
}

variable "command" {
  description = "The migration command, as an exec-form list."
  type        = list(string)
  default     = ["python", "manage.py", "migrate", "--noinput"]

  validation {
    condition     = length(var.command) > 0 && alltrue([for c in var.command : length(c) > 0])
    error_message = "command must be a non-empty list of non-empty strings, such as [\"python\", \"manage.py\", \"migrate\", \"--noinput\"]."
  }
}

variable "extra_release_commands" {
  description = "Release commands run after the migration, in order, each as its own task with the same pinned image (for example `[[\"python\", \"manage.py\", \"createcachetable\"]]`). Every one must exit 0, or the run fails and the later ones do not run."
  type        = list(list(string))
  default     = []

  validation {
    condition     = length(var.extra_release_commands) <= 5 && alltrue([for cmd in var.extra_release_commands : length(cmd) > 0 && alltrue([for c in cmd : length(c) > 0])])
    error_message = "extra_release_commands must hold at most 5 commands, each a non-empty list of non-empty strings."
  }
}

variable "timeout_seconds" {
  description = "Longest time one command's task may take, from RunTask to stop (60 to 43200). A task still running then is stopped and the run fails."
  type        = number
  default     = 900

  validation {
    condition     = var.timeout_seconds >= 60 && var.timeout_seconds <= 43200 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number of seconds from 60 to 43200 (12 hours)."
  }
}

variable "readonly_root_filesystem" {
  description = "Run the migration container with a read-only root filesystem (a writable `/tmp` volume is mounted). Turn off only if the migration writes files elsewhere."
  type        = bool
  default     = true
}

variable "log_level" {
  description = "Which runner events go to its log group: `ALL`, `ERROR` or `FATAL`."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be \"ALL\", \"ERROR\" or \"FATAL\"."
  }
}

variable "log_execution_data" {
  description = "Include each state's input and output in the runner's logs (image, task ARNs, exit codes, the container definition with its plain environment and secret ARNs, never secret values). The log group is encrypted with the module's KMS key."
  type        = bool
  default     = true
}

variable "enable_tracing" {
  description = "Send X-Ray traces of the runner's executions."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for the runner's log group and state machine data. Its key policy must let CloudWatch Logs use it for the runner's log group and let `delivery.logs.amazonaws.com` decrypt (as the dedicated key's policy does). Null (the default) creates a dedicated key with rotation on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN such as \"arn:aws:kms:us-east-1:123456789012:key/...\"."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource (and to each pinned task definition revision the runner registers)."
  type        = map(string)
  default     = {}
}

