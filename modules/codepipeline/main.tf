data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  tags = merge(var.tags, { "zonke:module" = "codepipeline" })

  # A given ARN wins; the created connection stays either way, so putting its ARN into
  # connection_arn after the handshake changes nothing (no toggle flips, nothing is deleted).
  connection_arn = var.connection_arn != null ? var.connection_arn : aws_codestarconnections_connection.this[0].arn

  prefix       = coalesce(var.managed_name_prefix, var.name)
  managed_tag  = coalesce(var.managed_resource_tag, { key = "zonke:app", value = var.name })
  project_base = "${var.name}-"
  task_family  = coalesce(var.task_definition_family, var.service_name)

  # The Deploy stage's actions, by name (in name order: the service's first): the web
  # service with the buildspec's own names, then each worker naming its service, family and
  # container through the action's variables.
  deploy_actions = merge({ DeployService = [] }, {
    for k, w in var.worker_services : "DeployWorker-${k}" => [
      { name = "SERVICE_NAME", value = w.service_name, type = "PLAINTEXT" },
      { name = "TASK_FAMILY", value = w.task_definition_family, type = "PLAINTEXT" },
      { name = "CONTAINER_NAME", value = w.container_name, type = "PLAINTEXT" },
    ]
  })

  # Artifacts passed between stages.
  source_artifact = "source"
  build_artifact  = "build"
}

# Creating a connection leaves it PENDING: someone with access to the repository host must
# complete the handshake once in the console (Developer Tools > Settings > Connections >
# Update pending connection). See the README.
resource "aws_codestarconnections_connection" "this" {
  count = var.create_connection ? 1 : 0

  name          = substr("${var.name}-source", 0, 32)
  provider_type = var.connection_provider_type

  tags = local.tags
}

resource "aws_codepipeline" "this" {
  name           = var.name
  pipeline_type  = "V2"
  execution_mode = "QUEUED"
  role_arn       = aws_iam_role.pipeline.arn

  artifact_store {
    type     = "S3"
    location = aws_s3_bucket.artifacts.bucket

    encryption_key {
      type = "KMS"
      id   = module.key.arn
    }
  }

  # A push to the branch (optionally touching the given paths) starts the pipeline.
  trigger {
    provider_type = "CodeStarSourceConnection"

    git_configuration {
      source_action_name = "Source"

      push {
        branches {
          includes = [var.branch]
        }

        dynamic "file_paths" {
          for_each = length(var.file_path_filters) > 0 ? [1] : []

          content {
            includes = var.file_path_filters
          }
        }
      }
    }
  }

  stage {
    name = "Source"

    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      namespace        = "SourceVariables"
      output_artifacts = [local.source_artifact]

      configuration = {
        ConnectionArn        = local.connection_arn
        FullRepositoryId     = var.repository_id
        BranchName           = var.branch
        OutputArtifactFormat = "CODE_ZIP"
      }
    }
  }

  # (1) terraform apply of this app's stack.
  stage {
    name = "Infrastructure"

    action {
      name            = "TerraformApply"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = [local.source_artifact]

      configuration = {
        ProjectName = aws_codebuild_project.this["infra"].name
      }
    }
  }

  # (2) image tagged with the commit SHA, static files, imagedefinitions.json and runner-input.json.
  stage {
    name = "Build"

    action {
      name             = "BuildImage"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      namespace        = "BuildVariables"
      input_artifacts  = [local.source_artifact]
      output_artifacts = [local.build_artifact]

      configuration = {
        ProjectName = aws_codebuild_project.this["build"].name
        EnvironmentVariables = jsonencode([
          { name = "COMMIT_SHA", value = "#{SourceVariables.CommitId}", type = "PLAINTEXT" },
        ])
      }
    }
  }

  # Optional: a person approves before anything touches the database or the service.
  dynamic "stage" {
    for_each = var.require_approval ? [1] : []

    content {
      name = "Approval"

      action {
        name     = "ApproveRelease"
        category = "Approval"
        owner    = "AWS"
        provider = "Manual"
        version  = "1"

        configuration = {
          CustomData = "Approve to migrate the database and deploy #{BuildVariables.IMAGE_URI} (commit #{SourceVariables.CommitId})."
        }
      }
    }
  }

  # (3) the migration runner with that image; the stage fails if the migration fails.
  stage {
    name = "Migrate"

    action {
      name            = "RunMigrations"
      category        = "Invoke"
      owner           = "AWS"
      provider        = "StepFunctions"
      version         = "1"
      input_artifacts = [local.build_artifact]

      configuration = {
        StateMachineArn     = var.migration_state_machine_arn
        InputType           = "FilePath"
        Input               = "runner-input.json"
        ExecutionNamePrefix = "pipeline"
      }
    }
  }

  # (4) the service to that image on Terraform's latest revision; waits until it is stable
  # and fails when the circuit breaker rolled the deployment back (buildspecs/deploy.yml.tftpl).
  # Each worker gets the same action beside it (the same run order: on AWS they run at
  # once, and the stage fails if one fails), naming its own service through the action's
  # environment variables, which take precedence over the buildspec's.
  # https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html (env/variables)
  # https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodeBuild.html
  stage {
    name = "Deploy"

    dynamic "action" {
      for_each = local.deploy_actions

      content {
        name            = action.key
        category        = "Build"
        owner           = "AWS"
        provider        = "CodeBuild"
        version         = "1"
        input_artifacts = [local.build_artifact]

        configuration = {
          ProjectName = aws_codebuild_project.this["deploy"].name
          EnvironmentVariables = jsonencode(concat(
            [{ name = "IMAGE_URI", value = "#{BuildVariables.IMAGE_URI}", type = "PLAINTEXT" }],
            action.value,
          ))
        }
      }
    }
  }

  tags = local.tags
}
