# A worker: the app's image running a long-lived command (Celery, a queue consumer) as an
# ECS service with no load balancer, in the private subnets, with the web service's
# environment, secrets, roles and capacity. Nothing connects in; the pipeline's Deploy
# stage moves it to each new image with the web service, after the migrations.

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  is_ec2 = var.capacity_type == "EC2"
  # local.fargate_memory (the task sizes Fargate accepts) is in fargate_sizes.tf, generated.

  container_name = "worker"
  container = merge(
    {
      name      = local.container_name
      image     = var.image
      essential = true
      command   = concat(var.command_prefix, var.command)
      # Read-only root filesystem with a writable /tmp, as the web container.
      readonlyRootFilesystem = true
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      # An init process forwards SIGTERM to the worker and reaps its children; stopTimeout
      # is how long a job in flight gets before SIGKILL.
      # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
      linuxParameters = { initProcessEnabled = true }
      stopTimeout     = var.stop_timeout
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = var.log_group_name
          awslogs-region        = local.region
          awslogs-stream-prefix = var.log_stream_prefix
        }
      }
    },
    # Empty lists are left out, as ECS leaves them out when describing the definition.
    length(var.environment) == 0 ? {} : {
      environment = [for k in sort(keys(var.environment)) : { name = k, value = var.environment[k] }]
    },
    length(var.secrets) == 0 ? {} : { secrets = var.secrets },
    var.entry_point == null ? {} : { entryPoint = var.entry_point },
  )

  tags = merge(var.tags, { "zonke:module" = "ecs-worker" })
}

# --- security group: out only ---

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "Worker ${var.name}: nothing connects in; out to HTTPS and the listed destinations"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = var.name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.allow_https_egress ? 1 : 0

  security_group_id = aws_security_group.this.id
  description       = "HTTPS out: ECR, Secrets Manager, CloudWatch Logs, SQS, the app's outside APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "extra" {
  for_each = var.egress_rules

  security_group_id            = aws_security_group.this.id
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.port
  to_port                      = coalesce(each.value.to_port, each.value.port)
  cidr_ipv4                    = each.value.cidr_ipv4
  referenced_security_group_id = each.value.referenced_security_group_id
  prefix_list_id               = each.value.prefix_list_id

  tags = local.tags
}

# --- task definition ---

# Terraform registers the first revision and a new one when this configuration changes; the
# pipeline registers revisions with the images it builds (the family's latest revision with
# the image swapped), and the service follows the pipeline (ignore_changes below).
resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = [local.is_ec2 ? "EC2" : "FARGATE"]
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

  volume {
    name = "tmp"
  }

  tags = local.tags
}

# --- service ---

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = var.cluster_arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = var.app_image_exists ? var.min_count : 0

  # Rolling deployments: new tasks start before old ones stop; a deployment whose tasks keep
  # failing stops and rolls back to the last working revision.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  availability_zone_rebalancing      = "ENABLED"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_controller {
    type = "ECS"
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  wait_for_steady_state   = false

  # The configured bounds, read by the pipeline's first deploy (as for the web service).
  tags = merge(local.tags, {
    "zonke:min-count" = tostring(var.min_count)
    "zonke:max-count" = tostring(var.max_count)
  })

  lifecycle {
    # After creation the count belongs to autoscaling, the pipeline's first deploy and the
    # wrapper, and the revision to the pipeline.
    ignore_changes = [desired_count, task_definition]
  }
}

# --- autoscaling on CPU or on the queue's backlog per task; held at 0..0 until the first image exists ---

resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${split("/", var.cluster_arn)[1]}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.app_image_exists ? var.min_count : 0
  max_capacity       = var.app_image_exists ? var.max_count : 0

  tags = local.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.backlog_scaling == null ? 1 : 0

  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

# Backlog per task: the messages waiting divided by the tasks running, by metric math.
# https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-target-tracking-metric-math.html
resource "aws_appautoscaling_policy" "backlog" {
  count = var.backlog_scaling != null ? 1 : 0

  name               = "${var.name}-backlog"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.backlog_scaling.messages_per_task
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    customized_metric_specification {
      metrics {
        id          = "waiting"
        label       = "Messages waiting in ${var.backlog_scaling.queue_name}"
        return_data = false

        metric_stat {
          stat = "Sum"

          metric {
            namespace   = "AWS/SQS"
            metric_name = "ApproximateNumberOfMessagesVisible"

            dimensions {
              name  = "QueueName"
              value = var.backlog_scaling.queue_name
            }
          }
        }
      }

      metrics {
        id          = "tasks"
        label       = "Running tasks of ${var.name}"
        return_data = false

        metric_stat {
          stat = "Average"

          metric {
            namespace   = "ECS/ContainerInsights"
            metric_name = "RunningTaskCount"

            dimensions {
              name  = "ClusterName"
              value = split("/", var.cluster_arn)[1]
            }

            dimensions {
              name  = "ServiceName"
              value = var.name
            }
          }
        }
      }

      metrics {
        id          = "backlog_per_task"
        label       = "Backlog per task"
        expression  = "waiting / tasks"
        return_data = true
      }
    }
  }
}
