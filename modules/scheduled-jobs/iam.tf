# The scheduler's execution role: it may start the app's task family in the app's cluster,
# hand ECS the family's two roles, and write to the failed-runs queue. Nothing else.
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "EventBridgeSchedulerOfThisGroup"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    # Confused-deputy guard: only this account's schedules of this group.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.group_arn, "arn:${local.partition}:scheduler:${local.region}:${local.account_id}:schedule/${var.name}/*"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix          = "${substr(var.name, 0, 24)}-sched-"
  path                 = var.iam_path
  permissions_boundary = var.permissions_boundary
  description          = "EventBridge Scheduler: starts ${var.name}'s scheduled jobs."
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
  tags                 = local.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "RunTheAppsFamilyInTheAppsCluster"
    actions   = ["ecs:RunTask"]
    resources = ["${local.family_arn}:*"]

    condition {
      test     = "ArnEquals"
      variable = "ecs:cluster"
      values   = [var.cluster_arn]
    }
  }

  statement {
    sid       = "PassTheFamilysRolesToEcs"
    actions   = ["iam:PassRole"]
    resources = distinct([var.task_role_arn, var.execution_role_arn])

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }

  statement {
    sid       = "RecordRunsThatCouldNotStart"
    actions   = ["sqs:SendMessage"]
    resources = [local.queue_arn]
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "run-scheduled-jobs"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
