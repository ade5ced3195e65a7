data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  engine_defaults = {
    postgres = {
      version = "17"
      port    = 5432
      logs    = ["postgresql", "upgrade"]
    }
    mysql = {
      version = "8.4"
      port    = 3306
      logs    = ["error", "slowquery"]
    }
  }
  defaults = local.engine_defaults[var.engine]

  engine_version = coalesce(var.engine_version, local.defaults.version)
  # Parameter group family: "postgres16" (major only) or "mysql8.0" (major.minor).
  major_version = var.engine == "postgres" ? split(".", local.engine_version)[0] : join(".", slice(split(".", local.engine_version), 0, 2))
  family        = "${var.engine}${local.major_version}"

  port          = coalesce(var.port, local.defaults.port)
  logs_exported = var.cloudwatch_logs_exports == null ? local.defaults.logs : var.cloudwatch_logs_exports

  kms_key_arn = var.kms_key_arn == null ? module.key[0].arn : var.kms_key_arn

  # The app's own user (app_user.tf), PostgreSQL and MySQL: the app never signs in as the
  # master user.
  app_user_secret_arn = aws_secretsmanager_secret.app_user.arn
  login_secret_arn    = local.app_user_secret_arn
  # a list of known length at plan time (its ARNs are not known before the apply)
  database_secret_arns = [local.master_user_secret_arn, local.app_user_secret_arn]

  tags = merge(var.tags, { "zonke:module" = "rds" })
}

resource "aws_db_subnet_group" "this" {
  name        = var.name
  description = "Isolated subnets of ${var.name} (no route to the internet)"
  subnet_ids  = var.isolated_subnet_ids

  tags = merge(local.tags, { Name = var.name })
}

# The final snapshot carries the time the instance was first created, so a stack that is
# destroyed, re-created and destroyed again never collides with its earlier snapshot.
resource "terraform_data" "final_snapshot_suffix" {
  input = formatdate("YYYYMMDDhhmmss", timestamp())

  lifecycle {
    ignore_changes = [input]
  }
}

resource "aws_db_instance" "this" {
  identifier     = var.name
  engine         = var.engine
  engine_version = local.engine_version
  instance_class = var.instance_class
  port           = local.port

  db_name  = var.db_name
  username = var.username
  # RDS generates the password and keeps it in Secrets Manager only: it never reaches the
  # Terraform state. The secret is encrypted with the module's key.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = local.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false
  # checkov:skip=CKV_AWS_157:Multi-AZ doubles the instance cost, so it is an input (multi_az, off by default for small stacks); production stacks turn it on.
  multi_az = var.multi_az

  storage_type          = "gp3"
  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_encrypted     = true
  kms_key_id            = local.kms_key_arn

  parameter_group_name = aws_db_parameter_group.this.name
  ca_cert_identifier   = "rds-ca-rsa2048-g1"
  # checkov:skip=CKV_AWS_161:IAM database authentication is an opt-in input (iam_database_authentication); the app signs in with the RDS-managed password from Secrets Manager.
  iam_database_authentication_enabled = var.iam_database_authentication

  backup_retention_period   = var.backup_retention_days
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = "${var.name}-final-${terraform_data.final_snapshot_suffix.output}"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = var.allow_major_version_upgrade
  apply_immediately           = var.apply_immediately

  performance_insights_enabled          = var.performance_insights
  performance_insights_kms_key_id       = var.performance_insights ? local.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights ? 7 : null

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null

  enabled_cloudwatch_logs_exports = local.logs_exported

  tags = merge(local.tags, { Name = var.name })

  # RDS would create the log groups itself, unencrypted and kept forever: create them first.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy_attachment.monitoring]
}
