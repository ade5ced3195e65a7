"""Plan tests of modules/migration-task: an entry point and a command prefix (the stack's
container start wrapper) reach the task definition and every command the runner starts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.migration_task.common import base_vars
from tests.support import PlanResult, TerraformRoot

WRAPPER = ["python", "-c", "print('start')", "postgres", "sslmode=require"]
RELEASE = [["python", "manage.py", "createcachetable"]]


@pytest.fixture(scope="module")
def migration(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/migration-task").init()


def container(plan: PlanResult) -> dict[str, Any]:
    [definition] = json.loads(plan.one("aws_ecs_task_definition")["container_definitions"])
    return dict(definition)


def run_commands(plan: PlanResult) -> list[list[str]]:
    states = json.loads(plan.one("aws_sfn_state_machine")["definition"])["States"]
    runs = sorted(k for k in states if k.startswith("Step") and k.endswith("Run"))
    return [states[k]["Parameters"]["Overrides"]["ContainerOverrides"][0]["Command"] for k in runs]


def shown_commands(plan: PlanResult) -> list[str]:
    states = json.loads(plan.one("aws_sfn_state_machine")["definition"])["States"]
    begins = sorted(k for k in states if k.startswith("Step") and k.endswith("Begin"))
    return [states[k]["Result"]["command"] for k in begins]


def test_prefix_runs_before_every_command_and_the_entry_point_replaces_the_image_one(
    migration: TerraformRoot,
) -> None:
    plan = migration.plan(base_vars(entry_point=WRAPPER, extra_release_commands=RELEASE))
    app = container(plan)
    assert app["entryPoint"] == WRAPPER
    assert app["command"] == ["python", "manage.py", "migrate", "--noinput"]
    plan = migration.plan(base_vars(command_prefix=WRAPPER, extra_release_commands=RELEASE))
    app = container(plan)
    assert "entryPoint" not in app  # the image's ENTRYPOINT runs, and gets the wrapper first
    assert app["command"] == [*WRAPPER, "python", "manage.py", "migrate", "--noinput"]
    assert run_commands(plan) == [
        [*WRAPPER, "python", "manage.py", "migrate", "--noinput"],
        [*WRAPPER, "python", "manage.py", "createcachetable"],
    ]
    # failure messages name the command, not the wrapper
    assert shown_commands(plan) == ["python manage.py migrate --noinput", "python manage.py createcachetable"]


def test_defaults_keep_the_image_entry_point_and_the_bare_command(migration: TerraformRoot) -> None:
    plan = migration.plan(base_vars())
    app = container(plan)
    assert "entryPoint" not in app
    assert app["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert run_commands(plan) == [["python", "manage.py", "migrate", "--noinput"]]
