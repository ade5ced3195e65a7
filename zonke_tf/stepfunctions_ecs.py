"""What Step Functions' optimized Amazon ECS integration accepts, as data.

A runner definition that passes RunTask parameters the integration does not accept is
rejected by AWS (or the parameter is overwritten: Step Functions sets ``startedBy``
itself), while the emulator runs it happily. The migration-task tests and the local
pipeline runner check every ``ecs:runTask`` state against this set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The RunTask request parameters the optimized integration lists as supported.
RUN_TASK_DOC_URL = "https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html"
RUN_TASK_PARAMETERS: frozenset[str] = frozenset(
    {
        "Cluster",
        "Group",
        "LaunchType",
        "NetworkConfiguration",
        "Overrides",
        "PlacementConstraints",
        "PlacementStrategy",
        "PlatformVersion",
        "TaskDefinition",
    }
)
# Overrides: "Step Functions does not support executionRoleArn or taskRoleArn" (same page).
RUN_TASK_FORBIDDEN_OVERRIDES: frozenset[str] = frozenset({"ExecutionRoleArn", "TaskRoleArn"})

_RUN_TASK_RESOURCES = ("ecs:runTask", "ecs:runTask.sync", "ecs:runTask.waitForTaskToken")


def _plain(key: str) -> str:
    """``"TaskDefinition.$"`` (a JSONPath-valued field) names the parameter ``TaskDefinition``."""
    return key[:-2] if key.endswith(".$") else key


def _states(states: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    found: list[tuple[str, Mapping[str, Any]]] = []
    for name, state in states.items():
        found.append((prefix + name, state))
        for branch in state.get("Branches", []) or []:
            found += _states(branch.get("States", {}), f"{prefix}{name}/")
        for key in ("ItemProcessor", "Iterator"):
            inner = state.get(key)
            if isinstance(inner, Mapping):
                found += _states(inner.get("States", {}), f"{prefix}{name}/")
    return found


def run_task_problems(definition: Mapping[str, Any]) -> list[str]:
    """Every parameter of an ``ecs:runTask`` state (JSONPath ``Parameters`` or JSONata
    ``Arguments``) that the optimized integration does not accept, one message each;
    empty when the definition is acceptable."""
    problems: list[str] = []
    for name, state in _states(definition.get("States", {})):
        resource = str(state.get("Resource", ""))
        if not any(resource.endswith(":::" + r) for r in _RUN_TASK_RESOURCES):
            continue
        params = state.get("Parameters", state.get("Arguments", {})) or {}
        for key in sorted(params):
            if _plain(key) not in RUN_TASK_PARAMETERS:
                problems.append(
                    f"state {name}: RunTask parameter {_plain(key)} is not accepted by the optimized "
                    f"ecs:runTask integration (allowed: {', '.join(sorted(RUN_TASK_PARAMETERS))}; "
                    f"see {RUN_TASK_DOC_URL})"
                )
        overrides = params.get("Overrides", {})
        if isinstance(overrides, Mapping):
            for key in sorted(overrides):
                if _plain(key) in RUN_TASK_FORBIDDEN_OVERRIDES:
                    problems.append(
                        f"state {name}: Overrides.{_plain(key)} is not supported by the optimized "
                        f"ecs:runTask integration (see {RUN_TASK_DOC_URL})"
                    )
    return problems
