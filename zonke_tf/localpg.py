"""A throwaway PostgreSQL server on 127.0.0.1 (initdb + pg_ctl, no root needed), with TLS on
as RDS's ``rds.force_ssl``: for `zonke check-app` and the tests.

It runs as the current user unless that is root, in which case it runs as ``nobody``
(PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.errors import ToolNotFoundError

PG_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) are needed: install them "
    "(Debian: apt-get install postgresql) or put their folder on PATH"
)


@dataclass(frozen=True)
class Postgres:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    # The server's self-signed certificate (CN=127.0.0.1): the CA to verify it with
    # (sslmode=verify-full, sslrootcert=ca_file).
    ca_file: str = ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _find(binary: str) -> str:
    found = shutil.which(binary)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"), reverse=True):
        return str(candidate)
    raise ToolNotFoundError(PG_HINT)


@contextmanager
def postgres_server() -> Iterator[Postgres]:
    """Start a server in a fresh folder of its own (removed afterwards) and yield how to reach it."""
    base = Path(tempfile.mkdtemp(prefix="zonke-pg-"))
    try:
        with _server(base) as pg:
            yield pg
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def _server(base: Path) -> Iterator[Postgres]:
    initdb, pg_ctl = _find("initdb"), _find("pg_ctl")
    data = base / "pgdata"
    base.chmod(0o711)
    uid: int | None = None
    gid: int | None = None
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        os.chown(base, uid, gid)
    pwfile = base / "pw"
    password = "zonke-test-password"
    pwfile.write_text(password + "\n")
    if uid is not None and gid is not None:
        os.chown(pwfile, uid, gid)
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": str(base)}

    def as_server(argv: list[str], check: bool = True) -> None:
        """Run a server program in the server's folder, as the server's user."""
        subprocess.run(argv, check=check, capture_output=True, env=env, cwd=base, user=uid, group=gid)

    as_server(
        [initdb, "-D", str(data), "-U", "app", "--pwfile", str(pwfile), "-A", "scram-sha-256", "--no-sync"]
    )
    # TLS on, as on RDS with rds.force_ssl: the app connects with sslmode=require.
    subprocess.run(
        [
            "openssl",
            "req",
            "-new",
            "-x509",
            "-days",
            "1",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(base / "server.key"),
            "-out",
            str(base / "server.crt"),
        ],
        check=True,
        capture_output=True,
    )
    (base / "server.key").chmod(0o600)
    if uid is not None and gid is not None:
        for name in ("server.key", "server.crt"):
            os.chown(base / name, uid, gid)
    port = free_port()
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c fsync=off "
        f"-c ssl=on -c ssl_cert_file={base / 'server.crt'} -c ssl_key_file={base / 'server.key'}"
    )
    as_server([pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"])
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        yield Postgres(
            host="127.0.0.1",
            port=port,
            user="app",
            password=password,
            dbname="postgres",
            ca_file=str(base / "server.crt"),
        )
    finally:
        as_server([pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"], check=False)


def psql(pg: Postgres, statement: str, dbname: str | None = None) -> str:
    """Run one SQL statement as the server's superuser, with the server's own ``psql``; its
    output, unaligned and without headers."""
    done = subprocess.run(
        [_find("psql"), "-v", "ON_ERROR_STOP=1", "-q", "-tA", "-c", statement],
        env={
            "PATH": os.environ.get("PATH", ""),
            "PGHOST": pg.host,
            "PGPORT": str(pg.port),
            "PGUSER": pg.user,
            "PGPASSWORD": pg.password,
            "PGDATABASE": dbname or pg.dbname,
            "PGSSLMODE": "require",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode != 0:
        raise RuntimeError(f"psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


@dataclass(frozen=True)
class RdsLike:
    """A database shaped like the stack's RDS instance: a master user that may create roles
    and databases but is no superuser (RDS's ``rds_superuser`` is not one), owning the app's
    database. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.html
    """

    server: Postgres
    dbname: str
    master_user: str
    master_password: str


def rds_like(server: Postgres, dbname: str = "app", master_user: str = "zonke_master") -> RdsLike:
    password = secrets.token_hex(24)
    psql(server, f"CREATE ROLE {master_user} LOGIN CREATEROLE CREATEDB PASSWORD '{password}'")
    psql(server, f"CREATE DATABASE {dbname} OWNER {master_user}")
    return RdsLike(server=server, dbname=dbname, master_user=master_user, master_password=password)
