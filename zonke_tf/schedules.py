"""EventBridge Scheduler expressions: checked before anything reaches AWS, and the next run
computed for `zonke status` and the dashboard.

AWS's cron has six fields, ``minutes hours day-of-month month day-of-week year``; one of
day-of-month and day-of-week must be ``?``; day-of-week counts 1-7 from Sunday; months and
days may be named (JAN-DEC, SUN-SAT); ``L``, ``W`` and ``#`` are AWS extensions this module
accepts but does not evaluate (the next run is then unknown). Rates take a whole number and
``minute(s)``, ``hour(s)`` or ``day(s)``, singular for 1 only; a rate schedule runs first when
created, then every period.
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

# (name, low, high, names for low..)
_FIELDS: tuple[tuple[str, int, int, list[str]], ...] = (
    ("minutes", 0, 59, []),
    ("hours", 0, 23, []),
    ("day-of-month", 1, 31, []),
    ("month", 1, 12, MONTHS),
    ("day-of-week", 1, 7, DAYS),
    ("year", 1970, 2199, []),
)
_EXTENSION = re.compile(r"^(L|LW|\d{1,2}W|L-\d{1,2}|[1-7A-Z]{1,3}L|[1-7A-Z]{1,3}#[1-5])$")
_RATE = re.compile(r"^(?P<n>[1-9][0-9]*) (?P<unit>minute|minutes|hour|hours|day|days)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleExpressionError(ConfigError, ValueError):
    """An expression AWS would refuse; the message names what is wrong and an example."""


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: "?"
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # 1 = Sunday; None: "?"
    years: frozenset[int]
    evaluable: bool  # False when an L, W or # field makes the next run unknown here


@dataclass(frozen=True)
class Rate:
    seconds: int


def _value(token: str, low: int, high: int, names: list[str], field: str) -> int:
    upper = token.upper()
    if upper in names:
        return low + names.index(upper)
    if not token.isdigit():
        raise ScheduleExpressionError(f"cron {field} field: {token!r} is not a number from {low} to {high}")
    number = int(token)
    if not low <= number <= high:
        raise ScheduleExpressionError(f"cron {field} field: {number} is outside {low}-{high}")
    return number


def _field(text: str, index: int) -> frozenset[int] | str | None:
    """The values a field allows; None for "?"; "ext" for an L/W/# field."""
    field, low, high, names = _FIELDS[index]
    if text == "?":
        if field not in ("day-of-month", "day-of-week"):
            raise ScheduleExpressionError(f"cron {field} field: '?' is only for day-of-month and day-of-week")
        return None
    if _EXTENSION.match(text.upper()):
        if field not in ("day-of-month", "day-of-week"):
            raise ScheduleExpressionError(f"cron {field} field: {text!r}: L, W and # are only for days")
        return "ext"
    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = 1
        if step_text:
            if not step_text.isdigit() or int(step_text) < 1:
                raise ScheduleExpressionError(f"cron {field} field: {part!r} needs a whole step after '/'")
            step = int(step_text)
        if base == "*":
            start, end = low, high
        elif "-" in base:
            a, b = base.split("-", 1)
            start, end = _value(a, low, high, names, field), _value(b, low, high, names, field)
            if start > end:
                raise ScheduleExpressionError(f"cron {field} field: the range {base!r} runs backwards")
        else:
            start = _value(base, low, high, names, field)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def parse(expression: str) -> Cron | Rate:
    """The parsed ``cron(...)`` or ``rate(...)`` expression, or a ScheduleExpressionError."""
    text = expression.strip()
    if text.startswith("rate(") and text.endswith(")"):
        match = _RATE.match(text[5:-1].strip())
        if not match:
            raise ScheduleExpressionError(
                f"{expression!r}: a rate is a whole number and minute(s), hour(s) or day(s), "
                "for example rate(15 minutes) or rate(1 day)"
            )
        n, unit = int(match["n"]), match["unit"]
        if (n == 1) != (not unit.endswith("s")):
            raise ScheduleExpressionError(
                f"{expression!r}: AWS wants the singular unit for 1 and the plural otherwise "
                f"(rate(1 {unit.rstrip('s')}) or rate({n} {unit.rstrip('s')}s))"
            )
        return Rate(n * _UNIT_SECONDS[unit.rstrip("s")])
    if text.startswith("cron(") and text.endswith(")"):
        parts = text[5:-1].split()
        if len(parts) != 6:
            raise ScheduleExpressionError(
                f"{expression!r}: a cron has six fields, minutes hours day-of-month month day-of-week "
                "year, for example cron(0 3 * * ? *) for 03:00 every day"
            )
        fields = [_field(p, i) for i, p in enumerate(parts)]
        dom, dow = fields[2], fields[4]
        if (dom is None) == (dow is None):
            raise ScheduleExpressionError(
                f"{expression!r}: one of day-of-month and day-of-week must be '?' and the other not, "
                "for example cron(0 3 * * ? *) or cron(0 3 ? * MON-FRI *)"
            )
        evaluable = "ext" not in (dom, dow)

        def values(v: frozenset[int] | str | None) -> frozenset[int] | None:
            return v if isinstance(v, frozenset) else None

        return Cron(
            minutes=values(fields[0]) or frozenset(),
            hours=values(fields[1]) or frozenset(),
            days_of_month=values(dom),
            months=values(fields[3]) or frozenset(),
            days_of_week=values(dow),
            years=values(fields[5]) or frozenset(),
            evaluable=evaluable,
        )
    raise ScheduleExpressionError(
        f"{expression!r} must be cron(minutes hours day-of-month month day-of-week year), for example "
        "cron(0 3 * * ? *), or rate(value unit), for example rate(15 minutes)"
    )


def zone(name: str) -> ZoneInfo:
    """The IANA time zone, or a ScheduleExpressionError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleExpressionError(
            f"timezone={name!r} is not an IANA time zone name; use one such as 'UTC' or 'Europe/Paris'"
        ) from exc


def next_run(
    expression: str, timezone: str, after: datetime, created: datetime | None = None
) -> datetime | None:
    """When the schedule runs next after `after` (aware), in UTC; None when this module cannot
    tell (L/W/# fields, a rate schedule whose creation time is unknown, or no run in 5 years)."""
    parsed = parse(expression)
    if isinstance(parsed, Rate):
        if created is None:
            return None
        if created > after:
            return created.astimezone(UTC)
        periods = int((after - created).total_seconds() // parsed.seconds) + 1
        return (created + timedelta(seconds=parsed.seconds * periods)).astimezone(UTC)
    if not parsed.evaluable:
        return None
    tz = zone(timezone)
    local = after.astimezone(tz)
    day = local.date()
    for _ in range(366 * 5):
        if (
            day.year in parsed.years
            and day.month in parsed.months
            and (parsed.days_of_month is None or day.day in parsed.days_of_month)
            # Python's isoweekday: Monday 1 .. Sunday 7; AWS: Sunday 1 .. Saturday 7.
            and (parsed.days_of_week is None or day.isoweekday() % 7 + 1 in parsed.days_of_week)
        ):
            for hour in sorted(parsed.hours):
                for minute in sorted(parsed.minutes):
                    candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
                    if candidate > local:
                        return candidate.astimezone(UTC)
        day += timedelta(days=1)
    return None
