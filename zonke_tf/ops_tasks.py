"""Everyday operations on the running app: one-off commands, a shell, logs, releases and
rollback. Each is a plain function of a :class:`~zonke_tf.ops.Stack`; the CLI, the Python
API and the dashboard call these and nothing else.

Ownership (see modules/ecs-service/README.md): Terraform owns a task definition's
configuration (environment, secrets, cpu/memory, command, roles); the pipeline owns the
image. A rollback is therefore a change of the image only: it registers a revision from
the family's latest revision with an earlier release's image, so Terraform's configuration
is never rolled back behind its back.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from zonke_tf.config import FARGATE_MEMORY, START_WRAPPER_VARIABLE
from zonke_tf.errors import OperationError, UsageError
from zonke_tf.ops import Stack, _code, _service, lock_holder

STARTED_BY_TAG = "zonke:started-by"
ROLLBACK_TAG = "zonke:rollback-of"
# ECS's startedBy field holds up to 36 letters, digits, hyphens and underscores.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html
RUN_STARTED_BY = "zonke-run"
# AWS's ECS Exec walkthrough: the Session Manager plugin must be on the person's machine.
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-exec.html
SESSION_MANAGER_PLUGIN = "session-manager-plugin"
PLUGIN_INSTALL = (
    "install the Session Manager plugin for the AWS CLI: "
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html"
)
EXEC_AGENT = "ExecuteCommandAgent"
LOG_SOURCES = ("web", "migrate", "pipeline")


def caller(stack: Stack) -> str:
    """Who is acting: the AWS caller identity's ARN (recorded on what they start)."""
    try:
        return str(stack.client("sts").get_caller_identity()["Arn"])
    except Exception as exc:
        raise OperationError(
            f"could not read who you are in AWS ({_code(exc) or type(exc).__name__}): check your credentials"
        ) from None


def _container(stack: Stack, task_definition: dict[str, Any]) -> dict[str, Any]:
    name = stack.out("container_name")
    for c in task_definition.get("containerDefinitions", []):
        if c.get("name") == name:
            return dict(c)
    raise OperationError(f"the task definition has no container {name!r}")


# When the environment carries the stack's start wrapper (START_WRAPPER_VARIABLE), the
# container's command begins with a loader naming it and the wrapper's two arguments
# (examples/django-monolith/main.tf ``start_wrapper``).
START_WRAPPER_WORDS = 5


def start_prefix(container: dict[str, Any]) -> list[str]:
    """The start wrapper's words at the front of the container's command, when the command
    carries them (the image's ENTRYPOINT runs; otherwise the wrapper is the entry point, which
    a command override keeps): a one-off command needs them too, or it runs without
    DATABASE_URL and the server check."""
    command = list(container.get("command") or [])
    names = {e.get("name") for e in container.get("environment", [])}
    if START_WRAPPER_VARIABLE in names and len(command) > 2 and START_WRAPPER_VARIABLE in command[2]:
        return command[:START_WRAPPER_WORDS]
    return []


def _task_definition(stack: Stack, arn: str) -> tuple[dict[str, Any], dict[str, str]]:
    found = stack.client("ecs").describe_task_definition(taskDefinition=arn, include=["TAGS"])
    tags = {t["key"]: t["value"] for t in found.get("tags", [])}
    return dict(found["taskDefinition"]), tags


# --------------------------------------------------------------------------- run


@dataclass
class TaskRun:
    """A one-off task: what ran, where its logs are, and how it ended."""

    task_arn: str
    command: list[str]
    task_definition_arn: str
    started_by: str
    status: str = "PROVISIONING"
    exit_code: int | None = None
    stopped_reason: str | None = None
    log_group: str | None = None
    log_stream: str | None = None
    timed_out: bool = False

    @property
    def task_id(self) -> str:
        return self.task_arn.rsplit("/", 1)[-1]


def _is_migration(command: Sequence[str]) -> bool:
    return "migrate" in command and any(
        part.endswith("manage.py") or part == "django-admin" for part in command
    )


def migration_running(stack: Stack) -> str | None:
    """Who holds the migration lock now (the runner's or `zonke migrate`'s run), or None."""
    holder = lock_holder(stack)
    if not holder or int(holder.get("expires_at", "0") or 0) < int(time.time()):
        return None
    who, image, since = (holder.get(k, "?") for k in ("holder", "image", "acquired_at"))
    return f"{who}, image {image}, since {since}"


def check_size(cpu: int | None, memory: int | None, capacity_fargate: bool) -> None:
    """Fargate accepts only its published cpu/memory pairs (config.FARGATE_MEMORY)."""
    if (cpu is None and memory is None) or not capacity_fargate:
        return
    if cpu is None or memory is None:
        raise UsageError("give both --cpu and --memory (Fargate sizes come in pairs)")
    allowed = FARGATE_MEMORY.get(cpu)
    if allowed is None:
        raise UsageError(f"--cpu {cpu} is not a Fargate size; allowed: {sorted(FARGATE_MEMORY)}")
    if memory not in allowed:
        raise UsageError(
            f"--memory {memory} does not fit --cpu {cpu} on Fargate; "
            f"allowed: {allowed[0]} to {allowed[-1]} MiB"
        )


def run(
    stack: Stack,
    command: Sequence[str],
    cpu: int | None = None,
    memory: int | None = None,
) -> TaskRun:
    """Start ``command`` once as an ECS task with the image, configuration and network
    placement of the web service (its security group, its private subnets)."""
    if not command:
        raise UsageError("give the command to run after `--`, e.g. `zonke run -- python manage.py check`")
    if _is_migration(command):
        holder = migration_running(stack)
        if holder:
            raise OperationError(
                f"a migration is running now ({holder}): wait for it (`zonke status`) before migrating again"
            )
    svc = _service(stack)
    fargate = svc.get("launchType") == "FARGATE" or any(
        s.get("capacityProvider", "").startswith("FARGATE") for s in svc.get("capacityProviderStrategy", [])
    )
    check_size(cpu, memory, fargate)
    who = caller(stack)
    td_arn = str(svc["taskDefinition"])
    td, _ = _task_definition(stack, td_arn)
    container = _container(stack, td)
    overrides: dict[str, Any] = {
        "containerOverrides": [{"name": container["name"], "command": [*start_prefix(container), *command]}]
    }
    if cpu is not None and memory is not None:
        overrides["cpu"], overrides["memory"] = str(cpu), str(memory)
    params: dict[str, Any] = {
        "cluster": stack.out("cluster_name"),
        "taskDefinition": td_arn,
        "count": 1,
        "startedBy": RUN_STARTED_BY,
        "overrides": overrides,
        "tags": [{"key": STARTED_BY_TAG, "value": who[:256]}],
        "enableECSManagedTags": True,
        "networkConfiguration": svc["networkConfiguration"],
    }
    if svc.get("capacityProviderStrategy"):
        params["capacityProviderStrategy"] = svc["capacityProviderStrategy"]
    elif svc.get("launchType"):
        params["launchType"] = svc["launchType"]
    started = stack.client("ecs").run_task(**params)
    if started.get("failures") or not started.get("tasks"):
        reasons = "; ".join(
            f"{f.get('arn', '')} {f.get('reason', '')}".strip() for f in started.get("failures", [])
        )
        raise OperationError(f"ECS did not start the task: {reasons or 'no task returned'}")
    task = started["tasks"][0]
    options = (container.get("logConfiguration") or {}).get("options", {})
    result = TaskRun(
        task_arn=str(task["taskArn"]),
        command=list(command),
        task_definition_arn=td_arn,
        started_by=who,
        status=str(task.get("lastStatus", "PROVISIONING")),
    )
    if options.get("awslogs-group"):
        result.log_group = options["awslogs-group"]
        prefix = options.get("awslogs-stream-prefix")
        # awslogs names a task's stream prefix/container/task-id.
        # https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
        result.log_stream = f"{prefix}/{container['name']}/{result.task_id}" if prefix else None
    return result


def _task_state(stack: Stack, run_: TaskRun) -> None:
    found = stack.client("ecs").describe_tasks(cluster=stack.out("cluster_name"), tasks=[run_.task_arn])
    tasks = found.get("tasks", [])
    if not tasks:
        raise OperationError(f"the task {run_.task_id} is gone; ECS keeps stopped tasks for about an hour")
    task = tasks[0]
    run_.status = str(task.get("lastStatus", run_.status))
    if run_.status == "STOPPED":
        run_.stopped_reason = task.get("stoppedReason") or None
        name = stack.out("container_name")
        for c in task.get("containers", []):
            if c.get("name") == name and isinstance(c.get("exitCode"), int):
                run_.exit_code = int(c["exitCode"])


def wait_task(
    stack: Stack,
    run_: TaskRun,
    on_log: Callable[[str], None] | None = None,
    on_update: Callable[[TaskRun], None] | None = None,
    timeout: float = 3600,
    poll: float = 3,
) -> TaskRun:
    """Follow a task to its end, passing its log lines on as they arrive."""
    deadline = time.monotonic() + timeout
    token: str | None = None
    logs = stack.client("logs")

    def drain() -> None:
        nonlocal token
        if on_log is None or not run_.log_group or not run_.log_stream:
            return
        while True:
            params: dict[str, Any] = {
                "logGroupName": run_.log_group,
                "logStreamName": run_.log_stream,
                "startFromHead": True,
            }
            if token:
                params["nextToken"] = token
            try:
                page = logs.get_log_events(**params)
            except Exception as exc:
                if _code(exc) == "ResourceNotFoundException":
                    return  # the stream appears when the container first writes
                raise
            for event in page.get("events", []):
                on_log(str(event.get("message", "")))
            new = page.get("nextForwardToken")
            if not page.get("events") or new == token:
                token = new
                return
            token = new

    while True:
        _task_state(stack, run_)
        drain()
        if on_update:
            on_update(run_)
        if run_.status == "STOPPED":
            drain()
            return run_
        if time.monotonic() > deadline:
            run_.timed_out = True
            return run_
        time.sleep(poll)


# --------------------------------------------------------------------------- shell


@dataclass(frozen=True)
class ShellPlan:
    """The ECS Exec session ``zonke shell`` opens: the AWS CLI command and its target."""

    argv: list[str]
    task_arn: str
    container: str


def shell_plan(
    stack: Stack,
    task: str | None = None,
    command: str = "python manage.py shell",
    which: Callable[[str], str | None] = shutil.which,
) -> ShellPlan:
    """Check every prerequisite of ECS Exec and return the command that opens the session.
    Each missing piece is reported with what to do about it."""
    if not which("aws"):
        raise OperationError("the AWS CLI is not installed: `pip install awscli` (ECS Exec runs through it)")
    if not which(SESSION_MANAGER_PLUGIN):
        raise OperationError(f"{SESSION_MANAGER_PLUGIN} is not on PATH: {PLUGIN_INSTALL}")
    svc = _service(stack)
    if not svc.get("enableExecuteCommand"):
        raise OperationError(
            "ECS Exec is off for this service: set `exec = true` under [compute] in zonke.toml "
            "and run `zonke apply`; new tasks then accept sessions"
        )
    ecs = stack.client("ecs")
    cluster = stack.out("cluster_name")
    if task is None:
        arns = ecs.list_tasks(cluster=cluster, serviceName=svc["serviceName"], desiredStatus="RUNNING").get(
            "taskArns", []
        )
        if not arns:
            raise OperationError(
                "no running task: `zonke status` shows the service; scale up with `zonke scale`"
            )
        task = str(arns[0])
    found = ecs.describe_tasks(cluster=cluster, tasks=[task]).get("tasks", [])
    if not found:
        raise OperationError(f"no task {task!r} in the cluster: `zonke status` lists what runs")
    described = found[0]
    if not described.get("enableExecuteCommand"):
        raise OperationError(
            "this task started before ECS Exec was turned on: roll the service "
            "(`zonke pipeline run`) or pick a newer task with --task"
        )
    name = stack.out("container_name")
    container = next((c for c in described.get("containers", []) if c.get("name") == name), None)
    agents = {a.get("name"): a.get("lastStatus") for a in (container or {}).get("managedAgents", [])}
    if agents.get(EXEC_AGENT) != "RUNNING":
        raise OperationError(
            f"the task's exec agent is {agents.get(EXEC_AGENT, 'not reported')}, not RUNNING: "
            "wait a minute after the task starts; if it stays so, "
            "check the task role's ssmmessages permissions"
        )
    argv = [
        "aws", "ecs", "execute-command",
        "--cluster", cluster,
        "--task", str(described["taskArn"]),
        "--container", name,
        "--interactive",
        "--command", command,
    ]  # fmt: skip
    return ShellPlan(argv=argv, task_arn=str(described["taskArn"]), container=name)


# --------------------------------------------------------------------------- logs


@dataclass(frozen=True)
class LogLine:
    timestamp: int  # milliseconds since the epoch, as CloudWatch Logs gives it
    source: str  # web, migrate or pipeline
    stream: str
    message: str
    event_id: str = ""

    def as_dict(self) -> dict[str, Any]:
        when = datetime.fromtimestamp(self.timestamp / 1000).astimezone().isoformat(timespec="milliseconds")
        return {"time": when, "source": self.source, "stream": self.stream, "message": self.message}


def _family_log_group(stack: Stack, family_output: str) -> str | None:
    ecs = stack.client("ecs")
    try:
        td = ecs.describe_task_definition(taskDefinition=stack.out(family_output))["taskDefinition"]
    except OperationError:
        return None
    options = (_container(stack, td).get("logConfiguration") or {}).get("options", {})
    group = options.get("awslogs-group")
    return str(group) if group else None


def _pipeline_log_groups(stack: Stack) -> list[str]:
    name = stack.outputs.get("pipeline_name")
    if not name:
        return []
    pipeline = stack.client("codepipeline").get_pipeline(name=name)["pipeline"]
    projects = [
        action["configuration"]["ProjectName"]
        for stage in pipeline.get("stages", [])
        for action in stage.get("actions", [])
        if action.get("actionTypeId", {}).get("provider") == "CodeBuild"
        and action.get("configuration", {}).get("ProjectName")
    ]
    if not projects:
        return []
    groups: list[str] = []
    for project in stack.client("codebuild").batch_get_projects(names=projects).get("projects", []):
        cw = (project.get("logsConfig") or {}).get("cloudWatchLogs") or {}
        if cw.get("status", "ENABLED") == "DISABLED":
            continue
        # CodeBuild's default group is /aws/codebuild/<project>.
        # https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details.html
        group = cw.get("groupName") or f"/aws/codebuild/{project['name']}"
        if group not in groups:
            groups.append(group)
    return groups


def log_groups(stack: Stack, sources: Sequence[str] = LOG_SOURCES) -> dict[str, list[str]]:
    """The app's log groups by source, read from what the stack runs (task definitions,
    the pipeline's CodeBuild projects), so they follow the stack's names."""
    unknown = sorted(set(sources) - set(LOG_SOURCES))
    if unknown:
        raise UsageError(f"unknown log source {unknown[0]!r}: use {', '.join(LOG_SOURCES)} or all")
    out: dict[str, list[str]] = {}
    if "web" in sources:
        group = _family_log_group(stack, "task_definition_family")
        out["web"] = [group] if group else []
    if "migrate" in sources:
        group = _family_log_group(stack, "migration_task_definition_family")
        out["migrate"] = [group] if group else []
    if "pipeline" in sources:
        out["pipeline"] = _pipeline_log_groups(stack)
    return out


def parse_since(text: str) -> int:
    """'90s', '15m', '1h', '2d' -> seconds."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    body, unit = text[:-1], text[-1:].lower()
    if unit not in units or not body.isdigit() or int(body) <= 0:
        raise UsageError(f"--since {text!r}: give a number and a unit, e.g. 30s, 15m, 1h or 2d")
    return int(body) * units[unit]


def read_logs(
    stack: Stack,
    sources: Sequence[str] = LOG_SOURCES,
    since_seconds: int = 3600,
    pattern: str | None = None,
    start_ms: int | None = None,
    limit: int = 10_000,
    now: Callable[[], float] = time.time,
) -> list[LogLine]:
    """The app's log events since a moment, from every chosen source, merged by time."""
    logs = stack.client("logs")
    start = start_ms if start_ms is not None else int((now() - since_seconds) * 1000)
    lines: list[LogLine] = []
    for source, groups in log_groups(stack, sources).items():
        for group in groups:
            params: dict[str, Any] = {"logGroupName": group, "startTime": start}
            if pattern:
                params["filterPattern"] = pattern
            try:
                for page in logs.get_paginator("filter_log_events").paginate(**params):
                    for e in page.get("events", []):
                        lines.append(
                            LogLine(
                                timestamp=int(e["timestamp"]),
                                source=source,
                                stream=str(e.get("logStreamName", "")),
                                message=str(e.get("message", "")).rstrip("\n"),
                                event_id=str(e.get("eventId", "")),
                            )
                        )
                    if len(lines) >= limit:
                        break
            except Exception as exc:
                if _code(exc) == "ResourceNotFoundException":
                    continue  # the group appears with its first event (CodeBuild's)
                raise
    lines.sort(key=lambda line: (line.timestamp, line.source, line.stream, line.event_id))
    return lines[-limit:]


def follow_logs(
    stack: Stack,
    sources: Sequence[str] = LOG_SOURCES,
    since_seconds: int = 300,
    pattern: str | None = None,
    poll: float = 2,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[LogLine]:
    """Yield the app's log lines as they come (what is already there first), without repeats."""
    seen: set[tuple[str, str, int]] = set()
    start_ms: int | None = None
    since = since_seconds
    while True:
        batch = read_logs(stack, sources, since, pattern, start_ms=start_ms)
        for line in batch:
            key = (line.stream, line.event_id or line.message, line.timestamp)
            if key in seen:
                continue
            seen.add(key)
            yield line
        if batch:
            # Events can land late by a little: re-read the last second, skip what was seen.
            start_ms = max(line.timestamp for line in batch) - 1000
        sleep(poll)


# --------------------------------------------------------------------------- releases


@dataclass
class Release:
    """One revision of the web service's task definition: what it runs and where it came from."""

    revision: int
    task_definition_arn: str
    image: str
    registered_at: str | None
    registered_by: str | None
    live: bool = False
    rollback_of: int | None = None
    migration: str | None = None  # the last migration run with this image: SUCCEEDED, FAILED...
    migrated_at: str | None = None

    @property
    def commit(self) -> str:
        """The image tag: the pipeline tags images with the commit SHA."""
        tail = self.image.rsplit("/", 1)[-1]
        return tail.split("@", 1)[0].split(":", 1)[1] if ":" in tail.split("@", 1)[0] else tail

    def as_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "task_definition_arn": self.task_definition_arn,
            "image": self.image,
            "commit": self.commit,
            "registered_at": self.registered_at,
            "registered_by": self.registered_by,
            "live": self.live,
            "rollback_of": self.rollback_of,
            "migration": self.migration,
            "migrated_at": self.migrated_at,
        }


def _migrations_by_image(stack: Stack) -> dict[str, tuple[str, str]]:
    """image -> (status, start) of the newest migration run with it."""
    import json

    sfn = stack.client("stepfunctions")
    out: dict[str, tuple[str, str]] = {}
    executions = sfn.list_executions(
        stateMachineArn=stack.out("migration_state_machine_arn"), maxResults=50
    ).get("executions", [])
    for ex in executions:  # newest first
        try:
            doc = json.loads(sfn.describe_execution(executionArn=ex["executionArn"]).get("input") or "{}")
        except (ValueError, TypeError):
            continue
        image = doc.get("image") if isinstance(doc, dict) else None
        if isinstance(image, str) and image not in out:
            out[image] = (str(ex.get("status")), str(ex.get("startDate", "")))
    return out


def releases(stack: Stack, limit: int = 20) -> list[Release]:
    """The deploy history, newest first: every revision of the web service's family."""
    ecs = stack.client("ecs")
    family = stack.out("task_definition_family")
    arns: list[str] = []
    for page in ecs.get_paginator("list_task_definitions").paginate(familyPrefix=family, sort="DESC"):
        arns.extend(page.get("taskDefinitionArns", []))
    # Newest first by revision number (the ARN ends in family:revision), whatever order came.
    arns = sorted(
        (a for a in arns if a.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family),
        key=lambda a: int(a.rsplit(":", 1)[-1]),
        reverse=True,
    )
    live = str(_service(stack).get("taskDefinition", ""))
    migrations = _migrations_by_image(stack)
    out: list[Release] = []
    for arn in arns[:limit]:
        td, tags = _task_definition(stack, arn)
        image = str(_container(stack, td).get("image", ""))
        rollback_of = tags.get(ROLLBACK_TAG)
        ran = migrations.get(image)
        out.append(
            Release(
                revision=int(td["revision"]),
                task_definition_arn=str(td["taskDefinitionArn"]),
                image=image,
                registered_at=str(td["registeredAt"]) if td.get("registeredAt") else None,
                registered_by=tags.get(STARTED_BY_TAG) or td.get("registeredBy"),
                live=td["taskDefinitionArn"] == live,
                rollback_of=int(rollback_of) if rollback_of and rollback_of.isdigit() else None,
                migration=ran[0] if ran else None,
                migrated_at=ran[1] if ran else None,
            )
        )
    return out


# Fields of DescribeTaskDefinition that RegisterTaskDefinition takes back.
# https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
REGISTER_FIELDS = (
    "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
    "placementConstraints", "requiresCompatibilities", "cpu", "memory", "pidMode", "ipcMode",
    "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
)  # fmt: skip


@dataclass
class Rollback:
    release: Release  # the release whose image now runs again
    task_definition_arn: str  # the new revision that records the rollback
    revision: int
    previous_live: str
    warnings: list[str] = field(default_factory=list)


def rollback(stack: Stack, to_revision: int | None = None) -> Rollback:
    """Run an earlier release's image again (default: the one before the live image), with
    the configuration Terraform owns now, through the service's usual rolling deployment
    and circuit breaker. Recorded as a new revision tagged with the release it restores."""
    history = releases(stack, limit=100)
    live = next((r for r in history if r.live), None)
    if live is None:
        raise OperationError("the service runs no revision of its family: is the stack deployed?")
    if to_revision is None:
        older = [r for r in history if r.revision < live.revision and r.image != live.image]
        if not older:
            raise OperationError("there is no earlier release with another image to roll back to")
        target = older[0]
    else:
        found = [r for r in history if r.revision == to_revision]
        if not found:
            raise UsageError(f"no release {to_revision}: `zonke releases` lists them")
        target = found[0]
        if target.image == live.image:
            raise UsageError(f"release {to_revision} runs the live image already: nothing to roll back")
    warnings: list[str] = []
    migrated_since = [
        r
        for r in history
        if r.revision > target.revision and r.migration == "SUCCEEDED" and r.image != target.image
    ]
    if migrated_since:
        warnings.append(
            f"migrations ran with {len(migrated_since)} later release(s) (newest: revision "
            f"{migrated_since[0].revision}): the database schema may be ahead of the code of release "
            f"{target.revision}"
        )
    ecs = stack.client("ecs")
    latest_arn = history[0].task_definition_arn  # Terraform's configuration as it is now
    td, _ = _task_definition(stack, latest_arn)
    name = stack.out("container_name")
    spec = {k: td[k] for k in REGISTER_FIELDS if td.get(k) not in (None, [], {})}
    spec["containerDefinitions"] = [
        {**c, "image": target.image} if c.get("name") == name else c for c in td["containerDefinitions"]
    ]
    who = caller(stack)
    registered = ecs.register_task_definition(
        **spec,
        tags=[
            {"key": ROLLBACK_TAG, "value": str(target.revision)},
            {"key": STARTED_BY_TAG, "value": who[:256]},
        ],
    )["taskDefinition"]
    ecs.update_service(
        cluster=stack.out("cluster_name"),
        service=stack.out("service_name"),
        taskDefinition=registered["taskDefinitionArn"],
    )
    return Rollback(
        release=target,
        task_definition_arn=str(registered["taskDefinitionArn"]),
        revision=int(registered["revision"]),
        previous_live=live.task_definition_arn,
        warnings=warnings,
    )


def live_rollback(stack: Stack) -> Release | None:
    """The live release when it is a rollback (a pipeline run will replace it: say so)."""
    history = releases(stack, limit=5)
    live = next((r for r in history if r.live), None)
    return live if live is not None and live.rollback_of is not None else None
