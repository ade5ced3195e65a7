"""Inputs shared by the codepipeline tests, what the other modules would hand over: the base
of cases.yaml beside this file, and the values the tests' assertions take from it."""

from __future__ import annotations

from typing import Any

from tests.support.cases import cases_beside

CASES = cases_beside(__file__)
CONNECTION: str = CASES.base["connection_arn"]
REPO_URL: str = CASES.base["ecr_repository_url"]
REPO_ARN: str = CASES.base["ecr_repository_arn"]
STATIC_BUCKET: str = CASES.base["static_bucket_name"]
RUNNER: str = CASES.base["migration_state_machine_arn"]
RUNNER_KEY: str = CASES.base["migration_kms_key_arn"]
EXECUTION_ROLE: str = CASES.base["execution_role_arn"]
TASK_ROLE: str = CASES.base["task_role_arn"]


def base_vars(**overrides: Any) -> dict[str, Any]:
    return CASES.base_vars(**overrides)
