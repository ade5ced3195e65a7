variable "name" {
  description = "Name of the pipeline and prefix of its resources, one per app and environment (for example `shop-prod`): lowercase letters, digits and hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen (for example \"shop-prod\")."
  }
}

# --- source ---

variable "create_connection" {
  description = "Create the CodeConnections (CodeStar) connection here and keep it. A new connection stays PENDING until someone completes the one-time handshake in the AWS console (see the README); the pipeline cannot pull code until then. Setting `connection_arn` later never deletes it: only turning this off does."
  type        = bool
  default     = false
}

variable "connection_arn" {
  description = "ARN of an existing, AVAILABLE CodeConnections connection to the repository host; when set, the pipeline uses it (even with `create_connection`, which may then name the connection created here). Required unless `create_connection` is true."
  type        = string
  default     = null

  validation {
    condition     = var.connection_arn != null || var.create_connection
    error_message = "connection_arn is required: pass the ARN of an existing CodeConnections connection, or set create_connection = true to create one (then complete its handshake in the console)."
  }

  validation {
    condition     = var.connection_arn == null || can(regex("^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection/[0-9a-f-]{36}$", var.connection_arn))
    error_message = "connection_arn must be a connection ARN such as \"arn:aws:codeconnections:us-east-1:123456789012:connection/0123abcd-...\" (or the older codestar-connections form)."
  }
}

variable "connection_provider_type" {
  description = "Repository host of a connection created here: `GitHub`, `Bitbucket` or `GitLab`."
  type        = string
  default     = "GitHub"

  validation {
    condition     = contains(["GitHub", "Bitbucket", "GitLab"], var.connection_provider_type)
    error_message = "connection_provider_type must be \"GitHub\", \"Bitbucket\" or \"GitLab\"."
  }
}

variable "repository_id" {
  description = "Repository to build, as `owner/repo` (GitLab: `group/subgroup/repo`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$", var.repository_id)) && !can(regex("(^|/)\\.|\\.git$|//", var.repository_id)) && length(var.repository_id) <= 200
    error_message = "repository_id must be \"owner/repo\" (letters, digits, . _ -; no URL, no .git suffix), for example \"acme/shop\"."
  }
}

variable "branch" {
  description = "Branch whose pushes run the pipeline, for example `main`."
  type        = string
  default     = "main"

  validation {
    # git check-ref-format: no space or ~^:?*[\ , no "..", "//", "@{", no component
    # starting with "." or ending with ".lock", not starting with "-" or ending with "/" or ".".
    condition = (
      length(var.branch) > 0 && length(var.branch) <= 255 && var.branch != "@"
      && can(regex("^[^\\s~^:?*\\[\\\\\\x00-\\x1f\\x7f]+$", var.branch))
      && !can(regex("\\.\\.|//|@\\{|^-|^/|/$|\\.$|(^|/)\\.|\\.lock(/|$)", var.branch))
    )
    error_message = "branch must be a valid git branch name, such as \"main\" or \"release/2.0\": no spaces or ~ ^ : ? * [ \\, no \"..\" or \"//\", not starting with \"-\" or \".\", not ending with \"/\", \".\" or \".lock\"."
  }
}

variable "file_path_filters" {
  description = "Only pushes that change a file matching one of these glob patterns start the pipeline (for example `[\"app/**\", \"infra/**\"]`). Empty: every push to the branch."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.file_path_filters) <= 8 && alltrue([for p in var.file_path_filters : length(p) > 0 && length(p) <= 255])
    error_message = "file_path_filters may hold at most 8 non-empty patterns of up to 255 characters (a CodePipeline limit)."
  }
}

# --- what the stages touch ---

variable "ecr_repository_url" {
  description = "URL of the app's ECR repository, without a tag (the ecs-service module's `ecr_repository_url`)."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9]+([._/-][a-z0-9]+)*$", var.ecr_repository_url))
    error_message = "ecr_repository_url must be an ECR repository URL without a tag, such as \"123456789012.dkr.ecr.us-east-1.amazonaws.com/zonke/shop-prod\"."
  }
}

variable "ecr_repository_arn" {
  description = "ARN of the same ECR repository: the Build stage may push to it and to nothing else."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN such as \"arn:aws:ecr:us-east-1:123456789012:repository/zonke/shop-prod\"."
  }
}

variable "static_bucket_name" {
  description = "Name of the static files bucket (the cdn-static module's `static_bucket_name`)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.static_bucket_name))
    error_message = "static_bucket_name must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "static_bucket_arn" {
  description = "ARN of the static files bucket."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.static_bucket_arn))
    error_message = "static_bucket_arn must be an S3 bucket ARN such as \"arn:aws:s3:::shop-prod-static\"."
  }
}

variable "static_bucket_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the static bucket, if it is a customer-managed one: the Build stage may use it to upload."
  type        = string
  default     = null
}

variable "static_prefix" {
  description = "Key prefix of the static files in the bucket (CloudFront serves `/static/*` from keys `static/...`)."
  type        = string
  default     = "static/"

  validation {
    condition     = can(regex("^([A-Za-z0-9_.-]+/)*$", var.static_prefix))
    error_message = "static_prefix must be empty or path segments each ending with \"/\", such as \"static/\"."
  }
}

variable "static_root" {
  description = "Directory inside the image where `collectstatic` puts the files (Django's STATIC_ROOT)."
  type        = string
  default     = "/app/staticfiles"

  validation {
    condition     = can(regex("^/[A-Za-z0-9_./-]*[A-Za-z0-9_-]$", var.static_root))
    error_message = "static_root must be an absolute path inside the image, such as \"/app/staticfiles\"."
  }
}

variable "cloudfront_distribution_id" {
  description = "ID of the CloudFront distribution in front of the static files: the Build stage invalidates the static paths after uploading. Null: no invalidation."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_distribution_id == null || can(regex("^[A-Z0-9]{8,20}$", var.cloudfront_distribution_id))
    error_message = "cloudfront_distribution_id must be null or a distribution ID such as \"E1ABCDEF234567\"."
  }
}

variable "cluster_name" {
  description = "Name of the app's ECS cluster (the ecs-service module's `cluster_name`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.cluster_name))
    error_message = "cluster_name must be 1-255 letters, digits, hyphens and underscores."
  }
}

variable "service_name" {
  description = "Name of the app's ECS service (the ecs-service module's `service_name`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.service_name))
    error_message = "service_name must be 1-255 letters, digits, hyphens and underscores."
  }
}

variable "container_name" {
  description = "Name of the web container in the service's task definition (the ecs-service module's `container_name`): imagedefinitions.json names it."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.container_name))
    error_message = "container_name must be 1-255 letters, digits, hyphens and underscores."
  }
}

variable "execution_role_arn" {
  description = "ARN of the service's task execution role (ecs-service `execution_role_arn`): the Deploy stage registers a task definition revision naming it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.execution_role_arn))
    error_message = "execution_role_arn must be an IAM role ARN."
  }
}

variable "task_role_arn" {
  description = "ARN of the service's task role (ecs-service `task_role_arn`): the Deploy stage registers a task definition revision naming it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.task_role_arn))
    error_message = "task_role_arn must be an IAM role ARN."
  }
}

variable "migration_state_machine_arn" {
  description = "ARN of the migration runner (the migration-task module's `state_machine_arn`)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$", var.migration_state_machine_arn))
    error_message = "migration_state_machine_arn must be a Step Functions state machine ARN such as \"arn:aws:states:us-east-1:123456789012:stateMachine:shop-prod-migrate\"."
  }
}

variable "migration_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the migration runner (the migration-task module's `kms_key_arn`): starting and watching an execution needs it. Null if the runner uses an AWS-owned key."
  type        = string
  default     = null
}

# --- Terraform stage ---

variable "terraform_state_bucket" {
  description = "S3 bucket holding the Terraform state of this app's stack."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.terraform_state_bucket))
    error_message = "terraform_state_bucket must be an S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens."
  }
}

variable "terraform_state_key" {
  description = "Key of the state object in the bucket, for example `shop/prod/terraform.tfstate`."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()/-]+$", var.terraform_state_key)) && !startswith(var.terraform_state_key, "/") && length(var.terraform_state_key) <= 1000
    error_message = "terraform_state_key must be an S3 key such as \"shop/prod/terraform.tfstate\" (no leading slash)."
  }
}

variable "terraform_lock" {
  description = "Lock the state with an S3 lock file (`use_lockfile`, the `<key>.tflock` object beside the state), so two applies never overlap. Turn off only if the stack's backend locks otherwise."
  type        = bool
  default     = true
}

variable "terraform_state_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the state bucket, if customer-managed."
  type        = string
  default     = null
}

variable "project_path" {
  description = "Folder of the app's `zonke.toml` in the repository (`.` for its root). The Infrastructure stage runs `zonke apply` there; the repository holds no Terraform files."
  type        = string
  default     = "."
  nullable    = false

  validation {
    condition     = var.project_path == "." || (can(regex("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$", var.project_path)) && !can(regex("(^|/)\\.\\.(/|$)", var.project_path)))
    error_message = "project_path must be \".\" or a relative folder inside the repository, such as \"backend\" or \"services/shop\" (no \"..\")."
  }
}

variable "environment" {
  description = "The environment the Infrastructure stage applies: `zonke apply --env <environment>` (an `[env.NAME]` table of zonke.toml, or the config's own `app.environment`)."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = can(regex("^([a-z][a-z0-9]{0,9})?$", var.environment))
    error_message = "environment must be empty or 1-10 lowercase letters and digits, starting with a letter (for example \"prod\")."
  }
}

variable "zonke_version" {
  description = "The zonke-tf release the stack was deployed with: the Infrastructure stage installs exactly this version (`zonke` records its own version here)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+([.a-z0-9+-]*)$", var.zonke_version))
    error_message = "zonke_version must be a zonke-tf release number such as \"0.1.0\"."
  }
}

variable "zonke_wheel_url" {
  description = "Where the Infrastructure stage installs zonke-tf from instead of the package index, for forks: a wheel URL (`https://...whl`) or a path in the build image. Null installs `zonke-tf==<zonke_version>` from the package index."
  type        = string
  default     = null

  validation {
    condition     = var.zonke_wheel_url == null || can(regex("^(https://|/)[^ ]+\\.whl$", var.zonke_wheel_url))
    error_message = "zonke_wheel_url must be null, an https:// URL of a .whl file or an absolute path to one."
  }
}

variable "terraform_version" {
  description = "Terraform version the Infrastructure stage runs (downloaded and checked against HashiCorp's published SHA-256 sums unless that version is on PATH): the one the CLI runs, recorded in the stack."
  type        = string
  default     = "1.11.4"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.terraform_version))
    error_message = "terraform_version must be a release number such as \"1.11.4\"."
  }
}

variable "managed_name_prefix" {
  description = "Name prefix of the resources the Infrastructure stage may manage (IAM, ECS, ECR, RDS, load balancers, buckets, logs...). Null: `name`. Every module of the stack must be named with it."
  type        = string
  default     = null
}

variable "managed_resource_tag" {
  description = "Tag the Infrastructure stage requires on resources whose ARN holds no name (VPC, subnets, security groups, KMS keys, certificates...): it may create them only with this tag and change only those that carry it. Set it in the stack's provider `default_tags`. Null: `{key = \"zonke:app\", value = name}`."
  type = object({
    key   = string
    value = string
  })
  default = null
}

# --- stages ---

variable "require_approval" {
  description = "Add a manual approval stage after Build: nothing touches the database or the service until someone approves."
  type        = bool
  default     = false
}

variable "codebuild_compute_type" {
  description = "CodeBuild compute type of both projects."
  type        = string
  default     = "BUILD_GENERAL1_SMALL"

  validation {
    condition     = contains(["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"], var.codebuild_compute_type)
    error_message = "codebuild_compute_type must be one of BUILD_GENERAL1_SMALL, BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE, BUILD_GENERAL1_2XLARGE."
  }
}

variable "codebuild_image" {
  description = "CodeBuild image of both projects (it needs Docker, the AWS CLI, curl and unzip)."
  type        = string
  default     = "aws/codebuild/amazonlinux-x86_64-standard:5.0"
}

variable "dockerfile" {
  description = "Path of the Dockerfile in the repository."
  type        = string
  default     = "Dockerfile"
}

variable "docker_context" {
  description = "Docker build context, relative to the repository root."
  type        = string
  default     = "."
}

variable "build_timeout_minutes" {
  description = "Longest time a CodeBuild build may run (5 to 480)."
  type        = number
  default     = 60

  validation {
    condition     = var.build_timeout_minutes >= 5 && var.build_timeout_minutes <= 480
    error_message = "build_timeout_minutes must be from 5 to 480."
  }
}

variable "task_definition_family" {
  description = "Family of the service's task definition (the ecs-service module's `task_definition_family`); null means `service_name`. The Deploy stage copies its latest revision with the new image."
  type        = string
  default     = null

  validation {
    condition     = var.task_definition_family == null || can(regex("^[A-Za-z0-9_-]{1,255}$", var.task_definition_family))
    error_message = "task_definition_family must be 1-255 letters, digits, hyphens and underscores."
  }
}

variable "worker_services" {
  description = "Worker services (the ecs-worker module's outputs), by the worker's name: the Deploy stage moves each to the new image beside the web service, after the migrations, the same way (the family's latest revision with the image swapped)."
  type = map(object({
    service_name           = string
    task_definition_family = string
    container_name         = string
  }))
  default  = {}
  nullable = false

  validation {
    condition = alltrue([for k, w in var.worker_services : can(regex("^[A-Za-z0-9_-]{1,80}$", k)) && alltrue([
      for v in [w.service_name, w.task_definition_family, w.container_name] : can(regex("^[A-Za-z0-9_-]{1,255}$", v))
    ])])
    error_message = "worker_services: keys must be 1-80 letters, digits, hyphens and underscores (they name the Deploy stage's actions), and service_name, task_definition_family and container_name 1-255 of the same."
  }
}

variable "deploy_timeout_minutes" {
  description = "How long the Deploy stage waits for the service to become stable (1 to 60)."
  type        = number
  default     = 30

  validation {
    condition     = var.deploy_timeout_minutes >= 1 && var.deploy_timeout_minutes <= 60
    error_message = "deploy_timeout_minutes must be from 1 to 60."
  }
}

variable "artifact_retention_days" {
  description = "Days to keep pipeline artifacts (source zips, image definitions)."
  type        = number
  default     = 30

  validation {
    condition     = var.artifact_retention_days >= 1
    error_message = "artifact_retention_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}

variable "collectstatic_environment" {
  description = "Plain (non-secret) environment variables of the collectstatic container, such as DJANGO_SETTINGS_MODULE. They are visible in the build project and its logs: never a secret."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.collectstatic_environment : can(regex("^[A-Za-z_][A-Za-z0-9_]*$", k)) && !strcontains(v, "\n")])
    error_message = "collectstatic_environment keys must be environment variable names (letters, digits and underscores, not starting with a digit) and values one line each."
  }
}

variable "collectstatic_run_entrypoint" {
  description = "Run the image's ENTRYPOINT before collectstatic (false: `docker create --entrypoint ''`)."
  type        = bool
  default     = true
  nullable    = false
}

variable "collectstatic_command" {
  description = "Command run in the built image to gather the static files into `static_root`; it must work without the app's secrets."
  type        = list(string)
  default     = ["python", "manage.py", "collectstatic", "--noinput"]

  validation {
    condition     = length(var.collectstatic_command) > 0 && alltrue([for c in var.collectstatic_command : length(c) > 0])
    error_message = "collectstatic_command must be a non-empty list of non-empty strings."
  }
}

variable "iam_path" {
  description = "IAM path of the roles and policies this module creates, and of every role and policy of the stack the Infrastructure stage may manage (give every module of the stack the same one). Null: `/zonke/<managed_name_prefix>/`. A path of its own per stack keeps the Infrastructure role's IAM patterns from matching a sibling stack's names."
  type        = string
  default     = null

  validation {
    # https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (Path: 1-512 characters, begins and ends with "/", printable ASCII without "/" inside a segment)
    condition     = var.iam_path == null || can(regex("^/([!-.0-~]+/)+$", var.iam_path)) && length(coalesce(var.iam_path, "/")) <= 512
    error_message = "iam_path must begin and end with \"/\" and be at most 512 characters, such as \"/zonke/shop-prod/\"."
  }
}

# --- custom domain: what the Infrastructure stage may manage for it ---

variable "domain_name" {
  description = "The stack's custom domain (lowercase, for example `shop.example.com`), or null. With it, the Infrastructure role may read the account's ACM certificates in the stack's region and us-east-1 (CloudFront's); with `route53_zone_id` too, it may request certificates for the domain and `origin.<domain>` and delete those carrying the stack's tag, and change the domain's records in that zone. Null: no ACM or Route 53 permission at all."
  type        = string
  default     = null

  validation {
    condition     = var.domain_name == null || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", coalesce(var.domain_name, "x")))
    error_message = "domain_name must be null or a lowercase DNS name such as \"shop.example.com\"."
  }
}

variable "route53_zone_id" {
  description = "The Route 53 hosted zone of `domain_name` when the stack creates and validates its certificates and records (`aws_route53_record`, `aws_acm_certificate`), or null (certificates and records managed elsewhere)."
  type        = string
  default     = null

  validation {
    condition     = var.route53_zone_id == null || (var.domain_name != null && can(regex("^Z[A-Z0-9]{1,31}$", coalesce(var.route53_zone_id, "x"))))
    error_message = "route53_zone_id must be null or a hosted zone ID such as \"Z0123456789ABCDEFGHIJ\", and needs domain_name."
  }
}
