output "alb_arn" {
  description = "ARN of the load balancer."
  value       = aws_lb.this.arn
}

output "alb_dns_name" {
  description = "DNS name of the load balancer (the cdn-static module's `alb_dns_name`)."
  value       = aws_lb.this.dns_name
}

output "alb_zone_id" {
  description = "Route 53 hosted zone ID of the load balancer, for alias records."
  value       = aws_lb.this.zone_id
}

output "alb_arn_suffix" {
  description = "ARN suffix of the load balancer (`app/<name>/<id>`), for CloudWatch metrics."
  value       = aws_lb.this.arn_suffix
}

output "listener_arn" {
  description = "ARN of the listener CloudFront uses: HTTPS when a certificate is given, else HTTP. Add further listener rules here."
  value       = local.origin_listener_arn
}

output "http_listener_arn" {
  description = "ARN of the HTTP (port 80) listener."
  value       = aws_lb_listener.http.arn
}

output "https_listener_arn" {
  description = "ARN of the HTTPS (port 443) listener, or null without a certificate."
  value       = try(aws_lb_listener.https[0].arn, null)
}

output "forward_rule_arn" {
  description = "ARN of the listener rule that forwards requests carrying the origin secret to the target group."
  value       = one([for r in aws_lb_listener_rule.forward_with_origin_secret : r.arn])
}

output "target_group_arn" {
  description = "ARN of the application target group (type `ip`, for awsvpc tasks)."
  value       = aws_lb_target_group.app.arn
}

output "target_group_arn_suffix" {
  description = "ARN suffix of the target group (`targetgroup/<name>/<id>`), for request-count autoscaling and metrics."
  value       = aws_lb_target_group.app.arn_suffix
}

output "target_port" {
  description = "Port the targets receive traffic on."
  value       = aws_lb_target_group.app.port
}

output "security_group_id" {
  description = "ID of the load balancer's security group; allow it into the application tasks' security group on `target_port`."
  value       = aws_security_group.this.id
}

output "internal" {
  description = "Whether the load balancer is internal (hardened mode, reached through a CloudFront VPC origin)."
  value       = aws_lb.this.internal
}
