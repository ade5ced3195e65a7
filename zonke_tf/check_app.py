"""`zonke check-app`: the app's side of the stack's contract, checked on this machine.

It runs what the stack runs, the way the stack runs it, on a copy of the app folder:
collectstatic with no environment (as in the image build), `check --deploy` with the
stack's environment, and the requests the load balancer's health check (Host = a private
IP) and CloudFront (Host = the site, CloudFront-Forwarded-Proto: https) send. Each failure
comes with its fix. Not covered yet: migrate against PostgreSQL, and serving with the
web command on a read-only folder.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zonke_tf.config import AppConfig

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
    body = r.content.decode(errors="replace")[-400:]
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


def stack_environment(config: AppConfig) -> dict[str, str]:
    """The plain part of the container contract, with a throwaway secret key and no database."""
    env = dict(config.django.environment)
    env.update(
        {
            "DJANGO_ALLOWED_HOSTS": SITE,
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
            "STATIC_URL": f"https://{SITE}/static/",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "HEALTH_CHECK_PATH": config.django.health_path,
            "AWS_REGION": config.app.region,
        }
    )
    if config.django.settings_module:
        env["DJANGO_SETTINGS_MODULE"] = config.django.settings_module
    return env


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
    findings: list[Finding] = []
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp")}
    with tempfile.TemporaryDirectory(prefix="zonke-check-app-") as tmp:
        app = Path(tmp) / "app"
        shutil.copytree(source, app, ignore=IGNORE)

        def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [python, *argv], cwd=app, env={**base, **env}, capture_output=True, text=True, timeout=600
            )

        say("collectstatic with no environment (as the image build runs it)")
        build_env = dict(config.django.environment)
        if config.django.settings_module:
            build_env["DJANGO_SETTINGS_MODULE"] = config.django.settings_module
        done = run(["manage.py", "collectstatic", "--noinput"], build_env)
        if done.returncode != 0:
            findings.append(
                Finding(
                    "collectstatic",
                    False,
                    _tail(done.stderr),
                    (
                        "set STATIC_ROOT (the folder [django] static_root names inside the image), or "
                        + HELPER_FIX
                    )
                    if "STATIC_ROOT" in done.stderr
                    else "the settings must import without the stack's environment (the build has none): "
                    f"give every variable a default, or {HELPER_FIX}",
                )
            )
        elif not list(app.rglob("staticfiles.json")):
            findings.append(
                Finding(
                    "collectstatic", False, "no staticfiles.json: static names are not hashed", HELPER_FIX
                )
            )
        else:
            findings.append(Finding("collectstatic", True, "static files collected with hashed names"))

        env = stack_environment(config)
        say("manage.py check --deploy with the stack's environment")
        done = run(["manage.py", "check", "--deploy", "--fail-level", "ERROR"], env)
        if done.returncode != 0:
            findings.append(Finding("check --deploy", False, _tail(done.stderr), HELPER_FIX))
        else:
            findings.append(Finding("check --deploy", True, "no errors"))

        say("the load balancer's health check and a request through CloudFront")
        probe_env = dict(env)
        if "DJANGO_SETTINGS_MODULE" not in probe_env:
            # What manage.py would choose: its os.environ.setdefault(...) line.
            default = re.search(
                r"DJANGO_SETTINGS_MODULE['\"]\s*,\s*['\"]([\w.]+)['\"]", (app / "manage.py").read_text()
            )
            if default:
                probe_env["DJANGO_SETTINGS_MODULE"] = default.group(1)
        done = run(["-c", PROBE, config.django.health_path, PRIVATE_IP, SITE], probe_env)
        if done.returncode != 0:
            findings.append(Finding("requests", False, _tail(done.stderr), HELPER_FIX))
            return findings
        seen = json.loads(done.stdout.strip().splitlines()[-1])
        health = seen["health"]
        if health["status"] != 200:
            findings.append(
                Finding(
                    "health check",
                    False,
                    f"GET {config.django.health_path} with Host: {PRIVATE_IP} answered {health['status']}: "
                    f"{_tail(health['body'], 2)}",
                    "the load balancer checks by the task's IP address, which is no allowed host: "
                    f"{HELPER_FIX} (its middleware answers first), or set [django] health_path",
                )
            )
        else:
            findings.append(Finding("health check", True, f"{config.django.health_path} answers 200 by IP"))
        site = seen["site"]
        if site["status"] in (301, 302, 307, 308) and site["location"].startswith(f"https://{SITE}/"):
            findings.append(
                Finding(
                    "through CloudFront",
                    False,
                    f"GET / redirects to {site['location']} although CloudFront already served HTTPS: "
                    "a redirect loop",
                    "set SECURE_PROXY_SSL_HEADER = ('HTTP_CLOUDFRONT_FORWARDED_PROTO', 'https'); "
                    + HELPER_FIX,
                )
            )
        elif site["status"] == 400 or site["status"] >= 500:
            findings.append(
                Finding(
                    "through CloudFront",
                    False,
                    f"GET / with Host: {SITE} answered {site['status']}: {_tail(site['body'], 2)}",
                    "ALLOWED_HOSTS must come from DJANGO_ALLOWED_HOSTS; " + HELPER_FIX,
                )
            )
        else:
            findings.append(Finding("through CloudFront", True, f"GET / answered {site['status']}"))
    return findings
