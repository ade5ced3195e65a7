output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "ARN of the task definition revision Terraform registered (the pipeline registers later ones in the same family)."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Family of the app's task definitions: the pipeline takes its latest revision as the template for a deploy."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the app container (for container overrides in one-off tasks)."
  value       = var.container_name
}

output "container_port" {
  description = "Port the app container listens on."
  value       = var.container_port
}

output "security_group_id" {
  description = "ID of the tasks' security group (allow it in the database's security group)."
  value       = aws_security_group.service.id
}

output "ecr_repository_url" {
  description = "URL of the app's ECR repository (`<account>.dkr.ecr.<region>.amazonaws.com/zonke/<name>`)."
  value       = aws_ecr_repository.this.repository_url
}

output "ecr_repository_arn" {
  description = "ARN of the app's ECR repository."
  value       = aws_ecr_repository.this.arn
}

output "ecr_repository_name" {
  description = "Name of the app's ECR repository (`zonke/<name>`)."
  value       = aws_ecr_repository.this.name
}

output "image" {
  description = "Image reference of the task definition Terraform registered."
  value       = local.image
}

output "log_group_name" {
  description = "CloudWatch log group of the app's output."
  value       = aws_cloudwatch_log_group.app.name
}

output "log_group_arn" {
  description = "ARN of the app's log group."
  value       = aws_cloudwatch_log_group.app.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the image repository, the log groups and ECS Exec sessions."
  value       = module.key.arn
}

output "execution_role_arn" {
  description = "ARN of the task execution role (image pull, logs, injected secrets): give it to the secrets module's `reader_role_arns`."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "ARN of the role the app runs with."
  value       = aws_iam_role.task.arn
}

output "network_configuration" {
  description = "What a one-off task (migrations, management commands) needs to run like the service: private subnets, the tasks' security group, no public IP."
  value = {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }
}

output "capacity_provider_strategy" {
  description = "The capacity provider strategy of the service, for one-off tasks (`capacity_provider`, `base`, `weight`)."
  value       = local.capacity_provider_strategy
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the service (`service/<cluster>/<service>`)."
  value       = aws_appautoscaling_target.this.resource_id
}
