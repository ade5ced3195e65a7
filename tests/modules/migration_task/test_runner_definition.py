"""The runner's state machine, read from the plan and executed by a small ASL interpreter.

Terraform renders the definition once (one plan); tests/modules/migration_task/asl.py walks
it as Step Functions would. A fake answers the ECS calls; the DynamoDB calls of the
migration lock go to the emulator's DynamoDB (a table created from the planned one), so the
lock's condition expressions are evaluated by a real implementation. Each test proves where
an execution ends (and with which error and cause) when ECS reports an exit code, a RunTask
failure, a timeout, or when another run holds the lock, and that every way out after the
lock was taken releases it.
"""

from __future__ import annotations

import copy
import functools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.modules.migration_task.asl import Outcome, TaskError, run
from tests.modules.migration_task.common import CLUSTER_ARN, REPO, SECURITY_GROUPS, SUBNETS, base_vars
from tests.support import TerraformRoot
from zonke_tf import ops
from zonke_tf.stepfunctions_ecs import RUN_TASK_PARAMETERS, run_task_problems

TIMEOUT = 1200
SM_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:shop-prod-migrate"
PINNED_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-migrate:8"
MIGRATE = ["python", "manage.py", "migrate", "--noinput"]
EXTRA = [["python", "manage.py", "createcachetable"], ["python", "manage.py", "check", "--deploy"]]
IMAGE = f"{REPO}:0123456789abcdef0123456789abcdef01234567"


LOCK_TABLE = "shop-prod-migration-lock"


@pytest.fixture(scope="module")
def planned(make_root) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    root: TerraformRoot = make_root("modules/migration-task").init()
    plan = root.plan(base_vars(extra_release_commands=EXTRA, timeout_seconds=TIMEOUT))
    return {
        "definition": json.loads(plan.one("aws_sfn_state_machine")["definition"]),
        "table": plan.one("aws_dynamodb_table"),
        "lease": plan.outputs["lock_lease_seconds"],
    }


@pytest.fixture(scope="module")
def definition(planned: dict[str, Any]) -> dict[str, Any]:
    return dict(planned["definition"])


def create_lock_table(ddb: Any, table: dict[str, Any]) -> None:
    """The planned lock table, in the emulator (its name, key and attribute types)."""
    ddb.create_table(
        TableName=table["name"],
        KeySchema=[{"AttributeName": table["hash_key"], "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in table["attribute"]
        ],
        BillingMode=table["billing_mode"],
    )


@pytest.fixture
def ddb(aws: Any, planned: dict[str, Any]) -> Any:
    client = aws.client("dynamodb")
    create_lock_table(client, planned["table"])
    return client


def lock_item(ddb: Any) -> dict[str, Any] | None:
    got = ddb.get_item(TableName=LOCK_TABLE, Key={"lock_id": {"S": "migration"}}, ConsistentRead=True)
    item = got.get("Item")
    return None if item is None else {k: next(iter(v.values())) for k, v in item.items()}


def put_lock(ddb: Any, holder: str, expires_in: int, image: str = IMAGE) -> None:
    ddb.put_item(
        TableName=LOCK_TABLE,
        Item={
            "lock_id": {"S": "migration"},
            "holder": {"S": holder},
            "execution": {"S": f"arn:aws:states:us-east-1:123456789012:execution:shop-prod-migrate:{holder}"},
            "image": {"S": image},
            "acquired_at": {"S": "2026-12-02T10:00:00.000Z"},
            "expires_at": {"N": str(int(time.time()) + expires_in)},
        },
    )


DYNAMODB_CALLS = {"putItem": "put_item", "getItem": "get_item", "deleteItem": "delete_item"}


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
    ddb: Any = None  # the emulator's DynamoDB, for the lock
    fail: str | None = None  # an ECS action that answers with an error
    registered: list[dict[str, Any]] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)
    lock_during_runs: list[dict[str, Any] | None] = field(default_factory=list)
    before_get: Any = None  # called before the lock holder is read
    on_run: Any = None  # called when a step's task runs
    _run_count: int = 0

    def __call__(self, resource: str, params: dict[str, Any]) -> Any:
        action = resource.rsplit(":", 1)[-1]
        if ":::dynamodb:" in resource:
            assert self.ddb is not None, "this test has no DynamoDB"
            if action == "getItem" and self.before_get:
                self.before_get()
            try:
                return getattr(self.ddb, DYNAMODB_CALLS[action])(**params)
            except ClientError as exc:  # as the optimized integration names it
                raise TaskError(f"DynamoDB.{exc.response['Error']['Code']}", str(exc)) from None
        if action == self.fail:
            raise TaskError("ECS.AccessDeniedException", f"not allowed to {action}")
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
            self.lock_during_runs.append(lock_item(self.ddb) if self.ddb is not None else None)
            if self.on_run:
                self.on_run()
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


def test_success_pins_the_image_and_runs_every_command_in_order(ddb: Any, definition: dict[str, Any]) -> None:
    aws = FakeAws(ddb=ddb)
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


def test_non_zero_exit_fails_with_the_exit_code_and_stop_reason(ddb: Any, definition: dict[str, Any]) -> None:
    aws = FakeAws(ddb=ddb, runs=[0, 3, 0])
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.Failed")
    assert outcome.cause == (
        "Step 2 of 3 (python manage.py createcachetable) exited with code 3. "
        "Stop reason: Essential container in task exited. "
        "Task: arn:aws:ecs:us-east-1:123456789012:task/shop-prod/task2"
    )
    assert commands_run(outcome) == [MIGRATE, EXTRA[0]]  # the third command never ran


def test_failed_migration_stops_before_the_release_commands(ddb: Any, definition: dict[str, Any]) -> None:
    outcome = execute(definition, FakeAws(ddb=ddb, runs=[1]))
    assert outcome.error == "Migration.Failed"
    assert (
        outcome.cause is not None
        and "Step 1 of 3 (python manage.py migrate --noinput) exited with code 1" in outcome.cause
    )
    assert commands_run(outcome) == [MIGRATE]


def test_task_stopped_before_its_container_exited(ddb: Any, definition: dict[str, Any]) -> None:
    reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
    outcome = execute(definition, FakeAws(ddb=ddb, runs=[("no-exit", "TaskFailedToStart", reason)]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.StoppedBeforeExit")
    assert outcome.cause is not None
    assert f"stopped before its container exited (TaskFailedToStart): {reason}" in outcome.cause


def test_runtask_failures_mean_the_task_could_not_start(ddb: Any, definition: dict[str, Any]) -> None:
    outcome = execute(definition, FakeAws(ddb=ddb, runs=[("failures", "RESOURCE:ENI")]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.CouldNotStart")
    assert outcome.cause is not None and "RESOURCE:ENI" in outcome.cause
    assert outcome.cause.startswith("Step 1 of 3 (python manage.py migrate --noinput) could not start")


def test_any_other_task_error_fails_with_its_cause(ddb: Any, definition: dict[str, Any]) -> None:
    cause = json.dumps(
        {"Containers": [{"ExitCode": 2}], "StoppedReason": "Essential container in task exited"}
    )
    outcome = execute(definition, FakeAws(ddb=ddb, runs=[("error", "States.TaskFailed", cause)]))
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.Failed")
    assert (
        outcome.cause is not None
        and "States.TaskFailed" in outcome.cause
        and '"ExitCode": 2' in outcome.cause
    )


def test_timeout_stops_the_task_and_fails(ddb: Any, definition: dict[str, Any]) -> None:
    aws = FakeAws(ddb=ddb, runs=[0, "timeout"])
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.TimedOut")
    assert outcome.cause == (
        f"Step 2 of 3 (python manage.py createcachetable) did not finish within {TIMEOUT} seconds; "
        "its task was stopped."
    )
    # Found by the migration family (one run at a time), not by startedBy.
    assert aws.stopped == ["arn:aws:ecs:us-east-1:123456789012:task/shop-prod/of-shop-prod-migrate"]


def test_every_run_has_the_timeout_and_the_execution_a_backstop(ddb: Any, definition: dict[str, Any]) -> None:
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
def test_only_an_image_of_the_app_repository_is_accepted(
    ddb: Any, definition: dict[str, Any], image: Any
) -> None:
    aws = FakeAws(ddb=ddb)
    outcome = execute(definition, aws, image=image)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.InvalidInput")
    assert outcome.calls == []


def test_an_image_digest_is_accepted(ddb: Any, definition: dict[str, Any]) -> None:
    digest = f"{REPO}@sha256:{'a' * 64}"
    aws = FakeAws(ddb=ddb)
    assert execute(definition, aws, image=digest).status == "SUCCEEDED"
    assert aws.registered[0]["ContainerDefinitions"][0]["Image"] == digest


def test_the_interpreter_tells_a_runner_without_the_exit_code_check(
    ddb: Any, definition: dict[str, Any]
) -> None:
    """A runner that skips the exit-code Choice would pass a failed migration: the tests above
    would catch it, because the interpreter really follows the definition."""
    broken = copy.deepcopy(definition)
    broken["States"]["Step1Check"] = {"Type": "Pass", "Next": "Step2Begin"}
    outcome = execute(broken, FakeAws(ddb=ddb, runs=[1, 0, 0]))
    assert outcome.status == "SUCCEEDED"
    assert execute(definition, FakeAws(ddb=ddb, runs=[1, 0, 0])).status == "FAILED"


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


# --------------------------------------------------------------------------- the migration lock

EXIT_PATHS = {
    "success": ({"runs": [0, 0, 0]}, "SUCCEEDED", None),
    "exit code": ({"runs": [0, 3]}, "FAILED", "Migration.Failed"),
    "stopped before exit": (
        {"runs": [("no-exit", "TaskFailedToStart", "x")]},
        "FAILED",
        "Migration.StoppedBeforeExit",
    ),
    "runtask failures": ({"runs": [("failures", "RESOURCE:ENI")]}, "FAILED", "Migration.CouldNotStart"),
    "runtask error": ({"runs": [("error", "States.TaskFailed", "boom")]}, "FAILED", "Migration.Failed"),
    "timeout": ({"runs": [0, "timeout"]}, "FAILED", "Migration.TimedOut"),
    "describe fails": ({"fail": "describeTaskDefinition"}, "FAILED", "Migration.CouldNotPrepare"),
    "register fails": ({"fail": "registerTaskDefinition"}, "FAILED", "Migration.CouldNotPrepare"),
}


@pytest.mark.parametrize("path", sorted(EXIT_PATHS))
def test_every_exit_path_releases_the_lock_it_held(ddb: Any, planned: dict[str, Any], path: str) -> None:
    how, status, error = EXIT_PATHS[path]
    aws = FakeAws(ddb=ddb, **how)
    before = int(time.time())
    outcome = execute(planned["definition"], aws)
    assert (outcome.status, outcome.error) == (status, error), outcome
    assert lock_item(ddb) is None  # released
    assert [c.state for c in outcome.calls_to("dynamodb:deleteItem")] == [
        "ReleaseLockAfterSuccess" if status == "SUCCEEDED" else "ReleaseLockAfterFailure"
    ]
    # While the steps ran, the lock was this execution's, for the whole lease.
    for held in aws.lock_during_runs:
        assert held is not None and held["holder"] == "pipeline-abc123" and held["image"] == IMAGE
        assert before + planned["lease"] <= int(held["expires_at"]) <= int(time.time()) + planned["lease"]


def test_the_lease_outlives_the_execution(definition: dict[str, Any], planned: dict[str, Any]) -> None:
    assert planned["lease"] == definition["TimeoutSeconds"] + 300


def test_a_second_run_starts_nothing_and_names_the_holder(ddb: Any, definition: dict[str, Any]) -> None:
    other = f"{REPO}:feedface"
    put_lock(ddb, "zonke-cli-20261202T100000-abc123", expires_in=3600, image=other)
    aws = FakeAws(ddb=ddb)
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.AlreadyRunning")
    assert outcome.cause == (
        "Another migration run of shop-prod holds the lock: zonke-cli-20261202T100000-abc123 "
        f"(image {other}), since 2026-12-02T10:00:00.000Z. "
        "This run started nothing; run it again once that one has finished."
    )
    assert [c.state for c in outcome.calls] == ["AcquireLock", "ReadLockHolder"]
    assert aws.registered == []
    held = lock_item(ddb)
    assert held is not None and held["holder"] == "zonke-cli-20261202T100000-abc123"  # untouched


def test_a_lock_released_between_the_put_and_the_read(ddb: Any, definition: dict[str, Any]) -> None:
    put_lock(ddb, "pipeline-other", expires_in=3600)
    aws = FakeAws(
        ddb=ddb, before_get=lambda: ddb.delete_item(TableName=LOCK_TABLE, Key={"lock_id": {"S": "migration"}})
    )
    outcome = execute(definition, aws)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.AlreadyRunning")
    assert outcome.cause is not None and "has just released it" in outcome.cause
    assert aws.registered == []


def test_an_expired_lock_of_a_crashed_holder_is_taken_over(ddb: Any, definition: dict[str, Any]) -> None:
    put_lock(ddb, "pipeline-crashed", expires_in=-1)
    aws = FakeAws(ddb=ddb)
    assert execute(definition, aws).status == "SUCCEEDED"
    assert [h["holder"] for h in aws.lock_during_runs if h] == ["pipeline-abc123"] * 3
    assert lock_item(ddb) is None


def test_a_lock_taken_in_this_executions_name_is_its_own(ddb: Any, definition: dict[str, Any]) -> None:
    """`zonke migrate` takes the lock in the name of the execution it then starts."""
    put_lock(ddb, "pipeline-abc123", expires_in=3600)
    assert execute(definition, FakeAws(ddb=ddb)).status == "SUCCEEDED"
    assert lock_item(ddb) is None


def test_a_missing_lock_table_stops_the_run_before_anything_runs(
    aws: Any, definition: dict[str, Any]
) -> None:
    fake = FakeAws(ddb=aws.client("dynamodb"))  # the emulator was reset: no table
    outcome = execute(definition, fake)
    assert (outcome.status, outcome.error) == ("FAILED", "Migration.LockUnavailable")
    assert outcome.cause is not None and "ResourceNotFoundException" in outcome.cause
    assert fake.registered == [] and outcome.calls_to("runTask.sync") == []


def test_invalid_input_never_touches_the_lock(ddb: Any, definition: dict[str, Any]) -> None:
    put_lock(ddb, "pipeline-other", expires_in=3600)
    outcome = execute(definition, FakeAws(ddb=ddb), image="docker.io/library/python:3.12")
    assert outcome.error == "Migration.InvalidInput" and outcome.calls == []
    held = lock_item(ddb)
    assert held is not None and held["holder"] == "pipeline-other"


# --------------------------------------------------------------------------- two starters at once
# The pipeline starts the runner (its execution takes the lock in AcquireLock); a person starts
# it with `zonke migrate` (ops.migrate takes the lock first, in the name of the execution it
# then starts). Both go to the emulator's DynamoDB, whose server handles one request at a
# time, so a conditional write is atomic as on AWS (tests/emulator/test_dynamodb_conditional_writes.py).


@pytest.fixture
def stack(aws: Any, ddb: Any, planned: dict[str, Any]) -> ops.Stack:
    """What ops.migrate reads: the live image (an ECS service) and the runner, plus the lock table."""
    ecs = aws.client("ecs")
    ecs.create_cluster(clusterName="shop-prod")
    td = ecs.register_task_definition(
        family="shop-prod",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "django", "image": IMAGE, "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster="shop-prod", serviceName="shop-prod", taskDefinition=td, desiredCount=1)
    machine = aws.client("stepfunctions").create_state_machine(
        name="shop-prod-migrate",
        roleArn="arn:aws:iam::123456789012:role/shop-prod-migrate-runner",
        definition=json.dumps(planned["definition"]),
    )["stateMachineArn"]
    outputs = {
        "cluster_name": "shop-prod",
        "service_name": "shop-prod",
        "container_name": "django",
        "migration_state_machine_arn": machine,
        "migration_lock_table_name": LOCK_TABLE,
        "migration_lock_lease_seconds": planned["lease"],
    }
    return ops.Stack(outputs=outputs, client=aws.client)


def migrate_by_hand(
    stack: ops.Stack, barrier: threading.Barrier, cli: dict[str, Any], done: threading.Event
) -> None:
    """`zonke migrate` in a thread: its result, or the lock error, lands in ``cli``."""
    barrier.wait()
    try:
        cli["result"] = ops.migrate(stack)
    except ops.MigrationLockedError as exc:
        cli["locked"] = exc
    finally:
        done.set()


def test_the_pipeline_and_zonke_migrate_started_together_exactly_one_runs(
    stack: ops.Stack, ddb: Any, definition: dict[str, Any]
) -> None:
    winners = []
    for round_ in range(6):
        ddb.delete_item(TableName=LOCK_TABLE, Key={"lock_id": {"S": "migration"}})
        barrier, cli_done = threading.Barrier(2), threading.Event()
        cli: dict[str, Any] = {}
        # The pipeline's run keeps its steps going until the person's attempt is over, so
        # both really overlap (a run that ends releases the lock, and a later start is fine).
        pipeline = FakeAws(ddb=ddb, on_run=functools.partial(cli_done.wait, 20))
        thread = threading.Thread(target=migrate_by_hand, args=(stack, barrier, cli, cli_done))
        thread.start()
        barrier.wait()
        outcome = run(definition, {"image": IMAGE}, pipeline, execution_name=f"pipeline-{round_}")
        thread.join(30)

        if "result" in cli:  # the person's run won: the pipeline's started nothing
            name = cli["result"]["execution"].rsplit(":", 1)[-1]
            assert (outcome.status, outcome.error) == ("FAILED", "Migration.AlreadyRunning"), outcome
            assert outcome.cause is not None and f"holds the lock: {name} (image {IMAGE})" in outcome.cause
            assert pipeline.registered == [] and outcome.calls_to("runTask.sync") == []
            held = lock_item(ddb)
            assert held is not None and held["holder"] == name
            winners.append("cli")
        else:  # the pipeline's run won: the person is told who holds the lock
            locked = cli["locked"]
            assert outcome.status == "SUCCEEDED", outcome
            assert locked.holder["holder"] == f"pipeline-{round_}" and locked.holder["image"] == IMAGE
            assert f"holds the lock: pipeline-{round_} (image {IMAGE})" in str(locked)
            assert lock_item(ddb) is None  # released when it ended
            winners.append("pipeline")
    assert len(winners) == 6


def test_two_people_running_zonke_migrate_at_once_start_one_run(stack: ops.Stack, ddb: Any) -> None:
    barrier = threading.Barrier(4)
    started: list[dict[str, Any]] = []
    refused: list[ops.MigrationLockedError] = []

    def by_hand() -> None:
        barrier.wait()
        try:
            started.append(ops.migrate(stack))
        except ops.MigrationLockedError as exc:
            refused.append(exc)

    threads = [threading.Thread(target=by_hand) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(started) == 1 and len(refused) == 3
    name = started[0]["execution"].rsplit(":", 1)[-1]
    assert all(exc.holder["holder"] == name for exc in refused)
    executions = stack.client("stepfunctions").list_executions(
        stateMachineArn=stack.out("migration_state_machine_arn")
    )["executions"]
    assert [e["name"] for e in executions] == [name]


def test_the_runner_takes_over_the_lock_zonke_migrate_took_for_it(
    stack: ops.Stack, ddb: Any, definition: dict[str, Any]
) -> None:
    ops.lock_take(stack, "pipeline-abc123", IMAGE)  # as ops.migrate does before StartExecution
    aws = FakeAws(ddb=ddb)
    assert execute(definition, aws).status == "SUCCEEDED"
    assert [h["holder"] for h in aws.lock_during_runs if h] == ["pipeline-abc123"] * 3
    assert lock_item(ddb) is None


def test_zonke_migrate_takes_an_expired_lock(stack: ops.Stack, ddb: Any) -> None:
    put_lock(ddb, "pipeline-crashed", expires_in=-5)
    result = ops.migrate(stack)
    held = lock_item(ddb)
    assert held is not None and held["holder"] == result["execution"].rsplit(":", 1)[-1]
    assert int(held["expires_at"]) >= int(time.time()) + stack.out("migration_lock_lease_seconds") - 5


def test_zonke_migrate_releases_the_lock_when_the_run_cannot_start(stack: ops.Stack, ddb: Any) -> None:
    missing = dict(stack.outputs)
    missing["migration_state_machine_arn"] = stack.out("migration_state_machine_arn") + "-gone"
    broken = ops.Stack(outputs=missing, client=stack.client)
    with pytest.raises(ClientError):
        ops.migrate(broken)
    assert lock_item(ddb) is None
