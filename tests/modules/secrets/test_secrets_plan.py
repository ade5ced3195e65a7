"""Plan tests of modules/secrets beyond its plan cases (cases.yaml: defaults, no restart
machinery, bad input): the restart machine's definition and the policies, and the key's move."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import PlanResult, TerraformRoot
from tests.support.cases import cases_beside
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

CASES = cases_beside(__file__)


@pytest.fixture(scope="module")
def secrets(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/secrets").init()


def key_policy(plan: PlanResult) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(plan.one("aws_kms_key")["policy"])["Statement"]}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_defaults_roll_the_service_and_scope_the_policies(secrets: TerraformRoot) -> None:
    variables = CASES.variables("defaults")
    [reader] = variables["reader_role_arns"]
    plan = secrets.plan(variables)

    # the state machine rolls exactly the named service, and ends well when it does not exist yet
    machine = json.loads(plan.one("aws_sfn_state_machine")["definition"])
    task = machine["States"][machine["StartAt"]]
    assert task["Resource"] == "arn:aws:states:::aws-sdk:ecs:updateService"
    cluster, service = variables["ecs_cluster_name"], variables["ecs_service_name"]
    assert task["Parameters"] == {"Cluster": cluster, "Service": service, "ForceNewDeployment": True}
    caught = task["Catch"][0]
    assert "Ecs.ServiceNotFoundException" in caught["ErrorEquals"]
    assert machine["States"][caught["Next"]]["Type"] == "Succeed"

    restart = {
        s["Sid"]: s for s in json.loads(plan.values["aws_iam_role_policy.restart[0]"]["policy"])["Statement"]
    }
    assert as_list(restart["RollThisService"]["Action"]) == ["ecs:UpdateService"]
    assert as_list(restart["RollThisService"]["Resource"]) == [
        f"arn:aws:ecs:us-east-1:123456789012:service/{cluster}/{service}"
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
    assert as_list(readers["Principal"]["AWS"]) == [reader]
    assert sorted(as_list(readers["Action"])) == ["kms:Decrypt", "kms:DescribeKey"]
    assert readers["Condition"]["StringEquals"]["kms:ViaService"] == "secretsmanager.us-east-1.amazonaws.com"
    logs = key["CloudWatchLogsUsesItForTheseLogGroups"]["Condition"]["ArnLike"]
    assert logs["kms:EncryptionContext:aws:logs:arn"] == (
        "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/zonke-demo-secret-restart"
    )


def test_no_restart_and_no_readers_leave_the_account_statements_only(secrets: TerraformRoot) -> None:
    plan = secrets.plan(CASES.variables("no_restart_no_readers_no_generated_key"))
    assert set(key_policy(plan)) == {"AccountAdministers", "AccountUsesTheKeyThroughSecretsManager"}


def test_an_existing_key_moves_into_the_building_block(secrets: TerraformRoot) -> None:
    """A stack made before modules/_internal/logs-key keeps the secrets' key: replacing it
    would lose every value."""
    old = kms_key_and_alias("aws_kms_key.this", "aws_kms_alias.this", "alias/zonke/demo/secrets")
    plan = moved_plan(secrets, CASES.base, old)
    assert_moved_in_place(
        plan,
        {
            "module.key.aws_kms_key.this": "aws_kms_key.this",
            "module.key.aws_kms_alias.this": "aws_kms_alias.this",
        },
    )
