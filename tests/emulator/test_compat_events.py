"""EventBridge compatibility fix: a Step Functions target gets an execution per matching event."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator

DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/zonke-probe"


@pytest.fixture
def wired(emulator: Emulator) -> tuple[Any, Any, str, str]:
    """A rule on source ``zonke.probe`` with a state machine target: (events, sfn, rule, machine ARN)."""
    session = emulator.boto3_session()
    events, sfn = session.client("events"), session.client("stepfunctions")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    machine = sfn.create_state_machine(name=name, definition=DEFINITION, roleArn=ROLE)["stateMachineArn"]
    events.put_rule(Name=name, EventPattern=json.dumps({"source": ["zonke.probe"], "detail": {"ok": [True]}}))
    return events, sfn, name, machine


def send(events: Any, ok: bool) -> None:
    out = events.put_events(
        Entries=[
            {
                "Source": "zonke.probe",
                "DetailType": "Probe",
                "Resources": ["arn:aws:s3:::probe"],
                "Detail": json.dumps({"ok": ok, "n": 7}),
            }
        ]
    )
    assert out["FailedEntryCount"] == 0


def inputs(sfn: Any, machine: str) -> list[Any]:
    time.sleep(0.2)
    found = sfn.list_executions(stateMachineArn=machine)["executions"]
    return [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in found]


@pytest.mark.fix("events-step-functions-target")
def test_a_matching_event_starts_an_execution_with_the_transformed_input(
    wired: tuple[Any, Any, str, str],
) -> None:
    events, sfn, rule, machine = wired
    events.put_targets(
        Rule=rule,
        Targets=[
            {
                "Id": "machine",
                "Arn": machine,
                "RoleArn": ROLE,
                "InputTransformer": {
                    "InputPathsMap": {"res": "$.resources[0]", "n": "$.detail.n"},
                    "InputTemplate": '{"resource": "<res>", "n": <n>}',
                },
            }
        ],
    )
    send(events, ok=True)
    send(events, ok=False)  # does not match the rule
    assert inputs(sfn, machine) == [{"resource": "arn:aws:s3:::probe", "n": 7}]


@pytest.mark.fix("events-step-functions-target")
def test_without_a_transformer_the_execution_gets_the_event(wired: tuple[Any, Any, str, str]) -> None:
    events, sfn, rule, machine = wired
    events.put_targets(Rule=rule, Targets=[{"Id": "machine", "Arn": machine, "RoleArn": ROLE}])
    send(events, ok=True)
    (only,) = inputs(sfn, machine)
    assert only["source"] == "zonke.probe"
    assert only["detail"] == {"ok": True, "n": 7}
