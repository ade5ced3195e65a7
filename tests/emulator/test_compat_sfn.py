"""Step Functions compatibility fixes: definition validation and the list of versions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator

GOOD = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": True}}})
ROLE = "arn:aws:iam::123456789012:role/zonke-sfn-probe"


@pytest.fixture
def sfn(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("stepfunctions")


@pytest.mark.fix("sfn-validate-state-machine-definition")
def test_a_valid_definition_is_ok(sfn: Any) -> None:
    out = sfn.validate_state_machine_definition(definition=GOOD, type="STANDARD")
    assert out["result"] == "OK"
    assert out["diagnostics"] == []


@pytest.mark.parametrize(
    ("definition", "code"),
    [
        ("{not json", "INVALID_JSON_DESCRIPTION"),
        ("[1, 2]", "SCHEMA_VALIDATION_FAILED"),
        (json.dumps({"States": {"A": {"Type": "Succeed"}}}), "SCHEMA_VALIDATION_FAILED"),
        (json.dumps({"StartAt": "B", "States": {"A": {"Type": "Succeed"}}}), "SCHEMA_VALIDATION_FAILED"),
        (json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}), "MISSING_END_STATE"),
    ],
)
@pytest.mark.fix("sfn-validate-state-machine-definition")
def test_a_broken_definition_fails_with_an_error_diagnostic(sfn: Any, definition: str, code: str) -> None:
    out = sfn.validate_state_machine_definition(definition=definition)
    assert out["result"] == "FAIL"
    assert code in [d["code"] for d in out["diagnostics"]]
    assert all(d["severity"] == "ERROR" for d in out["diagnostics"])


@pytest.mark.fix("sfn-list-state-machine-versions")
def test_versions_are_listed_newest_first_and_paged(sfn: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    created = sfn.create_state_machine(name=name, definition=GOOD, roleArn=ROLE, publish=True)
    arn = created["stateMachineArn"]
    try:
        assert (
            sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"][0][
                "stateMachineVersionArn"
            ]
            == created["stateMachineVersionArn"]
        )
        changed = GOOD.replace("Done", "Finished")
        second = sfn.update_state_machine(stateMachineArn=arn, definition=changed, publish=True)
        listed = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
        assert [v["stateMachineVersionArn"] for v in listed] == [
            second["stateMachineVersionArn"],
            created["stateMachineVersionArn"],
        ]
        first_page = sfn.list_state_machine_versions(stateMachineArn=arn, maxResults=1)
        assert len(first_page["stateMachineVersions"]) == 1
        rest = sfn.list_state_machine_versions(stateMachineArn=arn, nextToken=first_page["nextToken"])
        assert [v["stateMachineVersionArn"] for v in rest["stateMachineVersions"]] == [
            created["stateMachineVersionArn"]
        ]
        assert "nextToken" not in rest
    finally:
        sfn.delete_state_machine(stateMachineArn=arn)


@pytest.mark.fix("sfn-list-state-machine-versions")
def test_an_unpublished_machine_has_no_versions(sfn: Any) -> None:
    arn = sfn.create_state_machine(name=f"probe-{uuid.uuid4().hex[:8]}", definition=GOOD, roleArn=ROLE)[
        "stateMachineArn"
    ]
    try:
        assert sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"] == []
    finally:
        sfn.delete_state_machine(stateMachineArn=arn)


@pytest.mark.fix("sfn-list-state-machine-versions")
def test_versions_of_an_unknown_machine_is_an_error(sfn: Any) -> None:
    with pytest.raises(ClientError) as err:
        sfn.list_state_machine_versions(
            stateMachineArn="arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine"
        )
    assert err.value.response["Error"]["Code"] == "StateMachineDoesNotExist"
