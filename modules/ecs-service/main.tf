data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # local.fargate_memory (the task sizes Fargate accepts) is in fargate_sizes.tf, generated.

  is_ec2 = var.capacity.type == "EC2"
  # Until the image the service starts with exists, it runs no tasks (see service.tf).
  desired_count = var.app_image_exists ? coalesce(var.desired_count, var.min_count) : 0

  # One capacity provider strategy for the cluster's default and the service.
  capacity_provider_strategy = {
    FARGATE = [
      { capacity_provider = "FARGATE", base = 0, weight = 1 },
    ]
    FARGATE_SPOT_MIX = [
      { capacity_provider = "FARGATE", base = var.capacity.fargate_base, weight = var.capacity.fargate_weight },
      { capacity_provider = "FARGATE_SPOT", base = 0, weight = var.capacity.spot_weight },
    ]
    EC2 = [
      { capacity_provider = local.ec2_capacity_provider_name, base = 0, weight = 1 },
    ]
  }[var.capacity.type]

  tags = merge(var.tags, { "zonke:module" = "ecs-service" })
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = var.container_insights
  }

  # ECS Exec sessions: encrypted with this module's key, logged to an encrypted log group.
  dynamic "configuration" {
    for_each = var.enable_exec ? [1] : []

    content {
      execute_command_configuration {
        kms_key_id = module.key.arn
        logging    = "OVERRIDE"

        log_configuration {
          cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec[0].name
          cloud_watch_encryption_enabled = true
        }
      }
    }
  }

  tags = local.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = local.is_ec2 ? [aws_ecs_capacity_provider.ec2[0].name] : ["FARGATE", "FARGATE_SPOT"]

  dynamic "default_capacity_provider_strategy" {
    for_each = local.capacity_provider_strategy

    content {
      capacity_provider = default_capacity_provider_strategy.value.capacity_provider
      base              = default_capacity_provider_strategy.value.base
      weight            = default_capacity_provider_strategy.value.weight
    }
  }
}

# --- key for the image repository, the log groups and ECS Exec sessions ---

# The account (its IAM policies) controls the key's use; ECR encrypts images through grants
# it creates; CloudWatch Logs may use it for the two log groups below.
module "key" {
  source = "../_internal/logs-key"

  description    = "${var.name} app image repository, logs and ECS Exec sessions"
  alias_name     = "alias/zonke/${var.name}/app"
  log_group_arns = [local.log_group_arn, local.exec_log_group_arn]
  tags           = local.tags
}

moved {
  from = aws_kms_key.this
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.key.aws_kms_alias.this
}

# --- logs ---

locals {
  log_group_name     = "/zonke/${var.name}/app"
  log_group_arn      = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.log_group_name}"
  exec_log_group     = "/zonke/${var.name}/exec"
  exec_log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.exec_log_group}"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn

  tags = local.tags
}

resource "aws_cloudwatch_log_group" "exec" {
  count = var.enable_exec ? 1 : 0

  name              = local.exec_log_group
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn

  tags = local.tags
}

# --- image repository ---

resource "aws_ecr_repository" "this" {
  name                 = local.ecr_repository_name
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = module.key.arn
  }

  tags = local.tags
}

resource "aws_ecr_lifecycle_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    rules = [{
      rulePriority = 1
      description  = "Keep the ${var.ecr_keep_images} most recent images"
      selection = {
        tagStatus   = "any"
        countType   = "imageCountMoreThan"
        countNumber = var.ecr_keep_images
      }
      action = { type = "expire" }
    }]
  })
}
