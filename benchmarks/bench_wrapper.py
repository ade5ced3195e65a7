"""Benchmark of the zonke wrapper against raw Terraform, on the example stack in the local emulator.

Measures, for anyone to rerun (it prints a Markdown table and a JSON line):

- ``zonke plan --local`` against a raw ``terraform plan`` of the same root, tfvars and
  provider settings: the median of several runs of each, and their ratio (target <= 1.05);
- the wrapper's own peak memory (this process, which runs the wrapper in-process), apart
  from Terraform's (the child processes);
- the time of ``zonke deploy --local`` and ``zonke destroy --local``.

    .venv/bin/python benchmarks/bench_wrapper.py --runs 5

Nothing leaves the machine: the stack goes into the emulator on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from zonke_tf import cli  # noqa: E402
from zonke_tf.api import workspace  # noqa: E402
from zonke_tf.local import LocalEmulator  # noqa: E402

CONFIG = '[app]\nname = "bench"\nenvironment = "prod"\n'


def zonke(*args: str) -> tuple[float, int]:
    """Run a zonke command in this process; (seconds, exit code)."""
    start = time.perf_counter()
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        code = cli.main(list(args))
    return time.perf_counter() - start, code


def raw_plan(root: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["terraform", "plan", "-input=false", "-detailed-exitcode", "-out=raw.tfplan"],
        cwd=root,
        env=env,
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="plans of each kind (median is reported)")
    parser.add_argument("--skip-deploy", action="store_true", help="measure the plans only")
    args = parser.parse_args()

    project = Path(tempfile.mkdtemp(prefix="zonke-bench-"))
    (project / "zonke.toml").write_text(CONFIG)
    os.chdir(project)
    results: dict[str, object] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
    }
    try:
        # First plan: starts the emulator, prepares the workspace and runs terraform init.
        _, code = zonke("plan", "--local", "--json")
        assert code == 0, "the first zonke plan failed"
        ws, _, _ = workspace(local=True)
        env = ws.environ()
        zonke_times, raw_times = [], []
        for _ in range(args.runs):  # interleaved, so drift hits both alike
            zonke_times.append(zonke("plan", "--local", "--json")[0])
            raw_times.append(raw_plan(ws.root, env))
        results["zonke_plan_median_s"] = round(statistics.median(zonke_times), 2)
        results["terraform_plan_median_s"] = round(statistics.median(raw_times), 2)
        results["plan_ratio"] = round(statistics.median(zonke_times) / statistics.median(raw_times), 3)
        if not args.skip_deploy:
            results["deploy_local_s"] = round(zonke("deploy", "--local", "--json")[0], 1)
            results["destroy_local_s"] = round(zonke("destroy", "--local", "--json")[0], 1)
        self_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        results["wrapper_peak_rss_mib"] = round(self_kib / 1024, 1)
        results["largest_child_peak_rss_mib"] = round(child_kib / 1024, 1)
    finally:
        LocalEmulator(project).stop()

    print("| measure | value |")
    print("|---|---|")
    for key, value in results.items():
        print(f"| {key} | {value} |")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
