"""`zonke check-app` on real third-party projects generated at test time: a Wagtail site
(`wagtail start`, from the Wagtail package on the package index) taken through the README's
steps, and the checks that run the release commands against PostgreSQL and serve the app
from a read-only folder, each shown able to fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support import TerraformEnv
from tests.support.wrapper import zonke_env
from tests.wrapper.test_detect import BIN, MAX_SETTINGS_LINES, readme_block, startproject
from zonke_tf.config import parse_config
from zonke_tf.local import LocalEmulator

REQUIREMENTS = "gunicorn>=23\npsycopg[binary]>=3.2\nzonke-django\n"


def _zonke(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(repo.parent)}
    return subprocess.run(
        [str(BIN / "zonke"), *args], cwd=repo, env=env, capture_output=True, text=True, timeout=900
    )


def _check(repo: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    [check_line] = readme_block("check")
    done = _zonke(repo, *check_line.split()[1:], "--json")
    assert done.stdout, done.stderr[-3000:]
    return done.returncode, {f["step"]: f for f in json.loads(done.stdout)["findings"]}


def _apply_readme_settings(settings: Path) -> None:
    before = settings.read_text().splitlines()
    settings.write_text(settings.read_text() + "\n" + "\n".join(readme_block("settings")) + "\n")
    changed = len(settings.read_text().splitlines()) - len(before) - 1
    assert changed <= MAX_SETTINGS_LINES, (
        f"{changed} settings lines to change; the goal is {MAX_SETTINGS_LINES}"
    )


def wagtail_site(tmp_path: Path) -> Path:
    wagtail = BIN / "wagtail"
    if not wagtail.exists():
        pytest.fail(f"wagtail is missing: {sys.executable} -m pip install 'wagtail>=7'")
    repo = tmp_path / "site"
    repo.mkdir()
    subprocess.run([str(wagtail), "start", "mysite", str(repo)], check=True, capture_output=True, timeout=120)
    return repo


def test_a_wagtail_site_passes_with_the_readme_steps(tmp_path: Path, tf_env: TerraformEnv) -> None:
    repo = wagtail_site(tmp_path)
    with (repo / "requirements.txt").open("a") as f:
        f.write(REQUIREMENTS)
    # The README's first step.
    [init_line] = readme_block("shell")
    done = _zonke(repo, *init_line.split()[1:], "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["notes"] == []
    config = parse_config(tomllib.loads((repo / "zonke.toml").read_text()))
    # What it found: Wagtail's production settings (manage.py defaults to dev), its own
    # Dockerfile (kept), STATIC_ROOT inside the image.
    assert config.django.settings_module == "mysite.settings.production"
    assert config.django.dockerfile == "Dockerfile" and config.django.static_root == "/app/static"
    assert config.django.wsgi_application == "mysite.wsgi:application"

    code, before = _check(repo)
    assert code == 1
    failed = {step for step, f in before.items() if not f["ok"]}
    # Wagtail's settings keep SQLite and no allowed hosts: the migration never reaches the
    # stack's database, and the load balancer's and CloudFront's requests are refused.
    assert {"migrate", "health check", "serve: health check", "serve: through CloudFront"} <= failed, before
    assert "not in the stack's database" in before["migrate"]["detail"]

    _apply_readme_settings(repo / "mysite" / "settings" / "production.py")
    code, after = _check(repo)
    assert code == 0 and all(f["ok"] for f in after.values()), after
    assert set(after) == {
        "collectstatic", "migrate", "check --deploy", "health check", "through CloudFront",
        "serve: health check", "serve: through CloudFront", "serve: read-only folder",
    }  # fmt: skip
    # Wagtail's home page lives in the database its migrations fill: a 200 through
    # CloudFront means the web command read the migrated PostgreSQL.
    assert after["serve: through CloudFront"]["detail"] == "GET / answered 200"

    # The stack plans with what init detected (the README's next step starts with a local
    # deploy; its plan-only part is enough here: tests/examples/test_existing_project_local.py
    # deploys a startproject site).
    env = {**zonke_env(tf_env, sources=None), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    try:
        plan = subprocess.run(
            [str(BIN / "zonke"), "plan", "--local", "--json"], cwd=repo, env=env, capture_output=True,
            text=True, timeout=1200,
        )  # fmt: skip
    finally:
        LocalEmulator(repo).stop()
    assert plan.returncode == 0, plan.stderr[-3000:]
    planned = json.loads(plan.stdout)
    assert planned["changes"]["add"] > 100 and planned["changes"]["remove"] == 0, planned["changes"]
    tfvars = json.loads(
        next((repo / ".zonke").glob("*-local/examples/django-monolith/terraform.tfvars.json")).read_text()
    )
    assert (
        tfvars["settings_module"] == "mysite.settings.production" and tfvars["static_root"] == "/app/static"
    )
    assert tfvars["wsgi_application"] == "mysite.wsgi:application" and tfvars["dockerfile"] == "Dockerfile"


def _helped_startproject(tmp_path: Path) -> Path:
    repo = startproject(tmp_path)
    (repo / "requirements.txt").write_text("Django>=5.2\n" + REQUIREMENTS)
    assert _zonke(repo, "init").returncode == 0
    _apply_readme_settings(repo / "mysite" / "settings.py")
    return repo


def test_a_failing_release_command_fails_the_check(tmp_path: Path) -> None:
    repo = _helped_startproject(tmp_path)
    toml = repo / "zonke.toml"
    toml.write_text(
        toml.read_text().replace(
            'release_commands = ["migrate --noinput"]',
            'release_commands = ["migrate --noinput", "no_such_command"]',
        )
    )
    code, found = _check(repo)
    assert code == 1 and not found["migrate"]["ok"], found
    assert "manage.py no_such_command" in found["migrate"]["detail"]
    assert "Unknown command" in found["migrate"]["detail"]


def test_writing_into_the_app_folder_fails_the_check(tmp_path: Path) -> None:
    repo = _helped_startproject(tmp_path)
    # The web process writes beside its code, as an app logging to a file would: the
    # container's root filesystem refuses that.
    wsgi = repo / "mysite" / "wsgi.py"
    wsgi.write_text(wsgi.read_text() + "\nPath(__file__).with_name('boot.log').write_text('up')\n")
    wsgi.write_text("from pathlib import Path\n" + wsgi.read_text())
    code, found = _check(repo)
    assert code == 1
    served = {step: f for step, f in found.items() if step.startswith("serve")}
    assert not all(f["ok"] for f in served.values()), served
    # Root may write anyway; then the listing of the folder names the file. As any other
    # user the worker fails to boot and the requests get no answer.
    if os.geteuid() == 0:
        assert "wrote mysite/boot.log" in served["serve: read-only folder"]["detail"], served
        assert "/tmp" in served["serve: read-only folder"]["fix"]
