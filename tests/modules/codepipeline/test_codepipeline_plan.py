"""Plan tests of modules/codepipeline beyond its plan cases (cases.yaml: the full pipeline's
stages, trigger and artifact store, keeping a created connection, bad input): the actions'
configuration, the created connection, the buildspecs and the deploy role.

Two plans serve most tests here (the full one of cases.yaml and a minimal one). The
buildspecs are read from the planned `buildspecs` output, parsed as YAML, and the lines that
write the deploy inputs are run in bash.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.modules.codepipeline.common import (
    CASES,
    CONNECTION,
    REPO_URL,
    RUNNER,
    STATIC_BUCKET,
    base_vars,
)
from tests.support import PlanResult, TerraformRoot
from tests.support.moves import assert_moved_in_place, kms_key_and_alias, moved_plan

STATE_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/99999999-2222-3333-4444-555555555555"


@pytest.fixture(scope="module")
def pipeline_root(make_root) -> TerraformRoot:  # type: ignore[no-untyped-def]
    return make_root("modules/codepipeline").init()


@pytest.fixture(scope="module")
def full(pipeline_root: TerraformRoot) -> PlanResult:
    """The plan of cases.yaml's full_pipeline: approval, file path filters, CloudFront, tags."""
    return pipeline_root.plan(CASES.variables("full_pipeline"))


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
            project_path="services/shop",
            zonke_wheel_url="https://example.com/forks/zonke_tf-0.1.0-py3-none-any.whl",
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
    assert stage(full, "Deploy")["action"][0]["input_artifacts"] == ["build"]
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


# The Infrastructure role's policies: test_iam_terraform.py.


# --- buildspecs ---


FAKE_TOOL = """#!/bin/bash
echo "$(basename "$0") $* (in $PWD)" >> "$CALLS"
if [ "$(basename "$0")" = terraform ] && [ "$1" = version ]; then
  echo "Terraform v1.11.4"
fi
"""


def run_infra(spec: dict[str, Any], tmp_path: Path) -> list[str]:
    """The infra buildspec's own commands (install, then build) in bash, with fake
    terraform, python3 (pip) and zonke on PATH that record their calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("terraform", "python3", "zonke", "curl"):
        (bin_dir / tool).write_text(FAKE_TOOL)
        (bin_dir / tool).chmod(0o755)
    src = tmp_path / "src"
    project = src / spec["env"]["variables"]["ZONKE_PROJECT"]
    project.mkdir(parents=True)
    (project / "zonke.toml").write_text('[app]\nname = "shop"\n')
    calls = tmp_path / "calls"
    env = {
        **spec["env"]["variables"],
        "CODEBUILD_SRC_DIR": str(src),
        "CALLS": str(calls),
        "PATH": f"{bin_dir}:/usr/bin:/bin",
    }
    script = "\n".join([*commands(spec, "install"), *commands(spec, "build")])
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return calls.read_text().splitlines()


def test_infra_stage_runs_zonke_apply_with_the_recorded_release(full: PlanResult, tmp_path: Path) -> None:
    """One source of truth: the stage installs the zonke-tf the stack records and runs
    `zonke apply` on the repository's zonke.toml (no Terraform files in the repository,
    no terraform init/plan of its own)."""
    spec = buildspec(full, "infra")
    env = spec["env"]["variables"]
    assert (env["ZONKE_PACKAGE"], env["ZONKE_PROJECT"], env["ZONKE_ENV"], env["TF_VERSION"]) == (
        "zonke-tf==0.1.0",
        ".",
        "prod",
        "1.11.4",
    )
    text = yaml.safe_dump(spec)
    assert "terraform init" not in text and "terraform apply" not in text and "-backend-config" not in text
    calls = run_infra(spec, tmp_path)
    assert not any(c.startswith("curl") for c in calls)  # Terraform 1.11.4 on PATH is used as is
    assert any(c.startswith("python3 -m pip install --quiet zonke-tf==0.1.0") for c in calls)
    [apply] = [c for c in calls if c.startswith("zonke apply")]
    assert apply == f"zonke apply --yes --env prod (in {tmp_path / 'src'})"
    assert "--allow-data-loss" not in text  # the pipeline never accepts data loss


def test_infra_stage_of_a_fork_installs_its_wheel_in_the_project_folder(
    minimal: PlanResult, tmp_path: Path
) -> None:
    spec = buildspec(minimal, "infra")
    assert spec["env"]["variables"]["ZONKE_PACKAGE"] == (
        "https://example.com/forks/zonke_tf-0.1.0-py3-none-any.whl"
    )
    calls = run_infra(spec, tmp_path)
    wheel = "https://example.com/forks/zonke_tf-0.1.0-py3-none-any.whl"
    assert any(f"pip install --quiet {wheel}" in c for c in calls)
    assert f"zonke apply --yes --env prod (in {tmp_path / 'src' / 'services' / 'shop'})" in calls


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
    assert any('docker build --pull --tag "$IMAGE_URI" --file "Dockerfile" "."' in c for c in build)
    assert any("'manage.py' 'collectstatic' '--noinput'" in c for c in build)
    assert build[-1] == 'if [ "$IMAGE_EXISTS" = 0 ]; then docker push "$IMAGE_URI"; fi'
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


FAKE_AWS = """#!/bin/bash
echo "aws $*" >> "$CALLS"
case "$ECR_STATE" in
  present) echo "sha256:abc" ;;
  absent) echo "An error occurred (ImageNotFoundException) when calling DescribeImages" >&2; exit 254 ;;
  *) echo "An error occurred (AccessDeniedException) when calling DescribeImages" >&2; exit 254 ;;
esac
"""
FAKE_DOCKER = """#!/bin/bash
echo "docker $*" >> "$CALLS"
"""


def run_build_phase(spec: dict[str, Any], tmp_path: Path, ecr_state: str) -> tuple[int, list[str]]:
    """The buildspec's own build-phase lines in one bash (as CodeBuild runs them), with a
    fake `aws` and `docker` on PATH that record their calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("docker", FAKE_DOCKER)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    calls = tmp_path / f"calls-{ecr_state}"
    sha = "0123456789abcdef0123456789abcdef01234567"
    env = {
        **spec["env"]["variables"],
        "COMMIT_SHA": sha,
        "IMAGE_URI": f"{REPO_URL}:{sha}",
        "CALLS": str(calls),
        "ECR_STATE": ecr_state,
        "PATH": f"{bin_dir}:/usr/bin:/bin",
    }
    done = subprocess.run(
        ["bash", "-c", "\n".join(commands(spec, "build"))],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    lines = calls.read_text().splitlines() if calls.exists() else []
    return done.returncode, lines


def test_a_retry_of_the_same_commit_reuses_its_image(full: PlanResult, tmp_path: Path) -> None:
    """The ECR repository is IMMUTABLE: pushing the commit's tag a second time (a retried
    build, or "Release change") fails, so a build that finds the tag pulls it instead."""
    spec = buildspec(full, "build")
    rc, first = run_build_phase(spec, tmp_path, "absent")
    assert rc == 0, first
    assert [c.split()[1] for c in first if c.startswith("docker")] == [
        "build",
        "create",
        "start",
        "cp",
        "rm",
        "push",
    ]
    assert first[0] == (
        "aws ecr describe-images --repository-name zonke/shop-prod --image-ids "
        "imageTag=0123456789abcdef0123456789abcdef01234567 --query imageDetails[0].imageDigest --output text"
    )
    rc, again = run_build_phase(spec, tmp_path, "present")
    assert rc == 0, again
    docker = [c.split()[1] for c in again if c.startswith("docker")]
    assert docker == ["pull", "create", "start", "cp", "rm"]  # static files still collected; no push
    rc, denied = run_build_phase(spec, tmp_path, "denied")
    assert rc != 0 and not any(c.startswith("docker") for c in denied)  # other errors fail the build


# --- the Deploy step: Terraform owns every task-definition field but the image ---

FAKE_ECS = r"""#!/bin/bash
# A fake aws CLI for the deploy buildspec: the service family's latest revision is
# $STATE/fixture-base.json; calls are recorded; register-task-definition keeps its input.
echo "aws $*" >> "$STATE/calls"
case "$1 $2" in
  "ecs describe-task-definition") cat "$STATE/fixture-base.json" ;;
  "ecs register-task-definition")
    for a in "$@"; do
      case "$a" in file://*) f="${a#file://}"; cp "$f" "$STATE/registered-$(basename "$f")" ;; esac
    done
    echo "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:8" ;;
  "ecs describe-services")
    if [[ " $* " == *" --query "* ]]; then echo "$DESIRED"; else cat "$STATE/fixture-services.json"; fi ;;
  "ecs update-service") echo '{}' ;;
  "application-autoscaling describe-scalable-targets") cat "$STATE/fixture-target.json" ;;
  "ecs list-tags-for-resource") cat "$STATE/fixture-tags.json" ;;
  "application-autoscaling register-scalable-target") echo '{"ScalableTargetARN": "arn:target"}' ;;
  "ecs wait") exit 0 ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
"""

BASE_REVISION = {
    "taskDefinition": {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:7",
        "family": "shop-prod-web",
        "revision": 7,
        "status": "ACTIVE",
        "registeredAt": "2026-12-01T10:00:00Z",
        "registeredBy": "arn:aws:sts::123456789012:assumed-role/infra/x",
        "requiresAttributes": [{"name": "ecs.capability.secrets.asm.environment-variables"}],
        "compatibilities": ["EC2", "FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": "arn:aws:iam::123456789012:role/shop-prod-exec-20260101",
        "containerDefinitions": [
            {
                "name": "web",
                "image": f"{REPO_URL}:bootstrap",
                "command": ["gunicorn", "mysite.wsgi"],
                "environment": [{"name": "DJANGO_ALLOWED_HOSTS", "value": "shop.example.com"}],
                "secrets": [{"name": "STRIPE_KEY", "valueFrom": "arn:aws:secretsmanager:x:STRIPE_KEY::"}],
            }
        ],
    },
    "tags": [{"key": "team", "value": "web"}],
}


def run_deploy(
    spec: dict[str, Any],
    tmp_path: Path,
    *,
    primary: str,
    rollout: str = "COMPLETED",
    desired: int = 2,
    base: dict[str, Any] = BASE_REVISION,
    bounds: tuple[int, int] = (1, 4),
    bounds_tags: dict[str, str] = {"zonke:min-count": "1", "zonke:max-count": "4"},  # noqa: B006
    action_variables: dict[str, str] | None = None,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the deploy buildspec's build phase against the fake aws CLI. ``action_variables``
    are the pipeline action's, which CodeBuild puts over the buildspec's."""
    state = tmp_path / (
        f"deploy-{primary.rsplit(':', 1)[-1]}-{rollout}-{desired}-{len(base['tags'])}"
        f"-{bounds[0]}-{bounds[1]}-{len(bounds_tags)}"
    )
    (state / "bin").mkdir(parents=True)
    (state / "bin" / "aws").write_text(FAKE_ECS)
    (state / "bin" / "aws").chmod(0o755)
    (state / "fixture-base.json").write_text(json.dumps(base))
    target = {"ScalableTargetARN": TARGET_ARN, "MinCapacity": bounds[0], "MaxCapacity": bounds[1]}
    (state / "fixture-target.json").write_text(json.dumps({"ScalableTargets": [target]}))
    tags = {"zonke:module": "ecs-service", **bounds_tags}
    listed = {"tags": [{"key": k, "value": v} for k, v in tags.items()]}
    (state / "fixture-tags.json").write_text(json.dumps(listed))
    services = {
        "services": [
            {
                "serviceArn": SERVICE_ARN,
                "desiredCount": desired,
                "deployments": [
                    {
                        "status": "PRIMARY",
                        "taskDefinition": primary,
                        "rolloutState": rollout,
                        "rolloutStateReason": "tasks failed to start" if rollout == "FAILED" else "done",
                    },
                ],
            }
        ]
    }
    (state / "fixture-services.json").write_text(json.dumps(services))
    image = f"{REPO_URL}:0123456789abcdef0123456789abcdef01234567"
    env = {
        **spec["env"]["variables"],
        **(action_variables or {}),
        "IMAGE_URI": image,
        "STATE": str(state),
        "DESIRED": str(desired),
        "PATH": f"{state / 'bin'}:/usr/bin:/bin",
    }
    done = subprocess.run(
        ["bash", "-c", "\n".join(commands(spec, "build"))],
        cwd=state,
        env=env,
        capture_output=True,
        text=True,
    )
    return done, state


NEW_REVISION = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:8"
TARGET_ARN = "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0ec5e0a1b2c3"
SERVICE_ARN = "arn:aws:ecs:us-east-1:123456789012:service/shop-prod/shop-prod-web"
REGISTER = (
    "aws application-autoscaling register-scalable-target --service-namespace ecs --resource-id "
    "service/shop-prod/shop-prod-web --scalable-dimension ecs:service:DesiredCount"
)


def test_deploy_registers_terraforms_latest_revision_with_only_the_image_changed(
    full: PlanResult, tmp_path: Path
) -> None:
    spec = buildspec(full, "deploy")
    env = spec["env"]["variables"]
    assert (env["CLUSTER_NAME"], env["SERVICE_NAME"], env["CONTAINER_NAME"]) == (
        "shop-prod",
        "shop-prod-web",
        "web",
    )
    assert env["TASK_FAMILY"] == "shop-prod-web" and env["DEPLOY_TIMEOUT_SECONDS"] == "1800"
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION)
    assert done.returncode == 0, done.stderr
    registered = json.loads((state / "registered-register.json").read_text())
    base = BASE_REVISION["taskDefinition"]
    assert isinstance(base, dict)
    # every Terraform-owned field as Terraform registered it; the image is the build's
    container = registered["containerDefinitions"][0]
    assert container["image"].endswith(":0123456789abcdef0123456789abcdef01234567")
    assert {k: v for k, v in container.items() if k != "image"} == {
        k: v for k, v in base["containerDefinitions"][0].items() if k != "image"
    }
    assert (registered["cpu"], registered["memory"], registered["executionRoleArn"]) == (
        "512",
        "1024",
        base["executionRoleArn"],
    )
    for read_only in ("taskDefinitionArn", "revision", "status", "registeredAt", "requiresAttributes"):
        assert read_only not in registered
    tags = json.loads((state / "registered-tags.json").read_text())
    assert {"key": "team", "value": "web"} in tags and {
        "key": "zonke:image",
        "value": container["image"],
    } in tags
    calls = (state / "calls").read_text().splitlines()
    assert (
        calls[0]
        == "aws ecs describe-task-definition --task-definition shop-prod-web --include TAGS --output json"
    )
    assert (
        f"aws ecs update-service --cluster shop-prod --service shop-prod-web --task-definition {NEW_REVISION}"
        in calls
    )
    assert "aws ecs wait services-stable --cluster shop-prod --services shop-prod-web" in calls


def test_deploy_fails_when_the_circuit_breaker_rolled_back(full: PlanResult, tmp_path: Path) -> None:
    spec = buildspec(full, "deploy")
    old = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:7"
    done, _ = run_deploy(spec, tmp_path, primary=old)
    assert done.returncode != 0
    assert "did not complete" in done.stderr and "circuit breaker" in done.stderr
    done, _ = run_deploy(spec, tmp_path, primary=NEW_REVISION, rollout="FAILED")
    assert done.returncode != 0 and "tasks failed to start" in done.stderr


def test_first_deploy_starts_the_minimum_then_gives_the_target_the_configured_bounds(
    full: PlanResult, tmp_path: Path
) -> None:
    """A fresh stack waits with no tasks and its target held at 0..0; the configured bounds
    are on the target's tags. The first deploy leaves exactly what the next Terraform apply
    (app_image_exists now true) plans: min tasks, the target at min..max."""
    spec = buildspec(full, "deploy")
    tags = {"zonke:min-count": "3", "zonke:max-count": "7"}
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, desired=0, bounds=(0, 0), bounds_tags=tags)
    assert done.returncode == 0, done.stderr
    assert "First image: starting 3 task(s), autoscaling 3..7" in done.stdout
    calls = (state / "calls").read_text().splitlines()
    assert f"aws ecs list-tags-for-resource --resource-arn {SERVICE_ARN} --output json" in calls
    update = "aws ecs update-service --cluster shop-prod --service shop-prod-web"
    start = calls.index(f"{update} --task-definition {NEW_REVISION} --desired-count 3")
    # the bounds only once the service is on the new revision: a minimum registered above the
    # current count raises it at once, which must not start tasks of the bootstrap revision
    assert calls.index(f"{REGISTER} --min-capacity 3 --max-capacity 7") > start


@pytest.mark.parametrize(
    "tags",
    [
        {},
        {"zonke:min-count": "3"},
        {"zonke:min-count": "5", "zonke:max-count": "2"},
        {"zonke:min-count": "0", "zonke:max-count": "2"},
    ],
)
def test_first_deploy_without_the_configured_bounds_changes_nothing(
    full: PlanResult, tmp_path: Path, tags: dict[str, str]
) -> None:
    spec = buildspec(full, "deploy")
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, desired=0, bounds=(0, 0), bounds_tags=tags)
    assert done.returncode != 0 and "are not the configured bounds" in done.stderr
    calls = (state / "calls").read_text()
    assert "update-service" not in calls and "register-scalable-target" not in calls


def test_a_failed_first_deploy_puts_the_service_back_to_waiting(full: PlanResult, tmp_path: Path) -> None:
    spec = buildspec(full, "deploy")
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, rollout="FAILED", desired=0, bounds=(0, 0))
    assert done.returncode != 0 and "tasks failed to start" in done.stderr
    assert "waits for its first image again" in done.stderr
    calls = (state / "calls").read_text().splitlines()
    back = calls.index(f"{REGISTER} --min-capacity 0 --max-capacity 0")
    assert calls.index(f"{REGISTER} --min-capacity 1 --max-capacity 4") < back
    assert (
        calls[back + 1]
        == "aws ecs update-service --cluster shop-prod --service shop-prod-web --desired-count 0"
    )


def test_later_deploys_leave_the_count_and_the_bounds_to_their_owners(
    full: PlanResult, tmp_path: Path
) -> None:
    spec = buildspec(full, "deploy")
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, rollout="FAILED")
    assert done.returncode != 0
    calls = (state / "calls").read_text()
    assert "--desired-count" not in calls and "register-scalable-target" not in calls
    assert "list-tags-for-resource" not in calls


def test_a_service_left_at_0_by_hand_gets_the_targets_minimum(full: PlanResult, tmp_path: Path) -> None:
    spec = buildspec(full, "deploy")
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, desired=0, bounds=(2, 4))
    assert done.returncode == 0, done.stderr
    calls = (state / "calls").read_text()
    assert f"--task-definition {NEW_REVISION} --desired-count 2" in calls
    assert "register-scalable-target" not in calls


def test_deploy_stage_is_the_codebuild_step_with_the_built_image(full: PlanResult) -> None:
    action = stage(full, "Deploy")["action"][0]
    assert (action["provider"], action["category"]) == ("CodeBuild", "Build")
    assert action_config(full, "Deploy")["ProjectName"] == "shop-prod-deploy"
    assert json.loads(action_config(full, "Deploy")["EnvironmentVariables"]) == [
        {"name": "IMAGE_URI", "value": "#{BuildVariables.IMAGE_URI}", "type": "PLAINTEXT"}
    ]
    deploy = json.loads(full.values["aws_iam_role_policy.deploy"]["policy"])
    sids = {s["Sid"]: s for s in deploy["Statement"]}
    assert (
        sids["DeployTheService"]["Resource"]
        == "arn:aws:ecs:us-east-1:123456789012:service/shop-prod/shop-prod-web"
    )
    assert sids["TagTheServiceRevisionOnRegister"]["Resource"] == (
        "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:*"
    )
    # the pipeline's own role no longer touches ECS
    # (its policy is known only after apply: read the actions from the configuration)
    resources = full.raw["configuration"]["root_module"]["resources"]
    [doc] = [r for r in resources if r["address"] == "data.aws_iam_policy_document.pipeline"]
    actions = json.dumps([st.get("actions") for st in doc["expressions"]["statement"]])
    assert "codebuild:StartBuild" in actions and "ecs:" not in actions


WORKERS = {
    "celery": {
        "service_name": "shop-prod-worker_celery",
        "task_definition_family": "shop-prod-worker_celery",
        "container_name": "worker",
    },
}


def test_each_worker_is_deployed_beside_the_service_by_the_same_step(
    pipeline_root: TerraformRoot, tmp_path: Path
) -> None:
    """worker_services: one more Deploy action per worker, on the deploy project, naming its
    service through the action's variables (which CodeBuild puts over the buildspec's); the
    deploy role may move exactly these services and tag exactly these families."""
    plan = pipeline_root.plan(base_vars(worker_services=WORKERS))
    actions = {a["name"]: a for a in stage(plan, "Deploy")["action"]}
    assert sorted(actions) == ["DeployService", "DeployWorker-celery"]
    worker = actions["DeployWorker-celery"]["configuration"]
    assert worker["ProjectName"] == "shop-prod-deploy"
    variables = {v["name"]: v["value"] for v in json.loads(worker["EnvironmentVariables"])}
    assert variables == {
        "IMAGE_URI": "#{BuildVariables.IMAGE_URI}",
        "SERVICE_NAME": "shop-prod-worker_celery",
        "TASK_FAMILY": "shop-prod-worker_celery",
        "CONTAINER_NAME": "worker",
    }
    sids = {s["Sid"]: s for s in json.loads(plan.values["aws_iam_role_policy.deploy"]["policy"])["Statement"]}
    ecs = "arn:aws:ecs:us-east-1:123456789012"
    assert sorted(sids["DeployTheService"]["Resource"]) == [
        f"{ecs}:service/shop-prod/shop-prod-web",
        f"{ecs}:service/shop-prod/shop-prod-worker_celery",
    ]
    assert sorted(sids["TagTheServiceRevisionOnRegister"]["Resource"]) == [
        f"{ecs}:task-definition/shop-prod-web:*",
        f"{ecs}:task-definition/shop-prod-worker_celery:*",
    ]

    # the same buildspec with the worker's action variables deploys the worker
    base = json.loads(json.dumps(BASE_REVISION))
    base["taskDefinition"]["family"] = "shop-prod-worker_celery"
    base["taskDefinition"]["containerDefinitions"][0]["name"] = "worker"
    overrides = {k: v for k, v in variables.items() if k != "IMAGE_URI"}
    done, state = run_deploy(
        buildspec(plan, "deploy"), tmp_path, primary=NEW_REVISION, base=base, action_variables=overrides
    )
    assert done.returncode == 0, done.stderr
    calls = (state / "calls").read_text().splitlines()
    assert calls[0].startswith("aws ecs describe-task-definition --task-definition shop-prod-worker_celery ")
    assert any(
        c.startswith("aws ecs update-service --cluster shop-prod --service shop-prod-worker_celery ")
        for c in calls
    )
    assert not any("--service shop-prod-web " in c or "--services shop-prod-web" in c for c in calls)
    [container] = json.loads((state / "registered-register.json").read_text())["containerDefinitions"]
    assert container["name"] == "worker" and container["image"].endswith(
        ":0123456789abcdef0123456789abcdef01234567"
    )


def test_deploy_over_a_rollback_says_so_and_drops_its_marks(full: PlanResult, tmp_path: Path) -> None:
    """After `zonke rollback` (a revision tagged zonke:rollback-of), the next push replaces the
    rollback: the step says so, and the new revision is not marked as a rollback."""
    spec = buildspec(full, "deploy")
    rolled_back = {
        **BASE_REVISION,
        "tags": [
            {"key": "team", "value": "web"},
            {"key": "zonke:rollback-of", "value": "5"},
            {"key": "zonke:started-by", "value": "arn:aws:sts::123456789012:assumed-role/dev/ana"},
        ],
    }
    done, state = run_deploy(spec, tmp_path, primary=NEW_REVISION, base=rolled_back)
    assert done.returncode == 0, done.stderr
    assert "runs a rollback to revision 5 (zonke rollback): this deploy replaces it" in done.stdout
    keys = {t["key"] for t in json.loads((state / "registered-tags.json").read_text())}
    assert keys == {"team", "zonke:image"}


def test_an_existing_key_moves_into_the_building_block(pipeline_root: TerraformRoot) -> None:
    """A pipeline made before modules/_internal/logs-key keeps its key (artifacts, build logs) and alias."""
    old = kms_key_and_alias("aws_kms_key.this", "aws_kms_alias.this", "alias/zonke/shop-prod/pipeline")
    plan = moved_plan(pipeline_root, base_vars(), old)
    assert_moved_in_place(
        plan,
        {
            "module.key.aws_kms_key.this": "aws_kms_key.this",
            "module.key.aws_kms_alias.this": "aws_kms_alias.this",
        },
    )
