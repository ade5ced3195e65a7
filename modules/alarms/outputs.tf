output "topic_arn" {
  description = "ARN of the encrypted SNS topic every alarm and failure notifies."
  value       = aws_sns_topic.this.arn
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms, by kind (`http-5xx`, `unhealthy-targets`, `cpu-high`, `memory-high`, and with a database `db-storage-low`, `db-connections-high`)."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.this : k => a.alarm_name },
    { "http-5xx" = aws_cloudwatch_metric_alarm.http_5xx.alarm_name },
  )
}

output "alarm_name_prefix" {
  description = "The prefix every alarm name starts with (`<name>-`), for listing them."
  value       = "${var.name}-"
}

output "kms_key_arn" {
  description = "ARN of the customer-managed key that encrypts the topic."
  value       = aws_kms_key.this.arn
}
