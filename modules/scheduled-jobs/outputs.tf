output "schedule_group_name" {
  description = "Name of the EventBridge Scheduler schedule group holding the jobs."
  value       = aws_scheduler_schedule_group.this.name
}

output "schedules" {
  description = "Each job by name: its schedule's name, expression, time zone, command and the ECS task group its runs carry (`schedule:<name>`)."
  value = {
    for job, s in aws_scheduler_schedule.this : job => {
      schedule_name = s.name
      expression    = s.schedule_expression
      timezone      = s.schedule_expression_timezone
      command       = var.schedules[job].command
      task_group    = local.task_groups[job]
    }
  }
}

output "role_arn" {
  description = "ARN of the scheduler's execution role."
  value       = aws_iam_role.this.arn
}

output "failures_queue_url" {
  description = "URL of the failed-runs queue."
  value       = aws_sqs_queue.failures.url
}

output "failures_queue_arn" {
  description = "ARN of the failed-runs queue."
  value       = aws_sqs_queue.failures.arn
}

output "alarm_name" {
  description = "Name of the alarm raised while a failed run waits in the queue."
  value       = aws_cloudwatch_metric_alarm.failed.alarm_name
}
