locals {
  # The repository URL built from its name, so the container definition is known when planning.
  repository_url = "${local.account_id}.dkr.ecr.${local.region}.${data.aws_partition.current.dns_suffix}/${local.ecr_repository_name}"
  image          = coalesce(var.image, "${local.repository_url}:${var.image_tag}")

  gunicorn_workers = max(2, floor(2 * var.cpu / 1024) + 1)

  # ECS Exec's SSM agent writes its state and logs inside the container: with a read-only
  # root filesystem it needs these paths writable, or it stops soon after the task starts
  # (https://github.com/aws/containers-roadmap/issues/1359; the ECS Exec considerations at
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html say exec needs
  # the container's storage writable). Task storage, empty at each start.
  exec_paths = var.enable_exec && var.read_only_root_filesystem ? {
    ssm-managed-agents = "/managed-agents"
    ssm-state          = "/var/lib/amazon/ssm"
    ssm-logs           = "/var/log/amazon/ssm"
  } : {}
  default_command = concat([
    "gunicorn", "--bind", "0.0.0.0:${var.container_port}",
    "--workers", tostring(local.gunicorn_workers),
    "--worker-tmp-dir", "/dev/shm",
    "--access-logfile", "-",
    ], var.worker_class == null ? [] : ["--worker-class", var.worker_class], [
    var.wsgi_application,
  ])

  container = merge(
    {
      name      = var.container_name
      image     = local.image
      essential = true
      command   = concat(var.command_prefix, coalesce(var.command, local.default_command))
      portMappings = [{
        name          = "http"
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
        appProtocol   = "http"
      }]
      readonlyRootFilesystem = var.read_only_root_filesystem
      mountPoints = concat(
        [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }],
        [for name, path in local.exec_paths : { sourceVolume = name, containerPath = path, readOnly = false }],
      )
      linuxParameters = { initProcessEnabled = true }
      stopTimeout     = 30
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.app.name
          awslogs-region        = local.region
          awslogs-stream-prefix = "app"
        }
      }
    },
    # Empty lists are left out, as ECS leaves them out when describing the definition.
    length(var.environment) == 0 ? {} : {
      environment = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
    },
    length(var.secrets) == 0 ? {} : { secrets = var.secrets },
    # Null keeps the image's ENTRYPOINT; a list replaces it.
    # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
    var.entry_point == null ? {} : { entryPoint = var.entry_point },
    var.health_check == null ? {} : {
      healthCheck = {
        command     = var.health_check.command
        interval    = var.health_check.interval
        timeout     = var.health_check.timeout
        retries     = var.health_check.retries
        startPeriod = var.health_check.start_period
      }
    },
  )
}

# Terraform registers the first revision of the family and a new one whenever this
# configuration changes; the pipeline registers revisions with the images it builds (taking
# the family's latest revision as the template and swapping the image). The service follows
# the pipeline, not this resource: see `ignore_changes` on the service.
resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = [local.is_ec2 ? "EC2" : "FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Task storage for the writable /tmp of a read-only root filesystem.
  volume {
    name = "tmp"
  }

  dynamic "volume" {
    for_each = local.exec_paths

    content {
      name = volume.key
    }
  }

  tags = local.tags
}
