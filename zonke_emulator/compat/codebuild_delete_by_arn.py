"""CodeBuild ``DeleteProject`` by ARN, as AWS accepts it.

``DeleteProject`` takes a project name or ARN. The AWS provider deletes by the ARN (the
resource ID of ``aws_codebuild_project``); the emulator looks the value up as a name,
finds nothing, answers success and keeps the project, so every destroyed project stays.

The fix resolves an ARN to the project's name before the emulator deletes it.
"""

from __future__ import annotations

import functools
from typing import Any

from . import MOTO_RANGE, fix


def project_name(backend: Any, name_or_arn: str) -> str:
    """The name of the project ``name_or_arn`` designates (unchanged when it is a name)."""
    if not name_or_arn.startswith("arn:"):
        return name_or_arn
    for name, project in backend.codebuild_projects.items():
        if project.arn == name_or_arn:
            return str(name)
    return name_or_arn


@fix(
    name="codebuild-delete-project-by-arn",
    restores="CodeBuild DeleteProject deletes the project named by its ARN, not only by its name",
    moto=MOTO_RANGE,
    upstream=(
        "unreported: CodeBuild DeleteProject given the project's ARN in moto 5.2.5 answers "
        "success and keeps the project, while AWS takes a name or an ARN "
        "(https://docs.aws.amazon.com/codebuild/latest/APIReference/API_DeleteProject.html)"
    ),
)
def install() -> None:
    from moto.codebuild.models import CodeBuildBackend

    original = CodeBuildBackend.delete_project

    name_of = project_name  # the parameter below, named as the emulator names it, hides the function

    @functools.wraps(original)
    def delete_project(self: Any, project_name: str) -> None:  # a name or an ARN
        original(self, name_of(self, project_name))

    CodeBuildBackend.delete_project = delete_project  # type: ignore[method-assign]  # replaces the emulator's method
