# Roles of the pipeline and of each CodeBuild project, each scoped to what its stage touches.

locals {
  arn_prefix          = "arn:${local.partition}"
  ecs_arn             = "${local.arn_prefix}:ecs:${local.region}:${local.account_id}"
  migration_execution = replace(var.migration_state_machine_arn, ":stateMachine:", ":execution:")
  build_log_group_arn = { for k, g in aws_cloudwatch_log_group.build : k => g.arn }
}

# --- the pipeline ---

data "aws_iam_policy_document" "pipeline_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codepipeline.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "pipeline" {
  name_prefix          = "${substr(var.name, 0, 24)}-pipeline-"
  path                 = local.iam_path
  permissions_boundary = local.boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.pipeline_assume.json

  tags = local.tags

  # The boundary must exist before a role names it.
  depends_on = [aws_iam_policy.boundary]
}

data "aws_iam_policy_document" "pipeline" {
  statement {
    sid       = "ArtifactBucket"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketVersioning", "s3:GetBucketLocation", "s3:ListBucket"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "ArtifactKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [module.key.arn]
  }

  statement {
    sid       = "PullSourceThroughTheConnection"
    actions   = ["${local.connection_service}:UseConnection"]
    resources = [local.connection_arn]
  }

  statement {
    sid       = "RunTheBuildProjects"
    actions   = ["codebuild:StartBuild", "codebuild:BatchGetBuilds", "codebuild:StopBuild"]
    resources = [for p in aws_codebuild_project.this : p.arn]
  }

  statement {
    sid       = "StartTheMigrationRunner"
    actions   = ["states:StartExecution", "states:DescribeStateMachine"]
    resources = [var.migration_state_machine_arn]
  }

  statement {
    sid       = "WatchMigrationRuns"
    actions   = ["states:DescribeExecution", "states:StopExecution"]
    resources = ["${local.migration_execution}:*"]
  }

  dynamic "statement" {
    for_each = var.migration_kms_key_arn == null ? [] : [var.migration_kms_key_arn]

    content {
      sid       = "MigrationRunnerKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:EncryptionContext:aws:states:stateMachineArn"
        values   = [var.migration_state_machine_arn]
      }
    }
  }
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "pipeline"
  role   = aws_iam_role.pipeline.id
  policy = data.aws_iam_policy_document.pipeline.json
}

# --- CodeBuild projects: what every build needs ---

data "aws_iam_policy_document" "codebuild_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "codebuild_common" {
  for_each = local.projects

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${local.build_log_group_arn[each.key]}:*"]
  }

  statement {
    sid       = "ReadSourceWriteOutputArtifacts"
    actions   = ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:GetBucketLocation"]
    resources = [aws_s3_bucket.artifacts.arn, "${aws_s3_bucket.artifacts.arn}/*"]
  }

  statement {
    sid       = "ArtifactKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [module.key.arn]
  }
}

# --- Build: push one repository, sync one bucket, invalidate one distribution ---

resource "aws_iam_role" "build" {
  name_prefix          = "${substr(var.name, 0, 24)}-build-"
  path                 = local.iam_path
  permissions_boundary = local.boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.codebuild_assume.json

  tags = local.tags

  depends_on = [aws_iam_policy.boundary]
}

data "aws_iam_policy_document" "build" {
  source_policy_documents = [data.aws_iam_policy_document.codebuild_common["build"].json]

  statement {
    sid = "EcrLogin"
    # AWS forces "*": GetAuthorizationToken is account-wide; pushes are scoped below.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid = "PushTheAppRepository"
    actions = [
      "ecr:BatchCheckLayerAvailability",
      "ecr:BatchGetImage",
      "ecr:GetDownloadUrlForLayer",
      "ecr:InitiateLayerUpload",
      "ecr:UploadLayerPart",
      "ecr:CompleteLayerUpload",
      "ecr:PutImage",
      # A retry or "Release change" of the same commit finds its image already pushed.
      "ecr:DescribeImages",
    ]
    resources = [var.ecr_repository_arn]
  }

  statement {
    sid       = "ListStaticFiles"
    actions   = ["s3:ListBucket"]
    resources = [var.static_bucket_arn]

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["${var.static_prefix}*"]
    }
  }

  statement {
    sid       = "UploadStaticFiles"
    actions   = ["s3:PutObject"]
    resources = ["${var.static_bucket_arn}/${var.static_prefix}*"]
  }

  dynamic "statement" {
    for_each = var.static_bucket_kms_key_arn == null ? [] : [var.static_bucket_kms_key_arn]

    content {
      sid       = "StaticBucketKey"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = var.cloudfront_distribution_id == null ? [] : [var.cloudfront_distribution_id]

    content {
      sid       = "InvalidateStaticPaths"
      actions   = ["cloudfront:CreateInvalidation"]
      resources = ["${local.arn_prefix}:cloudfront::${local.account_id}:distribution/${statement.value}"]
    }
  }
}

resource "aws_iam_role_policy" "build" {
  name   = "build"
  role   = aws_iam_role.build.id
  policy = data.aws_iam_policy_document.build.json
}

# --- Deploy: revisions of the service's and the workers' families, those services ---

locals {
  deploy_families = concat([local.task_family], [for w in values(var.worker_services) : w.task_definition_family])
  deploy_services = concat([var.service_name], [for w in values(var.worker_services) : w.service_name])
}

resource "aws_iam_role" "deploy" {
  name_prefix          = "${substr(var.name, 0, 24)}-deploy-"
  path                 = local.iam_path
  permissions_boundary = local.boundary_arn
  assume_role_policy   = data.aws_iam_policy_document.codebuild_assume.json

  tags = local.tags

  depends_on = [aws_iam_policy.boundary]
}

data "aws_iam_policy_document" "deploy" {
  # checkov:skip=CKV_AWS_356:Only DescribeTaskDefinition, RegisterTaskDefinition and the scalable target's calls use "*": AWS offers no resource-level permissions for them, or (the target) names it by a generated ID; RegisterScalableTarget is held to ECS desired counts.
  statement {
    sid = "ReadAndRegisterTheServiceRevision"
    # AWS forces "*": DescribeTaskDefinition and RegisterTaskDefinition support no
    # resource-level permissions. Which revision the service runs is scoped below.
    actions   = ["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"]
    resources = ["*"]
  }

  statement {
    sid       = "TagTheServiceRevisionOnRegister"
    actions   = ["ecs:TagResource"]
    resources = [for family in local.deploy_families : "${local.ecs_arn}:task-definition/${family}:*"]

    condition {
      test     = "StringEquals"
      variable = "ecs:CreateAction"
      values   = ["RegisterTaskDefinition"]
    }
  }

  statement {
    sid = "ReadTheServiceScalingBounds"
    # The first deploy reads the autoscaling target (the configured bounds are on the
    # service's tags, below). AWS forces "*": Application Auto Scaling's Describe actions
    # support no resource-level permissions.
    actions   = ["application-autoscaling:DescribeScalableTargets"]
    resources = ["*"]
  }

  statement {
    sid = "ApplyTheBoundsOnTheFirstDeploy"
    # The first deploy registers the configured bounds (and a failed first deploy 0..0 again).
    # AWS forces "*": a scalable target's ARN holds a generated ID, unknown before it exists.
    # Held to ECS services' desired counts.
    actions   = ["application-autoscaling:RegisterScalableTarget"]
    resources = ["*"]

    condition {
      test     = "StringEquals"
      variable = "application-autoscaling:service-namespace"
      values   = ["ecs"]
    }

    condition {
      test     = "StringEquals"
      variable = "application-autoscaling:scalable-dimension"
      values   = ["ecs:service:DesiredCount"]
    }
  }

  statement {
    sid       = "DeployTheService"
    actions   = ["ecs:DescribeServices", "ecs:UpdateService", "ecs:ListTagsForResource"]
    resources = [for service in local.deploy_services : "${local.ecs_arn}:service/${var.cluster_name}/${service}"]
  }

  statement {
    sid       = "PassOnlyTheServiceTaskRoles"
    actions   = ["iam:PassRole"]
    resources = distinct([var.execution_role_arn, var.task_role_arn])

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# The ECS part on its own (every ARN known before apply, so the plan shows it), the build
# basics (logs, artifacts) beside it.
resource "aws_iam_role_policy" "deploy" {
  name   = "deploy"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_role_policy" "deploy_build_basics" {
  name   = "build-basics"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.codebuild_common["deploy"].json
}
