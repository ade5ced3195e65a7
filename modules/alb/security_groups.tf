# The ALB admits CloudFront only: its origin-facing managed prefix list, on the one port
# CloudFront uses (443 with a certificate, else 80). A reference to this prefix list
# counts as about 55 rules against the security group's rule quota (60 by default), so
# the group deliberately holds a single ingress rule.

data "aws_ec2_managed_prefix_list" "cloudfront" {
  name = "com.amazonaws.global.cloudfront.origin-facing"
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-alb-"
  description = "ALB ${var.name}: CloudFront origin-facing addresses in, the application targets out"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-alb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cloudfront" {
  security_group_id = aws_security_group.this.id
  description       = local.https ? "HTTPS from CloudFront origin-facing servers only" : "HTTP from CloudFront origin-facing servers only"
  ip_protocol       = "tcp"
  from_port         = local.https ? 443 : 80
  to_port           = local.https ? 443 : 80
  prefix_list_id    = data.aws_ec2_managed_prefix_list.cloudfront.id

  tags = local.tags
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  security_group_id = aws_security_group.this.id
  description       = "To the application targets (traffic and health checks) inside the VPC"
  ip_protocol       = "tcp"
  from_port         = var.target_port
  to_port           = var.target_port
  cidr_ipv4         = data.aws_vpc.this.cidr_block

  tags = local.tags
}
