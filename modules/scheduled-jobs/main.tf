# The app's scheduled jobs: EventBridge Scheduler starts each job as a one-off ECS task of the
# web service's task family, with the job's command, in the private subnets, under the web
# service's security group (the one the database admits) and roles.
#
#   schedule --(RunTask, retried)--> ECS task --(stopped, exit code != 0)--> failure rule
#       \--(could not start after the retries)--> failed-runs queue <----------/
#                                                    \--> alarm (a message is waiting)
#
# The live revision: each schedule names the family's ARN without a revision, and ECS runs the
# family's latest ACTIVE revision ("If a revision isn't specified, the latest ACTIVE revision
# is used"), which is the one the pipeline's Deploy registered with the image it deployed,
# after Migrate. Nothing is pinned at plan time, so a release reaches the jobs with the web
# service. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_EcsParameters.html
#
# Ownership: Terraform owns every field here; the pipeline only registers task definition
# revisions (which the schedules follow by naming the family); no day-2 command edits them.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  family_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${var.task_definition_family}"
  group_arn  = "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule-group/${var.name}"
  # The rule's ARN, built from its name: the queue policy names it.
  rule_name = "${var.name}-schedule-failed"
  rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.rule_name}"

  # Built from the name: the policies are then known when planning.
  queue_name = "${var.name}_schedule-failures"
  queue_arn  = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${local.queue_name}"

  # Each run's ECS task group: the failure rule matches these, `zonke status` finds runs by them.
  task_groups = { for job in keys(var.schedules) : job => "schedule:${job}" }

  tags = merge(var.tags, { "zonke:module" = "scheduled-jobs" })
}

resource "aws_scheduler_schedule_group" "this" {
  name = var.name
  tags = local.tags
}

resource "aws_scheduler_schedule" "this" {
  # checkov:skip=CKV_AWS_297: the target input holds a command and network ids, no secret; EventBridge Scheduler encrypts it at rest with an AWS-owned key. The secrets reach the task through its definition, from Secrets Manager.
  for_each = var.schedules

  name                         = each.key
  group_name                   = aws_scheduler_schedule_group.this.name
  description                  = each.value.description
  schedule_expression          = each.value.expression
  schedule_expression_timezone = each.value.timezone
  state                        = var.enabled ? "ENABLED" : "DISABLED"

  flexible_time_window {
    mode = "OFF"
  }

  # The role may start the task before the first run is due.
  depends_on = [aws_iam_role_policy.this]

  target {
    arn      = var.cluster_arn
    role_arn = aws_iam_role.this.arn
    # For an ECS target the input is RunTask's overrides.
    input = jsonencode({
      containerOverrides = [{ name = var.container_name, command = concat(var.command_prefix, each.value.command) }]
    })

    ecs_parameters {
      task_definition_arn = local.family_arn
      task_count          = 1
      group               = local.task_groups[each.key]
      launch_type         = length(var.capacity_provider_strategy) == 0 ? "FARGATE" : null
      platform_version    = length(var.capacity_provider_strategy) == 0 ? "LATEST" : null

      dynamic "capacity_provider_strategy" {
        for_each = var.capacity_provider_strategy
        content {
          capacity_provider = capacity_provider_strategy.value.capacity_provider
          weight            = capacity_provider_strategy.value.weight
          base              = capacity_provider_strategy.value.base
        }
      }

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = var.security_group_ids
        assign_public_ip = false
      }
    }

    # A run ECS would not start (throttled, no capacity) is retried, then sent to the queue.
    # https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
    retry_policy {
      maximum_retry_attempts       = var.retry_attempts
      maximum_event_age_in_seconds = var.maximum_event_age_seconds
    }

    dead_letter_config {
      arn = aws_sqs_queue.failures.arn
    }
  }
}
