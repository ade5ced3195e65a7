"""ECS ``RunTask``: overrides hold at most 8192 characters.

"A total of 8192 characters are allowed for overrides. This limit includes the JSON
formatting characters of the override structure."
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html, ``overrides``).
AWS refuses a longer request with ``InvalidParameterException: Container Overrides length
must be at most 8192``; the emulator takes any length. The stack's migration runner and
`zonke run` send command overrides, so a start wrapper carried in the command would work
here and fail every migration on AWS.

The fix measures the overrides as compact JSON (the fewest formatting characters AWS
could count) and refuses the call above the limit, as AWS does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

LIMIT = 8192


def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    def run_task(
        self: Any,
        cluster_str: str,
        task_definition_str: str,
        count: int,
        overrides: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        from moto.ecs.exceptions import InvalidParameterException

        if overrides and len(json.dumps(overrides, separators=(",", ":"))) > LIMIT:
            raise InvalidParameterException(f"Container Overrides length must be at most {LIMIT}")
        return original(self, cluster_str, task_definition_str, count, overrides, *args, **kwargs)

    return run_task


@fix(
    name="ecs-run-task-overrides-limit",
    restores="ECS RunTask refuses overrides longer than 8192 characters",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: RunTask: moto 5.2.5 accepts overrides of any length, where AWS "
        "refuses more than 8192 characters with InvalidParameterException (ECS API "
        "Reference, API_RunTask, overrides)"
    ),
)
def install() -> None:
    from moto.ecs.models import EC2ContainerServiceBackend

    original = EC2ContainerServiceBackend.run_task
    EC2ContainerServiceBackend.run_task = _wrap(original)  # type: ignore[method-assign]  # replaces the emulator's method
