"""One-off tasks, shell prerequisites, logs, releases and rollback against the emulator, on a
stand-in stack made directly with boto3 (fast): a VPC, an ECS service with the web and
migration families, the migration runner, and a pipeline with CodeBuild actions."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.standin import make_lock_table
from zonke_tf import cli, ops, ops_tasks
from zonke_tf.cli import tasks as tasks_commands
from zonke_tf.errors import OperationError

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/zonke-test"
REPO = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-prod"
WEB_GROUP = "/zonke/shop-prod/app"
MIGRATE_GROUP = "/zonke/shop-prod/migrate"
BUILD_GROUP = "/zonke/shop-prod/build"


def _container(image: str, group: str, prefix: str) -> dict[str, Any]:
    return {
        "name": "django",
        "image": image,
        "essential": True,
        "environment": [{"name": "DJANGO_SETTINGS_MODULE", "value": "mysite.settings"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": group,
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": prefix,
            },
        },
    }


def register(aws: Any, family: str, image: str, group: str, prefix: str = "app", **extra: Any) -> str:
    return str(
        aws.client("ecs").register_task_definition(
            family=family,
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="1024",
            executionRoleArn=ROLE,
            taskRoleArn=ROLE,
            containerDefinitions=[_container(image, group, prefix)],
            **extra,
        )["taskDefinition"]["taskDefinitionArn"]
    )


@pytest.fixture
def stack(aws: Any) -> ops.Stack:
    ec2, ecs, logs = aws.client("ec2"), aws.client("ecs"), aws.client("logs")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    # As the network module sets it (the emulator's awsvpc RunTask also needs it for the ENI's DNS name).
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="shop-prod-app", Description="app", VpcId=vpc)["GroupId"]
    ecs.create_cluster(clusterName="shop-prod")
    web = register(aws, "shop-prod", f"{REPO}:aaa111", WEB_GROUP)
    register(aws, "shop-prod-migrate", f"{REPO}:aaa111", MIGRATE_GROUP, prefix="migrate")
    network = {
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "DISABLED"}
    }
    ecs.create_service(
        cluster="shop-prod",
        serviceName="shop-prod",
        taskDefinition=web,
        desiredCount=1,
        launchType="FARGATE",
        networkConfiguration=network,
    )
    for group in (WEB_GROUP, MIGRATE_GROUP, BUILD_GROUP):
        logs.create_log_group(logGroupName=group)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codepipeline.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    aws.client("iam").create_role(RoleName="zonke-test", AssumeRolePolicyDocument=json.dumps(trust))
    cb = aws.client("codebuild")
    for project in ("shop-prod-build", "shop-prod-infra"):
        cb.create_project(
            name=project,
            source={"type": "CODEPIPELINE", "buildspec": "version: 0.2"},
            artifacts={"type": "CODEPIPELINE"},
            environment={
                "type": "LINUX_CONTAINER",
                "image": "aws/codebuild/standard:7.0",
                "computeType": "BUILD_GENERAL1_SMALL",
            },
            serviceRole=ROLE,
            logsConfig={"cloudWatchLogs": {"status": "ENABLED", "groupName": BUILD_GROUP}},
        )

    def action(name: str, provider: str, config: dict[str, str], category: str = "Build") -> dict[str, Any]:
        return {
            "name": name,
            "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
            "configuration": config,
            "inputArtifacts": [] if category == "Source" else [{"name": "src"}],
            **({"outputArtifacts": [{"name": "src"}]} if category == "Source" else {}),
        }

    aws.client("codepipeline").create_pipeline(
        pipeline={
            "name": "shop-prod",
            "roleArn": ROLE,
            "artifactStore": {"type": "S3", "location": "zonke-artifacts"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [action("Source", "S3", {"S3Bucket": "b", "S3ObjectKey": "k"}, "Source")],
                },
                {
                    "name": "Infrastructure",
                    "actions": [action("Terraform", "CodeBuild", {"ProjectName": "shop-prod-infra"})],
                },
                {
                    "name": "Build",
                    "actions": [action("Build", "CodeBuild", {"ProjectName": "shop-prod-build"})],
                },
            ],
        }
    )
    runner = aws.client("stepfunctions").create_state_machine(
        name="shop-prod-migrate",
        roleArn=ROLE,
        definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
    )["stateMachineArn"]
    outputs = {
        **make_lock_table(aws),
        "cluster_name": "shop-prod",
        "service_name": "shop-prod",
        "container_name": "django",
        "task_definition_family": "shop-prod",
        "migration_task_definition_family": "shop-prod-migrate",
        "migration_state_machine_arn": runner,
        "pipeline_name": "shop-prod",
        "region": "us-east-1",
    }
    return ops.Stack(outputs=outputs, client=aws.client)


# --------------------------------------------------------------------------- run


def test_run_starts_the_command_with_the_services_configuration_and_network(
    stack: ops.Stack, aws: Any
) -> None:
    svc = aws.client("ecs").describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    run = ops_tasks.run(stack, ["python", "manage.py", "createsuperuser", "--noinput"])
    task = aws.client("ecs").describe_tasks(cluster="shop-prod", tasks=[run.task_arn], include=["TAGS"])[
        "tasks"
    ][0]
    assert task["taskDefinitionArn"] == svc["taskDefinition"]
    assert task["overrides"]["containerOverrides"] == [
        {"name": "django", "command": ["python", "manage.py", "createsuperuser", "--noinput"]}
    ]
    assert task["startedBy"] == ops_tasks.RUN_STARTED_BY
    caller = aws.client("sts").get_caller_identity()["Arn"]
    assert {"key": ops_tasks.STARTED_BY_TAG, "value": caller} in task["tags"]
    sent = svc["networkConfiguration"]["awsvpcConfiguration"]
    assert run.log_group == WEB_GROUP
    assert run.log_stream == f"app/django/{run.task_id}"
    eni = [d["value"] for d in task["attachments"][0]["details"] if d["name"] == "subnetId"]
    assert eni == sent["subnets"][:1]


def test_run_overrides_size_only_with_a_fargate_pair(stack: ops.Stack, aws: Any) -> None:
    run = ops_tasks.run(stack, ["python", "manage.py", "rebuild_index"], cpu=1024, memory=4096)
    task = aws.client("ecs").describe_tasks(cluster="shop-prod", tasks=[run.task_arn])["tasks"][0]
    assert (task["overrides"]["cpu"], task["overrides"]["memory"]) == ("1024", "4096")
    with pytest.raises(
        OperationError, match=r"--memory 512 does not fit --cpu 1024 on Fargate; allowed: 2048"
    ):
        ops_tasks.run(stack, ["true"], cpu=1024, memory=512)
    with pytest.raises(OperationError, match="give both --cpu and --memory"):
        ops_tasks.run(stack, ["true"], cpu=1024)
    with pytest.raises(OperationError, match="not a Fargate size"):
        ops_tasks.run(stack, ["true"], cpu=300, memory=1024)


def test_run_waits_streams_the_logs_and_returns_the_exit_code(stack: ops.Stack, aws: Any) -> None:
    run = ops_tasks.run(stack, ["python", "manage.py", "check"])
    logs = aws.client("logs")
    logs.create_log_stream(logGroupName=WEB_GROUP, logStreamName=run.log_stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=WEB_GROUP,
        logStreamName=run.log_stream,
        logEvents=[{"timestamp": now, "message": "System check identified no issues (0 silenced)."}],
    )
    seen: list[str] = []
    done = ops_tasks.wait_task(stack, run, on_log=seen.append, poll=0.05, timeout=30)
    assert done.status == "STOPPED"
    assert done.exit_code == 0  # the emulator's container reports 0
    assert seen == ["System check identified no issues (0 silenced)."]


def test_run_refuses_a_migration_while_one_is_running(stack: ops.Stack, aws: Any) -> None:
    ops.lock_take(stack, "pipeline-abc123", f"{REPO}:bbb222")
    running = r"a migration is running now \(pipeline-abc123, image .*:bbb222"
    with pytest.raises(OperationError, match=running):
        ops_tasks.run(stack, ["python", "manage.py", "migrate"])
    # Other commands still run; once the lock is released, so does migrate.
    assert ops_tasks.run(stack, ["python", "manage.py", "showmigrations"]).task_arn
    ops.lock_release(stack, "pipeline-abc123")
    assert ops_tasks.run(stack, ["python", "manage.py", "migrate"]).task_arn


def test_cli_run_wait_exits_with_the_tasks_exit_code(
    stack: ops.Stack, aws: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The container's exit code becomes zonke's. The emulator always reports 0, so the
    task description is given exit code 3 in the shape ECS documents (DescribeTasks)."""

    def client(service: str) -> Any:
        real = aws.client(service)
        if service != "ecs":
            return real

        class Ecs:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def describe_tasks(self, **kw: Any) -> Any:
                found = real.describe_tasks(**kw)
                for task in found["tasks"]:
                    task["lastStatus"] = "STOPPED"
                    task["stoppedReason"] = "Essential container in task exited"
                    for c in task["containers"]:
                        c["exitCode"] = 3
                return found

        return Ecs()

    patched = ops.Stack(outputs=stack.outputs, client=client)
    monkeypatch.setattr(tasks_commands, "connect", lambda args: (patched, None))
    code = cli.main(["run", "--wait", "--json", "--", "python", "manage.py", "fixdata"])
    assert code == 3
    doc = json.loads(capsys.readouterr().out)
    assert doc["exit_code"] == 3
    assert doc["stopped_reason"] == "Essential container in task exited"
    assert doc["command"] == ["python", "manage.py", "fixdata"]


# --------------------------------------------------------------------------- shell


def _which(*present: str) -> Any:
    return lambda name: f"/usr/bin/{name}" if name in present else None


def test_shell_names_the_missing_plugin(stack: ops.Stack) -> None:
    with pytest.raises(
        OperationError, match=r"session-manager-plugin is not on PATH: install the Session Manager"
    ):
        ops_tasks.shell_plan(stack, which=_which("aws"))
    with pytest.raises(OperationError, match="the AWS CLI is not installed"):
        ops_tasks.shell_plan(stack, which=_which("session-manager-plugin"))


def test_shell_says_when_exec_is_off(stack: ops.Stack) -> None:
    with pytest.raises(OperationError, match="ECS Exec is off for this service"):
        ops_tasks.shell_plan(stack, which=_which("aws", "session-manager-plugin"))


def test_shell_checks_the_exec_agent_and_builds_the_command(stack: ops.Stack, aws: Any) -> None:
    ecs = aws.client("ecs")
    ecs.update_service(cluster="shop-prod", service="shop-prod", enableExecuteCommand=True)
    task = ops_tasks.run(stack, ["sleep", "600"]).task_arn
    which = _which("aws", "session-manager-plugin")
    # The emulator runs no agent, so it reports none: the check must say so.
    with pytest.raises(OperationError, match=r"this task started before ECS Exec|exec agent is not reported"):
        ops_tasks.shell_plan(stack, task=task, which=which)

    def client(service: str) -> Any:
        real = aws.client(service)
        if service != "ecs":
            return real

        class Ecs:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def describe_tasks(self, **kw: Any) -> Any:
                found = real.describe_tasks(**kw)
                for t in found["tasks"]:  # a task with its agent up, as DescribeTasks shows it
                    t["enableExecuteCommand"] = True
                    for c in t["containers"]:
                        c["managedAgents"] = [{"name": "ExecuteCommandAgent", "lastStatus": "RUNNING"}]
                return found

        return Ecs()

    plan = ops_tasks.shell_plan(ops.Stack(stack.outputs, client), task=task, which=which)
    assert plan.argv == [
        "aws", "ecs", "execute-command", "--cluster", "shop-prod", "--task", task,
        "--container", "django", "--interactive", "--command", "python manage.py shell",
    ]  # fmt: skip


# --------------------------------------------------------------------------- logs


def _put(aws: Any, group: str, stream: str, events: list[tuple[int, str]]) -> None:
    logs = aws.client("logs")
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": t, "message": m} for t, m in events],
    )


def test_logs_come_from_every_source_merged_by_time(stack: ops.Stack, aws: Any) -> None:
    base = int(time.time() * 1000) - 60_000
    _put(aws, WEB_GROUP, "app/django/t1", [(base + 10, "GET / 200"), (base + 40, "ERROR boom")])
    _put(aws, MIGRATE_GROUP, "migrate/django/t2", [(base + 20, "Applying shop.0002... OK")])
    _put(aws, BUILD_GROUP, "shop-prod-build/b1", [(base + 30, "collectstatic: 120 files")])
    lines = ops_tasks.read_logs(stack, since_seconds=600)
    assert [(line.source, line.message) for line in lines] == [
        ("web", "GET / 200"),
        ("migrate", "Applying shop.0002... OK"),
        ("pipeline", "collectstatic: 120 files"),
        ("web", "ERROR boom"),
    ]
    assert [line.message for line in ops_tasks.read_logs(stack, ["web"], 600)] == ["GET / 200", "ERROR boom"]
    assert ops_tasks.log_groups(stack) == {
        "web": [WEB_GROUP],
        "migrate": [MIGRATE_GROUP],
        "pipeline": [BUILD_GROUP],
    }


def test_logs_since_leaves_older_lines_out(stack: ops.Stack, aws: Any) -> None:
    now = int(time.time() * 1000)
    _put(
        aws, WEB_GROUP, "app/django/t1", [(now - 7_200_000, "two hours ago"), (now - 60_000, "a minute ago")]
    )
    assert [line.message for line in ops_tasks.read_logs(stack, ["web"], ops_tasks.parse_since("1h"))] == [
        "a minute ago"
    ]


def test_follow_yields_new_lines_once(stack: ops.Stack, aws: Any) -> None:
    now = int(time.time() * 1000)
    _put(aws, WEB_GROUP, "app/django/t1", [(now - 5000, "first")])
    logs = aws.client("logs")
    polls: list[float] = []

    def sleep(_: float) -> None:
        polls.append(1)
        if len(polls) == 1:
            logs.put_log_events(
                logGroupName=WEB_GROUP,
                logStreamName="app/django/t1",
                logEvents=[{"timestamp": now, "message": "second"}],
            )

    follow: Iterator[ops_tasks.LogLine] = ops_tasks.follow_logs(stack, ["web"], 60, poll=0, sleep=sleep)
    got = [next(follow).message, next(follow).message]
    assert got == ["first", "second"]
    assert len(polls) == 1  # "first" was not yielded again on the second poll


def test_bad_log_arguments_are_named(stack: ops.Stack) -> None:
    with pytest.raises(OperationError, match="--since '5 minutes': give a number and a unit"):
        ops_tasks.parse_since("5 minutes")
    with pytest.raises(OperationError, match="unknown log source 'db'"):
        ops_tasks.log_groups(stack, ["db"])


# --------------------------------------------------------------------------- releases and rollback


def _deploy(aws: Any, image: str) -> str:
    """What the pipeline does: a new revision with the image, and the service moved to it."""
    arn = register(aws, "shop-prod", image, WEB_GROUP)
    aws.client("ecs").update_service(cluster="shop-prod", service="shop-prod", taskDefinition=arn)
    return arn


def _migrated(aws: Any, stack: ops.Stack, image: str) -> None:
    sfn = aws.client("stepfunctions")
    sfn.start_execution(
        stateMachineArn=stack.out("migration_state_machine_arn"), input=json.dumps({"image": image})
    )


def test_releases_list_the_history_with_commit_migration_and_live(stack: ops.Stack, aws: Any) -> None:
    _migrated(aws, stack, f"{REPO}:bbb222")
    _deploy(aws, f"{REPO}:bbb222")
    history = ops_tasks.releases(stack)
    assert [(r.revision, r.commit, r.live) for r in history] == [(2, "bbb222", True), (1, "aaa111", False)]
    assert history[0].migration == "RUNNING"
    assert history[1].migration is None


def test_rollback_runs_the_previous_image_with_todays_configuration(stack: ops.Stack, aws: Any) -> None:
    _deploy(aws, f"{REPO}:bbb222")
    # Terraform registers a configuration change (a new variable) with the live image.
    ecs = aws.client("ecs")
    latest = ecs.describe_task_definition(taskDefinition="shop-prod")["taskDefinition"]
    container = latest["containerDefinitions"][0]
    container["environment"].append({"name": "NEW_SETTING", "value": "1"})
    ecs.register_task_definition(
        family="shop-prod",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="512",
        memory="1024",
        executionRoleArn=ROLE,
        taskRoleArn=ROLE,
        containerDefinitions=[container],
    )

    result = ops_tasks.rollback(stack)
    assert result.release.commit == "aaa111"
    svc = ecs.describe_services(cluster="shop-prod", services=["shop-prod"])["services"][0]
    assert svc["taskDefinition"] == result.task_definition_arn
    now = ecs.describe_task_definition(taskDefinition=result.task_definition_arn, include=["TAGS"])
    assert now["taskDefinition"]["containerDefinitions"][0]["image"] == f"{REPO}:aaa111"
    env = {e["name"] for e in now["taskDefinition"]["containerDefinitions"][0]["environment"]}
    assert "NEW_SETTING" in env  # Terraform's configuration is not rolled back
    assert {"key": ops_tasks.ROLLBACK_TAG, "value": "1"} in now["tags"]
    history = ops_tasks.releases(stack)
    assert history[0].live and history[0].rollback_of == 1
    assert ops_tasks.live_rollback(stack) is not None


def test_rollback_warns_when_migrations_ran_since(
    stack: ops.Stack, aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The emulator's executions never finish, so the history is read as the emulator gives
    it and the later release's migration is marked as succeeded, as AWS would report it."""
    _migrated(aws, stack, f"{REPO}:bbb222")
    _deploy(aws, f"{REPO}:bbb222")
    history = ops_tasks.releases(stack)
    assert history[0].migration == "RUNNING"
    history[0].migration = "SUCCEEDED"
    monkeypatch.setattr(ops_tasks, "releases", lambda s, limit=20: history)
    result = ops_tasks.rollback(stack, to_revision=1)
    assert len(result.warnings) == 1
    assert "the database schema may be ahead of the code of release 1" in result.warnings[0]


def test_rollback_refuses_what_it_cannot_do(stack: ops.Stack, aws: Any) -> None:
    with pytest.raises(OperationError, match="no earlier release with another image"):
        ops_tasks.rollback(stack)
    _deploy(aws, f"{REPO}:bbb222")
    with pytest.raises(OperationError, match="no release 9"):
        ops_tasks.rollback(stack, to_revision=9)
    with pytest.raises(OperationError, match="runs the live image already"):
        ops_tasks.rollback(stack, to_revision=2)


# --------------------------------------------------------------------------- alarms in status


def test_status_lists_the_stacks_firing_alarms_only(stack: ops.Stack, aws: Any) -> None:
    cw = aws.client("cloudwatch")
    for name in ("shop-prod-http-5xx", "shop-prod-cpu-high", "other-app-http-5xx"):
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=300,
            EvaluationPeriods=1,
            Threshold=85,
            ComparisonOperator="GreaterThanThreshold",
        )
    for name in ("shop-prod-http-5xx", "other-app-http-5xx"):
        cw.set_alarm_state(
            AlarmName=name, StateValue="ALARM", StateReason="Threshold Crossed: 7% of requests"
        )
    st = ops.status(ops.Stack({**stack.outputs, "alarm_name_prefix": "shop-prod-"}, stack.client))
    assert [a["name"] for a in st.alarms["firing"]] == ["shop-prod-http-5xx"]
    assert st.alarms["firing"][0]["reason"] == "Threshold Crossed: 7% of requests"


def test_a_one_off_command_keeps_the_start_wrapper_the_service_command_begins_with() -> None:
    loader = "import os; exec(os.environ.pop('ZONKE_START_WRAPPER'))"
    wrapped = {
        "command": [
            "python",
            "-c",
            loader,
            "postgres",
            "sslmode=require",
            "gunicorn",
            "mysite.wsgi:application",
        ],
        "environment": [{"name": "ZONKE_START_WRAPPER", "value": "..."}],
    }
    assert ops_tasks.start_prefix(wrapped) == ["python", "-c", loader, "postgres", "sslmode=require"]
    # the wrapper as the entry point (a command override keeps it), or no wrapper at all
    assert ops_tasks.start_prefix({"command": ["gunicorn", "x"], "environment": wrapped["environment"]}) == []
    assert ops_tasks.start_prefix({"command": wrapped["command"], "environment": []}) == []
