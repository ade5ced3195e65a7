"""`zonke apply` shows the plan, asks on AWS, refuses data loss, and applies exactly the saved
plan. Terraform is replaced by a fake workspace so each rule is checked on its own."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from zonke_tf import cli
from zonke_tf.cli import stack as stack_commands
from zonke_tf.engine import RunResult
from zonke_tf.target import AwsTarget, LocalTarget

REPLACE_DB = {
    "resource_changes": [
        {
            "address": "module.database.aws_db_instance.this",
            "type": "aws_db_instance",
            "change": {"actions": ["delete", "create"]},
            "action_reason": "replace_because_cannot_update",
        },
        {
            "address": "module.service.aws_ecs_service.this",
            "type": "aws_ecs_service",
            "change": {"actions": ["update"]},
        },
    ]
}
UPDATE_ONLY = {"resource_changes": [REPLACE_DB["resource_changes"][1]]}


@dataclass
class FakeWorkspace:
    plan_json: dict[str, Any]
    target: Any = field(default_factory=AwsTarget)
    calls: list[str] = field(default_factory=list)
    root: str = "/tmp/stack"
    app_image_exists: bool | None = True

    def prepare(self, probe: bool = True) -> None:
        # plan and apply look up whether the service has an image to run
        self.calls.append("prepare" if probe else "prepare without look-up")

    def init(self) -> None:
        self.calls.append("init")

    def plan(self, on_event: Any = None) -> RunResult:
        self.calls.append("plan")
        return RunResult(exit_code=2)

    def saved_plan(self) -> dict[str, Any]:
        return self.plan_json

    def apply_saved_plan(self, on_event: Any = None) -> RunResult:
        self.calls.append("apply-saved")
        return RunResult(exit_code=0)

    def apply(self, on_event: Any = None) -> Any:
        raise AssertionError("a re-plan with -auto-approve must never run")

    def outputs(self) -> dict[str, Any]:
        return {}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(stack_commands, "save_outputs", lambda ws, outputs: None)
    holder: dict[str, FakeWorkspace] = {}

    def use(ws: FakeWorkspace) -> FakeWorkspace:
        holder["ws"] = ws
        monkeypatch.setattr(stack_commands, "_workspace", lambda args, console, start_emulator=True: ws)
        return ws

    return use


def test_a_database_replacement_is_refused_and_nothing_is_applied(fake: Any, capsys: Any) -> None:
    ws = fake(FakeWorkspace(REPLACE_DB))
    code = cli.main(["apply", "--yes", "--json"])
    assert code != 0
    doc = json.loads(capsys.readouterr().out)
    assert "module.database.aws_db_instance.this" in doc["error"] and "--allow-data-loss" in doc["error"]
    assert "apply-saved" not in ws.calls


def test_allow_data_loss_applies_the_saved_plan(fake: Any, capsys: Any) -> None:
    ws = fake(FakeWorkspace(REPLACE_DB))
    assert cli.main(["apply", "--yes", "--allow-data-loss"]) == 0
    assert ws.calls[-1] == "apply-saved"
    out = capsys.readouterr().out
    assert (
        "-/+ module.database.aws_db_instance.this (replace: replace because cannot update, DATA LOSS)" in out
    )
    assert "  ~ module.service.aws_ecs_service.this (update)" in out


def test_aws_asks_and_automation_needs_yes(fake: Any, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    ws = fake(FakeWorkspace(UPDATE_ONLY))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["apply"]) != 0  # no terminal, no --yes: nothing applied
    assert "pass --yes" in capsys.readouterr().err and "apply-saved" not in ws.calls
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert cli.main(["apply"]) != 0 and "apply-saved" not in ws.calls
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert cli.main(["apply"]) == 0 and ws.calls[-1] == "apply-saved"


def test_local_applies_without_asking(fake: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ws = fake(FakeWorkspace(UPDATE_ONLY, target=LocalTarget("http://127.0.0.1:9")))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli.main(["apply", "--local"]) == 0 and ws.calls[-1] == "apply-saved"


def test_apply_of_a_fresh_stack_says_it_waits_for_the_first_build(
    fake: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = fake(FakeWorkspace(UPDATE_ONLY, target=LocalTarget("http://127.0.0.1:9"), app_image_exists=False))
    assert cli.main(["apply", "--local"]) == 0
    assert ws.calls[0] == "prepare"
    assert "runs no tasks until the first build" in capsys.readouterr().err
