"""``zonke pipeline run``: start the deploy pipeline (with --local --wait, run its stages here)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zonke_tf import api, ops
from zonke_tf.cli.common import Common, Subparsers, connect, local_flag
from zonke_tf.cli.console import Console
from zonke_tf.errors import OperationError


def _pipeline_run_local(args: argparse.Namespace, console: Console) -> int:
    from zonke_tf import localpipeline
    from zonke_tf.local import LocalEmulator

    ws, _, config_path = api.workspace(
        Path(args.config) if args.config else None, args.env, True, args.terraform
    )
    outputs = api.stack_outputs(ws)
    if not outputs.get("pipeline_name"):
        raise OperationError("the stack has no pipeline: run `zonke deploy --local` first")
    project = config_path.resolve().parent
    emulator = LocalEmulator(project)

    def show(r: localpipeline.ActionResult) -> None:
        if r.status == "InProgress":
            console.info(f"  {r.stage} / {r.action} ({r.provider}) ...")
            return
        console.info(f"  {r.stage} / {r.action}: {r.status} in {r.seconds:.1f} s")
        for note in r.notes:
            console.info(f"      {note}")
        if r.error:
            console.info(f"      error: {r.error}")

    console.info(f"Running pipeline {outputs['pipeline_name']} locally, each stage as its own role ...")
    result = localpipeline.run_local(
        project,
        ws.local_endpoint or "",
        emulator.credentials(),
        str(outputs["pipeline_name"]),
        emulator.iam_enforced(),
        on_update=show,
    )
    console.emit(result)
    for note in result["notes"]:
        console.info(f"Note: {note}")
    console.result(f"Pipeline {result['pipeline']} (local): {result['status']} in {result['seconds']:.1f} s")
    if result["status"] == "Succeeded":
        console.next_step(f"`zonke status{local_flag(args)}` to see the service")
        return 0
    return 1


def cmd_pipeline_run(args: argparse.Namespace, console: Console) -> int:
    if args.local and args.wait:
        # The emulator's CodePipeline records executions but runs nothing: run the stages here.
        return _pipeline_run_local(args, console)
    stack, _ = connect(args)
    seen: dict[str, str] = {}

    def show(update: dict[str, Any]) -> None:
        for stage in update.get("stages") or []:
            if seen.get(stage["name"]) != stage["status"]:
                seen[stage["name"]] = stage["status"]
                console.info(f"  {stage['name']}: {stage['status']}")

    result = ops.pipeline_run(stack, wait=args.wait, on_update=show)
    console.emit(result)
    console.result(f"Pipeline {result['pipeline']}: execution {result['execution_id']} {result['status']}")
    for note in result.get("unavailable") or []:
        console.info(f"(not shown) {note}")
    if not args.wait:
        console.next_step(f"`zonke status{local_flag(args)}` to follow it, or rerun with --wait")
    return 0 if result["status"] in ("InProgress", "Succeeded") else 1


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("pipeline", help="the deploy pipeline")
    pipeline = p.add_subparsers(dest="pipeline_command", required=True, metavar="ACTION")
    s = pipeline.add_parser(
        "run", help="start the pipeline (follow it with --wait; --local --wait runs its stages here)"
    )
    common(s)
    s.add_argument("--wait", action="store_true")
    s.set_defaults(func=cmd_pipeline_run)
