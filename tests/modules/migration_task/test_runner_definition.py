"""The runner's state machine, read from the plan and executed by a small ASL interpreter.

Terraform renders the definition once (one plan); every other test here is pure Python:
tests/modules/migration_task/asl.py walks the definition as Step Functions would and a fake
answers each AWS call, so each test proves where an execution ends (and with which error
and cause) when ECS reports an exit code, a RunTask failure, a timeout, or a second run.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.modules.migration_task.asl import Outcome, TaskError, run
from tests.modules.migration_task.common import CLUSTER_ARN, REPO, SECURITY_GROUPS, SUBNETS, base_vars
from tests.tfharness import TerraformRoot
from zonke_tf.stepfunctions_ecs import RUN_TASK_PARAMETERS, run_task_problems

TIMEOUT = 1200
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:shop-prod-migrate"
PINNED_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-migrate:8"
MIGRATE = ["python", "manage.py", "migrate", "--noinput"]
EXTRA = [["python", "manage.py", "createcachetable"], ["python", "manage.py", "check", "--deploy"]]
IMAGE = f"{REPO}:0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def definition(make_root) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    root: TerraformRoot = make_root("modules/migration-task").init()
    plan = root.plan(base_vars(extra_release_commands=EXTRA, timeout_seconds=TIMEOUT))
    return dict(json.loads(plan.one("aws_sfn_state_machine")["definition"]))


def stopped_task(number: int, exit_code: int | None, reason: str, stop_code: str) -> dict[str, Any]:
    container: dict[str, Any] = {"Name": "migrate", "LastStatus": "STOPPED"}
    if exit_code is not None:
        container["ExitCode"] = exit_code
    return {
        "TaskArn": f"arn:aws:ecs:us-east-1:123456789012:task/shop-prod/task{number}",
        "LastStatus": "STOPPED",
        "StopCode": stop_code,
        "StoppedReason": reason,
        "Containers": [container],
    }


@dataclass
class FakeAws:
    """Answers the runner's AWS calls. ``runs`` says how each RunTask ends, in order:
    an exit code, ``"timeout"``, ``("failures", reason)``, ``("no-exit", stop code, reason)``
    or ``("error", name, cause)``."""

    runs: list[Any] = field(default_factory=lambda: [0, 0, 0])
    running_executions: int = 1
    registered: list[dict[str, Any]] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    _run_count: int = 0

    def __call__(self, resource: str, params: dict[str, Any]) -> Any:
        action = resource.rsplit(":", 1)[-1]
        if action == "listExecutions":
            assert params["StateMachineArn"] == SM_ARN and params["StatusFilter"] == "RUNNING"
            return {"Executions": [{"name": f"e{i}"} for i in range(self.running_executions)]}
        if action == "describeTaskDefinition":
            assert params["TaskDefinition"] == "shop-prod-migrate"
            return {
                "TaskDefinition": {
                    "Family": "shop-prod-migrate",
                    "Revision": 7,
                    "ContainerDefinitions": [
                        {
                            "Name": "migrate",
                            "Image": f"{REPO}:v1",
                            "Command": MIGRATE,
                            "Environment": [
                                {"Name": "DJANGO_SETTINGS_MODULE", "Value": "shop.settings.prod"}
                            ],
                            "Secrets": [{"Name": "DATABASE_URL", "ValueFrom": "arn:aws:secretsmanager:x"}],
                            "ReadonlyRootFilesystem": True,
                        }
                    ],
                    "Volumes": [{"Name": "tmp"}],
                }
            }
        if action == "registerTaskDefinition":
            self.registered.append(params)
            return {"TaskDefinition": {"TaskDefinitionArn": PINNED_ARN}}
        if action == "runTask.sync":
            self._run_count += 1
            how = self.runs[self._run_count - 1]
            if how == "timeout":
                raise TaskError("States.Timeout", "")
            if isinstance(how, tuple) and how[0] == "failures":
                raise TaskError("AmazonECS.Unknown", json.dumps({"Failures": [{"Reason": how[1]}]}))
            if isinstance(how, tuple) and how[0] == "error":
                raise TaskError(how[1], how[2])
            if isinstance(how, tuple) and how[0] == "no-exit":
                return stopped_task(self._run_count, None, how[2], how[1])
            return stopped_task(
                self._run_count, how, "Essential container in task exited", "EssentialContainerExited"
            )
        if action == "listTasks":
            assert params["Cluster"] == CLUSTER_ARN and params["DesiredStatus"] == "RUNNING"
            assert "StartedBy" not in params  # Step Functions owns startedBy: not a usable filter
            return {"TaskArns": [f"arn:aws:ecs:us-east-1:123456789012:task/shop-prod/of-{params['Family']}"]}
        if action == "stopTask":
            self.stopped.append(params["Task"])
            return {"Task": {}}
        raise AssertionError(f"unexpected call {resource}")


def execute(definition: dict[str, Any], aws: FakeAws, image: Any = IMAGE) -> Outcome:
    state_input = {} if image is None else {"image": image}
    return run(definition, state_input, aws, execution_name="pipeline-abc123")


def commands_run(outcome: Outcome) -> list[list[str]]:
    return [
        c.parameters["Overrides"]["ContainerOverrides"][0]["Command"]
        for c in outcome.calls_to("runTask.sync")
    ]


def test_success_pins_the_image_and_runs_every_command_in_order(definition: dict[str, Any]) -> None:
    aws = FakeAws()
    outcome = execute(definition, aws)
    assert outcome.status == "SUCCEEDED", outcome
    assert outcome.output == {
        "image": IMAGE,
        "taskDefinitionArn": PINNED_ARN,
        "lastTaskArn": "arn:aws:ecs:us-east-1:123456789012:task/shop-prod/task3",
        "steps": 3,
    }
    [registered] = aws.registered
    [container] = registered["ContainerDefinitions"]
    assert container["Image"] == IMAGE  # pinned to the image being deployed
    assert container["Secrets"] == [{"Name": "DATABASE_URL", "ValueFrom": "arn:aws:secretsmanager:x"}]
    assert container["Command"] == MIGRATE and container["ReadonlyRootFilesystem"] is True
    assert registered["Family"] == "shop-prod-migrate" and registered["Volumes"] == [{"Name": "tmp"}]
    assert {"Key": "zonke:image", "Value": IMAGE} in registered["Tags"]
    assert {"Key": "zonke:migration-execution", "Value": "pipeline-abc123"} in registered["Tags"]
    assert commands_run(outcome) == [MIGRATE, *EXTRA]
    for call in outcome.calls_to("runTask.sync"):
        p = call.parameters
        assert p["TaskDefinition"] == PINNED_ARN and p["Cluster"] == CLUSTER_ARN
        assert p["LaunchType"] == "FARGATE" and "StartedBy" not in p
        assert p["NetworkConfiguration"] == {
            "AwsvpcConfiguration": {
                "Subnets": SUBNETS,
                "SecurityGroups": SECURITY_GROUPS,
                "AssignPublicIp": "DISABLED",
            }
        }


def test_non_zero_exit_fails_with_the_exit_code_and_stop_reason(definition: dict[str, Any]) -> None:
    aws = FakeAws(runs=[0, 3, 0])
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.Failed")
    assert outcome.cause == (
        "Step 2 of 3 (python manage.py createcachetable) exited with code 3. "
        "Stop reason: Essential container in task exited. "
        "Task: arn:aws:ecs:us-east-1:123456789012:task/shop-prod/task2"
    )
    assert commands_run(outcome) == [MIGRATE, EXTRA[0]]  # the third command never ran


def test_failed_migration_stops_before_the_release_commands(definition: dict[str, Any]) -> None:
    outcome = execute(definition, FakeAws(runs=[1]))
    assert outcome.error == "Migration.Failed"
    assert (
        outcome.cause is not None
        and "Step 1 of 3 (python manage.py migrate --noinput) exited with code 1" in outcome.cause
    )
    assert commands_run(outcome) == [MIGRATE]


def test_task_stopped_before_its_container_exited(definition: dict[str, Any]) -> None:
    reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
    outcome = execute(definition, FakeAws(runs=[("no-exit", "TaskFailedToStart", reason)]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.StoppedBeforeExit")
    assert outcome.cause is not None
    assert f"stopped before its container exited (TaskFailedToStart): {reason}" in outcome.cause


def test_runtask_failures_mean_the_task_could_not_start(definition: dict[str, Any]) -> None:
    outcome = execute(definition, FakeAws(runs=[("failures", "RESOURCE:ENI")]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.CouldNotStart")
    assert outcome.cause is not None and "RESOURCE:ENI" in outcome.cause
    assert outcome.cause.startswith("Step 1 of 3 (python manage.py migrate --noinput) could not start")


def test_any_other_task_error_fails_with_its_cause(definition: dict[str, Any]) -> None:
    cause = json.dumps(
        {"Containers": [{"ExitCode": 2}], "StoppedReason": "Essential container in task exited"}
    )
    outcome = execute(definition, FakeAws(runs=[("error", "States.TaskFailed", cause)]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.Failed")
    assert (
        outcome.cause is not None
        and "States.TaskFailed" in outcome.cause
        and '"ExitCode": 2' in outcome.cause
    )


def test_timeout_stops_the_task_and_fails(definition: dict[str, Any]) -> None:
    aws = FakeAws(runs=[0, "timeout"])
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.TimedOut")
    assert outcome.cause == (
        f"Step 2 of 3 (python manage.py createcachetable) did not finish within {TIMEOUT} seconds; "
        "its task was stopped."
    )
    # Found by the migration family (one run at a time), not by startedBy.
    assert aws.stopped == ["arn:aws:ecs:us-east-1:123456789012:task/shop-prod/of-shop-prod-migrate"]


def test_every_run_has_the_timeout_and_the_execution_a_backstop(definition: dict[str, Any]) -> None:
    runs = {n: s for n, s in definition["States"].items() if s.get("Resource", "").endswith("runTask.sync")}
    assert sorted(runs) == ["Step1Run", "Step2Run", "Step3Run"]
    for state in runs.values():
        assert state["TimeoutSeconds"] == TIMEOUT
        assert [c["ErrorEquals"] for c in state["Catch"]] == [
            ["States.Timeout"],
            ["AmazonECS.Unknown"],
            ["States.ALL"],
        ]
    assert definition["TimeoutSeconds"] == 3 * TIMEOUT + 600


def test_a_second_run_of_the_same_app_does_not_start(definition: dict[str, Any]) -> None:
    aws = FakeAws(running_executions=2)
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.AlreadyRunning")
    assert [c.resource for c in outcome.calls] == ["arn:aws:states:::aws-sdk:sfn:listExecutions"]
    assert aws.registered == []


@pytest.mark.parametrize(
    "image",
    [
        None,
        42,
        "docker.io/library/python:3.12",
        f"{REPO}-other:v1",  # a repository whose name starts like the app's
        REPO,  # no tag
    ],
)
def test_only_an_image_of_the_app_repository_is_accepted(definition: dict[str, Any], image: Any) -> None:
    aws = FakeAws()
    outcome = execute(definition, aws, image=image)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.InvalidInput")
    assert outcome.calls == []


def test_an_image_digest_is_accepted(definition: dict[str, Any]) -> None:
    digest = f"{REPO}@sha256:{'a' * 64}"
    aws = FakeAws()
    assert execute(definition, aws, image=digest).status == "SUCCEEDED"
    assert aws.registered[0]["ContainerDefinitions"][0]["Image"] == digest


def test_the_interpreter_tells_a_runner_without_the_exit_code_check(definition: dict[str, Any]) -> None:
    """A runner that skips the exit-code Choice would pass a failed migration: the tests above
    would catch it, because the interpreter really follows the definition."""
    broken = copy.deepcopy(definition)
    broken["States"]["Step1Check"] = {"Type": "Pass", "Next": "Step2Begin"}
    outcome = execute(broken, FakeAws(runs=[1, 0, 0]))
    assert outcome.status == "SUCCEEDED"
    assert execute(definition, FakeAws(runs=[1, 0, 0])).status == "FAILED"


def test_every_run_task_state_uses_only_documented_parameters(definition: dict[str, Any]) -> None:
    """AWS rejects (or overwrites) RunTask parameters the optimized integration does not
    list; the emulator accepts anything, so the definition is checked against the set."""
    assert run_task_problems(definition) == []
    used = {
        k.removesuffix(".$")
        for s in definition["States"].values()
        if s.get("Resource", "").endswith("runTask.sync")
        for k in s["Parameters"]
    }
    assert used <= RUN_TASK_PARAMETERS and {"Cluster", "TaskDefinition"} <= used


def test_the_parameter_check_refuses_what_the_integration_does_not_accept(definition: dict[str, Any]) -> None:
    bad = copy.deepcopy(definition)
    params = bad["States"]["Step2Run"]["Parameters"]
    params["StartedBy.$"] = "$$.Execution.Name"
    params["EnableECSManagedTags"] = True
    params["Overrides"]["TaskRoleArn"] = "arn:aws:iam::123456789012:role/x"
    problems = run_task_problems(bad)
    assert len(problems) == 3
    assert all(p.startswith("state Step2Run: ") for p in problems)
    assert any("StartedBy" in p for p in problems) and any("EnableECSManagedTags" in p for p in problems)
    assert any("Overrides.TaskRoleArn" in p for p in problems)
