"""SQS: SetQueueAttributes changes only the attributes it names; RedrivePolicy reads back as
AWS writes it; RedriveAllowPolicy is kept and read back.

On AWS, SetQueueAttributes sets the attributes in its request and leaves the others as they
were, and GetQueueAttributes answers every attribute the queue has, RedriveAllowPolicy
included (the SetQueueAttributes and GetQueueAttributes API references:
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_GetQueueAttributes.html).

The emulator (moto 5.2.5) differs three ways, each of which breaks a Terraform apply of an
SQS queue with a dead-letter queue:

- a SetQueueAttributes without ``Policy`` removes the queue's policy (it assigns the
  request's ``Policy``, None, whatever the request was about): an
  ``aws_sqs_queue_redrive_allow_policy`` wipes the ``aws_sqs_queue_policy`` set before it;
- it keeps ``RedriveAllowPolicy`` but never answers it (in "All") and refuses it by name
  (``InvalidAttributeName``): the AWS provider (v5.100.0) waits for the attribute it set
  to read back, forever, or fails reading it;
- it answers ``RedrivePolicy`` re-serialised with spaces (``{"deadLetterTargetArn": ...``),
  where AWS answers the compact JSON the provider stores (its state function normalises
  the configured value): every plan after an apply shows a "whitespace" change.

The fix keeps the policy unless the request names ``Policy`` (an empty one still removes
it), answers ``RedriveAllowPolicy`` (in "All" and by name) when the queue has one, and
answers ``RedrivePolicy`` as compact JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix


def _wrap_set(original: Callable[..., None]) -> Callable[..., None]:
    def _set_attributes(self: Any, attributes: dict[str, Any], now: float | None = None) -> None:
        kept = getattr(self, "policy", None)
        original(self, attributes, now)
        if "Policy" not in attributes:
            self.policy = kept
        elif attributes["Policy"] == "":
            self.policy = None

    return _set_attributes


def _attributes(original: Any) -> property:
    def attributes(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = original.fget(self)
        if getattr(self, "redrive_policy", None):
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        allow = getattr(self, "redrive_allow_policy", None)
        if allow:
            result["RedriveAllowPolicy"] = allow
        return result

    return property(attributes)


def _wrap_get(original: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        if "RedriveAllowPolicy" not in attribute_names:
            return original(self, queue_name, attribute_names)
        others = [n for n in attribute_names if n != "RedriveAllowPolicy"]
        result = dict(original(self, queue_name, others)) if others else {}
        allow = getattr(self.get_queue(queue_name), "redrive_allow_policy", None)
        if allow:
            result["RedriveAllowPolicy"] = allow
        return result

    return get_queue_attributes


@fix(
    name="sqs-queue-attributes",
    restores=(
        "SetQueueAttributes changes only the attributes it names; RedrivePolicy reads back as "
        "compact JSON and RedriveAllowPolicy reads back at all"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: SQS SetQueueAttributes without Policy removes the queue's policy, "
        "GetQueueAttributes never answers RedriveAllowPolicy (InvalidAttributeName by name) and "
        "answers RedrivePolicy re-serialised with spaces in moto 5.2.5, while AWS leaves "
        "attributes the request does not name, answers RedriveAllowPolicy and keeps RedrivePolicy "
        "compact (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/"
        "API_SetQueueAttributes.html)"
    ),
)
def install() -> None:
    from moto.sqs.models import Queue, SQSBackend

    SQSBackend.get_queue_attributes = _wrap_get(SQSBackend.get_queue_attributes)  # type: ignore[method-assign]  # replaces the emulator's method

    Queue._set_attributes = _wrap_set(Queue._set_attributes)  # type: ignore[method-assign]  # replaces the emulator's method
    Queue.attributes = _attributes(Queue.__dict__["attributes"])  # type: ignore[assignment]  # replaces the emulator's property
