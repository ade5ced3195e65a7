"""What every command group shares: the common options and opening the stack for day-2 work."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from zonke_tf import api, ops
from zonke_tf.config import CONFIG_FILE

if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]
else:
    Subparsers = argparse._SubParsersAction

Common = Callable[[argparse.ArgumentParser], None]


def common_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help=f"path to the app config (default: the nearest {CONFIG_FILE})")
    p.add_argument("--env", help="environment: an [env.NAME] table of the config (default: app.environment)")
    p.add_argument("--local", action="store_true", help="use the local AWS emulator instead of AWS")
    p.add_argument("--json", action="store_true", help="print one machine-readable JSON document")
    p.add_argument("--terraform", help="terraform or tofu binary (default: ZONKE_TERRAFORM, PATH)")


def connect(args: argparse.Namespace) -> tuple[ops.Stack, Path]:
    ws = api.open_workspace(Path(args.config) if args.config else None, args.env, args.local, args.terraform)
    assert ws.config_path is not None
    return api.connect_workspace(ws), ws.config_path


def local_flag(args: argparse.Namespace) -> str:
    return " --local" if args.local else ""
