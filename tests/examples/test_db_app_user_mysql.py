"""The start wrapper's MySQL path on a real MySQL-compatible server (MariaDB with TLS
required, as RDS MySQL with the stack's require_secure_transport): the migration container
makes the app's own user from the master user, the release commands and the web service
never see the master user, and the app's user has its database and nothing more."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mysql import MySQL, mysql_server

START = Path(__file__).resolve().parents[2] / "examples" / "django-monolith" / "container_start.py"
MASTER, MASTER_PASSWORD = "admin", secrets.token_urlsafe(24)
APP_USER, DB = "app_user", "shop"
# What the release command sees.
SHOW = (
    "import json, os; print(json.dumps({k: v for k, v in os.environ.items()"
    " if k.startswith(('DB_', 'DATABASE'))}))"
)


@pytest.fixture
def db() -> Iterator[MySQL]:
    with mysql_server() as server:
        # RDS's master user: every privilege on every database, with GRANT OPTION
        server.sql(
            f"CREATE USER '{MASTER}'@'%' IDENTIFIED BY '{MASTER_PASSWORD}'; "
            f"GRANT ALL PRIVILEGES ON *.* TO '{MASTER}'@'%' WITH GRANT OPTION; CREATE DATABASE {DB};"
        )
        yield server


def _start(
    db: MySQL, password: str, master: bool = True, user: str = APP_USER
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"], "DB_HOST": db.host, "DB_PORT": str(db.port), "DB_NAME": DB,
        "DB_USER": user, "DB_PASSWORD": password,
    }  # fmt: skip
    if master:
        env |= {"DB_MASTER_USER": MASTER, "DB_MASTER_PASSWORD": MASTER_PASSWORD}
    return subprocess.run(
        [sys.executable, "-c", START.read_text(), "mysql", "-", sys.executable, "-c", SHOW],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def _connect(db: MySQL, user: str, password: str):  # type: ignore[no-untyped-def]
    import pymysql

    return pymysql.connect(
        host=db.host, port=db.port, user=user, password=password, database=DB, ssl={"check_hostname": False}
    )


def test_the_migration_container_makes_the_app_user_on_mysql(db: MySQL) -> None:
    import pymysql

    password = secrets.token_urlsafe(32)
    first = _start(db, password)
    assert first.returncode == 0, first.stderr[-2000:]
    seen = json.loads(first.stdout)
    assert "DB_MASTER_USER" not in seen and "DB_MASTER_PASSWORD" not in seen
    assert seen["DATABASE_URL"].startswith(f"mysql://{APP_USER}:") and password not in first.stderr
    with _connect(db, APP_USER, password) as conn, conn.cursor() as cur:
        cur.execute("CREATE TABLE app_owned (id int)")  # the migrations run as the app user
        cur.execute("SELECT CURRENT_USER()")
        assert cur.fetchone()[0] == f"{APP_USER}@%"
        with pytest.raises(pymysql.err.OperationalError):
            cur.execute("CREATE USER intruder IDENTIFIED BY 'x'")  # none of the master's powers
        with pytest.raises(pymysql.err.OperationalError):
            cur.execute("CREATE DATABASE other")
    # the connection is encrypted (the server requires TLS; the wrapper asks for it)
    assert db.sql(f"SELECT COUNT(*) FROM mysql.user WHERE user = '{APP_USER}'") == "1"

    # a second run (the next deploy) takes the secret's current password
    new = secrets.token_urlsafe(32)
    again = _start(db, new)
    assert again.returncode == 0, again.stderr[-2000:]
    with pytest.raises(pymysql.err.OperationalError):
        _connect(db, APP_USER, password)
    _connect(db, APP_USER, new).close()


def test_web_containers_never_connect_as_the_master_user_on_mysql(db: MySQL) -> None:
    web = _start(db, "never-used", master=False)
    assert web.returncode == 0, web.stderr[-2000:]
    assert "ready" not in web.stderr  # no user was made: the web path has no master user
    assert db.sql(f"SELECT COUNT(*) FROM mysql.user WHERE user = '{APP_USER}'") == "0"


def test_the_app_user_cannot_be_the_master_user_on_mysql(db: MySQL) -> None:
    done = _start(db, "x", user=MASTER)
    assert done.returncode != 0 and "cannot be the app's database user" in done.stderr
