variable "name" {
  description = "Name of the app and environment (for example `shop-prod`): the replication group is `<name>-cache`, the app's cache user `<name>-cache` too (users are a namespace of their own; one name lets one IAM pattern name both)."
  type        = string

  # Replication group ids: at most 40 lowercase letters, digits and hyphens, starting with a
  # letter, no two hyphens in a row, not ending with a hyphen; "<name>-cache" (38) and
  # "<name>-default" (40) fit.
  # https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.name)) && !strcontains(var.name, "--")
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen and with no two hyphens in a row (for example \"shop-prod\")."
  }
}

variable "vpc_id" {
  description = "VPC of the cache's security group."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "subnet_ids" {
  description = "Subnets of the cache nodes: the stack's isolated (or private) subnets, at least two in different zones for `multi_az`."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(distinct(var.subnet_ids)) == length(var.subnet_ids) && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))])
    error_message = "subnet_ids must list one or more distinct subnet IDs such as [\"subnet-0123456789abcdef0\"]."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect to the cache port (6379), by a stable key (for example `{ service = sg-..., worker = sg-... }`). Nothing else is admitted. Keys must be known at plan time; the IDs may be unknown."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.allowed_security_group_ids) : can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", k))])
    error_message = "allowed_security_group_ids keys must be 1-63 lowercase letters, digits, hyphens or underscores (for example \"service\", \"worker\")."
  }

  validation {
    condition     = alltrue([for v in values(var.allowed_security_group_ids) : can(regex("^sg-[0-9a-f]+$", v))])
    error_message = "allowed_security_group_ids values must be security group IDs such as \"sg-0123456789abcdef0\"."
  }
}

variable "engine" {
  description = "Cache engine: `valkey` (the default: Redis-compatible, and cheaper per node) or `redis`."
  type        = string
  default     = "valkey"
  nullable    = false

  validation {
    condition     = contains(["valkey", "redis"], var.engine)
    error_message = "engine must be \"valkey\" or \"redis\"."
  }
}

variable "engine_version" {
  description = "Engine version, `<major>.<minor>`: IAM authentication needs Valkey 7.2 or later, Redis OSS 7.0 or later. The parameter group's family follows its major version (`valkey8`, `redis7`)."
  type        = string
  default     = "8.0"
  nullable    = false

  # https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html (Limitations)
  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+$", var.engine_version)) && try(tonumber(split(".", var.engine_version)[0]) >= 7, false)
    error_message = "engine_version must be <major>.<minor>, 7.0 or later, as IAM authentication needs (for example \"8.0\" for valkey, \"7.1\" for redis)."
  }

  validation {
    condition     = var.engine != "valkey" || var.engine_version != "7.0" && var.engine_version != "7.1"
    error_message = "engine_version of valkey must be 7.2 or later (for example \"8.0\")."
  }
}

variable "node_type" {
  description = "Instance type of each node."
  type        = string
  default     = "cache.t4g.micro"
  nullable    = false

  validation {
    condition     = can(regex("^cache\\.[a-z0-9]+\\.[a-z0-9]+$", var.node_type))
    error_message = "node_type must be an ElastiCache node type such as \"cache.t4g.micro\"."
  }
}

variable "node_count" {
  description = "Number of nodes: one primary and `node_count - 1` read replicas. With more than one, a replica is promoted automatically when the primary fails."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.node_count >= 1 && var.node_count <= 6 && floor(var.node_count) == var.node_count
    error_message = "node_count must be a whole number from 1 to 6 (a primary and up to 5 replicas)."
  }
}

variable "multi_az" {
  description = "Keep the replicas in other availability zones than the primary and fail over across zones. Needs `node_count` of 2 or more."
  type        = bool
  default     = false
  nullable    = false

  validation {
    condition     = !var.multi_az || var.node_count >= 2
    error_message = "multi_az needs node_count of 2 or more (for example node_count = 2)."
  }
}

variable "maxmemory_policy" {
  description = "What the cache evicts when its memory is full (`maxmemory-policy`). `allkeys-lru` suits a cache: the least recently used keys go, whether they have a timeout or not."
  type        = string
  default     = "allkeys-lru"
  nullable    = false

  validation {
    condition     = contains(["volatile-lru", "allkeys-lru", "volatile-lfu", "allkeys-lfu", "volatile-random", "allkeys-random", "volatile-ttl", "noeviction"], var.maxmemory_policy)
    error_message = "maxmemory_policy must be one of volatile-lru, allkeys-lru, volatile-lfu, allkeys-lfu, volatile-random, allkeys-random, volatile-ttl, noeviction (for example \"allkeys-lru\")."
  }
}

variable "snapshot_retention_days" {
  description = "Days a daily snapshot is kept (0 turns snapshots off)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.snapshot_retention_days >= 0 && var.snapshot_retention_days <= 35 && floor(var.snapshot_retention_days) == var.snapshot_retention_days
    error_message = "snapshot_retention_days must be a whole number from 0 to 35."
  }
}

variable "snapshot_window" {
  description = "Daily UTC time range of the snapshot, `hh24:mi-hh24:mi`, at least 60 minutes and apart from `maintenance_window`."
  type        = string
  default     = "03:00-04:00"
  nullable    = false

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.snapshot_window))
    error_message = "snapshot_window must be hh24:mi-hh24:mi in UTC (for example \"03:00-04:00\")."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC time range for maintenance, `ddd:hh24:mi-ddd:hh24:mi`, at least 60 minutes."
  type        = string
  default     = "sun:04:30-sun:05:30"
  nullable    = false

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must be ddd:hh24:mi-ddd:hh24:mi in UTC (for example \"sun:04:30-sun:05:30\")."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
  nullable    = false
}
