"""Database password rotation without failed requests, against a real PostgreSQL 15.

The sample app's settings, with DB_SECRET_ARN, read the database credentials from Secrets
Manager (the emulator's) when a connection opens and again when the server refuses them
(examples/django-monolith/app/mysite/dbcredentials.py). A client process makes requests
(each on a new connection, the worst case) while the test rotates the password three times
the way Secrets Manager's single-user rotation does: new version staged AWSPENDING, the
password changed in the database, a pause (the documented window in which the database
already has the new password and AWSCURRENT still the old one), then AWSCURRENT moved.

Goal: zero failed requests. The same client with the password fixed at start (DB_PASSWORD,
which is how ECS hands secrets over) fails after the first rotation: the check can fail.
TLS is verify-full against the server's CA, and a wrong CA is refused.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT
from tests.support.postgres import Postgres, postgres_server

APP = REPO_ROOT / "examples" / "django-monolith" / "app"
APP_USER = "shop_app"

CLIENT = r"""
import json, os, sys, time
import django
django.setup()
from django.db import connection
log, stop = open(sys.argv[1], "a", buffering=1), sys.argv[2]
while not os.path.exists(stop):
    try:
        with connection.cursor() as cursor:
            cursor.execute("select current_user")
            cursor.fetchone()
        log.write(f"ok {time.time()}\n")
    except Exception as exc:
        log.write(f"fail {time.time()} {type(exc).__name__}: {str(exc).splitlines()[0][:160]}\n")
    finally:
        connection.close()  # the next request opens (and authenticates) a new connection
try:
    from mysite.db import base
    refreshes = sum(s.refreshes for s in base._SOURCES.values())
except Exception:
    refreshes = None
print(json.dumps({"refreshes": refreshes}))
"""


@pytest.fixture
def pg() -> Iterator[Postgres]:
    import psycopg
    from psycopg import sql

    with postgres_server() as server:
        with psycopg.connect(**_admin(server), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(APP_USER), sql.Literal("first-password")
                )
            )
        yield server


def _admin(pg: Postgres) -> dict[str, Any]:
    return {
        "host": pg.host,
        "port": pg.port,
        "user": pg.user,
        "password": pg.password,
        "dbname": pg.dbname,
        "sslmode": "verify-full",
        "sslrootcert": pg.ca_file,
    }


def _env(pg: Postgres, emulator: Any, **extra: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": "",
        "DJANGO_SETTINGS_MODULE": "mysite.settings",
        "DJANGO_SECRET_KEY": "test-only-key-for-the-rotation-test",
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": pg.dbname,
        "DB_SSLROOTCERT": pg.ca_file,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": emulator.url,
        **extra,
    }


@dataclass
class Client:
    """The request loop in its own process; every request's outcome is a line of its log."""

    proc: subprocess.Popen[str]
    log: Path
    stop: Path

    def lines(self) -> list[list[str]]:
        return [line.split(" ", 2) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def wait_for_successes(self, count: int, after: float = 0.0, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while sum(1 for kind, at, *_ in self.lines() if kind == "ok" and float(at) > after) < count:
            assert self.proc.poll() is None, self.proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, f"fewer than {count} requests succeeded: {self.lines()[-5:]}"
            time.sleep(0.05)

    def finish(self) -> dict[str, Any]:
        self.stop.touch()
        out, err = self.proc.communicate(timeout=120)
        assert self.proc.returncode == 0, err[-2000:]
        result = dict(json.loads(out.strip().splitlines()[-1]))
        lines = self.lines()
        result["ok"] = [float(at) for kind, at, *_ in lines if kind == "ok"]
        result["failed"] = [rest[0] if rest else "" for kind, _, *rest in lines if kind == "fail"]
        return result


def _start_client(tmp_path: Path, env: dict[str, str]) -> Client:
    app = tmp_path / "app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("__pycache__", "staticfiles", "db.sqlite3"))
    log, stop = tmp_path / "requests.log", tmp_path / "stop"
    proc = subprocess.Popen(
        [sys.executable, "-c", CLIENT, str(log), str(stop)],
        cwd=app,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Client(proc, log, stop)


def rotate(sm: Any, secret: str, pg: Postgres, new_password: str, window: float = 0.5) -> None:
    """One single-user rotation, step by step as Secrets Manager's rotation function does it."""
    import psycopg
    from psycopg import sql

    token = str(uuid.uuid4())
    # createSecret: the new credentials as AWSPENDING
    sm.put_secret_value(
        SecretId=secret,
        ClientRequestToken=token,
        SecretString=json.dumps({"username": APP_USER, "password": new_password}),
        VersionStages=["AWSPENDING"],
    )
    # setSecret: the database takes the new password
    with psycopg.connect(**_admin(pg), autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(APP_USER), sql.Literal(new_password))
        )
    time.sleep(window)  # the window: database changed, secret not yet promoted
    # finishSecret: AWSCURRENT moves to the new version
    stages = sm.describe_secret(SecretId=secret)["VersionIdsToStages"]
    current = next(v for v, labels in stages.items() if "AWSCURRENT" in labels)
    sm.update_secret_version_stage(
        SecretId=secret, VersionStage="AWSCURRENT", MoveToVersionId=token, RemoveFromVersionId=current
    )


def test_rotation_mid_run_fails_no_request(aws: Any, emulator: Any, pg: Postgres, tmp_path: Path) -> None:
    sm = aws.client("secretsmanager")
    secret = sm.create_secret(
        Name="shop-test/db-app-user",
        SecretString=json.dumps({"username": APP_USER, "password": "first-password"}),
    )["ARN"]
    client = _start_client(tmp_path, _env(pg, emulator, DB_SECRET_ARN=secret))
    try:
        client.wait_for_successes(3)
        for n in range(3):
            rotate(sm, secret, pg, f"rotated-password-{n}-{uuid.uuid4().hex[:8]}")
            client.wait_for_successes(3, after=time.time())  # requests go on with the new password
    finally:
        result = client.finish()
    assert result["failed"] == [], result["failed"][:3]
    assert len(result["ok"]) >= 12
    assert result["refreshes"] >= 1, result  # the rotations really hit cached credentials


def test_a_password_fixed_at_start_fails_after_a_rotation(
    aws: Any, emulator: Any, pg: Postgres, tmp_path: Path
) -> None:
    """The control: how ECS-injected DB_PASSWORD behaves. Without this failing, the zero
    above would prove nothing."""
    sm = aws.client("secretsmanager")
    secret = sm.create_secret(
        Name="shop-test/db-app-user",
        SecretString=json.dumps({"username": APP_USER, "password": "first-password"}),
    )["ARN"]
    client = _start_client(tmp_path, _env(pg, emulator, DB_USER=APP_USER, DB_PASSWORD="first-password"))
    try:
        client.wait_for_successes(3)
        rotate(sm, secret, pg, "the-new-password")
        deadline = time.monotonic() + 60
        while not any(kind == "fail" for kind, *_ in client.lines()) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        result = client.finish()
    assert result["ok"] and result["failed"], result
    assert "password authentication failed" in result["failed"][0]


def test_tls_verifies_the_server_certificate(pg: Postgres, tmp_path: Path) -> None:
    import psycopg

    with psycopg.connect(**_admin(pg)) as conn:
        assert conn.info.pgconn.ssl_in_use
    # Another CA's certificate: verify-full refuses the server.
    other = tmp_path / "other-ca.crt"
    subprocess.run(
        [
            *("openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1"),
            *("-keyout", str(tmp_path / "other.key"), "-out", str(other)),
        ],
        check=True,
        capture_output=True,
    )
    with pytest.raises(psycopg.OperationalError, match="certificate verify failed"):
        psycopg.connect(**{**_admin(pg), "sslrootcert": str(other)})


def test_the_sample_app_verifies_the_database_by_default(tmp_path: Path) -> None:
    """verify-full against the RDS bundle the image downloads, unless the environment says otherwise."""
    probe = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    )
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": "", "DJANGO_SETTINGS_MODULE": "mysite.settings"}
    proc = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=APP,
        env={**env, "DB_HOST": "db.example.internal"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    options = json.loads(proc.stdout)
    assert options == {"sslmode": "verify-full", "sslrootcert": str(APP / "rds-global-bundle.pem")}
    # ... the file the image build puts there
    dockerfile = (APP / "Dockerfile").read_text()
    assert "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem" in dockerfile
    assert "'/app/rds-global-bundle.pem'" in dockerfile
