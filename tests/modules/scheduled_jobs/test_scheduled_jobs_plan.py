"""Plan tests of modules/scheduled-jobs beyond its plan cases (cases.yaml: defaults, the
capacity strategy, time zone and disabled schedules, bad input): the scheduler's least-privilege
role, the failure rule's pattern and queue policy, and the command a schedule sends."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import TerraformRoot
from tests.support.cases import cases_beside

BASE = cases_beside(__file__).base_vars()
CLUSTER: str = BASE["cluster_arn"]


def statements_by_sid(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in policy["Statement"]}


@pytest.fixture(scope="module")
def jobs(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/scheduled-jobs").init()


def test_the_scheduler_may_start_only_the_apps_family_in_its_cluster(jobs: TerraformRoot) -> None:
    default_plan = jobs.plan(BASE)
    role = default_plan.values["aws_iam_role.this"]
    [trust] = json.loads(role["assume_role_policy"])["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    assert trust["Condition"]["ArnLike"]["aws:SourceArn"] == [
        "arn:aws:scheduler:us-east-1:123456789012:schedule-group/shop-prod",
        "arn:aws:scheduler:us-east-1:123456789012:schedule/shop-prod/*",
    ]
    policy = json.loads(default_plan.values["aws_iam_role_policy.this"]["policy"])
    by_sid = statements_by_sid(policy)
    run = by_sid["RunTheAppsFamilyInTheAppsCluster"]
    assert (run["Action"], run["Resource"]) == (
        "ecs:RunTask",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod:*",
    )
    assert run["Condition"] == {"ArnEquals": {"ecs:cluster": CLUSTER}}
    passing = by_sid["PassTheFamilysRolesToEcs"]
    assert sorted(passing["Resource"]) == [BASE["execution_role_arn"], BASE["task_role_arn"]]
    assert passing["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    assert set(by_sid) == {
        "RunTheAppsFamilyInTheAppsCluster",
        "PassTheFamilysRolesToEcs",
        "RecordRunsThatCouldNotStart",
    }
    assert all(s["Resource"] != "*" for s in policy["Statement"])


def test_the_failure_rule_matches_failed_runs_of_these_jobs_only(jobs: TerraformRoot) -> None:
    plan = jobs.plan(
        {
            **BASE,
            "schedules": {
                "nightly": {"expression": "cron(0 3 * * ? *)", "command": ["python", "manage.py", "nightly"]},
                "sweep": {"expression": "rate(15 minutes)", "command": ["python", "manage.py", "sweep"]},
            },
        }
    )
    pattern = json.loads(plan.values["aws_cloudwatch_event_rule.failed"]["event_pattern"])
    assert pattern["source"] == ["aws.ecs"] and pattern["detail-type"] == ["ECS Task State Change"]
    detail = pattern["detail"]
    assert detail["clusterArn"] == [CLUSTER] and detail["lastStatus"] == ["STOPPED"]
    assert sorted(detail["group"]) == ["schedule:nightly", "schedule:sweep"]
    assert detail["$or"] == [
        {"containers": {"exitCode": [{"anything-but": 0}]}},
        {"stopCode": ["TaskFailedToStart"]},
    ]
    policy = json.loads(plan.values["aws_sqs_queue_policy.failures"]["policy"])
    allow = statements_by_sid(policy)["TheFailureRuleOnly"]
    assert allow["Principal"] == {"Service": "events.amazonaws.com"}
    assert allow["Condition"] == {
        "ArnEquals": {"aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/shop-prod-schedule-failed"}
    }
    assert statements_by_sid(policy)["RefusePlaintext"]["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }


def test_the_command_prefix_goes_before_the_schedules_command(jobs: TerraformRoot) -> None:
    # the capacity strategy, time zone and state: cases.yaml (capacity_strategy_timezone_and_disabled)
    plan = jobs.plan(
        {
            **BASE,
            "enabled": False,
            "command_prefix": ["/zonke/start"],
            "capacity_provider_strategy": [{"capacity_provider": "FARGATE_SPOT", "weight": 1, "base": 0}],
            "schedules": {
                "nightly": {
                    "expression": "cron(30 2 * * ? *)",
                    "timezone": "Europe/Paris",
                    "command": ["python", "manage.py", "nightly"],
                }
            },
        }
    )
    [target] = plan.values['aws_scheduler_schedule.this["nightly"]']["target"]
    [override] = json.loads(target["input"])["containerOverrides"]
    assert override["command"] == ["/zonke/start", "python", "manage.py", "nightly"]
