"""``zonke run``, ``shell``, ``logs``, ``releases`` and ``rollback``: everyday work on the running
app, each a thin wrapper of a function in :mod:`zonke_tf.ops_tasks`."""

from __future__ import annotations

import argparse
import json
import os
import subprocess

from zonke_tf import ops_tasks
from zonke_tf.cli.common import Common, Subparsers, connect, local_flag
from zonke_tf.cli.console import Console

# A one-off task's own exit code becomes zonke's; these mean zonke could not tell.
EXIT_TASK_UNKNOWN = 1


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    command = list(args.cmd)
    if command and command[0] == "--":
        command = command[1:]
    run = ops_tasks.run(stack, command, cpu=args.cpu, memory=args.memory)
    console.info(f"Started task {run.task_id} with the live configuration: {' '.join(run.command)}")
    if args.wait:
        seen: list[str] = []

        def update(r: ops_tasks.TaskRun) -> None:
            if not seen or seen[-1] != r.status:
                seen.append(r.status)
                console.info(f"  task: {r.status}")

        run = ops_tasks.wait_task(stack, run, on_log=console.result, on_update=update, timeout=args.timeout)
    doc = {
        "task_arn": run.task_arn,
        "command": run.command,
        "status": run.status,
        "exit_code": run.exit_code,
        "stopped_reason": run.stopped_reason,
        "log_group": run.log_group,
        "log_stream": run.log_stream,
        "started_by": run.started_by,
        "timed_out": run.timed_out,
    }
    console.emit(doc)
    if not args.wait:
        console.next_step(f"`zonke logs --source web -f{local_flag(args)}` to follow its output")
        return 0
    if run.timed_out:
        console.info("Stopped waiting; the task goes on. `zonke logs` shows its output.")
        return EXIT_TASK_UNKNOWN
    console.info(
        f"Task {run.task_id} {run.status}"
        + (f", exit code {run.exit_code}" if run.exit_code is not None else "")
        + (f" ({run.stopped_reason})" if run.stopped_reason else "")
    )
    return run.exit_code if run.exit_code is not None else EXIT_TASK_UNKNOWN


def cmd_shell(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    command = (
        " ".join(args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd) or "python manage.py shell"
    )
    plan = ops_tasks.shell_plan(stack, task=args.task, command=command)
    console.emit({"argv": plan.argv, "task_arn": plan.task_arn, "container": plan.container})
    if args.print_only:
        console.result(" ".join(plan.argv))
        return 0
    console.info(f"Opening an ECS Exec session in {plan.task_arn} ({plan.container}) ...")
    env = dict(os.environ)
    env.setdefault("AWS_REGION", str(stack.outputs.get("region") or ""))
    return subprocess.call(plan.argv, env=env)


def _sources(value: str) -> list[str]:
    return list(ops_tasks.LOG_SOURCES) if value == "all" else [value]


def cmd_logs(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    since = ops_tasks.parse_since(args.since)
    sources = _sources(args.source)

    def show(line: ops_tasks.LogLine) -> None:
        if console.as_json:
            print(json.dumps(line.as_dict(), sort_keys=True), flush=True)
        else:
            stamp = line.as_dict()["time"][11:23]
            print(
                f"{stamp} {line.source:<8} {line.stream.rsplit('/', 1)[-1][:12]:<12} {line.message}",
                flush=True,
            )

    if args.follow:
        for line in ops_tasks.follow_logs(stack, sources, since, args.filter):
            show(line)
        return 0  # pragma: no cover - follow ends with Ctrl-C
    lines = ops_tasks.read_logs(stack, sources, since, args.filter)
    for line in lines:
        show(line)
    if not lines:
        console.info(f"No log lines from {', '.join(sources)} in the last {args.since}.")
    return 0


def cmd_releases(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    history = ops_tasks.releases(stack, limit=args.limit)
    console.emit({"releases": [r.as_dict() for r in history]})
    rows = [f"{'REV':>5}  {'LIVE':<4}  {'COMMIT':<14}  {'MIGRATION':<10}  {'REGISTERED':<26}  BY"]
    for r in history:
        note = f" (rollback to {r.rollback_of})" if r.rollback_of else ""
        rows.append(
            f"{r.revision:>5}  {'*' if r.live else '':<4}  {r.commit[:14]:<14}  {r.migration or '-':<10}  "
            f"{(r.registered_at or '-')[:26]:<26}  {r.registered_by or '-'}{note}"
        )
    console.result("\n".join(rows))
    if len(history) > 1:
        console.next_step(f"`zonke rollback{local_flag(args)}` runs the previous release again")
    return 0


def cmd_rollback(args: argparse.Namespace, console: Console) -> int:
    stack, _ = connect(args)
    result = ops_tasks.rollback(stack, to_revision=args.release)
    console.emit(
        {
            "release": result.release.as_dict(),
            "task_definition_arn": result.task_definition_arn,
            "revision": result.revision,
            "previous_live": result.previous_live,
            "warnings": result.warnings,
        }
    )
    for warning in result.warnings:
        console.info(f"warning: {warning}")
    console.result(
        f"Rolling back to release {result.release.revision} ({result.release.commit}) as revision "
        f"{result.revision}; the service replaces its tasks with the usual rolling deployment."
    )
    console.next_step(
        f"`zonke status{local_flag(args)}` to follow the rollout; "
        "the next push deploys its commit over this rollback"
    )
    return 0


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("run", help="run a one-off command as an ECS task with the live configuration")
    common(p)
    p.add_argument(
        "--wait", action="store_true", help="follow the task and its logs; exit with its exit code"
    )
    p.add_argument("--cpu", type=int, help="task cpu units for this run (with --memory)")
    p.add_argument("--memory", type=int, help="task memory (MiB) for this run (with --cpu)")
    p.add_argument("--timeout", type=float, default=3600, help="seconds to wait with --wait")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND ...")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("shell", help="open a shell (ECS Exec) in a running web task")
    common(p)
    p.add_argument("--task", help="task ID or ARN (default: the first running task)")
    p.add_argument("--print-only", action="store_true", help="print the command instead of running it")
    p.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND (default: python manage.py shell)")
    p.set_defaults(func=cmd_shell)

    p = sub.add_parser("logs", help="the app's logs: web, migrate and pipeline, merged by time")
    common(p)
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument("--since", default="1h", help="how far back: 30s, 15m, 1h, 2d (default 1h)")
    p.add_argument("--source", default="all", choices=[*ops_tasks.LOG_SOURCES, "all"])
    p.add_argument("--filter", help="a CloudWatch Logs filter pattern, e.g. ERROR")
    p.set_defaults(func=cmd_logs)

    p = sub.add_parser("releases", help="the deploy history: revision, commit, migration, live")
    common(p)
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(func=cmd_releases)

    p = sub.add_parser("rollback", help="run an earlier release again (default: the previous one)")
    common(p)
    p.add_argument("release", nargs="?", type=int, help="the revision to roll back to (see `zonke releases`)")
    p.set_defaults(func=cmd_rollback)
