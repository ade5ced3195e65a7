"""Plan tests of modules/ecs-worker: no load balancer, nothing in, the container, first image, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.modules.ecs_worker.common import COMMAND, DB_SECRET, IMAGE, base_vars
from tests.support import PlanResult, TerraformRoot, assert_plan_matches

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def worker(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/ecs-worker").init()


@pytest.fixture(scope="module")
def default_plan(worker: TerraformRoot) -> PlanResult:
    return worker.plan(base_vars())


def container(plan: PlanResult) -> dict[str, Any]:
    [definition] = json.loads(plan.one("aws_ecs_task_definition")["container_definitions"])
    return dict(definition)


def test_defaults(default_plan: PlanResult) -> None:
    assert_plan_matches(default_plan, HERE / "expected_default.yaml")


def test_container_runs_the_command_with_the_contract_and_stops_gracefully(default_plan: PlanResult) -> None:
    c = container(default_plan)
    assert c["name"] == "worker" and c["image"] == IMAGE
    assert c["command"] == COMMAND
    assert "portMappings" not in c  # nothing listens
    assert c["environment"] == [{"name": "DJANGO_SETTINGS_MODULE", "value": "mysite.settings"}]
    assert c["secrets"] == [{"name": "DB_USER", "valueFrom": f"{DB_SECRET}:username::"}]
    assert c["stopTimeout"] == 120
    assert c["linuxParameters"] == {"initProcessEnabled": True}
    assert c["readonlyRootFilesystem"] is True
    assert c["logConfiguration"]["options"] == {
        "awslogs-group": "/zonke/shop-prod/app",
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "worker-celery",
    }
    assert default_plan.outputs["container_name"] == "worker"


def test_the_start_wrapper_and_entry_point_go_before_the_command(worker: TerraformRoot) -> None:
    plan = worker.plan(base_vars(entry_point=["python", "-c", "w"], command_prefix=["postgres", "-"]))
    c = container(plan)
    assert c["entryPoint"] == ["python", "-c", "w"]
    assert c["command"] == ["postgres", "-", *COMMAND]


def test_ec2_capacity_and_sizes(worker: TerraformRoot) -> None:
    plan = worker.plan(
        base_vars(
            capacity_type="EC2",
            capacity_provider_strategy=[{"capacity_provider": "zonke-shop-prod-ec2", "base": 0, "weight": 1}],
            cpu=512,
            memory=700,  # EC2 takes any memory
            min_count=0,
            max_count=5,
            stop_timeout=30,
            egress_rules={
                "database": {"description": "db", "port": 5432, "referenced_security_group_id": "sg-0db"}
            },
        )
    )
    definition = plan.one("aws_ecs_task_definition")
    assert definition["requires_compatibilities"] == ["EC2"]
    assert (definition["cpu"], definition["memory"]) == ("512", "700")
    assert container(plan)["stopTimeout"] == 30
    service = plan.one("aws_ecs_service")
    assert service["capacity_provider_strategy"] == [
        {"capacity_provider": "zonke-shop-prod-ec2", "base": 0, "weight": 1}
    ]
    assert service["desired_count"] == 0
    target = plan.one("aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (0, 5)
    [db] = [v for a, v in plan.values.items() if a.startswith("aws_vpc_security_group_egress_rule.extra")]
    assert (db["from_port"], db["referenced_security_group_id"]) == (5432, "sg-0db")


def test_until_the_first_image_exists_no_task_starts(worker: TerraformRoot) -> None:
    plan = worker.plan(base_vars(app_image_exists=False, min_count=2, max_count=4))
    assert plan.one("aws_ecs_service")["desired_count"] == 0
    target = plan.one("aws_appautoscaling_target")
    assert (target["min_capacity"], target["max_capacity"]) == (0, 0)
    # the configured bounds stay readable for the pipeline's first deploy
    tags = plan.one("aws_ecs_service")["tags"]
    assert (tags["zonke:min-count"], tags["zonke:max-count"]) == ("2", "4")


def test_with_a_queue_it_scales_on_the_backlog_per_task(worker: TerraformRoot) -> None:
    """Messages waiting in the queue divided by running tasks (Application Auto Scaling's
    metric math example), kept near messages_per_task; no CPU policy then."""
    plan = worker.plan(base_vars(backlog_scaling={"queue_name": "shop-prod-celery", "messages_per_task": 20}))
    assert not plan.of_type("aws_appautoscaling_policy").get("aws_appautoscaling_policy.cpu[0]")
    policy = plan.values["aws_appautoscaling_policy.backlog[0]"]
    config = policy["target_tracking_scaling_policy_configuration"][0]
    assert config["target_value"] == 20
    metrics = {m["id"]: m for m in config["customized_metric_specification"][0]["metrics"]}
    assert metrics["backlog_per_task"]["expression"] == "waiting / tasks"
    assert [m["id"] for m in metrics.values() if m["return_data"]] == ["backlog_per_task"]
    waiting = metrics["waiting"]["metric_stat"][0]["metric"][0]
    assert (waiting["namespace"], waiting["metric_name"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert waiting["dimensions"] == [{"name": "QueueName", "value": "shop-prod-celery"}]
    tasks = metrics["tasks"]["metric_stat"][0]["metric"][0]
    assert (tasks["namespace"], tasks["metric_name"]) == ("ECS/ContainerInsights", "RunningTaskCount")
    assert {d["name"]: d["value"] for d in tasks["dimensions"]} == {
        "ClusterName": "shop-prod",
        "ServiceName": "shop-prod-worker_celery",
    }


@pytest.mark.parametrize(
    ("variables", "messages"),
    [
        (
            {"name": "Shop_Worker", "cpu": 300, "command": []},
            [
                "name must be 2-63 characters",
                "cpu must be one of the task sizes",
                "command must hold at least one word",
            ],
        ),
        (
            {"cpu": 256, "memory": 4096, "stop_timeout": 600, "min_count": 3, "max_count": 2},
            [
                "memory does not pair with cpu on Fargate",
                "stop_timeout must be a whole number of seconds from 2 to 120",
                "max_count must be a whole number from max(1, min_count) to 1000",
            ],
        ),
        (
            {
                "capacity_type": "SPOT",
                "capacity_provider_strategy": [],
                "cluster_arn": "shop-prod",
                "private_subnet_ids": [],
                "egress_rules": {"db": {"description": "x", "port": 5432}},
            },
            [
                "capacity_type must be",
                "capacity_provider_strategy must list 1 to 20",
                "cluster_arn must be an ECS cluster ARN",
                "private_subnet_ids must list 1 to 16",
                "each rule must name exactly one destination",
            ],
        ),
        (
            {
                "execution_role_arn": "exec",
                "task_role_arn": "task",
                "image": "a b",
                "log_group_name": "",
                "min_count": 0,
                "backlog_scaling": {"queue_name": "shop prod"},
            },
            [
                "execution_role_arn must be an IAM role ARN",
                "task_role_arn must be an IAM role ARN",
                "image must be an image reference",
                "log_group_name must be a CloudWatch Logs group name",
                "queue_name must be an SQS queue name",
                "backlog_scaling needs min_count of at least 1",
            ],
        ),
    ],
    ids=["name-cpu-command", "pair-stop-bounds", "capacity-network", "roles-image-logs"],
)
def test_bad_input_is_rejected_with_clear_messages(
    worker: TerraformRoot, variables: dict[str, Any], messages: list[str]
) -> None:
    error = " ".join(worker.plan_error(base_vars(**variables)).split())
    missing = [m for m in messages if m not in error]
    assert not missing, f"messages {missing} not in:\n{error}"
