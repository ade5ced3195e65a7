"""Plan tests of modules/migration-task: the task definition, the runner, its IAM, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.modules.migration_task.common import (
    CLUSTER_ARN,
    DB_SECRET,
    EXECUTION_ROLE,
    REPO,
    TASK_ROLE,
    base_vars,
)
from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

HERE = Path(__file__).parent
OWN_KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:shop-prod-migrate"
LOCK_TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/shop-prod-migration-lock"


@pytest.fixture(scope="module")
def migration(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/migration-task").init()


@pytest.fixture(scope="module")
def default_plan(migration: TerraformRoot) -> PlanResult:
    return migration.plan(base_vars())


@pytest.fixture(scope="module")
def own_key_plan(migration: TerraformRoot) -> PlanResult:
    """A plan with a key passed in: every IAM document is known at plan time."""
    return migration.plan(
        base_vars(
            kms_key_arn=OWN_KEY,
            cpu=1024,
            memory=3072,
            cpu_architecture="ARM64",
            enable_tracing=False,
            log_execution_data=False,
            tags={"team": "web"},
        )
    )


def statements(plan: PlanResult) -> dict[str, dict[str, Any]]:
    policy = json.loads(plan.one("aws_iam_role_policy")["policy"])
    return {s["Sid"]: s for s in policy["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_defaults(default_plan: PlanResult) -> None:
    assert_plan_matches(default_plan, HERE / "expected_default.yaml")


def test_container_has_the_service_settings_and_the_migrate_command(default_plan: PlanResult) -> None:
    [container] = json.loads(default_plan.one("aws_ecs_task_definition")["container_definitions"])
    assert container["name"] == "migrate"
    assert container["image"] == f"{REPO}:v1"
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert container["essential"] is True
    assert container["readonlyRootFilesystem"] is True
    assert {"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": False} in container["mountPoints"]
    assert container["environment"] == [
        {"name": "ALLOWED_HOSTS", "value": "shop.example.com"},
        {"name": "DJANGO_SETTINGS_MODULE", "value": "shop.settings.prod"},
    ]
    # secrets go by reference only: the value never reaches Terraform
    assert container["secrets"] == [{"name": "DATABASE_URL", "valueFrom": DB_SECRET}]
    assert container["logConfiguration"] == {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": "/zonke/shop-prod/app",
            "awslogs-region": "us-east-1",
            "awslogs-stream-prefix": "migrate",
        },
    }


def test_runner_logs_to_its_encrypted_group(default_plan: PlanResult) -> None:
    key_policy = json.loads(default_plan.one("aws_kms_key")["policy"])
    logs = next(s for s in key_policy["Statement"] if s["Sid"] == "CloudWatchLogsUsesItForTheseLogGroups")
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/shop-prod-migrate"
    )
    # Vended log delivery decrypts with the key; the runner's role makes the logs' data keys.
    delivery = next(s for s in key_policy["Statement"] if s["Sid"] == "LogDeliveryDecryptsForTheRunner")
    assert delivery["Principal"] == {"Service": "delivery.logs.amazonaws.com"}
    assert delivery["Action"] == "kms:Decrypt"
    # Under /aws/vendedlogs/: no per-stack entry in the account's Logs resource policy.
    assert default_plan.one("aws_cloudwatch_log_group")["name"].startswith("/aws/vendedlogs/states/")
    trust = json.loads(default_plan.one("aws_iam_role")["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "states.amazonaws.com"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"] == SM_ARN


def test_own_key_sizes_and_switches(own_key_plan: PlanResult) -> None:
    assert "aws_kms_key" not in own_key_plan.counts
    sm = own_key_plan.one("aws_sfn_state_machine")
    assert sm["encryption_configuration"][0]["kms_key_id"] == OWN_KEY
    assert sm["tracing_configuration"] == [{"enabled": False}]
    assert sm["logging_configuration"][0]["include_execution_data"] is False
    assert own_key_plan.one("aws_cloudwatch_log_group")["kms_key_id"] == OWN_KEY
    td = own_key_plan.one("aws_ecs_task_definition")
    assert (td["cpu"], td["memory"]) == ("1024", "3072")
    assert td["runtime_platform"][0]["cpu_architecture"] == "ARM64"
    definition = json.loads(sm["definition"])
    register = definition["States"]["RegisterPinnedRevision"]["Parameters"]
    assert (register["Cpu"], register["Memory"]) == ("1024", "3072")
    assert register["RuntimePlatform"]["CpuArchitecture"] == "ARM64"
    for addr, values in own_key_plan.values.items():
        if "tags" in values and not addr.startswith("data."):
            assert values["tags"].get("team") == "web", f"{addr} lacks the tags input"
    assert {"Key": "team", "Value": "web"} in register["Tags"]


def test_iam_is_least_privilege(own_key_plan: PlanResult) -> None:
    st = statements(own_key_plan)
    # iam:PassRole: the two task roles only, and only to ECS tasks
    assert sorted(as_list(st["PassOnlyTheTwoTaskRolesToEcsTasks"]["Resource"])) == sorted(
        [EXECUTION_ROLE, TASK_ROLE]
    )
    assert st["PassOnlyTheTwoTaskRolesToEcsTasks"]["Condition"] == {
        "StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
    }
    run = st["RunOnlyTheMigrationFamilyInTheAppCluster"]
    assert run["Action"] == "ecs:RunTask"
    assert run["Resource"] == "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-migrate:*"
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": CLUSTER_ARN}}
    assert st["WatchAndStopTasksOfTheAppCluster"]["Resource"] == (
        "arn:aws:ecs:us-east-1:123456789012:task/shop-prod/*"
    )
    assert st["ManagedRuleThatReportsEcsTaskStops"]["Resource"] == (
        "arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForECSTaskRule"
    )
    assert "CountOwnRunningExecutions" not in st  # ListExecutions is no lock (lock.tf)
    lock = st["TakeReadAndReleaseTheMigrationLock"]
    assert sorted(as_list(lock["Action"])) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    assert lock["Resource"] == LOCK_TABLE_ARN
    assert lock["Condition"] == {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": "migration"}}
    key = st["UseTheKeyThroughDynamoDBForTheLockTable"]
    assert key["Resource"] == OWN_KEY
    assert key["Condition"] == {
        "StringEquals": {
            "kms:ViaService": "dynamodb.us-east-1.amazonaws.com",
            "kms:EncryptionContext:aws:dynamodb:tableName": "shop-prod-migration-lock",
        }
    }
    assert st["UseTheKeyForThisStateMachineOnly"]["Resource"] == OWN_KEY
    assert "SendTraces" not in st  # tracing is off in this plan
    # "*" only where AWS allows nothing narrower (each such statement says so in iam.tf)
    wildcard = {sid for sid, s in st.items() if "*" in as_list(s["Resource"])}
    assert wildcard == {"ReadAndRegisterTaskDefinitions", "DeliverExecutionLogs", "ListTasksOfTheAppCluster"}
    assert st["ListTasksOfTheAppCluster"]["Condition"] == {"ArnEquals": {"ecs:cluster": CLUSTER_ARN}}
    for s in st.values():
        assert s["Effect"] == "Allow"
        assert not any(a.endswith(":*") or a == "*" for a in as_list(s["Action"])), s


def test_lock_table_is_encrypted_on_demand_and_expires_items(own_key_plan: PlanResult) -> None:
    table = own_key_plan.one("aws_dynamodb_table")
    assert table["name"] == "shop-prod-migration-lock"
    assert table["billing_mode"] == "PAY_PER_REQUEST"
    assert table["hash_key"] == "lock_id"
    assert table["server_side_encryption"] == [{"enabled": True, "kms_key_arn": OWN_KEY}]
    assert table["ttl"] == [{"attribute_name": "expires_at", "enabled": True}]
    states = json.loads(own_key_plan.one("aws_sfn_state_machine")["definition"])["States"]
    # The TTL attribute is the one the lock writes and the acquire condition compares.
    acquire = states["AcquireLock"]["Parameters"]
    assert acquire["TableName"] == table["name"]
    assert set(acquire["Item"]) == {"lock_id", "holder", "execution", "image", "acquired_at", "expires_at"}
    assert "expires_at < :now" in acquire["ConditionExpression"]
    assert states["PrepareRun"]["Next"] == "ReadClock"


def diagnostics(error: str) -> str:
    """Terraform's messages as one line (wrapped lines joined)."""
    return " ".join(error.split())


# Terraform reports every invalid variable of a plan at once, so one failing plan checks
# many rules (each plan costs seconds): every message below must appear.
BAD_INPUTS: list[tuple[dict[str, Any], str]] = [
    ({"name": "Shop_Prod"}, "name must be 2-32 characters"),
    ({"cpu": 256, "memory": 4096}, "memory must be a Fargate pair with cpu"),
    ({"cluster_arn": "shop-prod"}, "cluster_arn must be an ECS cluster ARN"),
    (
        {"ecr_repository_url": f"{REPO}:latest"},
        "ecr_repository_url must be an ECR repository URL without a tag",
    ),
    ({"image_tag": "-bad"}, "image_tag must be a Docker tag"),
    ({"subnet_ids": []}, "subnet_ids must list 1 to 16 subnet IDs"),
    ({"security_group_ids": ["default"]}, "security_group_ids must list 1 to 5 security group IDs"),
    (
        {"secrets": [{"name": "DB", "valueFrom": "plaintext"}]},
        "each valueFrom must be a Secrets Manager secret ARN",
    ),
    ({"environment": {"1BAD": "x"}}, "environment keys must be environment-variable names"),
    ({"command": []}, "command must be a non-empty list"),
    ({"extra_release_commands": [[]]}, "extra_release_commands must hold at most 5 commands"),
    ({"timeout_seconds": 30}, "timeout_seconds must be a whole number of seconds from 60 to 43200"),
    ({"execution_role_arn": "shop-prod-execution"}, "execution_role_arn must be an IAM role ARN"),
    ({"log_level": "DEBUG"}, 'log_level must be "ALL", "ERROR" or "FATAL"'),
    ({"kms_key_arn": "alias/mine"}, "kms_key_arn must be null or a KMS key ARN"),
]


def test_bad_inputs_are_rejected_with_clear_messages(migration: TerraformRoot) -> None:
    variables = base_vars()
    for bad, _ in BAD_INPUTS:
        variables.update(bad)
    error = diagnostics(migration.plan_error(variables))
    missing = [message for _, message in BAD_INPUTS if message not in error]
    assert not missing, f"messages missing from: {error[-4000:]}"


def test_cpu_outside_fargate_values_is_rejected(migration: TerraformRoot) -> None:
    # (a second plan: with cpu invalid, Terraform skips the memory rule that reads it)
    error = diagnostics(migration.plan_error(base_vars(cpu=300, name="shop-", timeout_seconds=90.5)))
    assert "cpu must be a Fargate CPU value: 256, 512, 1024, 2048, 4096, 8192 or 16384" in error
    assert "name must be 2-32 characters" in error
    assert "timeout_seconds must be a whole number" in error


def test_runner_role_encrypts_its_delivered_logs_and_tags_no_tasks(own_key_plan: PlanResult) -> None:
    # (with the module's own key the policy is known only after apply: the given key here)
    role_policy = json.loads(own_key_plan.one("aws_iam_role_policy")["policy"])
    logs_key = next(s for s in role_policy["Statement"] if s["Sid"] == "EncryptTheDeliveredExecutionLogs")
    assert (logs_key["Action"], logs_key["Resource"]) == ("kms:GenerateDataKey", OWN_KEY)
    assert logs_key["Condition"]["StringLike"]["kms:EncryptionContext:SourceArn"] == (
        "arn:aws:logs:us-east-1:123456789012:*"
    )
    # RunTask passes no tags any more, so nothing may tag tasks.
    assert not any(
        "TagResource" in json.dumps(s["Action"]) and ":task/" in json.dumps(s["Resource"])
        for s in role_policy["Statement"]
    )


def test_an_existing_key_moves_into_the_building_block(migration: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the runner's key and its alias."""
    old = kms_key_and_alias(
        "aws_kms_key.this[0]", "aws_kms_alias.this[0]", "alias/zonke/shop-prod/migration-runner"
    )
    plan = moved_plan(migration, base_vars(), old)
    assert_moved_in_place(
        plan,
        {
            "module.key[0].aws_kms_key.this": "aws_kms_key.this[0]",
            "module.key[0].aws_kms_alias.this": "aws_kms_alias.this[0]",
        },
    )
