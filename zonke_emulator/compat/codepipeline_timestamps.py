"""CodePipeline timestamps as epoch numbers, as AWS sends them in its JSON protocol.

The emulator writes ``created``/``updated`` (GetPipeline metadata, ListPipelines) and
``startTime``/``lastUpdateTime`` (ListPipelineExecutions) as ISO 8601 strings. AWS's
JSON 1.1 protocol sends timestamps as epoch seconds, and the AWS provider's SDK refuses a
string ("expected Timestamp to be a JSON Number"), so ``aws_codepipeline`` cannot be read
back after create (emulator notes, bug #7).

The fix wraps the three emulator methods that produce those fields and turns each ISO
string into epoch seconds; nothing else in the answers changes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, cast

from . import MOTO_RANGE, fix

PIPELINE_FIELDS = ("created", "updated")
EXECUTION_FIELDS = ("startTime", "lastUpdateTime")


def to_epoch(value: Any) -> Any:
    """Epoch seconds for an ISO 8601 string (UTC when it has no zone); other values unchanged."""
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def numeric(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    out = dict(record)
    for name in fields:
        if name in out:
            out[name] = to_epoch(out[name])
    return out


def _wrap_list(method: Callable[..., list[dict[str, Any]]], fields: tuple[str, ...]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        return [numeric(r, fields) for r in method(*args, **kwargs)]

    return wrapper


@fix(
    name="codepipeline-epoch-timestamps",
    restores=(
        "CodePipeline answers pipeline metadata (created, updated) and execution summary times "
        "(startTime, lastUpdateTime) as epoch-second numbers, so the AWS provider can read a pipeline"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CodePipeline GetPipeline and ListPipelines (created, updated) and "
        "ListPipelineExecutions (startTime, lastUpdateTime) answer ISO 8601 strings in moto "
        "5.2.5, while AWS's JSON 1.1 protocol sends epoch-second numbers "
        "(https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineMetadata.html)"
    ),
)
def install() -> None:
    from moto.codepipeline.models import CodePipeline, CodePipelineBackend, PipelineExecution

    # read on the class, a property is the property object (mypy types it as the getter)
    original_metadata = cast(property, CodePipeline.metadata).fget
    assert original_metadata is not None  # the emulator's metadata property has a getter

    def metadata(self: Any) -> dict[str, Any]:
        return numeric(original_metadata(self), PIPELINE_FIELDS)

    CodePipeline.metadata = property(metadata)  # type: ignore[assignment, method-assign]  # a new property in place of the emulator's
    CodePipelineBackend.list_pipelines = _wrap_list(  # type: ignore[method-assign]  # replaces the emulator's method
        CodePipelineBackend.list_pipelines, PIPELINE_FIELDS
    )
    original_summary = PipelineExecution.to_summary_dict

    def to_summary_dict(self: Any) -> dict[str, Any]:
        return numeric(original_summary(self), EXECUTION_FIELDS)

    PipelineExecution.to_summary_dict = to_summary_dict  # type: ignore[method-assign]  # replaces the emulator's method
