# The parameter group forces TLS on every connection and turns on slow-query logging.

locals {
  # Forcing TLS: PostgreSQL refuses non-TLS connections with rds.force_ssl, MySQL with
  # require_secure_transport. Users may add parameters but never override this one.
  tls_parameter = var.engine == "postgres" ? { "rds.force_ssl" = "1" } : { "require_secure_transport" = "1" }

  # Defaults the user may override through var.parameters.
  default_parameters = var.engine == "postgres" ? {
    log_min_duration_statement = "1000" # statements slower than 1 s
    log_statement              = "ddl"  # schema changes (migrations)
    } : {
    slow_query_log  = "1"
    long_query_time = "1"
    log_output      = "FILE" # what the CloudWatch Logs export reads
  }

  parameters = merge(
    { for k, v in local.default_parameters : k => { value = v, apply_method = "immediate" } },
    var.parameters,
    { for k, v in local.tls_parameter : k => { value = v, apply_method = "immediate" } },
  )
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-${replace(local.family, ".", "-")}-"
  family      = local.family
  description = "${var.name}: TLS required, slow queries logged"

  dynamic "parameter" {
    for_each = local.parameters

    content {
      name         = parameter.key
      value        = parameter.value.value
      apply_method = parameter.value.apply_method
    }
  }

  tags = merge(local.tags, { Name = var.name })

  # A new major version needs a group of the new family before the instance moves to it.
  lifecycle {
    create_before_destroy = true
  }
}
