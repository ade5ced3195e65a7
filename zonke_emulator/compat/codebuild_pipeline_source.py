"""CodeBuild projects fed by CodePipeline: no source or artifacts location, and the project's key.

AWS accepts ``source.type = CODEPIPELINE`` (and ``NO_SOURCE``) without a ``location``, and
``artifacts.type = CODEPIPELINE`` without one: the pipeline hands the build its input and
takes its output. The emulator rejects both ("Project source location is required"), so a
project built for a pipeline cannot be created. It also answers every project with the
AWS-managed S3 key as ``encryptionKey`` whatever the request named, so a project encrypted
with a customer-managed key never plans clean.

The fix wraps the emulator's request checks so a missing location passes for exactly those
types (every other check still runs), and keeps the ``encryptionKey`` of the request when
one was given (AWS's default, the AWS-managed key, otherwise).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import MOTO_RANGE, fix

LOCATIONLESS_SOURCES = ("CODEPIPELINE", "NO_SOURCE")
LOCATIONLESS_ARTIFACTS = ("CODEPIPELINE",)


def _allow_missing_location(
    check: Callable[[dict[str, Any]], None], types: tuple[str, ...]
) -> Callable[..., None]:
    @functools.wraps(check)
    def wrapper(spec: dict[str, Any]) -> None:
        if spec.get("type") in types and not spec.get("location"):
            # Run the other checks on a copy with a placeholder location.
            return check({**spec, "location": "zonke-compat-placeholder"})
        return check(spec)

    return wrapper


@fix(
    name="codebuild-pipeline-source-and-key",
    restores=(
        "CodeBuild creates a project whose source and artifacts are CODEPIPELINE without a location, "
        "and keeps the customer-managed encryptionKey the project was created with"
    ),
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CodeBuild CreateProject in moto 5.2.5 refuses a CODEPIPELINE or "
        "NO_SOURCE source and CODEPIPELINE artifacts without a location and reports the "
        "AWS-managed S3 key as encryptionKey whatever was given, while AWS needs no location "
        "there and keeps the given key "
        "(https://docs.aws.amazon.com/codebuild/latest/APIReference/API_ProjectSource.html)"
    ),
)
def install() -> None:
    from moto.codebuild import responses

    responses._validate_required_params_source = _allow_missing_location(
        responses._validate_required_params_source, LOCATIONLESS_SOURCES
    )
    responses._validate_required_params_artifacts = _allow_missing_location(
        responses._validate_required_params_artifacts, LOCATIONLESS_ARTIFACTS
    )

    original_create = responses.CodeBuildResponse.create_project

    @functools.wraps(original_create)
    def create_project(self: Any) -> Any:
        result = original_create(self)
        key = self._get_param("encryptionKey")
        if key:
            project = self.codebuild_backend.codebuild_projects[self._get_param("name")]
            project.project_metadata["encryptionKey"] = key
        return result

    responses.CodeBuildResponse.create_project = create_project  # type: ignore[method-assign]  # replaces the emulator's method
