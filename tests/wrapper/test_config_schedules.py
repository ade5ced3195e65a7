"""[[schedules]] in zonke.toml: off by default, what reaches the stack, bad values named before
anything reaches AWS; the next run `zonke status` shows, computed as EventBridge Scheduler does."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from zonke_tf.config import parse_config, to_tfvars
from zonke_tf.errors import ConfigError
from zonke_tf.schedules import Cron, Rate, ScheduleExpressionError, next_run, parse

NIGHTLY = {"name": "nightly-report", "command": "python manage.py nightly_report", "cron": "0 3 * * ? *"}


def config(*schedules: dict[str, Any]) -> dict[str, Any]:
    return {"app": {"name": "shop"}, "schedules": list(schedules)}


def test_no_schedule_unless_asked() -> None:
    assert to_tfvars(parse_config({"app": {"name": "shop"}}))["schedules"] == {}


def test_schedules_reach_the_stack_by_name() -> None:
    sweep = {
        "name": "sweep",
        "command": ["python", "manage.py", "sweep"],
        "rate": "15 minutes",
        "timezone": "Europe/Paris",
    }
    tfvars = to_tfvars(parse_config(config(NIGHTLY, sweep)))
    assert tfvars["schedules"] == {
        "nightly-report": {
            "expression": "cron(0 3 * * ? *)",
            "command": ["python", "manage.py", "nightly_report"],  # a string is split as a shell would
            "timezone": "UTC",
            "description": "",
        },
        "sweep": {
            "expression": "rate(15 minutes)",
            "command": ["python", "manage.py", "sweep"],
            "timezone": "Europe/Paris",
            "description": "",
        },
    }


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ({**NIGHTLY, "name": "Nightly"}, ["schedules.0.name", "2-20 lowercase letters"]),
        ({**NIGHTLY, "command": ""}, ["schedules.0.command", "list of words or one string"]),
        ({**NIGHTLY, "rate": "1 day"}, ["give either cron", "not both or neither"]),
        ({"name": "x1", "command": "true"}, ["give either cron"]),
        ({**NIGHTLY, "cron": "0 3 * * *"}, ["a cron has six fields"]),
        ({**NIGHTLY, "cron": "0 3 * * * *"}, ["one of day-of-month and day-of-week must be '?'"]),
        ({**NIGHTLY, "cron": "0 24 * * ? *"}, ["cron hours field: 24 is outside 0-23"]),
        ({**NIGHTLY, "cron": "0 3 ? * MON-XYZ *"}, ["day-of-week field: 'XYZ' is not a number"]),
        ({"name": "x1", "command": "true", "rate": "1 days"}, ["singular unit for 1", "rate(1 day)"]),
        ({"name": "x1", "command": "true", "rate": "90 seconds"}, ["minute(s), hour(s) or day(s)"]),
        ({**NIGHTLY, "timezone": "Mars/Olympus"}, ["timezone='Mars/Olympus' is not an IANA time zone"]),
    ],
    ids=[
        "name",
        "empty-command",
        "both",
        "neither",
        "five-fields",
        "both-days",
        "hour",
        "day-name",
        "rate-unit",
        "rate-seconds",
        "timezone",
    ],
)
def test_bad_schedules_are_refused_naming_the_field(schedule: dict[str, Any], expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(config(schedule))
    missing = [e for e in expected if e not in str(err.value)]
    assert not missing, f"{missing} not in:\n{err.value}"


def test_a_name_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="the name nightly-report is used twice"):
        parse_config(config(NIGHTLY, NIGHTLY))


def test_aws_extensions_are_accepted_but_not_evaluated() -> None:
    parsed = parse("cron(0 9 ? * 6#3 *)")  # 09:00 on the third Friday
    assert isinstance(parsed, Cron) and not parsed.evaluable
    assert next_run("cron(0 9 ? * 6#3 *)", "UTC", datetime(2026, 12, 3, tzinfo=UTC)) is None
    assert parse_config(config({**NIGHTLY, "cron": "0 12 L * ? *"}))


@pytest.mark.parametrize(
    ("expression", "timezone", "after", "expected"),
    [
        (
            "cron(0 3 * * ? *)",
            "UTC",
            datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
        ),
        (
            "cron(0 3 * * ? *)",
            "UTC",
            datetime(2026, 12, 3, 2, 59, tzinfo=UTC),
            datetime(2026, 12, 3, 3, 0, tzinfo=UTC),
        ),
        # 03:00 in Paris is 02:00 UTC in winter, 01:00 UTC in summer
        (
            "cron(0 3 * * ? *)",
            "Europe/Paris",
            datetime(2026, 12, 3, 14, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 2, 0, tzinfo=UTC),
        ),
        (
            "cron(0 3 * * ? *)",
            "Europe/Paris",
            datetime(2026, 7, 3, 14, 0, tzinfo=UTC),
            datetime(2026, 7, 4, 1, 0, tzinfo=UTC),
        ),
        # day-of-week 2-6 is MON-FRI (1 is Sunday): from Thursday 3 Dec 2026 evening, Friday
        (
            "cron(30 8 ? * 2-6 *)",
            "UTC",
            datetime(2026, 12, 3, 20, 0, tzinfo=UTC),
            datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
        ),
        # ... and from Friday evening, Monday
        (
            "cron(30 8 ? * MON-FRI *)",
            "UTC",
            datetime(2026, 12, 4, 20, 0, tzinfo=UTC),
            datetime(2026, 12, 7, 8, 30, tzinfo=UTC),
        ),
        (
            "cron(0/15 * * * ? *)",
            "UTC",
            datetime(2026, 12, 3, 14, 7, tzinfo=UTC),
            datetime(2026, 12, 3, 14, 15, tzinfo=UTC),
        ),
        (
            "cron(0 0 1 JAN,JUL ? *)",
            "UTC",
            datetime(2026, 12, 3, tzinfo=UTC),
            datetime(2027, 1, 1, tzinfo=UTC),
        ),
        ("cron(0 0 29 2 ? *)", "UTC", datetime(2026, 3, 1, tzinfo=UTC), datetime(2028, 2, 29, tzinfo=UTC)),
        ("cron(0 0 1 1 ? 2025)", "UTC", datetime(2026, 3, 1, tzinfo=UTC), None),
    ],
)
def test_next_run_of_a_cron(
    expression: str, timezone: str, after: datetime, expected: datetime | None
) -> None:
    assert next_run(expression, timezone, after) == expected


def test_next_run_of_a_rate_counts_from_the_schedules_creation() -> None:
    assert parse("rate(15 minutes)") == Rate(900)
    created = datetime(2026, 12, 3, 10, 5, tzinfo=UTC)
    assert next_run("rate(15 minutes)", "UTC", datetime(2026, 12, 3, 14, 0, tzinfo=UTC), created) == datetime(
        2026, 12, 3, 14, 5, tzinfo=UTC
    )
    assert next_run("rate(1 day)", "UTC", datetime(2026, 12, 3, 9, 0, tzinfo=UTC), created) == created
    assert next_run("rate(1 day)", "UTC", datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) is None


def test_a_library_caller_gets_the_typed_error() -> None:
    with pytest.raises(ScheduleExpressionError, match="must be cron"):
        parse("every night")
