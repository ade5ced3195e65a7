"""The example stack's own pipeline, run on this machine: `ZONKE_LOCAL_IAM=1 zonke deploy --local`
then `zonke pipeline run --local --wait`, every stage with the credentials of its own role
(assumed through its trust policy in an emulator that enforces IAM).

The project is a git repository holding the example's zonke.toml and sample app, as a
user's repository would. What the run executes comes from the deployed stack (the
pipeline, its CodeBuild projects, the migration runner), so these tests follow the stack's
stages as they change.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT, TerraformEnv
from tests.support.keys import public_key_pem
from tests.support.wrapper import zonke_env
from zonke_emulator.iam import Credentials, client
from zonke_tf import localpipeline
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.xdist_group("pipeline-local")]

EXAMPLE = REPO_ROOT / "examples" / "django-monolith"


@dataclass
class Project:
    path: Path
    env: dict[str, str]
    url: str
    admin: Credentials
    outputs: dict[str, Any]

    def zonke(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "zonke_tf", *args],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=3000,
            check=False,
        )

    def commit_empty(self, message: str) -> str:
        subprocess.run(
            [
                "git",
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.invalid",
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                message,
            ],
            cwd=self.path,
            check=True,
        )
        return self.commit_id()

    def commit_id(self) -> str:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=self.path, capture_output=True, text=True, check=True
        ).stdout.strip()

    def client(self, service: str) -> Any:
        return client(self.url, self.admin, service)

    def commit(self, message: str) -> str:
        for cmd in (
            ["git", "add", "-A"],
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", message],
        ):
            subprocess.run(cmd, cwd=self.path, check=True)
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=self.path, capture_output=True, text=True, check=True
        ).stdout.strip()

    def run_pipeline(self) -> dict[str, Any]:
        proc = self.zonke("pipeline", "run", "--local", "--wait", "--json")
        return dict(json.loads(proc.stdout))

    def run_stages(self, skip: set[str]) -> dict[str, Any]:
        """The Python API's local run, without the stages in ``skip``."""
        return localpipeline.run_local(
            self.path,
            self.url,
            self.admin,
            self.outputs["pipeline_name"],
            iam_enforced=True,
            skip_stages=frozenset(skip),
        )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, tf_env: TerraformEnv) -> Iterator[Project]:
    path = tmp_path_factory.mktemp("shop-repo")
    # A user's layout: zonke.toml at the repository's root (the pipeline's Infrastructure
    # stage runs `zonke apply` there), the Django app in the folder [django] names; bounds
    # other than the defaults, so that the first deploy shows where it read them.
    config = (EXAMPLE / "zonke.toml").read_text()
    assert "\nmin = 1\nmax = 4\n" in config
    config = config.replace("\nmin = 1\nmax = 4\n", "\nmin = 2\nmax = 5\n", 1)
    # and a worker, which the Deploy stage moves to each image beside the web service (ECS
    # tasks do not run in the emulator: the command is not started here)
    config += (
        '\n[[workers]]\nname = "celery"\ncommand = "celery -A mysite worker --loglevel INFO"\n'
        "min = 1\nmax = 3\n"
        # and a nightly job, which the Infrastructure role enables once the first image exists
        '\n[[schedules]]\nname = "nightly"\ncommand = "python manage.py clearsessions"\n'
        'cron = "0 3 * * ? *"\n'
    )
    (path / "zonke.toml").write_text(
        config.replace('project_path = "examples/django-monolith"\n', 'project_path = "."\n', 1)
    )
    shutil.copytree(
        EXAMPLE / "app",
        path / "examples" / "django-monolith" / "app",
        ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"),
    )
    (path / ".gitignore").write_text(".zonke/\n")
    env = {**zonke_env(tf_env, sources=None), "ZONKE_LOCAL_IAM": "1"}
    emulator = LocalEmulator(path)
    try:
        proj = Project(path, env, "", Credentials("", ""), {})
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=path, check=True)
        proj.commit("first")
        deployed = proj.zonke("deploy", "--local")
        assert deployed.returncode == 0, deployed.stderr[-4000:]
        assert emulator.iam_enforced()
        proj.url = emulator.running_url() or ""
        proj.admin = emulator.credentials()
        proj.outputs = json.loads(proj.zonke("output", "--local", "--json").stdout)["outputs"]
        yield proj
    finally:
        emulator.stop()


def _roles_of_the_stack(proj: Project) -> dict[str, str]:
    """Stage name -> the role its (first) action runs as, read from the emulator."""
    pipeline = proj.client("codepipeline").get_pipeline(name=proj.outputs["pipeline_name"])["pipeline"]
    roles = {}
    for stage in pipeline["stages"]:
        action = stage["actions"][0]
        provider = action["actionTypeId"]["provider"]
        config = action.get("configuration", {})
        if provider == "CodeBuild":
            project = proj.client("codebuild").batch_get_projects(names=[config["ProjectName"]])["projects"][
                0
            ]
            roles[stage["name"]] = project["serviceRole"]
        elif provider == "StepFunctions":
            sm = proj.client("stepfunctions").describe_state_machine(
                stateMachineArn=config["StateMachineArn"]
            )
            roles[stage["name"]] = sm["roleArn"]
        else:
            roles[stage["name"]] = pipeline["roleArn"]
    return roles


def test_each_stage_runs_as_the_role_the_stack_gives_it(project: Project) -> None:
    # a fresh stack: no image yet, so no tasks and nothing that could start one
    assert _service_and_bounds(project) == (0, (0, 0))
    result = project.run_pipeline()
    assert result["local"] is True and result["iam_enforced"] is True
    roles = _roles_of_the_stack(project)
    ran = result["stages"]
    stages = list(dict.fromkeys(s["stage"] for s in ran))  # a stage may run more than one action
    assert stages == list(roles)[: len(stages)], "stages run in the stack's order"
    assert len(ran) >= 2, result
    for stage in ran:
        assert stage["role_arn"] == roles[stage["stage"]], stage
        assert stage["seconds"] >= 0
    source = ran[0]
    assert source["stage"] == "Source" and source["status"] == "Succeeded"
    assert any("git archive HEAD" in n for n in source["notes"])
    # Every stage ran and succeeded: the Infrastructure stage's `zonke apply` (as the
    # Infrastructure role, against the state `zonke deploy --local` keeps in the emulator's S3)
    # planned no change, Build pushed, Migrate ran the runner, Deploy moved the service.
    assert result["status"] == "Succeeded", json.dumps(result, indent=2)[-6000:]
    assert list(dict.fromkeys(s["stage"] for s in ran)) == list(roles), "no stage skipped"
    deploy = [s["action"] for s in ran if s["stage"] == "Deploy"]
    assert deploy == ["DeployService", "DeployWorker-celery"], deploy
    infra = ran[1]
    assert infra["stage"] == "Infrastructure", infra
    applied = [n for n in infra["notes"] if n.startswith("Apply complete")]
    assert len(applied) == 1 and "0 added, 0 changed, 0 destroyed" in applied[0], infra["notes"]
    # the first deploy started the configured minimum and gave the target the configured
    # bounds (zonke.toml's, from the service's tags) ...
    assert _service_and_bounds(project) == (2, (2, 5))
    assert _worker_and_bounds(project) == (1, (1, 3)), "the worker's first deploy read its own bounds"
    # ... which is what the next plan, now seeing the built image, wants too: no change
    plan = project.zonke("plan", "--local", "--json")
    assert plan.returncode == 0, plan.stderr[-3000:]
    changed = {c["address"] for c in json.loads(plan.stdout)["resources"]}
    assert not any("appautoscaling" in a or "aws_ecs_service" in a for a in changed), changed


def _image_and_statics(project: Project, commit: str) -> tuple[list[str], list[str], str]:
    repo = project.outputs["ecr_repository_url"].split("/", 1)[1]
    tags = [i.get("imageTag", "") for i in project.client("ecr").list_images(repositoryName=repo)["imageIds"]]
    keys = [
        o["Key"]
        for o in project.client("s3")
        .list_objects_v2(Bucket=project.outputs["static_bucket_name"], Prefix="static/")
        .get("Contents", [])
    ]
    ecs = project.client("ecs")
    svc = ecs.describe_services(
        cluster=project.outputs["cluster_name"], services=[project.outputs["service_name"]]
    )["services"][0]
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    image = next(
        c["image"] for c in td["containerDefinitions"] if c["name"] == project.outputs["container_name"]
    )
    return tags, keys, image


def _service_and_bounds(project: Project) -> tuple[int, tuple[int, int]]:
    svc = project.client("ecs").describe_services(
        cluster=project.outputs["cluster_name"], services=[project.outputs["service_name"]]
    )["services"][0]
    target = project.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs", ResourceIds=[project.outputs["autoscaling_resource_id"]]
    )["ScalableTargets"][0]
    return svc["desiredCount"], (target["MinCapacity"], target["MaxCapacity"])


def _worker(project: Project) -> dict[str, Any]:
    worker = project.outputs["worker_services"]["celery"]
    return dict(
        project.client("ecs").describe_services(
            cluster=project.outputs["cluster_name"], services=[worker["service_name"]]
        )["services"][0]
    )


def _worker_and_bounds(project: Project) -> tuple[int, tuple[int, int]]:
    target = project.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="ecs",
        ResourceIds=[project.outputs["worker_services"]["celery"]["autoscaling_resource_id"]],
    )["ScalableTargets"][0]
    return _worker(project)["desiredCount"], (target["MinCapacity"], target["MaxCapacity"])


def _worker_container(project: Project) -> dict[str, Any]:
    td = project.client("ecs").describe_task_definition(taskDefinition=_worker(project)["taskDefinition"])
    return _container(td["taskDefinition"], "worker")


def test_build_and_deploy_run_as_their_roles_and_ship_the_commit(project: Project) -> None:
    commit = project.commit_empty("a new commit: its image is built and pushed")
    result = project.run_stages(set())
    assert result["status"] == "Succeeded", json.dumps(result, indent=2)[-6000:]
    by_stage = {s["stage"]: s for s in result["stages"]}
    assert by_stage["Infrastructure"]["status"] == "Succeeded"
    build = by_stage["Build"]
    assert any("registered an image manifest" in n and "PutImage" in n for n in build["notes"]), build
    assert any("collectstatic" in n for n in build["notes"]), build
    tags, keys, image = _image_and_statics(project, commit)
    assert commit in tags, tags
    assert "static/admin/css/base.css" in keys, keys[:20]
    assert image == f"{project.outputs['ecr_repository_url']}:{commit}", image
    assert _service_and_bounds(project) == (2, (2, 5)), "later deploys keep the count and bounds"
    # the worker runs the same image, with its own command
    worker = _worker_container(project)
    assert worker["image"] == image, worker["image"]
    assert worker["command"][-6:] == ["celery", "-A", "mysite", "worker", "--loglevel", "INFO"]


def test_a_build_role_without_its_push_statement_fails_naming_the_denied_action(project: Project) -> None:
    cb = project.client("codebuild")
    build = next(
        p
        for p in cb.batch_get_projects(names=cb.list_projects()["projects"])["projects"]
        if "aws s3 sync" in p["source"].get("buildspec", "")
    )
    role = build["serviceRole"].rsplit("/", 1)[1]
    iam = project.client("iam")
    [name] = iam.list_role_policies(RoleName=role)["PolicyNames"]
    original = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    doc = original if isinstance(original, dict) else json.loads(original)
    pruned = dict(doc, Statement=[st for st in doc["Statement"] if st.get("Sid") != "PushTheAppRepository"])
    assert len(pruned["Statement"]) == len(doc["Statement"]) - 1, "the fixture removes exactly one statement"
    project.commit_empty("retry without the push permission")
    iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(pruned))
    try:
        # (the Infrastructure stage would put the statement back: Terraform owns the policy)
        result = project.run_stages({"Infrastructure"})
    finally:
        iam.put_role_policy(RoleName=role, PolicyName=name, PolicyDocument=json.dumps(doc))
    assert result["status"] == "Failed"
    failed = result["stages"][-1]
    assert failed["stage"] == "Build" and failed["status"] == "Failed"
    # The first call the removed statement allowed is named: the build looks the commit's
    # image up before it pushes (a retry reuses it).
    removed = next(st for st in doc["Statement"] if st.get("Sid") == "PushTheAppRepository")
    named = [a for a in removed["Action"] if a in failed["error"]]
    assert named == ["ecr:DescribeImages"], failed["error"]


def _container(td: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in td["containerDefinitions"] if c["name"] == name)


def test_a_push_that_changes_only_zonke_toml_reaches_the_service_and_the_migration_task(
    project: Project,
) -> None:
    """Push 2 adds a plain setting, a secret key and media with signed URLs in zonke.toml and
    nothing else: the Infrastructure stage's `zonke apply` (as its own role, IAM enforced)
    creates the media bucket, its key and the CloudFront key group and registers
    Terraform's revision, the Deploy step carries it to the service with the new image,
    and the migration task has the same. Push 3 (the same commit, "Release change")
    succeeds too."""
    config = project.path / "zonke.toml"
    text = config.read_text()
    text = text.replace("[secrets]\nkeys = []\n", '[secrets]\nkeys = ["PAYMENT_API_KEY"]\n', 1)
    text = text.replace("[django]\n", '[django]\nenvironment = { FEATURE_CHECKOUT = "on" }\n', 1)
    # a second release command changes the migration runner's definition: the provider
    # validates it at plan time, as the Infrastructure role (states:ValidateStateMachineDefinition)
    text = text.replace(
        "[django]\n", '[django]\nrelease_commands = ["migrate --noinput", "createcachetable"]\n', 1
    )
    assert "[media]" not in text, "the example's zonke.toml has [media]"
    text += f"\n[media]\nenabled = true\nsigning_public_key = '''\n{public_key_pem()}'''\n"
    assert "PAYMENT_API_KEY" in text and "FEATURE_CHECKOUT" in text, "the example's zonke.toml changed shape"
    assert "release_commands" not in config.read_text(), "the example's zonke.toml sets release_commands"
    config.write_text(text)
    commit = project.commit("checkout: a setting and a secret key")
    second = project.run_stages(set())
    assert second["status"] == "Succeeded", json.dumps(second, indent=2)[-6000:]
    infra = next(s for s in second["stages"] if s["stage"] == "Infrastructure")
    applied = [n for n in infra["notes"] if n.startswith("Apply complete")]
    assert len(applied) == 1 and "0 added, 0 changed, 0 destroyed" not in applied[0], infra["notes"]

    ecs = project.client("ecs")
    name = project.outputs["container_name"]
    svc = ecs.describe_services(
        cluster=project.outputs["cluster_name"], services=[project.outputs["service_name"]]
    )["services"][0]
    web = _container(
        ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"], name
    )
    assert web["image"].endswith(f":{commit}"), web["image"]
    assert {"name": "FEATURE_CHECKOUT", "value": "on"} in web["environment"], web["environment"]
    assert "PAYMENT_API_KEY" in {s["name"] for s in web["secrets"]}, web["secrets"]
    # media: the bucket and the signing key the Infrastructure role made, in the contract
    plain = {e["name"]: e["value"] for e in web["environment"]}
    project.client("s3").head_bucket(Bucket=plain["MEDIA_BUCKET"])
    key = project.client("cloudfront").get_public_key(Id=plain["MEDIA_SIGNING_KEY_ID"])["PublicKey"]
    assert (
        key["PublicKeyConfig"]["Name"].endswith("-media") and plain["MEDIA_PRIVATE_PREFIX"] == "media/private"
    )
    family = project.outputs["migration_task_definition_family"]
    migrate_td = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
    migrate = _container(migrate_td, next(c["name"] for c in migrate_td["containerDefinitions"]))
    assert {"name": "FEATURE_CHECKOUT", "value": "on"} in migrate["environment"], migrate["environment"]
    assert "PAYMENT_API_KEY" in {s["name"] for s in migrate["secrets"]}, migrate["secrets"]
    # the worker too: the new image, the new setting and the new secret
    worker = _worker_container(project)
    assert worker["image"].endswith(f":{commit}"), worker["image"]
    assert {"name": "FEATURE_CHECKOUT", "value": "on"} in worker["environment"], worker["environment"]
    assert "PAYMENT_API_KEY" in {s["name"] for s in worker["secrets"]}, worker["secrets"]

    machine = project.client("stepfunctions").describe_state_machine(
        stateMachineArn=project.outputs["migration_state_machine_arn"]
    )
    assert "manage.py createcachetable" in machine["definition"]

    repository = project.outputs["ecr_repository_url"].split("/", 1)[1]
    pushed = project.client("ecr").describe_images(repositoryName=repository, imageIds=[{"imageTag": commit}])
    third = project.run_stages(set())
    assert third["status"] == "Succeeded", json.dumps(third, indent=2)[-6000:]
    # the Infrastructure role (IAM enforced) enabled the nightly job: this run's Infrastructure
    # stage came after a deploy, so the image existed (whichever test of this module ran first)
    job = project.outputs["schedules"]["nightly"]
    schedule = project.client("scheduler").get_schedule(
        GroupName=job["group_name"], Name=job["schedule_name"]
    )
    assert schedule["State"] == "ENABLED"
    # the repository is IMMUTABLE: the retry reused the commit's image instead of pushing it again
    again = project.client("ecr").describe_images(repositoryName=repository, imageIds=[{"imageTag": commit}])
    assert again["imageDetails"][0]["imageDigest"] == pushed["imageDetails"][0]["imageDigest"]
