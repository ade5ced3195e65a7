# Exported database logs (encrypted, with retention) and the Enhanced Monitoring role.

resource "aws_cloudwatch_log_group" "this" {
  for_each = toset(local.logs_exported)

  name              = "/aws/rds/instance/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = local.kms_key_arn

  tags = local.tags
}

data "aws_iam_policy_document" "monitoring_assume" {
  count = var.monitoring_interval > 0 ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name_prefix          = "${substr(var.name, 0, 22)}-rds-mon-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "Enhanced Monitoring of the ${var.name} database"
  assume_role_policy   = data.aws_iam_policy_document.monitoring_assume[0].json

  tags = local.tags
}

# AWS's managed policy for this role writes only to the RDSOSMetrics log group.
resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
