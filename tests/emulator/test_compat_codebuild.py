"""CodeBuild compatibility fixes: projects fed by CodePipeline, their key, delete by ARN."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

from zonke_emulator import Emulator

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


@pytest.mark.fix("codebuild-pipeline-source-and-key")
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


@pytest.mark.fix("codebuild-pipeline-source-and-key")
def test_a_project_keeps_the_customer_managed_key_it_was_created_with(codebuild: Any) -> None:
    """The project's ``encryptionKey`` is the key the request named; the AWS-managed S3 key is
    only the default when none is given.

    https://docs.aws.amazon.com/codebuild/latest/APIReference/API_CreateProject.html
    """
    name = f"probe-{uuid.uuid4().hex[:8]}"
    created = codebuild.create_project(
        name=name,
        source={"type": "S3", "location": "probe-bucket/source.zip"},
        artifacts={"type": "NO_ARTIFACTS"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
        encryptionKey=KEY,
    )["project"]
    assert created["encryptionKey"] == KEY
    [project] = codebuild.batch_get_projects(names=[name])["projects"]
    assert project["encryptionKey"] == KEY
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


@pytest.mark.fix("codebuild-delete-project-by-arn")
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


@pytest.mark.fix("codebuild-update-project")
def test_update_project_replaces_what_it_is_given_and_keeps_the_rest(codebuild: Any) -> None:
    name = f"probe-{uuid.uuid4().hex[:8]}"
    created = codebuild.create_project(
        name=name,
        description="before",
        source={"type": "CODEPIPELINE", "buildspec": "version: 0.2\n"},
        artifacts={"type": "CODEPIPELINE"},
        environment=ENVIRONMENT,
        serviceRole=ROLE,
        encryptionKey=KEY,
        tags=[{"key": "team", "value": "web"}],
    )["project"]
    updated = codebuild.update_project(
        name=created["arn"],  # the provider names it by ARN (its resource ID)
        source={"type": "CODEPIPELINE", "buildspec": "version: 0.2\nphases: {}\n"},
        timeoutInMinutes=30,
        tags=[{"key": "owner", "value": "ops"}],
    )["project"]
    assert updated["source"]["buildspec"] == "version: 0.2\nphases: {}\n"
    assert updated["timeoutInMinutes"] == 30
    assert updated["tags"] == [{"key": "owner", "value": "ops"}], "tags are the replacement set"
    read = codebuild.batch_get_projects(names=[name])["projects"][0]
    assert read["source"]["buildspec"] == "version: 0.2\nphases: {}\n"
    assert read["description"] == "before" and read["encryptionKey"] == KEY
    assert read["environment"]["image"] == ENVIRONMENT["image"]
    with pytest.raises(ClientError) as missing:
        codebuild.update_project(name=f"{name}-nope", description="x")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"
    with pytest.raises(ClientError) as bad:
        codebuild.update_project(name=name, source={"type": "FTP"})
    assert bad.value.response["Error"]["Code"] == "InvalidInputException"
