"""Benchmark of the local pipeline run: the time of each stage of `zonke pipeline run --local --wait`.

Deploys the example stack into a fresh emulator with IAM enforced (``ZONKE_LOCAL_IAM=1``),
in a throwaway git repository holding the example's ``zonke.toml`` and sample app, runs the
pipeline locally ``--runs`` times, prints a Markdown table (seconds per stage and action,
median over the runs, with each run's status) and one JSON line, then destroys the stack.

    .venv/bin/python benchmarks/bench_pipeline_local.py --runs 2
    .venv/bin/python benchmarks/bench_pipeline_local.py --skip Infrastructure

A failed stage is reported with its error (the run stops there, as CodePipeline does).
Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from zonke_tf.local import LocalEmulator  # noqa: E402
from zonke_tf.localpipeline import run_local  # noqa: E402

EXAMPLE = REPO / "examples" / "django-monolith"


def zonke(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zonke_tf", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def make_project(base: Path) -> Path:
    project = base / "shop"
    project.mkdir()
    # a user's layout: zonke.toml at the root (the Infrastructure stage runs there)
    (project / "zonke.toml").write_text(
        (EXAMPLE / "zonke.toml")
        .read_text()
        .replace('project_path = "examples/django-monolith"\n', 'project_path = "."\n', 1)
    )
    shutil.copytree(
        EXAMPLE / "app",
        project / "examples" / "django-monolith" / "app",
        ignore=shutil.ignore_patterns("__pycache__", "staticfiles"),
    )
    (project / ".gitignore").write_text(".zonke/\n")
    for cmd in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "bench"],
    ):
        subprocess.run(cmd, cwd=project, check=True)
    return project


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--skip", action="append", default=[], help="a stage not to run (repeatable)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ZONKE_"))}
    env.update({"ZONKE_LOCAL_IAM": "1", "PYTHONPATH": str(REPO), "ZONKE_STACK_SOURCES": str(REPO)})
    with tempfile.TemporaryDirectory(prefix="zonke-bench-pipeline-") as tmp:
        project = make_project(Path(tmp))
        started = time.perf_counter()
        deployed = zonke(project, env, "deploy", "--local")
        deploy_s = time.perf_counter() - started
        if deployed.returncode != 0:
            print(deployed.stderr[-3000:], file=sys.stderr)
            return 1
        runs = []
        try:
            emulator = LocalEmulator(project)
            outputs = json.loads(zonke(project, env, "output", "--local", "--json").stdout)["outputs"]
            for _ in range(args.runs):
                if args.skip:  # the Python API (the CLI runs every stage)
                    runs.append(
                        run_local(
                            project,
                            emulator.running_url() or "",
                            emulator.credentials(),
                            outputs["pipeline_name"],
                            emulator.iam_enforced(),
                            skip_stages=frozenset(args.skip),
                        )
                    )
                else:
                    proc = zonke(project, env, "pipeline", "run", "--local", "--wait", "--json")
                    runs.append(json.loads(proc.stdout))
        finally:
            zonke(project, env, "destroy", "--local")
    times: dict[str, list[float]] = {}
    status: dict[str, list[str]] = {}
    for run in runs:
        for stage in run.get("stages", []):
            key = f"{stage['stage']} / {stage['action']}"
            times.setdefault(key, []).append(float(stage["seconds"]))
            status.setdefault(key, []).append(stage["status"])
    print(f"Deploy (ZONKE_LOCAL_IAM=1): {deploy_s:.0f} s; {args.runs} local pipeline run(s)\n")
    print("| stage / action | median s | status per run |")
    print("|---|---:|---|")
    for key, values in times.items():
        print(f"| {key} | {statistics.median(values):.1f} | {', '.join(status[key])} |")
    for run in runs:
        if run.get("error"):
            print(f"\nrun failed: {run['error'][:600]}")
    print(json.dumps({"deploy_s": round(deploy_s, 1), "runs": runs}, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
