"""Plan tests of modules/ecs-worker beyond its plan cases (cases.yaml: defaults, EC2 capacity
and sizes, the first image, bad input): the container definition, the one extra egress rule,
and scaling on the queue's backlog."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.ecs_worker.common import COMMAND, IMAGE, SECRETS, base_vars
from tests.support import PlanResult, TerraformRoot


@pytest.fixture(scope="module")
def worker(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/ecs-worker").init()


def container(plan: PlanResult) -> dict[str, Any]:
    [definition] = json.loads(plan.one("aws_ecs_task_definition")["container_definitions"])
    return dict(definition)


def test_container_runs_the_command_with_the_contract_and_stops_gracefully(worker: TerraformRoot) -> None:
    c = container(worker.plan(base_vars()))
    assert c["name"] == "worker" and c["image"] == IMAGE
    assert c["command"] == COMMAND
    assert "portMappings" not in c  # nothing listens
    assert c["environment"] == [{"name": "DJANGO_SETTINGS_MODULE", "value": "mysite.settings"}]
    assert c["secrets"] == SECRETS
    assert c["stopTimeout"] == 120
    assert c["linuxParameters"] == {"initProcessEnabled": True}
    assert c["readonlyRootFilesystem"] is True
    assert c["logConfiguration"]["options"] == {
        "awslogs-group": "/zonke/shop-prod/app",
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "worker-celery",
    }


def test_the_start_wrapper_and_entry_point_go_before_the_command(worker: TerraformRoot) -> None:
    plan = worker.plan(base_vars(entry_point=["python", "-c", "w"], command_prefix=["postgres", "-"]))
    c = container(plan)
    assert c["entryPoint"] == ["python", "-c", "w"]
    assert c["command"] == ["postgres", "-", *COMMAND]


def test_ec2_capacity_stop_timeout_and_one_extra_rule(worker: TerraformRoot) -> None:
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
    assert container(plan)["stopTimeout"] == 30
    # the rule's values are in cases.yaml (ec2_capacity_and_sizes); here: it is the only extra one
    extra = [a for a in plan.values if a.startswith("aws_vpc_security_group_egress_rule.extra")]
    assert extra == ['aws_vpc_security_group_egress_rule.extra["database"]']


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
