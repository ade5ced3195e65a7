"""Benchmark of the dashboard's pages: server render time and page weight, against the local
AWS emulator (a stand-in stack made with boto3, as in the dashboard's tests).

For each page: the median and the slowest of ``--runs`` requests through the whole app (the
guard, the AWS reads through boto3 to the emulator, the templates), and the weight a browser
downloads (the HTML plus the stylesheet and the script; there is nothing else). Targets:
render < 300 ms, weight < 200 KB. Prints a Markdown table and a JSON line.

    .venv/bin/python benchmarks/bench_dashboard.py --runs 20

Nothing leaves the machine: the emulator listens on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from starlette.testclient import TestClient  # noqa: E402

from tests.support.standin import make_stand_in  # noqa: E402
from zonke_emulator import Emulator  # noqa: E402
from zonke_tf.dashboard.app import Dashboard, cached_clients, create_app  # noqa: E402
from zonke_tf.dashboard.audit import AuditLog  # noqa: E402
from zonke_tf.dashboard.security import Guard  # noqa: E402

PAGES = ["/", "/scaling", "/secrets", "/deploys", "/migrations", "/audit"]
ASSETS = ["/static/app.css", "/static/app.js"]
RENDER_TARGET_MS, WEIGHT_TARGET_KB = 300, 200


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    emulator = Emulator()
    emulator.start()
    try:
        stack = cached_clients(make_stand_in(emulator.boto3_session()))  # as `zonke dashboard` does
        folder = Path(tempfile.mkdtemp(prefix="zonke-bench-"))
        config = folder / "zonke.toml"
        config.write_text((REPO / "examples" / "django-monolith" / "zonke.toml").read_text())
        guard = Guard("127.0.0.1", 8765)
        dash = Dashboard(stack, config, None, guard, AuditLog(folder / "audit.jsonl"), local=True)
        with TestClient(create_app(dash), base_url=guard.origin) as client:
            client.get(f"/login?token={guard.token}")
            assets = sum(len(client.get(a).content) for a in ASSETS)
            rows = []
            for page in PAGES:
                client.get(page)  # warm: templates compiled, boto3 clients made
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    response = client.get(page)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, (page, response.status_code)
                weight = (len(response.content) + assets) / 1024
                rows.append(
                    {
                        "page": page,
                        "median_ms": round(statistics.median(times), 1),
                        "max_ms": round(max(times), 1),
                        "weight_kb": round(weight, 1),
                    }
                )
    finally:
        emulator.stop()
    print(f"| page | median render (ms) | slowest (ms) | weight (KB) |  runs: {args.runs}")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| `{r['page']}` | {r['median_ms']} | {r['max_ms']} | {r['weight_kb']} |")
    ok = all(r["median_ms"] < RENDER_TARGET_MS and r["weight_kb"] < WEIGHT_TARGET_KB for r in rows)
    print(json.dumps({"pages": rows, "runs": args.runs, "targets_met": ok}))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
