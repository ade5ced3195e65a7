"""Apply modules/alarms against the emulator: alarms on the right metrics notify the encrypted
topic, subscriptions, failure rules target the topic; re-plan clean, destroy leaves nothing.
(The emulator does not evaluate key or topic policies: those are plan-asserted.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import applied

pytestmark = pytest.mark.apply

RUNNER = "arn:aws:states:us-east-1:123456789012:stateMachine:zk-alarms-migrate"
VARIABLES = {
    "name": "zk-alarms",
    "alb_arn_suffix": "app/zk-alarms/0123456789abcdef",
    "target_group_arn_suffix": "targetgroup/zk-alarms/0123456789abcdef",
    "cluster_name": "zk-alarms",
    "service_name": "zk-alarms",
    "database": {"identifier": "zk-alarms", "allocated_storage_gb": 20},
    "migration_state_machine_arn": RUNNER,
    "watch_migrations": True,
    "email_addresses": ["oncall@example.com"],
}


def test_alarms_notify_the_encrypted_topic(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    with applied(make_root("modules/alarms"), aws, VARIABLES) as stack:
        out = stack.outputs
        topic = out["topic_arn"]
        sns, cw, events = aws.client("sns"), aws.client("cloudwatch"), aws.client("events")
        attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
        assert attributes["KmsMasterKeyId"] == out["kms_key_arn"]
        subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [("email", "oncall@example.com")]

        alarms = {
            a["AlarmName"]: a
            for a in cw.describe_alarms(AlarmNamePrefix=out["alarm_name_prefix"])["MetricAlarms"]
        }
        assert sorted(alarms) == sorted(out["alarm_names"].values())
        assert len(alarms) == 6
        for alarm in alarms.values():
            assert alarm["AlarmActions"] == [topic] and alarm["OKActions"] == [topic]
        cpu = alarms["zk-alarms-cpu-high"]
        assert {d["Name"]: d["Value"] for d in cpu["Dimensions"]} == {
            "ClusterName": "zk-alarms",
            "ServiceName": "zk-alarms",
        }
        rate = alarms["zk-alarms-http-5xx"]
        assert {m["Id"] for m in rate["Metrics"]} == {"rate", "errors", "requests"}

        for rule in ("zk-alarms-deploy-failed", "zk-alarms-migration-failed"):
            targets = events.list_targets_by_rule(Rule=rule)["Targets"]
            assert [t["Arn"] for t in targets] == [topic]
        pattern = json.loads(events.describe_rule(Name="zk-alarms-migration-failed")["EventPattern"])
        assert pattern["detail"]["stateMachineArn"] == [RUNNER]
