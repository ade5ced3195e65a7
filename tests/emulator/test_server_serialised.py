"""The emulator handles one request at a time: moto's backends are not thread-safe.

Without the lock in zonke_emulator/server.py, a request that iterates a backend while
another one adds to it fails with HTTP 500 ("dictionary changed size during iteration"),
the provider's SDK retries the call, and a create that had already happened answers
``InvalidPermission.Duplicate`` (a delete answers ``NotFound``): the flakes of
``zonke deploy --local`` under load.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from werkzeug.serving import make_server

from zonke_emulator import Emulator, server


def test_requests_never_run_at_the_same_time() -> None:
    """Deterministic: a stand-in for moto that records how many requests are inside it."""
    inside, most = 0, 0
    guard = threading.Lock()

    def slow_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with guard:
            inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    httpd = make_server("127.0.0.1", 0, server._build_app([], moto_app=slow_app), threaded=True)
    runner = threading.Thread(target=httpd.serve_forever, daemon=True)
    runner.start()
    try:
        url = f"http://127.0.0.1:{httpd.port}/"
        barrier = threading.Barrier(8)

        def call(_: int) -> bytes:
            barrier.wait()
            with urllib.request.urlopen(url, timeout=30) as resp:
                return bytes(resp.read())

        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(call, range(8)))
    finally:
        httpd.shutdown()
        runner.join(timeout=10)
    assert answers == [b"ok"] * 8
    assert most == 1, f"{most} requests ran inside moto at once"


def test_concurrent_reads_and_writes_of_one_backend_all_succeed(emulator: Emulator, aws: Any) -> None:
    """The real emulator under the mix that failed: security groups created (and tagged)
    while others list the groups' rules. Every call must succeed, none may answer 500."""
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1}, max_pool_connections=32)  # a 500 must show
    vpc = aws.client("ec2", config=config).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]

    def write(worker: int) -> Counter[str]:
        ec2, seen = aws.client("ec2", config=config), Counter[str]()
        for n in range(15):
            try:
                group = ec2.create_security_group(GroupName=f"w{worker}-{n}", Description="d", VpcId=vpc)
                ec2.create_tags(Resources=[group["GroupId"]], Tags=[{"Key": "k", "Value": str(n)}])
                seen["ok"] += 1
            except Exception as exc:  # counted and reported below
                seen[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
        return seen

    def read(_: int) -> Counter[str]:
        ec2, seen = aws.client("ec2", config=config), Counter[str]()
        for _n in range(15):
            try:
                ec2.describe_security_group_rules()
                ec2.describe_security_groups(Filters=[{"Name": "tag:k", "Values": ["3"]}])
                seen["ok"] += 1
            except Exception as exc:  # counted and reported below
                seen[f"{type(exc).__name__}: {str(exc)[:120]}"] += 1
        return seen

    total: Counter[str] = Counter()
    with ThreadPoolExecutor(16) as pool:
        for result in [pool.submit(write if i % 2 else read, i) for i in range(16)]:
            total.update(result.result())
    assert total == Counter({"ok": 240}), total


def test_a_5xx_answer_is_logged_with_the_call_and_read_back(tmp_path: Any, capsys: Any) -> None:
    """The SDK repeats a call answered 5xx, so Terraform reports the repeat's error (e.g.
    CodeBuild's "Project already exists"): the emulator names the failed call in its log,
    and the CLI prints those lines after a failed --local run."""

    def failing_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ.get("HTTP_X_AMZ_TARGET", "").endswith("CreateProject"):
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"boom"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    app = server._build_app([], moto_app=failing_app)

    def call(target: str) -> str:
        environ = {
            "PATH_INFO": "/",
            "REQUEST_METHOD": "POST",
            "HTTP_X_AMZ_TARGET": target,
            "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 "
            "Credential=AKID/20261202/us-east-1/codebuild/aws4_request",
        }
        seen: list[str] = []
        app(environ, lambda status, headers: seen.append(status))
        return seen[0]

    assert call("CodeBuild_20161006.BatchGetProjects").startswith("200")
    assert call("CodeBuild_20161006.CreateProject").startswith("500")
    logged = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith(server.SERVER_ERROR_PREFIX)]
    assert logged == [
        f"{server.SERVER_ERROR_PREFIX}500 Internal Server Error POST / service=codebuild "
        "CodeBuild_20161006.CreateProject"
    ]
    state = tmp_path / ".zonke"
    state.mkdir()
    (state / "local-emulator.log").write_text(
        "ZONKE_EMULATOR_READY 1\n"
        "Traceback (most recent call last):\n  File x\nRuntimeError: dictionary changed size\n"
        + logged[0]
        + "\n"
    )
    faults = Emulator.background(tmp_path).server_errors()
    assert faults[0] == logged[0][len(server.SERVER_ERROR_PREFIX) :]
    assert "RuntimeError: dictionary changed size" in faults[1]
    assert Emulator.background(tmp_path / "nowhere").server_errors() == []


def test_a_call_the_emulator_raises_on_is_logged_too(capsys: Any) -> None:
    """An action the emulator does not implement raises inside the app (werkzeug answers 500)."""

    def raising_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise NotImplementedError("UpdateProject")

    app = server._build_app([], moto_app=raising_app)
    environ = {
        "PATH_INFO": "/",
        "REQUEST_METHOD": "POST",
        "HTTP_X_AMZ_TARGET": "CodeBuild_20161006.UpdateProject",
    }
    try:
        app(environ, lambda status, headers: None)
    except NotImplementedError:
        pass
    else:
        raise AssertionError("the exception must reach werkzeug, which answers 500")
    err = capsys.readouterr().err
    assert f"{server.SERVER_ERROR_PREFIX}500 Internal Server Error POST / service= " in err
    assert "CodeBuild_20161006.UpdateProject" in err
