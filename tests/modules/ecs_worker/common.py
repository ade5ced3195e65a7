"""Variables shared by the plan and apply tests of modules/ecs-worker: the base of
cases.yaml beside this file, and the values the tests' assertions take from it."""

from __future__ import annotations

from typing import Any

from tests.support.cases import cases_beside

CASES = cases_beside(__file__)
CLUSTER_ARN: str = CASES.base["cluster_arn"]
EXECUTION_ROLE: str = CASES.base["execution_role_arn"]
TASK_ROLE: str = CASES.base["task_role_arn"]
IMAGE: str = CASES.base["image"]
COMMAND: list[str] = list(CASES.base["command"])
SECRETS: list[dict[str, str]] = [dict(s) for s in CASES.base["secrets"]]


def base_vars(**overrides: Any) -> dict[str, Any]:
    return CASES.base_vars(**overrides)
