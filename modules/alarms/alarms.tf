# The alarms. Names start with "<name>-" (the key policy's and topic policy's alarm pattern,
# and what `zonke status` lists). Each notifies when it fires and when it clears.

locals {
  alb_dimensions = { LoadBalancer = var.alb_arn_suffix }
  tg_dimensions  = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.target_group_arn_suffix }
  ecs_dimensions = { ClusterName = var.cluster_name, ServiceName = var.service_name }

  # Single-metric alarms: key -> settings.
  metric_alarms = merge(
    {
      unhealthy-targets = {
        description = "The load balancer sees an unhealthy task: the health check fails (see `zonke logs --source web`)."
        namespace   = "AWS/ApplicationELB"
        metric      = "UnHealthyHostCount"
        statistic   = "Maximum"
        dimensions  = local.tg_dimensions
        comparison  = "GreaterThanThreshold"
        threshold   = 0
        period      = 60
        periods     = 3
      }
      cpu-high = {
        description = "The web tasks use more than ${var.thresholds.cpu_percent}% of their CPU: scale up (`zonke scale`) or raise cpu."
        namespace   = "AWS/ECS"
        metric      = "CPUUtilization"
        statistic   = "Average"
        dimensions  = local.ecs_dimensions
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.cpu_percent
        period      = 300
        periods     = 3
      }
      memory-high = {
        description = "The web tasks use more than ${var.thresholds.memory_percent}% of their memory: raise memory in zonke.toml."
        namespace   = "AWS/ECS"
        metric      = "MemoryUtilization"
        statistic   = "Average"
        dimensions  = local.ecs_dimensions
        comparison  = "GreaterThanThreshold"
        threshold   = var.thresholds.memory_percent
        period      = 300
        periods     = 3
      }
    },
    var.database == null ? {} : {
      db-storage-low = {
        description = "The database has less than ${var.thresholds.db_free_storage_percent}% of its storage free: raise database.storage or max_storage."
        namespace   = "AWS/RDS"
        metric      = "FreeStorageSpace"
        statistic   = "Minimum"
        dimensions  = { DBInstanceIdentifier = var.database.identifier }
        comparison  = "LessThanThreshold"
        # FreeStorageSpace is in bytes.
        threshold = floor(var.database.allocated_storage_gb * 1073741824 * var.thresholds.db_free_storage_percent / 100)
        period    = 300
        periods   = 2
      }
      db-connections-high = {
        description = "The database is near its connection limit: fewer gunicorn workers or a larger instance class."
        namespace   = "AWS/RDS"
        metric      = "DatabaseConnections"
        statistic   = "Maximum"
        dimensions  = { DBInstanceIdentifier = var.database.identifier }
        comparison  = "GreaterThanThreshold"
        threshold   = floor(var.database.max_connections * var.thresholds.db_connections_percent / 100)
        period      = 300
        periods     = 2
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.metric_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  period              = each.value.period
  evaluation_periods  = each.value.periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  tags = local.tags
}

# The share of requests the app answered with 5xx: metric math over the load balancer's
# counts, so a quiet hour with one error does not page anyone.
resource "aws_cloudwatch_metric_alarm" "http_5xx" {
  alarm_name          = "${var.name}-http-5xx"
  alarm_description   = "More than ${var.thresholds.http_5xx_percent}% of requests got a 5xx from the app: see `zonke logs --source web --filter ERROR`."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.thresholds.http_5xx_percent
  evaluation_periods  = 2
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.this.arn]
  ok_actions          = [aws_sns_topic.this.arn]

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx share of requests (%)"
    return_data = true
  }

  metric_query {
    id = "errors"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "HTTPCode_Target_5XX_Count"
      dimensions  = local.alb_dimensions
      stat        = "Sum"
      period      = 300
    }
  }

  metric_query {
    id = "requests"

    metric {
      namespace   = "AWS/ApplicationELB"
      metric_name = "RequestCount"
      dimensions  = local.alb_dimensions
      stat        = "Sum"
      period      = 300
    }
  }

  tags = local.tags
}

# --------------------------------------------------------------------------- failures

# Failed deployments (the circuit breaker rolled back) and failed migration runs, as events.
# ECS: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_deployment_events.html
# Step Functions: https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
locals {
  failure_rules = merge(
    {
      deploy-failed = {
        description = "${var.name}: a deployment of the web service failed"
        pattern = {
          source        = ["aws.ecs"]
          "detail-type" = ["ECS Deployment State Change"]
          resources     = [local.service_arn]
          detail        = { eventName = ["SERVICE_DEPLOYMENT_FAILED"] }
        }
      }
    },
    var.watch_migrations ? {
      migration-failed = {
        description = "${var.name}: a migration run failed, timed out or was aborted"
        pattern = {
          source        = ["aws.states"]
          "detail-type" = ["Step Functions Execution Status Change"]
          detail = {
            status          = ["FAILED", "TIMED_OUT", "ABORTED"]
            stateMachineArn = [var.migration_state_machine_arn]
          }
        }
      }
    } : {},
  )
}

resource "aws_cloudwatch_event_rule" "failure" {
  for_each = local.failure_rules

  name          = "${var.name}-${each.key}"
  description   = each.value.description
  event_pattern = jsonencode(each.value.pattern)

  tags = local.tags
}

resource "aws_cloudwatch_event_target" "failure" {
  for_each = local.failure_rules

  rule = aws_cloudwatch_event_rule.failure[each.key].name
  arn  = aws_sns_topic.this.arn
}
