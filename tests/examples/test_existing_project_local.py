"""A third-party Django project (`django-admin startproject`, generated at test time) taken
through the README's "Deploy your existing Django project" steps, verbatim, to a local
deploy: `zonke init`, the two settings lines, then the deploy block (the stack, a commit,
the pipeline's stages, a plan that must show no changes), and a destroy."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import TerraformEnv
from tests.support.wrapper import zonke_env
from tests.wrapper.test_detect import BIN, readme_block, startproject
from zonke_emulator.iam import client
from zonke_tf.local import LocalEmulator

pytestmark = [pytest.mark.apply, pytest.mark.xdist_group("existing-project-local")]


def _sh(line: str, repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line], cwd=repo, env=env, capture_output=True, text=True, timeout=2400, check=False
    )


@pytest.fixture
def site(tmp_path: Path, tf_env: TerraformEnv) -> Iterator[tuple[Path, dict[str, str]]]:
    repo = startproject(tmp_path)
    (repo / "requirements.txt").write_text("Django>=5.2\ngunicorn>=23\npsycopg[binary]>=3.2\nzonke-django\n")
    env = {
        **zonke_env(tf_env, sources=None),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    emulator = LocalEmulator(repo)
    try:
        yield repo, env
    finally:
        if emulator.running_url():
            destroyed = _sh("zonke destroy --local", repo, env)
            emulator.stop()
            assert destroyed.returncode == 0, destroyed.stderr[-3000:]


def test_a_startproject_site_deploys_locally_with_the_readme_steps(site: tuple[Path, dict[str, str]]) -> None:
    repo, env = site
    for line in readme_block("shell"):
        assert _sh(line, repo, env).returncode == 0, line
    settings = repo / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + "\n" + "\n".join(readme_block("settings")) + "\n")

    ran: dict[str, subprocess.CompletedProcess[str]] = {}
    for line in readme_block("deploy"):
        done = _sh(line + (" --json" if line.startswith("zonke pipeline run") else ""), repo, env)
        assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        ran[line.split()[1] if line.startswith("zonke") else "git"] = done

    run = json.loads(ran["pipeline"].stdout)
    assert run["status"] == "Succeeded", json.dumps(run, indent=2)[-4000:]
    assert [s["stage"] for s in run["stages"]] == ["Source", "Infrastructure", "Build", "Migrate", "Deploy"]
    # The last line of the block: a plan after the pipeline changes nothing.
    plan = ran["plan"]
    assert "No changes: the infrastructure matches the configuration." in plan.stdout + plan.stderr, (
        plan.stdout[-3000:] + plan.stderr[-3000:]
    )

    emulator = LocalEmulator(repo)
    url, creds = emulator.running_url() or "", emulator.credentials()
    outputs: dict[str, Any] = json.loads(_sh("zonke output --local --json", repo, env).stdout)["outputs"]
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    ecr = client(url, creds, "ecr")
    repository = outputs["ecr_repository_url"].split("/", 1)[1]
    tags = [i.get("imageTag") for i in ecr.list_images(repositoryName=repository)["imageIds"]]
    assert commit in tags, tags
    # collectstatic of the user's project (Django's admin files, hashed, and the manifest)
    # reached the private static bucket.
    s3 = client(url, creds, "s3")
    keys = {
        o["Key"]
        for o in s3.list_objects_v2(Bucket=outputs["static_bucket_name"], Prefix="static/").get(
            "Contents", []
        )
    }
    assert "static/admin/css/base.css" in keys and "static/staticfiles.json" in keys, sorted(keys)[:20]
    ecs = client(url, creds, "ecs")
    svc = ecs.describe_services(cluster=outputs["cluster_name"], services=[outputs["service_name"]])[
        "services"
    ][0]
    assert svc["desiredCount"] == 1
    td = ecs.describe_task_definition(taskDefinition=svc["taskDefinition"])["taskDefinition"]
    web = next(c for c in td["containerDefinitions"] if c["name"] == outputs["container_name"])
    assert web["image"] == f"{outputs['ecr_repository_url']}:{commit}"
    assert web["command"][-1] == "mysite.wsgi:application", web["command"]
    env_names = {e["name"]: e["value"] for e in web["environment"]}
    assert env_names["XDG_RUNTIME_DIR"] == "/tmp" and web["readonlyRootFilesystem"] is True
