"""``zonke init``, ``check-app``, ``render``, ``plan``, ``apply``/``deploy``, ``destroy``,
``output`` and ``bootstrap``: the commands that write the config and run Terraform on the stack."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from zonke_tf import ops
from zonke_tf.api import OUTPUTS_CACHE, connect_workspace, open_workspace, save_outputs
from zonke_tf.check_app import check_app
from zonke_tf.cli.common import Common, Subparsers
from zonke_tf.cli.console import Console, run_with_progress
from zonke_tf.cli.exits import EXIT_FAILED, EXIT_OK
from zonke_tf.config import CONFIG_FILE, AppConfig, find_config, load_config, render_tfvars
from zonke_tf.detect import init_project
from zonke_tf.engine import RunResult, Workspace
from zonke_tf.errors import OperationError, UsageError, ZonkeError
from zonke_tf.plan_review import ResourceChange, check_data_loss, review
from zonke_tf.progress import Progress, describe_changes, planned_changes


def _config(args: argparse.Namespace) -> tuple[AppConfig, Path]:
    path = Path(args.config) if args.config else find_config()
    return load_config(path, env=args.env), path.resolve().parent


def _workspace(args: argparse.Namespace, console: Console, start_emulator: bool = True) -> Workspace:
    return open_workspace(
        Path(args.config) if args.config else None,
        args.env,
        args.local,
        args.terraform,
        start_emulator=start_emulator,
        on_info=console.info,
    )


def _render_outputs(outputs: dict[str, Any]) -> str:
    lines = []
    for key in sorted(outputs):
        value = outputs[key]
        shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        lines.append(f"  {key} = {shown}")
    return "\n".join(lines)


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    folder = Path(args.path or ".").resolve()
    name = args.name or folder.name.lower().replace("_", "-")
    done = init_project(folder, name, force=args.force)
    console.emit({"written": done.written[0], "files": done.written, "notes": done.notes})
    for path in done.written:
        console.result(f"Wrote {path}")
    for note in done.notes:
        console.info(f"to decide: {note}")
    console.next_step("edit it, then `zonke deploy --local` to try the stack locally, or `zonke plan`")
    return EXIT_OK


def cmd_check_app(args: argparse.Namespace, console: Console) -> int:
    config, repo = _config(args)
    findings = check_app(config, repo, args.python or sys.executable, on_step=console.info)
    console.emit({"ok": all(f.ok for f in findings), "findings": [f.__dict__ for f in findings]})
    for f in findings:
        console.result(f"{'ok  ' if f.ok else 'FAIL'} {f.step}: {f.detail}")
        if not f.ok:
            console.result(f"     fix: {f.fix}")
    if not all(f.ok for f in findings):
        return EXIT_FAILED
    console.next_step("`zonke plan --local`, then `zonke deploy --local`")
    return EXIT_OK


def cmd_render(args: argparse.Namespace, console: Console) -> int:
    config, _ = _config(args)
    text = render_tfvars(config)
    if args.out:
        Path(args.out).write_text(text)
        console.info(f"Wrote {args.out}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_plan(args: argparse.Namespace, console: Console) -> int:
    ws = _workspace(args, console)
    result, _ = run_with_progress(ws, console, "plan", lambda p: ws.plan(p))
    summary = result.summary()
    changes = planned_changes(result.events)
    reviewed = review(result.events, ws.saved_plan)
    console.emit(
        {
            "command": "plan",
            "ok": True,
            "changes": summary,
            "resources": changes,
            "review": [c.as_dict() for c in reviewed],
        }
    )
    if reviewed:
        console.result("\n".join(c.line() for c in reviewed))
    console.result(describe_changes(summary, "plan"))
    if summary.get("add") or summary.get("change") or summary.get("remove"):
        console.next_step(f"`zonke apply{ws.target.cli_flag}` to make these changes")
    return EXIT_OK


def _review_saved_plan(
    ws: Workspace, console: Console, planned: RunResult, allow_data_loss: bool
) -> list[ResourceChange]:
    """List the changes of the plan just saved and refuse data loss unless allowed."""
    changes = review(planned.events, ws.saved_plan)
    if changes:
        console.result("Changes:\n" + "\n".join(c.line() for c in changes))
    check_data_loss(changes, allow_data_loss)
    return changes


def _confirm(console: Console, question: str, yes: bool) -> None:
    if yes:
        return
    if console.as_json or not sys.stdin.isatty():
        raise UsageError(f"{question} Not on a terminal: pass --yes to confirm")
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise UsageError("nothing was applied")


def cmd_apply(args: argparse.Namespace, console: Console) -> int:
    ws = _workspace(args, console)
    # Plan, show the plan, ask (on AWS), then apply exactly that saved plan.
    planned, _ = run_with_progress(ws, console, "plan", lambda p: ws.plan(p))
    changes = _review_saved_plan(ws, console, planned, getattr(args, "allow_data_loss", False))
    if changes and ws.target.confirm_destroy:
        _confirm(console, f"Apply these {len(changes)} changes to {ws.target.description}?", args.yes)
    progress = None if console.as_json else Progress()
    try:
        result = ws.apply_saved_plan(progress)
    finally:
        if progress:
            progress.finish()
    outputs = ws.outputs()
    save_outputs(ws, outputs)
    summary = result.summary()
    seeded = _seed_generated_secrets(ws, console, outputs)
    unset: list[str] = []
    if outputs.get("secret_keys"):
        try:
            unset = ops.unset_secrets(connect_workspace(ws))
        except Exception as exc:  # a read failure must not hide a finished apply
            console.info(f"could not check which secrets are set: {exc}")
    console.emit(
        {
            "command": "apply",
            "ok": True,
            "changes": summary,
            "outputs": outputs,
            "local": ws.target.name == "local",
            "unset_secrets": unset,
            "generated_secrets": seeded,
        }
    )
    console.result(describe_changes(summary, "apply", progress.elapsed if progress else None))
    if outputs:
        console.result("Outputs:\n" + _render_outputs(outputs))
    if seeded:
        console.result(f"Generated the first value of {', '.join(seeded)} in the app secret.")
    if unset:
        console.result(
            f"Secrets not set yet: {', '.join(unset)}. Tasks cannot start until they are: "
            f"`zonke secrets set NAME VALUE{ws.target.cli_flag}`"
        )
    if ws.app_image_exists is False:
        console.info(
            "The web service runs no tasks until the first build (no app image yet): push to the "
            f"pipeline's branch or `zonke pipeline run{ws.target.cli_flag}`; its deploy starts the service."
        )
    site = outputs.get("site_url")
    console.next_step(
        (f"open {site}, " if site else "")
        + f"`zonke status{ws.target.cli_flag}` to see the service, "
        + f"`zonke destroy{ws.target.cli_flag}` to remove it"
    )
    return EXIT_OK


def _seed_generated_secrets(ws: Workspace, console: Console, outputs: dict[str, Any]) -> list[str]:
    """After an apply: the first values of the app secret (ops.seed_generated_secrets) and of
    the app's database user secret (ops.seed_database_user). A failure fails the command,
    whose message says the apply itself finished. Returns the app secret keys written."""
    if not outputs.get("generated_secret_keys") and not outputs.get("database_app_user"):
        return []
    try:
        stack = connect_workspace(ws)
        seeded = ops.seed_generated_secrets(stack).keys
        if ops.seed_database_user(stack).outcome == "seeded":
            console.info("Generated the database user's password (the next migration creates the user).")
        return seeded
    except ZonkeError:
        console.info(
            "The apply finished, but a secret's first value could not be written; "
            f"`zonke apply{ws.target.cli_flag}` writes it (it never replaces a value)."
        )
        raise


def cmd_destroy(args: argparse.Namespace, console: Console) -> int:
    ws = _workspace(args, console, start_emulator=False)
    if ws.target.confirm_destroy and not args.yes:
        raise UsageError("destroying a stack in AWS deletes its database and files: pass --yes to confirm")
    result, progress = run_with_progress(ws, console, "destroy", lambda p: ws.destroy(p), probe=False)
    summary = result.summary()
    (ws.dir / OUTPUTS_CACHE).unlink(missing_ok=True)
    stopped = ws.target.after_destroy()
    console.emit({"command": "destroy", "ok": True, "changes": summary, "emulator_stopped": stopped})
    console.result(describe_changes(summary, "destroy", progress.elapsed if progress else None))
    if stopped:
        console.info("Stopped the local AWS emulator.")
    console.next_step(f"`zonke deploy{ws.target.cli_flag}` to bring it back")
    return EXIT_OK


def cmd_output(args: argparse.Namespace, console: Console) -> int:
    ws = _workspace(args, console, start_emulator=False)
    ws.prepare(probe=False)
    outputs = ws.outputs()
    if args.name:
        if args.name not in outputs:
            raise UsageError(f"no output {args.name!r}; outputs: {', '.join(sorted(outputs))}")
        outputs = {args.name: outputs[args.name]}
    console.emit({"command": "output", "outputs": outputs})
    if not outputs:
        console.result("No outputs: the stack is not deployed (run `zonke apply`).")
    else:
        console.result(_render_outputs(outputs))
    return EXIT_OK


def cmd_bootstrap(args: argparse.Namespace, console: Console) -> int:
    from zonke_tf.bootstrap import bootstrap

    if args.local:
        raise OperationError("--local keeps the state in the local workspace: no bucket to bootstrap")
    config, _ = _config(args)
    result = bootstrap(config)
    console.emit({"command": "bootstrap", **result.as_dict()})
    verb = "Created" if result.created else "Checked"
    console.result(
        f"{verb} the state bucket {result.bucket} ({result.region}): {', '.join(result.settings)}.\n"
        "Next: `zonke deploy`."
    )
    return EXIT_OK


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("init", help=f"write a commented starter {CONFIG_FILE}")
    p.add_argument("--name", help="app name (default: the folder's name)")
    p.add_argument("--path", help="folder to write it in (default: here)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check-app", help="check the app against the stack's contract, on this machine")
    common(p)
    p.add_argument("--python", help="interpreter with the app's requirements (default: this one)")
    p.set_defaults(func=cmd_check_app)

    p = sub.add_parser("render", help="print the terraform.tfvars.json the config renders to")
    common(p)
    p.add_argument("--out", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_render)

    for name, func, text in (
        ("plan", cmd_plan, "show what a deploy would change"),
        ("apply", cmd_apply, "deploy the stack (alias: deploy)"),
        ("deploy", cmd_apply, "deploy the stack"),
        ("destroy", cmd_destroy, "remove the stack (with --local, also stop the emulator)"),
        ("output", cmd_output, "print the stack's outputs"),
        ("bootstrap", cmd_bootstrap, "create the Terraform state bucket (versioned, encrypted, TLS only)"),
    ):
        p = sub.add_parser(name, help=text)
        common(p)
        if name == "destroy":
            p.add_argument("--yes", action="store_true", help="confirm destroying a stack in AWS")
        if name in ("apply", "deploy"):
            p.add_argument("--yes", action="store_true", help="apply in AWS without asking (automation)")
            p.add_argument(
                "--allow-data-loss",
                action="store_true",
                help="accept a plan that replaces or destroys the database, a bucket, a secret, a key "
                "or the image repository",
            )
        if name == "output":
            p.add_argument("name", nargs="?", help="one output only")
        p.set_defaults(func=func)
