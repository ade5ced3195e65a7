"""Plan tests of modules/secrets: the secret and its key, no value, the restart machinery, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot, assert_plan_matches
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

HERE = Path(__file__).parent

BASE: dict[str, Any] = {
    "name": "demo",
    "secret_keys": ["STRIPE_API_KEY", "SENTRY_DSN"],
    "ecs_cluster_name": "demo-cluster",
    "ecs_service_name": "demo-web",
}
READER = "arn:aws:iam::123456789012:role/demo-exec"


@pytest.fixture(scope="module")
def secrets(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/secrets").init()


def key_policy(plan: PlanResult) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(plan.one("aws_kms_key")["policy"])["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_defaults(secrets: TerraformRoot) -> None:
    plan = secrets.plan({**BASE, "reader_role_arns": [READER]})
    assert_plan_matches(plan, HERE / "expected_default.yaml")

    # the state machine rolls exactly the named service, and ends well when it does not exist yet
    machine = json.loads(plan.one("aws_sfn_state_machine")["definition"])
    task = machine["States"][machine["StartAt"]]
    assert task["Resource"] == "arn:aws:states:::aws-sdk:ecs:updateService"
    assert task["Parameters"] == {
        "Cluster": "demo-cluster",
        "Service": "demo-web",
        "ForceNewDeployment": True,
    }
    caught = task["Catch"][0]
    assert "Ecs.ServiceNotFoundException" in caught["ErrorEquals"]
    assert machine["States"][caught["Next"]]["Type"] == "Succeed"

    restart = {
        s["Sid"]: s for s in json.loads(plan.values["aws_iam_role_policy.restart[0]"]["policy"])["Statement"]
    }
    assert as_list(restart["RollThisService"]["Action"]) == ["ecs:UpdateService"]
    assert as_list(restart["RollThisService"]["Resource"]) == [
        "arn:aws:ecs:us-east-1:123456789012:service/demo-cluster/demo-web"
    ]
    events = json.loads(plan.values["aws_iam_role_policy.events[0]"]["policy"])["Statement"]
    assert [as_list(s["Resource"]) for s in events] == [
        ["arn:aws:states:us-east-1:123456789012:stateMachine:zonke-demo-secret-restart"]
    ]

    # the key: administered by the account, used through Secrets Manager, readers named
    key = key_policy(plan)
    admin = as_list(key["AccountAdministers"]["Action"])
    assert "kms:Decrypt" not in admin and "kms:*" not in admin
    via = key["AccountUsesTheKeyThroughSecretsManager"]["Condition"]["StringEquals"]
    assert via["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    readers = key["ReaderRolesDecryptThroughSecretsManager"]
    assert as_list(readers["Principal"]["AWS"]) == [READER]
    assert sorted(as_list(readers["Action"])) == ["kms:Decrypt", "kms:DescribeKey"]
    assert readers["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    logs = key["CloudWatchLogsUsesItForTheseLogGroups"]["Condition"]["ArnLike"]
    assert logs["kms:EncryptionContext:aws:logs:arn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/zonke-demo-secret-restart"
    )


def test_no_restart_no_readers_no_generated_key(secrets: TerraformRoot) -> None:
    plan = secrets.plan(
        {
            "name": "demo",
            "secret_keys": ["API_TOKEN"],
            "restart_on_change": False,
            "generate_django_secret_key": False,
        }
    )
    for rtype in (
        "aws_sfn_state_machine",
        "aws_cloudwatch_event_rule",
        "aws_iam_role",
        "aws_cloudwatch_log_group",
    ):
        assert rtype not in plan.counts, f"{rtype} planned although restart_on_change is false"
    assert plan.outputs["secret_keys"] == ["API_TOKEN"]
    assert plan.outputs["restart_state_machine_arn"] is None
    assert plan.outputs["event_rule_arn"] is None
    key = key_policy(plan)
    assert set(key) == {"AccountAdministers", "AccountUsesTheKeyThroughSecretsManager"}
    assert "aws_secretsmanager_secret_version" not in plan.counts
    assert plan.outputs["generated_secret_keys"] == []


@pytest.mark.parametrize(
    ("variables", "messages"),
    [
        (
            {
                "secret_keys": ["stripe_key", "OK", "OK"],
                "recovery_window_days": 3,
                "reader_role_arns": ["arn:aws:iam::123456789012:user/bob"],
                "name": "Demo",
            },
            [
                "secret_keys must be environment-variable names",
                "secret_keys must not list a name twice",
                "recovery_window_days must be 0 (delete at once) or from 7 to 30",
                "reader_role_arns must hold IAM role ARNs",
                "name must be 2-32 characters",
            ],
        ),
        (
            {
                "ecs_cluster_name": None,
                "ecs_service_name": "bad name",
                "watched_secret_arns": ["rds-secret"],
                "restart_log_retention_days": 10,
            },
            [
                "ecs_cluster_name must be set to an ECS cluster name",
                "ecs_service_name must be set to an ECS service name",
                "watched_secret_arns must hold Secrets Manager secret ARNs",
                "restart_log_retention_days must be one of the values CloudWatch Logs accepts",
            ],
        ),
    ],
    ids=["keys-window-readers-name", "restart-target"],
)
def test_bad_input_is_rejected_with_clear_messages(
    secrets: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(secrets.plan_error({**BASE, **variables}).split())
    missing = [m for m in messages if m not in error]
    assert not missing, f"messages {missing} not in:\n{error}"


def test_an_existing_key_moves_into_the_building_block(secrets: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the secrets' key: replacing it
    would lose every value."""
    old = kms_key_and_alias("aws_kms_key.this", "aws_kms_alias.this", "alias/zonke/demo/secrets")
    plan = moved_plan(secrets, BASE, old)
    assert_moved_in_place(
        plan,
        {
            "module.key.aws_kms_key.this": "aws_kms_key.this",
            "module.key.aws_kms_alias.this": "aws_kms_alias.this",
        },
    )
