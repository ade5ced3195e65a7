"""Plan of the whole example stack (defaults, and a production variant): the wiring between tiers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.examples.contract import (
    BROKER,
    CACHE,
    MEDIA,
    MIGRATION_ONLY,
    OPTIONAL,
    PLAIN,
    SECRET,
    STARTED,
    readme_rollout_seconds,
    readme_table,
)
from tests.support import PlanResult, TerraformRoot, one_line
from tests.support.example import LOCAL_VARS

PRODUCTION = {
    **LOCAL_VARS,
    "environment": "prod",
    "domain_name": "shop.example.com",
    "certificate_arn": "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555",
    "capacity_type": "EC2",
    "db_multi_az": True,
    "nat_gateway_mode": "per_az",
    "require_approval": True,
    "min_count": 2,
    "max_count": 8,
    "app_image_exists": True,  # a stack whose pipeline has deployed
}


@pytest.fixture(scope="module")
def default_plan(example: TerraformRoot) -> PlanResult:
    return example.plan(LOCAL_VARS)


@pytest.fixture(scope="module")
def production_plan(example: TerraformRoot) -> PlanResult:
    return example.plan(PRODUCTION)


def refs(plan: PlanResult, module: str, argument: str) -> set[str]:
    """What a module call's argument refers to, from the plan's configuration."""
    calls = plan.raw["configuration"]["root_module"]["module_calls"]
    expr = calls[module]["expressions"][argument]
    return set(expr.get("references", []))


def in_module(plan: PlanResult, module: str, rtype: str) -> dict[str, dict[str, Any]]:
    prefixes = (f"module.{module}.", f"module.{module}[")  # a module call, or one of its for_each instances
    return {a: v for a, v in plan.of_type(rtype).items() if a.startswith(prefixes)}


def test_alb_admits_only_cloudfront(default_plan: PlanResult) -> None:
    rules = in_module(default_plan, "alb", "aws_vpc_security_group_ingress_rule")
    assert rules, "the ALB has no ingress rules"
    for addr, rule in rules.items():
        assert rule.get("cidr_ipv4") is None and rule.get("cidr_ipv6") is None, f"{addr} admits a CIDR"
        assert str(rule.get("prefix_list_id", "")).startswith("pl-"), (
            f"{addr} is not the CloudFront prefix list"
        )
    assert refs(default_plan, "alb", "origin_secret_value") >= {"module.cdn.origin_secret_value"}
    listener_rules = in_module(default_plan, "alb", "aws_lb_listener_rule")
    headers = [
        c["http_header"] for r in listener_rules.values() for c in r["condition"] if c.get("http_header")
    ]
    assert headers, "no listener rule requires the origin secret header"


def test_service_is_private(default_plan: PlanResult) -> None:
    service = default_plan.one("aws_ecs_service")
    assert service["network_configuration"][0]["assign_public_ip"] is False
    assert refs(default_plan, "service", "private_subnet_ids") == {
        "module.network.private_subnet_ids",
        "module.network",
    }
    assert refs(default_plan, "migrations", "subnet_ids") == {
        "module.network.private_subnet_ids",
        "module.network",
    }


def test_database_is_isolated_and_admits_only_the_service(default_plan: PlanResult) -> None:
    db = default_plan.one("aws_db_instance")
    assert db["publicly_accessible"] is False and db["storage_encrypted"] is True
    assert refs(default_plan, "database", "isolated_subnet_ids") == {
        "module.network.isolated_subnet_ids",
        "module.network",
    }
    # the migration task runs with the service's security group: one group to admit, and
    # one per worker ([[workers]]; none here, so the ingress rules below are the service's)
    assert refs(default_plan, "database", "allowed_security_group_ids") == {
        "module.service.security_group_id",
        "module.service",
        "module.workers",
    }
    assert refs(default_plan, "migrations", "security_group_ids") == {
        "module.service.security_group_id",
        "module.service",
    }
    ingress = in_module(default_plan, "database", "aws_vpc_security_group_ingress_rule")
    assert len(ingress) == 1 and all(r.get("cidr_ipv4") is None for r in ingress.values())


def test_web_and_migration_containers_share_one_contract(default_plan: PlanResult) -> None:
    for module in ("service", "migrations"):
        assert "local.container_environment" in refs(default_plan, module, "environment")
        assert "local.container_secrets" in refs(default_plan, module, "secrets")
    # the master user reaches the migration container only
    assert "module.database.migration_secrets" in refs(default_plan, "migrations", "secrets")
    assert not any("migration_secrets" in r for r in refs(default_plan, "service", "secrets"))
    assert (
        set(readme_table()) == PLAIN | SECRET | STARTED | OPTIONAL | MIGRATION_ONLY | MEDIA | BROKER | CACHE
    ), "the README's contract table drifted"


def test_the_app_signs_in_as_its_own_database_user(default_plan: PlanResult) -> None:
    """PostgreSQL: a secret of its own for the app's user, encrypted with the database's key,
    with no value in Terraform (zonke apply writes the first one); the stack hands it on."""
    secret = default_plan.values["module.database.aws_secretsmanager_secret.app_user"]
    assert secret["name"] == "zonke/shop-test/db-app-user"
    config = default_plan.raw["configuration"]["root_module"]["module_calls"]["database"]["module"]
    declared = next(r for r in config["resources"] if r["address"] == "aws_secretsmanager_secret.app_user")
    assert "local.kms_key_arn" in declared["expressions"]["kms_key_id"]["references"]
    assert not default_plan.of_type("aws_secretsmanager_secret_version"), (
        "Terraform never writes a secret value"
    )
    root_outputs = default_plan.raw["configuration"]["root_module"]["outputs"]
    assert "module.database.app_user" in root_outputs["database_app_user"]["expression"]["references"]


def test_media_is_off_by_default(default_plan: PlanResult) -> None:
    dist = default_plan.one("aws_cloudfront_distribution")
    assert [b["path_pattern"] for b in dist["ordered_cache_behavior"]] == ["/static/*"]
    task_policy = default_plan.values.get("module.service.aws_iam_role_policy.task[0]", {})
    assert "media" not in task_policy.get("policy", "")


def test_media_uploads_go_to_their_own_bucket_served_by_cloudfront(example: TerraformRoot) -> None:
    """[media] enabled: /media/* from the media-storage module's bucket, whose policies name
    the distribution; the app's role may write there and only there (with the bucket's key,
    through S3); MEDIA_URL, MEDIA_PREFIX and MEDIA_BUCKET reach the containers."""
    plan = example.plan({**LOCAL_VARS, "media_enabled": True})
    dist = plan.one("aws_cloudfront_distribution")
    behaviours = [(b["path_pattern"], b["target_origin_id"]) for b in dist["ordered_cache_behavior"]]
    assert behaviours == [("/static/*", "static"), ("/media/*", "media")]
    [bucket] = in_module(plan, "media", "aws_s3_bucket").values()
    assert bucket["bucket"] == "shop-test-media-123456789012"
    assert not in_module(plan, "media", "aws_cloudfront_key_group")
    assert "module.cdn.distribution_arn" in refs(plan, "media", "distribution_arn")
    assert "module.media[0].bucket_regional_domain_name" in refs(plan, "cdn", "media_origin")
    # one source for the media path: the media module's prefix, for the edge and the task role
    assert "module.media[0].prefix" in refs(plan, "cdn", "media_origin")
    assert "module.media[0].prefix" in refs(plan, "service", "media_prefix")
    assert "module.service.aws_iam_role_policy.task[0]" in plan.values
    assert "module.media[0].bucket_arn" in refs(plan, "service", "media_bucket_arn")
    assert "module.media[0].kms_key_arn" in refs(plan, "service", "media_kms_key_arn")
    # The policies' text holds ARNs known only at apply: the local apply checks the task
    # role may write under media/ only and the bucket policy names only the distribution.
    # The contract's media variables: the task definitions' environment is known only once
    # the distribution exists; the local apply checks them (tests/examples/test_stack_local.py).


def test_signed_media_urls_trust_the_configured_key_for_the_private_path(example: TerraformRoot) -> None:
    from tests.support.keys import public_key_pem

    pem = public_key_pem()
    plan = example.plan({**LOCAL_VARS, "media_enabled": True, "media_signing_public_key": pem})
    [key] = in_module(plan, "media", "aws_cloudfront_public_key").values()
    assert key["encoded_key"] == pem
    assert in_module(plan, "media", "aws_cloudfront_key_group")
    paths = [b["path_pattern"] for b in plan.one("aws_cloudfront_distribution")["ordered_cache_behavior"]]
    assert paths == ["/static/*", "/media/private/*", "/media/*"]
    assert "module.media[0].trusted_key_group_id" in refs(plan, "cdn", "media_origin")


WORKERS = {
    "celery": {"command": ["celery", "-A", "mysite", "worker", "--loglevel", "INFO"]},
    "reports": {"command": ["python", "manage.py", "reports"], "cpu": 512, "memory": 1024, "min_count": 0},
}


def test_no_worker_by_default(default_plan: PlanResult) -> None:
    assert not [a for a in default_plan.values if a.startswith("module.workers")]
    [deploy] = [s for s in default_plan.one("aws_codepipeline")["stage"] if s["name"] == "Deploy"]
    assert [a["name"] for a in deploy["action"]] == ["DeployService"]


def test_workers_run_privately_with_the_contract_and_deploy_with_the_web_service(
    example: TerraformRoot,
) -> None:
    """[[workers]]: one service each, no load balancer, private subnets, the web service's
    environment, secrets, roles and capacity; the database admits each worker's group; the
    Deploy stage moves each worker to the new image beside the web service, after Migrate."""
    plan = example.plan({**LOCAL_VARS, "workers": WORKERS})
    services = in_module(plan, "workers", "aws_ecs_service")
    assert sorted(s["name"] for s in services.values()) == [
        "shop-test-worker_celery",
        "shop-test-worker_reports",
    ]
    for service in services.values():
        assert service["load_balancer"] == []
        assert service["network_configuration"][0]["assign_public_ip"] is False
        assert service["desired_count"] == 0  # a fresh stack waits for its first image, as the web service
    for argument, expected in {
        "private_subnet_ids": "module.network.private_subnet_ids",
        "environment": "local.container_environment",
        "secrets": "local.container_secrets",
        "execution_role_arn": "module.service.execution_role_arn",
        "task_role_arn": "module.service.task_role_arn",
        "capacity_provider_strategy": "module.service.capacity_provider_strategy",
        "command_prefix": "local.command_prefix",
    }.items():
        assert expected in refs(plan, "workers", argument), argument
    assert not in_module(plan, "workers", "aws_vpc_security_group_ingress_rule"), (
        "something may connect to a worker"
    )
    definitions = in_module(plan, "workers", "aws_ecs_task_definition")
    sizes = {d["family"]: (d["cpu"], d["memory"]) for d in definitions.values()}
    assert sizes == {"shop-test-worker_celery": ("256", "512"), "shop-test-worker_reports": ("512", "1024")}

    # the database admits the web service's group and each worker's, nothing else
    assert "module.workers" in refs(plan, "database", "allowed_security_group_ids")
    ingress = in_module(plan, "database", "aws_vpc_security_group_ingress_rule")
    assert sorted(a.split('"')[1] for a in ingress) == ["service", "worker-celery", "worker-reports"]

    stages = plan.one("aws_codepipeline")["stage"]
    names = [s["name"] for s in stages]
    assert names.index("Migrate") < names.index("Deploy")
    [deploy] = [s for s in stages if s["name"] == "Deploy"]
    actions = {a["name"]: a for a in deploy["action"]}
    assert sorted(actions) == ["DeployService", "DeployWorker-celery", "DeployWorker-reports"]
    assert {a.get("run_order") for a in actions.values()} == {None}  # one run order: at once on AWS
    variables = {
        v["name"]: v["value"]
        for v in json.loads(actions["DeployWorker-celery"]["configuration"]["EnvironmentVariables"])
    }
    assert variables == {
        "IMAGE_URI": "#{BuildVariables.IMAGE_URI}",
        "SERVICE_NAME": "shop-test-worker_celery",
        "TASK_FAMILY": "shop-test-worker_celery",
        "CONTAINER_NAME": "worker",
    }
    assert {a["configuration"]["ProjectName"] for a in actions.values()} == {
        actions["DeployService"]["configuration"]["ProjectName"]
    }
    # The deploy role's scope to these services: tests/modules/codepipeline (known ARNs there).


SCHEDULES = {
    "nightly-report": {
        "expression": "cron(0 3 * * ? *)",
        "timezone": "Europe/Paris",
        "command": ["python", "manage.py", "nightly_report"],
    },
}


def test_no_schedule_by_default(default_plan: PlanResult) -> None:
    assert not [a for a in default_plan.values if a.startswith("module.schedules")]
    assert default_plan.outputs["schedules"] == {}


def test_schedules_run_the_live_family_privately_and_wait_for_the_first_image(example: TerraformRoot) -> None:
    """[[schedules]]: EventBridge Scheduler starts the web service's family (no revision: the
    latest, which Deploy registers after Migrate) with the job's command after the start
    wrapper, in the private subnets under the group the database admits, with the web
    service's capacity and roles; disabled until the first image exists; a failed run pages
    the alarms topic. The role carries the stack's boundary under its path."""
    plan = example.plan({**LOCAL_VARS, "schedules": SCHEDULES})
    [schedule] = in_module(plan, "schedules", "aws_scheduler_schedule").values()
    assert (schedule["name"], schedule["group_name"]) == ("nightly-report", "shop-test")
    assert schedule["state"] == "DISABLED"  # a fresh stack: no image yet
    assert schedule["schedule_expression_timezone"] == "Europe/Paris"
    for argument, expected in {
        "task_definition_family": "module.service.task_definition_family",
        "subnet_ids": "module.network.private_subnet_ids",
        "security_group_ids": "module.service.security_group_id",
        "capacity_provider_strategy": "module.service.capacity_provider_strategy",
        "task_role_arn": "module.service.task_role_arn",
        "execution_role_arn": "module.service.execution_role_arn",
        "command_prefix": "local.command_prefix",
        "enabled": "var.app_image_exists",
        "alarm_actions": "module.alarms.topic_arn",
        "permissions_boundary": "local.permissions_boundary",
    }.items():
        assert expected in refs(plan, "schedules", argument), argument
    [ecs] = schedule["target"][0]["ecs_parameters"]
    assert ecs["task_definition_arn"].endswith(":task-definition/shop-test")  # no revision
    assert ecs["group"] == "schedule:nightly-report"
    [role] = in_module(plan, "schedules", "aws_iam_role").values()
    assert role["path"] == "/zonke/shop-test/" and role["name_prefix"] == "shop-test-sched-"
    assert schedule["schedule_expression"] == "cron(0 3 * * ? *)"

    deployed = example.plan({**LOCAL_VARS, "schedules": SCHEDULES, "app_image_exists": True})
    [schedule] = in_module(deployed, "schedules", "aws_scheduler_schedule").values()
    assert schedule["state"] == "ENABLED"


def test_no_cache_by_default(default_plan: PlanResult) -> None:
    assert not [a for a in default_plan.values if a.startswith("module.cache")]
    task_policy = default_plan.values.get("module.service.aws_iam_role_policy.task[0]", {})
    assert "elasticache:" not in task_policy.get("policy", "")


def test_everything_on_composes_and_the_cache_admits_the_apps_tasks_only(example: TerraformRoot) -> None:
    """Workers, the SQS broker, media, a nightly job and the cache in one stack: it plans;
    the cache sits in the isolated subnets, admits the web service's and each worker's
    group only (the scheduled jobs run under the web service's), and the task role may sign
    in to it and nothing else of
    ElastiCache; the web and worker groups may reach it."""
    plan = example.plan(
        {
            **LOCAL_VARS,
            # with the SQS broker a worker keeps at least one task (config.py refuses min 0)
            "workers": {name: {**w, "min_count": 1} for name, w in WORKERS.items()},
            "broker": "sqs",
            "broker_queues": ["celery", "reports"],
            "media_enabled": True,
            "schedules": SCHEDULES,
            "cache_enabled": True,
        }
    )
    [group] = in_module(plan, "cache", "aws_elasticache_replication_group").values()
    assert group["replication_group_id"] == "shop-test-cache"
    # at_rest_encryption_enabled is a string attribute in the provider
    assert group["transit_encryption_enabled"] is True and group["at_rest_encryption_enabled"] == "true"
    assert "module.network.isolated_subnet_ids" in refs(plan, "cache", "subnet_ids")
    ingress = in_module(plan, "cache", "aws_vpc_security_group_ingress_rule")
    assert sorted(a.split('"')[1] for a in ingress) == ["service", "worker-celery", "worker-reports"]
    assert {r["from_port"] for r in ingress.values()} == {6379}
    for module in ("service", "workers"):
        assert "local.app_egress_rules" in refs(plan, module, "egress_rules"), module
    egress = {
        a
        for a in plan.of_type("aws_vpc_security_group_egress_rule")
        if a.startswith(("module.service.", "module.workers"))
    }
    assert 'module.service.aws_vpc_security_group_egress_rule.extra["cache"]' in egress, sorted(egress)
    assert 'module.workers["celery"].aws_vpc_security_group_egress_rule.extra["cache"]' in egress, sorted(
        egress
    )
    assert "module.cache[0].connect_resource_arns" in refs(plan, "service", "cache_connect_arns")
    # the statement itself, with known ARNs: tests/modules/ecs_service (the cache's are known
    # only after apply here, where the task policy also names the media bucket)
    assert in_module(plan, "schedules", "aws_scheduler_schedule")
    # the contract's cache variables reach the containers: tests/examples/test_stack_local.py


def test_no_broker_by_default(default_plan: PlanResult) -> None:
    assert not [a for a in default_plan.values if a.startswith("module.broker")]
    task_policy = default_plan.values.get("module.service.aws_iam_role_policy.task[0]", {})
    assert "sqs:" not in task_policy.get("policy", "")


def test_the_redis_broker_is_the_caches_database_1_and_workers_scale_on_cpu(example: TerraformRoot) -> None:
    """[broker] type = "redis": no queue is created; Celery's broker is the cache (database 1,
    Django's cache keeps 0) with the IAM sign-in the task role already has for the cache;
    workers scale on CPU. Without the cache the stack refuses it, naming the fix."""
    plan = example.plan(
        {
            **LOCAL_VARS,
            "broker": "redis",
            "cache_enabled": True,
            "workers": {"celery": {"command": ["celery", "-A", "mysite", "worker"], "min_count": 0}},
        }
    )
    assert not [a for a in plan.values if a.startswith("module.broker")]
    assert [a for a in plan.values if a.startswith('module.workers["celery"].aws_appautoscaling_policy.cpu')]
    assert not [a for a in plan.values if ".aws_appautoscaling_policy.backlog" in a]
    assert "module.cache[0].connect_resource_arns" in refs(plan, "service", "cache_connect_arns")
    # CELERY_BROKER_URL is the cache's broker_url output (its value: tests/modules/redis_cache's
    # apply test); the contract's text is known only once the cache exists
    error = one_line(example.plan_error({**LOCAL_VARS, "broker": "redis"}))
    assert "set cache_enabled = true" in error


def test_the_sqs_broker_feeds_the_contract_the_task_role_and_the_workers_scaling(
    example: TerraformRoot,
) -> None:
    """[broker] type = "sqs": a queue and a dead-letter queue per name; the contract gains
    Celery's broker settings; the task role may use those queues only; each worker scales on
    its own queue's backlog per task instead of CPU."""
    plan = example.plan(
        {
            **LOCAL_VARS,
            "broker": "sqs",
            "broker_queues": ["celery", "reports"],
            "workers": {
                "celery": {"command": ["celery", "-A", "mysite", "worker"]},
                "reports": {
                    "command": ["celery", "-A", "mysite", "worker", "-Q", "reports"],
                    "queue": "reports",
                },
            },
        }
    )
    queues = in_module(plan, "broker", "aws_sqs_queue")
    assert sorted(q["name"] for q in queues.values()) == [
        "shop-test_celery",
        "shop-test_celery-dlq",
        "shop-test_reports",
        "shop-test_reports-dlq",
    ]
    assert all(q["sqs_managed_sse_enabled"] for q in queues.values())
    assert "module.broker[0].queue_arns" in refs(plan, "service", "sqs_queue_arns")
    assert "module.service.aws_iam_role_policy.task[0]" in plan.values
    # the task role's policy is known at plan only in part: the module's plan tests hold its
    # statement; here the wiring (the queues' ARNs, built from their names)
    backlog = {a: v for a, v in plan.values.items() if ".aws_appautoscaling_policy.backlog" in a}
    assert sorted(backlog) == [
        'module.workers["celery"].aws_appautoscaling_policy.backlog[0]',
        'module.workers["reports"].aws_appautoscaling_policy.backlog[0]',
    ]
    assert not [
        a for a in plan.values if a.startswith("module.workers") and ".aws_appautoscaling_policy.cpu" in a
    ]
    for name, policy in backlog.items():
        metrics = policy["target_tracking_scaling_policy_configuration"][0][
            "customized_metric_specification"
        ][0]
        [waiting] = [m for m in metrics["metrics"] if m["id"] == "waiting"]
        queue = waiting["metric_stat"][0]["metric"][0]["dimensions"][0]["value"]
        assert queue == ("shop-test_reports" if '"reports"' in name else "shop-test_celery"), name
    # CELERY_* reach the web, migration and worker containers through the one contract (the
    # local apply reads them back from the task definitions)
    assert "local.container_environment" in refs(plan, "workers", "environment")


def test_pipeline_stages_in_order(default_plan: PlanResult, production_plan: PlanResult) -> None:
    stages = [s["name"] for s in default_plan.one("aws_codepipeline")["stage"]]
    assert stages == ["Source", "Infrastructure", "Build", "Migrate", "Deploy"]
    prod = [s["name"] for s in production_plan.one("aws_codepipeline")["stage"]]
    assert [s for s in prod if s != "Approval"] == stages
    assert "Approval" in prod and prod.index("Approval") < prod.index("Deploy")


def test_defaults_a_small_team_can_run(default_plan: PlanResult) -> None:
    assert default_plan.counts["aws_nat_gateway"] == 1
    assert default_plan.counts["aws_subnet"] == 6
    assert default_plan.one("aws_db_instance")["multi_az"] is False
    assert default_plan.one("aws_db_instance")["engine"] == "postgres"
    assert "aws_autoscaling_group" not in default_plan.counts
    provider = default_plan.raw["configuration"]["provider_config"]["aws"]
    assert "default_tags" in provider["expressions"]


def test_a_fresh_stack_waits_for_its_first_image(default_plan: PlanResult) -> None:
    # no tasks and nothing that could start one until the pipeline's first deploy, which
    # reads the configured bounds from the service's tags
    service = default_plan.one("aws_ecs_service")
    assert service["desired_count"] == 0
    target = default_plan.one("aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (0, 0)
    bounds = {k: service["tags"][k] for k in ("zonke:min-count", "zonke:max-count")}
    assert bounds == {"zonke:min-count": "1", "zonke:max-count": "4"}  # the stack's defaults


def test_production_variant(production_plan: PlanResult) -> None:
    assert production_plan.counts["aws_nat_gateway"] == 2
    assert production_plan.one("aws_db_instance")["multi_az"] is True
    assert production_plan.counts.get("aws_autoscaling_group") == 1
    dist = production_plan.one("aws_cloudfront_distribution")
    assert dist["aliases"] == ["shop.example.com"]
    assert dist["viewer_certificate"][0]["minimum_protocol_version"] == "TLSv1.2_2021"
    target = production_plan.one("aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (2, 8)
    assert production_plan.one("aws_ecs_service")["desired_count"] == 2


def rollout_seconds(plan: PlanResult) -> int:
    """Modeled time of a rolling deploy (see the example README): a new task becomes healthy
    after interval x healthy threshold; the old one drains for the deregistration delay; a
    fixed allowance covers pulling the image and starting the container."""
    tg = plan.one("aws_lb_target_group")
    check = tg["health_check"][0]
    return 20 + int(check["interval"]) * int(check["healthy_threshold"]) + int(tg["deregistration_delay"])


def test_rollout_model_matches_the_readme_and_stays_fast(default_plan: PlanResult) -> None:
    seconds = rollout_seconds(default_plan)
    assert seconds <= 90
    assert readme_rollout_seconds() == seconds
    service = default_plan.one("aws_ecs_service")
    assert service["deployment_circuit_breaker"][0] == {"enable": True, "rollback": True}
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["deployment_maximum_percent"] == 200
