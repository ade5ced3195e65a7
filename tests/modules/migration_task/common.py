"""Inputs shared by the migration-task tests, what the ecs-service module would hand over:
the base of cases.yaml beside this file, and the values the tests' assertions take from it."""

from __future__ import annotations

from typing import Any

from tests.support.cases import cases_beside

CASES = cases_beside(__file__)
REPO: str = CASES.base["ecr_repository_url"]
CLUSTER_ARN: str = CASES.base["cluster_arn"]
EXECUTION_ROLE: str = CASES.base["execution_role_arn"]
TASK_ROLE: str = CASES.base["task_role_arn"]
SUBNETS: list[str] = list(CASES.base["subnet_ids"])
SECURITY_GROUPS: list[str] = list(CASES.base["security_group_ids"])
DB_SECRET: str = CASES.base["secrets"][0]["valueFrom"]


def base_vars(**overrides: Any) -> dict[str, Any]:
    return CASES.base_vars(**overrides)
