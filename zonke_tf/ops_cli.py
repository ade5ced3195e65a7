"""The day-2 commands of the ``zonke`` CLI: secrets, scale, status, pipeline run, migrate."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zonke_tf import api, ops
from zonke_tf.config_edit import record_scaling
from zonke_tf.day2 import sync_secret_keys
from zonke_tf.errors import OperationError, UsageError

Common = Callable[[argparse.ArgumentParser], None]


def _connect(args: argparse.Namespace) -> tuple[ops.Stack, Path]:
    ws = api.open_workspace(Path(args.config) if args.config else None, args.env, args.local, args.terraform)
    assert ws.config_path is not None
    return api.connect_workspace(ws), ws.config_path


def _local(args: argparse.Namespace) -> str:
    return " --local" if args.local else ""


# --------------------------------------------------------------------------- secrets


def cmd_secrets_list(args: argparse.Namespace, console: Any) -> int:
    stack, _ = _connect(args)
    names = ops.secrets_list(stack)
    console.emit({"secrets": names})
    console.result("\n".join(names) if names else "No secrets yet.")
    if not names:
        console.next_step(f"`zonke secrets set NAME VALUE{_local(args)}`")
    return 0


def cmd_secrets_get(args: argparse.Namespace, console: Any) -> int:
    stack, _ = _connect(args)
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


def _record_keys(args: argparse.Namespace, path: Path, keys: list[str], console: Any) -> None:
    """Record the key set in the config and have Terraform register its task definitions with it."""
    ws = api.open_workspace(path, args.env, args.local, args.terraform)
    console.info("Terraform registers its task definitions with the new key set ...")
    applied = sync_secret_keys(ws, path, args.env, keys)
    if applied:
        console.info(f"Registered: {', '.join(applied)}; the next `zonke plan` shows no changes.")


def cmd_secrets_set(args: argparse.Namespace, console: Any) -> int:
    ops.check_key(args.name)  # before anything touches AWS
    value = _read_value(args)
    stack, path = _connect(args)
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
    console.next_step(f"`zonke status{_local(args)}` to watch the rollout")
    return 0


def cmd_secrets_delete(args: argparse.Namespace, console: Any) -> int:
    ops.check_key(args.name)  # before anything touches AWS
    stack, path = _connect(args)
    change = ops.secrets_delete(stack, args.name, roll=not args.no_restart)
    _record_keys(args, path, change.keys, console)
    console.emit({"name": change.key, "action": "deleted", "keys": change.keys, "rolled": change.rolled})
    console.result(f"{change.key} deleted; removed from {path.name}.")
    console.next_step(f"`zonke status{_local(args)}` to watch the rollout")
    return 0


# --------------------------------------------------------------------------- scale, status


def cmd_scale(args: argparse.Namespace, console: Any) -> int:
    ops.check_bounds(args.min, args.max, args.desired)  # before anything touches AWS
    stack, path = _connect(args)
    result = ops.scale(stack, args.min, args.max, args.desired)
    record_scaling(path, args.env, args.min, args.max)
    console.emit(
        {
            "min": result.min,
            "max": result.max,
            "desired": result.desired,
            "previous": result.previous,
            "waiting_for_first_build": result.waiting,
        }
    )
    was = result.previous
    if result.waiting:
        console.result(
            f"Autoscaling bounds {result.min}..{result.max} recorded on the service: it waits "
            f"for its first build (held at 0 tasks until then), and its first deploy applies them"
        )
    else:
        console.result(
            f"Autoscaling bounds: {was['min']}..{was['max']} -> {result.min}..{result.max}"
            + (f"; desired count {result.desired}" if result.desired is not None else "")
        )
    console.info(f"Recorded min and max in {path.name}: the next `zonke plan` keeps them.")
    console.next_step(f"`zonke status{_local(args)}` to see the tasks start or stop")
    return 0


def _to_the_minute(iso: str) -> str:
    """An ISO 8601 UTC time as ``YYYY-MM-DD HH:MM UTC``."""
    return f"{str(iso)[:16].replace('T', ' ')} UTC"


def _status_text(st: ops.Status) -> str:
    lines = [f"Site:       {st.site_url or '-'}"]
    waiting = bool(st.service.get("waiting_for_first_build"))
    if waiting:
        # Not a failure: a fresh stack runs no tasks until its first image is built.
        lines.append(
            f"Service:    waiting for the first build (no app image yet, so no tasks); {st.service['next']}"
        )
    elif st.service:
        s = st.service
        lines.append(
            f"Service:    {s['running']} running, {s['pending']} pending, {s['desired']} desired; "
            f"rollout {s['rollout']}"
        )
    if st.scaling and waiting and st.scaling["max"] == 0:
        lines.append("Scaling:    held at 0 tasks until the first deploy, which applies the bounds")
    elif st.scaling:
        lines.append(f"Scaling:    {st.scaling['min']} to {st.scaling['max']} tasks")
    for name, w in st.workers.items():
        lines.append(
            f"Worker {name}: {w['running']} running, {w['pending']} pending, {w['desired']} desired; "
            f"rollout {w['rollout']}" + (f"; {w['min']} to {w['max']} tasks" if "max" in w else "")
        )
    for name, job in st.schedules.items():
        when = (
            f"next {_to_the_minute(job['next_run'])}"
            if job["next_run"]
            else (
                "disabled until the first deploy"
                if job["state"] == "DISABLED"
                else "next run: see the expression"
            )
        )
        run = job["last_run"]
        if run is None:
            seen = "no run in the last hour (ECS lists stopped tasks for about an hour)"
        else:
            started = _to_the_minute(run["started"]) if run["started"] else "(time unknown)"
            if run["succeeded"] is None:
                seen = f"{str(run['status']).lower()}, started {started}"
            else:
                outcome = (
                    "succeeded"
                    if run["succeeded"]
                    else f"FAILED (exit code {run['exit_code']}; {run['reason']})"
                )
                seen = f"last run {started} {outcome}"
        lines.append(f"Job {name}: {job['expression']} {job['timezone']}; {when}; {seen}")
    if st.failed_runs:
        lines.append(
            f"Jobs:       {st.failed_runs} failed run(s) waiting in the failed-runs queue "
            "(the scheduled-job alarm fires until it is purged)"
        )
    if st.pipeline:
        last = st.pipeline.get("last_execution")
        text = f"{last['status']} ({last['id']})" if last else "never run"
        lines.append(f"Pipeline:   {st.pipeline['name']}: {text}")
        for stage in st.pipeline.get("stages") or []:
            lines.append(f"              {stage['name']}: {stage['status']}")
    if st.migration:
        run = st.migration.get("last_run")
        if run:
            code = run.get("exit_code")
            lines.append(f"Migrations: {run['status']}" + (f", exit code {code}" if code is not None else ""))
        else:
            lines.append("Migrations: never run")
    if st.alarms:
        firing = st.alarms.get("firing") or []
        lines.append(f"Alarms:     {len(firing)} firing" if firing else "Alarms:     none firing")
        for alarm in firing:
            lines.append(f"              ALARM {alarm['name']}: {alarm['reason']}")
    if st.unset_secrets:
        lines.append(
            f"Secrets:    not set: {', '.join(st.unset_secrets)}; tasks cannot start until they are "
            "(`zonke secrets set NAME VALUE`)"
        )
    for note in st.unavailable:
        lines.append(f"(not shown) {note}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace, console: Any) -> int:
    stack, _ = _connect(args)
    st = ops.status(stack)
    console.emit(
        {
            "site_url": st.site_url,
            "service": st.service,
            "scaling": st.scaling,
            "workers": st.workers,
            "schedules": st.schedules,
            "failed_runs": st.failed_runs,
            "pipeline": st.pipeline,
            "migration": st.migration,
            "alarms": st.alarms,
            "unavailable": st.unavailable,
            "unset_secrets": st.unset_secrets,
        }
    )
    console.result(_status_text(st))
    return 0


# --------------------------------------------------------------------------- pipeline, migrate


def _pipeline_run_local(args: argparse.Namespace, console: Any) -> int:
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
        console.next_step(f"`zonke status{_local(args)}` to see the service")
        return 0
    return 1


def cmd_pipeline_run(args: argparse.Namespace, console: Any) -> int:
    if args.local and args.wait:
        # The emulator's CodePipeline records executions but runs nothing: run the stages here.
        return _pipeline_run_local(args, console)
    stack, _ = _connect(args)
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
        console.next_step(f"`zonke status{_local(args)}` to follow it, or rerun with --wait")
    return 0 if result["status"] in ("InProgress", "Succeeded") else 1


def cmd_migrate(args: argparse.Namespace, console: Any) -> int:
    stack, _ = _connect(args)
    console.info("Starting the migration runner with the image that is live now ...")
    result = ops.migrate(
        stack,
        wait=args.wait,
        on_update=lambda u: console.info(f"  migration: {u['status']}"),
        timeout=args.timeout,
    )
    console.emit(result)
    code = result.get("exit_code")
    console.result(
        f"Migration {result['status']}"
        + (f", exit code {code}" if code is not None else "")
        + f" ({result['image']})"
    )
    if result.get("cause"):
        console.info(f"Cause: {result['cause']}")
    if result.get("timed_out"):
        console.info("Stopped waiting; the run goes on. `zonke status` shows its result later.")
    if not args.wait:
        console.next_step(f"`zonke status{_local(args)}` shows its result")
    return 0 if result["status"] in ("RUNNING", "SUCCEEDED") else 1


# --------------------------------------------------------------------------- origin secret


def cmd_origin_secret_rotate(args: argparse.Namespace, console: Any) -> int:
    ops.check_rotation_timing(args.timeout, args.grace)  # before anything touches AWS
    stack, _ = _connect(args)
    console.info("Rotating the origin secret in two phases (no value is printed) ...")
    result = ops.rotate_origin_secret(
        stack, on_update=lambda m: console.info(f"  {m}"), timeout=args.timeout, grace=args.grace
    )
    console.emit(
        {
            "resumed": result.resumed,
            "distribution_deployed": result.distribution_deployed,
            "old_value_gone": result.old_value_gone,
            "waited_seconds": round(result.waited_seconds, 1),
            "parameter_version": result.parameter_version,
        }
    )
    if result.old_value_gone:
        console.result("Origin secret rotated: CloudFront sends the new value; the old value is gone.")
        console.next_step(f"`zonke status{_local(args)}` to check the site")
        return 0
    console.result("CloudFront has not finished deploying: the ALB still accepts the old and the new value.")
    console.next_step(f"rerun `zonke origin-secret rotate{_local(args)}` to finish the rotation")
    return 1


def add_day2_commands(sub: Any, common: Common) -> None:
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

    p = sub.add_parser("scale", help="set the autoscaling bounds (and the current task count)")
    common(p)
    p.add_argument("--min", type=int, required=True)
    p.add_argument("--max", type=int, required=True)
    p.add_argument("--desired", type=int)
    p.set_defaults(func=cmd_scale)

    p = sub.add_parser("status", help="service, scaling, last pipeline run, last migration, site URL")
    common(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("pipeline", help="the deploy pipeline")
    pipeline = p.add_subparsers(dest="pipeline_command", required=True, metavar="ACTION")
    s = pipeline.add_parser(
        "run", help="start the pipeline (follow it with --wait; --local --wait runs its stages here)"
    )
    common(s)
    s.add_argument("--wait", action="store_true")
    s.set_defaults(func=cmd_pipeline_run)

    p = sub.add_parser("migrate", help="run the migrations with the image that is live now")
    common(p)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--timeout", type=float, default=1800, help="seconds to wait with --wait")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("origin-secret", help="the secret header CloudFront sends to the load balancer")
    origin = p.add_subparsers(dest="origin_secret_command", required=True, metavar="ACTION")
    s = origin.add_parser("rotate", help="new value in two phases, without refused requests")
    common(s)
    s.add_argument("--timeout", type=float, default=1800, help="seconds to wait for CloudFront")
    s.add_argument("--grace", type=float, default=60, help="seconds the old value stays valid after that")
    s.set_defaults(func=cmd_origin_secret_rotate)
