"""Inputs shared by the codepipeline tests: what the other modules would hand over."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
CONNECTION = f"arn:aws:codeconnections:us-east-1:{ACCOUNT}:connection/01234567-89ab-cdef-0123-456789abcdef"
REPO_URL = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/zonke/shop-prod"
REPO_ARN = f"arn:aws:ecr:us-east-1:{ACCOUNT}:repository/zonke/shop-prod"
STATIC_BUCKET = "shop-prod-static-abc123"
RUNNER = f"arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:shop-prod-migrate"
RUNNER_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-prod-exec-20260101"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-prod-task-20260101"


def base_vars(**overrides: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "name": "shop-prod",
        "connection_arn": CONNECTION,
        "repository_id": "acme/shop",
        "branch": "main",
        "ecr_repository_url": REPO_URL,
        "ecr_repository_arn": REPO_ARN,
        "static_bucket_name": STATIC_BUCKET,
        "static_bucket_arn": f"arn:aws:s3:::{STATIC_BUCKET}",
        "cluster_name": "shop-prod",
        "service_name": "shop-prod-web",
        "container_name": "web",
        "execution_role_arn": EXECUTION_ROLE,
        "task_role_arn": TASK_ROLE,
        "migration_state_machine_arn": RUNNER,
        "migration_kms_key_arn": RUNNER_KEY,
        "terraform_state_bucket": "acme-terraform-state",
        "terraform_state_key": "shop/prod/terraform.tfstate",
        "zonke_version": "0.1.0",
        "environment": "prod",
    }
    variables.update(overrides)
    return variables
