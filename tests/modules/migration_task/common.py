"""Inputs shared by the migration-task tests: what the ecs-service module would hand over."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
REPO = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop-prod"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/shop-prod"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-prod-execution"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/shop-prod-task"
SUBNETS = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
SECURITY_GROUPS = ["sg-0123456789abcdef0"]
DB_SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:shop-prod-db-AbCdEf"


def base_vars(**overrides: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "name": "shop-prod",
        "cluster_arn": CLUSTER_ARN,
        "ecr_repository_url": REPO,
        "image_tag": "v1",
        "log_group_name": "/zonke/shop-prod/app",
        "execution_role_arn": EXECUTION_ROLE,
        "task_role_arn": TASK_ROLE,
        "subnet_ids": SUBNETS,
        "security_group_ids": SECURITY_GROUPS,
        "environment": {"DJANGO_SETTINGS_MODULE": "shop.settings.prod", "ALLOWED_HOSTS": "shop.example.com"},
        "secrets": [{"name": "DATABASE_URL", "valueFrom": DB_SECRET}],
    }
    variables.update(overrides)
    return variables
