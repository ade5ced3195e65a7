# The runner: a Standard Step Functions state machine, its encrypted log group and key.

locals {
  # Under /aws/vendedlogs/ so Step Functions' log delivery needs no entry in the account's
  # CloudWatch Logs resource policy (5,120 characters for the whole account), one per stack.
  # https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
  runner_log_group_name = "/aws/vendedlogs/states/${var.name}-migrate"
  runner_log_group_arn  = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.runner_log_group_name}"
  create_kms_key        = var.kms_key_arn == null
  kms_key_arn           = local.create_kms_key ? module.key[0].arn : var.kms_key_arn
}

# Vended log delivery reads the data key the runner's role made for the delivered logs.
# https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html
data "aws_iam_policy_document" "log_delivery" {
  count = local.create_kms_key ? 1 : 0

  # checkov:skip=CKV_AWS_356:A key-policy statement (merged into the runner key's policy), where "*" as the resource can only mean that key.
  # checkov:skip=CKV_AWS_111:A key-policy statement: "*" means the runner's key only, and the only action is kms:Decrypt for log delivery of this account.
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

module "key" {
  source = "../_internal/logs-key"
  count  = local.create_kms_key ? 1 : 0

  description      = "${var.name} migration runner: state machine data and logs"
  alias_name       = "alias/zonke/${var.name}/migration-runner"
  log_group_arns   = [local.runner_log_group_arn]
  policy_documents = [data.aws_iam_policy_document.log_delivery[0].json]
  tags             = local.tags
}

moved {
  from = aws_kms_key.this[0]
  to   = module.key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.key[0].aws_kms_alias.this
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
