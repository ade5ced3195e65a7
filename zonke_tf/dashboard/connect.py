"""How the dashboard opens a stack: the one place to change when the engine's seam moves."""

from __future__ import annotations

from pathlib import Path

from zonke_tf import api
from zonke_tf.config import find_config
from zonke_tf.ops import Stack


def open_stack(config_path: Path | None, env: str | None, local: bool) -> tuple[Stack, Path]:
    """The stack of the app of ``config_path`` (default: the nearest zonke.toml) and the config's path."""
    path = (config_path or find_config()).resolve()
    return api.connect(path, env=env, local=local), path
