# The app's task queues on Amazon SQS, for Celery (or any SQS consumer): one queue per name,
# each with a dead-letter queue, encrypted at rest with SQS-managed keys and reachable over
# TLS only. Who may use them is decided by IAM on the app's task role (the ecs-service
# module's `sqs_queue_arns`): the queue policies only refuse plaintext connections.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  queues   = toset(var.queues)
  arn_base = "arn:${data.aws_partition.current.partition}:sqs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  tags     = merge(var.tags, { "zonke:module" = "sqs-broker" })
}

resource "aws_sqs_queue" "dead_letter" {
  for_each = local.queues

  name                      = "${var.name}_${each.key}-dlq"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true

  tags = local.tags
}

resource "aws_sqs_queue" "this" {
  for_each = local.queues

  name                       = "${var.name}_${each.key}"
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  # Long polling: a receive waits up to 20 s for a message instead of answering empty at once.
  receive_wait_time_seconds = 20
  sqs_managed_sse_enabled   = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter[each.key].arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = local.tags
}

# Only its own queue may move messages into a dead-letter queue.
resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {
  for_each = local.queues

  queue_url = aws_sqs_queue.dead_letter[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.this[each.key].arn]
  })
}

# Encryption in transit: any request over plain HTTP is refused, whoever makes it.
# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-security-best-practices.html
data "aws_iam_policy_document" "tls_only" {
  for_each = local.queues

  statement {
    sid     = "RefusePlaintext"
    effect  = "Deny"
    actions = ["sqs:*"]
    resources = [
      aws_sqs_queue.this[each.key].arn,
    ]

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

resource "aws_sqs_queue_policy" "this" {
  for_each = local.queues

  queue_url = aws_sqs_queue.this[each.key].id
  policy    = data.aws_iam_policy_document.tls_only[each.key].json
}

data "aws_iam_policy_document" "dead_letter_tls_only" {
  for_each = local.queues

  statement {
    sid       = "RefusePlaintext"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dead_letter[each.key].arn]

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

resource "aws_sqs_queue_policy" "dead_letter" {
  for_each = local.queues

  queue_url = aws_sqs_queue.dead_letter[each.key].id
  policy    = data.aws_iam_policy_document.dead_letter_tls_only[each.key].json
}
