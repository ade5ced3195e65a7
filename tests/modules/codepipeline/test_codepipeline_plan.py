"""Plan tests of modules/codepipeline: stages, trigger, artifact store, IAM scoping, buildspecs, bad input.

Two plans serve every test here (a full one and a minimal one) and two failing plans check
the input validation. The buildspecs are read from the planned `buildspecs` output,
parsed as YAML, and the lines that write the deploy inputs are run in bash.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.modules.codepipeline.common import (
    CONNECTION,
    REPO_URL,
    RUNNER,
    STATIC_BUCKET,
    base_vars,
)
from tests.tfharness import PlanResult, TerraformRoot, assert_plan_matches

HERE = Path(__file__).parent
STATE_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def pipeline_root(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/codepipeline").init()


@pytest.fixture(scope="module")
def full(pipeline_root: TerraformRoot) -> PlanResult:
    return pipeline_root.plan(
        base_vars(
            require_approval=True,
            file_path_filters=["app/**", "infra/**"],
            cloudfront_distribution_id="E1ABCDEF234567",
            tags={"team": "web"},
        )
    )


@pytest.fixture(scope="module")
def minimal(pipeline_root: TerraformRoot) -> PlanResult:
    return pipeline_root.plan(
        base_vars(
            connection_arn=None,
            create_connection=True,
            connection_provider_type="GitLab",
            repository_id="acme/web/shop",
            branch="release/2.0",
            migration_kms_key_arn=None,
            terraform_lock=False,
            terraform_state_kms_key_arn=STATE_KEY_ARN,
            terraform_root_path="deploy/terraform",
            managed_name_prefix="shop",
            managed_resource_tag={"key": "app", "value": "shop"},
        )
    )


def stage(plan: PlanResult, name: str) -> dict[str, Any]:
    stages = plan.one("aws_codepipeline")["stage"]
    return dict(next(s for s in stages if s["name"] == name))


def action_config(plan: PlanResult, stage_name: str) -> dict[str, Any]:
    return dict(stage(plan, stage_name)["action"][0]["configuration"])


def buildspec(plan: PlanResult, project: str) -> dict[str, Any]:
    spec = yaml.safe_load(plan.outputs["buildspecs"][project])
    assert isinstance(spec, dict)
    return spec


def commands(spec: dict[str, Any], phase: str) -> list[str]:
    return [str(c) for c in spec["phases"][phase]["commands"]]


def policy(plan: PlanResult, key: str) -> dict[str, Any]:
    return dict(json.loads(plan.values[f'aws_iam_policy.infra["{key}"]']["policy"]))


# --- the pipeline ---


def test_full_pipeline(full: PlanResult) -> None:
    assert_plan_matches(full, HERE / "expected_full.yaml")
    assert [s["name"] for s in full.one("aws_codepipeline")["stage"]] == [
        "Source",
        "Infrastructure",
        "Build",
        "Approval",
        "Migrate",
        "Deploy",
    ]


def test_build_passes_the_commit_and_migrate_and_deploy_use_its_artifact(full: PlanResult) -> None:
    env = json.loads(action_config(full, "Build")["EnvironmentVariables"])
    assert env == [{"name": "COMMIT_SHA", "value": "#{SourceVariables.CommitId}", "type": "PLAINTEXT"}]
    assert stage(full, "Build")["action"][0]["output_artifacts"] == ["build"]
    assert action_config(full, "Migrate") == {
        "StateMachineArn": RUNNER,
        "InputType": "FilePath",
        "Input": "runner-input.json",
        "ExecutionNamePrefix": "pipeline",
    }
    assert stage(full, "Migrate")["action"][0]["input_artifacts"] == ["build"]
    deploy = action_config(full, "Deploy")
    assert (deploy["FileName"], deploy["ClusterName"], deploy["ServiceName"]) == (
        "imagedefinitions.json",
        "shop-prod",
        "shop-prod-web",
    )
    assert stage(full, "Source")["action"][0]["configuration"]["ConnectionArn"] == CONNECTION


def test_tags_reach_every_taggable_resource(full: PlanResult) -> None:
    for addr, values in full.values.items():
        if "tags" in values and not addr.startswith("data."):
            assert values["tags"].get("team") == "web", f"{addr} lacks the tags input"


def test_created_connection_and_no_approval(minimal: PlanResult) -> None:
    connection = minimal.one("aws_codestarconnections_connection")
    assert (connection["name"], connection["provider_type"]) == ("shop-prod-source", "GitLab")
    assert "Approval" not in [s["name"] for s in minimal.one("aws_codepipeline")["stage"]]
    # (the Source configuration holds the new connection's ARN, known only after apply)
    assert stage(minimal, "Source")["action"][0]["provider"] == "CodeStarSourceConnection"
    trigger = minimal.one("aws_codepipeline")["trigger"][0]["git_configuration"][0]["push"][0]
    assert trigger["branches"][0]["includes"] == ["release/2.0"]
    assert trigger["file_paths"] == []


def test_infra_policies_fit_and_are_scoped(full: PlanResult, minimal: PlanResult) -> None:
    for key in ("compute", "app"):
        doc = policy(full, key)
        assert len(json.dumps(doc, separators=(",", ":"))) < 6144, f"{key} exceeds a managed policy's size"
        for st in doc["Statement"]:
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            if resources == ["*"]:
                continue  # each "*" statement says inline why AWS forces it
            for r in resources:
                allowed = (":key/*", ":certificate/*", "aws-service-role/*", ":secret:rds!*", CONNECTION)
                assert "shop-prod" in r or r.endswith(allowed), (st["Sid"], r)
    compute = {s["Sid"]: s for s in policy(minimal, "compute")["Statement"]}
    assert compute["CreateNetworkWithTheAppTag"]["Condition"] == {
        "StringEquals": {"aws:RequestTag/app": "shop"}
    }
    assert compute["ChangeOnlyTaggedNetwork"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/app": "shop"}
    }
    assert "arn:aws:ecs:us-east-1:123456789012:cluster/shop*" in compute["EcsByName"]["Resource"]
    app = {s["Sid"]: s for s in policy(full, "app")["Statement"]}
    lock = app["MigrationLockTableByName"]  # the migration-task module's lock table, nothing else
    assert lock["Resource"] == "arn:aws:dynamodb:us-east-1:123456789012:table/shop-prod-migration-lock"
    assert not any(a.endswith(("Item", ":*")) for a in lock["Action"])
    # other apps' database master passwords: never readable, changeable only for this app's databases
    assert "secretsmanager:GetSecretValue" not in json.dumps(app["RdsMasterSecretsOfTheAppDatabases"])
    tag = "secretsmanager:ResourceTag/aws:rds:primaryDBInstanceArn"
    assert app["RdsMasterSecretsOfTheAppDatabases"]["Condition"] == {
        "StringLike": {tag: "arn:aws:rds:us-east-1:123456789012:db:shop-prod*"}
    }


# --- buildspecs ---


def test_infra_buildspec_applies_the_stack_with_a_locked_remote_state(full: PlanResult) -> None:
    spec = buildspec(full, "infra")
    assert spec["version"] == 0.2
    assert set(spec["phases"]) == {"install", "pre_build", "build"}
    env = spec["env"]["variables"]
    assert (env["TF_STATE_BUCKET"], env["TF_STATE_KEY"], env["TF_ROOT"]) == (
        "acme-terraform-state",
        "shop/prod/terraform.tfstate",
        "infra",
    )
    assert env["TF_VERSION"] == "1.11.4"
    install = " ".join(commands(spec, "install"))
    assert "releases.hashicorp.com/terraform/${TF_VERSION}/terraform_${TF_VERSION}_linux_amd64.zip" in install
    assert "sha256sum -c" in install
    init = " ".join(commands(spec, "pre_build"))
    for option in ("bucket=$TF_STATE_BUCKET", "key=$TF_STATE_KEY", "use_lockfile=true", "encrypt=true"):
        assert f'-backend-config="{option}"' in init
    assert 'cd "$CODEBUILD_SRC_DIR/$TF_ROOT"' in init
    assert commands(spec, "build")[-2:] == [
        "terraform plan -input=false -lock-timeout=5m -out=tfplan",
        "terraform apply -input=false -lock-timeout=5m tfplan",
    ]


def test_infra_buildspec_without_lock_file_and_with_a_state_key(minimal: PlanResult) -> None:
    spec = buildspec(minimal, "infra")
    init = " ".join(commands(spec, "pre_build"))
    assert "use_lockfile" not in init
    assert f'-backend-config="kms_key_id={STATE_KEY_ARN}"' in init
    assert spec["env"]["variables"]["TF_ROOT"] == "deploy/terraform"


def test_build_buildspec_pushes_the_app_image_and_publishes_static_files(full: PlanResult) -> None:
    spec = buildspec(full, "build")
    assert set(spec["phases"]) == {"pre_build", "build", "post_build"}
    env = spec["env"]["variables"]
    assert env["ECR_REPOSITORY_URL"] == REPO_URL
    assert env["STATIC_BUCKET"] == STATIC_BUCKET and env["STATIC_PREFIX"] == "static/"
    assert env["MIGRATION_STATE_MACHINE_ARN"] == RUNNER
    assert spec["env"]["exported-variables"] == ["IMAGE_URI"]
    pre = commands(spec, "pre_build")
    assert 'export IMAGE_URI="$ECR_REPOSITORY_URL:$COMMIT_SHA"' in pre
    assert any("docker login" in c and "${ECR_REPOSITORY_URL%%/*}" in c for c in pre)
    build = commands(spec, "build")
    assert 'docker build --pull --tag "$IMAGE_URI" --file "Dockerfile" "."' in build
    assert any("'manage.py' 'collectstatic' '--noinput'" in c for c in build)
    assert build[-1] == 'docker push "$IMAGE_URI"'
    post = commands(spec, "post_build")
    assert '"$CODEBUILD_BUILD_SUCCEEDING" = "1"' in post[1]  # nothing is published after a failed build
    assert 'aws s3 sync static-out/ "s3://$STATIC_BUCKET/$STATIC_PREFIX" --only-show-errors' in post
    assert any('create-invalidation --distribution-id "$CLOUDFRONT_DISTRIBUTION_ID"' in c for c in post)
    assert env["CLOUDFRONT_DISTRIBUTION_ID"] == "E1ABCDEF234567"
    assert spec["artifacts"]["files"] == ["imagedefinitions.json", "runner-input.json"]


def test_build_buildspec_without_a_distribution_invalidates_nothing(minimal: PlanResult) -> None:
    assert not any("cloudfront" in c for c in commands(buildspec(minimal, "build"), "post_build"))


def test_build_writes_the_deploy_and_runner_inputs(full: PlanResult, tmp_path: Path) -> None:
    """Run the buildspec's own printf lines: the files are what the ECS deploy action and
    the migration runner take."""
    spec = buildspec(full, "build")
    writers = [c for c in commands(spec, "post_build") if c.startswith("printf")]
    assert len(writers) == 2
    image = f"{REPO_URL}:0123456789abcdef0123456789abcdef01234567"
    env = {**spec["env"]["variables"], "IMAGE_URI": image, "PATH": "/usr/bin:/bin"}
    subprocess.run(["bash", "-euc", "\n".join(writers)], cwd=tmp_path, env=env, check=True)
    assert json.loads((tmp_path / "imagedefinitions.json").read_text()) == [
        {"name": "web", "imageUri": image}
    ]
    runner_input = json.loads((tmp_path / "runner-input.json").read_text())
    assert runner_input == {"image": image}
    assert runner_input["image"].startswith(f"{REPO_URL}:")  # what the runner's ValidateInput admits


# --- bad input ---


def diagnostics(error: str) -> str:
    return " ".join(error.replace("\\n", "\n").split())


def test_bad_inputs_are_rejected_with_clear_messages(pipeline_root: TerraformRoot) -> None:
    error = diagnostics(
        pipeline_root.plan_error(
            base_vars(
                connection_arn=None,
                branch="main..dev",
                repository_id="https://github.com/acme/shop",
                codebuild_compute_type="BUILD_GENERAL1_HUGE",
                terraform_state_key="/shop/prod.tfstate",
                terraform_root_path="../elsewhere",
                file_path_filters=[f"dir{i}/**" for i in range(9)],
                cloudfront_distribution_id="e1abc",
                migration_state_machine_arn="shop-prod-migrate",
                name="Shop",
            )
        )
    )
    for message in (
        "connection_arn is required: pass the ARN of an existing CodeConnections connection",
        "branch must be a valid git branch name",
        'repository_id must be "owner/repo"',
        "codebuild_compute_type must be one of",
        "terraform_state_key must be an S3 key",
        "terraform_root_path must be a relative folder inside the repository",
        "file_path_filters may hold at most 8",
        "cloudfront_distribution_id must be null or a distribution ID",
        "migration_state_machine_arn must be a Step Functions state machine ARN",
        "name must be 2-32 characters",
    ):
        assert message in error, f"{message!r} missing from: {error[-3000:]}"


def test_more_bad_git_names_and_a_doubled_connection(pipeline_root: TerraformRoot) -> None:
    error = diagnostics(
        pipeline_root.plan_error(
            base_vars(create_connection=True, branch="feature/.hidden", repository_id="acme/shop.git")
        )
    )
    assert "Set either connection_arn or create_connection = true, not both." in error
    assert "branch must be a valid git branch name" in error
    assert 'repository_id must be "owner/repo"' in error
