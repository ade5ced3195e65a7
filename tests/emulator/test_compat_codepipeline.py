"""CodePipeline compatibility fix: timestamps are epoch numbers on the wire (notes, bug #7)."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest

from zonke_emulator import Emulator
from zonke_emulator.compat.codepipeline_timestamps import to_epoch

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "codepipeline.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def raw_call(emulator: Emulator, action: str, body: dict[str, Any]) -> dict[str, Any]:
    """One JSON 1.1 request, answered as the emulator writes it (boto3 would parse either form)."""
    request = urllib.request.Request(
        emulator.url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": f"CodePipeline_20150709.{action}",
            "Authorization": (
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/codepipeline/aws4_request, "
                "SignedHeaders=host, Signature=0"
            ),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        return dict(json.loads(resp.read()))


@pytest.fixture
def pipeline(emulator: Emulator) -> Any:
    session = emulator.boto3_session()
    iam, cp = session.client("iam"), session.client("codepipeline")
    name = f"probe-{uuid.uuid4().hex[:8]}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    stages = [
        {
            "name": "Source",
            "actions": [
                {
                    "name": "Source",
                    "actionTypeId": {"category": "Source", "owner": "AWS", "provider": "S3", "version": "1"},
                    "configuration": {"S3Bucket": "probe-source", "S3ObjectKey": "k"},
                    "outputArtifacts": [{"name": "src"}],
                }
            ],
        },
        {
            "name": "Approve",
            "actions": [
                {
                    "name": "Approve",
                    "actionTypeId": {
                        "category": "Approval",
                        "owner": "AWS",
                        "provider": "Manual",
                        "version": "1",
                    },
                }
            ],
        },
    ]
    cp.create_pipeline(
        pipeline={
            "name": name,
            "roleArn": role,
            "artifactStore": {"type": "S3", "location": "probe-artifacts"},
            "stages": stages,
            "pipelineType": "V2",
            "executionMode": "QUEUED",
        }
    )
    yield name
    cp.delete_pipeline(name=name)
    iam.delete_role(RoleName=name)


@pytest.mark.fix("codepipeline-epoch-timestamps")
def test_pipeline_metadata_and_list_carry_epoch_numbers(emulator: Emulator, pipeline: str) -> None:
    metadata = raw_call(emulator, "GetPipeline", {"name": pipeline})["metadata"]
    assert isinstance(metadata["created"], float) and isinstance(metadata["updated"], float)
    listed = [p for p in raw_call(emulator, "ListPipelines", {})["pipelines"] if p["name"] == pipeline]
    assert isinstance(listed[0]["created"], float)
    # boto3 reads them as the same instants
    got = emulator.boto3_session().client("codepipeline").get_pipeline(name=pipeline)["metadata"]
    assert abs(got["created"].timestamp() - metadata["created"]) < 0.001


@pytest.mark.fix("codepipeline-epoch-timestamps")
def test_execution_summaries_carry_epoch_numbers(emulator: Emulator, pipeline: str) -> None:
    cp = emulator.boto3_session().client("codepipeline")
    execution_id = cp.start_pipeline_execution(name=pipeline)["pipelineExecutionId"]
    [summary] = raw_call(emulator, "ListPipelineExecutions", {"pipelineName": pipeline})[
        "pipelineExecutionSummaries"
    ]
    assert summary["pipelineExecutionId"] == execution_id
    assert isinstance(summary["startTime"], float) and isinstance(summary["lastUpdateTime"], float)


def test_to_epoch_converts_iso_strings_only() -> None:
    assert to_epoch("2026-01-01T00:00:00.000Z") == 1767225600.0
    assert to_epoch("2026-01-01T00:00:00") == 1767225600.0
    assert to_epoch(12.5) == 12.5
    assert to_epoch("not a time") == "not a time"
