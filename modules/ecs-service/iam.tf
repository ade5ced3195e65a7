# Two roles per service: the execution role ECS uses to start a task (pull the image, write
# its logs, read the secrets it injects) and the task role the app itself runs with.

data "aws_iam_policy_document" "tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

# --- execution role ---

# ARNs built from names, so the policy is known when planning (and checkable in a plan).
locals {
  ecr_repository_name = "zonke/${var.name}"
  ecr_repository_arn  = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/${local.ecr_repository_name}"
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid       = "PullTheAppImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [local.ecr_repository_arn]
  }

  # GetAuthorizationToken is account-wide: AWS offers no resource to scope it to.
  statement {
    sid       = "GetRegistryToken"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "WriteTheAppLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.log_group_arn}:log-stream:*"]
  }

  dynamic "statement" {
    for_each = length(var.secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadTheInjectedSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = var.secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptTheSecretsThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix          = "${substr(var.name, 0, 24)}-exec-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "ECS starts the tasks of ${var.name} with this role: image pull, logs, injected secrets"
  assume_role_policy   = data.aws_iam_policy_document.tasks_assume.json

  tags = local.tags
}

resource "aws_iam_role_policy" "execution" {
  name   = "start-tasks"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# --- task role ---

locals {
  media_objects      = var.media_bucket_arn == null ? null : "${var.media_bucket_arn}/${var.media_prefix}/*"
  task_policy_needed = var.media_bucket_arn != null || length(var.task_secret_arns) > 0 || length(var.sqs_queue_arns) > 0 || length(var.cache_connect_arns) > 0
}

data "aws_iam_policy_document" "task" {
  dynamic "statement" {
    for_each = var.media_bucket_arn != null ? [1] : []

    content {
      sid       = "ListTheMediaPrefix"
      actions   = ["s3:ListBucket"]
      resources = [var.media_bucket_arn]

      condition {
        test     = "StringLike"
        variable = "s3:prefix"
        values   = [var.media_prefix, "${var.media_prefix}/*"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.media_bucket_arn != null ? [1] : []

    content {
      sid       = "ReadAndWriteTheMediaObjects"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = [local.media_objects]
    }
  }

  dynamic "statement" {
    for_each = var.media_bucket_arn != null && var.media_kms_key_arn != null ? [1] : []

    content {
      sid       = "UseTheMediaKeyThroughS3"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.media_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }
    }
  }

  # Celery's SQS transport with predefined queues: no ListQueues or CreateQueue.
  # https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/sqs.html
  dynamic "statement" {
    for_each = length(var.sqs_queue_arns) > 0 ? [1] : []

    content {
      sid = "UseTheAppsQueues"
      actions = [
        "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes", "sqs:GetQueueUrl",
      ]
      resources = var.sqs_queue_arns
    }
  }

  # The cache's IAM authentication: the app signs a token with this role's credentials.
  # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
  dynamic "statement" {
    for_each = length(var.cache_connect_arns) > 0 ? [1] : []

    content {
      sid       = "ConnectToTheAppsCache"
      actions   = ["elasticache:Connect"]
      resources = var.cache_connect_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.task_secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadItsOwnSecrets"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = var.task_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(var.task_secret_arns) > 0 && length(var.kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptItsSecretsThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = var.kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role" "task" {
  name_prefix          = "${substr(var.name, 0, 24)}-task-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "The app ${var.name} runs with this role"
  assume_role_policy   = data.aws_iam_policy_document.tasks_assume.json

  tags = local.tags
}

resource "aws_iam_role_policy" "task" {
  count = local.task_policy_needed ? 1 : 0

  name   = "app-access"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.task.json
}

# ECS Exec gets its own policy: it names this module's key, which is only known once created.
data "aws_iam_policy_document" "exec" {
  count = var.enable_exec ? 1 : 0

  # ECS Exec: the SSM agent in the task opens its channels with these actions, which AWS
  # offers no resource to scope to; DescribeLogGroups is likewise account-wide.
  statement {
    sid = "OpenExecSessions"
    actions = [
      "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel", "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "LogExecSessions"
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${local.exec_log_group_arn}:*"]
  }

  statement {
    sid       = "DecryptExecSessions"
    actions   = ["kms:Decrypt"]
    resources = [module.key.arn]
  }
}

resource "aws_iam_role_policy" "exec" {
  count = var.enable_exec ? 1 : 0

  name   = "ecs-exec"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.exec[0].json
}
