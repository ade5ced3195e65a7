"""Application Auto Scaling: tags on scalable targets.

AWS lets a scalable target carry tags: ``RegisterScalableTarget`` accepts ``Tags`` when it
creates the target, and ``TagResource``, ``UntagResource`` and ``ListTagsForResource``
work on the target's ARN. The emulator ignores ``Tags`` and has none of the three tag
actions (HTTP 500), so the AWS provider, which lists a target's tags on every read,
cannot read back ``aws_appautoscaling_target``.

The fix keeps a tag map on each scalable target (it goes away with the target), fills
it from ``Tags`` when ``RegisterScalableTarget`` creates the target (re-registering an
existing target leaves its tags alone, as in AWS), and adds the three tag actions. An
ARN that names no scalable target raises ``ResourceNotFoundException``; more than 50
tags on one target raises ``TooManyTagsException``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

MAX_TAGS = 50


def _find_target(backend: Any, arn: str) -> Any:
    from moto.core.exceptions import JsonRESTError

    for by_resource in backend.targets.values():
        for target in by_resource.values():
            if target.arn == arn:
                return target
    raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for ARN {arn}.")


def _tags_of(target: Any) -> dict[str, str]:
    tags: dict[str, str] | None = getattr(target, "zonke_tags", None)
    if tags is None:
        tags = {}
        target.zonke_tags = tags
    return tags


def _set_tags(target: Any, new: dict[str, str]) -> None:
    from moto.core.exceptions import JsonRESTError

    merged = {**_tags_of(target), **new}
    if len(merged) > MAX_TAGS:
        raise JsonRESTError(
            "TooManyTagsException", f"A scalable target can have at most {MAX_TAGS} tags ({target.arn})."
        )
    target.zonke_tags = merged


def _wrap_register(original: Callable[[Any], str]) -> Callable[..., str]:
    def register_scalable_target(self: Any) -> str:
        backend = self.applicationautoscaling_backend
        dimension = self._get_param("ScalableDimension")
        resource_id = self._get_param("ResourceId")
        existed = resource_id in backend.targets.get(dimension, {})
        body = original(self)
        tags = self._get_param("Tags") or {}
        if not existed and tags:
            _set_tags(backend.targets[dimension][resource_id], dict(tags))
        return body

    return register_scalable_target


def list_tags_for_resource(self: Any) -> str:
    target = _find_target(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    return json.dumps({"Tags": dict(_tags_of(target))})


def tag_resource(self: Any) -> str:
    target = _find_target(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    _set_tags(target, dict(self._get_param("Tags") or {}))
    return json.dumps({})


def untag_resource(self: Any) -> str:
    target = _find_target(self.applicationautoscaling_backend, self._get_param("ResourceARN"))
    tags = _tags_of(target)
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


@fix(
    name="appautoscaling-scalable-target-tags",
    restores=(
        "Application Auto Scaling keeps tags on scalable targets: RegisterScalableTarget takes Tags on "
        "create, and TagResource, UntagResource and ListTagsForResource work on the target's ARN"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: Application Auto Scaling RegisterScalableTarget ignores Tags and moto "
        "5.2.5 has no TagResource, UntagResource or ListTagsForResource (HTTP 500), while AWS "
        "keeps tags on the scalable target's ARN "
        "(https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TagResource.html)"
    ),
)
def install() -> None:
    from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse as Response

    Response.register_scalable_target = _wrap_register(Response.register_scalable_target)  # type: ignore[method-assign]  # replaces the emulator's method
    Response.list_tags_for_resource = list_tags_for_resource  # type: ignore[attr-defined]  # adds an action the emulator lacks
    Response.tag_resource = tag_resource  # type: ignore[attr-defined]  # adds an action the emulator lacks
    Response.untag_resource = untag_resource  # type: ignore[attr-defined]  # adds an action the emulator lacks
