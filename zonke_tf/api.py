"""The Python API: connect to a deployed stack, then call the day-2 operations on it.

from zonke_tf import api, ops
stack = api.connect(local=True)          # reads zonke.toml, the stack's outputs
ops.secrets_set(stack, "STRIPE_KEY", "sk_live_...")
ops.scale(stack, minimum=2, maximum=6)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zonke_tf.config import AppConfig, find_config, load_config
from zonke_tf.engine import TerraformBinary, Workspace, discover_terraform
from zonke_tf.errors import OperationError
from zonke_tf.local import LocalEmulator
from zonke_tf.ops import Stack

OUTPUTS_CACHE = "outputs.json"


def client_factory(config: AppConfig, endpoint: str | None) -> Any:
    """A function making boto3 clients for the stack: its region, or the local emulator."""
    import boto3
    from botocore.config import Config

    retry = Config(retries={"max_attempts": 3, "mode": "standard"})
    if endpoint:
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=config.app.region
        )
        return lambda service: session.client(service, endpoint_url=endpoint, config=retry)
    session = boto3.session.Session(region_name=config.app.region)
    return lambda service: session.client(service, config=retry)


def workspace(
    config_path: Path | None = None,
    env: str | None = None,
    local: bool = False,
    terraform: str | None = None,
) -> tuple[Workspace, AppConfig, Path]:
    path = config_path or find_config()
    config = load_config(path, env=env)
    project = path.resolve().parent
    endpoint = None
    if local:
        endpoint = LocalEmulator(project).running_url()
        if endpoint is None:
            raise OperationError(
                "no local stack: the local emulator is not running; run `zonke deploy --local`"
            )
    binary: TerraformBinary = discover_terraform(terraform)
    return Workspace(config, project, binary, local_endpoint=endpoint), config, path


def stack_outputs(ws: Workspace, refresh: bool = False) -> dict[str, Any]:
    """The stack's Terraform outputs, from the cache the last apply wrote, else from Terraform."""
    cache = ws.dir / OUTPUTS_CACHE
    if cache.is_file() and not refresh:
        return dict(json.loads(cache.read_text()))
    ws.prepare()
    ws.init()
    outputs = ws.outputs()
    save_outputs(ws, outputs)
    return outputs


def save_outputs(ws: Workspace, outputs: dict[str, Any]) -> None:
    ws.dir.mkdir(parents=True, exist_ok=True)
    (ws.dir / OUTPUTS_CACHE).write_text(json.dumps(outputs, indent=2, sort_keys=True))


def connect(
    config_path: Path | None = None,
    env: str | None = None,
    local: bool = False,
    terraform: str | None = None,
) -> Stack:
    """A :class:`~zonke_tf.ops.Stack` for the app of ``config_path`` (default: the nearest zonke.toml)."""
    ws, config, _ = workspace(config_path, env, local, terraform)
    outputs = stack_outputs(ws)
    if not outputs:
        raise OperationError("the stack has no outputs: is it deployed? run `zonke apply`")
    return Stack(outputs=outputs, client=client_factory(config, ws.local_endpoint))
