locals {
  master_user_secret_arn = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "endpoint" {
  description = "Connection endpoint, `address:port`."
  value       = aws_db_instance.this.endpoint
}

output "address" {
  description = "Host name of the database (resolves to a private address in the isolated subnets)."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "Port the database listens on."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Name of the database created in the instance."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "Master user name (also in the secret, under `username`)."
  value       = aws_db_instance.this.username
}

output "identifier" {
  description = "RDS DB instance identifier."
  value       = aws_db_instance.this.identifier
}

output "arn" {
  description = "ARN of the DB instance."
  value       = aws_db_instance.this.arn
}

output "resource_id" {
  description = "RDS resource ID of the instance (`db-...`), as used in IAM database authentication policies."
  value       = aws_db_instance.this.resource_id
}

output "engine" {
  description = "Database engine: `postgres` or `mysql`."
  value       = aws_db_instance.this.engine
}

output "engine_version_actual" {
  description = "Engine version the instance runs."
  value       = aws_db_instance.this.engine_version_actual
}

output "security_group_id" {
  description = "ID of the database's security group (ingress on the database port from `allowed_security_group_ids` only)."
  value       = aws_security_group.this.id
}

output "db_subnet_group_name" {
  description = "Name of the DB subnet group (the isolated subnets)."
  value       = aws_db_subnet_group.this.name
}

output "parameter_group_name" {
  description = "Name of the parameter group (TLS forced)."
  value       = aws_db_parameter_group.this.name
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret RDS manages for the master user: JSON with `username` and `password`."
  value       = local.master_user_secret_arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key encrypting storage, the master user secret, Performance Insights and the logs."
  value       = local.kms_key_arn
}

output "log_group_names" {
  description = "CloudWatch log groups receiving the exported database logs, by log type."
  value       = { for k, g in aws_cloudwatch_log_group.this : k => g.name }
}

output "container_secrets" {
  description = "ECS container definition `secrets` entries: `DB_USER` and `DB_PASSWORD` read at task start from the app user's secret. The task execution role needs `secret_read_policy_json`."
  value = [
    { name = "DB_USER", valueFrom = "${local.login_secret_arn}:username::" },
    { name = "DB_PASSWORD", valueFrom = "${local.login_secret_arn}:password::" },
  ]
}

output "migration_secrets" {
  description = "Extra `secrets` entries for the migration container only, `DB_MASTER_USER` and `DB_MASTER_PASSWORD` from the master user secret, with which the start wrapper creates the app's user before the release commands (and then drops them)."
  value = [
    { name = "DB_MASTER_USER", valueFrom = "${local.master_user_secret_arn}:username::" },
    { name = "DB_MASTER_PASSWORD", valueFrom = "${local.master_user_secret_arn}:password::" },
  ]
}

output "app_user" {
  description = "The app's own database user, `{ username, secret_arn }` (the secret holds JSON `username` and `password`; `zonke apply` writes its first value)."
  value       = { username = var.app_username, secret_arn = local.app_user_secret_arn }
}

output "secret_arns" {
  description = "ARNs of the secrets the containers read (`container_secrets`, `migration_secrets`): the master user secret, and the app user's."
  value       = local.database_secret_arns
}

output "login_secret_arn" {
  description = "ARN of the secret the app signs in with (`container_secrets`): the app user's, which RDS never rotates."
  value       = local.login_secret_arn
}

output "container_environment" {
  description = "Plain connection settings for the container environment: `DB_HOST`, `DB_PORT`, `DB_NAME` (strings)."
  value = {
    DB_HOST = aws_db_instance.this.address
    DB_PORT = tostring(aws_db_instance.this.port)
    DB_NAME = aws_db_instance.this.db_name
  }
}

output "secret_read_policy_json" {
  description = "IAM policy (JSON) that lets a role read the database secrets (`secret_arns`) and decrypt them, and nothing else: attach it to the ECS task execution role that resolves `container_secrets` and `migration_secrets`."
  value       = data.aws_iam_policy_document.secret_read.json
}
