"""Day-2 operations on a deployed stack, through boto3: secrets, scaling, status, pipeline
runs and migrations. Each is a plain function of a :class:`Stack`; the CLI wraps them.

Secret values never reach a log, an exception message or Terraform: they go straight from
the caller to Secrets Manager, and only key names come back.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from zonke_tf.config import DATABASE_KEYS, GENERATED_SECRET_KEYS
from zonke_tf.errors import OperationError, UsageError
from zonke_tf.schedules import next_run

KEY_PATTERN = re.compile(r"^[A-Z_][A-Z0-9_]*$")
# Keys the stack provides from elsewhere (the database's secret, plain environment), and
# keys it generates (settable, never deletable): one list, in config.py.
RESERVED_KEYS = DATABASE_KEYS
PROTECTED_KEYS = GENERATED_SECRET_KEYS
PENDING_STAGE = "ZONKE_PENDING"
MAX_TASKS = 100


class ConflictError(OperationError):
    """A compare-and-swap kept losing to other writers."""


class StaleVersionError(ConflictError):
    """The secret changed since the caller read it (``expected_version`` no longer current)."""


class MigrationLockedError(OperationError):
    """Another migration run (the pipeline's or a person's) holds the migration lock."""

    def __init__(self, holder: Mapping[str, str]) -> None:
        self.holder = dict(holder)
        expires = holder.get("expires_at", "")
        until = (
            time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(expires))) if expires.isdigit() else "unknown"
        )
        super().__init__(
            f"another migration run holds the lock: {holder.get('holder', '?')} "
            f"(image {holder.get('image', '?')}), since {holder.get('acquired_at', '?')}; "
            f"it is released when that run ends (at the latest {until}). Nothing was started: "
            "follow it with `zonke status`, then run `zonke migrate` again"
        )


def _code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


@dataclass
class Stack:
    """A deployed stack: its Terraform outputs and a way to make boto3 clients for it."""

    outputs: Mapping[str, Any]
    client: Callable[[str], Any]

    def out(self, name: str) -> Any:
        value = self.outputs.get(name)
        if value in (None, ""):
            raise OperationError(
                f"the stack has no output {name!r}: is it deployed? "
                "run `zonke apply` (or `zonke deploy --local`)"
            )
        return value


# --------------------------------------------------------------------------- secrets


def _check_key(name: str) -> None:
    if not KEY_PATTERN.match(name):
        raise UsageError(f"{name!r} is not an environment variable name: use A-Z, 0-9 and _")
    if name in RESERVED_KEYS:
        raise UsageError(f"{name} comes from the database's own secret; it cannot be set here")


check_key = _check_key  # public: the CLI checks a name before it connects to AWS


def _read(stack: Stack) -> tuple[dict[str, str], str | None]:
    sm = stack.client("secretsmanager")
    try:
        current = sm.get_secret_value(SecretId=stack.out("secret_arn"))
    except Exception as exc:  # botocore ClientError
        if _code(exc) == "ResourceNotFoundException":
            return {}, None
        raise
    text = current.get("SecretString") or "{}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise OperationError("the app secret does not hold a JSON object; fix it in the console") from None
    if not isinstance(data, dict):
        raise OperationError("the app secret does not hold a JSON object; fix it in the console")
    return {str(k): str(v) for k, v in data.items()}, str(current["VersionId"])


def secrets_list(stack: Stack) -> list[str]:
    """The names of the app's secrets (never their values)."""
    return sorted(_read(stack)[0])


def unset_secrets(stack: Stack) -> list[str]:
    """Declared secret keys (zonke.toml [secrets] keys, and the generated DJANGO_SECRET_KEY
    until :func:`seed_generated_secrets` wrote it) that have no value yet: the stack never
    seeds a declared key, and a task referencing one cannot start until it is set."""
    declared = stack.outputs.get("secret_keys") or []
    data, _ = _read(stack)
    return sorted(str(k) for k in declared if k not in data)


# The first value of the app secret. Terraform writes no value (modules/secrets/main.tf):
# after every apply, the keys the stack names in its output `generated_secret_keys` get a
# random value, once, while the secret has no AWSCURRENT version. This runs as whoever
# applies, the pipeline's Infrastructure role included, which may not read a secret value:
# whether there is a value comes from DescribeSecret's VersionIdsToStages (metadata only).
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
# PutSecretValue with a ClientRequestToken that names an existing version is ignored when
# the value is the same and refused (ResourceExistsException) when it differs, and the
# first version of a secret gets AWSCURRENT. A token derived from the secret's ARN makes a
# second writer (a retry after a lost answer, the pipeline and a person at once) a no-op
# or a refusal, never a second first value.
# https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
SEED_PASSWORD_LENGTH = 64
SEED_TOKEN_NAMESPACE = uuid.UUID("6f1c0d7e-6a53-4c55-9a8e-3f0c2b7d5e41")
# Every call the seeding makes: the Infrastructure role's policy allows exactly these on the
# app secret (GetRandomPassword takes no resource), and never GetSecretValue.
SEED_ACTIONS = (
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetRandomPassword",
    "secretsmanager:PutSecretValue",
)


@dataclass
class SeedResult:
    """What :func:`seed_generated_secrets` did. Never holds a value."""

    keys: list[str]  # the keys it wrote (empty: nothing written)
    outcome: str  # "seeded", "has a value", "seeded by another run", "nothing to generate"
    version_id: str | None = None


def seed_token(secret_arn: str) -> str:
    """The ClientRequestToken (and so the version id) of the secret's generated first value."""
    return str(uuid.uuid5(SEED_TOKEN_NAMESPACE, f"{secret_arn}#first-value"))


def _seed_failed(exc: Exception, what: str) -> OperationError:
    """An AWS error of the seeding as a typed error (AWS's messages name no secret value)."""
    error = getattr(exc, "response", {}).get("Error", {})
    detail = ": ".join(str(p) for p in (error.get("Code") or type(exc).__name__, error.get("Message")) if p)
    return OperationError(f"could not {what}: {detail}")


def seed_generated_secrets(stack: Stack) -> SeedResult:
    """Write the app secret's first value, the keys of the output ``generated_secret_keys``
    with random values (64 letters and digits), when the secret has no current value yet.
    A secret that has one (the generated value, or any a person set) is left as it is. Reads
    metadata only, never a value; returns the key names, never the values."""
    keys = sorted(str(k) for k in stack.outputs.get("generated_secret_keys") or [])
    if not keys:
        return SeedResult([], "nothing to generate")
    return _seed(
        stack, str(stack.out("secret_arn")), "the app secret", lambda password: {k: password() for k in keys}
    )


def seed_database_user(stack: Stack) -> SeedResult:
    """Write the first value of the app's database user secret (output ``database_app_user``,
    PostgreSQL): JSON ``username`` and a random ``password``, when it has none yet. The
    migration step creates the user with it (the stack's start wrapper). Never returns or
    reads a value."""
    user = stack.outputs.get("database_app_user")
    if not isinstance(user, dict) or not user.get("secret_arn"):
        return SeedResult([], "nothing to generate")
    username = str(user["username"])
    return _seed(
        stack,
        str(user["secret_arn"]),
        "the database user's secret",
        lambda password: {"username": username, "password": password()},
    )


def _seed(
    stack: Stack, arn: str, what: str, make_value: Callable[[Callable[[], str]], dict[str, str]]
) -> SeedResult:
    """The first value of secret ``arn`` (see above): ``make_value`` builds it, calling its
    argument for each random password it needs."""
    sm = stack.client("secretsmanager")
    try:
        described = sm.describe_secret(SecretId=arn)
    except OperationError:
        raise
    except Exception as exc:  # botocore ClientError
        if _code(exc) == "ResourceNotFoundException":
            raise OperationError(
                f"{what} {arn} does not exist: is the stack deployed? run `zonke apply`"
            ) from None
        raise _seed_failed(exc, f"describe {what}") from exc
    if any("AWSCURRENT" in stages for stages in (described.get("VersionIdsToStages") or {}).values()):
        return SeedResult([], "has a value")

    def password() -> str:
        try:
            generated = sm.get_random_password(PasswordLength=SEED_PASSWORD_LENGTH, ExcludePunctuation=True)
        except OperationError:
            raise
        except Exception as exc:
            raise _seed_failed(exc, f"generate a password for {what}") from exc
        value = str(generated["RandomPassword"])
        if len(value) != SEED_PASSWORD_LENGTH or not value.isalnum():
            raise OperationError(
                f"Secrets Manager generated a password for {what} that is not 64 letters and digits"
            )
        return value

    values = make_value(password)
    token = seed_token(arn)
    try:
        sm.put_secret_value(
            SecretId=arn,
            ClientRequestToken=token,
            SecretString=json.dumps(values, sort_keys=True, separators=(",", ":")),
        )
    except OperationError:
        raise
    except Exception as exc:
        if _code(exc) == "ResourceExistsException":  # another run wrote the first value
            return SeedResult([], "seeded by another run", token)
        raise _seed_failed(exc, f"write the first value of {arn}") from exc
    return SeedResult(sorted(values), "seeded", token)


def secrets_get(stack: Stack, name: str) -> str:
    data, _ = _read(stack)
    if name not in data:
        raise OperationError(f"no secret named {name}; `zonke secrets list` shows the names")
    return data[name]


@dataclass
class SecretChange:
    key: str
    action: str  # "created", "updated", "deleted"
    version_id: str
    attempts: int
    keys: list[str]
    task_definition_arn: str | None = None
    rolled: bool = False


def secrets_version(stack: Stack) -> str | None:
    """The version id of the app secret's current value (None when it has none): a caller
    passes it back as ``expected_version`` to refuse changes made by someone else since."""
    return _read(stack)[1]


def _compare_and_swap(
    stack: Stack,
    mutate: Callable[[dict[str, str]], str],
    attempts: int = 20,
    expected_version: str | None = None,
) -> tuple[str, str, dict[str, str], int]:
    """Apply ``mutate`` to the secret's current JSON and make the result current, only if
    nobody else changed the secret in between; retry on conflict. With ``expected_version``,
    refuse (StaleVersionError) instead of retrying when the current version is another one.
    Returns (action, version, new data, attempts)."""
    sm = stack.client("secretsmanager")
    arn = stack.out("secret_arn")
    for attempt in range(1, attempts + 1):
        data, current_version = _read(stack)
        if expected_version is not None and current_version != expected_version:
            raise StaleVersionError("the secrets were changed by someone else since you read them")
        action = mutate(data)
        token = str(uuid.uuid4())
        body = json.dumps(data, sort_keys=True, separators=(",", ":"))
        if current_version is None:
            sm.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString=body)
            return action, token, data, attempt
        # Stage the new version aside, then move AWSCURRENT to it only if AWSCURRENT is still
        # on the version we read: Secrets Manager refuses the move otherwise.
        sm.put_secret_value(
            SecretId=arn, ClientRequestToken=token, SecretString=body, VersionStages=[PENDING_STAGE]
        )
        try:
            sm.update_secret_version_stage(
                SecretId=arn,
                VersionStage="AWSCURRENT",
                MoveToVersionId=token,
                RemoveFromVersionId=current_version,
            )
        except Exception as exc:  # botocore ClientError
            if _code(exc) in (
                "InvalidParameterException",
                "InvalidRequestException",
                "ResourceExistsException",
            ):
                time.sleep(min(0.05 * attempt, 0.5))
                continue
            raise
        return action, token, data, attempt
    raise ConflictError(f"the secret kept changing under us ({attempts} attempts); try again")


def _roll(stack: Stack, keys_changed: bool, keys: list[str]) -> str | None:
    """Roll the service so new tasks read the secret; register a revision when keys changed."""
    ecs = stack.client("ecs")
    cluster, service = stack.out("cluster_name"), stack.out("service_name")
    new_arn = None
    if keys_changed:
        new_arn = register_with_secret_keys(stack, keys)
        ecs.update_service(cluster=cluster, service=service, taskDefinition=new_arn, forceNewDeployment=True)
    else:
        ecs.update_service(cluster=cluster, service=service, forceNewDeployment=True)
    return new_arn


_TD_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
)


def register_with_secret_keys(stack: Stack, keys: list[str]) -> str:
    """Register a revision of the service's current task definition whose app container has
    exactly ``keys`` from the app secret (other secrets, such as the database's, stay)."""
    ecs = stack.client("ecs")
    arn = stack.out("secret_arn")
    svc = _service(stack)
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"], include=["TAGS"])
    definition, tags = td["taskDefinition"], td.get("tags") or []
    container = stack.out("container_name")
    for c in definition["containerDefinitions"]:
        if c["name"] != container:
            continue
        others = [s for s in c.get("secrets", []) if not str(s["valueFrom"]).startswith(f"{arn}:")]
        own = [{"name": k, "valueFrom": f"{arn}:{k}::"} for k in sorted(keys)]
        c["secrets"] = others + own
    args = {k: definition[k] for k in _TD_FIELDS if definition.get(k) not in (None, [], {})}
    if tags:
        args["tags"] = tags
    return str(ecs.register_task_definition(**args)["taskDefinition"]["taskDefinitionArn"])


def secrets_set(
    stack: Stack, name: str, value: str, roll: bool = True, expected_version: str | None = None
) -> SecretChange:
    """Create or update one secret, compare-and-swap; roll the service so tasks pick it up."""
    _check_key(name)
    if value == "":
        raise UsageError(f"refusing to set {name} to an empty value; use `zonke secrets delete {name}`")

    def mutate(data: dict[str, str]) -> str:
        action = "updated" if name in data else "created"
        data[name] = value
        return action

    action, version, data, attempts = _compare_and_swap(stack, mutate, expected_version=expected_version)
    change = SecretChange(name, action, version, attempts, sorted(data))
    if roll:
        change.task_definition_arn = _roll(stack, action == "created", change.keys)
        change.rolled = True
    return change


def secrets_delete(
    stack: Stack, name: str, roll: bool = True, expected_version: str | None = None
) -> SecretChange:
    _check_key(name)
    if name in PROTECTED_KEYS:
        raise UsageError(f"{name} is needed by Django; change it with `zonke secrets set {name} ...`")

    def mutate(data: dict[str, str]) -> str:
        if name not in data:
            raise OperationError(f"no secret named {name}; `zonke secrets list` shows the names")
        del data[name]
        return "deleted"

    action, version, data, attempts = _compare_and_swap(stack, mutate, expected_version=expected_version)
    change = SecretChange(name, action, version, attempts, sorted(data))
    if roll:
        change.task_definition_arn = _roll(stack, True, change.keys)
        change.rolled = True
    return change


# --------------------------------------------------------------------------- the first image

# The tag of the revision Terraform registers (modules/ecs-service `image_tag`, whose default
# the stack keeps). No build pushes it: the pipeline tags its images with commit SHAs.
BOOTSTRAP_TAG = "bootstrap"
# The service's tags that hold the configured autoscaling bounds, also while the target is
# held at 0..0 (modules/ecs-service service.tf): the pipeline's first deploy reads them.
MIN_TAG, MAX_TAG = "zonke:min-count", "zonke:max-count"


def stack_names(prefix: str) -> dict[str, str]:
    """The names the stack root derives from ``<app>-<env>`` (examples/django-monolith
    main.tf ``local.name``; modules/ecs-service names its cluster, service and repository)."""
    return {"cluster": prefix, "service": prefix, "repository": f"zonke/{prefix}"}


def _service_images(ecs: Any, cluster: str, service: str) -> list[str] | None:
    """The images of the service's current task definition; None when there is no service."""
    try:
        found = ecs.describe_services(cluster=cluster, services=[service])
    except Exception as exc:  # botocore ClientError
        if _code(exc) == "ClusterNotFoundException":
            return None
        raise
    services = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not services:
        return None
    td = ecs.describe_task_definition(taskDefinition=services[0]["taskDefinition"])["taskDefinition"]
    return [str(c["image"]) for c in td.get("containerDefinitions", [])]


def _in_repository(ecr: Any, repository: str, tag: str) -> bool:
    try:
        found = ecr.describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except Exception as exc:  # botocore ClientError
        if _code(exc) in ("RepositoryNotFoundException", "ImageNotFoundException"):
            return False
        raise
    return bool(found.get("imageDetails"))


def app_image_exists(client: Callable[[str], Any], cluster: str, service: str, repository: str) -> bool:
    """Whether the web service has an image to run (modules/ecs-service ``app_image_exists``).

    A fresh service runs Terraform's revision, whose image is ``<repository>:bootstrap``,
    which no build pushes: False while the service is missing or still on that image and
    the image is not in the repository (the stack waits for its first build). True once
    the service runs any other image (a deploy or a rollback moved it there; it never goes
    back to waiting, even when ECR's lifecycle policy expires that image later), or when
    someone pushed a ``bootstrap`` image by hand. Errors other than "not found" propagate:
    a guess could hold a running service at 0 tasks."""
    return _has_image(client, _service_images(client("ecs"), cluster, service), repository)


def _has_image(client: Callable[[str], Any], images: list[str] | None, repository: str) -> bool:
    if images and not all(image.endswith(f"/{repository}:{BOOTSTRAP_TAG}") for image in images):
        return True
    return _in_repository(client("ecr"), repository, BOOTSTRAP_TAG)


# --------------------------------------------------------------------------- scaling


@dataclass
class ScaleResult:
    min: int
    max: int
    desired: int | None
    previous: dict[str, int]
    # True: the target is held at 0..0 until the first image (the bounds were recorded on the
    # service's tags for the first deploy, not applied)
    waiting: bool = False


def check_bounds(minimum: int, maximum: int, desired: int | None) -> None:
    if not 1 <= minimum <= MAX_TASKS:
        raise UsageError(f"--min {minimum} is out of range: allowed 1 to {MAX_TASKS}")
    if not 1 <= maximum <= MAX_TASKS:
        raise UsageError(f"--max {maximum} is out of range: allowed 1 to {MAX_TASKS}")
    if minimum > maximum:
        raise UsageError(f"--min {minimum} is above --max {maximum}: min must be <= max")
    if desired is not None and not minimum <= desired <= maximum:
        raise UsageError(f"--desired {desired} is outside --min {minimum} .. --max {maximum}")


def scale(stack: Stack, minimum: int, maximum: int, desired: int | None = None) -> ScaleResult:
    """Set the autoscaling bounds (and optionally the current count) of the web service.

    It writes what Terraform's next apply of the recorded config writes (the caller records
    the bounds in zonke.toml): the target's bounds and the service's ``zonke:min-count`` and
    ``zonke:max-count`` tags. While the stack waits for its first image Terraform holds the
    target at 0..0 (modules/ecs-service), and so does this: only the tags change, which the
    pipeline's first deploy applies; a desired count is refused, as no task could start."""
    check_bounds(minimum, maximum, desired)
    aas = stack.client("application-autoscaling")
    resource_id = stack.out("autoscaling_resource_id")
    found = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource_id])
    targets = found.get("ScalableTargets", [])
    if not targets:
        raise OperationError(f"no autoscaling target {resource_id}: is the stack deployed?")
    previous = {"min": targets[0]["MinCapacity"], "max": targets[0]["MaxCapacity"]}
    waiting = previous["max"] == 0
    if waiting and desired is not None:
        raise OperationError(
            f"the service waits for its first build: no task can start before it, so --desired "
            f"{desired} is refused and nothing was changed. Push to the pipeline's branch or run "
            "`zonke pipeline run`; its deploy starts the minimum"
        )
    if not waiting:
        aas.register_scalable_target(
            ServiceNamespace="ecs",
            ResourceId=resource_id,
            ScalableDimension="ecs:service:DesiredCount",
            MinCapacity=minimum,
            MaxCapacity=maximum,
        )
    ecs = stack.client("ecs")
    ecs.tag_resource(
        resourceArn=_service(stack)["serviceArn"],
        tags=[{"key": MIN_TAG, "value": str(minimum)}, {"key": MAX_TAG, "value": str(maximum)}],
    )
    if desired is not None:
        ecs.update_service(
            cluster=stack.out("cluster_name"), service=stack.out("service_name"), desiredCount=desired
        )
    return ScaleResult(minimum, maximum, desired, previous, waiting)


# --------------------------------------------------------------------------- status


def _service(stack: Stack) -> dict[str, Any]:
    ecs = stack.client("ecs")
    found = ecs.describe_services(cluster=stack.out("cluster_name"), services=[stack.out("service_name")])
    services = [s for s in found.get("services", []) if s.get("status") != "INACTIVE"]
    if not services:
        raise OperationError("the ECS service does not exist: is the stack deployed?")
    return dict(services[0])


@dataclass
class Status:
    site_url: str | None
    service: dict[str, Any] = field(default_factory=dict)
    scaling: dict[str, Any] = field(default_factory=dict)
    pipeline: dict[str, Any] = field(default_factory=dict)
    migration: dict[str, Any] = field(default_factory=dict)
    alarms: dict[str, Any] = field(default_factory=dict)
    # By worker name: desired/running/pending tasks, rollout, autoscaling min and max.
    workers: dict[str, Any] = field(default_factory=dict)
    # By scheduled job's name: expression, time zone, state, next run, last run seen.
    schedules: dict[str, Any] = field(default_factory=dict)
    # Failed runs waiting in the scheduled jobs' failed-runs queue.
    failed_runs: int = 0
    unavailable: list[str] = field(default_factory=list)
    unset_secrets: list[str] = field(default_factory=list)


def _try(status: Status, what: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return fn()
    except OperationError as exc:
        status.unavailable.append(f"{what}: {exc}")
    except Exception as exc:  # an API the account or the emulator does not offer
        code = _code(exc) or type(exc).__name__
        status.unavailable.append(f"{what}: could not read ({code})")
    return {}


WAITING_NEXT = "push to the pipeline's branch or run `zonke pipeline run`: its deploy starts the service"


def _primary_deployment(svc: Mapping[str, Any]) -> dict[str, Any]:
    """The service's PRIMARY deployment (the revision it is moving to), or {} if none."""
    return dict(next((d for d in svc.get("deployments", []) if d.get("status") == "PRIMARY"), {}))


def _service_status(stack: Stack) -> dict[str, Any]:
    svc = _service(stack)
    primary = _primary_deployment(svc)
    # The stack waits for its first build (the same look-up the wrapper makes for Terraform's
    # app_image_exists): no tasks run, by design, until the pipeline's first deploy.
    td = stack.client("ecs").describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    images = [str(c["image"]) for c in td.get("containerDefinitions", [])]
    repository = str(stack.out("ecr_repository_url")).split("/", 1)[1]
    waiting = not _has_image(stack.client, images, repository)
    out = {
        "desired": svc.get("desiredCount"),
        "running": svc.get("runningCount"),
        "pending": svc.get("pendingCount"),
        "rollout": primary.get("rolloutState", "UNKNOWN"),
        "deployments": len(svc.get("deployments", [])),
        "task_definition": svc.get("taskDefinition"),
        "waiting_for_first_build": waiting,
    }
    if waiting:
        out["next"] = (
            WAITING_NEXT
            if stack.outputs.get("pipeline_name")
            else f"no pipeline: push an image as {repository}:{BOOTSTRAP_TAG}, then `zonke apply`"
        )
    return out


def _workers_status(stack: Stack) -> dict[str, Any]:
    """Each worker's tasks and autoscaling bounds (the stack's ``worker_services`` output)."""
    workers: dict[str, Any] = stack.outputs.get("worker_services") or {}
    if not workers:
        return {}
    by_service = {str(w["service_name"]): name for name, w in workers.items()}
    out: dict[str, Any] = {name: {} for name in workers}
    names = list(by_service)
    ecs = stack.client("ecs")
    for start in range(0, len(names), 10):  # DescribeServices takes 10 services at a time
        found = ecs.describe_services(cluster=stack.out("cluster_name"), services=names[start : start + 10])
        for svc in found.get("services", []):
            if svc.get("status") == "INACTIVE":
                continue
            primary = _primary_deployment(svc)
            out[by_service[svc["serviceName"]]].update(
                desired=svc.get("desiredCount"),
                running=svc.get("runningCount"),
                pending=svc.get("pendingCount"),
                rollout=primary.get("rolloutState", "UNKNOWN"),
            )
    targets = stack.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[str(w["autoscaling_resource_id"]) for w in workers.values()]
    )["ScalableTargets"]
    by_resource = {str(w["autoscaling_resource_id"]): name for name, w in workers.items()}
    for target in targets:
        name = by_resource.get(target["ResourceId"])
        if name:
            out[name].update(min=target["MinCapacity"], max=target["MaxCapacity"])
    missing = sorted(name for name, got in out.items() if "desired" not in got)
    if missing:
        raise OperationError(
            f"the ECS service of worker {', '.join(missing)} does not exist: is the stack deployed?"
        )
    return out


def _last_runs(stack: Stack, groups: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """The newest task of each job (by its ECS task group) that ECS still lists: running ones,
    and stopped ones for about an hour after they stop (ECS forgets them then)."""
    ecs, cluster = stack.client("ecs"), stack.out("cluster_name")
    arns: list[str] = []
    for desired in ("RUNNING", "STOPPED"):
        pages = ecs.get_paginator("list_tasks").paginate(
            cluster=cluster, family=stack.out("task_definition_family"), desiredStatus=desired
        )
        arns += [arn for page in pages for arn in page.get("taskArns", [])]
    job_by_group = {group: job for job, group in groups.items()}
    newest: dict[str, dict[str, Any]] = {}
    for start in range(0, len(arns), 100):  # DescribeTasks takes 100 tasks at a time
        for task in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100]).get("tasks", []):
            job = job_by_group.get(str(task.get("group")))
            if job is None:
                continue
            created = task.get("createdAt")  # AWS sets it; the emulator does not
            if job in newest and created is not None and created <= newest[job]["_created"]:
                continue
            containers = task.get("containers") or [{}]
            code = containers[0].get("exitCode")
            newest[job] = {
                "_created": created,
                "started": created.isoformat() if isinstance(created, datetime) else None,
                "status": task.get("lastStatus"),
                "exit_code": code,
                "succeeded": None if task.get("lastStatus") != "STOPPED" else code == 0,
                "reason": task.get("stoppedReason"),
            }
    for run in newest.values():
        run.pop("_created")
    return newest


def _schedules_status(stack: Stack, now: datetime | None = None) -> dict[str, Any]:
    """Each scheduled job (the stack's ``schedules`` output): its expression, time zone and
    state as EventBridge Scheduler has them, the next run, and the last run ECS still lists."""
    jobs: dict[str, Any] = stack.outputs.get("schedules") or {}
    if not jobs:
        return {}
    now = now or datetime.now(UTC)
    scheduler = stack.client("scheduler")
    last = _last_runs(stack, {name: str(job["task_group"]) for name, job in jobs.items()})
    out: dict[str, Any] = {}
    for name, job in jobs.items():
        try:
            found = scheduler.get_schedule(GroupName=job["group_name"], Name=job["schedule_name"])
        except Exception as exc:
            if _code(exc) == "ResourceNotFoundException":
                raise OperationError(
                    f"the schedule of job {name} does not exist: is the stack deployed?"
                ) from exc
            raise
        expression, timezone = (
            str(found["ScheduleExpression"]),
            str(found.get("ScheduleExpressionTimezone") or "UTC"),
        )
        enabled = found.get("State") == "ENABLED"
        upcoming = next_run(expression, timezone, now, found.get("CreationDate")) if enabled else None
        out[name] = {
            "expression": expression,
            "timezone": timezone,
            "state": found.get("State"),
            "command": job.get("command"),
            "next_run": upcoming.isoformat() if upcoming else None,
            "last_run": last.get(name),
        }
    return out


def _failed_runs(stack: Stack) -> int:
    """How many failed runs wait in the scheduled jobs' failed-runs queue."""
    url = next(iter((stack.outputs.get("schedules") or {}).values()))["failures_queue_url"]
    attrs = stack.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    return int(attrs["Attributes"]["ApproximateNumberOfMessages"])


def _scaling_status(stack: Stack) -> dict[str, Any]:
    aas = stack.client("application-autoscaling")
    found = aas.describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[stack.out("autoscaling_resource_id")]
    )["ScalableTargets"]
    if not found:
        raise OperationError("no autoscaling target")
    return {"min": found[0]["MinCapacity"], "max": found[0]["MaxCapacity"]}


def pipeline_stages(stack: Stack) -> list[dict[str, Any]]:
    state = stack.client("codepipeline").get_pipeline_state(name=stack.out("pipeline_name"))
    return [
        {"name": s["stageName"], "status": (s.get("latestExecution") or {}).get("status", "NotRun")}
        for s in state.get("stageStates", [])
    ]


def _pipeline_status(stack: Stack, status: Status) -> dict[str, Any]:
    cp = stack.client("codepipeline")
    name = stack.out("pipeline_name")
    runs = cp.list_pipeline_executions(pipelineName=name, maxResults=1).get("pipelineExecutionSummaries", [])
    out: dict[str, Any] = {"name": name, "last_execution": None}
    if runs:
        last = runs[0]
        out["last_execution"] = {
            "id": last.get("pipelineExecutionId"),
            "status": last.get("status"),
            "started": str(last.get("startTime", "")),
        }
    out["stages"] = _try(
        status, "pipeline stages (GetPipelineState)", lambda: {"s": pipeline_stages(stack)}
    ).get("s")
    return out


EXIT_CODE = re.compile(r"exit(?:ed)?(?: with)?(?: code)?[\s:=\"]+(-?\d+)", re.IGNORECASE)


def describe_migration(stack: Stack, execution_arn: str) -> dict[str, Any]:
    sfn = stack.client("stepfunctions")
    ex = sfn.describe_execution(executionArn=execution_arn)
    result: dict[str, Any] = {
        "execution": execution_arn,
        "status": ex.get("status"),
        "started": str(ex.get("startDate", "")),
        "exit_code": None,
    }
    for text in (ex.get("output"), ex.get("cause"), ex.get("error")):
        if not text:
            continue
        found = _exit_code(text)
        if found is not None:
            result["exit_code"] = found
            break
    if ex.get("status") == "SUCCEEDED" and result["exit_code"] is None:
        result["exit_code"] = 0
    if ex.get("error") or ex.get("cause"):
        result["error"] = ex.get("error")
        result["cause"] = ex.get("cause")
    return result


def _exit_code(text: str) -> int | None:
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        doc = None
    if isinstance(doc, dict):
        for key in ("exit_code", "exitCode", "ExitCode"):
            if isinstance(doc.get(key), int):
                return int(doc[key])
        for container in doc.get("Containers", doc.get("containers", [])) or []:
            for key in ("ExitCode", "exitCode"):
                if isinstance(container.get(key), int):
                    return int(container[key])
    match = EXIT_CODE.search(text)
    return int(match.group(1)) if match else None


def _migration_status(stack: Stack) -> dict[str, Any]:
    sfn = stack.client("stepfunctions")
    runs = sfn.list_executions(stateMachineArn=stack.out("migration_state_machine_arn"), maxResults=1)
    executions = runs.get("executions", [])
    if not executions:
        return {"last_run": None}
    return {"last_run": describe_migration(stack, executions[0]["executionArn"])}


def service_metrics(stack: Stack, hours: int = 3) -> dict[str, list[tuple[str, float]]]:
    """The web service's CPU (AWS/ECS CPUUtilization, average) and running task count
    (ECS/ContainerInsights RunningTaskCount, when Container Insights is on) over the last
    ``hours``, in 5-minute points, oldest first. Empty lists when CloudWatch has no data."""
    from datetime import UTC, datetime, timedelta

    cw = stack.client("cloudwatch")
    end = datetime.now(UTC)
    dims = [
        {"Name": "ClusterName", "Value": stack.out("cluster_name")},
        {"Name": "ServiceName", "Value": stack.out("service_name")},
    ]
    out: dict[str, list[tuple[str, float]]] = {}
    for key, namespace, metric in (
        ("cpu", "AWS/ECS", "CPUUtilization"),
        ("tasks", "ECS/ContainerInsights", "RunningTaskCount"),
    ):
        found = cw.get_metric_statistics(
            Namespace=namespace,
            MetricName=metric,
            Dimensions=dims,
            StartTime=end - timedelta(hours=hours),
            EndTime=end,
            Period=300,
            Statistics=["Average"],
        )
        points = sorted(found.get("Datapoints", []), key=lambda d: d["Timestamp"])
        out[key] = [(d["Timestamp"].strftime("%H:%M"), float(d["Average"])) for d in points]
    return out


STATUS_PARTS = ("service", "scaling", "workers", "schedules", "pipeline", "migration", "alarms", "secrets")


def status(stack: Stack, parts: tuple[str, ...] = STATUS_PARTS) -> Status:
    """Everything a person wants to know about the app (or only ``parts`` of it), reading
    what can be read."""
    st = Status(site_url=stack.outputs.get("site_url"))
    if "service" in parts:
        st.service = _try(st, "service", lambda: _service_status(stack))
    if "scaling" in parts:
        st.scaling = _try(st, "autoscaling", lambda: _scaling_status(stack))
    if "workers" in parts and stack.outputs.get("worker_services"):
        st.workers = _try(st, "workers", lambda: _workers_status(stack))
    if "schedules" in parts and stack.outputs.get("schedules"):
        st.schedules = _try(st, "schedules", lambda: _schedules_status(stack))
        st.failed_runs = int(_try(st, "failed runs", lambda: {"n": _failed_runs(stack)}).get("n", 0))
    if "pipeline" in parts:
        st.pipeline = _try(st, "pipeline", lambda: _pipeline_status(stack, st))
    if "migration" in parts:
        st.migration = _try(st, "migrations", lambda: _migration_status(stack))
    if "alarms" in parts and stack.outputs.get("alarm_name_prefix"):
        st.alarms = _try(st, "alarms", lambda: _alarm_status(stack))
    if "secrets" in parts:
        st.unset_secrets = _try(st, "secrets", lambda: {"unset": unset_secrets(stack)}).get("unset", [])
    return st


def _alarm_status(stack: Stack) -> dict[str, Any]:
    """The stack's alarms that are firing now (modules/alarms names them `<prefix>...`)."""
    cw = stack.client("cloudwatch")
    firing = [
        {
            "name": a["AlarmName"],
            "reason": a.get("StateReason", ""),
            "since": str(a.get("StateUpdatedTimestamp", "")),
        }
        for page in cw.get_paginator("describe_alarms").paginate(
            AlarmNamePrefix=stack.out("alarm_name_prefix"), StateValue="ALARM"
        )
        for a in page.get("MetricAlarms", []) + page.get("CompositeAlarms", [])
    ]
    return {"firing": firing}


# --------------------------------------------------------------------------- pipeline and migrate


def pipeline_execution(stack: Stack, execution_id: str) -> dict[str, Any]:
    """One pipeline run: its status and, where the account offers it, the stages' results."""
    cp = stack.client("codepipeline")
    name = stack.out("pipeline_name")
    ex = cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)["pipelineExecution"]
    result: dict[str, Any] = {"pipeline": name, "execution_id": execution_id, "status": ex.get("status")}
    try:
        result["stages"] = pipeline_stages(stack)
        result["unavailable"] = []
    except Exception as exc:
        result["stages"] = None
        result["unavailable"] = [f"stages: could not read ({_code(exc) or type(exc).__name__})"]
    return result


def pipeline_history(stack: Stack, limit: int = 5) -> list[dict[str, Any]]:
    """The last ``limit`` pipeline runs, newest first."""
    runs = stack.client("codepipeline").list_pipeline_executions(
        pipelineName=stack.out("pipeline_name"), maxResults=limit
    )
    return [
        {
            "id": r.get("pipelineExecutionId"),
            "status": r.get("status"),
            "started": str(r.get("startTime", "")),
        }
        for r in runs.get("pipelineExecutionSummaries", [])[:limit]
    ]


def migration_history(stack: Stack, limit: int = 5) -> list[dict[str, Any]]:
    """The last ``limit`` migration runs with their exit codes, newest first."""
    runs = stack.client("stepfunctions").list_executions(
        stateMachineArn=stack.out("migration_state_machine_arn"), maxResults=limit
    )
    return [describe_migration(stack, e["executionArn"]) for e in runs.get("executions", [])[:limit]]


def pipeline_run(
    stack: Stack,
    wait: bool = False,
    on_update: Callable[[dict[str, Any]], None] | None = None,
    timeout: float = 3600,
    poll: float = 5,
) -> dict[str, Any]:
    """Start the pipeline; with ``wait``, follow it until it ends."""
    cp = stack.client("codepipeline")
    name = stack.out("pipeline_name")
    execution_id = cp.start_pipeline_execution(name=name)["pipelineExecutionId"]
    result: dict[str, Any] = {"pipeline": name, "execution_id": execution_id, "status": "InProgress"}
    if not wait:
        return result
    deadline = time.monotonic() + timeout
    unavailable: list[str] = []
    while True:
        ex = cp.get_pipeline_execution(pipelineName=name, pipelineExecutionId=execution_id)[
            "pipelineExecution"
        ]
        result["status"] = ex.get("status")
        try:
            result["stages"] = pipeline_stages(stack)
        except Exception as exc:
            note = f"stages: could not read ({_code(exc) or type(exc).__name__})"
            if note not in unavailable:
                unavailable.append(note)
        result["unavailable"] = unavailable
        if on_update:
            on_update(dict(result))
        if result["status"] not in ("InProgress", "Stopping"):
            return result
        if time.monotonic() > deadline:
            result["timed_out"] = True
            return result
        time.sleep(poll)


def live_image(stack: Stack) -> str:
    """The image the web service runs now."""
    svc = _service(stack)
    td = stack.client("ecs").describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    container = stack.out("container_name")
    for c in td["containerDefinitions"]:
        if c["name"] == container:
            return str(c["image"])
    raise OperationError(f"the service's task definition has no container {container!r}")


LOCK_KEY = "migration"


def _attr(item: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(next(iter(v.values()))) for k, v in item.items() if isinstance(v, dict) and v}


def lock_holder(stack: Stack) -> dict[str, str] | None:
    """The migration lock's item (holder, execution, image, acquired_at, expires_at), if any."""
    got = stack.client("dynamodb").get_item(
        TableName=stack.out("migration_lock_table_name"),
        Key={"lock_id": {"S": LOCK_KEY}},
        ConsistentRead=True,
    )
    return _attr(got["Item"]) if got.get("Item") else None


def lock_take(stack: Stack, execution_name: str, image: str) -> None:
    """Take the migration lock for the runner execution ``execution_name``.

    A conditional PutItem: it succeeds only when no lock exists or the one there has
    expired, so of two starters exactly one wins; the other gets
    :class:`MigrationLockedError` naming the holder.
    """
    ddb = stack.client("dynamodb")
    now = int(time.time())
    machine = str(stack.out("migration_state_machine_arn"))
    item = {
        "lock_id": {"S": LOCK_KEY},
        "holder": {"S": execution_name},
        "execution": {"S": machine.replace(":stateMachine:", ":execution:") + f":{execution_name}"},
        "image": {"S": image},
        "acquired_at": {"S": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))},
        "expires_at": {"N": str(now + int(stack.out("migration_lock_lease_seconds")))},
    }
    try:
        ddb.put_item(
            TableName=stack.out("migration_lock_table_name"),
            Item=item,
            ConditionExpression="attribute_not_exists(lock_id) OR expires_at < :now",
            ExpressionAttributeValues={":now": {"N": str(now)}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except Exception as exc:  # botocore ClientError
        if _code(exc) != "ConditionalCheckFailedException":
            raise
        old = getattr(exc, "response", {}).get("Item")
        holder = _attr(old) if old else lock_holder(stack)
        raise MigrationLockedError(holder or {"holder": "a run that has just finished"}) from None


def lock_release(stack: Stack, execution_name: str) -> None:
    """Release the migration lock if ``execution_name`` still holds it."""
    try:
        stack.client("dynamodb").delete_item(
            TableName=stack.out("migration_lock_table_name"),
            Key={"lock_id": {"S": LOCK_KEY}},
            ConditionExpression="holder = :me",
            ExpressionAttributeValues={":me": {"S": execution_name}},
        )
    except Exception as exc:
        if _code(exc) != "ConditionalCheckFailedException":
            raise


def migrate(
    stack: Stack,
    wait: bool = False,
    on_update: Callable[[dict[str, Any]], None] | None = None,
    timeout: float = 1800,
    poll: float = 3,
) -> dict[str, Any]:
    """Run the migration runner with the image that is live now.

    The migration lock is taken first, in the name of the execution about to start (the
    runner then finds it its own), so a run already in progress is reported at once and
    nothing starts; see modules/migration-task/lock.tf.
    """
    image = live_image(stack)
    sfn = stack.client("stepfunctions")
    machine = stack.out("migration_state_machine_arn")
    name = f"zonke-cli-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    lock_take(stack, name, image)
    try:
        started = sfn.start_execution(stateMachineArn=machine, name=name, input=json.dumps({"image": image}))
    except BaseException:
        with contextlib.suppress(Exception):  # the start's own error is the one to report
            lock_release(stack, name)
        raise
    result: dict[str, Any] = {"execution": started["executionArn"], "image": image, "status": "RUNNING"}
    if not wait:
        return result
    deadline = time.monotonic() + timeout
    while True:
        result.update(describe_migration(stack, started["executionArn"]))
        if on_update:
            on_update(dict(result))
        if result["status"] != "RUNNING":
            return result
        if time.monotonic() > deadline:
            result["timed_out"] = True
            return result
        time.sleep(poll)


# --------------------------------------------------------------------------- edge: origin secret rotation

# The previous-secret parameter's value outside a rotation (modules/cdn-static: SSM refuses
# an empty value).
NO_PREVIOUS_ORIGIN_SECRET = "none"


@dataclass
class OriginSecretRotation:
    """What ``rotate_origin_secret`` did. Never holds a secret value."""

    resumed: bool  # phase 1 had been done by an earlier, unfinished run
    distribution_deployed: bool  # CloudFront reported the new header deployed to every edge
    old_value_gone: bool  # the ALB no longer accepts the previous value
    waited_seconds: float
    parameter_version: int  # SSM version of the current origin-secret parameter


def _new_origin_secret() -> str:
    # 256 random bits as 64 hex digits: the format cdn-static generates, inside the ALB
    # condition's allowed characters (no * or ?, which it reads as wildcards).
    return secrets.token_hex(32)


def _ssm_secret(ssm: Any, name: str) -> tuple[str, int]:
    found = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]
    return str(found["Value"]), int(found["Version"])


def _ssm_put(ssm: Any, name: str, value: str) -> int:
    # Overwriting a SecureString without KeyId re-encrypts it with the account's default
    # aws/ssm key; pass the parameter's own key so Terraform's key_id stays as planned.
    # https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html
    described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"]
    key = {"KeyId": described[0]["KeyId"]} if described and described[0].get("KeyId") else {}
    return int(
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True, **key)["Version"]
    )


def _alb_accepts(stack: Stack, header: str, values: list[str]) -> None:
    """Set the forward rule's header condition to exactly ``values`` (current first)."""
    stack.client("elbv2").modify_rule(
        RuleArn=stack.out("origin_forward_rule_arn"),
        Conditions=[
            {"Field": "http-header", "HttpHeaderConfig": {"HttpHeaderName": header, "Values": values}}
        ],
    )


def _cloudfront_sends(stack: Stack, header: str, value: str) -> bool:
    """Make the distribution send ``value`` in ``header`` to its custom origins; True if it changed."""
    cloudfront = stack.client("cloudfront")
    dist_id = stack.out("distribution_id")
    found = cloudfront.get_distribution_config(Id=dist_id)
    config, etag = found["DistributionConfig"], found["ETag"]
    changed = False
    for origin in config["Origins"]["Items"]:
        for item in (origin.get("CustomHeaders") or {}).get("Items") or []:
            if item["HeaderName"].lower() == header.lower() and item["HeaderValue"] != value:
                item["HeaderValue"] = value
                changed = True
    if changed:
        # UpdateDistribution takes the whole config and the ETag it was read with, so a
        # concurrent change is refused rather than overwritten.
        # https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdateDistribution.html
        cloudfront.update_distribution(Id=dist_id, IfMatch=etag, DistributionConfig=config)
    return changed


def check_rotation_timing(timeout: float, grace: float) -> None:
    if not 1 <= timeout <= 86400:
        raise UsageError(f"--timeout {timeout:g} is out of range: allowed 1 to 86400 seconds")
    if not 0 <= grace <= 3600:
        raise UsageError(f"--grace {grace:g} is out of range: allowed 0 to 3600 seconds")


def rotate_origin_secret(
    stack: Stack,
    on_update: Callable[[str], None] | None = None,
    timeout: float = 1800,
    poll: float = 10,
    grace: float = 0,
) -> OriginSecretRotation:
    """Rotate the origin secret CloudFront sends to the ALB, in two phases, without 403s.

    Phase 1: the new value goes into the origin-secret parameter and the old one into the
    previous-secret parameter; the ALB's forward rule accepts both; CloudFront is told to
    send the new one. Then wait until CloudFront reports the distribution ``Deployed``
    (the change has reached every edge location) and ``grace`` seconds more. Phase 2: the
    rule accepts the new value only and the previous-secret parameter is reset. A run
    interrupted between the phases is resumed by the next one (the previous-secret
    parameter says a rotation is under way). Terraform derives the header and the rule
    from the same parameters, so a plan at any point shows no change.

    CloudFront's Status: https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Distribution.html
    """
    check_rotation_timing(timeout, grace)
    say = on_update or (lambda _message: None)
    ssm = stack.client("ssm")
    current_name = stack.out("origin_secret_parameter_name")
    previous_name = stack.out("origin_secret_previous_parameter_name")
    header = stack.out("origin_secret_header_name")

    current, _ = _ssm_secret(ssm, current_name)
    previous, _ = _ssm_secret(ssm, previous_name)
    resumed = previous != NO_PREVIOUS_ORIGIN_SECRET
    if resumed:
        new, old = current, previous
        say("a rotation was under way: finishing it")
    else:
        new, old = _new_origin_secret(), current
        # The old value is recorded first: if this run stops anywhere below, the ALB
        # (and Terraform) keep accepting it, and the next run resumes.
        _ssm_put(ssm, previous_name, old)
        _ssm_put(ssm, current_name, new)
        say("phase 1: new value stored; the ALB accepts the new and the previous value")
    _alb_accepts(stack, header, [new, old])
    if _cloudfront_sends(stack, header, new):
        say("phase 1: CloudFront is deploying the new header to its edge locations")

    cloudfront = stack.client("cloudfront")
    started = time.monotonic()
    deadline = started + timeout
    while True:
        state = cloudfront.get_distribution(Id=stack.out("distribution_id"))["Distribution"]["Status"]
        if state == "Deployed":
            break
        if time.monotonic() > deadline:
            say(f"CloudFront still reports {state}; the ALB keeps accepting both values")
            return OriginSecretRotation(resumed, False, False, time.monotonic() - started, 0)
        say(f"waiting for CloudFront: {state}")
        time.sleep(poll)
    if grace > 0:
        say(f"CloudFront deployed the new header; waiting {grace:.0f} s more")
        time.sleep(grace)

    _alb_accepts(stack, header, [new])
    _ssm_put(ssm, previous_name, NO_PREVIOUS_ORIGIN_SECRET)
    _, version = _ssm_secret(ssm, current_name)
    say("phase 2: the ALB accepts the new value only; the previous value is gone")
    return OriginSecretRotation(resumed, True, True, time.monotonic() - started, version)
