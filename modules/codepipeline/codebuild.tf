# The CodeBuild projects: Infrastructure (terraform apply), Build (image, static) and Deploy
# (a revision with the new image on top of Terraform's latest, then the service to it).

locals {
  shell_quoted_collectstatic = join(" ", [for a in var.collectstatic_command : "'${replace(a, "'", "'\\''")}'"])
  # The collectstatic container's plain variables (never a secret) as a Docker env file
  # (one VAR=value a line, taken literally), base64-encoded so that any value stays one
  # YAML-safe word in the buildspec.
  collectstatic_env_file = base64encode(join("", [for k in sort(keys(var.collectstatic_environment)) : "${k}=${var.collectstatic_environment[k]}\n"]))
  collectstatic_options  = var.collectstatic_run_entrypoint ? "--env-file collectstatic.env" : "--env-file collectstatic.env --entrypoint ''"

  buildspecs = {
    infra = templatefile("${path.module}/buildspecs/infra.yml.tftpl", {
      terraform_version = var.terraform_version
      zonke_package     = coalesce(var.zonke_wheel_url, "zonke-tf==${var.zonke_version}")
      project_path      = var.project_path
      environment       = var.environment
    })
    build = templatefile("${path.module}/buildspecs/build.yml.tftpl", {
      ecr_repository_url          = var.ecr_repository_url
      static_bucket               = var.static_bucket_name
      static_prefix               = var.static_prefix
      static_root                 = var.static_root
      container_name              = var.container_name
      migration_state_machine_arn = var.migration_state_machine_arn
      cloudfront_distribution_id  = var.cloudfront_distribution_id == null ? "" : var.cloudfront_distribution_id
      dockerfile                  = var.dockerfile
      docker_context              = var.docker_context
      collectstatic_command       = local.shell_quoted_collectstatic
      collectstatic_options       = local.collectstatic_options
      collectstatic_env_file      = local.collectstatic_env_file
    })
    deploy = templatefile("${path.module}/buildspecs/deploy.yml.tftpl", {
      cluster_name           = var.cluster_name
      service_name           = var.service_name
      task_family            = local.task_family
      container_name         = var.container_name
      deploy_timeout_seconds = var.deploy_timeout_minutes * 60
    })
  }

  projects = {
    infra = {
      description = "Applies the Terraform stack of ${var.name}"
      role_arn    = aws_iam_role.infra.arn
      privileged  = false
    }
    build = {
      description = "Builds and pushes the image of ${var.name}, publishes its static files"
      role_arn    = aws_iam_role.build.arn
      # Docker builds need the Docker daemon, which CodeBuild runs only in privileged mode.
      privileged = true
    }
    deploy = {
      description = "Moves the service of ${var.name} to the built image on the latest Terraform-owned revision"
      role_arn    = aws_iam_role.deploy.arn
      privileged  = false
    }
  }
}

resource "aws_cloudwatch_log_group" "build" {
  for_each = local.projects

  name              = "/aws/codebuild/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = module.key.arn

  tags = local.tags
}

resource "aws_codebuild_project" "this" {
  for_each = local.projects

  # checkov:skip=CKV_AWS_316:Only the Build project is privileged: CodeBuild runs the Docker daemon that builds the image only in privileged mode.
  name           = "${var.name}-${each.key}"
  description    = each.value.description
  service_role   = each.value.role_arn
  build_timeout  = var.build_timeout_minutes
  queued_timeout = 60
  encryption_key = module.key.arn

  source {
    type      = "CODEPIPELINE"
    buildspec = local.buildspecs[each.key]
  }

  artifacts {
    type = "CODEPIPELINE"
  }

  environment {
    type                        = "LINUX_CONTAINER"
    compute_type                = var.codebuild_compute_type
    image                       = var.codebuild_image
    image_pull_credentials_type = "CODEBUILD"
    privileged_mode             = each.value.privileged
  }

  logs_config {
    cloudwatch_logs {
      status     = "ENABLED"
      group_name = aws_cloudwatch_log_group.build[each.key].name
    }

    s3_logs {
      status = "DISABLED"
    }
  }

  tags = local.tags
}
