output "queue_urls" {
  description = "URL of each queue, by its name."
  value       = { for q, queue in aws_sqs_queue.this : q => queue.url }
}

output "queue_arns" {
  description = "ARN of each queue, by its name, built from the names so they are known when planning (give them to the ecs-service module's `sqs_queue_arns`)."
  value       = { for q in var.queues : q => "${local.arn_base}:${var.name}_${q}" }
}

output "queue_names" {
  description = "Full name of each queue (`<name>_<queue>`), by its name: the CloudWatch dimension `QueueName` for backlog scaling."
  value       = { for q in var.queues : q => "${var.name}_${q}" }
}

output "dead_letter_queue_arns" {
  description = "ARN of each dead-letter queue, by the name of its queue."
  value       = { for q, queue in aws_sqs_queue.dead_letter : q => queue.arn }
}

output "default_queue" {
  description = "The first queue: Celery's default."
  value       = var.queues[0]
}

output "environment" {
  description = "The broker's part of the environment contract: `CELERY_BROKER_URL` (`sqs://`: credentials from the task role), `CELERY_SQS_QUEUES` (JSON: each queue's URL by its name), `CELERY_TASK_DEFAULT_QUEUE` (the first queue) and `CELERY_SQS_VISIBILITY_TIMEOUT` (seconds). The settings helper turns them into Celery's settings."
  value = {
    CELERY_BROKER_URL             = "sqs://"
    CELERY_SQS_QUEUES             = jsonencode({ for q in var.queues : q => aws_sqs_queue.this[q].url })
    CELERY_TASK_DEFAULT_QUEUE     = var.queues[0]
    CELERY_SQS_VISIBILITY_TIMEOUT = tostring(var.visibility_timeout_seconds)
  }
}
