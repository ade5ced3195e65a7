# The stack's inputs. `zonke` renders them from zonke.toml into terraform.tfvars.json;
# the names here are that contract (zonke_tf/config.py: to_tfvars).

variable "app_name" {
  description = "App name: 2-20 lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", var.app_name)) && !strcontains(var.app_name, "--")
    error_message = "app_name must be 2-20 lowercase letters, digits and single hyphens, starting with a letter (for example \"shop\")."
  }
}

variable "environment" {
  description = "Environment name: 1-10 lowercase letters and digits (prod, staging...)."
  type        = string
  default     = "prod"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{0,9}$", var.environment))
    error_message = "environment must be 1-10 lowercase letters and digits, starting with a letter (for example \"prod\")."
  }
}

variable "region" {
  description = "AWS region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC (/16 to /24)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "az_count" {
  description = "Availability zones to use: 2 or 3."
  type        = number
  default     = 2
}

variable "nat_gateway_mode" {
  description = "`single` (one shared NAT gateway) or `per_az`."
  type        = string
  default     = "single"
}

variable "capacity_type" {
  description = "Where tasks run: `FARGATE`, `FARGATE_SPOT` (a mix with on-demand Fargate) or `EC2`."
  type        = string
  default     = "FARGATE"

  validation {
    condition     = contains(["FARGATE", "FARGATE_SPOT", "EC2"], var.capacity_type)
    error_message = "capacity_type must be \"FARGATE\", \"FARGATE_SPOT\" or \"EC2\"."
  }
}

variable "cpu" {
  description = "CPU units per web task (Fargate sizes: 256 to 16384)."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Memory (MiB) per web task; must fit `cpu` on Fargate."
  type        = number
  default     = 1024
}

variable "min_count" {
  description = "Fewest web tasks autoscaling keeps."
  type        = number
  default     = 1
}

variable "max_count" {
  description = "Most web tasks autoscaling may start."
  type        = number
  default     = 4
}

variable "app_image_exists" {
  description = "Whether the image the web service starts with exists: false on a fresh stack until the pipeline's first build, and the service then runs no tasks (autoscaling cannot start any) until the first deploy. zonke sets it on every plan from the service and its ECR repository; no default, so that nothing applies the stack without saying."
  type        = bool
  nullable    = false
}

variable "cpu_target" {
  description = "Average CPU (%) autoscaling aims for."
  type        = number
  default     = 60
}

variable "media_enabled" {
  description = "User uploads (Django's default storage): a private bucket of their own (the media-storage module), served by CloudFront under `/media/*`; only the app's tasks may write there. Sets `MEDIA_URL`, `MEDIA_PREFIX` and `MEDIA_BUCKET`."
  type        = bool
  default     = false
  nullable    = false
}

variable "media_signing_public_key" {
  description = "With media: PEM of the RSA public key whose private key (the app's `MEDIA_SIGNING_KEY` secret) signs URLs of `/media/private/*`, which CloudFront then serves only signed. Sets `MEDIA_PRIVATE_PREFIX` and `MEDIA_SIGNING_KEY_ID`. Null: no signed URLs."
  type        = string
  default     = null
}

variable "workers" {
  description = "Worker processes (`[[workers]]` in zonke.toml), by name: each an ECS service with no load balancer in the private subnets, running `command` with the web service's image, environment, secrets and roles, autoscaled on CPU between `min_count` and `max_count`. The Deploy stage moves them to each new image with the web service, after the migrations."
  type = map(object({
    command   = list(string)
    cpu       = optional(number, 256)
    memory    = optional(number, 512)
    min_count = optional(number, 1)
    max_count = optional(number, 2)
    # With broker = "sqs": the queue whose backlog per task the worker scales on.
    queue             = optional(string, "celery")
    messages_per_task = optional(number, 10)
  }))
  default  = {}
  nullable = false

  # The worker's service is <app>-<environment>-worker-<name>: 63 characters at most with the
  # longest prefix the stack accepts (32).
  validation {
    condition     = alltrue([for k in keys(var.workers) : can(regex("^[a-z][a-z0-9-]{0,18}[a-z0-9]$", k))])
    error_message = "workers: each name must be 2-20 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"celery\")."
  }

  validation {
    condition     = alltrue([for w in values(var.workers) : length(w.command) >= 1])
    error_message = "workers: each worker needs a command (exec form, for example [\"celery\", \"-A\", \"mysite\", \"worker\"])."
  }
}

variable "schedules" {
  description = "Scheduled jobs (`[[schedules]]` in zonke.toml), by name: each a one-off ECS task of the web service's task family (its latest revision, the live release) running `command`, started by EventBridge Scheduler on `expression` (`cron(...)` or `rate(...)`) in `timezone`. A failed run raises the `<app>-<env>-scheduled-job-failed` alarm."
  type = map(object({
    expression  = string
    command     = list(string)
    timezone    = optional(string, "UTC")
    description = optional(string, "")
  }))
  default  = {}
  nullable = false
  # The scheduled-jobs module validates each field (names, expressions, time zones).
}

variable "cache_enabled" {
  description = "Whether the stack has a cache (`[cache] enabled` in zonke.toml): an ElastiCache replication group in the isolated subnets, TLS only, reachable from the app's tasks only, which connect with their task role (IAM authentication, no password). Sets REDIS_URL, CACHE_URL, REDIS_USERNAME and REDIS_CACHE_NAME."
  type        = bool
  default     = false
  nullable    = false
}

variable "cache_engine" {
  description = "The cache's engine: `valkey` or `redis` (Redis OSS)."
  type        = string
  default     = "valkey"
  nullable    = false
  # The redis-cache module validates it, the node type and the node count.
}

variable "cache_node_type" {
  description = "The cache's node type, for example `cache.t4g.micro`."
  type        = string
  default     = "cache.t4g.micro"
  nullable    = false
}

variable "cache_nodes" {
  description = "How many nodes the cache has: 1, or 2 to 6 for a primary and replicas across availability zones with automatic failover."
  type        = number
  default     = 1
  nullable    = false
}

variable "broker" {
  description = "Task queues for the workers: `none`; `sqs` (one SQS queue per `broker_queues` name, each with a dead-letter queue; Celery's broker settings in the contract; workers scale on their queue's backlog per task); or `redis` (the cache, database 1, with IAM sign-in: needs `cache_enabled`; workers scale on CPU)."
  type        = string
  default     = "none"
  nullable    = false

  validation {
    condition     = contains(["none", "sqs", "redis"], var.broker)
    error_message = "broker must be \"none\", \"sqs\" or \"redis\"."
  }

  validation {
    condition     = var.broker != "redis" || var.cache_enabled
    error_message = "broker = \"redis\" uses the stack's cache: set cache_enabled = true, or use broker = \"sqs\"."
  }
}

variable "broker_queues" {
  description = "Names of the broker's queues, the first the default (`CELERY_TASK_DEFAULT_QUEUE`)."
  type        = list(string)
  default     = ["celery"]
  nullable    = false
}

variable "broker_visibility_timeout" {
  description = "Seconds a received message stays hidden from other workers: longer than the longest task."
  type        = number
  default     = 1800
  nullable    = false
}

variable "broker_max_receives" {
  description = "Receives of a message without a delete before SQS moves it to the dead-letter queue."
  type        = number
  default     = 5
  nullable    = false
}

variable "enable_exec" {
  description = "Allow ECS Exec into the web tasks (`zonke shell`): sessions encrypted and logged. false turns it off entirely."
  type        = bool
  default     = true
  nullable    = false
}

variable "requests_per_target" {
  description = "ALB requests per task (per minute) autoscaling aims for."
  type        = number
  default     = 1000
}

variable "ec2_instance_type" {
  description = "Instance type of the EC2 capacity (with `capacity_type = \"EC2\"`)."
  type        = string
  default     = "t3.small"
}

variable "db_engine" {
  description = "`postgres` or `mysql`."
  type        = string
  default     = "postgres"
}

variable "db_engine_version" {
  description = "Engine version; null takes the module's default for the engine."
  type        = string
  default     = null
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.t4g.micro"
}

variable "db_allocated_storage" {
  description = "Initial storage (GiB)."
  type        = number
  default     = 20
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 100
}

variable "db_multi_az" {
  description = "Run the database with a standby in another AZ."
  type        = bool
  default     = false
}

variable "db_deletion_protection" {
  description = "Refuse to delete the database (turn off only for throwaway stacks)."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Skip the final snapshot when the database is deleted (throwaway stacks only)."
  type        = bool
  default     = false
}

variable "alb_deletion_protection" {
  description = "Refuse to delete the load balancer (turn off only for throwaway stacks)."
  type        = bool
  default     = true
}

variable "force_destroy" {
  description = "Let Terraform delete non-empty buckets and repositories (throwaway stacks only)."
  type        = bool
  default     = false
}

variable "cdn_app_cache_policy_id" {
  description = "CloudFront cache policy for requests to Django. Null (the default): the cdn-static module creates one that caches only what Django marks cacheable. `zonke --local` passes AWS's managed CachingDisabled policy, because the emulator cannot create cache policies."
  type        = string
  default     = null
}

variable "secret_keys" {
  description = "Names of the app's own secrets (environment variables), set with `zonke secrets set`."
  type        = list(string)
  default     = []
}

variable "repository_id" {
  description = "Source repository, `owner/name`."
  type        = string
  default     = null
}

variable "branch" {
  description = "Branch whose pushes deploy."
  type        = string
  default     = "main"
}

variable "connection_arn" {
  description = "ARN of an existing CodeConnections connection to the repository host; the pipeline uses it when set."
  type        = string
  default     = null
}

variable "create_connection" {
  description = "Create and keep a CodeConnections connection in this stack (handshake once in the console). Its own toggle: setting `connection_arn` later never deletes the connection; turning this off does."
  type        = bool
  default     = true
  nullable    = false
}

variable "state_bucket" {
  description = "S3 bucket of this stack's Terraform state (the pipeline's Infrastructure stage uses it)."
  type        = string
  default     = null
}

variable "state_key" {
  description = "Key of this stack's state object in `state_bucket` (null: zonke/<app>/<environment>/terraform.tfstate)."
  type        = string
  default     = null
}

variable "project_path" {
  description = "Folder of zonke.toml in the app's repository: the pipeline's Infrastructure stage runs `zonke apply` there."
  type        = string
  default     = "."
  nullable    = false
}

variable "terraform_version" {
  description = "The Terraform release that applies this stack (zonke sets it to the one it runs): the pipeline's Infrastructure stage runs exactly this one."
  type        = string
  default     = "1.11.4"
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.terraform_version))
    error_message = "terraform_version must be a release number such as \"1.11.4\"."
  }
}

variable "zonke_version" {
  description = "The zonke-tf release that deploys this stack (zonke sets it to its own version): the pipeline installs exactly this one."
  type        = string
  default     = "0.1.0"
  nullable    = false
}

variable "zonke_wheel_url" {
  description = "For forks: a wheel (https:// URL or absolute path) the pipeline installs zonke-tf from instead of the package index."
  type        = string
  default     = null
}

variable "app_path" {
  description = "Folder of the Django app (with its Dockerfile) in the repository."
  type        = string
  default     = "."
  nullable    = false
}

variable "wsgi_application" {
  description = "The app's WSGI callable, for the default gunicorn command (the sample app's project is `mysite`)."
  type        = string
  default     = "mysite.wsgi:application"
}

variable "require_approval" {
  description = "Wait for a manual approval before each deploy."
  type        = bool
  default     = false
}

variable "domain_name" {
  description = "Custom domain served by CloudFront (null: the CloudFront domain only)."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "ACM certificate (us-east-1) for `domain_name`."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of `domain_name`. When set, the stack creates and DNS-validates the certificates (us-east-1 for CloudFront, the stack's region for the load balancer) and the alias records."
  type        = string
  default     = null
}

variable "origin_certificate_arn" {
  description = "ACM certificate in the stack's region covering `domain_name` and `origin.<domain_name>`, for HTTPS from CloudFront to the load balancer (null: created when `route53_zone_id` is set)."
  type        = string
  default     = null
}

variable "edge_origin" {
  description = "How CloudFront reaches the load balancer: `public` (internet-facing, CloudFront's prefix list and the origin secret; HTTPS with a domain) or `private` (internal, in the private subnets, through a CloudFront VPC origin over HTTPS; needs a domain and an origin certificate)."
  type        = string
  default     = "public"
  nullable    = false

  validation {
    condition     = contains(["public", "private"], var.edge_origin)
    error_message = "edge_origin must be \"public\" or \"private\"."
  }

  validation {
    condition     = var.edge_origin == "public" || (var.domain_name != null && (var.route53_zone_id != null || var.origin_certificate_arn != null))
    error_message = "edge_origin = \"private\" needs domain_name and route53_zone_id (or origin_certificate_arn): CloudFront reaches the internal load balancer over HTTPS only."
  }
}

variable "tags" {
  description = "Tags added to every resource (beside app, environment and managed-by)."
  type        = map(string)
  default     = {}
}

variable "alert_emails" {
  description = "E-mail addresses that get every alarm and failed deploy or migration (each confirms once)."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "alert_https_endpoints" {
  description = "HTTPS endpoints (a chat webhook relay, a paging service) that get the same notifications."
  type        = list(string)
  default     = []
  nullable    = false
}

# --- the app's shape ([django] in zonke.toml) ---

variable "dockerfile" {
  description = "Path of the app's Dockerfile in the repository (null: `<app_path>/Dockerfile`)."
  type        = string
  default     = null
}

variable "docker_context" {
  description = "Docker build context in the repository (null: `app_path`)."
  type        = string
  default     = null
}

variable "asgi" {
  description = "Serve `wsgi_application` as an ASGI application: gunicorn with uvicorn workers (the image needs `uvicorn-worker`)."
  type        = bool
  default     = false
  nullable    = false
}

variable "settings_module" {
  description = "DJANGO_SETTINGS_MODULE of the containers and of collectstatic in the build (null: what manage.py and the WSGI module set)."
  type        = string
  default     = null
}

variable "container_port" {
  description = "Port gunicorn listens on in the container (1024-65535: the app runs as a non-root user)."
  type        = number
  default     = 8000
  nullable    = false

  validation {
    condition     = var.container_port >= 1024 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1024 to 65535 (a non-root process cannot bind lower ports)."
  }
}

variable "health_check_path" {
  description = "Path the load balancer's health check requests (by the task's IP address, not the site's host name)."
  type        = string
  default     = "/health/"
  nullable    = false
}

variable "static_root" {
  description = "Django's STATIC_ROOT inside the image: where collectstatic writes in the build, and what is uploaded to the static bucket."
  type        = string
  default     = "/app/staticfiles"
  nullable    = false
}

variable "release_commands" {
  description = "Commands each deploy runs before the new code serves, in order, each as its own task with the new image: the migration first."
  type        = list(list(string))
  default     = [["python", "manage.py", "migrate", "--noinput"]]
  nullable    = false

  validation {
    condition     = length(var.release_commands) >= 1 && length(var.release_commands) <= 6
    error_message = "release_commands must hold 1 to 6 commands, the migration first."
  }
}

variable "db_ca_bundle" {
  description = "PEM bundle of the RDS certificate authorities of the stack's region (https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem; `zonke plan`/`apply` download it when planning for AWS). With it (PostgreSQL), the containers verify the database server (`sslmode=verify-full`); empty: TLS without a server check (`sslmode=require`)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.db_ca_bundle == "" || (startswith(trimspace(var.db_ca_bundle), "-----BEGIN CERTIFICATE-----") && length(var.db_ca_bundle) <= 32768)
    error_message = "db_ca_bundle must be empty or a PEM certificate bundle (starting with -----BEGIN CERTIFICATE-----) of at most 32768 characters, such as the region's bundle from https://truststore.pki.rds.amazonaws.com/<region>/<region>-bundle.pem."
  }
}

variable "app_environment" {
  description = "The app's own plain (non-secret) environment variables, in the web, migration and collectstatic containers. Secrets go in `secret_keys`."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(setintersection(keys(var.app_environment), local.contract_env_keys)) == 0
    error_message = "app_environment must not set a variable of the stack's contract (local.contract_env_keys in contract.tf: DB_*, DATABASE_URL, DJANGO_*, STATIC_URL, AWS_*, HEALTH_CHECK_PATH, XDG_RUNTIME_DIR): the stack sets those."
  }
}

variable "run_image_entrypoint" {
  description = "Run the image's ENTRYPOINT before the container command (false: the command runs directly)."
  type        = bool
  default     = true
  nullable    = false
}
