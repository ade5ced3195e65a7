"""`zonke check-app`: the app's side of the stack's contract, checked on this machine.

It runs what the stack runs, the way the stack runs it, on a copy of the app folder:
collectstatic with no environment (as in the image build), the release commands (the
migration first) through the stack's start wrapper against a throwaway PostgreSQL with TLS
shaped like RDS (a master user that is no superuser; the app signs in as its own user),
`check --deploy` with the stack's environment, and the requests the load balancer's health
check (Host = a private IP) and CloudFront (Host = the site, CloudFront-Forwarded-Proto:
https) send: first through Django's test client, then to the web command itself (gunicorn,
as the task definition runs it) serving from a read-only copy of the folder, as the
container's read-only root filesystem does. Each failure comes with its fix.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.config import AppConfig
from zonke_tf.detect import parse_dockerfile
from zonke_tf.engine import STACK_ROOT, stack_sources
from zonke_tf.errors import ToolNotFoundError
from zonke_tf.localpg import PG_HINT, free_port, postgres_server, psql, rds_like

SITE = "d111111abcdef8.cloudfront.net"
PRIVATE_IP = "10.0.1.23"
IGNORE = shutil.ignore_patterns(".git", ".zonke", ".venv", "venv", "node_modules", "__pycache__", "*.pyc")
HELPER_FIX = "add `from zonke_django import configure` and `configure(globals())` at the end of your settings"

PROBE = """
import json, os, sys
import django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
def get(path, **headers):
    r = client.get(path, headers=headers)
    body = r.content.decode(errors="replace")[:4000]
    return {"status": r.status_code, "location": r.get("Location", ""), "body": body}
print(json.dumps({
    "health": get(sys.argv[1], host=sys.argv[2]),
    "site": get("/", host=sys.argv[3], cloudfront_forwarded_proto="https"),
}))
"""


@dataclass(frozen=True)
class Finding:
    step: str
    ok: bool
    detail: str
    fix: str = ""


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _page_text(body: str) -> str:
    """An HTML error page as a short line of text: its title, else its words."""
    title = re.search(r"<title>(.*?)</title>", body, re.IGNORECASE | re.DOTALL)
    text = title.group(1) if title else re.sub(r"<[^>]+>", " ", body)
    return " ".join(text.split())[:200]


def stack_environment(config: AppConfig, writable: Path) -> dict[str, str]:
    """The plain part of the container contract, with a throwaway secret key and no database;
    ``writable`` stands for the container's /tmp."""
    env = dict(config.django.environment)
    env.update(
        {
            "DJANGO_ALLOWED_HOSTS": SITE,
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
            "STATIC_URL": f"https://{SITE}/static/",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "HEALTH_CHECK_PATH": config.django.health_path,
            "AWS_REGION": config.app.region,
            "XDG_RUNTIME_DIR": str(writable),
        }
    )
    if config.django.settings_module:
        env["DJANGO_SETTINGS_MODULE"] = config.django.settings_module
    return env


APP_USER = "app_user"  # the stack's default [database] app user (modules/rds app_username)
SERVE_WAIT_S = 60


def image_environment(config: AppConfig, repo: Path) -> dict[str, str]:
    """The ENV of the image's last stage: the container starts with it, under the task's own."""
    path = repo / (config.django.dockerfile or f"{config.django.project_path}/Dockerfile")
    found = parse_dockerfile(path, repo).env if path.is_file() else {}
    # PATH and HOME are this machine's; a value naming another variable ($PATH) is not expanded here.
    return {k: v for k, v in found.items() if k not in ("PATH", "HOME") and "$" not in v}


def _files(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*") if not p.is_symlink()}


def _read_only(folder: Path) -> None:
    """Take write permission away from the copy, as the container's read-only root does (it
    binds only non-root users: as root the before/after listing catches writes instead)."""
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _request(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read().decode(errors="replace")[:4000]
        return response.status, response.getheader("Location") or "", body
    finally:
        conn.close()


def _site_finding(step: str, status: int, location: str, body: str) -> Finding:
    if status in (301, 302, 307, 308) and location.startswith(f"https://{SITE}/"):
        return Finding(
            step,
            False,
            f"GET / redirects to {location} although CloudFront already served HTTPS: a redirect loop",
            "set SECURE_PROXY_SSL_HEADER = ('HTTP_CLOUDFRONT_FORWARDED_PROTO', 'https'); " + HELPER_FIX,
        )
    if status == 400 or status >= 500:
        return Finding(
            step,
            False,
            f"GET / with Host: {SITE} answered {status}: {_page_text(body)}",
            "ALLOWED_HOSTS must come from DJANGO_ALLOWED_HOSTS, and the page must work with the "
            "stack's database; " + HELPER_FIX,
        )
    return Finding(step, True, f"GET / answered {status}")


def _health_finding(step: str, path: str, status: int, body: str) -> Finding:
    if status != 200:
        return Finding(
            step,
            False,
            f"GET {path} with Host: {PRIVATE_IP} answered {status}: {_page_text(body)}",
            "the load balancer checks by the task's IP address, which is no allowed host: "
            f"{HELPER_FIX} (its middleware answers first), or set [django] health_path",
        )
    return Finding(step, True, f"{path} answers 200 by IP")


class _Runner:
    """Runs the app's interpreter in the copy, with only the environment given (as a container)."""

    def __init__(self, python: str, app: Path, home: Path, tmp: Path, image_env: dict[str, str]) -> None:
        self.python, self.app = python, app
        self.base = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "LC_ALL": "C.UTF-8",
            **image_env,
        }

    def env(self, extra: dict[str, str]) -> dict[str, str]:
        return {**self.base, **extra}

    def run(self, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.python, *argv],
            cwd=self.app,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )


def _start_wrapper(python: str) -> list[str]:
    """The stack's container start (main.tf `start_wrapper`): DATABASE_URL from the DB_* parts,
    and, in the migration container, the app's own user made from the master user."""
    return ["-c", _wrapper_source(), "postgres", "sslmode=require", python]


@functools.cache
def _wrapper_source() -> str:
    return (stack_sources() / STACK_ROOT / "container_start.py").read_text()


def _migrate(
    config: AppConfig, runner: _Runner, env: dict[str, str], stack: ExitStack, say: Callable[[str], None]
) -> tuple[Finding, dict[str, str]]:
    """The release commands against an RDS-shaped PostgreSQL; returns the web's DB_* variables."""
    if config.database.engine != "postgres":
        return Finding(
            "migrate", True, "not run here: check-app has a PostgreSQL only (the stack's is MySQL)"
        ), {}
    say("the release commands against a throwaway PostgreSQL with TLS, as the Migrate step runs them")
    try:
        server = stack.enter_context(postgres_server())
    except ToolNotFoundError:
        return Finding("migrate", False, "no PostgreSQL server on this machine", PG_HINT), {}
    db = rds_like(server)
    web_env = {
        "DB_HOST": server.host,
        "DB_PORT": str(server.port),
        "DB_NAME": db.dbname,
        "DB_USER": APP_USER,
        "DB_PASSWORD": secrets.token_hex(24),
        # The server's own certificate stands in for the region's RDS bundle: verify-full.
        "DB_CA_BUNDLE": Path(server.ca_file).read_text(),
    }
    master = {"DB_MASTER_USER": db.master_user, "DB_MASTER_PASSWORD": db.master_password}
    for command in config.django.manage_commands():
        done = runner.run([*_start_wrapper(runner.python), *command[1:]], {**env, **web_env, **master})
        if done.returncode != 0:
            shown = " ".join(command[2:])
            return Finding(
                "migrate",
                False,
                f"`manage.py {shown}` failed: {_tail(done.stderr)}",
                "the settings must read the database from the stack's DB_* variables or DATABASE_URL "
                f"(PostgreSQL over TLS); {HELPER_FIX}",
            ), web_env
    owner = psql(server, "SELECT tableowner FROM pg_tables WHERE tablename = 'django_migrations'", db.dbname)
    if owner != APP_USER:
        return Finding(
            "migrate",
            False,
            "the migration ran, but not in the stack's database: the settings do not read it from "
            "the environment (DB_* or DATABASE_URL)",
            HELPER_FIX,
        ), web_env
    shown = ", ".join(f"`{c}`" for c in config.django.release_commands)
    return Finding(
        "migrate",
        True,
        f"{shown} ran against PostgreSQL as the app's own user, the server verified (verify-full)",
    ), web_env


def _serve(config: AppConfig, runner: _Runner, env: dict[str, str], writable: Path) -> list[Finding]:
    """The task definition's web command, serving from the read-only copy."""
    if runner.run(["-c", "import gunicorn"], {}).returncode != 0:
        return [
            Finding(
                "serve",
                False,
                f"gunicorn is not installed for {runner.python}",
                "add gunicorn to your requirements: the stack serves the app with it",
            )
        ]
    port = free_port()
    argv = [
        *_start_wrapper(runner.python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
        "--worker-tmp-dir", str(writable), "--access-logfile", "-",
    ]  # fmt: skip
    if config.django.asgi_application:
        argv += ["--worker-class", "uvicorn_worker.UvicornWorker"]
    argv.append(config.django.application)
    before = _files(runner.app)
    _read_only(runner.app)
    log = writable / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [runner.python, *argv], cwd=runner.app, env=runner.env(env), stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + SERVE_WAIT_S
        while time.monotonic() < deadline and process.poll() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            return [
                Finding(
                    "serve",
                    False,
                    f"the web command did not serve: {_tail(log.read_text())}",
                    "it must start with the read-only folder and the stack's environment; "
                    "write only under /tmp",
                )
            ]
        health = _request(port, config.django.health_path, {"Host": PRIVATE_IP})
        site = _request(port, "/", {"Host": SITE, "CloudFront-Forwarded-Proto": "https"})
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    findings = [
        _health_finding("serve: health check", config.django.health_path, health[0], health[2]),
        _site_finding("serve: through CloudFront", *site),
    ]
    errors = [
        line for line in log.read_text(errors="replace").splitlines()
        if "[ERROR]" in line or "Read-only file system" in line or "Permission denied" in line
    ]  # fmt: skip
    written = sorted(
        name
        for name, mtime in _files(runner.app).items()
        # Python skips bytecode it cannot write: no error in the container.
        if before.get(name) != mtime and "__pycache__" not in name
    )
    if errors or written:
        findings.append(
            Finding(
                "serve: read-only folder",
                False,
                "; ".join([*errors[:3], *(f"wrote {name} in the app folder" for name in written[:3])]),
                "the container's root filesystem is read-only apart from /tmp (the stack points "
                "XDG_RUNTIME_DIR there): write under /tmp",
            )
        )
    else:
        findings.append(Finding("serve: read-only folder", True, "nothing written outside /tmp, no errors"))
    return findings


def check_app(
    config: AppConfig, repo: Path, python: str, on_step: Callable[[str], None] | None = None
) -> list[Finding]:
    """Run the checks; ``python`` is the interpreter with the app's requirements installed."""
    say = on_step or (lambda _text: None)
    source = repo / config.django.project_path
    if not (source / "manage.py").is_file():
        return [
            Finding("project", False, f"no manage.py in {source}", "set [django] project_path in zonke.toml")
        ]
    return list(_checks(config, repo, python, source, say))


def _checks(
    config: AppConfig, repo: Path, python: str, source: Path, say: Callable[[str], None]
) -> Iterator[Finding]:
    with tempfile.TemporaryDirectory(prefix="zonke-check-app-") as tmp, ExitStack() as stack:
        app = Path(tmp) / "app"
        shutil.copytree(source, app, ignore=IGNORE)
        writable = Path(tmp) / "tmp"
        writable.mkdir()
        runner = _Runner(python, app, home=app, tmp=writable, image_env=image_environment(config, repo))
        run = runner.run

        say("collectstatic with no environment (as the image build runs it)")
        build_env = dict(config.django.environment)
        if config.django.settings_module:
            build_env["DJANGO_SETTINGS_MODULE"] = config.django.settings_module
        done = run(["manage.py", "collectstatic", "--noinput"], build_env)
        if done.returncode != 0:
            yield Finding(
                "collectstatic",
                False,
                _tail(done.stderr),
                ("set STATIC_ROOT (the folder [django] static_root names inside the image), or " + HELPER_FIX)
                if "STATIC_ROOT" in done.stderr
                else "the settings must import without the stack's environment (the build has none): "
                f"give every variable a default, or {HELPER_FIX}",
            )
        elif not list(app.rglob("staticfiles.json")):
            yield Finding(
                "collectstatic", False, "no staticfiles.json: static names are not hashed", HELPER_FIX
            )
        else:
            yield Finding("collectstatic", True, "static files collected with hashed names")

        env = stack_environment(config, writable)
        migrated, db_env = _migrate(config, runner, env, stack, say)
        yield migrated
        env.update(db_env)

        say("manage.py check --deploy with the stack's environment")
        done = run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], env)
        if done.returncode != 0:
            yield Finding("check --deploy", False, _tail(done.stderr), HELPER_FIX)
        else:
            yield Finding("check --deploy", True, "no errors")

        say("the load balancer's health check and a request through CloudFront")
        probe_env = dict(env)
        if "DJANGO_SETTINGS_MODULE" not in probe_env:
            # What manage.py would choose: its os.environ.setdefault(...) line.
            default = re.search(
                r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]", (app / "manage.py").read_text()
            )
            if default:
                probe_env["DJANGO_SETTINGS_MODULE"] = default.group(1)
        wrapped = [*_start_wrapper(python), "-c", PROBE] if db_env else ["-c", PROBE]
        done = run([*wrapped, config.django.health_path, PRIVATE_IP, SITE], probe_env)
        if done.returncode != 0:
            yield Finding("requests", False, _tail(done.stderr), HELPER_FIX)
            return
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        yield _health_finding(
            "health check", config.django.health_path, seen["health"]["status"], seen["health"]["body"]
        )
        site = seen["site"]
        yield _site_finding("through CloudFront", site["status"], site["location"], site["body"])

        say("the web command serving from a read-only copy of the folder")
        yield from _serve(config, runner, probe_env, writable)
