# The database's security group: the database port from the given groups, nothing else.
# No egress rule at all: the database never opens connections.

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-db-"
  description = "Database ${var.name}: port ${local.port} from the app's security groups only"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = "${var.name}-db" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "allowed" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = merge(local.tags, { Name = "${var.name}-db-from-${each.key}" })
}
