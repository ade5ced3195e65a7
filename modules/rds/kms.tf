# One customer-managed key for the database: storage, the master user secret,
# Performance Insights and the exported log groups. Rotation on.

locals {
  create_kms_key = var.kms_key_arn == null
  log_group_arn_prefix = join(":", [
    "arn", data.aws_partition.current.partition, "logs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, "log-group", "/aws/rds/instance/${var.name}/",
  ])
}

data "aws_iam_policy_document" "kms" {
  count = local.create_kms_key ? 1 : 0

  # In a key policy, "*" means this key only. The account statement lets IAM policies
  # grant use of the key (RDS and Secrets Manager act through the caller's permissions
  # and grants; the ECS task execution role needs kms:Decrypt for the secret).
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudWatchLogsUsesForTheDatabaseLogGroups"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["${local.log_group_arn_prefix}*"]
    }
  }
}

resource "aws_kms_key" "this" {
  count = local.create_kms_key ? 1 : 0

  description             = "${var.name} database: storage, master user secret, Performance Insights, logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms[0].json

  tags = merge(local.tags, { Name = "${var.name}-rds" })
}

resource "aws_kms_alias" "this" {
  count = local.create_kms_key ? 1 : 0

  name          = "alias/zonke/${var.name}/rds"
  target_key_id = aws_kms_key.this[0].key_id
}
