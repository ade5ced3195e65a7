"""Step Functions ``ListStateMachineVersions``: list the published versions of a state machine.

The AWS provider reads ``aws_sfn_state_machine`` back with this call after every create
and refresh (to fill ``state_machine_version_arn``). The emulator keeps published versions
but has no such action (HTTP 500), so the create fails on read-back.

The fix adds the action: the versions of the named state machine, newest first (as AWS
sorts them), paged with ``maxResults`` and ``nextToken``; an unknown state machine raises
``StateMachineDoesNotExist`` as AWS does.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix


def list_state_machine_versions(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.stepfunctions.exceptions import InvalidToken, StateMachineDoesNotExist

    arn = self._get_param("stateMachineArn")
    max_results = self._get_int_param("maxResults") or 100
    token = self._get_param("nextToken")
    backend = self.stepfunction_backend
    machine = next((sm for sm in backend.state_machines if sm.arn == arn), None)
    if machine is None:
        backend._validate_machine_arn(arn)
        raise StateMachineDoesNotExist(f"State Machine Does Not Exist: '{arn}'")
    versions = sorted(machine.versions.values(), key=lambda v: v.version, reverse=True)
    try:
        start = int(token) if token else 0
    except ValueError as exc:
        raise InvalidToken(repr(token)) from exc
    page = versions[start : start + max_results]
    result: dict[str, Any] = {
        "stateMachineVersions": [
            {"stateMachineVersionArn": v.arn, "creationDate": v.creation_date} for v in page
        ]
    }
    if start + max_results < len(versions):
        result["nextToken"] = str(start + max_results)
    return ActionResult(result)


@fix(
    name="sfn-list-state-machine-versions",
    restores=(
        "Step Functions ListStateMachineVersions lists a state machine's published versions, newest "
        "first, so the provider can read aws_sfn_state_machine back after create"
    ),
    moto=MOTO_RANGE,
    upstream="https://github.com/getmoto/moto/pull/10106",
)
def install() -> None:
    from moto.stepfunctions.responses import StepFunctionResponse

    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions  # type: ignore[attr-defined]  # adds an action the emulator lacks
