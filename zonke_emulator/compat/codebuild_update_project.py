"""CodeBuild ``UpdateProject``, which the emulator lacks.

The AWS provider changes a project in place with ``UpdateProject`` (a new buildspec, an
environment variable, a timeout): the emulator has no such action and answers HTTP 500, so
any change to a pipeline's CodeBuild project after its creation fails locally.

The fix adds the action as the API reference describes it
(https://docs.aws.amazon.com/codebuild/latest/APIReference/API_UpdateProject.html): the
project is named by ``name``; every field the request gives replaces the project's (``tags``
is "the replacement set of tags"), fields it omits are kept; the source and artifacts are
checked as on creation; an unknown project is ``ResourceNotFoundException``; the answer is
the updated project, with a new ``lastModifiedDate``.
"""

from __future__ import annotations

from typing import Any

from . import MOTO_RANGE, fix

# Request field -> the project's field (the same name in the API's Project shape).
UPDATABLE = (
    "description",
    "source",
    "secondarySources",
    "sourceVersion",
    "secondarySourceVersions",
    "artifacts",
    "secondaryArtifacts",
    "cache",
    "environment",
    "serviceRole",
    "timeoutInMinutes",
    "queuedTimeoutInMinutes",
    "encryptionKey",
    "tags",
    "vpcConfig",
    "logsConfig",
    "fileSystemLocations",
    "buildBatchConfig",
    "concurrentBuildLimit",
    "autoRetryLimit",
)


@fix(
    name="codebuild-update-project",
    restores="CodeBuild UpdateProject changes the fields a request gives and keeps the others",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: moto 5.2.5 has no CodeBuild UpdateProject (HTTP 500), while AWS changes "
        "the fields the request gives and keeps the others "
        "(https://docs.aws.amazon.com/codebuild/latest/APIReference/API_UpdateProject.html)"
    ),
)
def install() -> None:
    from moto.codebuild import responses
    from moto.codebuild.exceptions import ResourceNotFoundException
    from moto.core.responses import ActionResult
    from moto.core.utils import unix_time

    from .codebuild_delete_by_arn import project_name

    def update_project(self: Any) -> Any:
        backend = self.codebuild_backend
        name = project_name(backend, str(self._get_param("name") or ""))
        project = backend.codebuild_projects.get(name)
        if project is None:
            raise ResourceNotFoundException(f"Project cannot be found: {self._get_param('name')}")
        if self._get_param("source") is not None:
            responses._validate_required_params_source(self._get_param("source"))
        if self._get_param("artifacts") is not None:
            responses._validate_required_params_artifacts(self._get_param("artifacts"))
        if self._get_param("environment") is not None:
            responses._validate_required_params_environment(self._get_param("environment"))
        meta = project.project_metadata
        for key in UPDATABLE:
            value = self._get_param(key)
            if value is not None:
                meta[key] = value
        if self._get_param("serviceRole") is not None:
            project.service_role = meta["serviceRole"]
        if self._get_param("tags") is not None:
            project.tags = meta["tags"]
        meta["lastModifiedDate"] = unix_time()
        return ActionResult({"project": meta})

    responses.CodeBuildResponse.update_project = update_project  # type: ignore[attr-defined]  # adds an action the emulator lacks
