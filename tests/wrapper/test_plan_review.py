"""The plan listing and the data-loss guard, on plans in Terraform's JSON format (the shape
`terraform show -json <planfile>` prints for the changes named in each test), and on the
plan's streamed events, checked against the saved plan of a real Terraform run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support import TerraformEnv
from zonke_tf.plan_review import (
    DATA_BEARING_TYPES,
    DataLossError,
    changes_from_events,
    check_data_loss,
    plan_changes,
    review,
)


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


# --- the review read from the plan's streamed events (changes_from_events) ---

BEFORE = """
resource "terraform_data" "updated" { input = "a" }
resource "terraform_data" "replaced" { triggers_replace = ["1"] }
resource "terraform_data" "replaced_first" {
  triggers_replace = ["1"]
  lifecycle { create_before_destroy = true }
}
resource "terraform_data" "requested" { input = "keep" }
resource "terraform_data" "tainted" { input = "keep" }
resource "terraform_data" "deleted" { input = "gone" }
resource "terraform_data" "forgotten" { input = "kept outside" }
resource "terraform_data" "renamed" { input = "same" }
resource "terraform_data" "source" { input = "s" }
"""
AFTER = """
resource "terraform_data" "updated" { input = "b" }
resource "terraform_data" "replaced" { triggers_replace = ["2"] }
resource "terraform_data" "replaced_first" {
  triggers_replace = ["2"]
  lifecycle { create_before_destroy = true }
}
resource "terraform_data" "requested" { input = "keep" }
resource "terraform_data" "tainted" { input = "keep" }
removed {
  from = terraform_data.forgotten
  lifecycle { destroy = false }
}
moved {
  from = terraform_data.renamed
  to   = terraform_data.moved_here
}
resource "terraform_data" "moved_here" { input = "same" }
resource "terraform_data" "created" { input = 1 }
resource "terraform_data" "source" { input = "t" }
data "terraform_remote_state" "read_at_apply" {
  backend = "local"
  config  = { path = "${terraform_data.source.output}.tfstate" }
}
"""


def _terraform(tf_env: TerraformEnv, root: Path, *args: str) -> str:
    proc = subprocess.run(
        [tf_env.binary, *args], cwd=root, env=tf_env.environ(), capture_output=True, text=True, check=False
    )
    assert proc.returncode in (0, 2), proc.stderr
    return proc.stdout


def test_the_events_say_what_the_saved_plan_says(tf_env: TerraformEnv, tmp_path: Path) -> None:
    """Every kind of change, planned by the real Terraform with its built-in terraform_data
    (no provider): the review read from the streamed events equals the one read from
    `terraform show -json` of the same saved plan, reasons included."""
    (tmp_path / "main.tf").write_text(BEFORE)
    _terraform(tf_env, tmp_path, "init", "-input=false", "-no-color")
    _terraform(tf_env, tmp_path, "apply", "-input=false", "-auto-approve", "-no-color")
    _terraform(tf_env, tmp_path, "taint", "terraform_data.tainted")
    (tmp_path / "main.tf").write_text(AFTER)
    replace = "-replace=terraform_data.requested"
    stream = _terraform(tf_env, tmp_path, "plan", "-json", "-input=false", "-out=saved.tfplan", replace)
    events = [json.loads(line) for line in stream.splitlines() if line.startswith("{")]
    saved = json.loads(_terraform(tf_env, tmp_path, "show", "-json", "saved.tfplan"))
    from_events = changes_from_events(events)
    from_saved = plan_changes(saved)
    assert from_events is not None, "the events account for every change the summary counts"
    assert sorted(from_events, key=lambda c: c.address) == sorted(from_saved, key=lambda c: c.address)
    assert {c.action for c in from_events} == {"create", "update", "replace", "delete", "read", "forget"}
    assert {c.reason for c in from_events if c.action == "replace"} == {
        "replace_because_cannot_update",
        "replace_by_request",
        "replace_because_tainted",
    }


def planned(address: str, action: str, reason: str | None = None) -> dict[str, Any]:
    change: dict[str, Any] = {
        "resource": {"addr": address, "resource_type": address.split(".")[-2]},
        "action": action,
    }
    if reason:
        change["reason"] = reason
    return {"type": "planned_change", "change": change}


def summary(add: int, change: int, remove: int) -> dict[str, Any]:
    return {"type": "change_summary", "changes": {"add": add, "change": change, "remove": remove}}


def test_events_that_fall_short_send_the_review_to_the_saved_plan() -> None:
    engine = planned("module.database.aws_db_instance.this", "replace", "cannot_update")
    assert changes_from_events([engine, summary(1, 0, 1)]) is not None
    # no summary (the stream was cut), a change missing from the stream, or an action this
    # code does not know: the saved plan decides, so the guard never sees less than it is
    assert changes_from_events([engine]) is None
    assert changes_from_events([engine, summary(2, 0, 1)]) is None
    assert changes_from_events([planned("aws_s3_bucket.static", "obliterate"), summary(0, 0, 1)]) is None
    saved = {"resource_changes": [rc("module.database.aws_db_instance.this", ["delete", "create"])]}
    changes = review([engine], lambda: saved)
    assert [(c.address, c.action) for c in changes] == [("module.database.aws_db_instance.this", "replace")]
    with pytest.raises(DataLossError):
        check_data_loss(changes, allow_data_loss=False)


SECRET = "module.secrets.aws_secretsmanager_secret.this"


def test_the_guard_reads_a_replacement_from_the_events_alone() -> None:
    def no_saved_plan() -> dict[str, Any]:
        raise AssertionError("the events were complete: no terraform show")

    events = [
        planned("module.database.aws_db_instance.this", "replace", "cannot_update"),
        planned("module.network.aws_vpc.this", "move"),
        planned(SECRET, "remove", "delete_because_no_resource_config"),
        summary(1, 0, 1),
    ]
    changes = review(events, no_saved_plan)
    assert [c.line() for c in changes] == [
        "-/+ module.database.aws_db_instance.this (replace: replace because cannot update, DATA LOSS)",
        "  . module.secrets.aws_secretsmanager_secret.this (forget: delete because no resource config)",
    ]
