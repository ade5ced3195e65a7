"""The app's own database user, made by the stack's container start wrapper in the migration
container from the master user's credentials (examples/django-monolith/container_start.py),
against a real PostgreSQL 15 with TLS verify-full. The master user is what RDS creates: a
non-superuser with CREATEROLE, owner of the database (and, in older stacks, of the tables
migrations made as it)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import REPO_ROOT
from tests.support.postgres import Postgres, postgres_server

START = REPO_ROOT / "examples" / "django-monolith" / "container_start.py"
MASTER, MASTER_PASSWORD = "rds_master", "master-" + secrets.token_hex(12)
APP_USER = "zonke_app"
DB = "shop"
# What the release command sees: the variables, and who it is connected as.
SHOW = (
    "import json, os; print(json.dumps({k: v for k, v in os.environ.items()"
    " if k.startswith(('DB_', 'DATABASE_URL'))}))"
)


@pytest.fixture
def pg() -> Iterator[Postgres]:
    with postgres_server() as server:
        import psycopg

        with psycopg.connect(
            **_tls(server), user=server.user, password=server.password, autocommit=True
        ) as c:
            c.execute(f"CREATE ROLE {MASTER} LOGIN CREATEROLE CREATEDB PASSWORD '{MASTER_PASSWORD}'")
            c.execute(f"CREATE DATABASE {DB} OWNER {MASTER}")
            c.execute("ALTER SYSTEM SET log_statement = 'ddl'")  # as the stack's parameter group
            c.execute("SELECT pg_reload_conf()")
        yield server


def _tls(pg: Postgres, dbname: str | None = None) -> dict[str, object]:
    return {
        "host": pg.host,
        "port": pg.port,
        "dbname": dbname or pg.dbname,
        "sslmode": "verify-full",
        "sslrootcert": pg.ca_file,
    }


def _start(
    pg: Postgres, password: str, master: bool = True, user: str = APP_USER
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": DB,
        "DB_USER": user,
        "DB_PASSWORD": password,
    }
    if master:
        env |= {"DB_MASTER_USER": MASTER, "DB_MASTER_PASSWORD": MASTER_PASSWORD}
    query = f"sslmode=verify-full&sslrootcert={pg.ca_file}"
    return subprocess.run(
        [sys.executable, "-c", START.read_text(), "postgres", query, sys.executable, "-c", SHOW],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _server_log(pg: Postgres) -> str:
    return (Path(pg.ca_file).parent / "log").read_text(errors="replace")


def test_the_migration_container_makes_the_app_user_and_hands_over_the_master_users_tables(
    pg: Postgres,
) -> None:
    import psycopg

    # an older stack: its migrations ran as the master user
    with psycopg.connect(**_tls(pg, DB), user=MASTER, password=MASTER_PASSWORD, autocommit=True) as c:
        c.execute("CREATE TABLE legacy (id serial PRIMARY KEY, note text)")
        c.execute("CREATE VIEW legacy_notes AS SELECT note FROM legacy")
        c.execute("CREATE SEQUENCE invoice_numbers")

    password = secrets.token_urlsafe(32)
    first = _start(pg, password)
    assert first.returncode == 0, first.stderr[-2000:]
    seen = json.loads(first.stdout)
    assert (
        "DB_MASTER_USER" not in seen and "DB_MASTER_PASSWORD" not in seen
    )  # the release command never sees them
    assert seen["DATABASE_URL"].startswith(f"postgres://{APP_USER}:")
    assert "created" in first.stderr and password not in first.stderr  # the wrapper's own output

    with psycopg.connect(**_tls(pg, DB), user=APP_USER, password=password, autocommit=True) as conn:
        conn.execute("CREATE TABLE app_owned (id int)")  # the next migrations run as the app user
        conn.execute("ALTER TABLE legacy ADD COLUMN amount int")  # and may change the old tables
        conn.execute("INSERT INTO legacy (note) VALUES ('x')")  # (the serial sequence moved with it)
        conn.execute("SELECT nextval('invoice_numbers')")
        owners = dict(
            conn.execute(
                "SELECT c.relname, r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
            ).fetchall()
        )
        assert set(owners.values()) == {APP_USER}, owners
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE ROLE intruder")  # none of the master user's powers

    # the server's DDL log has the role statements, never a password (a SCRAM verifier is sent)
    log = _server_log(pg)
    assert "ROLE" in log and "SCRAM-SHA-256$" in log
    assert password not in log and MASTER_PASSWORD not in log


def test_a_second_run_keeps_the_user_and_takes_the_secrets_current_password(pg: Postgres) -> None:
    import psycopg

    assert _start(pg, "first-" + secrets.token_hex(16)).returncode == 0
    password = "second-" + secrets.token_hex(16)  # the app user's secret was changed
    again = _start(pg, password)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "password and grants checked" in again.stderr
    with psycopg.connect(**_tls(pg, DB), user=APP_USER, password=password) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (APP_USER,)


def test_the_app_user_cannot_be_the_master_user(pg: Postgres) -> None:
    proc = _start(pg, MASTER_PASSWORD, user=MASTER)
    assert proc.returncode != 0
    assert "DB_USER" in proc.stderr and "not the master user" in proc.stderr
    assert MASTER_PASSWORD not in proc.stderr + proc.stdout


def test_web_containers_never_connect_as_the_master_user(pg: Postgres) -> None:
    """Without the master variables (the web service), the wrapper only builds DATABASE_URL."""
    proc = _start(pg, "unused", master=False, user="nobody_here")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "nobody_here" not in _server_log(pg)


def _start_with_bundle(
    pg: Postgres, bundle: str, tmp: Path, command: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """The stack's wrapper as the task definitions run it: QUERY sslmode=require, the region's
    CA bundle in DB_CA_BUNDLE (here: the test server's own certificate, or another one)."""
    env = {
        "PATH": os.environ["PATH"],
        "TMPDIR": str(tmp),
        "DB_HOST": pg.host,
        "DB_PORT": str(pg.port),
        "DB_NAME": DB,
        "DB_USER": MASTER,
        "DB_PASSWORD": MASTER_PASSWORD,
        "DB_CA_BUNDLE": bundle,
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            START.read_text(),
            "postgres",
            "sslmode=require",
            sys.executable,
            "-c",
            command,
            *args,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# Connects with DATABASE_URL, or (argument "plain") from the DB_* parts with no TLS options
# at all, as settings that ignore DATABASE_URL do; prints what it saw.
CONNECT = """
import json, os, sys, psycopg
e = os.environ
if sys.argv[-1] == "plain":
    parts = zip(("host", "port", "dbname", "user", "password"), ("HOST", "PORT", "NAME", "USER", "PASSWORD"))
    conn = psycopg.connect(**{k: e["DB_" + v] for k, v in parts})
else:
    conn = psycopg.connect(e["DATABASE_URL"])
tls = ("DB_SSLMODE", "DB_SSLROOTCERT", "PGSSLMODE", "PGSSLROOTCERT")
print(json.dumps({
    "url": e["DATABASE_URL"], "ssl": conn.info.pgconn.ssl_in_use, "bundle_left": "DB_CA_BUNDLE" in e,
    "tls": {k: v for k, v in e.items() if k in tls},
}))
"""


def test_with_the_ca_bundle_every_connection_verifies_the_server(pg: Postgres, tmp_path: Path) -> None:
    done = _start_with_bundle(pg, Path(pg.ca_file).read_text(), tmp_path, CONNECT)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout)
    ca_file = str(tmp_path / "zonke-db-ca.pem")
    assert seen["url"].endswith(f"?sslmode=verify-full&sslrootcert={ca_file}"), seen["url"]
    assert seen["ssl"] and not seen["bundle_left"]
    # libpq's own variables: a connection made from the DB_* parts verifies too
    assert seen["tls"] == {
        "DB_SSLMODE": "verify-full", "DB_SSLROOTCERT": ca_file,
        "PGSSLMODE": "verify-full", "PGSSLROOTCERT": ca_file,
    }  # fmt: skip
    assert Path(ca_file).read_text() == Path(pg.ca_file).read_text()
    plain = _start_with_bundle(pg, Path(pg.ca_file).read_text(), tmp_path, CONNECT, "plain")
    assert plain.returncode == 0 and json.loads(plain.stdout)["ssl"], plain.stderr[-2000:]


def test_with_another_ca_bundle_no_connection_is_made(pg: Postgres, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run(
        ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1",
         "-keyout", str(other / "k.pem"), "-out", str(other / "c.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    for how in ("url", "plain"):
        done = _start_with_bundle(pg, (other / "c.pem").read_text(), tmp_path, CONNECT, how)
        assert done.returncode != 0, how
        assert "certificate verify failed" in done.stderr, done.stderr[-2000:]
    # without a bundle (an empty DB_CA_BUNDLE) the stack's QUERY stands: TLS, no server check
    bare = _start_with_bundle(pg, "", tmp_path, "import os; print(os.environ['DATABASE_URL'])")
    assert bare.returncode == 0 and bare.stdout.strip().endswith("?sslmode=require"), bare.stderr
