# A customer-managed KMS key that CloudWatch Logs may use for the named log groups only,
# with its alias: the pattern each tier module that writes logs repeated before (issue 18).
# Tier modules call it from "../_internal/logs-key"; it calls nothing.
#
# CloudWatch Logs encrypts with a key only when the key policy lets the regional logs
# service principal use it, scoped by kms:EncryptionContext:aws:logs:arn to the log groups:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  account_root = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"
}

data "aws_iam_policy_document" "this" {
  # checkov:skip=CKV_AWS_109:This document is the key's own key policy: "*" as its resource means this one key, and the principals are this account and CloudWatch Logs for the named log groups.
  # checkov:skip=CKV_AWS_111:This document is the key's own key policy: "*" as its resource means this one key; IAM policies in the account decide who may use it.
  # checkov:skip=CKV_AWS_356:This document is the key's own key policy, where "*" as the resource can only mean the key the policy is attached to.
  source_policy_documents = var.policy_documents

  # In a key policy, "*" as the resource means this key only. The account statement lets
  # the account's IAM policies grant use of the key; without it the key is unmanageable.
  statement {
    sid       = "AccountAdministers"
    actions   = var.account_actions
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }
  }

  dynamic "statement" {
    for_each = length(var.log_group_arns) > 0 ? [1] : []

    content {
      sid       = "CloudWatchLogsUsesItForTheseLogGroups"
      actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
      }

      # ArnLike: an ARN without wildcards matches only itself, one ending in "*" a prefix.
      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = var.log_group_arns
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = data.aws_iam_policy_document.this.json

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = var.alias_name
  target_key_id = aws_kms_key.this.key_id
}
