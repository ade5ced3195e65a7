"""Plan tests of modules/migration-task beyond its plan cases (cases.yaml: defaults, a given key
with other sizes and switches, bad input): the container, the runner's logs, definition and lock,
its IAM, tags, and the key's move."""

from __future__ import annotations

import json
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
from tests.support import PlanResult, TerraformRoot
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

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


def test_own_key_sizes_reach_the_pinned_revision_and_tags_reach_everything(own_key_plan: PlanResult) -> None:
    # the key, sizes and switches on the resources themselves: cases.yaml (own_key_sizes_and_switches)
    definition = json.loads(own_key_plan.one("aws_sfn_state_machine")["definition"])
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


def test_the_lock_is_taken_in_the_lock_table_with_its_expiry(own_key_plan: PlanResult) -> None:
    # the table's encryption, billing and TTL: cases.yaml (own_key_sizes_and_switches)
    table = own_key_plan.one("aws_dynamodb_table")
    states = json.loads(own_key_plan.one("aws_sfn_state_machine")["definition"])["States"]
    # The TTL attribute is the one the lock writes and the acquire condition compares.
    acquire = states["AcquireLock"]["Parameters"]
    assert acquire["TableName"] == table["name"]
    assert set(acquire["Item"]) == {"lock_id", "holder", "execution", "image", "acquired_at", "expires_at"}
    assert "expires_at < :now" in acquire["ConditionExpression"]
    assert states["PrepareRun"]["Next"] == "ReadClock"


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
