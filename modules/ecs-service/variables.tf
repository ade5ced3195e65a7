variable "name" {
  description = "Name of the app and environment (for example `shop-prod`): the cluster, service, task family and log groups are named after it. Lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

# --- network and load balancer ---

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

variable "alb_security_group_id" {
  description = "ID of the load balancer's security group: the only source allowed to reach the tasks, on `container_port`."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]+$", var.alb_security_group_id))
    error_message = "alb_security_group_id must be a security group ID such as \"sg-0123456789abcdef0\"."
  }
}

variable "target_group_arn" {
  description = "ARN of the ALB target group (target type `ip`) the service registers its tasks in."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:targetgroup/.+$", var.target_group_arn))
    error_message = "target_group_arn must be an ELBv2 target group ARN (\"arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>\")."
  }
}

variable "alb_arn_suffix" {
  description = "The load balancer's ARN suffix (`app/<name>/<id>`), for the request-count scaling metric."
  type        = string

  validation {
    condition     = can(regex("^app/[^/]+/[^/]+$", var.alb_arn_suffix))
    error_message = "alb_arn_suffix must be an ALB ARN suffix such as \"app/shop-prod/0123456789abcdef\" (the aws_lb attribute arn_suffix)."
  }
}

variable "target_group_arn_suffix" {
  description = "The target group's ARN suffix (`targetgroup/<name>/<id>`), for the request-count scaling metric."
  type        = string

  validation {
    condition     = can(regex("^targetgroup/[^/]+/[^/]+$", var.target_group_arn_suffix))
    error_message = "target_group_arn_suffix must be a target group ARN suffix such as \"targetgroup/shop-prod/0123456789abcdef\" (the aws_lb_target_group attribute arn_suffix)."
  }
}

variable "allow_https_egress" {
  description = "Let the tasks open HTTPS connections anywhere (through the NAT or VPC endpoints): ECR, Secrets Manager, CloudWatch Logs and the app's outside APIs. Turn off only when every such service is reached another way."
  type        = bool
  default     = true
}

variable "egress_rules" {
  description = "More outbound rules for the tasks' security group, by a stable key: for example `{ database = { description = \"PostgreSQL\", port = 5432, referenced_security_group_id = module.database.security_group_id } }`. Exactly one destination per rule."
  type = map(object({
    description                  = string
    port                         = number
    to_port                      = optional(number)
    protocol                     = optional(string, "tcp")
    cidr_ipv4                    = optional(string)
    referenced_security_group_id = optional(string)
    prefix_list_id               = optional(string)
  }))
  default = {}

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

variable "container_name" {
  description = "Name of the app container in the task definition (the load balancer and one-off tasks address it by this name)."
  type        = string
  default     = "web"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.container_name))
    error_message = "container_name must be 1-255 letters, digits, hyphens or underscores."
  }
}

variable "container_port" {
  description = "Port the app listens on inside the container (gunicorn's bind port)."
  type        = number
  default     = 8000

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1 to 65535."
  }
}

variable "image" {
  description = "Full image reference to run instead of this module's ECR repository (`<repository_url>:<image_tag>`). Leave null for the usual setup."
  type        = string
  default     = null
}

variable "image_tag" {
  description = "Tag of the app image in this module's ECR repository for the task definition Terraform registers. The pipeline registers later revisions with the tags it builds; Terraform never moves the service back (see README)."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid image tag: up to 128 letters, digits, underscores, periods and hyphens, not starting with a period or hyphen."
  }
}

variable "command" {
  description = "Command of the app container. Null runs gunicorn on `container_port` with `wsgi_application`, 2 x vCPU + 1 workers (at least 2), access log to stdout."
  type        = list(string)
  default     = null
}

variable "wsgi_application" {
  description = "WSGI application gunicorn serves with the default command (`<module>:<callable>`)."
  type        = string
  default     = "config.wsgi:application"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$", var.wsgi_application))
    error_message = "wsgi_application must look like \"config.wsgi:application\" (a dotted module, a colon, a callable)."
  }
}

variable "worker_class" {
  description = "gunicorn worker class of the default command (null: gunicorn's sync workers; `uvicorn_worker.UvicornWorker` serves an ASGI application)."
  type        = string
  default     = null

  validation {
    condition     = var.worker_class == null || can(regex("^[A-Za-z_][A-Za-z0-9_.]*$", var.worker_class))
    error_message = "worker_class must be a dotted Python path such as \"uvicorn_worker.UvicornWorker\"."
  }
}

variable "cpu" {
  description = "CPU units of the task (1024 = 1 vCPU). With Fargate capacity: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  type        = number
  default     = 512

  validation {
    condition     = contains([for cpu in keys(local.fargate_memory) : tonumber(cpu)], var.cpu)
    error_message = "cpu must be one of the task sizes ECS accepts: 256, 512, 1024, 2048, 4096, 8192 or 16384 (1024 = 1 vCPU)."
  }
}

variable "memory" {
  description = "Memory of the task in MiB. With Fargate capacity it must pair with `cpu`: 256 takes 512, 1024 or 2048; 512 takes 1024-4096; 1024 takes 2048-8192; 2048 takes 4096-16384 (steps of 1024); 4096 takes 8192-30720 (steps of 1024); 8192 takes 16384-61440 (steps of 4096); 16384 takes 32768-122880 (steps of 8192)."
  type        = number
  default     = 1024

  validation {
    condition     = var.capacity.type == "EC2" || contains(lookup(local.fargate_memory, tostring(var.cpu), []), var.memory)
    error_message = "memory does not pair with cpu on Fargate. Valid pairs: cpu 256 with memory 512, 1024 or 2048; cpu 512 with 1024 to 4096; cpu 1024 with 2048 to 8192; cpu 2048 with 4096 to 16384 (steps of 1024); cpu 4096 with 8192 to 30720 (steps of 1024); cpu 8192 with 16384 to 61440 (steps of 4096); cpu 16384 with 32768 to 122880 (steps of 8192). For example cpu = 512, memory = 1024."
  }

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be from 512 to 122880 MiB."
  }
}

variable "secret_arns" {
  description = "Exact ARNs of the secrets the task execution role may read to inject `secrets` (the app's secret, the database's). Nothing else is readable."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^*?]+$", a))])
    error_message = "secret_arns must hold full Secrets Manager secret ARNs without wildcards (\"arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>\")."
  }
}

variable "kms_key_arns" {
  description = "ARNs of the KMS keys the secrets are encrypted with. The execution role (and the task role, for `task_secret_arns`) may decrypt with them through Secrets Manager only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.kms_key_arns : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[^*?]+$", a))])
    error_message = "kms_key_arns must hold KMS key ARNs without wildcards (\"arn:aws:kms:<region>:<account>:key/<id>\")."
  }
}

variable "task_secret_arns" {
  description = "Exact ARNs of secrets the app itself may read at run time with the AWS SDK (usually its own secret). Empty: the app reads none directly."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.task_secret_arns : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[^*?]+$", a))])
    error_message = "task_secret_arns must hold full Secrets Manager secret ARNs without wildcards."
  }
}

variable "health_check" {
  description = "Container health check, or null for none (the load balancer's target-group health check still applies). `command` in ECS form, for example `[\"CMD-SHELL\", \"curl -fsS http://localhost:8000/healthz/\"]` (a non-zero exit marks the container unhealthy)."
  type = object({
    command      = list(string)
    interval     = optional(number, 30)
    timeout      = optional(number, 5)
    retries      = optional(number, 3)
    start_period = optional(number, 30)
  })
  default = null

  validation {
    condition = var.health_check == null || try(
      contains(["CMD", "CMD-SHELL"], var.health_check.command[0]) &&
      var.health_check.interval >= 5 && var.health_check.interval <= 300 &&
      var.health_check.timeout >= 2 && var.health_check.timeout <= 60 &&
      var.health_check.retries >= 1 && var.health_check.retries <= 10 &&
      var.health_check.start_period >= 0 && var.health_check.start_period <= 300,
    false)
    error_message = "health_check: command must start with \"CMD\" or \"CMD-SHELL\"; interval 5-300 s, timeout 2-60 s, retries 1-10, start_period 0-300 s."
  }
}

variable "read_only_root_filesystem" {
  description = "Mount the container's root filesystem read-only. `/tmp` stays writable (task storage) and gunicorn keeps its worker files in `/dev/shm`."
  type        = bool
  default     = true
}

# --- capacity and scaling ---

variable "capacity" {
  description = <<-EOT
    Where the tasks run. `type`: `FARGATE` (default), `FARGATE_SPOT_MIX` (at least `fargate_base`
    tasks on regular Fargate, the rest split `fargate_weight` : `spot_weight` between Fargate and
    Fargate Spot) or `EC2` (an Auto Scaling group of `instance_type` instances with the ECS-optimized
    Amazon Linux 2023 AMI, `min_size` to `max_size`, scaled by an ECS capacity provider).
    `ebs_kms_key_arn`: key for the instances' volumes (null: the account's default EBS key).
  EOT
  type = object({
    type            = optional(string, "FARGATE")
    fargate_base    = optional(number, 1)
    fargate_weight  = optional(number, 1)
    spot_weight     = optional(number, 3)
    instance_type   = optional(string, "t3.medium")
    min_size        = optional(number, 1)
    max_size        = optional(number, 4)
    volume_size_gb  = optional(number, 30)
    ebs_kms_key_arn = optional(string)
  })
  default = {}

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT_MIX", "EC2"], var.capacity.type)
    error_message = "capacity.type must be \"FARGATE\", \"FARGATE_SPOT_MIX\" or \"EC2\"."
  }

  validation {
    condition     = var.capacity.fargate_base >= 0 && var.capacity.fargate_base <= 100000 && var.capacity.fargate_weight >= 0 && var.capacity.fargate_weight <= 1000 && var.capacity.spot_weight >= 0 && var.capacity.spot_weight <= 1000 && var.capacity.fargate_weight + var.capacity.spot_weight > 0
    error_message = "capacity weights must be from 0 to 1000 and not both 0, and fargate_base from 0 to 100000."
  }

  validation {
    condition     = var.capacity.min_size >= 0 && var.capacity.max_size >= 1 && var.capacity.min_size <= var.capacity.max_size && var.capacity.max_size <= 100
    error_message = "capacity.min_size and capacity.max_size must satisfy 0 <= min_size <= max_size, 1 <= max_size <= 100."
  }

  validation {
    condition     = var.capacity.volume_size_gb >= 30 && var.capacity.volume_size_gb <= 16384
    error_message = "capacity.volume_size_gb must be from 30 (the ECS-optimized AMI's snapshot size) to 16384."
  }
}

variable "min_count" {
  description = "Fewest tasks autoscaling keeps running."
  type        = number
  default     = 2

  validation {
    condition     = var.min_count >= 1 && var.min_count <= 1000 && floor(var.min_count) == var.min_count
    error_message = "min_count must be a whole number from 1 to 1000 (a web service needs at least one task)."
  }
}

variable "max_count" {
  description = "Most tasks autoscaling may run."
  type        = number
  default     = 6

  validation {
    condition     = var.max_count >= var.min_count && var.max_count <= 1000 && floor(var.max_count) == var.max_count
    error_message = "max_count must be a whole number from min_count to 1000."
  }
}

variable "app_image_exists" {
  description = "Whether the image the service starts with exists. false (a fresh stack before its first build): the service is created with no tasks and the autoscaling target is held at 0..0, so that nothing starts tasks that cannot pull their image; the pipeline's first deploy brings it up. true: `min_count` to `max_count`. The wrapper sets it from the service and its ECR repository (see README)."
  type        = bool
  default     = true
  nullable    = false
}

variable "desired_count" {
  description = "Tasks to start with when the service is created (null: `min_count`; 0 whatever its value while `app_image_exists` is false). Afterwards autoscaling, the pipeline's first deploy and the wrapper own the number: Terraform never resets it."
  type        = number
  default     = null

  validation {
    condition     = var.desired_count == null || try(var.desired_count >= var.min_count && var.desired_count <= var.max_count && floor(var.desired_count) == var.desired_count, false)
    error_message = "desired_count must be null or a whole number from min_count to max_count."
  }
}

variable "cpu_target" {
  description = "Average CPU utilisation (percent) that target tracking keeps the service at."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target >= 10 && var.cpu_target <= 90
    error_message = "cpu_target must be from 10 to 90 (percent)."
  }
}

variable "requests_per_target" {
  description = "ALB requests per task per minute that target tracking keeps the service at (`ALBRequestCountPerTarget`). Null: scale on CPU only."
  type        = number
  default     = 1000

  validation {
    condition     = var.requests_per_target == null || try(var.requests_per_target >= 1 && var.requests_per_target <= 1000000, false)
    error_message = "requests_per_target must be null or from 1 to 1000000."
  }
}

variable "scale_in_cooldown" {
  description = "Seconds after a scale-in before another scale-in."
  type        = number
  default     = 300

  validation {
    condition     = var.scale_in_cooldown >= 0 && var.scale_in_cooldown <= 3600
    error_message = "scale_in_cooldown must be from 0 to 3600 seconds."
  }
}

variable "scale_out_cooldown" {
  description = "Seconds after a scale-out before another scale-out."
  type        = number
  default     = 60

  validation {
    condition     = var.scale_out_cooldown >= 0 && var.scale_out_cooldown <= 3600
    error_message = "scale_out_cooldown must be from 0 to 3600 seconds."
  }
}

variable "health_check_grace_period" {
  description = "Seconds a new task may fail load-balancer health checks before ECS replaces it: long enough for Django to boot, short enough for fast deploys."
  type        = number
  default     = 45

  validation {
    condition     = var.health_check_grace_period >= 0 && var.health_check_grace_period <= 3600
    error_message = "health_check_grace_period must be from 0 to 3600 seconds."
  }
}

variable "enable_exec" {
  description = "Allow ECS Exec (`aws ecs execute-command`, the wrapper's shell): sessions are encrypted with this module's key and logged to an encrypted log group."
  type        = bool
  default     = false
}

variable "container_insights" {
  description = "CloudWatch Container Insights level of the cluster: `enabled` or `enhanced`."
  type        = string
  default     = "enabled"

  validation {
    condition     = contains(["enabled", "enhanced"], var.container_insights)
    error_message = "container_insights must be \"enabled\" or \"enhanced\"."
  }
}

# --- the app's own AWS access ---

variable "media_bucket_arn" {
  description = "ARN of the S3 bucket for user-uploaded media, or null. When set, the task role may list, read, write and delete objects under `media_prefix` only."
  type        = string
  default     = null

  validation {
    condition     = var.media_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.media_bucket_arn, "-")))
    error_message = "media_bucket_arn must be null or an S3 bucket ARN such as \"arn:aws:s3:::shop-prod-media\"."
  }
}

variable "media_prefix" {
  description = "Key prefix (folder) of the media objects in `media_bucket_arn`, without leading or trailing slash: the media-storage module's `prefix` output. Set with `media_bucket_arn` and only with it."
  type        = string
  default     = null

  validation {
    condition     = (var.media_prefix == null) == (var.media_bucket_arn == null) && (var.media_prefix == null || can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.media_prefix)))
    error_message = "media_prefix must be set with media_bucket_arn and only with it, to a key prefix such as \"media\" or \"uploads/shop\" (the media-storage module's prefix output): no leading or trailing slash, no empty segments."
  }
}

variable "media_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the media bucket, or null when it uses S3-managed keys. The task role may use it through S3 only."
  type        = string
  default     = null
}

variable "sqs_queue_arns" {
  description = "ARNs of the SQS queues the app sends tasks to and its workers take them from (the sqs-broker module's `queue_arns`). The task role may send, receive, delete, change visibility and read attributes on these queues only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.sqs_queue_arns : can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,80}$", a))])
    error_message = "sqs_queue_arns must hold SQS queue ARNs without wildcards, such as \"arn:aws:sqs:us-east-1:123456789012:shop-prod-celery\"."
  }
}

variable "cache_connect_arns" {
  description = "ARNs of the cache and its IAM-authenticated user (the redis-cache module's `connect_resource_arns`). The task role may `elasticache:Connect` to these only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.cache_connect_arns : can(regex("^arn:aws[a-z-]*:elasticache:[a-z0-9-]+:[0-9]{12}:(replicationgroup|serverlesscache|user):[a-z][a-z0-9-]{0,39}$", a))])
    error_message = "cache_connect_arns must hold ElastiCache replication group, serverless cache or user ARNs without wildcards, such as \"arn:aws:elasticache:us-east-1:123456789012:replicationgroup:shop-prod-cache\"."
  }
}

# --- image repository ---

variable "ecr_keep_images" {
  description = "Number of most recent images the ECR repository keeps; older ones expire."
  type        = number
  default     = 30

  validation {
    condition     = var.ecr_keep_images >= 1 && var.ecr_keep_images <= 1000 && floor(var.ecr_keep_images) == var.ecr_keep_images
    error_message = "ecr_keep_images must be a whole number from 1 to 1000."
  }
}

variable "ecr_force_delete" {
  description = "Let `terraform destroy` delete the ECR repository even when it still holds images."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every taggable resource (ECS propagates the service's tags to its tasks)."
  type        = map(string)
  default     = {}
}

