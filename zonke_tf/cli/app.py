"""The ``zonke`` parser and entry point: every command group registers itself here, and
:func:`main` is the only place that turns errors into messages and exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from zonke_tf import __version__
from zonke_tf.cli import dashboard, origin, pipeline, secrets, service, stack, tasks
from zonke_tf.cli.common import common_options
from zonke_tf.cli.console import Console
from zonke_tf.cli.exits import emulator_faults, exit_code, fail
from zonke_tf.errors import TerraformError, ZonkeError

# The command groups, in the order `zonke --help` lists them.
GROUPS = (stack, secrets, service, pipeline, origin, tasks, dashboard)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zonke", description="Deploy a Django app to AWS ECS with Terraform, and run it day to day."
    )
    parser.add_argument("--version", action="version", version=f"zonke {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(sub, common_options)
    return parser


def _run(args: argparse.Namespace, console: Console) -> int:
    """The command; with --local, the emulator's own errors become the wrapper's typed ones
    (zonke_tf.local.translated), which the one exit-code table knows."""
    if not getattr(args, "local", False):
        return int(args.func(args, console))
    from zonke_tf.local import translated

    with translated():
        return int(args.func(args, console))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    console = Console(getattr(args, "json", False))
    try:
        return _run(args, console)
    except TerraformError as exc:
        return fail(console, exc, exit_code(exc), [*exc.diagnostics, *emulator_faults(args)])
    except ZonkeError as exc:
        return fail(console, exc, exit_code(exc))
    except KeyboardInterrupt as exc:
        return fail(console, ZonkeError("interrupted"), exit_code(exc))
