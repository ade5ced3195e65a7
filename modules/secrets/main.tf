data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  secret_name         = "zonke/${var.name}/app"
  django_key_name     = "DJANGO_SECRET_KEY"
  all_keys            = distinct(concat(var.secret_keys, var.generate_django_secret_key ? [local.django_key_name] : []))
  account_root        = "arn:${local.partition}:iam::${local.account_id}:root"
  secretsmanager_host = "secretsmanager.${local.region}.amazonaws.com"

  tags = merge(var.tags, { "zonke:module" = "secrets" })
}

# --- the key: administered by the account, used for cryptography only through Secrets Manager ---

# The account administers the key but may use it for cryptography only through Secrets
# Manager (these statements); CloudWatch Logs may use it for the restart log group.
data "aws_iam_policy_document" "key_use" {
  # checkov:skip=CKV_AWS_109:Statements of the key's own key policy: "*" as their resource means this one key, and the principals are this account and the named roles, through Secrets Manager only.
  # checkov:skip=CKV_AWS_111:Statements of the key's own key policy: "*" as their resource means this one key, and cryptographic use is limited to calls through Secrets Manager.
  # checkov:skip=CKV_AWS_356:Statements of the key's own key policy, where "*" as the resource can only mean the key the policy is attached to.
  # Principals of this account that IAM allows to write or read the secret (the wrapper's
  # operator, Terraform itself) may use the key, but only through Secrets Manager.
  statement {
    sid       = "AccountUsesTheKeyThroughSecretsManager"
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = [local.account_root]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = [local.secretsmanager_host]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:CallerAccount"
      values   = [local.account_id]
    }
  }

  dynamic "statement" {
    for_each = length(var.reader_role_arns) > 0 ? [1] : []

    content {
      sid       = "ReaderRolesDecryptThroughSecretsManager"
      actions   = ["kms:Decrypt", "kms:DescribeKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = var.reader_role_arns
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [local.secretsmanager_host]
      }
    }
  }
}

module "key" {
  source = "../_internal/logs-key"

  description = "${var.name} application secrets"
  alias_name  = "alias/zonke/${var.name}/secrets"
  # Administration only: no Encrypt/Decrypt/GenerateDataKey outside Secrets Manager.
  account_actions = [
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
    "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies",
    "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant", "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]
  log_group_arns   = var.restart_on_change ? [local.restart_log_group_arn] : []
  policy_documents = [data.aws_iam_policy_document.key_use.json]
  tags             = local.tags
}

moved {
  from = aws_kms_key.this
  to   = module.key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.this
  to   = module.key.aws_kms_alias.this
}

# --- the secret: one JSON object of environment-variable names to values ---

resource "aws_secretsmanager_secret" "this" {
  # checkov:skip=CKV2_AWS_57:The values are the app's own settings (API keys, Django's key), set and changed by people through the wrapper; there is no rotation function that could produce them. A database secret rotates in its own module.
  name                    = local.secret_name
  description             = "Environment variables of ${var.name} (a JSON object). Values are set with the zonke wrapper, never through Terraform."
  kms_key_id              = module.key.arn
  recovery_window_in_days = var.recovery_window_days

  tags = local.tags
}

# The secret's first value is not Terraform's. Reading back a version (to refresh it) calls
# GetSecretValue, which the pipeline's Infrastructure role is denied on app secrets, so no
# aws_secretsmanager_secret_version lives in this module (removed.tf forgets the one older
# stacks have). After each apply the zonke wrapper writes, once, a first value holding the
# keys of `generated_secret_keys` (a random DJANGO_SECRET_KEY), and only while the secret has
# no AWSCURRENT version; it never reads a value (zonke_tf/ops.py: seed_generated_secrets).
# A declared key is never seeded with an empty string (an app would run with an empty API
# key and fail later, somewhere else): until someone sets it (`zonke secrets set`),
# `zonke status` and `zonke deploy` name it as unset, and ECS cannot start a task that
# references it, so a deploy fails before a wrongly configured app takes traffic.
