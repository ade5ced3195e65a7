"""CodeBuild compatibility fixes: projects fed by CodePipeline, their key, delete by ARN."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_tf.emulator import Emulator

ROLE = "arn:aws:iam::123456789012:role/zonke-codebuild-probe"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
ENVIRONMENT = {
    "type": "LINUX_CONTAINER",
    "image": "aws/codebuild/standard:7.0",
    "computeType": "BUILD_GENERAL1_SMALL",
}


@pytest.fixture
def codebuild(emulator: Emulator) -> Any:
    return emulator.boto3_session().client("codebuild")


def test_fixes_are_installed(emulator: Emulator) -> None:
    installed = emulator.applied_fixes()
    assert "codebuild-pipeline-source-and-key" in installed
    assert "codebuild-delete-project-by-arn" in installed


def test_a_pipeline_project_needs_no_location_and_keeps_its_key(codebuild: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    created = codebuild.create_project(
        name=name,
        source={"type": "CODEPIPELINE", "buildspec": "version: 0.2\n"},
        artifacts={"type": "CODEPIPELINE"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
        encryptionKey=KEY,
    )["project"]
    assert created["source"] == {"type": "CODEPIPELINE", "buildspec": "version: 0.2\n"}
    [project] = codebuild.batch_get_projects(names=[name])["projects"]
    assert project["encryptionKey"] == KEY
    assert project["artifacts"] == {"type": "CODEPIPELINE"}
    codebuild.delete_project(name=name)


def test_other_source_types_still_need_a_location(codebuild: Any) -> None:
    with pytest.raises(ClientError, match="location is required"):
        codebuild.create_project(
            name=f"probe-{uuid.uuid4().hex[:8]}",
            source={"type": "S3"},
            artifacts={"type": "NO_ARTIFACTS"},
            environment=ENVIRONMENT,
            serviceRole=ROLE,
        )
    with pytest.raises(ClientError, match="Invalid type provided"):
        codebuild.create_project(
            name=f"probe-{uuid.uuid4().hex[:8]}",
            source={"type": "NOT_A_SOURCE"},
            artifacts={"type": "CODEPIPELINE"},
            environment=ENVIRONMENT,
            serviceRole=ROLE,
        )


def test_delete_project_by_arn(codebuild: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    arn = codebuild.create_project(
        name=name,
        source={"type": "CODEPIPELINE"},
        artifacts={"type": "CODEPIPELINE"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
    )["project"]["arn"]
    assert name in codebuild.list_projects()["projects"]
    codebuild.delete_project(name=arn)
    assert name not in codebuild.list_projects()["projects"]
