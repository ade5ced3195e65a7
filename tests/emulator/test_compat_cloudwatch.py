"""CloudWatch compatibility fix: DescribeAlarms applies every filter given."""

from __future__ import annotations

import pytest

from zonke_emulator import Emulator


@pytest.mark.fix("cloudwatch-describe-alarms-all-filters")
def test_name_prefix_and_state_filter_together(emulator: Emulator) -> None:
    cw = emulator.boto3_session().client("cloudwatch")
    for name in ("probe-a-5xx", "probe-a-cpu", "probe-b-5xx"):
        cw.put_metric_alarm(
            AlarmName=name,
            Namespace="AWS/ECS",
            MetricName="CPUUtilization",
            Statistic="Average",
            Period=60,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanThreshold",
        )
    for name in ("probe-a-5xx", "probe-b-5xx"):
        cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="probe")

    def names(**kw: str) -> list[str]:
        return sorted(a["AlarmName"] for a in cw.describe_alarms(**kw)["MetricAlarms"])

    assert names(AlarmNamePrefix="probe-a-", StateValue="ALARM") == ["probe-a-5xx"]
    assert names(AlarmNamePrefix="probe-a-") == ["probe-a-5xx", "probe-a-cpu"]
    assert "probe-a-cpu" not in names(StateValue="ALARM")
    cw.delete_alarms(AlarmNames=["probe-a-5xx", "probe-a-cpu", "probe-b-5xx"])
