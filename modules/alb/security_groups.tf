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

# Internal (hardened) mode: the load balancer has no public address, so only sources
# inside the VPC can open a connection; CloudFront's VPC origin reaches it through
# network interfaces that CloudFront places in the VPC. The group admits HTTPS from the
# VPC's range: the interfaces' security group (CloudFront-VPCOrigins-Service-SG) only
# exists once the VPC origin does, so it cannot be referenced here. The origin secret
# header still has to match, so a task in the VPC cannot use the ALB as a shortcut.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
resource "aws_vpc_security_group_ingress_rule" "cloudfront" {
  security_group_id = aws_security_group.this.id
  description = (
    var.internal ? "HTTPS from the CloudFront VPC origin inside the VPC only" :
    local.https ? "HTTPS from CloudFront origin-facing servers only" : "HTTP from CloudFront origin-facing servers only"
  )
  ip_protocol    = "tcp"
  from_port      = local.https ? 443 : 80
  to_port        = local.https ? 443 : 80
  prefix_list_id = var.internal ? null : data.aws_ec2_managed_prefix_list.cloudfront.id
  cidr_ipv4      = var.internal ? data.aws_vpc.this.cidr_block : null

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
