"""The app's own database user, created with the master user's secret (mysite.dbusers),
against a real PostgreSQL 15 with TLS verify-full and the emulator's Secrets Manager."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.postgres import Postgres, postgres_server
from tests.tfharness import REPO_ROOT

APP = REPO_ROOT / "examples" / "django-monolith" / "app"


@pytest.fixture
def pg() -> Iterator[Postgres]:
    with postgres_server() as server:
        yield server


def _bootstrap(
    tmp_path: Path, pg: Postgres, emulator: Any, master: str, app: str
) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / "app"
    if not copy.exists():
        shutil.copytree(APP, copy, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": "",
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": pg.dbname,
        "DB_SSLROOTCERT": pg.ca_file,
        "DB_MASTER_SECRET_ARN": master,
        "DB_SECRET_ARN": app,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": emulator.url,
    }
    return subprocess.run(
        [sys.executable, "-m", "mysite.dbusers"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_app_user_is_created_once_with_its_own_generated_secret(
    aws: Any, emulator: Any, pg: Postgres, tmp_path: Path
) -> None:
    import psycopg

    sm = aws.client("secretsmanager")
    master = sm.create_secret(
        Name="rds!db-master", SecretString=json.dumps({"username": pg.user, "password": pg.password})
    )["ARN"]
    app = sm.create_secret(Name="shop-test/db-app-user")["ARN"]  # no value yet

    first = _bootstrap(tmp_path, pg, emulator, master, app)
    assert first.returncode == 0, first.stderr[-2000:]
    assert json.loads(first.stdout) == {"user": "app_user", "created_role": True, "generated_password": True}
    creds = json.loads(sm.get_secret_value(SecretId=app)["SecretString"])
    assert creds["username"] == "app_user" and len(creds["password"]) >= 32
    for text in (first.stdout, first.stderr):
        assert creds["password"] not in text and pg.password not in text

    connect = {
        "host": pg.host,
        "port": pg.port,
        "dbname": pg.dbname,
        "sslmode": "verify-full",
        "sslrootcert": pg.ca_file,
    }
    with psycopg.connect(**connect, user="app_user", password=creds["password"], autocommit=True) as conn:
        conn.execute("CREATE TABLE app_owned (id int)")  # migrations run as the app user
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'app_owned'").fetchone()
        assert owner == ("app_user",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE ROLE intruder")  # not the master user's power

    version = sm.describe_secret(SecretId=app)["VersionIdsToStages"]
    second = _bootstrap(tmp_path, pg, emulator, master, app)
    assert second.returncode == 0, second.stderr[-2000:]
    assert json.loads(second.stdout) == {
        "user": "app_user",
        "created_role": False,
        "generated_password": False,
    }
    assert sm.describe_secret(SecretId=app)["VersionIdsToStages"] == version  # the secret is left alone


def test_the_app_user_cannot_be_the_master_user(
    aws: Any, emulator: Any, pg: Postgres, tmp_path: Path
) -> None:
    sm = aws.client("secretsmanager")
    master = sm.create_secret(
        Name="rds!db-master", SecretString=json.dumps({"username": pg.user, "password": pg.password})
    )["ARN"]
    app = sm.create_secret(
        Name="shop-test/db-app-user", SecretString=json.dumps({"username": pg.user, "password": "x"})
    )["ARN"]
    proc = _bootstrap(tmp_path, pg, emulator, master, app)
    assert proc.returncode != 0
    assert "the app user must not be the master user" in proc.stderr
    assert pg.password not in proc.stderr
