# The runner's role: least privilege for exactly what the state machine does.

locals {
  task_definition_family_arn = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task-definition/${local.family}:*"
  cluster_tasks_arn          = "arn:${local.partition}:ecs:${local.region}:${local.account_id}:task/${local.cluster_name}/*"
}

data "aws_iam_policy_document" "runner_assume" {
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
      values   = [local.state_machine_arn]
    }
  }
}

resource "aws_iam_role" "runner" {
  name_prefix          = "${substr(var.name, 0, 24)}-migrate-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  assume_role_policy   = data.aws_iam_policy_document.runner_assume.json

  tags = local.tags
}

data "aws_iam_policy_document" "runner" {
  statement {
    sid       = "TakeReadAndReleaseTheMigrationLock"
    actions   = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"]
    resources = [local.lock_table_arn]

    # Only the lock item.
    # https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
    condition {
      test     = "ForAllValues:StringEquals"
      variable = "dynamodb:LeadingKeys"
      values   = [local.lock_key]
    }
  }

  statement {
    sid = "UseTheKeyThroughDynamoDBForTheLockTable"
    # The lock table is encrypted with this key; its readers and writers need the key
    # through DynamoDB. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/encryption.usagenotes.html
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [local.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:dynamodb:tableName"
      values   = [local.lock_table_name]
    }
  }

  statement {
    sid = "ReadAndRegisterTaskDefinitions"
    # AWS forces "*": DescribeTaskDefinition and RegisterTaskDefinition support no
    # resource-level permissions. What can be run is scoped below (RunTask).
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "TagPinnedRevisionsOnRegister"
    actions   = ["ecs:TagResource"]
    resources = [local.task_definition_family_arn]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid       = "RunOnlyTheMigrationFamilyInTheAppCluster"
    actions   = ["ecs:RunTask"]
    resources = [local.task_definition_family_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "WatchAndStopTasksOfTheAppCluster"
    actions   = ["ecs:DescribeTasks", "ecs:StopTask"]
    resources = [local.cluster_tasks_arn]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid = "ListTasksOfTheAppCluster"
    # ListTasks is scoped by the ecs:cluster condition, not by a resource ARN.
    actions   = ["ecs:ListTasks"]
    resources = ["*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "PassOnlyTheTwoTaskRolesToEcsTasks"
    actions   = ["iam:PassRole"]
    resources = distinct([var.execution_role_arn, var.task_role_arn])

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid = "ManagedRuleThatReportsEcsTaskStops"
    # ecs:runTask.sync learns that a task stopped through this Step Functions-managed rule.
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["arn:${local.partition}:events:${local.region}:${local.account_id}:rule/StepFunctionsGetEventsForECSTaskRule"]
  }

  statement {
    sid = "DeliverExecutionLogs"
    # AWS forces "*": the CloudWatch Logs delivery APIs Step Functions logging uses support
    # no resource-level permissions. The destination is set on the state machine.
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid = "EncryptTheDeliveredExecutionLogs"
    # With a customer managed key and logging on, Step Functions delivers the execution logs
    # as the runner's role, which must be able to make data keys for CloudWatch Logs.
    # https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
    actions   = ["kms:GenerateDataKey"]
    resources = [local.kms_key_arn]

    condition {
      test     = "StringLike"
      variable = "kms:EncryptionContext:SourceArn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:*"]
    }
  }

  statement {
    sid       = "UseTheKeyForThisStateMachineOnly"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [local.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:states:stateMachineArn"
      values   = [local.state_machine_arn]
    }
  }

  dynamic "statement" {
    for_each = var.enable_tracing ? [1] : []

    content {
      sid = "SendTraces"
      # AWS forces "*": X-Ray's write and sampling APIs support no resource-level permissions.
      actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
      resources = ["*"]
    }
  }
}

resource "aws_iam_role_policy" "runner" {
  name   = "migration-runner"
  role   = aws_iam_role.runner.id
  policy = data.aws_iam_policy_document.runner.json
}
