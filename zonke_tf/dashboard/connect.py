"""How the dashboard opens a stack: the one place to change when the engine's seam moves."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from zonke_tf import api
from zonke_tf.config import find_config
from zonke_tf.engine import Workspace
from zonke_tf.ops import Stack


def open_stack(
    config_path: Path | None, env: str | None, local: bool
) -> tuple[Stack, Path, Callable[[], Workspace]]:
    """The stack of the app of ``config_path`` (default: the nearest zonke.toml), the config's
    path, and a way to get its Terraform workspace (for syncing the task definitions)."""
    path = (config_path or find_config()).resolve()
    stack = api.connect_workspace(api.open_workspace(path, env, local))
    return stack, path, lambda: api.open_workspace(path, env, local)
