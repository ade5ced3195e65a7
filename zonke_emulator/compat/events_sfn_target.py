"""EventBridge: deliver matching events to Step Functions targets.

In AWS a rule whose target is a Step Functions state machine starts an execution of it for
every matching event, with the target's input (the event itself, a constant ``Input``, or
the result of its ``InputTransformer``); ``PutEvents`` never fails because of a target.
The emulator delivers only to a few target types and raises on any other, so ``PutEvents``
answers HTTP 500 as soon as one rule in the account targets a state machine.

The fix hands state-machine targets of a matching rule to the emulator's Step Functions
backend (``StartExecution`` with the target's input) and lets the emulator deliver to the
other targets as before. Whether the emulator then runs the execution's states is its own
setting; the execution and its input are recorded either way.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import MOTO_RANGE, fix

if TYPE_CHECKING:
    from moto.events.utils import EventMessageType


def _input_for(target: dict[str, Any], event: EventMessageType) -> str:
    from moto.events.utils import EventTemplateParser

    if target.get("Input") is not None:
        return str(target["Input"])
    transformer = target.get("InputTransformer")
    if transformer:
        shaped = EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=copy.deepcopy(event),
        )
        return json.dumps(shaped)
    return json.dumps(event, default=str)


def _wrap_send(original: Callable[..., None]) -> Callable[..., None]:
    def send_to_targets(self: Any, original_event: EventMessageType, transform_input: bool = True) -> None:
        machines = [t for t in self.targets if str(t.get("Arn", "")).split(":")[2:3] == ["states"]]
        if not machines:
            original(self, original_event, transform_input)
            return
        if not self.event_pattern.matches_event(original_event):
            return
        from moto.stepfunctions.models import stepfunctions_backends

        for target in machines:
            arn = target["Arn"]
            account, region = arn.split(":")[4], arn.split(":")[3]
            backend = stepfunctions_backends[account][region]
            # name=None: the emulator names the execution itself, as AWS does (its annotation says str)
            backend.start_execution(
                arn,
                name=None,  # type: ignore[arg-type]
                execution_input=_input_for(target, original_event),
            )
        others = copy.copy(self)
        others.targets = [t for t in self.targets if t not in machines]
        if others.targets:
            original(others, original_event, transform_input)

    return send_to_targets


@fix(
    name="events-step-functions-target",
    restores=(
        "EventBridge starts an execution of a Step Functions target for each matching event, with "
        "the target's input, instead of failing PutEvents"
    ),
    moto=MOTO_RANGE,
    # Closed upstream by a change to moto's S3-notification path only: moto 5.2.5's
    # Rule.send_to_targets still raises NotImplementedError for a Step Functions target.
    upstream="https://github.com/getmoto/moto/issues/8452",
)
def install() -> None:
    from moto.events.models import Rule

    Rule.send_to_targets = _wrap_send(Rule.send_to_targets)  # type: ignore[method-assign]  # replaces the emulator's method
