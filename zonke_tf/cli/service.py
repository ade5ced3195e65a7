"""``zonke scale``, ``status`` and ``migrate``: the running service, its scaling and migrations."""

from __future__ import annotations

import argparse

from zonke_tf import ops
from zonke_tf.cli.common import Common, Subparsers, connect, local_flag
from zonke_tf.cli.console import Console
from zonke_tf.config_edit import record_scaling


def cmd_scale(args: argparse.Namespace, console: Console) -> int:
    ops.check_bounds(args.min, args.max, args.desired)  # before anything touches AWS
    stack, path = connect(args)
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
    console.next_step(f"`zonke status{local_flag(args)}` to see the tasks start or stop")
    return 0


def _to_the_minute(iso: str) -> str:
    """An ISO 8601 UTC time as ``YYYY-MM-DD HH:MM UTC``."""
    return f"{str(iso)[:16].replace('T', ' ')} UTC"


def status_text(st: ops.Status) -> str:
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


def cmd_status(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
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
    console.result(status_text(st))
    return 0


def cmd_migrate(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
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
        console.next_step(f"`zonke status{local_flag(args)}` shows its result")
    return 0 if result["status"] in ("RUNNING", "SUCCEEDED") else 1


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("scale", help="set the autoscaling bounds (and the current task count)")
    common(p)
    p.add_argument("--min", type=int, required=True)
    p.add_argument("--max", type=int, required=True)
    p.add_argument("--desired", type=int)
    p.set_defaults(func=cmd_scale)

    p = sub.add_parser("status", help="service, scaling, last pipeline run, last migration, site URL")
    common(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("migrate", help="run the migrations with the image that is live now")
    common(p)
    p.add_argument("--wait", action="store_true")
    p.add_argument("--timeout", type=float, default=1800, help="seconds to wait with --wait")
    p.set_defaults(func=cmd_migrate)
