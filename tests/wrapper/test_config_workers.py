"""[[workers]] in zonke.toml: off by default, what reaches the stack, bad values named, names that fit."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support import REPO_ROOT
from zonke_tf.config import parse_config, to_tfvars
from zonke_tf.errors import ConfigError

CELERY = {"name": "celery", "command": ["celery", "-A", "mysite", "worker", "--loglevel", "INFO"]}


def config(*workers: dict[str, Any], **sections: Any) -> dict[str, Any]:
    return {"app": {"name": "shop"}, "workers": list(workers), **sections}


def test_no_worker_unless_asked() -> None:
    assert to_tfvars(parse_config({"app": {"name": "shop"}}))["workers"] == {}


def test_workers_reach_the_stack_by_name_with_defaults() -> None:
    nightly = {
        "name": "reports",
        "command": "python manage.py rqworker --burst",
        "cpu": 512,
        "memory": 2048,
        "min": 0,
        "max": 3,
    }
    tfvars = to_tfvars(parse_config(config(CELERY, nightly)))
    assert tfvars["workers"] == {
        "celery": {
            "command": CELERY["command"],
            "cpu": 256,
            "memory": 512,
            "min_count": 1,
            "max_count": 2,
            "queue": "celery",
            "messages_per_task": 10,
        },
        "reports": {
            "command": ["python", "manage.py", "rqworker", "--burst"],  # a string is split as a shell would
            "cpu": 512,
            "memory": 2048,
            "min_count": 0,
            "max_count": 3,
            "queue": "celery",  # used only with a broker
            "messages_per_task": 10,
        },
    }


@pytest.mark.parametrize(
    ("workers", "sections", "expected"),
    [
        ([{**CELERY, "name": "Celery_1"}], {}, ["workers.0.name", "2-20 lowercase letters"]),
        ([{**CELERY, "command": []}], {}, ["workers.0.command", "list of words or one string"]),
        ([{"name": "celery"}], {}, ["workers.0.command", "Field required"]),
        ([{**CELERY, "min": 3, "max": 2}], {}, ["min=3 is above max=2"]),
        ([{**CELERY, "max": 0}], {}, ["workers.0.max", "greater than or equal to 1"]),
        (
            [{**CELERY, "memory": 4096}],
            {},
            ["workers (celery)", "memory=4096 does not fit cpu=256 on Fargate"],
        ),
        ([CELERY, CELERY], {}, ["the name celery is used twice"]),
        ([{**CELERY, "queues": ["a"]}], {}, ["workers.0.queues"]),
    ],
    ids=["name", "empty-command", "no-command", "bounds", "max", "fargate-pair", "twice", "unknown-key"],
)
def test_bad_workers_are_refused_naming_the_field(
    workers: list[dict[str, Any]], sections: dict[str, Any], expected: list[str]
) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(config(*workers, **sections))
    missing = [e for e in expected if e not in str(err.value)]
    assert not missing, f"{missing} not in:\n{err.value}"


def test_on_ec2_capacity_a_worker_takes_any_memory() -> None:
    c = parse_config(config({**CELERY, "memory": 700}, compute={"capacity": "EC2"}))
    assert to_tfvars(c)["workers"]["celery"]["memory"] == 700


def accepted(data: dict[str, Any]) -> bool:
    try:
        parse_config(data)
    except ConfigError:
        return False
    return True


def test_the_longest_names_the_config_accepts_fit_the_worker_module() -> None:
    """The worker's service is <app>-<environment>-worker_<name>: with the longest app name,
    environment and worker name the config accepts it must pass the module's name validation."""
    name, worker = "a" * 20, "w" * 20
    environments = [
        "e" * n for n in range(1, 11) if accepted({"app": {"name": name, "environment": "e" * n}})
    ]
    assert environments, "no environment fits a 20-character app name"
    environment = environments[-1]
    assert accepted(
        {"app": {"name": name, "environment": environment}, "workers": [{**CELERY, "name": worker}]}
    )
    assert not accepted({"app": {"name": name + "a", "environment": environment}})
    assert not accepted({"app": {"name": "shop"}, "workers": [{**CELERY, "name": worker + "w"}]})
    variables = (REPO_ROOT / "modules" / "ecs-worker" / "variables.tf").read_text()
    pattern = re.search(r'regex\("(\^\[a-z\]\[a-z0-9_-\]\{0,61\}\[a-z0-9\]\$)", var\.name\)', variables)
    assert pattern, "the module's name validation moved: update this test"
    service = f"{name}-{environment}-worker_{worker}"
    assert re.fullmatch(pattern.group(1), service), (
        f"{service!r} ({len(service)} chars) fails the module's rule"
    )


def test_the_broker_is_off_unless_asked_and_reaches_the_stack() -> None:
    off = to_tfvars(parse_config({"app": {"name": "shop"}}))
    assert off["broker"] == "none"
    on = to_tfvars(
        parse_config(
            config(
                CELERY,
                {**CELERY, "name": "reports", "queue": "reports", "messages_per_task": 50},
                broker={"type": "sqs", "queues": ["celery", "reports"], "visibility_timeout": 3600},
            )
        )
    )
    assert (
        on["broker"],
        on["broker_queues"],
        on["broker_visibility_timeout"],
        on["broker_max_receives"],
    ) == (
        "sqs",
        ["celery", "reports"],
        3600,
        5,
    )
    # a worker without a queue takes the broker's first
    assert (on["workers"]["celery"]["queue"], on["workers"]["reports"]["queue"]) == ("celery", "reports")
    assert on["workers"]["reports"]["messages_per_task"] == 50


def test_the_redis_broker_uses_the_cache_and_workers_may_scale_to_zero() -> None:
    """With the cache as broker nothing scales on a queue's backlog (CPU instead), so min = 0
    is allowed; a worker's queue must still be one of broker.queues."""
    data = config({**CELERY, "min": 0}, broker={"type": "redis"}, cache={"enabled": True})
    on = to_tfvars(parse_config(data))
    assert (on["broker"], on["cache_enabled"], on["workers"]["celery"]["min_count"]) == ("redis", True, 0)
    with pytest.raises(ConfigError, match=r"queue='nightly' is not one of broker\.queues"):
        parse_config(
            config({**CELERY, "queue": "nightly"}, broker={"type": "redis"}, cache={"enabled": True})
        )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (config(broker={"type": "rabbitmq"}), ["broker.type", "'none', 'sqs' or 'redis'"]),
        (
            config(broker={"type": "redis"}),
            ['type = "redis" uses the stack\'s cache', "[cache] with enabled = true"],
        ),
        (config(broker={"type": "sqs", "queues": ["Celery!"]}), ["broker.queues", "1 to 10 distinct names"]),
        (config(broker={"type": "sqs", "visibility_timeout": 5}), ["broker.visibility_timeout"]),
        (config({**CELERY, "queue": "celery"}), ["queue='celery' needs a broker", '[broker] type = "sqs"']),
        (
            config({**CELERY, "queue": "nightly"}, broker={"type": "sqs"}),
            ["queue='nightly' is not one of broker.queues ['celery']"],
        ),
        (config({**CELERY, "min": 0}, broker={"type": "sqs"}), ["min=0 with an SQS broker", "set min = 1"]),
    ],
    ids=[
        "type",
        "redis-without-cache",
        "queue-names",
        "visibility",
        "queue-without-broker",
        "unknown-queue",
        "min-zero",
    ],
)
def test_bad_broker_settings_are_refused_naming_the_field(data: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    missing = [e for e in expected if e not in str(err.value)]
    assert not missing, f"{missing} not in:\n{err.value}"


@pytest.mark.parametrize("module", ["media-storage", "redis-cache", "scheduled-jobs", "sqs-broker"])
def test_the_longest_stack_name_the_config_accepts_fits_each_optional_module(module: str) -> None:
    """Media, the cache, scheduled jobs and the SQS broker are named after the stack
    (<app>-<environment>); each module's name rule keeps its AWS names within AWS's limits
    (bucket 63, replication group and user 40, queue 80, schedule group 64), so the longest
    stack name the config accepts must pass each rule."""
    name = "a" * 20
    environment = next(
        "e" * n for n in range(10, 0, -1) if accepted({"app": {"name": name, "environment": "e" * n}})
    )
    stack = f"{name}-{environment}"
    variables = (REPO_ROOT / "modules" / module / "variables.tf").read_text()
    block = variables[variables.index('variable "name"') :].split("\n}\n", 1)[0]
    pattern = re.search(r'regex\("([^"]+)", var\.name\)', block)
    assert pattern, f"{module}: the name validation moved: update this test"
    assert re.fullmatch(pattern.group(1).replace("\\\\", "\\"), stack), (
        f"{stack!r} ({len(stack)}) fails {module}"
    )
    assert "--" not in stack
