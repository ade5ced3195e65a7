# One customer-managed key for the database: storage, the master user secret,
# Performance Insights and the exported log groups. Rotation on.

locals {
  create_kms_key = var.kms_key_arn == null
  log_group_arn_prefix = join(":", [
    "arn", data.aws_partition.current.partition, "logs", data.aws_region.current.name,
    data.aws_caller_identity.current.account_id, "log-group", "/aws/rds/instance/${var.name}/",
  ])
}

# The account statement lets IAM policies grant use of the key (RDS and Secrets Manager act
# through the caller's permissions and grants; the ECS task execution role needs kms:Decrypt
# for the secret).
module "key" {
  source = "../_internal/logs-key"
  count  = local.create_kms_key ? 1 : 0

  description    = "${var.name} database: storage, master user secret, Performance Insights, logs"
  alias_name     = "alias/zonke/${var.name}/rds"
  log_group_arns = ["${local.log_group_arn_prefix}*"]
  tags           = merge(local.tags, { Name = "${var.name}-rds" })
}

moved {
  from = aws_kms_key.this[0]
  to   = module.key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.this[0]
  to   = module.key[0].aws_kms_alias.this
}
