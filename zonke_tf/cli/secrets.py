"""``zonke secrets list|get|set|delete``: the app's secrets (values only with --reveal)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from zonke_tf import api, ops
from zonke_tf.cli.common import Common, Subparsers, connect, local_flag
from zonke_tf.cli.console import Console
from zonke_tf.day2 import sync_secret_keys
from zonke_tf.errors import UsageError


def cmd_secrets_list(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    names = ops.secrets_list(stack)
    console.emit({"secrets": names})
    console.result("\n".join(names) if names else "No secrets yet.")
    if not names:
        console.next_step(f"`zonke secrets set NAME VALUE{local_flag(args)}`")
    return 0


def cmd_secrets_get(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    value = ops.secrets_get(stack, args.name)
    if args.reveal:
        console.emit({"name": args.name, "value": value})
        console.result(value)
    else:
        console.emit({"name": args.name, "set": True, "length": len(value)})
        console.result(f"{args.name} is set ({len(value)} characters); add --reveal to print its value")
    return 0


def _read_value(args: argparse.Namespace) -> str:
    if args.from_file:
        if args.value is not None:
            raise UsageError("give the value either as an argument or with --from-file, not both")
        return Path(args.from_file).read_text().rstrip("\n")
    if args.value == "-":
        return sys.stdin.read().rstrip("\n")
    if args.value is None:
        raise UsageError(
            f"no value: `zonke secrets set {args.name} VALUE`, `--from-file F`, or `-` for stdin"
        )
    return str(args.value)


def _record_keys(args: argparse.Namespace, path: Path, keys: list[str], console: Console) -> None:
    """Record the key set in the config and have Terraform register its task definitions with it."""
    ws = api.open_workspace(path, args.env, args.local, args.terraform)
    console.info("Terraform registers its task definitions with the new key set ...")
    applied = sync_secret_keys(ws, path, args.env, keys)
    if applied:
        console.info(f"Registered: {', '.join(applied)}; the next `zonke plan` shows no changes.")


def cmd_secrets_set(args: argparse.Namespace, console: Console) -> int:
    ops.check_key(args.name)  # before anything touches AWS
    value = _read_value(args)
    stack, path = connect(args)
    change = ops.secrets_set(stack, args.name, value, roll=not args.no_restart)
    if change.action == "created":
        _record_keys(args, path, change.keys, console)
    console.emit(
        {
            "name": change.key,
            "action": change.action,
            "version_id": change.version_id,
            "attempts": change.attempts,
            "keys": change.keys,
            "rolled": change.rolled,
            "task_definition_arn": change.task_definition_arn,
        }
    )
    console.result(f"{change.key} {change.action} (version {change.version_id[:8]}).")
    if change.action == "created":
        console.info(
            f"Declared {change.key} in {path.name} so that Terraform keeps it in the task definition."
        )
    if change.rolled:
        console.info("The service is rolling: new tasks read the new value.")
    console.next_step(f"`zonke status{local_flag(args)}` to watch the rollout")
    return 0


def cmd_secrets_delete(args: argparse.Namespace, console: Console) -> int:
    ops.check_key(args.name)  # before anything touches AWS
    stack, path = connect(args)
    change = ops.secrets_delete(stack, args.name, roll=not args.no_restart)
    _record_keys(args, path, change.keys, console)
    console.emit({"name": change.key, "action": "deleted", "keys": change.keys, "rolled": change.rolled})
    console.result(f"{change.key} deleted; removed from {path.name}.")
    console.next_step(f"`zonke status{local_flag(args)}` to watch the rollout")
    return 0


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("secrets", help="list, read, set and delete the app's secrets")
    secrets = p.add_subparsers(dest="secrets_command", required=True, metavar="ACTION")
    s = secrets.add_parser("list", help="names of the app's secrets (never values)")
    common(s)
    s.set_defaults(func=cmd_secrets_list)
    s = secrets.add_parser("get", help="whether a secret is set; its value with --reveal")
    common(s)
    s.add_argument("name")
    s.add_argument("--reveal", action="store_true", help="print the value")
    s.set_defaults(func=cmd_secrets_get)
    s = secrets.add_parser("set", help="create or update a secret (VALUE, --from-file F, or - for stdin)")
    common(s)
    s.add_argument("name")
    s.add_argument("value", nargs="?")
    s.add_argument("--from-file", help="read the value from this file")
    s.add_argument("--no-restart", action="store_true", help="do not roll the service now")
    s.set_defaults(func=cmd_secrets_set)
    s = secrets.add_parser("delete", help="delete a secret")
    common(s)
    s.add_argument("name")
    s.add_argument("--no-restart", action="store_true", help="do not roll the service now")
    s.set_defaults(func=cmd_secrets_delete)
