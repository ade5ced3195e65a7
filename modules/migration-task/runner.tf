# The runner: a Standard Step Functions state machine, its encrypted log group and key.

locals {
  # Under /aws/vendedlogs/ so Step Functions' log delivery needs no entry in the account's
  # CloudWatch Logs resource policy (5,120 characters for the whole account), one per stack.
  # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  runner_log_group_name = "/aws/vendedlogs/states/${var.name}-migrate"
  runner_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.runner_log_group_name}"
  create_kms_key        = var.kms_key_arn == null
  kms_key_arn           = local.create_kms_key ? aws_kms_key.this[0].arn : var.kms_key_arn
}

data "aws_iam_policy_document" "key" {
  count = local.create_kms_key ? 1 : 0

  # In a key policy, "*" means this key only.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesForTheRunnerLogGroup"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = [local.runner_log_group_arn]
    }
  }

  # Vended log delivery reads the data key the runner's role made for the delivered logs.
  # https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
  statement {
    sid       = "LogDeliveryDecryptsForTheRunner"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name} migration runner: state machine data and logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key[0].json

  tags = local.tags
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/zonke/${var.name}/migration-runner"
  target_key_id = aws_kms_key.this[0].key_id
}

resource "aws_cloudwatch_log_group" "runner" {
  name              = local.runner_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = local.tags
}

resource "aws_sfn_state_machine" "this" {
  name       = local.state_machine_name
  type       = "STANDARD"
  role_arn   = aws_iam_role.runner.arn
  definition = jsonencode(local.definition)

  logging_configuration {
    log_destination        = "${aws_cloudwatch_log_group.runner.arn}:*"
    include_execution_data = var.log_execution_data
    level                  = var.log_level
  }

  tracing_configuration {
    enabled = var.enable_tracing
  }

  encryption_configuration {
    type                              = "CUSTOMER_MANAGED_KMS_KEY"
    kms_key_id                        = local.kms_key_arn
    kms_data_key_reuse_period_seconds = 300
  }

  tags = local.tags

  # The role's policies, and the family the runner copies, must exist before a first run.
  depends_on = [aws_iam_role_policy.runner, aws_ecs_task_definition.this]
}
