# The Django monolith: every tier composed into one stack. Modules never call each other;
# this root wires each one's outputs into the next one's inputs.

data "aws_region" "current" {}

locals {
  name = "${var.app_name}-${var.environment}"

  custom_domain  = local.cdn_certificate # domain.tf
  site_host      = local.custom_domain ? var.domain_name : module.cdn.distribution_domain_name
  allowed_hosts  = compact([module.cdn.distribution_domain_name, var.domain_name])
  container_port = var.container_port
  database_port  = var.db_engine == "mysql" ? 3306 : 5432
  capacity_type  = var.capacity_type == "FARGATE_SPOT" ? "FARGATE_SPOT_MIX" : var.capacity_type
  state_key      = coalesce(var.state_key, "zonke/${var.app_name}/${var.environment}/terraform.tfstate")
  with_pipeline  = var.repository_id != null
  with_broker    = var.broker == "sqs"
  redis_broker   = var.broker == "redis"

  # IAM: every role of the stack under a path of its own, carrying the boundary the pipeline
  # module owns (without a pipeline nothing a push runs can change a role: no boundary).
  iam_path             = "/zonke/${local.name}/"
  permissions_boundary = local.with_pipeline ? module.pipeline[0].permissions_boundary_arn : null

  # The environment contract: what every Django container (web and migrations) receives.
  # Plain values here; DB_USER, DB_PASSWORD, DJANGO_SECRET_KEY and the app's own secrets
  # come from Secrets Manager (local.container_secrets).
  container_environment = merge(var.app_environment, module.database.container_environment, {
    DJANGO_ALLOWED_HOSTS        = join(",", local.allowed_hosts)
    DJANGO_CSRF_TRUSTED_ORIGINS = join(",", [for h in local.allowed_hosts : "https://${h}"])
    STATIC_URL                  = module.cdn.static_url
    AWS_STORAGE_BUCKET_NAME     = module.cdn.static_bucket_name
    AWS_REGION                  = data.aws_region.current.name
    HEALTH_CHECK_PATH           = var.health_check_path
    # The root filesystem is read-only apart from /tmp: gunicorn 25 and later keep their
    # control socket in XDG_RUNTIME_DIR (else ~/.gunicorn, which fails at every boot).
    XDG_RUNTIME_DIR = "/tmp"
    # The start wrapper (local.start_wrapper runs it, then removes it from the environment).
    ZONKE_START_WRAPPER = file("${path.module}/container_start.py")
    }, var.settings_module == null ? {} : {
    DJANGO_SETTINGS_MODULE = var.settings_module
    }, local.with_broker ? module.broker[0].environment : {}, !var.media_enabled ? {} : {
    # Uploads go to MEDIA_BUCKET under MEDIA_PREFIX and are served from MEDIA_URL.
    MEDIA_URL    = module.cdn.media_url
    MEDIA_PREFIX = module.media[0].prefix
    MEDIA_BUCKET = module.media[0].bucket_name
    }, !local.media_signed_urls ? {} : {
    # Files under MEDIA_PRIVATE_PREFIX are served only with URLs signed by the private key
    # of MEDIA_SIGNING_KEY_ID (the app's MEDIA_SIGNING_KEY secret).
    MEDIA_PRIVATE_PREFIX = module.media[0].private_prefix
    MEDIA_SIGNING_KEY_ID = module.media[0].signing_key_id
    }, local.with_cache ? module.cache[0].environment : {}, !local.redis_broker ? {} : {
    # Celery's broker in the cache's database 1 (Django's cache uses 0); zonke_django adds
    # the IAM sign-in (credential provider) and certificate checks to the URL.
    CELERY_BROKER_URL         = module.cache[0].broker_url
    CELERY_TASK_DEFAULT_QUEUE = var.broker_queues[0]
    }, var.db_ca_bundle == "" || var.db_engine == "mysql" ? {} : {
    # The start wrapper writes it under /tmp and verifies the server with it (verify-full).
    # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
    DB_CA_BUNDLE = var.db_ca_bundle
  })
  with_cache        = var.cache_enabled
  media_signed_urls = var.media_enabled && var.media_signing_public_key != null
  # Where the web and worker tasks may connect, beyond HTTPS: the database, and the cache.
  app_egress_rules = merge({
    database = {
      description                  = "The database"
      port                         = local.database_port
      referenced_security_group_id = module.database.security_group_id
    }
    }, !local.with_cache ? {} : {
    cache = {
      description                  = "The cache"
      port                         = module.cache[0].port
      referenced_security_group_id = module.cache[0].security_group_id
    }
  })
  container_secrets = concat(module.database.container_secrets, module.secrets.container_secrets)
  # The execution role resolves the web and migration containers' secrets; only the
  # migration container gets the master user (module.database.migration_secrets).
  secret_arns  = concat([module.secrets.secret_arn], module.database.secret_arns)
  kms_key_arns = [module.secrets.kms_key_arn, module.database.kms_key_arn]

  # DATABASE_URL (read by dj-database-url and django-environ) is built when the container
  # starts, from the injected DB_* parts (container_start.py): ECS injects each secret JSON
  # key as its own variable and cannot compose them.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
  # The wrapper's source travels in the environment (ZONKE_START_WRAPPER, below) and the
  # command holds a one-line loader that runs it and takes it out of the environment: the
  # migration runner and `zonke run` override the command, and RunTask allows 8192
  # characters of overrides in all (the emulator enforces it as AWS does).
  # https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
  start_wrapper = [
    "python", "-c", "import os; exec(os.environ.pop('ZONKE_START_WRAPPER'))",
    var.db_engine == "mysql" ? "mysql" : "postgres",
    var.db_engine == "mysql" ? "-" : "sslmode=require",
  ]
  # The wrapper is the entry point, or (to keep the image's ENTRYPOINT) the start of the
  # command the ENTRYPOINT receives. ECS `entryPoint` replaces the image's ENTRYPOINT.
  # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
  entry_point    = var.run_image_entrypoint ? null : local.start_wrapper
  command_prefix = var.run_image_entrypoint ? local.start_wrapper : []
}

module "network" {
  source = "../../modules/network"

  name             = local.name
  cidr_block       = var.vpc_cidr
  az_count         = var.az_count
  nat_gateway_mode = var.nat_gateway_mode

  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

module "cdn" {
  source = "../../modules/cdn-static"

  name                = local.name
  alb_dns_name        = module.alb.alb_dns_name
  aliases             = local.custom_domain ? [var.domain_name] : []
  acm_certificate_arn = local.cdn_certificate_arn
  app_cache_policy_id = var.cdn_app_cache_policy_id
  force_destroy       = var.force_destroy

  # No plaintext hop (domain.tf): HTTPS to origin.<domain> when there is an origin
  # certificate, or the VPC origin of the internal load balancer in the private mode.
  origin_domain_name = local.origin_certificate && !local.private_alb ? local.origin_host : null
  vpc_origin         = local.private_alb
  vpc_origin_alb_arn = local.private_alb ? module.alb.alb_arn : null

  # User uploads: /media/* from the media bucket (the app's task role writes there), and
  # /media/private/* only with signed URLs when a signing key is configured.
  media_origin = !var.media_enabled ? null : {
    domain_name          = module.media[0].bucket_regional_domain_name
    prefix               = module.media[0].prefix
    private_prefix       = module.media[0].private_prefix
    trusted_key_group_id = module.media[0].trusted_key_group_id
  }
}

# User uploads: a bucket of their own, readable by the distribution only.
module "media" {
  source = "../../modules/media-storage"
  count  = var.media_enabled ? 1 : 0

  name                   = local.name
  distribution_arn       = module.cdn.distribution_arn
  signing_public_key_pem = var.media_signing_public_key
  force_destroy          = var.force_destroy
}

module "alb" {
  source = "../../modules/alb"

  name                 = local.name
  vpc_id               = module.network.vpc_id
  public_subnet_ids    = module.network.public_subnet_ids
  origin_secret_value  = module.cdn.origin_secret_value
  target_port          = local.container_port
  health_check         = { path = var.health_check_path }
  deletion_protection  = var.alb_deletion_protection
  deregistration_delay = 30

  # During `zonke origin-secret rotate`: the previous value, still accepted.
  origin_secret_previous_value = module.cdn.origin_secret_previous_value

  # The edge mode (domain.tf): internal in the private subnets, or internet-facing; HTTPS
  # with the origin certificate when there is one.
  internal           = local.private_alb
  private_subnet_ids = local.private_alb ? module.network.private_subnet_ids : []
  enable_https       = local.origin_certificate
  certificate_arn    = local.origin_certificate_arn
}

module "secrets" {
  source = "../../modules/secrets"

  name             = local.name
  secret_keys      = var.secret_keys
  reader_role_arns = [module.service.execution_role_arn, module.service.task_role_arn]
  ecs_cluster_name = local.name
  ecs_service_name = local.name
  # The app signs in as its own user (PostgreSQL and MySQL), whose password RDS never
  # rotates: the master user's rotation restarts nothing.
  watched_secret_arns = []

  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

module "database" {
  source = "../../modules/rds"

  name                = local.name
  vpc_id              = module.network.vpc_id
  isolated_subnet_ids = module.network.isolated_subnet_ids
  allowed_security_group_ids = merge({ service = module.service.security_group_id }, {
    for name, worker in module.workers : "worker-${name}" => worker.security_group_id
  })
  engine                = var.db_engine
  engine_version        = var.db_engine_version
  instance_class        = var.db_instance_class
  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  multi_az              = var.db_multi_az
  deletion_protection   = var.db_deletion_protection
  skip_final_snapshot   = var.db_skip_final_snapshot
  # On wherever RDS offers it (not for MySQL on the smallest burstable classes).
  performance_insights = !(var.db_engine == "mysql" && can(regex("^db\\.t(2|3|4g)\\.(micro|small)$", var.db_instance_class)))

  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

module "service" {
  source = "../../modules/ecs-service"

  name                    = local.name
  vpc_id                  = module.network.vpc_id
  private_subnet_ids      = module.network.private_subnet_ids
  alb_security_group_id   = module.alb.security_group_id
  target_group_arn        = module.alb.target_group_arn
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  container_port          = local.container_port
  wsgi_application        = var.wsgi_application
  worker_class            = var.asgi ? "uvicorn_worker.UvicornWorker" : null
  entry_point             = local.entry_point
  command_prefix          = local.command_prefix
  cpu                     = var.cpu
  memory                  = var.memory
  environment             = local.container_environment
  secrets                 = local.container_secrets
  secret_arns             = local.secret_arns
  kms_key_arns            = local.kms_key_arns
  task_secret_arns        = [module.secrets.secret_arn]
  capacity = {
    type          = local.capacity_type
    instance_type = var.ec2_instance_type
    min_size      = var.min_count
    max_size      = var.max_count
  }
  min_count           = var.min_count
  max_count           = var.max_count
  app_image_exists    = var.app_image_exists
  cpu_target          = var.cpu_target
  requests_per_target = var.requests_per_target
  enable_exec         = var.enable_exec
  ecr_force_delete    = var.force_destroy
  # The task role may list, read, write and delete under media/ only, with the bucket's key through S3.
  media_bucket_arn  = var.media_enabled ? module.media[0].bucket_arn : null
  media_prefix      = var.media_enabled ? module.media[0].prefix : null
  media_kms_key_arn = var.media_enabled ? module.media[0].kms_key_arn : null
  # The web tasks send to the broker's queues and the workers (same role) take from them.
  sqs_queue_arns     = local.with_broker ? values(module.broker[0].queue_arns) : []
  cache_connect_arns = local.with_cache ? module.cache[0].connect_resource_arns : []
  egress_rules       = local.app_egress_rules

  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

# Task queues for the workers (Celery's broker): SQS, no server to run.
module "broker" {
  source = "../../modules/sqs-broker"
  count  = local.with_broker ? 1 : 0

  name                       = local.name
  queues                     = var.broker_queues
  visibility_timeout_seconds = var.broker_visibility_timeout
  max_receive_count          = var.broker_max_receives
}

# Workers: the same image, environment, secrets and roles as the web service, no load
# balancer; the pipeline deploys them with it (worker_services below).
module "workers" {
  source   = "../../modules/ecs-worker"
  for_each = var.workers

  name                       = "${local.name}-worker_${each.key}"
  cluster_arn                = module.service.cluster_arn
  capacity_type              = var.capacity_type == "EC2" ? "EC2" : "FARGATE"
  capacity_provider_strategy = module.service.capacity_provider_strategy
  vpc_id                     = module.network.vpc_id
  private_subnet_ids         = module.network.private_subnet_ids
  image                      = "${module.service.ecr_repository_url}:bootstrap"
  command                    = each.value.command
  entry_point                = local.entry_point
  command_prefix             = local.command_prefix
  cpu                        = each.value.cpu
  memory                     = each.value.memory
  environment                = local.container_environment
  secrets                    = local.container_secrets
  execution_role_arn         = module.service.execution_role_arn
  task_role_arn              = module.service.task_role_arn
  log_group_name             = module.service.log_group_name
  log_stream_prefix          = "worker-${each.key}"
  min_count                  = each.value.min_count
  max_count                  = each.value.max_count
  app_image_exists           = var.app_image_exists
  cpu_target                 = var.cpu_target
  # With the SQS broker, on the backlog per task of the worker's queue; else on CPU.
  backlog_scaling = !local.with_broker ? null : {
    queue_name        = module.broker[0].queue_names[each.value.queue]
    messages_per_task = each.value.messages_per_task
  }
  egress_rules = local.app_egress_rules
}

# Scheduled jobs: EventBridge Scheduler starts the web service's task family (its latest
# revision, which Deploy registers after Migrate) with each job's command.
module "schedules" {
  source = "../../modules/scheduled-jobs"
  count  = length(var.schedules) > 0 ? 1 : 0

  name                       = local.name
  schedules                  = var.schedules
  enabled                    = var.app_image_exists
  cluster_arn                = module.service.cluster_arn
  task_definition_family     = module.service.task_definition_family
  container_name             = module.service.container_name
  command_prefix             = local.command_prefix
  capacity_provider_strategy = module.service.capacity_provider_strategy
  task_role_arn              = module.service.task_role_arn
  execution_role_arn         = module.service.execution_role_arn
  subnet_ids                 = module.network.private_subnet_ids
  # The service's security group: the one the database admits.
  security_group_ids   = [module.service.security_group_id]
  alarm_actions        = [module.alarms.topic_arn]
  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

# The cache (ElastiCache, Valkey): in the isolated subnets, open on 6379 to the web service's
# and each worker's group only; the app connects with its task role (IAM authentication).
module "cache" {
  source = "../../modules/redis-cache"
  count  = local.with_cache ? 1 : 0

  name       = local.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.isolated_subnet_ids
  engine     = var.cache_engine
  node_type  = var.cache_node_type
  node_count = var.cache_nodes
  multi_az   = var.cache_nodes > 1
  allowed_security_group_ids = merge(
    { service = module.service.security_group_id },
    { for name, worker in module.workers : "worker-${name}" => worker.security_group_id },
  )
}

module "migrations" {
  source = "../../modules/migration-task"

  name                   = local.name
  cluster_arn            = module.service.cluster_arn
  ecr_repository_url     = module.service.ecr_repository_url
  image_tag              = "bootstrap"
  cpu                    = 256
  memory                 = 512
  environment            = local.container_environment
  secrets                = concat(local.container_secrets, module.database.migration_secrets)
  log_group_name         = module.service.log_group_name
  execution_role_arn     = module.service.execution_role_arn
  task_role_arn          = module.service.task_role_arn
  subnet_ids             = module.network.private_subnet_ids
  command                = var.release_commands[0]
  extra_release_commands = slice(var.release_commands, 1, length(var.release_commands))
  entry_point            = local.entry_point
  command_prefix         = local.command_prefix
  # The service's security group: the one the database admits.
  security_group_ids = [module.service.security_group_id]

  iam_path             = local.iam_path
  permissions_boundary = local.permissions_boundary
}

# The pipeline needs a repository; without one (a first local try) the stack has none.
module "pipeline" {
  source = "../../modules/codepipeline"
  count  = local.with_pipeline ? 1 : 0

  name              = local.name
  repository_id     = var.repository_id
  branch            = var.branch
  connection_arn    = var.connection_arn
  create_connection = var.create_connection
  require_approval  = var.require_approval

  ecr_repository_url          = module.service.ecr_repository_url
  ecr_repository_arn          = module.service.ecr_repository_arn
  static_bucket_name          = module.cdn.static_bucket_name
  static_bucket_arn           = module.cdn.static_bucket_arn
  static_bucket_kms_key_arn   = module.cdn.kms_key_arn
  cloudfront_distribution_id  = module.cdn.distribution_id
  cluster_name                = module.service.cluster_name
  service_name                = module.service.service_name
  container_name              = module.service.container_name
  task_definition_family      = module.service.task_definition_family
  execution_role_arn          = module.service.execution_role_arn
  task_role_arn               = module.service.task_role_arn
  migration_state_machine_arn = module.migrations.state_machine_arn
  migration_kms_key_arn       = module.migrations.kms_key_arn
  worker_services = {
    for name, worker in module.workers : name => {
      service_name           = worker.service_name
      task_definition_family = worker.task_definition_family
      container_name         = worker.container_name
    }
  }

  terraform_state_bucket = coalesce(var.state_bucket, "${local.name}-terraform-state")
  terraform_state_key    = local.state_key
  terraform_lock         = true
  project_path           = var.project_path
  environment            = var.environment
  zonke_version          = var.zonke_version
  terraform_version      = var.terraform_version
  zonke_wheel_url        = var.zonke_wheel_url
  managed_name_prefix    = local.name
  managed_resource_tag   = { key = "zonke:stack", value = local.name }
  # What the Infrastructure role may manage for the custom domain (domain.tf).
  domain_name     = var.domain_name
  route53_zone_id = local.manage_dns ? var.route53_zone_id : null

  dockerfile     = coalesce(var.dockerfile, "${var.app_path}/Dockerfile")
  docker_context = coalesce(var.docker_context, var.app_path)
  static_root    = var.static_root
  # collectstatic in the build gets only the plain, non-secret part of the contract.
  collectstatic_environment = merge(var.app_environment, var.settings_module == null ? {} : {
    DJANGO_SETTINGS_MODULE = var.settings_module
  })
  collectstatic_run_entrypoint = var.run_image_entrypoint

  iam_path = local.iam_path
}

module "alarms" {
  source = "../../modules/alarms"

  name                    = local.name
  alb_arn_suffix          = module.alb.alb_arn_suffix
  target_group_arn_suffix = module.alb.target_group_arn_suffix
  cluster_name            = module.service.cluster_name
  service_name            = module.service.service_name
  database = {
    identifier           = module.database.identifier
    allocated_storage_gb = var.db_allocated_storage
  }
  migration_state_machine_arn = module.migrations.state_machine_arn
  watch_migrations            = true
  email_addresses             = var.alert_emails
  https_endpoints             = var.alert_https_endpoints
}
