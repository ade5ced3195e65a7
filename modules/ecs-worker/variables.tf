variable "name" {
  description = "Name of the worker's service and task family, for example `shop-prod-worker_celery` (the stack builds it from the app, the environment and the worker's name; the underscore, which no stack name holds, keeps the name out of a sibling stack's IAM patterns). Lowercase letters, digits, hyphens and underscores."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_-]{0,61}[a-z0-9]$", var.name))
    error_message = "name must be 2-63 characters of lowercase letters, digits, hyphens and underscores, starting with a letter and ending with a letter or digit (for example \"shop-prod-worker_celery\")."
  }
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the worker runs in (the ecs-service module's `cluster_arn`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster/[A-Za-z0-9_-]{1,255}$", var.cluster_arn))
    error_message = "cluster_arn must be an ECS cluster ARN (\"arn:aws:ecs:<region>:<account>:cluster/<name>\")."
  }
}

variable "capacity_type" {
  description = "What the cluster's capacity is: `FARGATE` (Fargate or Fargate Spot) or `EC2` (the ecs-service module's EC2 capacity provider). Decides the task definition's compatibility and whether `cpu` and `memory` must be a Fargate pair."
  type        = string
  default     = "FARGATE"
  nullable    = false

  validation {
    condition     = contains(["FARGATE", "EC2"], var.capacity_type)
    error_message = "capacity_type must be \"FARGATE\" or \"EC2\"."
  }
}

variable "capacity_provider_strategy" {
  description = "Capacity provider strategy of the service (the ecs-service module's `capacity_provider_strategy`, so the worker runs on the web service's capacity)."
  type = list(object({
    capacity_provider = string
    base              = number
    weight            = number
  }))
  nullable = false

  validation {
    condition     = length(var.capacity_provider_strategy) >= 1 && length(var.capacity_provider_strategy) <= 20
    error_message = "capacity_provider_strategy must list 1 to 20 capacity providers."
  }
}

# --- network ---

variable "vpc_id" {
  description = "ID of the VPC (network module output `vpc_id`)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "private_subnet_ids" {
  description = "IDs of the private subnets the tasks run in (network module output `private_subnet_ids`). Tasks get no public IP."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 1 && length(var.private_subnet_ids) <= 16 && alltrue([for s in var.private_subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "private_subnet_ids must list 1 to 16 subnet IDs such as \"subnet-0123456789abcdef0\" (ECS takes at most 16 subnets)."
  }
}

variable "allow_https_egress" {
  description = "Whether the tasks may open HTTPS connections anywhere (ECR, Secrets Manager, CloudWatch Logs, SQS and the app's outside APIs, through the NAT gateway or VPC endpoints)."
  type        = bool
  default     = true
  nullable    = false
}

variable "egress_rules" {
  description = "More outbound rules for the worker's security group, by a stable key: for example `{ database = { description = \"PostgreSQL\", port = 5432, referenced_security_group_id = module.database.security_group_id } }`. Exactly one destination per rule. Nothing may connect in: a worker has no inbound rule."
  type = map(object({
    description                  = string
    port                         = number
    to_port                      = optional(number)
    protocol                     = optional(string, "tcp")
    cidr_ipv4                    = optional(string)
    referenced_security_group_id = optional(string)
    prefix_list_id               = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for r in values(var.egress_rules) : length(compact([r.cidr_ipv4, r.referenced_security_group_id, r.prefix_list_id])) == 1])
    error_message = "egress_rules: each rule must name exactly one destination: cidr_ipv4, referenced_security_group_id or prefix_list_id."
  }

  validation {
    condition     = alltrue([for r in values(var.egress_rules) : contains(["tcp", "udp"], r.protocol) && r.port >= 0 && r.port <= 65535 && coalesce(r.to_port, r.port) >= r.port && coalesce(r.to_port, r.port) <= 65535])
    error_message = "egress_rules: protocol must be \"tcp\" or \"udp\", and port (to to_port) a range within 0-65535."
  }
}

# --- the container ---

variable "image" {
  description = "Image the service starts with (the web service's repository and tag). The pipeline puts later images in by registering revisions of this family."
  type        = string

  validation {
    condition     = length(var.image) > 0 && length(var.image) <= 1024 && length(regexall("\\s", var.image)) == 0
    error_message = "image must be an image reference such as \"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-prod:bootstrap\" (no spaces, at most 1024 characters)."
  }
}

variable "command" {
  description = "The worker's command in exec form, for example `[\"celery\", \"-A\", \"mysite\", \"worker\", \"--loglevel\", \"INFO\"]`."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.command) >= 1 && alltrue([for w in var.command : length(w) > 0])
    error_message = "command must hold at least one word, none of them empty (exec form, for example [\"celery\", \"-A\", \"mysite\", \"worker\"])."
  }
}

variable "cpu" {
  description = "CPU units of the task (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = contains([for cpu in keys(local.fargate_memory) : tonumber(cpu)], var.cpu)
    error_message = "cpu must be one of the task sizes ECS accepts: 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 = 1 vCPU)."
  }
}

variable "memory" {
  description = "Memory of the task in MiB. On Fargate it must pair with `cpu` (the same pairs as the ecs-service module's `memory`)."
  type        = number
  default     = 512
  nullable    = false

  validation {
    condition     = var.capacity_type == "EC2" || contains(lookup(local.fargate_memory, tostring(var.cpu), []), var.memory)
    error_message = "memory does not pair with cpu on Fargate. Valid pairs: cpu 256 with memory 512, 1024 or 2048; cpu 512 with 1024 to 4096; cpu 1024 with 2048 to 8192; cpu 2048 with 4096 to 16384 (steps of 1024); cpu 4096 with 8192 to 30720 (steps of 1024); cpu 8192 with 16384 to 61440 (steps of 4096); cpu 16384 with 32768 to 122880 (steps of 8192). For example cpu = 256, memory = 512."
  }
}

variable "execution_role_arn" {
  description = "Role ECS uses to pull the image, read the secrets and write the logs (the ecs-service module's `execution_role_arn`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "task_role_arn" {
  description = "Role the worker's code runs as (the ecs-service module's `task_role_arn`: the same permissions as the web tasks)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN."
  }
}

variable "log_group_name" {
  description = "CloudWatch Logs group the container writes to (the ecs-service module's `log_group_name`); the streams start with `log_stream_prefix`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_./#-]{1,512}$", var.log_group_name))
    error_message = "log_group_name must be a CloudWatch Logs group name (1-512 letters, digits and _ . / # -)."
  }
}

variable "log_stream_prefix" {
  description = "Start of the worker's log stream names, so its logs stand apart from the web tasks' in the shared group."
  type        = string
  default     = "worker"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,64}$", var.log_stream_prefix))
    error_message = "log_stream_prefix must be 1-64 letters, digits and _ . -."
  }
}

variable "stop_timeout" {
  description = "Seconds a task gets between SIGTERM and SIGKILL when it stops (a deploy, a scale-in), so a job in flight can finish or be handed back to the queue. Fargate allows at most 120."
  type        = number
  default     = 120
  nullable    = false

  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html (stopTimeout: 120 seconds at most on Fargate)
  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120 && floor(var.stop_timeout) == var.stop_timeout
    error_message = "stop_timeout must be a whole number of seconds from 2 to 120 (Fargate's most)."
  }
}

# --- task count ---

variable "min_count" {
  description = "Fewest tasks autoscaling keeps running (0 lets an idle worker stop entirely)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.min_count >= 0 && var.min_count <= 1000 && floor(var.min_count) == var.min_count
    error_message = "min_count must be a whole number from 0 to 1000."
  }
}

variable "max_count" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = var.max_count >= 1 && var.max_count >= var.min_count && var.max_count <= 1000 && floor(var.max_count) == var.max_count
    error_message = "max_count must be a whole number from max(1, min_count) to 1000."
  }
}

variable "app_image_exists" {
  description = "Whether the image the service starts with exists. false (a fresh stack before its first build): no tasks and the autoscaling target held at 0..0 until the pipeline's first deploy brings the worker up, as for the web service. true: `min_count` to `max_count`."
  type        = bool
  default     = true
  nullable    = false
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) that target tracking keeps the worker at."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.cpu_target >= 10 && var.cpu_target <= 90
    error_message = "cpu_target must be from 10 to 90 (percent)."
  }
}

variable "backlog_scaling" {
  description = "Scale on an SQS queue's backlog per task instead of CPU: the messages waiting in `queue_name` (its full name) divided by the worker's running tasks, kept near `messages_per_task`. Needs Container Insights on the cluster (RunningTaskCount) and `min_count` of at least 1 (with no task the ratio has no value). null: CPU."
  type = object({
    queue_name        = string
    messages_per_task = optional(number, 10)
  })
  default = null

  validation {
    condition     = var.backlog_scaling == null || try(can(regex("^[A-Za-z0-9_-]{1,80}$", var.backlog_scaling.queue_name)) && var.backlog_scaling.messages_per_task >= 1 && var.backlog_scaling.messages_per_task <= 100000, false)
    error_message = "backlog_scaling: queue_name must be an SQS queue name (1-80 letters, digits, hyphens and underscores) and messages_per_task from 1 to 100000."
  }

  validation {
    condition     = var.backlog_scaling == null || var.min_count >= 1
    error_message = "backlog_scaling needs min_count of at least 1: with no task running, the backlog per task has no value and nothing would start one."
  }
}

variable "tags" {
  description = "Tags for every resource of the module."
  type        = map(string)
  default     = {}
  nullable    = false
}
