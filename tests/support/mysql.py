"""A throwaway MySQL-compatible server (MariaDB, Debian's mariadb-server) on 127.0.0.1 with
TLS required, as RDS MySQL with the stack's require_secure_transport; for the tests of the
start wrapper's MySQL path. The server's own superuser is reached over its socket only."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.localpg import free_port

MYSQL_HINT = "MariaDB server binaries are needed: apt-get install mariadb-server (scripts/setup in CI)"


@dataclass(frozen=True)
class MySQL:
    host: str
    port: int
    socket: str

    def sql(self, statement: str) -> str:
        """Run SQL as the server's superuser (over the socket)."""
        done = subprocess.run(
            [_find("mariadb"), f"--socket={self.socket}", "-uroot", "-N", "-B", "-e", statement],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(done.stderr)
        return done.stdout.strip()


def _find(binary: str) -> str:
    found = shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/usr/bin")
    if not found:
        raise FileNotFoundError(MYSQL_HINT)
    return found


@contextmanager
def mysql_server() -> Iterator[MySQL]:
    base = Path(tempfile.mkdtemp(prefix="zonke-mysql-"))
    data = base / "data"
    process = None
    try:
        subprocess.run(
            [_find("mariadb-install-db"), f"--datadir={data}", "--user=root",
             "--auth-root-authentication-method=socket", "--skip-test-db"],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        subprocess.run(
            ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", str(base / "server.key"), "-out", str(base / "server.crt")],
            check=True, capture_output=True,
        )  # fmt: skip
        port = free_port()
        sock = base / "mysqld.sock"
        process = subprocess.Popen(
            [_find("mariadbd"), "--no-defaults", f"--datadir={data}", "--user=root", f"--port={port}",
             "--bind-address=127.0.0.1", f"--socket={sock}", f"--pid-file={base / 'mysqld.pid'}",
             f"--ssl-cert={base / 'server.crt'}", f"--ssl-key={base / 'server.key'}",
             "--require-secure-transport=ON", "--skip-log-bin", f"--log-error={base / 'error.log'}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not sock.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"mariadbd did not start: {(base / 'error.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield MySQL(host="127.0.0.1", port=port, socket=str(sock))
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(base, ignore_errors=True)
