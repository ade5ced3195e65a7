"""Static files stay safe during a rolling deploy: two releases' files live side by side.

The sample app's settings use Django's manifest storage (hashed names), and the Build
stage uploads with the buildspec's own `aws s3 sync` line (read from the template the
codepipeline module renders). Two releases with different CSS are collected and synced one
after the other into the emulator's S3: every file either release's pages name (the
manifest's hashed paths) must be in the bucket with that release's content, because tasks
of the old release keep serving pages that name the old files until the rollout ends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support import REPO_ROOT

APP = REPO_ROOT / "examples" / "django-monolith" / "app"
BUILDSPEC = REPO_ROOT / "modules" / "codepipeline" / "buildspecs" / "build.yml.tftpl"
BUCKET = "shop-test-static"
PREFIX = "static/"


def sync_line() -> str:
    """The Build stage's upload command, as the buildspec template holds it."""
    lines = [line for line in BUILDSPEC.read_text().splitlines() if "aws s3 sync" in line]
    assert len(lines) == 1, lines
    return lines[0].strip().removeprefix("- ").replace("$${", "${")


def collect(release: Path, css: str, out: Path) -> dict[str, str]:
    """collectstatic of the sample app with one CSS file of our own; the manifest's paths."""
    app = release / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    (app / "assets").mkdir()
    (app / "assets" / "site.css").write_text(css)
    settings = app / "mysite" / "settings.py"
    settings.write_text(settings.read_text() + '\nSTATICFILES_DIRS = [BASE_DIR / "assets"]\n')
    proc = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=app,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    shutil.copytree(app / "staticfiles", out)
    manifest = json.loads((out / "staticfiles.json").read_text())
    return dict(manifest["paths"])


def upload(cwd: Path, url: str, command: str | None = None) -> None:
    aws_cli = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")
    assert aws_cli, "the aws CLI is needed: pip install -e '.[dev]' (it brings awscli)"
    env = {
        "PATH": f"{Path(aws_cli).parent}:{os.environ['PATH']}",
        "AWS_ACCESS_KEY_ID": "t",
        "AWS_SECRET_ACCESS_KEY": "t",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": url,
        "STATIC_BUCKET": BUCKET,
        "STATIC_PREFIX": PREFIX,
    }
    proc = subprocess.run(
        ["bash", "-c", command or sync_line()], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_the_sync_never_deletes() -> None:
    assert "--delete" not in sync_line()


def test_two_releases_leave_both_releases_files_in_the_bucket(
    aws: Any, emulator: Any, tmp_path: Path
) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    releases: list[dict[str, str]] = []
    for number, css in enumerate(["body { color: #111; }\n", "body { color: #222; }\n"], start=1):
        release = tmp_path / f"release{number}"
        release.mkdir()
        paths = collect(release, css, release / "static-out")
        upload(release, emulator.url)
        releases.append(paths)
    old, new = releases

    # Hashed names: the same source file has a different name in each release.
    assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", old["site.css"]), old["site.css"]
    assert old["site.css"] != new["site.css"]
    assert old["admin/css/base.css"] != "admin/css/base.css"  # Django's own files too

    keys = {
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=PREFIX)
        for o in page.get("Contents", [])
    }
    for paths in (old, new):
        missing = sorted(f"{PREFIX}{p}" for p in paths.values() if f"{PREFIX}{p}" not in keys)
        assert missing == [], missing[:10]
    for paths, css in ((old, "#111"), (new, "#222")):
        body = s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}{paths['site.css']}")["Body"].read().decode()
        assert css in body


def test_a_deleting_sync_would_lose_the_old_release(aws: Any, emulator: Any, tmp_path: Path) -> None:
    """The check above can fail: with `--delete` (remove what the source lacks), the old
    release's CSS is gone while its tasks still serve pages naming it."""
    s3 = aws.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    deleting = sync_line() + " --delete"
    old = collect(tmp_path / "r1", "a { color: red; }\n", tmp_path / "r1" / "static-out")
    upload(tmp_path / "r1", emulator.url, deleting)
    collect(tmp_path / "r2", "a { color: blue; }\n", tmp_path / "r2" / "static-out")
    upload(tmp_path / "r2", emulator.url, deleting)
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=PREFIX).get("Contents", [])}
    assert f"{PREFIX}{old['site.css']}" not in keys
