"""Step Functions ``ValidateStateMachineDefinition``: answer with a result instead of HTTP 500.

The AWS provider calls this API while planning every ``aws_sfn_state_machine`` whose
definition changes, and refuses the plan unless the result is ``OK``. The emulator does
not implement it (HTTP 500), so such a plan fails after the provider's retries.

The fix adds the action to the emulator's Step Functions handler. It checks what AWS
checks first and what a broken Terraform template most often gets wrong: a definition is
present, is JSON, is an object with ``StartAt`` naming one of its ``States``, and has a
terminal state. It is not a full Amazon States Language validator: a definition it
passes may still be one AWS rejects.
"""

from __future__ import annotations

import json
from typing import Any

from . import MOTO_RANGE, fix

_TERMINAL_TYPES = ("Succeed", "Fail")


def _diagnostic(code: str, message: str, location: str | None = None) -> dict[str, str]:
    diag = {"severity": "ERROR", "code": code, "message": message}
    if location is not None:
        diag["location"] = location
    return diag


def diagnose(definition: str | None) -> list[dict[str, str]]:
    """ERROR diagnostics for ``definition`` (empty when it passes these checks)."""
    if not definition or not definition.strip():
        return [_diagnostic("MISSING_DESCRIPTION", "The state machine definition is empty.")]
    try:
        doc: Any = json.loads(definition)
    except ValueError as exc:
        return [_diagnostic("INVALID_JSON_DESCRIPTION", f"The definition is not valid JSON: {exc}.")]
    if not isinstance(doc, dict):
        return [_diagnostic("SCHEMA_VALIDATION_FAILED", "The definition must be a JSON object.", "/")]
    problems: list[dict[str, str]] = []
    states = doc.get("States")
    if not isinstance(states, dict) or not states:
        problems.append(
            _diagnostic(
                "SCHEMA_VALIDATION_FAILED", "The field 'States' must be a non-empty object.", "/States"
            )
        )
        states = {}
    start = doc.get("StartAt")
    if not isinstance(start, str):
        problems.append(
            _diagnostic("SCHEMA_VALIDATION_FAILED", "The field 'StartAt' must be a string.", "/StartAt")
        )
    elif states and start not in states:
        problems.append(
            _diagnostic(
                "SCHEMA_VALIDATION_FAILED",
                f"The value for the field 'StartAt' must be a state name: {start!r} is not in 'States'.",
                "/StartAt",
            )
        )
    if states and not any(
        isinstance(s, dict) and (s.get("End") is True or s.get("Type") in _TERMINAL_TYPES)
        for s in states.values()
    ):
        problems.append(_diagnostic("MISSING_END_STATE", "The workflow has no terminal state.", "/States"))
    return problems


def validate_state_machine_definition(self: Any) -> Any:
    from moto.core.responses import ActionResult

    diagnostics = diagnose(self._get_param("definition"))
    return ActionResult(
        {"result": "FAIL" if diagnostics else "OK", "diagnostics": diagnostics, "truncated": False}
    )


@fix(
    name="sfn-validate-state-machine-definition",
    restores=(
        "Step Functions ValidateStateMachineDefinition answers a result (OK, or FAIL with ERROR "
        "diagnostics) instead of HTTP 500, so aws_sfn_state_machine can be planned"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: ValidateStateMachineDefinition answers HTTP 500 in moto 5.2.5 server mode "
        "(no handler in StepFunctionResponse), where AWS answers result OK or FAIL with "
        "diagnostics (https://docs.aws.amazon.com/step-functions/latest/apireference/"
        "API_ValidateStateMachineDefinition.html)"
    ),
)
def install() -> None:
    from moto.stepfunctions.responses import StepFunctionResponse

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition  # type: ignore[attr-defined]  # adds an action the emulator lacks
