data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:Only the first az_count zones of the sorted list are used (or the names in availability_zones), so a zone AWS adds later never changes the selection.
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  azs = length(var.availability_zones) > 0 ? var.availability_zones : slice(data.aws_availability_zones.available.names, 0, var.az_count)

  # Subnets are /(vpc prefix + 4). Each tier owns a block of four numbers, so adding an
  # AZ later never moves an existing subnet: public 0-3, private 4-7, isolated 8-11.
  tier_offset = { public = 0, private = 4, isolated = 8 }
  subnets = {
    for tier, offset in local.tier_offset : tier => {
      for idx, az in local.azs : az => cidrsubnet(var.cidr_block, 4, offset + idx)
    }
  }

  # One NAT gateway in the first AZ, or one per AZ.
  nat_azs = var.nat_gateway_mode == "per_az" ? local.azs : [local.azs[0]]
  nat_for_az = {
    for az in local.azs : az => var.nat_gateway_mode == "per_az" ? az : local.azs[0]
  }

  tags = merge(var.tags, { "zonke:module" = "network" })
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = var.name })
}

# Take over the VPC's default security group and strip every rule from it, so nothing
# that lands in it by accident can talk to anything.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-default-deny-all" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, { Name = var.name })
}

# --- public tier: ALB and NAT gateways; route to the internet gateway ---

resource "aws_subnet" "public" {
  for_each = local.subnets.public

  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = each.value
  # checkov:skip=CKV_AWS_130:The public tier is internet-facing by design; Zonké TF launches no instances in it (only the ALB and NAT gateways). Set map_public_ip_on_launch = false to turn it off.
  map_public_ip_on_launch = var.map_public_ip_on_launch

  tags = merge(local.tags, { Name = "${var.name}-public-${each.key}", "zonke:tier" = "public" })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-public", "zonke:tier" = "public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)

  domain = "vpc"

  tags = merge(local.tags, { Name = "${var.name}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_azs)

  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id

  tags = merge(local.tags, { Name = "${var.name}-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

# --- private tier: ECS tasks; outbound through NAT only ---

resource "aws_subnet" "private" {
  for_each = local.subnets.private

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-private-${each.key}", "zonke:tier" = "private" })
}

resource "aws_route_table" "private" {
  for_each = local.subnets.private

  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-private-${each.key}", "zonke:tier" = "private" })
}

resource "aws_route" "private_nat" {
  for_each = local.subnets.private

  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[local.nat_for_az[each.key]].id
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private[each.key].id
}

# --- isolated tier: the database; no route to the internet at all ---

resource "aws_subnet" "isolated" {
  for_each = local.subnets.isolated

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = each.value
  map_public_ip_on_launch = false

  tags = merge(local.tags, { Name = "${var.name}-isolated-${each.key}", "zonke:tier" = "isolated" })
}

resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.this.id

  tags = merge(local.tags, { Name = "${var.name}-isolated", "zonke:tier" = "isolated" })
}

resource "aws_route_table_association" "isolated" {
  for_each = aws_subnet.isolated

  subnet_id      = each.value.id
  route_table_id = aws_route_table.isolated.id
}
