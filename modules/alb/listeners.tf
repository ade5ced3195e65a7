# Listeners answer 403 unless the request carries the origin secret that CloudFront adds.

locals {
  forbidden = {
    content_type = "text/plain"
    message_body = "Forbidden"
    status_code  = "403"
  }

  # The listener CloudFront talks to. The forward rule is keyed by its name, so the plan
  # (and the state address) says which listener the rule sits on.
  origin_listener     = local.https ? "https" : "http"
  origin_listener_arn = local.https ? aws_lb_listener.https[0].arn : aws_lb_listener.http.arn

  origin_secret_values = compact([var.origin_secret_value, var.origin_secret_previous_value])
}

resource "aws_lb_listener" "http" {
  # checkov:skip=CKV_AWS_2:Without certificate_arn CloudFront reaches the ALB over HTTP, admitted only from the CloudFront origin-facing prefix list and only with the origin secret; with a certificate this listener just redirects to HTTPS.
  # checkov:skip=CKV_AWS_103:TLS policy applies to the HTTPS listener only; this one is plain HTTP (see CKV_AWS_2 above).
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = local.https ? "redirect" : "fixed-response"

    dynamic "redirect" {
      for_each = local.https ? [1] : []
      content {
        protocol    = "HTTPS"
        port        = "443"
        status_code = "HTTP_301"
      }
    }

    dynamic "fixed_response" {
      for_each = local.https ? [] : [local.forbidden]
      content {
        content_type = fixed_response.value.content_type
        message_body = fixed_response.value.message_body
        status_code  = fixed_response.value.status_code
      }
    }
  }

  tags = local.tags
}

resource "aws_lb_listener" "https" {
  count = local.https ? 1 : 0

  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = var.certificate_arn

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = local.forbidden.content_type
      message_body = local.forbidden.message_body
      status_code  = local.forbidden.status_code
    }
  }

  tags = local.tags
}

resource "aws_lb_listener_rule" "forward_with_origin_secret" {
  for_each = { (local.origin_listener) = local.origin_listener_arn }

  listener_arn = each.value
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.app.arn
  }

  condition {
    http_header {
      http_header_name = var.origin_secret_header_name
      values           = local.origin_secret_values
    }
  }

  tags = local.tags
}
