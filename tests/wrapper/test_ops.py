"""Day-2 operations against the emulator, on resources made directly with boto3 (fast):
secrets round trip and compare-and-swap under concurrent writers, scaling bounds, status
that degrades instead of crashing, pipeline run and migrate."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.standin import add_schedule, add_worker, as_fresh_stack, make_stand_in
from zonke_tf import ops
from zonke_tf.cli.service import status_text
from zonke_tf.errors import OperationError

MANIFEST = json.dumps(
    {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        },
        "layers": [],
    }
)


@pytest.fixture
def stack(aws: Any) -> ops.Stack:
    """A minimal stand-in of a deployed stack: secret, ECS service, scaling target, pipeline, runner."""
    return make_stand_in(aws)


def _service_secrets(stack: ops.Stack) -> list[str]:
    ecs = stack.client("ecs")
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    return sorted(s["name"] for s in td["containerDefinitions"][0]["secrets"])


def test_secrets_round_trip_rolls_the_service(stack: ops.Stack) -> None:
    assert ops.secrets_list(stack) == ["DJANGO_SECRET_KEY"]
    created = ops.secrets_set(stack, "STRIPE_KEY", "sk_test_1")
    assert created.action == "created" and created.rolled and created.task_definition_arn
    assert ops.secrets_get(stack, "STRIPE_KEY") == "sk_test_1"
    assert _service_secrets(stack) == ["DB_PASSWORD", "DJANGO_SECRET_KEY", "STRIPE_KEY"]
    new_td = stack.client("ecs").describe_task_definition(taskDefinition=created.task_definition_arn)
    ref = {s["name"]: s["valueFrom"] for s in new_td["taskDefinition"]["containerDefinitions"][0]["secrets"]}
    assert ref["STRIPE_KEY"] == f"{stack.outputs['secret_arn']}:STRIPE_KEY::"

    updated = ops.secrets_set(stack, "STRIPE_KEY", "sk_test_2")
    assert updated.action == "updated" and updated.task_definition_arn is None
    assert ops.secrets_get(stack, "STRIPE_KEY") == "sk_test_2"

    deleted = ops.secrets_delete(stack, "STRIPE_KEY")
    assert deleted.keys == ["DJANGO_SECRET_KEY"]
    assert _service_secrets(stack) == ["DB_PASSWORD", "DJANGO_SECRET_KEY"]
    with pytest.raises(OperationError, match="no secret named STRIPE_KEY"):
        ops.secrets_get(stack, "STRIPE_KEY")


@pytest.mark.parametrize(
    ("name", "message"),
    [("lower", "not an environment variable name"), ("DB_PASSWORD", "database's own secret")],
)
def test_bad_secret_names_are_refused(stack: ops.Stack, name: str, message: str) -> None:
    with pytest.raises(OperationError, match=message):
        ops.secrets_set(stack, name, "x")
    with pytest.raises(OperationError, match="needed by Django"):
        ops.secrets_delete(stack, "DJANGO_SECRET_KEY")


def test_concurrent_writers_on_different_keys_lose_nothing(stack: ops.Stack) -> None:
    rounds, writers = 15, 4
    errors: list[BaseException] = []
    attempts: list[int] = []

    def writer(n: int) -> None:
        try:
            for r in range(rounds):
                change = ops.secrets_set(stack, f"KEY_{n}", f"value-{n}-{r}", roll=False)
                attempts.append(change.attempts)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    data = json.loads(
        stack.client("secretsmanager").get_secret_value(SecretId=stack.outputs["secret_arn"])["SecretString"]
    )
    assert data == {
        "DJANGO_SECRET_KEY": "k0",
        **{f"KEY_{n}": f"value-{n}-{rounds - 1}" for n in range(writers)},
    }
    assert max(attempts) > 1, "the writers never collided: the test did not exercise compare-and-swap"


def test_a_stale_compare_and_swap_is_refused_by_secrets_manager(stack: ops.Stack) -> None:
    """The mechanism the writers rely on: moving AWSCURRENT from a version it left fails."""
    sm = stack.client("secretsmanager")
    arn = stack.outputs["secret_arn"]
    stale = sm.get_secret_value(SecretId=arn)["VersionId"]
    ops.secrets_set(stack, "OTHER", "x", roll=False)
    sm.put_secret_value(SecretId=arn, ClientRequestToken="a" * 32, SecretString="{}", VersionStages=["P"])
    with pytest.raises(Exception, match=r"AWSCURRENT|InvalidParameter|not attached"):
        sm.update_secret_version_stage(
            SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId="a" * 32, RemoveFromVersionId=stale
        )


def _target(stack: ops.Stack) -> dict[str, Any]:
    aas = stack.client("application-autoscaling")
    found = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/shop-prod/shop-prod"])
    target = found["ScalableTargets"][0]
    ecs = stack.client("ecs")
    arn = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]["serviceArn"]
    tags = {t["key"]: t["value"] for t in ecs.list_tags_for_resource(resourceArn=arn).get("tags", [])}
    return {"min": target["MinCapacity"], "max": target["MaxCapacity"], "tags": tags}


def test_scale_within_and_outside_bounds(stack: ops.Stack) -> None:
    result = ops.scale(stack, 2, 6, desired=3)
    assert result.previous == {"min": 1, "max": 4} and not result.waiting
    # the bounds, and the service's tags Terraform keeps them on (so the next plan changes neither)
    assert _target(stack) == {"min": 2, "max": 6, "tags": {ops.MIN_TAG: "2", ops.MAX_TAG: "6"}}
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["desiredCount"] == 3
    for args, message in (
        ((5, 2, None), "--min 5 is above --max 2"),
        ((0, 2, None), "--min 0 is out of range"),
        ((1, 500, None), "--max 500 is out of range"),
        ((1, 2, 7), "--desired 7 is outside"),
    ):
        with pytest.raises(OperationError, match=message):
            ops.scale(stack, *args)


def test_status_fresh_then_after_a_pipeline_run_and_a_migration(stack: ops.Stack) -> None:
    st = ops.status(stack)
    assert st.site_url == "https://d111.cloudfront.net/"
    assert st.service["desired"] == 1 and st.scaling == {"min": 1, "max": 4}
    assert st.pipeline["last_execution"] is None and st.migration == {"last_run": None}
    # the emulator has no GetPipelineState: status says so instead of crashing
    assert any("GetPipelineState" in note for note in st.unavailable), st.unavailable

    run = ops.pipeline_run(stack, wait=False)
    assert run["execution_id"]
    migration = ops.migrate(stack, wait=True, timeout=30, poll=0.5)
    assert migration["image"].endswith(":abc123")
    assert migration["status"] in ("SUCCEEDED", "RUNNING")

    st = ops.status(stack)
    assert st.pipeline["last_execution"]["id"] == run["execution_id"]
    assert st.migration["last_run"]["execution"] == migration["execution"]


def test_status_says_a_fresh_stack_waits_for_its_first_build(stack: ops.Stack, aws: Any) -> None:
    assert ops.status(stack, ("service",)).service["waiting_for_first_build"] is False
    as_fresh_stack(stack)
    st = ops.status(stack, ("service", "scaling"))
    assert st.service["waiting_for_first_build"] is True and st.service["desired"] == 0
    assert "zonke pipeline run" in st.service["next"] and st.scaling == {"min": 0, "max": 0}
    text = status_text(st)
    assert "Service:    waiting for the first build" in text and "zonke pipeline run" in text
    assert "0 running" not in text and "held at 0 tasks until the first deploy" in text
    # an image pushed under the bootstrap tag by hand: the service has something to run
    aws.client("ecr").create_repository(repositoryName="shop-prod")
    aws.client("ecr").put_image(repositoryName="shop-prod", imageManifest=MANIFEST, imageTag="bootstrap")
    assert ops.status(stack, ("service",)).service["waiting_for_first_build"] is False


def test_scale_while_waiting_records_the_bounds_for_the_first_deploy(stack: ops.Stack) -> None:
    as_fresh_stack(stack)
    with pytest.raises(OperationError, match="waits for its first build"):
        ops.scale(stack, 2, 5, desired=2)
    assert _target(stack)["tags"] == {}, "a refused call changes nothing"
    result = ops.scale(stack, 2, 5)
    assert result.waiting and result.previous == {"min": 0, "max": 0}
    # still held at 0..0 (no task could start); the first deploy reads the tags
    assert _target(stack) == {"min": 0, "max": 0, "tags": {ops.MIN_TAG: "2", ops.MAX_TAG: "5"}}
    svc = stack.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["desiredCount"] == 0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"exit_code": 3}', 3),
        ('{"Containers": [{"Name": "migrate", "ExitCode": 1}]}', 1),
        ("Essential container exited with code 2", 2),
        ("task stopped: CannotPullContainerError", None),
    ],
)
def test_exit_code_is_read_from_the_runner_output(text: str, code: int | None) -> None:
    assert ops._exit_code(text) == code


def test_status_lists_every_worker_with_its_count_and_bounds(stack: ops.Stack) -> None:
    """The stack's worker_services output: each worker's tasks, rollout and bounds, in the
    data (CLI --json, dashboard) and the text; a worker whose service is gone is reported."""
    add_worker(stack, "celery", desired=2, bounds=(1, 3))
    workers = stack.outputs["worker_services"]
    st = ops.status(stack, ("service", "workers"))
    assert st.workers["celery"]["desired"] == 2
    assert (st.workers["celery"]["min"], st.workers["celery"]["max"]) == (1, 3)
    text = status_text(st)
    w = st.workers["celery"]
    assert (
        f"Worker celery: {w['running']} running, {w['pending']} pending, 2 desired; rollout {w['rollout']}"
        in text
    )
    assert "1 to 3 tasks" in text

    stack.outputs["worker_services"] = {**workers, "reports": {**workers["celery"], "service_name": "gone"}}
    st = ops.status(stack, ("workers",))
    assert st.workers == {} and any("worker reports does not exist" in n for n in st.unavailable), (
        st.unavailable
    )
    # without workers, nothing is read or shown
    stack.outputs["worker_services"] = {}
    assert ops.status(stack, ("workers",)).workers == {}


def test_status_shows_each_scheduled_job_its_next_and_last_run_and_failed_runs(stack: ops.Stack) -> None:
    """The stack's schedules output: each job's expression, next run, and the newest run ECS
    still lists (found by the job's task group); failed runs waiting in the queue; a
    disabled job and a missing schedule are told apart."""
    add_schedule(stack, "nightly", "cron(0 3 * * ? *)")
    add_schedule(stack, "sweep", "rate(15 minutes)", state="DISABLED")
    before = datetime.now(UTC)
    st = ops.status(stack, ("schedules",))
    nightly = st.schedules["nightly"]
    assert (nightly["expression"], nightly["timezone"], nightly["state"]) == (
        "cron(0 3 * * ? *)",
        "UTC",
        "ENABLED",
    )
    upcoming = datetime.fromisoformat(nightly["next_run"])
    assert (upcoming.hour, upcoming.minute) == (3, 0) and timedelta(0) < upcoming - before <= timedelta(
        days=1
    )
    assert nightly["last_run"] is None and st.failed_runs == 0
    assert st.schedules["sweep"]["next_run"] is None
    text = status_text(st)
    assert (
        f"Job nightly: cron(0 3 * * ? *) UTC; next {nightly['next_run'][:16].replace('T', ' ')} UTC" in text
    )
    assert "Job sweep: rate(15 minutes) UTC; disabled until the first deploy" in text
    assert "no run in the last hour" in text

    ecs, ec2 = stack.client("ecs"), stack.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.78.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.78.1.0/24")["Subnet"]["SubnetId"]
    # As the network module sets it; the emulator names a task's network interface only then.
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    group = ec2.create_security_group(GroupName="zk-app", Description="app", VpcId=vpc)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
    # a run of the job (its task group), and a task of the family that is no job's run
    [task] = ecs.run_task(
        cluster="shop-prod",
        taskDefinition="shop-prod",
        group="schedule:nightly",
        launchType="FARGATE",
        networkConfiguration=network,
    )["tasks"]
    ecs.run_task(
        cluster="shop-prod",
        taskDefinition="shop-prod",
        group="family:shop-prod",
        launchType="FARGATE",
        networkConfiguration=network,
    )
    st = ops.status(stack, ("schedules",))
    run = st.schedules["nightly"]["last_run"]
    assert run is not None and run["status"] != "STOPPED" and run["succeeded"] is None
    assert st.schedules["sweep"]["last_run"] is None
    ecs.stop_task(cluster="shop-prod", task=task["taskArn"], reason="Essential container in task exited")
    stack.client("sqs").send_message(
        QueueUrl=stack.outputs["schedules"]["nightly"]["failures_queue_url"], MessageBody="{}"
    )
    st = ops.status(stack, ("schedules",))
    run = st.schedules["nightly"]["last_run"]
    # the emulator stops a task's container with exit code 0
    assert (run["status"], run["exit_code"], run["succeeded"]) == ("STOPPED", 0, True)
    assert run["reason"] == "Essential container in task exited"
    assert st.failed_runs == 1
    assert "(time unknown) succeeded" in status_text(st)  # the emulator sets no createdAt
    run["started"] = "2026-12-03T03:00:04+00:00"  # as AWS's createdAt reads
    assert "last run 2026-12-03 03:00 UTC succeeded" in status_text(st)
    run.update(exit_code=1, succeeded=False)
    text = status_text(st)
    assert "FAILED (exit code 1; Essential container in task exited)" in text
    assert "1 failed run(s) waiting in the failed-runs queue" in text

    stack.outputs["schedules"] = {
        **stack.outputs["schedules"],
        "gone": {**stack.outputs["schedules"]["nightly"], "schedule_name": "gone"},
    }
    st = ops.status(stack, ("schedules",))
    assert st.schedules == {} and any("job gone does not exist" in n for n in st.unavailable), st.unavailable
