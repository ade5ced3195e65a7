data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  account_id = data.aws_caller_identity.current.account_id

  family             = "${var.name}-migrate"
  state_machine_name = "${var.name}-migrate"
  # Built from the name, not read from the resource: the runner's own policy needs it
  # (its trust and key conditions) before the state machine exists.
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${local.state_machine_name}"
  cluster_name      = element(split("/", var.cluster_arn), 1)

  # The migration first, then each extra release command: every one runs as its own task.
  commands = concat([var.command], var.extra_release_commands)

  tags = merge(var.tags, { "zonke:module" = "migration-task" })

  container = merge({
    name                   = var.container_name
    image                  = "${var.ecr_repository_url}:${var.image_tag}"
    essential              = true
    command                = concat(var.command_prefix, var.command)
    environment            = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
    secrets                = var.secrets
    readonlyRootFilesystem = var.readonly_root_filesystem
    mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_name
        awslogs-region        = local.region
        awslogs-stream-prefix = var.log_stream_prefix
      }
    }
    },
    # Null keeps the image's ENTRYPOINT (RunTask overrides can change the command only).
    var.entry_point == null ? {} : { entryPoint = var.entry_point },
  )
}

# The migration task definition: the web service's image repository, environment,
# secrets, roles and log group, with the migration command. The runner never starts this
# revision as is: it registers a copy pinned to the image being deployed (ECS RunTask
# cannot override a container's image).
resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = tostring(var.cpu)
  memory                   = tostring(var.memory)
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Scratch space for the read-only container (Fargate task storage, gone with the task).
  volume {
    name = "tmp"
  }

  tags = local.tags
}
