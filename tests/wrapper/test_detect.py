"""`zonke init` on a real third-party project (`django-admin startproject`, generated at test
time): what it detects, what it writes, and the project then passing the contract with two
settings lines (the settings helper)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from zonke_tf.config import parse_config, to_tfvars
from zonke_tf.detect import detect_project, init_project, parse_dockerfile

BIN = Path(sys.executable).parent
README = Path(__file__).resolve().parents[2] / "README.md"
MAX_SETTINGS_LINES = 3  # the lines a person adds to their settings: the goal


def readme_block(name: str) -> list[str]:
    """The lines of the fenced block after `<!-- existing-project: NAME -->` in the README."""
    text = README.read_text()
    marker = f"<!-- existing-project: {name} -->"
    assert marker in text, f"README.md lost its {marker} block"
    body = text.split(marker, 1)[1].split("```", 2)[1]
    return [line for line in body.splitlines()[1:] if line.strip()]


def startproject(tmp_path: Path, name: str = "mysite") -> Path:
    admin = BIN / "django-admin"
    if not admin.exists():
        pytest.fail(f"django-admin is missing: {sys.executable} -m pip install 'django>=5.2'")
    folder = tmp_path / "repo"
    folder.mkdir(parents=True)
    subprocess.run([str(admin), "startproject", name, str(folder)], check=True, timeout=120)
    return folder


def test_detects_a_startproject_site(tmp_path: Path) -> None:
    repo = startproject(tmp_path)
    (repo / "requirements.txt").write_text("Django>=5.2\ngunicorn>=23\npsycopg[binary]>=3.2\n")
    found = detect_project(repo)
    assert found.project_path == "."
    assert found.settings_modules == ["mysite.settings"] and found.settings_module is None
    assert found.wsgi_module == "mysite.wsgi" and found.asgi_module == "mysite.asgi"
    assert found.requirement_files == ["requirements.txt"]
    assert found.has_gunicorn and found.has_postgres_driver and found.dockerfile is None
    bare = detect_project(startproject(tmp_path / "bare"))
    assert any("gunicorn" in n for n in bare.notes) and any("psycopg" in n for n in bare.notes)


def test_production_settings_and_an_existing_dockerfile(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "src" / "config" / "settings").mkdir(parents=True)
    (repo / "src" / "manage.py").write_text(
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings.dev')\n"
    )
    for name in ("__init__", "base", "dev", "production"):
        (repo / "src" / "config" / "settings" / f"{name}.py").write_text("")
    (repo / "src" / "config" / "settings" / "base.py").write_text('STATIC_ROOT = BASE_DIR / "static"\n')
    (repo / "src" / "config" / "wsgi.py").write_text("")
    (repo / "Dockerfile").write_text(
        'FROM python:3.12 AS build\nWORKDIR /build\nFROM python:3.12-slim\nWORKDIR /srv\nWORKDIR app\n'
        'ENTRYPOINT ["/docker-entrypoint.sh"]\nCMD gunicorn config.wsgi \\\n  --bind 0.0.0.0:8000\n'
    )  # fmt: skip
    found = detect_project(repo)
    assert found.project_path == "src" and found.settings_module == "config.settings.production"
    assert found.wsgi_module == "config.wsgi"
    assert found.dockerfile is not None and found.dockerfile.workdir == "/srv/app"
    assert found.dockerfile.entrypoint == ["/docker-entrypoint.sh"]
    assert found.dockerfile.cmd == ["/bin/sh", "-c", "gunicorn config.wsgi    --bind 0.0.0.0:8000"]
    assert found.static_root == "/srv/app/static"
    result = init_project(repo, "acme")
    config = parse_config(tomllib.loads((repo / "zonke.toml").read_text()))
    tfvars = to_tfvars(config)
    assert tfvars["app_path"] == "src" and tfvars["dockerfile"] == "Dockerfile"
    assert tfvars["settings_module"] == "config.settings.production"
    assert tfvars["static_root"] == "/srv/app/static"
    assert "run_entrypoint = false" in (repo / "zonke.toml").read_text()  # said as a comment
    assert not (repo / "src" / "Dockerfile").exists(), "an existing Dockerfile is never replaced"
    assert str(repo / "zonke.toml") in result.written


def test_parse_dockerfile_takes_the_last_stage(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM a\nENTRYPOINT ["x"]\nCMD ["y"]\nFROM b\nCMD ["python", "-m", "z"]\n')
    parsed = parse_dockerfile(path, tmp_path)
    assert parsed.entrypoint is None and parsed.cmd == ["python", "-m", "z"]


def test_init_then_two_settings_lines_pass_the_build_contract(tmp_path: Path) -> None:
    repo = startproject(tmp_path)
    (repo / "requirements.txt").write_text("Django>=5.2\ngunicorn>=23\npsycopg[binary]>=3.2\nzonke-django\n")
    (repo / ".gitignore").write_text("*.pyc")
    zonke = BIN / "zonke"
    done = subprocess.run(
        [str(zonke), "init", "--json"], cwd=repo, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["notes"] == [] and report["written"] == str(repo / "zonke.toml")
    config = parse_config(tomllib.loads((repo / "zonke.toml").read_text()))
    assert config.app.name == "repo" and config.django.project_path == "."
    assert config.django.wsgi_application == "mysite.wsgi:application"
    assert config.django.static_root == "/app/staticfiles"
    dockerfile = (repo / "Dockerfile").read_text()
    assert "USER 10001" in dockerfile and "XDG_RUNTIME_DIR=/tmp" in dockerfile
    assert "collectstatic --noinput" in dockerfile and '"mysite.wsgi:application"' in dockerfile
    assert (repo / ".gitignore").read_text() == "*.pyc\n.zonke/\n"
    assert (repo / ".dockerignore").read_text() == ".zonke/\n"
    again = subprocess.run([str(zonke), "init"], cwd=repo, capture_output=True, text=True, timeout=120)
    assert again.returncode != 0 and "--force" in again.stderr

    # Before the settings lines: check-app names what fails and the fix.
    env = {"PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    [check_line] = readme_block("check")
    check = [str(BIN / w) if w == "zonke" else w for w in check_line.split()] + ["--json"]
    before_lines = subprocess.run(check, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert before_lines.returncode == 1, before_lines.stderr
    failed = {f["step"]: f for f in json.loads(before_lines.stdout)["findings"] if not f["ok"]}
    assert set(failed) >= {"collectstatic", "health check"}, failed
    assert (
        "configure(globals())" in failed["health check"]["fix"]
        and "10.0.1.23" in failed["health check"]["detail"]
    )

    # The README's settings lines, appended to the generated settings.
    lines = readme_block("settings")
    settings = repo / "mysite" / "settings.py"
    before = settings.read_text().splitlines()
    settings.write_text(settings.read_text() + "\n" + "\n".join(lines) + "\n")
    changed = len(settings.read_text().splitlines()) - len(before) - 1
    assert changed <= MAX_SETTINGS_LINES, (
        f"{changed} settings lines to change; the goal is {MAX_SETTINGS_LINES}"
    )

    after = subprocess.run(check, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    report = json.loads(after.stdout)
    assert after.returncode == 0 and report["ok"], report

    # collectstatic as the build runs it: no environment, the settings module only.
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"], cwd=repo, env=env, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert collect.returncode == 0, collect.stderr[-2000:]
    assert (repo / "staticfiles" / "staticfiles.json").is_file()
    shutil.rmtree(repo / "staticfiles")
