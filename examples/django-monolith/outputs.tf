output "site_url" {
  description = "The site's URL (the custom domain when given, else the CloudFront domain)."
  value       = "https://${local.site_host}/"
}

output "static_url" {
  description = "Where Django's static files are served (`STATIC_URL`)."
  value       = module.cdn.static_url
}

output "static_bucket_name" {
  description = "Private S3 bucket holding the static files."
  value       = module.cdn.static_bucket_name
}

output "media_bucket_name" {
  description = "The bucket of user uploads (`MEDIA_BUCKET`), or null without `[media]`."
  value       = one(module.media[*].bucket_name)
}

output "media_url" {
  description = "Where CloudFront serves user uploads (`MEDIA_URL`), or null without `[media]`."
  value       = module.cdn.media_url
}

output "distribution_id" {
  description = "CloudFront distribution ID."
  value       = module.cdn.distribution_id
}

output "ecr_repository_url" {
  description = "ECR repository the pipeline pushes the app image to."
  value       = module.service.ecr_repository_url
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.service.cluster_name
}

output "service_name" {
  description = "ECS service name."
  value       = module.service.service_name
}

output "worker_services" {
  description = "Worker services by the worker's name: service name, task family and Application Auto Scaling resource ID."
  value = {
    for name, worker in module.workers : name => {
      service_name            = worker.service_name
      task_definition_family  = worker.task_definition_family
      autoscaling_resource_id = worker.autoscaling_resource_id
    }
  }
}

output "schedules" {
  description = "Scheduled jobs by name: schedule group and name, expression, time zone, command and the ECS task group of their runs; with the failed-runs queue and alarm (empty without `[[schedules]]`)."
  value = length(module.schedules) == 0 ? {} : {
    for name, job in module.schedules[0].schedules : name => merge(job, {
      group_name         = module.schedules[0].schedule_group_name
      failures_queue_url = module.schedules[0].failures_queue_url
      alarm_name         = module.schedules[0].alarm_name
    })
  }
}

output "task_definition_family" {
  description = "Task definition family of the web service."
  value       = module.service.task_definition_family
}

output "container_name" {
  description = "Name of the Django container in the task definitions."
  value       = module.service.container_name
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the service (`service/<cluster>/<service>`)."
  value       = module.service.autoscaling_resource_id
}

output "migration_state_machine_arn" {
  description = "The migration runner (Step Functions state machine) the pipeline calls."
  value       = module.migrations.state_machine_arn
}

output "migration_task_definition_family" {
  description = "Task definition family of the migration task."
  value       = module.migrations.task_definition_family
}

output "migration_lock_table_name" {
  description = "DynamoDB table of the migration lock (`zonke migrate` takes it before starting the runner)."
  value       = module.migrations.lock_table_name
}

output "migration_lock_lease_seconds" {
  description = "How long an unreleased migration lock lasts before it counts as free."
  value       = module.migrations.lock_lease_seconds
}

output "secret_arn" {
  description = "The app's Secrets Manager secret (JSON object of environment variables)."
  value       = module.secrets.secret_arn
}

output "secret_keys" {
  description = "Keys declared in the app's secret."
  value       = module.secrets.secret_keys
}

output "generated_secret_keys" {
  description = "Keys of the app's secret whose first value `zonke apply` generates after the apply, once, while the secret has no value (Terraform never writes one)."
  value       = module.secrets.generated_secret_keys
}

output "database_secret_arn" {
  description = "The RDS-managed master user secret."
  value       = module.database.master_user_secret_arn
}

output "database_app_user" {
  description = "The app's own database user, `{ username, secret_arn }`; `zonke apply` writes the secret's first value (the migration step creates the user)."
  value       = module.database.app_user
}

output "database_endpoint" {
  description = "Database endpoint (host:port), reachable only from the ECS tasks."
  value       = module.database.endpoint
}

output "region" {
  description = "AWS region of the stack."
  value       = data.aws_region.current.name
}

output "pipeline_name" {
  description = "The CodePipeline that deploys the app on a push (null without a repository)."
  value       = one(module.pipeline[*].pipeline_name)
}

output "connection_arn" {
  description = "The CodeConnections connection the pipeline uses (complete its handshake in the console once when created here)."
  value       = one(module.pipeline[*].connection_arn)
}

output "alarm_name_prefix" {
  description = "Every alarm of the stack is named with this prefix (`zonke status` lists those firing)."
  value       = module.alarms.alarm_name_prefix
}

output "alerts_topic_arn" {
  description = "The encrypted SNS topic every alarm and failed deploy or migration notifies."
  value       = module.alarms.topic_arn
}

# What `zonke origin-secret rotate` reads (names only, never the secret).
output "origin_secret_header_name" {
  description = "Header carrying the origin secret from CloudFront to the load balancer."
  value       = module.cdn.origin_secret_header_name
}

output "origin_secret_parameter_name" {
  description = "SSM SecureString parameter holding the origin secret."
  value       = module.cdn.origin_secret_parameter_name
}

output "origin_secret_previous_parameter_name" {
  description = "SSM SecureString parameter holding the previous origin secret during a rotation."
  value       = module.cdn.origin_secret_previous_parameter_name
}

output "origin_forward_rule_arn" {
  description = "The load balancer rule that forwards requests carrying the origin secret."
  value       = module.alb.forward_rule_arn
}

output "container_environment_names" {
  description = "Names of the plain environment variables of the web and migration containers (the stack's contract and `[django] environment`); the values are in their task definitions."
  value       = sort(keys(local.container_environment))
}
