"""The local AWS emulator (moto server on 127.0.0.1): a package of its own.

It imports nothing of the wrapper (``zonke_tf``) and raises its own errors
(:mod:`zonke_emulator.errors`); the wrapper loads it only for ``--local``, through
``zonke_tf.local``. Its notes and compatibility fixes: README.md and compat/FIXES.md here.

The emulator runs in a child process (``python -m zonke_emulator.server``) that
first installs the compatibility layer in :mod:`zonke_emulator.compat` and then
serves moto on a free loopback port. Nothing it does leaves the machine.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from zonke_emulator.compat import MOTO_BELOW, MOTO_MINIMUM, MOTO_RANGE
from zonke_emulator.errors import EmulatorError, MotoUnavailableError

HOST = "127.0.0.1"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"

# Switches the emulator reads from its environment (see the emulator notes):
# AWS-managed IAM policies exist, ACM certificates validate at once, and ECS
# services report running tasks.
EMULATOR_ENV: Mapping[str, str] = {
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    "MOTO_ACM_VALIDATION_WAIT": "0",
    "MOTO_ECS_SERVICE_RUNNING": "1",
}

# Every AWS service the modules and the wrapper talk to. Terraform's provider
# gets an endpoint for each one, so no call can reach the real AWS.
SERVICES: tuple[str, ...] = (
    "acm",
    "appautoscaling",
    "autoscaling",
    "cloudfront",
    "cloudwatch",
    "codebuild",
    "codepipeline",
    "codestarconnections",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elasticache",
    "elbv2",
    "events",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "resourcegroupstaggingapi",
    "route53",
    "s3",
    "s3control",
    "scheduler",
    "secretsmanager",
    "sfn",
    "sns",
    "sqs",
    "ssm",
    "sts",
)

DUMMY_CREDENTIALS: Mapping[str, str] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
}


# The moto releases the compatibility layer is written and tested against: MOTO_MINIMUM,
# MOTO_BELOW and MOTO_RANGE live in zonke_emulator/compat/__init__.py, beside the fixes they bound.
MOTO_REQUIREMENT = f"moto[server]{MOTO_RANGE}"


def _release(version: str) -> tuple[int, ...]:
    """The numeric release part of a version string: '5.2.5.dev3' -> (5, 2, 5)."""
    parts: list[int] = []
    for piece in version.split("."):
        digits = "".join(itertools.takewhile(str.isdigit, piece))
        if not digits:
            break
        parts.append(int(digits))
        if len(digits) != len(piece):
            break
    return tuple(parts)


def check_moto(version_of: Callable[[str], str] = importlib.metadata.version) -> str:
    """Return the installed moto version, or raise MotoUnavailableError naming the installed and
    the required versions and the install command (before any process is started)."""
    fix = f"run `pip install 'zonke-tf[emulator]'` (or `pip install '{MOTO_REQUIREMENT}'`)"
    try:
        installed = version_of("moto")
    except importlib.metadata.PackageNotFoundError:
        raise MotoUnavailableError(
            f"the AWS emulator (moto) is not installed; it needs {MOTO_REQUIREMENT}: {fix}"
        ) from None
    release = _release(installed)
    if not MOTO_MINIMUM <= release < MOTO_BELOW:
        raise MotoUnavailableError(
            f"the AWS emulator needs {MOTO_REQUIREMENT}, but moto {installed} is installed "
            f"in {sys.executable}: {fix}"
        )
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        raise MotoUnavailableError(
            f"moto {installed} is installed but its server cannot load ({exc}): {fix}"
        ) from None
    return installed


STATE_FILE = "local-emulator.json"
# Opt-in: `ZONKE_LOCAL_IAM=1 zonke deploy --local` starts the emulator with IAM enforced
# (see zonke_emulator.iam): what a person runs uses the emulator's administrator key.
IAM_SWITCH = "ZONKE_LOCAL_IAM"
LOG_FILE = "local-emulator.log"
READY_PREFIX = "ZONKE_EMULATOR_READY "


def _signal(pid: int, sig: int) -> None:
    """Send ``sig`` to a process that may have exited meanwhile (then there is nothing to do)."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:  # reap it if it is our own child that has exited (a zombie still "exists")
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/zonke-compat/fixes", timeout=3):  # loopback only
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@dataclass
class Emulator:
    """The one launcher of the AWS emulator: a moto server process bound to 127.0.0.1.

    Two modes:

    * foreground (``state_dir=None``, the tests): a child of this process; use it as a
      context manager, or call :meth:`start` and :meth:`stop`. Its log is a temporary file.
    * background (``state_dir=<project>/.zonke``, ``zonke --local``): a process in its own
      session that outlives the command that started it and its Ctrl-C; its pid and URL are
      recorded in ``state_dir/local-emulator.json`` and its log in ``local-emulator.log``,
      so the next command finds it (:meth:`running_url`) and ``zonke destroy --local``
      stops it (:meth:`stop`). Its state lives in memory: stopping it forgets everything.
    """

    startup_timeout: float = 30.0
    extra_env: Mapping[str, str] = field(default_factory=dict)
    state_dir: Path | None = None
    # IAM enforcement: None lets the background mode follow IAM_SWITCH (foreground: off).
    enforce_iam: bool | None = None
    # Compatibility fixes to leave out: the canary tests run a fix's tests without it.
    without_fixes: tuple[str, ...] = ()
    admin: Any = field(default=None, init=False, repr=False)
    _proc: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)
    _log: Path | None = field(default=None, init=False, repr=False)
    port: int | None = field(default=None, init=False)

    # ----------------------------------------------------------------- the two modes

    @classmethod
    def background(cls, project_dir: Path, startup_timeout: float = 30.0) -> Emulator:
        """The background emulator of a project folder (its state in ``.zonke/``)."""
        return cls(startup_timeout=startup_timeout, state_dir=project_dir / ".zonke")

    @property
    def state_path(self) -> Path:
        if self.state_dir is None:
            raise EmulatorError("a foreground emulator has no state file")
        return self.state_dir / STATE_FILE

    @property
    def dir(self) -> Path:
        """The folder of the state file (kept for callers of the earlier LocalEmulator)."""
        return self.state_path.parent

    @property
    def url(self) -> str:
        if self.port is None:
            found = self.running_url() if self.state_dir is not None else None
            if found is None:
                raise EmulatorError("the emulator is not running; call start() first")
            return found
        return f"http://{HOST}:{self.port}"

    def running_url(self) -> str | None:
        """The URL of the running emulator, or None (background: found from the state file)."""
        if self.state_dir is None:
            return f"http://{HOST}:{self.port}" if self._proc is not None and self.port else None
        try:
            info = json.loads(self.state_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        url = str(info.get("url", ""))
        if _alive(int(info.get("pid", 0) or 0)) and url and _answers(url):
            return url
        return None

    def ensure_running(self) -> tuple[str, bool]:
        """(url, started_now): start the emulator unless it runs already."""
        url = self.running_url()
        if url:
            return url, False
        self.start()
        return self.url, True

    # ----------------------------------------------------------------- start and stop

    def start(self) -> Emulator:
        if self._proc is not None:
            return self
        check_moto()  # before any process starts: a clear message, not a traceback in a log
        env = dict(os.environ)
        env.update(DUMMY_CREDENTIALS)
        env.update(EMULATOR_ENV)
        env.update(self.extra_env)
        enforce = self._enforce()
        if enforce:
            from zonke_emulator.iam import FREE_REQUESTS

            env["INITIAL_NO_AUTH_ACTION_COUNT"] = str(FREE_REQUESTS)
        if self.state_dir is not None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            log_path = self.state_dir / LOG_FILE
        else:
            fd, name = tempfile.mkstemp(prefix="zonke-emulator-", suffix=".log")
            os.close(fd)
            log_path = self._log = Path(name)
        with open(log_path, "wb") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "zonke_emulator.server", "--host", HOST, "--port", "0"]
                + [arg for name in self.without_fixes for arg in ("--without", name)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                # background: survives this command and its Ctrl-C
                start_new_session=self.state_dir is not None,
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            first = log_path.read_text(errors="replace").splitlines()[:1]
            if first and first[0].startswith(READY_PREFIX):
                url = f"http://{HOST}:{int(first[0].split()[1])}"
                if _answers(url):
                    self.port = int(first[0].split()[1])
                    info: dict[str, Any] = {"pid": self._proc.pid, "url": url, "iam": enforce}
                    if enforce:
                        from zonke_emulator.iam import bootstrap_admin

                        self.admin = bootstrap_admin(url)
                        info["admin"] = self.admin.to_json()
                    if self.state_dir is not None:
                        # It may hold the administrator's key: readable by its owner only.
                        fd = os.open(self.state_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                        with os.fdopen(fd, "w") as out:
                            out.write(json.dumps(info))
                    return self
            if self._proc.poll() is not None:
                self._proc = None
                raise EmulatorError(f"the emulator exited at start; see {log_path}")
            time.sleep(0.1)
        self._terminate()
        raise EmulatorError(f"the emulator did not start within {self.startup_timeout:.0f} s; see {log_path}")

    def _enforce(self) -> bool:
        if self.enforce_iam is not None:
            return self.enforce_iam
        if self.state_dir is None:
            return False
        return os.environ.get(IAM_SWITCH, "") not in ("", "0", "false", "no")

    def _info(self) -> dict[str, Any]:
        if self.state_dir is None:
            return {}
        try:
            return dict(json.loads(self.state_path.read_text()))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    def iam_enforced(self) -> bool:
        """Whether the running emulator checks every request against IAM."""
        if self.state_dir is None:
            return self.admin is not None
        return bool(self._info().get("iam"))

    def credentials(self) -> Any:
        """What a person's commands use (:class:`zonke_emulator.iam.Credentials`): the
        administrator's key when IAM is enforced, dummy keys otherwise."""
        from zonke_emulator.iam import DUMMY, Credentials

        if self.admin is not None:
            return self.admin
        admin = self._info().get("admin")
        return Credentials.from_json(admin) if isinstance(admin, dict) else DUMMY

    def _get(self, path: str) -> bytes:
        with urllib.request.urlopen(f"{self.url}{path}", timeout=10) as resp:
            return bytes(resp.read())

    def reset(self) -> None:
        """Forget every resource: the emulator's state lives in memory."""
        req = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=30):
            pass

    def applied_fixes(self) -> list[str]:
        """Names of the compatibility fixes the running emulator installed."""
        return list(json.loads(self._get("/zonke-compat/fixes")))

    def log_path(self) -> Path | None:
        """The emulator's log file (requests, tracebacks), or None before a foreground start."""
        return self.state_dir / LOG_FILE if self.state_dir is not None else self._log

    def server_errors(self, limit: int = 20) -> list[str]:
        """The calls the emulator answered with HTTP 5xx (its own faults, not the caller's),
        with the last traceback it logged: what to look at when an apply fails with an error
        like "already exists" (the SDK repeated a call that had failed half-way)."""
        from zonke_emulator.server import SERVER_ERROR_PREFIX

        path = self.log_path()
        try:
            lines = path.read_text(errors="replace").splitlines() if path else []
        except FileNotFoundError:
            return []
        errors = [ln[len(SERVER_ERROR_PREFIX) :] for ln in lines if ln.startswith(SERVER_ERROR_PREFIX)]
        starts = [i for i, ln in enumerate(lines) if ln.startswith("Traceback (most recent call last)")]
        if errors and starts:
            errors.append("\n".join(lines[starts[-1] : starts[-1] + 60]))
        return errors[-limit:]

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        self.port = None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)

    def stop(self) -> bool:
        """Stop the emulator; True if one was running."""
        if self.state_dir is None:
            running = self._proc is not None
            self._terminate()
            if self._log is not None:
                self._log.unlink(missing_ok=True)
                self._log = None
            return running
        self._terminate()
        try:
            info = json.loads(self.state_path.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return False
        pid = int(info.get("pid", 0) or 0)
        stopped = False
        if pid and _alive(pid):
            # The process may exit at any moment, between a check and a signal (the soak saw
            # it, under load): a process that is already gone is stopped, not an error.
            _signal(pid, signal.SIGTERM)
            for _ in range(100):
                if not _alive(pid):
                    break
                time.sleep(0.05)
            else:
                _signal(pid, signal.SIGKILL)
            stopped = True
        self.state_path.unlink(missing_ok=True)
        return stopped

    def client_env(self) -> dict[str, str]:
        """Environment variables that point AWS SDKs (and Terraform) at this emulator."""
        env = dict(DUMMY_CREDENTIALS)
        env["AWS_ENDPOINT_URL"] = self.url
        return env

    def boto3_session(self) -> _EmulatorSession:
        """A boto3 session whose clients talk to this emulator only."""
        import boto3

        return _EmulatorSession(
            boto3.session.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                aws_session_token="testing",
                region_name=REGION,
            ),
            self.url,
        )

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _EmulatorSession:
    """A thin boto3 session wrapper whose clients always use the emulator endpoint."""

    def __init__(self, session: Any, url: str) -> None:
        self._session = session
        self.url = url
        self.region_name = session.region_name

    def client(self, service: str, **kwargs: Any) -> Any:
        kwargs.setdefault("endpoint_url", self.url)
        return self._session.client(service, **kwargs)


def provider_block(
    url: str, region: str = REGION, default_tags: Mapping[str, str] | None = None, keys: bool = True
) -> str:
    """HCL for an aws provider block that talks only to the emulator at ``url`` (without
    ``keys``, the credentials come from the environment)."""
    endpoints = "\n".join(f'    {svc:<25} = "{url}"' for svc in SERVICES)
    tags = ""
    if default_tags:
        items = "\n".join(f'      "{k}" = "{v}"' for k, v in sorted(default_tags.items()))
        tags = f"\n  default_tags {{\n    tags = {{\n{items}\n    }}\n  }}\n"
    key_lines = ""
    if keys:
        key_lines = '  access_key                  = "testing"\n  secret_key                  = "testing"\n'
    return f'''provider "aws" {{
  region                      = "{region}"
{key_lines}  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  # An unimplemented call answers HTTP 500: fail in seconds instead of retrying for minutes.
  max_retries = 2
{tags}
  endpoints {{
{endpoints}
  }}
}}
'''
