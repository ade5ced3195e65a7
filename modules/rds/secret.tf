# The master user secret: RDS creates it (manage_master_user_password); this module
# owns its rotation schedule and publishes a least-privilege read policy for it.

# RDS enables rotation of the managed secret every 7 days; this resource owns that schedule.
# Secrets Manager managed rotation: RDS changes the password, no Lambda function involved.
resource "aws_secretsmanager_secret_rotation" "master_user" {
  secret_id          = aws_db_instance.this.master_user_secret[0].secret_arn
  rotate_immediately = false

  rotation_rules {
    automatically_after_days = var.master_password_rotation_days
  }
}

data "aws_iam_policy_document" "secret_read" {
  statement {
    sid       = "ReadTheDatabaseSecrets"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = local.database_secret_arns
  }

  statement {
    sid       = "DecryptTheDatabaseSecret"
    actions   = ["kms:Decrypt"]
    resources = [local.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
    }
  }
}
