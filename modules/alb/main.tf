locals {
  tags = merge(var.tags, { "zonke:module" = "alb" })

  # Known at plan time even when the certificate is created in the same apply.
  https = var.enable_https != null ? var.enable_https : var.certificate_arn != null

  # The target group's name ends with a short hash of the settings that force AWS to
  # replace it, so a replacement can be created before the old one is destroyed.
  target_group_name = "${var.name}-${substr(md5(jsonencode(["ip", "HTTP", var.target_port, var.vpc_id])), 0, 4)}"

  access_logs_prefix = coalesce(var.access_logs_prefix, "alb/${var.name}")
}

data "aws_vpc" "this" {
  id = var.vpc_id
}

resource "aws_lb" "this" {
  # checkov:skip=CKV2_AWS_28:The WAF web ACL belongs on the CloudFront distribution (cdn-static web_acl_arn); this ALB only admits CloudFront's origin-facing addresses and requests carrying the origin secret.
  # checkov:skip=CKV2_AWS_20:The HTTP listener redirects to HTTPS whenever there is an HTTPS listener (local.https, which checkov cannot evaluate); without one it answers 403 and forwards only requests carrying the origin secret.
  # checkov:skip=CKV_AWS_91:Access logs are opt-in (access_logs_bucket) because the bucket needs an ELB log-delivery policy that this module cannot write for a bucket it does not own.
  name               = var.name
  internal           = var.internal
  load_balancer_type = "application"
  security_groups    = [aws_security_group.this.id]
  subnets            = var.internal ? var.private_subnet_ids : var.public_subnet_ids

  drop_invalid_header_fields = true
  desync_mitigation_mode     = "strictest"
  enable_deletion_protection = var.deletion_protection
  enable_http2               = true
  idle_timeout               = var.idle_timeout

  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = local.access_logs_prefix
      enabled = true
    }
  }

  tags = merge(local.tags, { Name = var.name })
}

resource "aws_lb_target_group" "app" {
  # checkov:skip=CKV_AWS_378:TLS ends at the load balancer; the targets are tasks in private subnets reached inside the VPC only, and an ALB does not verify target certificates, so HTTPS to them would add cost without authentication.
  name                 = local.target_group_name
  target_type          = "ip"
  protocol             = "HTTP"
  protocol_version     = "HTTP1"
  port                 = var.target_port
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = "traffic-port"
    path                = var.health_check.path
    matcher             = var.health_check.matcher
    interval            = var.health_check.interval
    timeout             = var.health_check.timeout
    healthy_threshold   = var.health_check.healthy_threshold
    unhealthy_threshold = var.health_check.unhealthy_threshold
  }

  tags = merge(local.tags, { Name = local.target_group_name })

  lifecycle {
    create_before_destroy = true
  }
}
