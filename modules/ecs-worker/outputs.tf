output "service_name" {
  description = "Name of the worker's ECS service."
  value       = aws_ecs_service.this.name
}

output "task_definition_family" {
  description = "Family of the worker's task definitions: the pipeline's Deploy stage takes its latest revision as the template for each new image."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the worker's container (the one the Deploy stage puts the new image in)."
  value       = local.container_name
}

output "security_group_id" {
  description = "ID of the worker's security group (allow it where the worker must connect, such as the database)."
  value       = aws_security_group.this.id
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the worker (`service/<cluster>/<service>`)."
  value       = aws_appautoscaling_target.this.resource_id
}
