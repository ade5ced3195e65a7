"""Variables shared by the plan and apply tests of modules/ecs-worker."""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
CLUSTER_ARN = f"arn:aws:ecs:us-east-1:{ACCOUNT}:cluster/shop-prod"
EXECUTION_ROLE = f"arn:aws:iam::{ACCOUNT}:role/zonke/shop-prod/shop-prod-exec-1"
TASK_ROLE = f"arn:aws:iam::{ACCOUNT}:role/zonke/shop-prod/shop-prod-task-1"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/zonke/shop-prod:bootstrap"
DB_SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:rds!db-1234-XyZ123"
COMMAND = ["celery", "-A", "mysite", "worker", "--loglevel", "INFO"]


def base_vars(**overrides: Any) -> dict[str, Any]:
    variables: dict[str, Any] = {
        "name": "shop-prod-worker_celery",
        "cluster_arn": CLUSTER_ARN,
        "capacity_provider_strategy": [{"capacity_provider": "FARGATE", "base": 0, "weight": 1}],
        "vpc_id": "vpc-0123",
        "private_subnet_ids": ["subnet-0aaa", "subnet-0bbb"],
        "image": IMAGE,
        "command": COMMAND,
        "environment": {"DJANGO_SETTINGS_MODULE": "mysite.settings"},
        "secrets": [{"name": "DB_USER", "valueFrom": f"{DB_SECRET}:username::"}],
        "execution_role_arn": EXECUTION_ROLE,
        "task_role_arn": TASK_ROLE,
        "log_group_name": "/zonke/shop-prod/app",
        "log_stream_prefix": "worker-celery",
    }
    variables.update(overrides)
    return variables
