variable "name" {
  description = "Identifier of the DB instance and name prefix of everything else (for example `shop-prod`): 1-63 lowercase letters, digits and hyphens, starting with a letter."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.name)) && !strcontains(var.name, "--") && !endswith(var.name, "-")
    error_message = "name must be 1-63 characters of lowercase letters, digits and hyphens, start with a letter, and contain no two consecutive hyphens and no trailing hyphen (it is the RDS DB instance identifier), for example \"shop-prod\"."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the database lives in (the one holding `isolated_subnet_ids`)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC ID such as \"vpc-0123456789abcdef0\"."
  }
}

variable "isolated_subnet_ids" {
  description = "IDs of the isolated subnets (no route to the internet) the DB subnet group is made of: at least two, in different availability zones."
  type        = list(string)

  validation {
    condition     = length(var.isolated_subnet_ids) >= 2
    error_message = "isolated_subnet_ids must list at least 2 subnets in different availability zones: RDS requires a DB subnet group to cover two AZs. Pass the network module's isolated_subnet_ids output."
  }

  validation {
    condition     = length(distinct(var.isolated_subnet_ids)) == length(var.isolated_subnet_ids)
    error_message = "isolated_subnet_ids must not list the same subnet twice."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect to the database port, by a stable key (for example `{ service = sg-..., migrations = sg-... }`). Nothing else is admitted. Keys must be known at plan time; the IDs may be unknown."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.allowed_security_group_ids) : can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", k))])
    error_message = "allowed_security_group_ids keys must be 1-63 lowercase letters, digits, hyphens or underscores (for example \"service\", \"migrations\")."
  }

  validation {
    condition     = alltrue([for v in values(var.allowed_security_group_ids) : can(regex("^sg-[0-9a-f]+$", v))])
    error_message = "allowed_security_group_ids values must be security group IDs such as \"sg-0123456789abcdef0\"."
  }
}

variable "engine" {
  description = "Database engine: `postgres` (the default) or `mysql`."
  type        = string
  default     = "postgres"

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "engine must be \"postgres\" or \"mysql\"."
  }
}

variable "engine_version" {
  description = "Engine version: a major version (`17`, `8.0`), which takes RDS's default minor release and lets auto minor upgrades move it, or a full version (`16.4`, `8.0.39`). PostgreSQL 14-17 or MySQL 8.0/8.4. Null (the default) takes `17` for PostgreSQL and `8.4` for MySQL."
  type        = string
  default     = null

  validation {
    condition = var.engine_version == null || (
      var.engine == "postgres"
      ? can(regex("^(14|15|16|17)(\\.[0-9]+)?$", var.engine_version))
      : can(regex("^8\\.(0|4)(\\.[0-9]+)?$", var.engine_version))
    )
    error_message = "engine_version must match the engine: for postgres a 14, 15, 16 or 17 version (\"17\" or \"16.4\"), for mysql an 8.0 or 8.4 version (\"8.4\" or \"8.0.39\"). Leave it null for the engine's default."
  }
}

variable "instance_class" {
  description = "DB instance class, for example `db.t4g.micro` (the default) or `db.m7g.large`."
  type        = string
  default     = "db.t4g.micro"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like \"db.<family>.<size>\", for example \"db.t4g.micro\" or \"db.m7g.large\"."
  }
}

variable "port" {
  description = "Port the database listens on. Null (the default) takes the engine's port: 5432 for PostgreSQL, 3306 for MySQL."
  type        = number
  default     = null

  validation {
    condition     = var.port == null || try(var.port >= 1150 && var.port <= 65535 && floor(var.port) == var.port, false)
    error_message = "port must be a whole number from 1150 to 65535 (the range RDS accepts), or null for the engine's default."
  }
}

variable "allocated_storage" {
  description = "Initial storage in GiB (gp3): 20 to 65536."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage >= 20 && var.allocated_storage <= 65536 && floor(var.allocated_storage) == var.allocated_storage
    error_message = "allocated_storage must be a whole number of GiB from 20 to 65536 (the gp3 bounds for PostgreSQL and MySQL)."
  }
}

variable "max_allocated_storage" {
  description = "Upper limit in GiB for storage autoscaling: at least 10% above `allocated_storage`, at most 65536. 0 turns autoscaling off."
  type        = number
  default     = 100

  validation {
    condition = var.max_allocated_storage == 0 || (
      var.max_allocated_storage >= var.allocated_storage * 1.1 && var.max_allocated_storage <= 65536 && floor(var.max_allocated_storage) == var.max_allocated_storage
    )
    error_message = "max_allocated_storage must be 0 (no storage autoscaling) or a whole number of GiB at least 10% above allocated_storage and at most 65536 (for allocated_storage = 20, at least 22)."
  }
}

variable "db_name" {
  description = "Name of the database created in the instance: a letter, then letters, digits or underscores (at most 63 characters)."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must be 1-63 characters: a letter, then letters, digits or underscores (for example \"app\")."
  }
}

variable "username" {
  description = "Master user name. Its password is generated by RDS and kept in Secrets Manager only. A letter, then letters, digits or underscores: at most 63 characters for PostgreSQL, 16 for MySQL."
  type        = string
  default     = "app"

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_]*$", var.username)) && length(var.username) <= (var.engine == "mysql" ? 16 : 63) && !contains(["rdsadmin", "rdsrepladmin"], lower(var.username))
    error_message = "username must be a letter followed by letters, digits or underscores, at most 63 characters for postgres and 16 for mysql, and not a name RDS reserves (rdsadmin, rdsrepladmin)."
  }
}

variable "app_username" {
  description = "Name of the app's own database user, which the web service and the release commands sign in as (the migration step creates it from the master user's credentials). Lower-case letters, digits and underscores, not the master user."
  type        = string
  default     = "app_user"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.app_username)) && length(var.app_username) <= (var.engine == "mysql" ? 32 : 63) && var.app_username != lower(var.username) && !startswith(var.app_username, "pg_") && !startswith(var.app_username, "rds")
    error_message = "app_username must be 1-63 lower-case letters, digits or underscores (at most 32 for mysql; not starting with a digit, \"pg_\" or \"rds\"), and differ from the master user name."
  }
}

variable "app_user_secret_recovery_days" {
  description = "Days Secrets Manager keeps the app user's secret recoverable after deletion: 0 (delete at once) or 7 to 30."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.app_user_secret_recovery_days == 0 || (var.app_user_secret_recovery_days >= 7 && var.app_user_secret_recovery_days <= 30)
    error_message = "app_user_secret_recovery_days must be 0 (delete at once) or from 7 to 30."
  }
}

variable "multi_az" {
  description = "Run a synchronous standby in a second availability zone, with automatic failover. Doubles the instance cost; recommended for production."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days to keep automated backups (point-in-time recovery window): 1 to 35."
  type        = number
  default     = 7

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "backup_retention_days must be a whole number from 1 to 35 (0 would turn automated backups off, which this module does not allow)."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups, `hh24:mi-hh24:mi` (at least 30 minutes, not overlapping `maintenance_window`). Null lets RDS choose."
  type        = string
  default     = null

  validation {
    condition     = var.backup_window == null || can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must look like \"03:00-03:30\" (UTC, hh24:mi-hh24:mi), or be null."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC window for maintenance (minor upgrades), `ddd:hh24:mi-ddd:hh24:mi`. Null lets RDS choose."
  type        = string
  default     = null

  validation {
    condition     = var.maintenance_window == null || can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must look like \"sun:04:00-sun:05:00\" (UTC, lowercase day names), or be null."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance until this is turned off. Keep it on for anything but throwaway test stacks."
  type        = bool
  default     = true
}

variable "skip_final_snapshot" {
  description = "Delete the instance without a final snapshot. Leave false (the default) so a destroy keeps a snapshot named `<name>-final-<timestamp>`; set true only for throwaway test stacks."
  type        = bool
  default     = false
}

variable "apply_immediately" {
  description = "Apply instance changes (class, storage...) at once instead of in the next maintenance window. Some changes restart the database."
  type        = bool
  default     = false
}

variable "allow_major_version_upgrade" {
  description = "Allow a change of `engine_version` to a new major version (RDS refuses it otherwise). The parameter group follows the new version's family."
  type        = bool
  default     = false
}

variable "performance_insights" {
  description = "Turn on Performance Insights (7 days of retention, the free tier), encrypted with the module's KMS key. Not available for MySQL on db.t2/t3/t4g micro and small classes."
  type        = bool
  default     = true

  validation {
    condition     = !(var.performance_insights && var.engine == "mysql" && can(regex("^db\\.t(2|3|4g)\\.(micro|small)$", var.instance_class)))
    error_message = "performance_insights is not available for MySQL on db.t2, db.t3 or db.t4g micro and small instance classes: set performance_insights = false or choose a larger instance_class (for example db.t4g.medium)."
  }
}

variable "monitoring_interval" {
  description = "Seconds between Enhanced Monitoring samples (OS metrics to CloudWatch Logs, through a dedicated IAM role): 1, 5, 10, 15, 30 or 60. 0 turns Enhanced Monitoring off."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 0 (off), 1, 5, 10, 15, 30, 60 seconds."
  }
}

variable "iam_database_authentication" {
  description = "Also allow IAM database authentication (short-lived tokens instead of the password). The app's default credentials stay the managed password."
  type        = bool
  default     = false
}

variable "cloudwatch_logs_exports" {
  description = "Database logs to publish to CloudWatch Logs, in log groups this module creates (encrypted, with `log_retention_days`). Null takes `postgresql` and `upgrade` for PostgreSQL, `error` and `slowquery` for MySQL."
  type        = list(string)
  default     = null

  validation {
    condition = var.cloudwatch_logs_exports == null || alltrue([
      for l in coalesce(var.cloudwatch_logs_exports, []) : contains(
        var.engine == "postgres" ? ["postgresql", "upgrade", "iam-db-auth-error"] : ["audit", "error", "general", "slowquery", "iam-db-auth-error"], l
      )
    ])
    error_message = "cloudwatch_logs_exports may only name logs the engine exports: for postgres \"postgresql\", \"upgrade\", \"iam-db-auth-error\"; for mysql \"audit\", \"error\", \"general\", \"slowquery\", \"iam-db-auth-error\"."
  }
}

variable "parameters" {
  description = "Extra database parameters for the module's parameter group, by name (for example `{ \"work_mem\" = { value = \"16384\" } }`). `apply_method` is `immediate` (dynamic parameters) or `pending-reboot`. The TLS-forcing parameter cannot be overridden."
  type = map(object({
    value        = string
    apply_method = optional(string, "immediate")
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.parameters) : !contains(["rds.force_ssl", "require_secure_transport"], k)])
    error_message = "parameters must not set rds.force_ssl or require_secure_transport: the module forces TLS and does not let it be turned off."
  }

  validation {
    condition     = alltrue([for p in values(var.parameters) : contains(["immediate", "pending-reboot"], p.apply_method)])
    error_message = "parameters apply_method must be \"immediate\" or \"pending-reboot\"."
  }
}

variable "master_password_rotation_days" {
  description = "Days between rotations of the RDS-managed master password (Secrets Manager managed rotation; RDS's own default is 7). Running tasks keep the old password until restarted: see the README."
  type        = number
  default     = 7

  validation {
    condition     = var.master_password_rotation_days >= 1 && var.master_password_rotation_days <= 1000 && floor(var.master_password_rotation_days) == var.master_password_rotation_days
    error_message = "master_password_rotation_days must be a whole number of days from 1 to 1000 (the range Secrets Manager accepts)."
  }
}

variable "kms_key_arn" {
  description = "ARN of an existing KMS key for storage, the master user secret, Performance Insights and the log groups (its policy must let CloudWatch Logs use it). Null (the default) creates a dedicated key with rotation on."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN such as \"arn:aws:kms:us-east-1:123456789012:key/...\" (not an alias), or null."
  }
}

variable "tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}

