# Rolling restart on change. ECS reads secrets only when a task starts, so a new value must
# replace the running tasks. Secrets Manager publishes a native "Secret Label Updated" event
# to the default event bus (no CloudTrail trail needed) whenever a staging label such as
# AWSCURRENT moves to another version: a PutSecretValue or UpdateSecret with a new value, the
# end of a rotation (RDS's managed master password included), or a rollback to an older
# version. The rule starts a small state machine that calls ECS UpdateService with
# forceNewDeployment, which rolls the service under its deployment settings.

locals {
  restart_name          = "zonke-${var.name}-secret-restart"
  restart_log_group     = "/aws/vendedlogs/states/${local.restart_name}"
  restart_log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.restart_log_group}"
  state_machine_arn     = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.restart_name}"
  rule_arn              = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${local.restart_name}"
  service_arn           = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:service/${coalesce(var.ecs_cluster_name, "-")}/${coalesce(var.ecs_service_name, "-")}"

  restart_definition = {
    Comment = "Roll the ECS service ${coalesce(var.ecs_service_name, "-")} so its tasks read the new secret values"
    StartAt = "ForceNewDeployment"
    States = {
      ForceNewDeployment = {
        Type     = "Task"
        Resource = "arn:${local.partition}:states:::aws-sdk:ecs:updateService"
        Parameters = {
          Cluster            = var.ecs_cluster_name
          Service            = var.ecs_service_name
          ForceNewDeployment = true
        }
        ResultPath = null
        Retry = [{
          ErrorEquals     = ["Ecs.ServerException", "Ecs.ThrottlingException"]
          IntervalSeconds = 5
          MaxAttempts     = 4
          BackoffRate     = 2
        }]
        # The first value is written before the service exists (same apply, or the service
        # not created yet): nothing runs, so there is nothing to restart.
        Catch = [{
          ErrorEquals = ["Ecs.ClusterNotFoundException", "Ecs.ServiceNotFoundException", "Ecs.ServiceNotActiveException"]
          ResultPath  = "$.error"
          Next        = "NoServiceToRestart"
        }]
        End = true
      }
      NoServiceToRestart = { Type = "Succeed" }
    }
  }
}

data "aws_iam_policy_document" "restart_assume" {
  count = var.restart_on_change ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${local.state_machine_arn}*"]
    }
  }
}

data "aws_iam_policy_document" "restart" {
  count = var.restart_on_change ? 1 : 0

  statement {
    sid       = "RollThisService"
    actions   = ["ecs:UpdateService"]
    resources = [local.service_arn]
  }

  # CloudWatch Logs' log-delivery APIs and X-Ray's trace APIs take no resource: AWS
  # documents "*" as the only resource for them.
  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "SendTraces"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "restart" {
  count = var.restart_on_change ? 1 : 0

  name_prefix          = "${substr(var.name, 0, 24)}-restart-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "Lets the state machine ${local.restart_name} roll the ECS service ${var.ecs_service_name}"
  assume_role_policy   = data.aws_iam_policy_document.restart_assume[0].json

  tags = local.tags
}

resource "aws_iam_role_policy" "restart" {
  count = var.restart_on_change ? 1 : 0

  name   = "roll-the-service"
  role   = aws_iam_role.restart[0].id
  policy = data.aws_iam_policy_document.restart[0].json
}

resource "aws_cloudwatch_log_group" "restart" {
  count = var.restart_on_change ? 1 : 0

  name              = local.restart_log_group
  retention_in_days = var.restart_log_retention_days
  kms_key_id        = module.key.arn

  tags = local.tags
}

# The state machine handles no secret value: its input is the secret's ARN and the new
# version's ID, so Step Functions' own encryption at rest (an AWS-owned key) covers it.
resource "aws_sfn_state_machine" "restart" {
  count = var.restart_on_change ? 1 : 0

  name       = local.restart_name
  role_arn   = aws_iam_role.restart[0].arn
  definition = jsonencode(local.restart_definition)

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.restart[0].arn}:*"
    include_execution_data = true
    level                  = "ALL"
  }

  tracing_configuration {
    enabled = true
  }

  tags = local.tags

  depends_on = [aws_iam_role_policy.restart]
}

resource "aws_cloudwatch_event_rule" "restart" {
  count = var.restart_on_change ? 1 : 0

  name        = local.restart_name
  description = "The current value of a secret of ${var.name} changed: roll the ECS service ${var.ecs_service_name}"
  event_pattern = jsonencode({
    source        = ["aws.secretsmanager"]
    "detail-type" = ["Secret Label Updated"]
    resources     = concat([aws_secretsmanager_secret.this.arn], var.watched_secret_arns)
    detail        = { labelUpdated = ["AWSCURRENT"] }
  })

  tags = local.tags
}

data "aws_iam_policy_document" "events_assume" {
  count = var.restart_on_change ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }
}

data "aws_iam_policy_document" "events" {
  count = var.restart_on_change ? 1 : 0

  statement {
    sid       = "StartTheRestart"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
}

resource "aws_iam_role" "events" {
  count = var.restart_on_change ? 1 : 0

  name_prefix          = "${substr(var.name, 0, 24)}-secret-ev-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "Lets the EventBridge rule ${local.restart_name} start its state machine"
  assume_role_policy   = data.aws_iam_policy_document.events_assume[0].json

  tags = local.tags
}

resource "aws_iam_role_policy" "events" {
  count = var.restart_on_change ? 1 : 0

  name   = "start-the-restart"
  role   = aws_iam_role.events[0].id
  policy = data.aws_iam_policy_document.events[0].json
}

resource "aws_cloudwatch_event_target" "restart" {
  count = var.restart_on_change ? 1 : 0

  rule     = aws_cloudwatch_event_rule.restart[0].name
  arn      = aws_sfn_state_machine.restart[0].arn
  role_arn = aws_iam_role.events[0].arn

  input_transformer {
    input_paths = {
      secret  = "$.resources[0]"
      version = "$.detail.versionId"
    }
    input_template = "{\"secret\": \"<secret>\", \"version\": \"<version>\"}"
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 20
  }
}
