output "secret_arn" {
  description = "ARN of the secret (a JSON object of environment-variable names to values)."
  value       = aws_secretsmanager_secret.this.arn
}

output "secret_name" {
  description = "Name of the secret: `zonke/<name>/app`."
  value       = aws_secretsmanager_secret.this.name
}

output "kms_key_arn" {
  description = "ARN of the customer-managed KMS key that encrypts the secret (readers decrypt through Secrets Manager)."
  value       = module.key.arn
}

output "secret_keys" {
  description = "Every key the secret declares, `DJANGO_SECRET_KEY` included when generated, sorted."
  value       = sort(local.all_keys)
}

output "generated_secret_keys" {
  description = "Keys whose first value is generated outside Terraform, once, while the secret has no current value: `[\"DJANGO_SECRET_KEY\"]` with `generate_django_secret_key`, else `[]`. The zonke wrapper does it after every apply (Secrets Manager GetRandomPassword, 64 letters and digits, then PutSecretValue), never reading a value; without the wrapper, put the first value yourself."
  value       = var.generate_django_secret_key ? [local.django_key_name] : []
}

output "container_secrets" {
  description = "ECS container `secrets` entries, one per declared key, sorted by name: `{ name = <env var>, valueFrom = \"<secret-arn>:<KEY>::\" }`."
  value = [
    for k in sort(local.all_keys) : {
      name      = k
      valueFrom = "${aws_secretsmanager_secret.this.arn}:${k}::"
    }
  ]
}

output "restart_state_machine_arn" {
  description = "ARN of the state machine that rolls the ECS service (start it to restart the tasks by hand), or null when `restart_on_change` is false."
  value       = try(aws_sfn_state_machine.restart[0].arn, null)
}

output "event_rule_arn" {
  description = "ARN of the EventBridge rule that starts the restart when a watched secret's current value changes, or null when `restart_on_change` is false."
  value       = try(aws_cloudwatch_event_rule.restart[0].arn, null)
}
