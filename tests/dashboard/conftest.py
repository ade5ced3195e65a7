"""Fixtures of the dashboard tests: a dashboard app over a stand-in stack in the emulator
(the same stand-in as the day-2 operation tests), with its own copy of the example's
zonke.toml, and a logged-in HTTP client."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import REPO_ROOT
from tests.support.standin import make_stand_in
from zonke_emulator import Emulator
from zonke_tf.dashboard.app import Dashboard, create_app
from zonke_tf.dashboard.audit import AuditLog
from zonke_tf.dashboard.security import Guard
from zonke_tf.ops import Stack

PORT = 8765


def make_dashboard(stack: Stack, folder: Path, port: int = PORT) -> Dashboard:
    """A dashboard over ``stack`` with its own copy of the example's zonke.toml in ``folder``."""
    config = folder / "zonke.toml"
    shutil.copy(REPO_ROOT / "examples" / "django-monolith" / "zonke.toml", config)
    return Dashboard(
        stack=stack,
        config_path=config,
        env=None,
        guard=Guard("127.0.0.1", port),
        audit=AuditLog(folder / ".zonke" / "dashboard-audit.jsonl"),
        local=True,
    )


@pytest.fixture
def stack(aws: Any) -> Stack:
    """A fresh stand-in stack (the emulator is reset first)."""
    return make_stand_in(aws)


@pytest.fixture(scope="module")
def shared_stack(emulator: Emulator) -> Stack:
    """One stand-in stack for a whole test module whose tests change nothing."""
    emulator.reset()
    return make_stand_in(emulator.boto3_session())


@pytest.fixture
def dash(stack: Stack, tmp_path: Path) -> Dashboard:
    return make_dashboard(stack, tmp_path)


@pytest.fixture
def anon(dash: Dashboard) -> Iterator[Any]:
    """An HTTP client that has not logged in."""
    from starlette.testclient import TestClient

    with TestClient(create_app(dash), base_url=f"http://127.0.0.1:{PORT}", follow_redirects=False) as c:
        yield c


@pytest.fixture
def client(anon: Any, dash: Dashboard) -> Any:
    """An HTTP client with a session (the launch URL was opened)."""
    r = anon.get(f"/login?token={dash.guard.token}")
    assert r.status_code == 303
    return anon


@pytest.fixture
def sfn_runs(emulator: Emulator) -> Iterator[None]:
    """Let the emulator execute state machines (moto's ASL interpreter) for one test: the
    stand-in migration runner is a plain Succeed state, so a run ends. Off again after."""
    import json
    import urllib.request

    def setting(on: bool) -> None:
        body = json.dumps({"stepfunctions": {"execute_state_machine": on}}).encode()
        req = urllib.request.Request(f"{emulator.url}/moto-api/config", data=body, method="POST")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10):
            pass

    setting(True)
    yield
    setting(False)
