# --- the tasks' security group: in from the load balancer only ---

resource "aws_security_group" "service" {
  name_prefix = "${var.name}-service-"
  description = "Tasks of ${var.name}: in from the load balancer on the app port only"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-service" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "App port from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = var.alb_security_group_id

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "https" {
  count = var.allow_https_egress ? 1 : 0

  security_group_id = aws_security_group.service.id
  description       = "HTTPS out: ECR, Secrets Manager, CloudWatch Logs, the app's outside APIs"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "extra" {
  for_each = var.egress_rules

  security_group_id            = aws_security_group.service.id
  description                  = each.value.description
  ip_protocol                  = each.value.protocol
  from_port                    = each.value.port
  to_port                      = coalesce(each.value.to_port, each.value.port)
  cidr_ipv4                    = each.value.cidr_ipv4
  referenced_security_group_id = each.value.referenced_security_group_id
  prefix_list_id               = each.value.prefix_list_id

  tags = local.tags
}

# --- the service ---

resource "aws_ecs_service" "this" {
  name            = var.name
  cluster         = aws_ecs_cluster.this.arn
  task_definition = aws_ecs_task_definition.this.arn
  desired_count   = local.desired_count

  # Rolling deployments: a new task set starts beside the old one (up to 200 %), the old
  # one drains only once the new tasks are healthy (100 % stay up), and a deployment whose
  # tasks keep failing stops and rolls back to the last working revision.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = var.health_check_grace_period
  availability_zone_rebalancing      = "ENABLED"

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  deployment_controller {
    type = "ECS"
  }

  dynamic "capacity_provider_strategy" {
    for_each = local.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = var.container_name
    container_port   = var.container_port
  }

  enable_execute_command  = var.enable_exec
  enable_ecs_managed_tags = true
  propagate_tags          = "SERVICE"
  wait_for_steady_state   = false

  # The configured autoscaling bounds, also while the target below is held at 0..0: the
  # pipeline's first deploy reads them to start min_count tasks and register
  # min_count..max_count, the values the target has once app_image_exists is true, so the
  # next apply changes nothing. On the service, whose ARN the deploy role is scoped to.
  tags = merge(local.tags, {
    "zonke:min-count" = tostring(var.min_count)
    "zonke:max-count" = tostring(var.max_count)
  })

  lifecycle {
    # After creation the task count belongs to autoscaling, the pipeline's first deploy and
    # the wrapper, and the revision to the pipeline: Terraform must not move either back.
    ignore_changes = [desired_count, task_definition]
  }

  depends_on = [
    aws_ecs_cluster_capacity_providers.this,
    aws_iam_role_policy.execution,
  ]
}

# --- autoscaling: target tracking on CPU and on ALB requests per task ---

# Until the image the service starts with exists (app_image_exists = false: a fresh stack
# before its first build), the target is held at 0..0: registering a minimum above the
# current count makes Application Auto Scaling raise the count at once, and a maximum of 0
# keeps every scaling policy from starting a task. MinCapacity 0 is allowed for ECS
# services, and an update puts the current capacity back inside the bounds:
# https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
# The configured bounds stay readable on the service's tags (above).
resource "aws_appautoscaling_target" "this" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.this.name}/${aws_ecs_service.this.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = var.app_image_exists ? var.min_count : 0
  max_capacity       = var.app_image_exists ? var.max_count : 0

  tags = local.tags
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = var.scale_in_cooldown
    scale_out_cooldown = var.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  count = var.requests_per_target != null ? 1 : 0

  name               = "${var.name}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this.service_namespace
  resource_id        = aws_appautoscaling_target.this.resource_id
  scalable_dimension = aws_appautoscaling_target.this.scalable_dimension

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_target
    scale_in_cooldown  = var.scale_in_cooldown
    scale_out_cooldown = var.scale_out_cooldown

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.alb_arn_suffix}/${var.target_group_arn_suffix}"
    }
  }
}
