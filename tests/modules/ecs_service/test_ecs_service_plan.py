"""Plan tests of modules/ecs-service beyond its plan cases (cases.yaml: Fargate, the Spot mix,
EC2 capacity, autoscaling bounds, the first image, bad input): the container definition, the
IAM policies, the strategies' order, the AMI, ECS Exec and tags, and the key's move."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:zonke/demo/app-AbCdEf"
DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234-XyZ123"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"

BASE = cases_beside(__file__).base_vars()
TG_ARN: str = BASE["target_group_arn"]


@pytest.fixture(scope="module")
def ecs(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/ecs-service").init()


def container(plan: PlanResult) -> dict[str, Any]:
    definitions = json.loads(plan.one("aws_ecs_task_definition")["container_definitions"])
    assert len(definitions) == 1
    return dict(definitions[0])


def statements(policy_json: str) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(policy_json)["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_fargate_default_container(ecs: TerraformRoot) -> None:
    app = container(ecs.plan(BASE))
    assert app["name"] == "web"
    assert app["command"] == [
        "gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--worker-tmp-dir", "/dev/shm",
        "--access-logfile", "-", "config.wsgi:application",
    ]  # fmt: skip
    assert app["portMappings"] == [
        {"name": "http", "containerPort": 8000, "hostPort": 8000, "protocol": "tcp", "appProtocol": "http"}
    ]
    assert app["readonlyRootFilesystem"] is True
    assert app["mountPoints"] == [{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False}]
    assert app["logConfiguration"]["options"]["awslogs-group"] == "/zonke/demo/app"
    assert "secrets" not in app and "environment" not in app and "healthCheck" not in app


def test_fargate_spot_mix_strategies(ecs: TerraformRoot) -> None:
    plan = ecs.plan(
        {
            **BASE,
            "capacity": {
                "type": "FARGATE_SPOT_MIX",
                "fargate_base": 2,
                "fargate_weight": 1,
                "spot_weight": 4,
            },
        }
    )
    # the strategies are sets: compare them in a stable order
    expected = [
        {"capacity_provider": "FARGATE", "base": 2, "weight": 1},
        {"capacity_provider": "FARGATE_SPOT", "base": 0, "weight": 4},
    ]
    service = plan.one("aws_ecs_service")["capacity_provider_strategy"]
    cluster = plan.one("aws_ecs_cluster_capacity_providers")["default_capacity_provider_strategy"]
    for strategy in (service, cluster):
        assert sorted(strategy, key=lambda s: s["capacity_provider"]) == expected


def test_ec2_capacity_runs_the_ecs_optimized_ami(ecs: TerraformRoot, aws: Any) -> None:
    plan = ecs.plan(
        {
            **BASE,
            "cpu_architecture": "ARM64",
            "memory": 1536,  # not a Fargate size: EC2 capacity takes any amount
            "capacity": {
                "type": "EC2",
                "instance_type": "m7g.large",
                "min_size": 1,
                "max_size": 3,
                "volume_size_gb": 40,
            },
        }
    )
    # the AMI is the arm64 ECS-optimized Amazon Linux 2023 image, read from its public SSM parameter
    parameter = "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id"
    ami = aws.client("ssm").get_parameter(Name=parameter)["Parameter"]["Value"]
    assert plan.one("aws_launch_template")["image_id"] == ami


def test_secrets_reach_the_container_and_only_those_secrets_are_readable(ecs: TerraformRoot) -> None:
    secrets = [
        {"name": "DJANGO_SECRET_KEY", "valueFrom": f"{SECRET_ARN}:DJANGO_SECRET_KEY::"},
        {"name": "STRIPE_API_KEY", "valueFrom": f"{SECRET_ARN}:STRIPE_API_KEY::"},
        {"name": "DB_PASSWORD", "valueFrom": f"{DB_SECRET_ARN}:password::"},
    ]
    plan = ecs.plan(
        {
            **BASE,
            "environment": {"DJANGO_SETTINGS_MODULE": "config.settings", "A_FLAG": "1"},
            "secrets": secrets,
            "secret_arns": [SECRET_ARN, DB_SECRET_ARN],
            "kms_key_arns": [KEY_ARN],
            "health_check": {"command": ["CMD-SHELL", "curl -fsS http://localhost:8000/healthz/ || exit 1"]},
        }
    )
    app = container(plan)
    assert sorted(app["secrets"], key=lambda s: s["name"]) == sorted(secrets, key=lambda s: s["name"])
    assert app["environment"] == [
        {"name": "A_FLAG", "value": "1"},
        {"name": "DJANGO_SETTINGS_MODULE", "value": "config.settings"},
    ]
    assert app["healthCheck"]["command"][0] == "CMD-SHELL"
    assert app["healthCheck"]["interval"] == 30

    policy = statements(plan.values["aws_iam_role_policy.execution"]["policy"])
    assert set(policy) == {
        "PullTheAppImage",
        "GetRegistryToken",
        "WriteTheAppLogs",
        "ReadTheInjectedSecrets",
        "DecryptTheSecretsThroughSecretsManager",
    }
    read = policy["ReadTheInjectedSecrets"]
    assert as_list(read["Action"]) == ["secretsmanager:GetSecretValue"]
    assert sorted(as_list(read["Resource"])) == sorted([SECRET_ARN, DB_SECRET_ARN])
    decrypt = policy["DecryptTheSecretsThroughSecretsManager"]
    assert as_list(decrypt["Resource"]) == [KEY_ARN]
    assert decrypt["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    assert as_list(policy["PullTheAppImage"]["Resource"]) == [
        "arn:aws:ecr:us-east-1:123456789012:repository/zonke/demo"
    ]
    assert as_list(policy["WriteTheAppLogs"]["Resource"]) == [
        "arn:aws:logs:us-east-1:123456789012:log-group:/zonke/demo/app:log-stream:*"
    ]
    # "*" only where AWS offers no resource: the registry token
    wildcard = [sid for sid, s in policy.items() if "*" in as_list(s["Resource"])]
    assert wildcard == ["GetRegistryToken"]


QUEUES = [
    "arn:aws:sqs:us-east-1:123456789012:demo_celery",
    "arn:aws:sqs:us-east-1:123456789012:demo_reports",
]


def test_task_role_uses_exactly_the_given_queues(ecs: TerraformRoot) -> None:
    """Celery on SQS with predefined queues: send, receive, delete, change visibility and
    read attributes on the broker's queues; no ListQueues, CreateQueue or dead-letter queue."""
    plan = ecs.plan({**BASE, "sqs_queue_arns": QUEUES})
    policy = statements(plan.values["aws_iam_role_policy.task[0]"]["policy"])
    queues = policy["UseTheAppsQueues"]
    assert sorted(as_list(queues["Action"])) == [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
        "sqs:SendMessage",
    ]
    assert sorted(as_list(queues["Resource"])) == QUEUES
    assert set(policy) == {"UseTheAppsQueues"}


CACHE_ARNS = [
    "arn:aws:elasticache:us-east-1:123456789012:replicationgroup:demo-cache",
    "arn:aws:elasticache:us-east-1:123456789012:user:demo-cache",
]


def test_task_role_signs_in_to_exactly_the_given_cache(ecs: TerraformRoot) -> None:
    """The cache's IAM authentication: elasticache:Connect on the replication group and the
    user, nothing else of ElastiCache; a wildcard is refused."""
    plan = ecs.plan({**BASE, "cache_connect_arns": CACHE_ARNS})
    policy = statements(plan.values["aws_iam_role_policy.task[0]"]["policy"])
    assert set(policy) == {"ConnectToTheAppsCache"}
    assert as_list(policy["ConnectToTheAppsCache"]["Action"]) == ["elasticache:Connect"]
    assert sorted(as_list(policy["ConnectToTheAppsCache"]["Resource"])) == sorted(CACHE_ARNS)


def test_task_role_media_prefix_and_own_secret(ecs: TerraformRoot) -> None:
    plan = ecs.plan(
        {
            **BASE,
            "media_bucket_arn": "arn:aws:s3:::demo-media",
            "media_prefix": "uploads/demo",
            "task_secret_arns": [SECRET_ARN],
            "kms_key_arns": [KEY_ARN],
            "enable_exec": True,
            "tags": {"team": "web"},
        }
    )
    policy = statements(plan.values["aws_iam_role_policy.task[0]"]["policy"])
    assert as_list(policy["ReadAndWriteTheMediaObjects"]["Resource"]) == [
        "arn:aws:s3:::demo-media/uploads/demo/*"
    ]
    assert sorted(as_list(policy["ListTheMediaPrefix"]["Condition"]["StringLike"]["s3:prefix"])) == [
        "uploads/demo",
        "uploads/demo/*",
    ]
    assert as_list(policy["ReadItsOwnSecrets"]["Resource"]) == [SECRET_ARN]
    assert all("*" not in as_list(s["Resource"]) for s in policy.values())
    # ECS Exec: enabled on the service, sessions encrypted and logged to their own group
    assert plan.one("aws_ecs_service")["enable_execute_command"] is True
    exec_config = plan.one("aws_ecs_cluster")["configuration"][0]["execute_command_configuration"][0]
    assert exec_config["logging"] == "OVERRIDE"
    assert exec_config["log_configuration"][0]["cloud_watch_encryption_enabled"] is True
    assert exec_config["log_configuration"][0]["cloud_watch_log_group_name"] == "/zonke/demo/exec"
    assert "aws_iam_role_policy.exec[0]" in plan.values
    for addr, values in plan.values.items():
        if "tags" in values and not addr.startswith("data."):
            assert (values["tags"] or {}).get("team") == "web", f"{addr} lacks the tags input"


def test_exec_with_a_read_only_root_gets_the_agents_writable_paths(ecs: TerraformRoot) -> None:
    """ECS Exec's agent writes under /managed-agents and /var/{lib,log}/amazon/ssm: with a
    read-only root those are task-storage volumes; the sessions are encrypted and logged."""
    plan = ecs.plan({**BASE, "enable_exec": True})
    app = container(plan)
    assert app["readonlyRootFilesystem"] is True
    assert {m["containerPath"]: m["readOnly"] for m in app["mountPoints"]} == {
        "/tmp": False,
        "/managed-agents": False,
        "/var/lib/amazon/ssm": False,
        "/var/log/amazon/ssm": False,
    }
    volumes = {v["name"] for v in plan.one("aws_ecs_task_definition")["volume"]}
    assert volumes == {m["sourceVolume"] for m in app["mountPoints"]}
    assert plan.one("aws_ecs_service")["enable_execute_command"] is True
    exec_config = plan.one("aws_ecs_cluster")["configuration"][0]["execute_command_configuration"][0]
    assert exec_config["logging"] == "OVERRIDE"
    assert exec_config["log_configuration"][0]["cloud_watch_encryption_enabled"] is True
    # Off: no exec paths, no exec anywhere.
    off = ecs.plan({**BASE, "enable_exec": False})
    assert [m["containerPath"] for m in container(off)["mountPoints"]] == ["/tmp"]
    assert off.one("aws_ecs_service")["enable_execute_command"] is False
    # A writable root needs no extra volumes.
    writable = ecs.plan({**BASE, "enable_exec": True, "read_only_root_filesystem": False})
    assert [m["containerPath"] for m in container(writable)["mountPoints"]] == ["/tmp"]


def test_an_existing_key_moves_into_the_building_block(ecs: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the app's key (images, logs,
    ECS Exec) and its alias."""
    old = kms_key_and_alias("aws_kms_key.this", "aws_kms_alias.this", "alias/zonke/demo/app")
    plan = moved_plan(ecs, BASE, old)
    assert_moved_in_place(
        plan,
        {
            "module.key.aws_kms_key.this": "aws_kms_key.this",
            "module.key.aws_kms_alias.this": "aws_kms_alias.this",
        },
    )
