# Failed runs, in one queue a person can read: the scheduler's dead letters (runs ECS would
# not start, after the retries) and, through an EventBridge rule, runs whose task stopped
# with a non-zero exit code or never started. A message waiting raises the alarm.

resource "aws_sqs_queue" "failures" {
  name                      = local.queue_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

data "aws_iam_policy_document" "failures" {
  statement {
    sid       = "TheFailureRuleOnly"
    actions   = ["sqs:SendMessage"]
    resources = [local.queue_arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arn]
    }
  }

  statement {
    sid       = "RefusePlaintext"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [local.queue_arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "failures" {
  queue_url = aws_sqs_queue.failures.id
  policy    = data.aws_iam_policy_document.failures.json
}

# ECS sends "ECS Task State Change" events to the default bus; a run failed when its task
# stopped with a container exit code other than 0, or stopped before it started.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
resource "aws_cloudwatch_event_rule" "failed" {
  name        = local.rule_name
  description = "A scheduled job of ${var.name} failed."
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn = [var.cluster_arn]
      lastStatus = ["STOPPED"]
      group      = values(local.task_groups)
      "$or" = [
        { containers = { exitCode = [{ "anything-but" = 0 }] } },
        { stopCode = ["TaskFailedToStart"] },
      ]
    }
  })
  tags = local.tags
}

resource "aws_cloudwatch_event_target" "failed" {
  rule      = aws_cloudwatch_event_rule.failed.name
  target_id = "failed-runs-queue"
  arn       = aws_sqs_queue.failures.arn
}

resource "aws_cloudwatch_metric_alarm" "failed" {
  alarm_name          = "${var.name}-scheduled-job-failed"
  alarm_description   = "A scheduled job of ${var.name} failed: read the queue ${aws_sqs_queue.failures.name} (zonke status shows each job's last run), fix, then purge it."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failures.name }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  # An idle, empty queue stops reporting the metric: no data means no failure waiting.
  treat_missing_data = "notBreaching"
  alarm_actions      = var.alarm_actions
  ok_actions         = var.alarm_actions
  tags               = local.tags
}
