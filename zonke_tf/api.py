"""The Python API: connect to a deployed stack, then call the day-2 operations on it.

from zonke_tf import api, ops
stack = api.connect(local=True)          # reads zonke.toml, the stack's outputs
ops.secrets_set(stack, "STRIPE_KEY", "sk_live_...")
ops.scale(stack, minimum=2, maximum=6)
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zonke_tf.config import AppConfig, find_config, load_config
from zonke_tf.engine import Workspace, discover_terraform
from zonke_tf.errors import NoLocalStackError, OperationError
from zonke_tf.ops import Stack
from zonke_tf.target import EMULATOR_URL_ENV, AwsTarget, ClientFactory, LocalTarget, Target, target_for

OUTPUTS_CACHE = "outputs.json"

Info = Callable[[str], None]


def client_factory(config: AppConfig, endpoint: str | None) -> ClientFactory:
    """A function making boto3 clients for the stack (kept for importers: the target's)."""
    return target_for(endpoint).client_factory(config.app.region)


def open_target(
    project: Path, local: bool, start_emulator: bool = False, on_info: Info | None = None
) -> Target:
    """Where the stack of ``project`` lives: AWS, or the project's local emulator (started
    in the background when ``start_emulator``; otherwise it must be running already)."""
    stage_emulator = os.environ.get(EMULATOR_URL_ENV)
    if stage_emulator:
        # Inside a stage of a local pipeline run: the stage's emulator and role.
        from zonke_tf.local import Credentials

        creds = Credentials(
            os.environ.get("AWS_ACCESS_KEY_ID", ""),
            os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            os.environ.get("AWS_SESSION_TOKEN") or None,
        )
        return LocalTarget(stage_emulator, credentials=creds if creds.access_key_id else None)
    if not local:
        return AwsTarget()
    from zonke_tf.local import Emulator, translated  # the emulator is loaded for --local only

    emulator = Emulator.background(project)
    if start_emulator:
        with translated():
            endpoint, started = emulator.ensure_running()
        if on_info:
            on_info(f"Local AWS emulator {'started' if started else 'running'} at {endpoint}")
    else:
        found = emulator.running_url()
        if found is None:
            raise NoLocalStackError(
                "there is no local stack: the local emulator is not running; run `zonke deploy --local` first"
            )
        endpoint = found
    return LocalTarget(endpoint, stop=emulator.stop, credentials=emulator.credentials())


def open_workspace(
    config_path: Path | None = None,
    env: str | None = None,
    local: bool = False,
    terraform: str | None = None,
    *,
    start_emulator: bool = False,
    on_info: Info | None = None,
) -> Workspace:
    """The one way to open the workspace of an app: the CLI, the Python API and the dashboard
    all call this. Reads and validates ``zonke.toml`` (default: the nearest one) before
    anything else, finds Terraform, and picks the target (AWS, or the local emulator)."""
    path = config_path or find_config()
    config = load_config(path, env=env)
    project = path.resolve().parent
    binary = discover_terraform(terraform)
    if on_info:
        on_info(f"Using Terraform: {binary.describe()}")
    target = open_target(project, local, start_emulator, on_info)
    return Workspace(config, project, binary, target=target, config_path=path)


def workspace(
    config_path: Path | None = None,
    env: str | None = None,
    local: bool = False,
    terraform: str | None = None,
) -> tuple[Workspace, AppConfig, Path]:
    """(workspace, config, config path) of an app whose stack exists (see :func:`open_workspace`)."""
    ws = open_workspace(config_path, env, local, terraform)
    assert ws.config_path is not None
    return ws, ws.config, ws.config_path


def stack_outputs(ws: Workspace, refresh: bool = False) -> dict[str, Any]:
    """The stack's Terraform outputs, from the cache the last apply wrote, else from Terraform."""
    cache = ws.dir / OUTPUTS_CACHE
    if cache.is_file() and not refresh:
        return dict(json.loads(cache.read_text()))
    ws.prepare(probe=False)
    ws.init()
    outputs = ws.outputs()
    save_outputs(ws, outputs)
    return outputs


def save_outputs(ws: Workspace, outputs: dict[str, Any]) -> None:
    ws.dir.mkdir(parents=True, exist_ok=True)
    (ws.dir / OUTPUTS_CACHE).write_text(json.dumps(outputs, indent=2, sort_keys=True))


def connect_workspace(ws: Workspace) -> Stack:
    """A :class:`~zonke_tf.ops.Stack` for an opened workspace: its outputs and its target's clients."""
    outputs = stack_outputs(ws)
    if not outputs:
        raise OperationError(
            f"the stack has no outputs: is it deployed? run `zonke apply{ws.target.cli_flag}`"
        )
    return Stack(outputs=outputs, client=ws.target.client_factory(ws.config.app.region))


def connect(
    config_path: Path | None = None,
    env: str | None = None,
    local: bool = False,
    terraform: str | None = None,
) -> Stack:
    """A :class:`~zonke_tf.ops.Stack` for the app of ``config_path`` (default: the nearest zonke.toml)."""
    return connect_workspace(open_workspace(config_path, env, local, terraform))
