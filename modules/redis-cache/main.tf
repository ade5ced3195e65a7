# An optional Redis-compatible cache for the app (Amazon ElastiCache, Valkey or Redis OSS): a
# small replication group in the given subnets, TLS required in transit, encrypted at rest
# with a customer-managed key, reachable on 6379 only from the app's security groups.
#
# Who may connect: IAM, not a password. House rule: no secret values in Terraform state.
# The replication group's `auth_token` (and an aws_elasticache_user's `passwords`) are
# ordinary, state-stored arguments in hashicorp/aws 5.100.0: `terraform providers schema
# -json` lists no write-only (`*_wo`) argument on aws_elasticache_replication_group,
# aws_elasticache_user or aws_elasticache_user_group. A token generated ephemerally and
# written to Secrets Manager with `secret_string_wo` would still have to reach ElastiCache
# through one of those arguments, so it would land in state. Instead the cache uses
# role-based access control with IAM authentication:
#
# - the app's user `<name>-cache` has `authentication_mode { type = "iam" }`: it has no
#   password at all; the app signs a short-lived (15 minutes) SigV4 token with its task
#   role's credentials and sends it as the password of AUTH/HELLO. The task role needs
#   `elasticache:Connect` on the replication group and on the user (outputs
#   `connect_resource_arns`, `task_role_policy_json`). IAM authentication needs TLS,
#   Valkey 7.2+ or Redis OSS 7.0+, and a user id equal to its user name.
#   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
# - a user group must hold a user named `default`, which is what a connection that does
#   not authenticate is: here a `default` user that is switched off (`off -@all`), so an
#   unauthenticated connection can run nothing.
#   https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html
# - the AUTH token alternative (one shared password in `auth_token`) is the one that
#   would put a secret in state: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth.html

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  id           = "${var.name}-cache"
  app_user_id  = "${var.name}-cache"
  port         = 6379
  family       = "${var.engine}${split(".", var.engine_version)[0]}"
  arn_base     = "arn:${data.aws_partition.current.partition}:elasticache:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}"
  cache_arn    = "${local.arn_base}:replicationgroup:${local.id}"
  app_user_arn = "${local.arn_base}:user:${local.app_user_id}"
  tags         = merge(var.tags, { "zonke:module" = "redis-cache" })
}

# ----------------------------------------------------------------------------- encryption

# At rest: a customer-managed key with rotation on (disk during sync and swap, snapshots).
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/at-rest-encryption.html
data "aws_iam_policy_document" "kms" {
  # checkov:skip=CKV_AWS_109:This document is the key's own key policy: "*" as its resource means this one key, and the only principal is this account (IAM policies decide who uses it).
  # checkov:skip=CKV_AWS_111:This document is the key's own key policy: "*" as its resource means this one key, and the only principal is this account.
  # checkov:skip=CKV_AWS_356:This document is the key's own key policy: "*" as its resource means this one key.
  # In a key policy, "*" means this key only. The account statement lets IAM policies grant
  # use of the key; ElastiCache acts through the caller's permissions and grants.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name} cache: data at rest and snapshots"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.kms.json

  tags = merge(local.tags, { Name = "${var.name}-cache" })
}

resource "aws_kms_alias" "this" {
  name          = "alias/zonke/${var.name}/cache"
  target_key_id = aws_kms_key.this.key_id
}

# ----------------------------------------------------------------------------- network

resource "aws_elasticache_subnet_group" "this" {
  name        = local.id
  description = "Subnets of the ${var.name} cache"
  subnet_ids  = var.subnet_ids

  tags = merge(local.tags, { Name = local.id })
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-cache-"
  description = "Cache ${var.name}: port ${local.port} from the app's security groups only"
  vpc_id      = var.vpc_id

  tags = merge(local.tags, { Name = local.id })

  lifecycle {
    create_before_destroy = true
  }
}

# No egress rule: the cache answers connections, it opens none.
resource "aws_vpc_security_group_ingress_rule" "allowed" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value

  tags = merge(local.tags, { Name = "${local.id}-from-${each.key}" })
}

# ----------------------------------------------------------------------------- access

# Users and their group use engine "redis" whatever the cache's engine: a Valkey cache
# accepts them, and a "valkey" user group would refuse a user with no password.
# https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html
resource "aws_elasticache_user" "default" {
  user_id       = "${var.name}-default"
  user_name     = "default"
  engine        = "redis"
  access_string = "off -@all"

  # Switched off: no one can authenticate as it, so it needs no password.
  authentication_mode {
    type = "no-password-required"
  }

  tags = local.tags
}

resource "aws_elasticache_user" "app" {
  # IAM authentication needs the user id and the user name to be the same.
  user_id       = local.app_user_id
  user_name     = local.app_user_id
  engine        = "redis"
  access_string = "on ~* +@all"

  authentication_mode {
    type = "iam"
  }

  tags = local.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = local.id
  engine        = "redis"
  user_ids      = [aws_elasticache_user.default.user_id, aws_elasticache_user.app.user_id]

  tags = local.tags
}

# ----------------------------------------------------------------------------- the cache

resource "aws_elasticache_parameter_group" "this" {
  name        = local.id
  family      = local.family
  description = "${var.name} cache (${local.family})"

  parameter {
    name  = "maxmemory-policy"
    value = var.maxmemory_policy
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_elasticache_replication_group" "this" {
  # checkov:skip=CKV2_AWS_50:Failover needs a second node, which doubles the cost, so it is an input (node_count > 1 turns automatic failover on, multi_az spreads the nodes); production stacks set them.
  # checkov:skip=CKV_AWS_31:No AUTH token on purpose: it would be stored in Terraform state (no write-only argument exists). Clients authenticate with IAM through the user group (RBAC), over TLS (transit_encryption_enabled).
  replication_group_id = local.id
  description          = "${var.name} cache"

  engine               = var.engine
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = local.port
  parameter_group_name = aws_elasticache_parameter_group.this.name

  num_cache_clusters         = var.node_count
  automatic_failover_enabled = var.node_count > 1
  multi_az_enabled           = var.multi_az

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/in-transit-encryption.html
  transit_encryption_enabled = true
  transit_encryption_mode    = "required"
  at_rest_encryption_enabled = true
  kms_key_id                 = aws_kms_key.this.arn

  user_group_ids = [aws_elasticache_user_group.this.user_group_id]

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = var.snapshot_window
  maintenance_window         = var.maintenance_window
  auto_minor_version_upgrade = true

  tags = merge(local.tags, { Name = local.id })
}

# ----------------------------------------------------------------------------- IAM

# What the app's task role needs to connect as `<name>-cache`.
data "aws_iam_policy_document" "connect" {
  statement {
    sid       = "ConnectToTheCacheAsTheAppUser"
    actions   = ["elasticache:Connect"]
    resources = [local.cache_arn, local.app_user_arn]
  }
}
