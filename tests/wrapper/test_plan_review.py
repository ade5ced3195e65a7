"""The plan listing and the data-loss guard, on plans in Terraform's JSON format (the shape
`terraform show -json <planfile>` prints for the changes named in each test)."""

from __future__ import annotations

from typing import Any

import pytest

from zonke_tf.plan_review import DATA_BEARING_TYPES, DataLossError, check_data_loss, plan_changes


def rc(address: str, actions: list[str], reason: str | None = None) -> dict[str, Any]:
    rtype = address.split(".")[-2]  # module.x.<type>.<name>
    entry: dict[str, Any] = {"address": address, "type": rtype, "change": {"actions": actions}}
    if reason:
        entry["action_reason"] = reason
    return entry


# `[database] engine = "mysql"` on a PostgreSQL stack: RDS cannot change the engine in place.
ENGINE_CHANGE = {
    "format_version": "1.2",
    "resource_changes": [
        rc("module.database.aws_db_instance.this", ["delete", "create"], "replace_because_cannot_update"),
        rc(
            "module.database.aws_db_parameter_group.this",
            ["create", "delete"],
            "replace_because_cannot_update",
        ),
        rc("module.service.aws_ecs_task_definition.web", ["update"]),
        rc("module.network.aws_vpc.this", ["no-op"]),
        rc("module.secrets.aws_secretsmanager_secret_version.app", ["create"]),
    ],
}


def test_the_listing_names_every_changed_resource_and_marks_replacements() -> None:
    changes = plan_changes(ENGINE_CHANGE)
    assert [(c.address, c.action) for c in changes] == [
        ("module.database.aws_db_instance.this", "replace"),
        ("module.database.aws_db_parameter_group.this", "replace"),
        ("module.service.aws_ecs_task_definition.web", "update"),
        ("module.secrets.aws_secretsmanager_secret_version.app", "create"),
    ]
    lines = [c.line() for c in changes]
    assert (
        lines[0]
        == "-/+ module.database.aws_db_instance.this (replace: replace because cannot update, DATA LOSS)"
    )
    assert lines[1].startswith("-/+ module.database.aws_db_parameter_group.this (replace")
    assert "DATA LOSS" not in lines[1]  # a parameter group holds no data
    assert lines[2] == "  ~ module.service.aws_ecs_task_definition.web (update)"


def test_the_guard_refuses_an_engine_change_unless_allowed() -> None:
    changes = plan_changes(ENGINE_CHANGE)
    with pytest.raises(DataLossError) as caught:
        check_data_loss(changes, allow_data_loss=False)
    message = str(caught.value)
    assert "module.database.aws_db_instance.this" in message and "--allow-data-loss" in message
    assert "Nothing was applied" in message and "parameter_group" not in message
    assert [c.address for c in caught.value.changes] == ["module.database.aws_db_instance.this"]
    check_data_loss(changes, allow_data_loss=True)  # a person accepted it


@pytest.mark.parametrize("rtype", sorted(DATA_BEARING_TYPES))
def test_every_data_bearing_type_is_guarded_on_destroy(rtype: str) -> None:
    plan = {
        "resource_changes": [
            {"address": f"module.x.{rtype}.this", "type": rtype, "change": {"actions": ["delete"]}}
        ]
    }
    with pytest.raises(DataLossError):
        check_data_loss(plan_changes(plan), allow_data_loss=False)


def test_a_forgotten_resource_is_listed_and_loses_no_data() -> None:
    """The first plan of a stack made before the secret's first value left Terraform: the
    old seed version is forgotten (removed from the state, kept in Secrets Manager)."""
    plan = {
        "resource_changes": [
            rc("module.secrets.aws_secretsmanager_secret_version.seed", ["forget"]),
            rc("module.secrets.aws_secretsmanager_secret.this", ["forget"]),
        ]
    }
    changes = plan_changes(plan)
    assert [(c.address, c.action) for c in changes] == [
        ("module.secrets.aws_secretsmanager_secret_version.seed", "forget"),
        ("module.secrets.aws_secretsmanager_secret.this", "forget"),
    ]
    assert changes[0].line() == "  . module.secrets.aws_secretsmanager_secret_version.seed (forget)"
    check_data_loss(changes, allow_data_loss=False)  # the objects stay: nothing is lost


def test_updates_and_creates_pass_the_guard() -> None:
    plan = {
        "resource_changes": [
            {"address": "aws_s3_bucket.static", "type": "aws_s3_bucket", "change": {"actions": ["update"]}},
            {"address": "aws_db_instance.this", "type": "aws_db_instance", "change": {"actions": ["create"]}},
        ]
    }
    check_data_loss(plan_changes(plan), allow_data_loss=False)
