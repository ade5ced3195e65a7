output "state_machine_arn" {
  description = "ARN of the migration runner (a Step Functions state machine): the codepipeline module's `migration_state_machine_arn`."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the migration runner state machine."
  value       = aws_sfn_state_machine.this.name
}

output "runner_role_arn" {
  description = "ARN of the role the runner runs as."
  value       = aws_iam_role.runner.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the runner's data and logs. Whoever starts or reads an execution (the pipeline's role) needs kms:GenerateDataKey and kms:Decrypt on it: the codepipeline module's `migration_kms_key_arn`."
  value       = local.kms_key_arn
}

output "log_group_name" {
  description = "CloudWatch log group of the runner's executions (the migration's own output goes to `log_group_name` input, stream prefix `log_stream_prefix`)."
  value       = aws_cloudwatch_log_group.runner.name
}

output "task_definition_family" {
  description = "Family of the migration task definition. Each run registers one revision of it pinned to the deployed image, tagged `zonke:image` and `zonke:migration-execution`."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "ARN (with revision) of the Terraform-managed migration task definition, the base each pinned revision copies."
  value       = aws_ecs_task_definition.this.arn
}

output "container_name" {
  description = "Name of the migration container."
  value       = var.container_name
}

output "commands" {
  description = "The commands the runner runs, in order: the migration, then the extra release commands."
  value       = local.commands
}

output "runner_input_example" {
  description = "Input the runner takes, as JSON: the full image reference to migrate with (the build writes it as runner-input.json for the pipeline's Migrate action)."
  value       = jsonencode({ image = "${var.ecr_repository_url}:${var.image_tag}" })
}

output "lock_table_name" {
  description = "DynamoDB table holding the migration lock. The runner takes it for each run; `zonke migrate` takes it first, in the name of the execution it then starts."
  value       = aws_dynamodb_table.lock.name
}

output "lock_table_arn" {
  description = "ARN of the migration lock table. Whoever starts runs outside the pipeline (a person with `zonke migrate`) needs dynamodb:PutItem, GetItem and DeleteItem on it, and the KMS key (`kms_key_arn`) through DynamoDB."
  value       = aws_dynamodb_table.lock.arn
}

output "lock_lease_seconds" {
  description = "How long a lock lasts if its holder never releases it: the runner's execution timeout plus five minutes. A lock older than its lease counts as free."
  value       = local.lock_lease_seconds
}
