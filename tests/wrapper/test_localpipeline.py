"""The local pipeline runner on a small pipeline made with boto3, in an emulator that enforces IAM.

The runner reads the pipeline, the CodeBuild project and the state machine from the
emulator and runs each action as its own role (assumed as the service that assumes it on
AWS): a role that lacks a permission fails its stage naming the denied action. The full
stack's pipeline is run by tests/examples/test_pipeline_local.py.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from zonke_emulator import Emulator
from zonke_emulator.iam import Credentials, client
from zonke_tf import localpipeline

pytestmark = pytest.mark.apply

BUILDSPEC = textwrap.dedent(
    """\
    version: 0.2
    env:
      shell: bash
      variables:
        BUCKET: "{bucket}"
      exported-variables:
        - IMAGE_URI
    phases:
      install:
        commands:
          - curl -fsSLO https://releases.hashicorp.com/terraform/1.11.4/terraform.zip
      pre_build:
        commands:
          - set -euo pipefail
          - export IMAGE_URI="{repo_url}:$COMMIT_SHA"
          - mkdir -p out && cd out
      build:
        commands:
          - echo "hello from $COMMIT_SHA" > hello.txt
          - aws s3 cp hello.txt "s3://$BUCKET/static/hello.txt" --only-show-errors
          - docker build --tag "$IMAGE_URI" --file ../app/Dockerfile ../app
          - docker push "$IMAGE_URI"
      post_build:
        commands:
          - printf '{{"image":"%s"}}' "$IMAGE_URI" > runner-input.json
    artifacts:
      files:
        - out/runner-input.json
      discard-paths: yes
    """
)


def runner(cluster: str, task_definition: str, subnet: str, group: str) -> dict[str, Any]:
    return {
        "StartAt": "List",
        "States": {
            "List": {
                "Type": "Task",
                "Resource": "arn:aws:states:::aws-sdk:ecs:listClusters",
                "Parameters": {},
                "ResultPath": "$.clusters",
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.image", "IsPresent": True, "Next": "Run"}],
                "Default": "NoImage",
            },
            "Run": {
                "Type": "Task",
                "Resource": "arn:aws:states:::ecs:runTask.sync",
                "Parameters": {
                    "Cluster": cluster,
                    "TaskDefinition": task_definition,
                    "LaunchType": "FARGATE",
                    "NetworkConfiguration": {
                        "AwsvpcConfiguration": {"Subnets": [subnet], "SecurityGroups": [group]}
                    },
                    "Overrides": {"ContainerOverrides": [{"Name": "app", "Command": ["migrate"]}]},
                },
                "ResultPath": "$.run",
                "Next": "Exit",
            },
            "Exit": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.run.Containers[0].ExitCode", "NumericEquals": 0, "Next": "Done"}],
                "Default": "Failed",
            },
            "NoImage": {"Type": "Fail", "Error": "NoImage"},
            "Failed": {"Type": "Fail", "Error": "MigrationFailed"},
            "Done": {"Type": "Succeed"},
        },
    }


@pytest.fixture(scope="module")
def enforced() -> Iterator[Emulator]:
    with Emulator(enforce_iam=True) as emu:
        yield emu


def _trust(service: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}],
        }
    )


def _role(iam: Any, name: str, service: str, statements: list[dict[str, Any]]) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(service))["Role"]["Arn"]
    doc = {"Version": "2012-10-17", "Statement": statements}
    iam.put_role_policy(RoleName=name, PolicyName="stage", PolicyDocument=json.dumps(doc))
    return str(arn)


def _allow(actions: list[str], resources: list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _pipeline(emu: Emulator, build_actions: list[str]) -> tuple[str, dict[str, str]]:
    admin: Credentials = emu.admin
    name = f"t{uuid.uuid4().hex[:8]}"
    iam, s3 = client(emu.url, admin, "iam"), client(emu.url, admin, "s3")
    bucket = f"{name}-static"
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=f"{name}-artifacts")
    repo = client(emu.url, admin, "ecr").create_repository(repositoryName=name)["repository"]
    build_role = _role(
        iam,
        f"{name}-build",
        "codebuild.amazonaws.com",
        [
            _allow(
                build_actions,
                [f"arn:aws:s3:::{bucket}/static/*", repo["repositoryArn"]],
            )
        ],
    )
    ec2, ecs = client(emu.url, admin, "ec2"), client(emu.url, admin, "ecs")
    vpc = ec2.create_vpc(CidrBlock="10.66.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.66.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName=name, Description="t", VpcId=vpc)["GroupId"]
    cluster = ecs.create_cluster(clusterName=name)["cluster"]["clusterArn"]
    task_def = ecs.register_task_definition(
        family=f"{name}-migrate",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": f"{repo['repositoryUri']}:v1", "essential": True}],
    )["taskDefinition"]["taskDefinitionArn"]
    runner_role = _role(
        iam,
        f"{name}-runner",
        "states.amazonaws.com",
        [
            _allow(["ecs:ListClusters"], ["*"]),
            _allow(["ecs:RunTask"], [task_def.rsplit(":", 1)[0] + ":*"]),
        ],
    )
    pipeline_role = _role(
        iam, f"{name}-pipeline", "codepipeline.amazonaws.com", [_allow(["s3:GetObject"], ["*"])]
    )
    cb = client(emu.url, admin, "codebuild")
    cb.create_project(
        name=f"{name}-build",
        source={
            "type": "CODEPIPELINE",
            "location": "x",
            "buildspec": BUILDSPEC.format(bucket=bucket, repo_url=repo["repositoryUri"]),
        },
        artifacts={"type": "CODEPIPELINE"},
        environment={
            "type": "LINUX_CONTAINER",
            "image": "aws/codebuild/standard:7.0",
            "computeType": "BUILD_GENERAL1_SMALL",
        },
        serviceRole=build_role,
    )
    sm = client(emu.url, admin, "stepfunctions").create_state_machine(
        name=f"{name}-migrate",
        definition=json.dumps(runner(cluster, task_def, subnet, group)),
        roleArn=runner_role,
    )["stateMachineArn"]

    def action(category: str, provider: str, **kw: Any) -> dict[str, Any]:
        return {
            "name": kw.pop("name"),
            "actionTypeId": {"category": category, "owner": "AWS", "provider": provider, "version": "1"},
            **kw,
        }

    client(emu.url, admin, "codepipeline").create_pipeline(
        pipeline={
            "name": name,
            "roleArn": pipeline_role,
            "artifactStore": {"type": "S3", "location": f"{name}-artifacts"},
            "stages": [
                {
                    "name": "Source",
                    "actions": [
                        action(
                            "Source",
                            "CodeStarSourceConnection",
                            name="Source",
                            namespace="SourceVariables",
                            outputArtifacts=[{"name": "source"}],
                            configuration={"FullRepositoryId": "me/app", "BranchName": "main"},
                        )
                    ],
                },
                {
                    "name": "Build",
                    "actions": [
                        action(
                            "Build",
                            "CodeBuild",
                            name="Build",
                            namespace="BuildVariables",
                            inputArtifacts=[{"name": "source"}],
                            outputArtifacts=[{"name": "build"}],
                            configuration={
                                "ProjectName": f"{name}-build",
                                "EnvironmentVariables": json.dumps(
                                    [{"name": "COMMIT_SHA", "value": "#{SourceVariables.CommitId}"}]
                                ),
                            },
                        )
                    ],
                },
                {
                    "name": "Migrate",
                    "actions": [
                        action(
                            "Invoke",
                            "StepFunctions",
                            name="Migrate",
                            inputArtifacts=[{"name": "build"}],
                            configuration={
                                "StateMachineArn": sm,
                                "InputType": "FilePath",
                                "Input": "runner-input.json",
                            },
                        )
                    ],
                },
            ],
        }
    )
    return name, {"bucket": bucket, "repo": name}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    app = tmp_path / "repo" / "app"
    app.mkdir(parents=True)
    (app / "Dockerfile").write_text("FROM scratch\nWORKDIR /app\nCOPY . .\n")
    (app / "main.py").write_text("print('hi')\n")
    root = app.parent
    for cmd in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "first"],
    ):
        subprocess.run(cmd, cwd=root, check=True)
    return root


BUILD_ACTIONS = ["s3:PutObject", "ecr:PutImage"]


def test_every_stage_runs_as_its_role_and_succeeds(enforced: Emulator, repo: Path) -> None:
    name, made = _pipeline(enforced, BUILD_ACTIONS)
    seen: list[tuple[str, str]] = []
    tasks: list[tuple[str, list[str]]] = []

    def task_runner(task_definition: dict[str, Any], override: dict[str, Any]) -> int:
        tasks.append((task_definition["family"], override["Command"]))
        return 0

    result = localpipeline.run_local(
        repo,
        enforced.url,
        enforced.admin,
        name,
        True,
        on_update=lambda r: seen.append((r.stage, r.status)),
        task_runner=task_runner,
    )
    assert result["status"] == "Succeeded", json.dumps(result, indent=2)
    assert [s["stage"] for s in result["stages"]] == ["Source", "Build", "Migrate"]
    assert seen[:2] == [("Source", "InProgress"), ("Source", "Succeeded")]
    build = result["stages"][1]
    assert build["role_arn"].endswith(f":role/{name}-build")
    assert any("registered an image manifest" in n for n in build["notes"]), build["notes"]
    assert any("install phase skipped (1 commands)" in n for n in build["notes"]), build["notes"]
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    ecr = client(enforced.url, enforced.admin, "ecr")
    tags = [i.get("imageTag") for i in ecr.list_images(repositoryName=made["repo"])["imageIds"]]
    assert tags == [commit]
    body = client(enforced.url, enforced.admin, "s3").get_object(
        Bucket=made["bucket"], Key="static/hello.txt"
    )
    assert body["Body"].read().decode().strip() == f"hello from {commit}"
    assert all(s["seconds"] >= 0 for s in result["stages"])
    assert tasks == [(f"{name}-migrate", ["migrate"])], "the runner's RunTask reached ECS with its override"


def test_a_migration_task_that_exits_non_zero_fails_the_migrate_stage(enforced: Emulator, repo: Path) -> None:
    name, _ = _pipeline(enforced, BUILD_ACTIONS)
    result = localpipeline.run_local(
        repo, enforced.url, enforced.admin, name, True, task_runner=lambda td, override: 3
    )
    assert result["status"] == "Failed"
    failed = result["stages"][-1]
    assert failed["stage"] == "Migrate" and "MigrationFailed" in failed["error"], failed


def test_a_missing_permission_fails_the_stage_naming_the_denied_action(
    enforced: Emulator, repo: Path
) -> None:
    name, _ = _pipeline(enforced, ["s3:PutObject"])  # no ecr:PutImage
    result = localpipeline.run_local(repo, enforced.url, enforced.admin, name, True)
    assert result["status"] == "Failed"
    failed = result["stages"][-1]
    assert failed["stage"] == "Build" and failed["status"] == "Failed"
    assert "ecr:PutImage" in failed["error"], failed["error"]
    assert [s["stage"] for s in result["stages"]] == ["Source", "Build"], "nothing runs after a failure"


def test_a_definition_with_a_parameter_runtask_sync_refuses_is_reported() -> None:
    definition = {
        "StartAt": "Run",
        "States": {
            "Run": {
                "Type": "Task",
                "Resource": "arn:aws:states:::ecs:runTask.sync",
                "Parameters": {"Cluster": "c", "TaskDefinition": "t", "StartedBy.$": "$$.Execution.Name"},
                "End": True,
            }
        },
    }
    problems = localpipeline.validate_definition(definition)
    assert len(problems) == 1 and "StartedBy" in problems[0]
    del definition["States"]["Run"]["Parameters"]["StartedBy.$"]
    definition["States"]["Run"]["Parameters"]["EnableECSManagedTags"] = True
    assert "EnableECSManagedTags" in localpipeline.validate_definition(definition)[0]
    del definition["States"]["Run"]["Parameters"]["EnableECSManagedTags"]
    assert localpipeline.validate_definition(definition) == []


def test_a_failed_build_reports_the_failing_phase_not_post_build(tmp_path: Path) -> None:
    spec = {
        "version": 0.2,
        "phases": {
            "build": {"commands": ["echo compiling", "echo 'Error: no such app folder' >&2; exit 3"]},
            "post_build": {
                "commands": ['echo "succeeding=$CODEBUILD_BUILD_SUCCEEDING"', "echo nothing published"]
            },
        },
    }
    log: list[str] = []
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    with pytest.raises(localpipeline.StageFailed) as failed:
        localpipeline.run_buildspec(spec, tmp_path, env, tmp_path / "state", log)
    assert str(failed.value) == "phase build failed (exit 3): Error: no such app folder"
    assert "succeeding=0" in log[-1], "post_build runs after a failed build, told so"


def test_the_actions_variables_win_over_the_buildspecs(tmp_path: Path) -> None:
    """CodeBuild's precedence: the start-build call's (the pipeline action's) and the project's
    variables over the buildspec's env/variables, as each worker's Deploy action relies on.
    https://docs.aws.amazon.com/codebuild/latest/userguide/build-spec-ref.html"""
    spec = {
        "version": 0.2,
        "env": {"variables": {"SERVICE_NAME": "web", "TASK_FAMILY": "web-family"}},
        "phases": {"build": {"commands": ['echo "deploying $SERVICE_NAME of $TASK_FAMILY"']}},
    }
    log: list[str] = []
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SERVICE_NAME": "worker-celery"}
    localpipeline.run_buildspec(spec, tmp_path, env, tmp_path / "state", log)
    assert "deploying worker-celery of web-family" in log[-1]
