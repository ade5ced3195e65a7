"""A throwaway PostgreSQL server on 127.0.0.1 for tests (initdb + pg_ctl, no root needed).

It runs as the current user unless that is root, in which case it runs as ``nobody``
(PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _find(binary: str) -> str:
    found = shutil.which(binary)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{binary}"), reverse=True):
        return str(candidate)
    raise FileNotFoundError(PG_HINT)


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
    run_as: dict[str, object] = {}
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        run_as = {"user": nobody.pw_uid, "group": nobody.pw_gid}
    pwfile = base / "pw"
    password = "zonke-test-password"
    pwfile.write_text(password + "\n")
    if run_as:
        os.chown(pwfile, int(run_as["user"]), int(run_as["group"]))  # type: ignore[call-overload]
    env = {"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8", "HOME": str(base)}
    subprocess.run(
        [initdb, "-D", str(data), "-U", "app", "--pwfile", str(pwfile), "-A", "scram-sha-256", "--no-sync"],
        check=True,
        capture_output=True,
        env=env,
        cwd=base,
        **run_as,  # type: ignore[arg-type]
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
    if run_as:
        for name in ("server.key", "server.crt"):
            os.chown(base / name, int(run_as["user"]), int(run_as["group"]))  # type: ignore[call-overload]
    port = _free_port()
    opts = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={base} -c fsync=off "
        f"-c ssl=on -c ssl_cert_file={base / 'server.crt'} -c ssl_key_file={base / 'server.key'}"
    )
    subprocess.run(
        [pg_ctl, "-D", str(data), "-o", opts, "-l", str(base / "log"), "-w", "start"],
        check=True,
        capture_output=True,
        env=env,
        cwd=base,
        **run_as,  # type: ignore[arg-type]
    )
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
        subprocess.run(
            [pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            cwd=base,
            check=False,
            **run_as,  # type: ignore[arg-type]
        )
