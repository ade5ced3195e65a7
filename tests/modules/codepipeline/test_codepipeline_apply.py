"""Apply modules/codepipeline against the emulator and read the pipeline back with boto3.

The emulator has no CodeConnections service, so the pipeline gets a connection ARN as
input (creating one is covered by the plan tests). CodeBuild projects fed by CodePipeline
and the pipeline's timestamps rely on the compatibility fixes codebuild_pipeline_source
and codepipeline_timestamps. GetPipelineState is not implemented, so the stage states
are not read; the pipeline's structure is.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.modules.codepipeline.common import (
    CONNECTION,
    EXECUTION_ROLE,
    RUNNER,
    RUNNER_KEY,
    TASK_ROLE,
    base_vars,
)
from tests.support import applied

pytestmark = pytest.mark.apply


def test_apply_replan_destroy(make_root, aws: Any) -> None:  # type: ignore[no-untyped-def]
    root = make_root("modules/codepipeline")
    variables = base_vars(require_approval=True, file_path_filters=["app/**", "infra/**"])
    with applied(root, aws, variables) as stack:
        out = stack.outputs
        cp = aws.client("codepipeline")
        pipeline = cp.get_pipeline(name=out["pipeline_name"])["pipeline"]
        assert pipeline["pipelineType"] == "V2"
        assert pipeline["executionMode"] == "QUEUED"
        assert [s["name"] for s in pipeline["stages"]] == [
            "Source",
            "Infrastructure",
            "Build",
            "Approval",
            "Migrate",
            "Deploy",
        ]
        source = pipeline["stages"][0]["actions"][0]["configuration"]
        assert source["ConnectionArn"] == CONNECTION and source["FullRepositoryId"] == "acme/shop"
        [trigger] = pipeline["triggers"]
        push = trigger["gitConfiguration"]["push"][0]
        assert push["branches"]["includes"] == ["main"]
        assert push["filePaths"]["includes"] == ["app/**", "infra/**"]
        migrate = pipeline["stages"][4]["actions"][0]
        assert migrate["actionTypeId"]["provider"] == "StepFunctions"
        assert migrate["configuration"]["StateMachineArn"] == RUNNER
        assert pipeline["artifactStore"]["encryptionKey"]["id"] == out["kms_key_arn"]

        projects = aws.client("codebuild").batch_get_projects(
            names=list(out["codebuild_project_names"].values())
        )
        by_name = {p["name"]: p for p in projects["projects"]}
        build = by_name["shop-prod-build"]
        assert build["source"]["type"] == "CODEPIPELINE"
        assert "zonke/shop-prod" in build["source"]["buildspec"]
        assert build["environment"]["privilegedMode"] is True
        assert by_name["shop-prod-infra"]["environment"]["privilegedMode"] is False
        assert build["encryptionKey"] == out["kms_key_arn"]

        s3 = aws.client("s3")
        bucket = out["artifact_bucket_name"]
        block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values())
        rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
        assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == out["kms_key_arn"]
        policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
        [deny] = policy["Statement"]
        assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

        # The pipeline's role: the runner and the service's two roles, nothing wider.
        iam = aws.client("iam")
        role = out["pipeline_role_arn"].split("/")[-1]
        doc = iam.get_role_policy(RoleName=role, PolicyName="pipeline")["PolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        statements = {s["Sid"]: s for s in doc["Statement"]}
        assert "PassOnlyTheServiceTaskRoles" not in statements  # the Deploy step passes them now
        assert "ecs:" not in json.dumps(doc)
        assert statements["StartTheMigrationRunner"]["Resource"] == RUNNER
        assert statements["WatchMigrationRuns"]["Resource"] == (
            "arn:aws:states:us-east-1:123456789012:execution:shop-prod-migrate:*"
        )
        assert statements["MigrationRunnerKey"]["Resource"] == RUNNER_KEY
        # The Deploy step's role: the service, its family's revisions, its two roles.
        deploy_role = out["codebuild_role_arns"]["deploy"].split("/")[-1]
        deploy_doc = iam.get_role_policy(RoleName=deploy_role, PolicyName="deploy")["PolicyDocument"]
        deploy_doc = json.loads(deploy_doc) if isinstance(deploy_doc, str) else deploy_doc
        deploy = {s["Sid"]: s for s in deploy_doc["Statement"]}
        assert sorted(deploy["PassOnlyTheServiceTaskRoles"]["Resource"]) == sorted(
            [EXECUTION_ROLE, TASK_ROLE]
        )
        assert deploy["DeployTheService"]["Resource"] == (
            "arn:aws:ecs:us-east-1:123456789012:service/shop-prod/shop-prod-web"
        )
        assert by_name["shop-prod-deploy"]["environment"]["privilegedMode"] is False
        assert "TASK_FAMILY" in by_name["shop-prod-deploy"]["source"]["buildspec"]
        attached = iam.list_attached_role_policies(
            RoleName=out["codebuild_role_arns"]["infra"].split("/")[-1]
        )
        assert sorted(a["PolicyName"] for a in attached["AttachedPolicies"]) == [
            f"shop-prod-terraform-{k}" for k in ("iam", "resources", "state", "tagged")
        ]

        # A push is simulated by starting an execution: QUEUED pipelines accept it.
        execution_id = cp.start_pipeline_execution(name=out["pipeline_name"])["pipelineExecutionId"]
        summaries = cp.list_pipeline_executions(pipelineName=out["pipeline_name"])[
            "pipelineExecutionSummaries"
        ]
        assert [s["pipelineExecutionId"] for s in summaries] == [execution_id]
