"""Plan tests of modules/alarms beyond its plan cases (cases.yaml: everything watched, the app
only, thresholds, bad input): the 5xx rate's query and the failure rules' event patterns, who
may publish, and the alarm names the codepipeline module spells out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support import TerraformRoot
from tests.support.cases import cases_beside

RUNNER = "arn:aws:states:us-east-1:123456789012:stateMachine:demo-migrate"

BASE = cases_beside(__file__).base_vars()
FULL: dict[str, Any] = {
    **BASE,
    "database": {"identifier": "demo", "allocated_storage_gb": 20},
    "migration_state_machine_arn": RUNNER,
    "watch_migrations": True,
    "email_addresses": ["oncall@example.com"],
    "https_endpoints": ["https://hooks.example.com/zonke"],
}


@pytest.fixture(scope="module")
def alarms(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/alarms").init()


def test_everything_watched(alarms: TerraformRoot) -> None:
    plan = alarms.plan(FULL)
    rate = plan.values["aws_cloudwatch_metric_alarm.http_5xx"]
    queries = {q["id"]: q for q in rate["metric_query"]}
    assert queries["rate"]["expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    assert queries["errors"]["metric"][0]["metric_name"] == "HTTPCode_Target_5XX_Count"
    migration = json.loads(
        plan.values['aws_cloudwatch_event_rule.failure["migration-failed"]']["event_pattern"]
    )
    assert migration["detail"] == {"status": ["FAILED", "TIMED_OUT", "ABORTED"], "stateMachineArn": [RUNNER]}
    deploy = json.loads(plan.values['aws_cloudwatch_event_rule.failure["deploy-failed"]']["event_pattern"])
    assert deploy["resources"] == ["arn:aws:ecs:us-east-1:123456789012:service/demo/demo"]
    assert deploy["detail"] == {"eventName": ["SERVICE_DEPLOYMENT_FAILED"]}


def test_only_this_apps_alarms_and_rules_may_publish(alarms: TerraformRoot) -> None:
    """CloudWatch may use the key and publish only for `<name>-*` alarms; EventBridge's key
    grant has no condition (AWS supports none there), its topic grant names the rules."""
    plan = alarms.plan(FULL)
    key = {s["Sid"]: s for s in json.loads(plan.one("aws_kms_key_policy")["policy"])["Statement"]}
    cw = key["CloudWatchAlarmsPublish"]
    assert cw["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert cw["Condition"] == {
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:demo-*"}
    }
    assert sorted(key["EventBridgePublishes"]["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert "Condition" not in key["EventBridgePublishes"]


def test_the_infrastructure_role_names_exactly_these_alarms(alarms: TerraformRoot) -> None:
    """modules/codepipeline spells the alarm names out (exact names keep sibling stacks out of
    reach); they must be the names this module creates."""
    import re

    from tests.support import REPO_ROOT

    text = (REPO_ROOT / "modules" / "codepipeline" / "iam_terraform.tf").read_text()
    listed = re.search(r"alarm_keys\s*=\s*\[(.*?)\]", text, re.S)
    assert listed, "modules/codepipeline/iam_terraform.tf lost its alarm_keys"
    keys = set(re.findall(r'"([^"]+)"', listed.group(1)))
    names = {a["alarm_name"] for a in alarms.plan(FULL).of_type("aws_cloudwatch_metric_alarm").values()}
    assert {f"demo-{k}" for k in keys} == names
