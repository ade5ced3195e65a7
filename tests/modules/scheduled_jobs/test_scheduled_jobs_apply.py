"""Apply modules/scheduled-jobs against the emulator, into a VPC and cluster made with boto3.

Checked with boto3: each schedule targets the cluster with the family's ARN without a revision
(the live one), the app's private subnets, security group and no public IP, the job's command,
the retry policy and the failed-runs queue; the queue is encrypted and its policy admits the
failure rule only; the rule and the alarm exist. The harness then re-plans (no changes),
destroys, and checks nothing of the module is left. (The emulator does not run schedules or
evaluate their role: the plan tests cover the role's policies.)
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply


def test_schedules_apply(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    ec2, ecs = aws.client("ec2"), aws.client("ecs")
    vpc = ec2.create_vpc(CidrBlock="10.41.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.41.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("ab")
    ]
    group = ec2.create_security_group(GroupName="zk-jobs-app", Description="app", VpcId=vpc)["GroupId"]
    cluster = ecs.create_cluster(clusterName="zk-jobs")["cluster"]["clusterArn"]
    variables = {
        "name": "zk-jobs",
        "cluster_arn": cluster,
        "task_definition_family": "zk-jobs",
        "container_name": "app",
        "task_role_arn": "arn:aws:iam::123456789012:role/zk-jobs-task",
        "execution_role_arn": "arn:aws:iam::123456789012:role/zk-jobs-execution",
        "subnet_ids": subnets,
        "security_group_ids": [group],
        "retry_attempts": 5,
        "schedules": {
            "nightly": {
                "expression": "cron(0 3 * * ? *)",
                "timezone": "Europe/Paris",
                "command": ["python", "manage.py", "nightly"],
            },
            "sweep": {"expression": "rate(15 minutes)", "command": ["python", "manage.py", "sweep"]},
        },
    }
    try:
        with applied(make_root("modules/scheduled-jobs"), aws, variables) as stack:
            out, scheduler, sqs = stack.outputs, aws.client("scheduler"), aws.client("sqs")
            for job, command in (("nightly", "nightly"), ("sweep", "sweep")):
                schedule = scheduler.get_schedule(GroupName=out["schedule_group_name"], Name=job)
                assert schedule["State"] == "ENABLED"
                target = schedule["Target"]
                assert target["Arn"] == cluster and target["RoleArn"] == out["role_arn"]
                ecs_params = target["EcsParameters"]
                assert (
                    ecs_params["TaskDefinitionArn"]
                    == "arn:aws:ecs:us-east-1:123456789012:task-definition/zk-jobs"
                )
                assert (ecs_params["LaunchType"], ecs_params["TaskCount"]) == ("FARGATE", 1)
                assert ecs_params["Group"] == f"schedule:{job}"
                network = ecs_params["NetworkConfiguration"]["awsvpcConfiguration"]
                assert sorted(network["Subnets"]) == sorted(subnets)
                assert network["SecurityGroups"] == [group] and network["AssignPublicIp"] == "DISABLED"
                [override] = json.loads(target["Input"])["containerOverrides"]
                assert override == {"name": "app", "command": ["python", "manage.py", command]}
                assert target["RetryPolicy"] == {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600}
                assert target["DeadLetterConfig"] == {"Arn": out["failures_queue_arn"]}
            nightly = scheduler.get_schedule(GroupName="zk-jobs", Name="nightly")
            assert nightly["ScheduleExpressionTimezone"] == "Europe/Paris"
            attrs = sqs.get_queue_attributes(QueueUrl=out["failures_queue_url"], AttributeNames=["All"])[
                "Attributes"
            ]
            assert attrs["SqsManagedSseEnabled"] == "true"
            sids = {s["Sid"] for s in json.loads(attrs["Policy"])["Statement"]}
            assert sids == {"TheFailureRuleOnly", "RefusePlaintext"}
            [rule_target] = aws.client("events").list_targets_by_rule(Rule="zk-jobs-schedule-failed")[
                "Targets"
            ]
            assert rule_target["Arn"] == out["failures_queue_arn"]
            [alarm] = aws.client("cloudwatch").describe_alarms(AlarmNames=[out["alarm_name"]])["MetricAlarms"]
            assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": "zk-jobs_schedule-failures"}]
    finally:
        ecs.delete_cluster(cluster=cluster)
