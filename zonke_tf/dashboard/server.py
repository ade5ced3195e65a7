"""Serve the dashboard on 127.0.0.1 with uvicorn (the ``zonke dashboard`` command)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zonke_tf.dashboard.app import Dashboard, cached_clients, create_app
from zonke_tf.dashboard.audit import AuditLog
from zonke_tf.dashboard.connect import open_stack
from zonke_tf.dashboard.security import Guard
from zonke_tf.errors import ToolNotFoundError, UsageError

LOOPBACK = "127.0.0.1"
AUDIT_FILE = Path(".zonke") / "dashboard-audit.jsonl"
INSTALL = "pip install 'zonke-tf[dashboard]'"


def _require_server() -> Any:
    try:
        import uvicorn
    except ImportError:
        raise ToolNotFoundError(f"the dashboard needs its extra: {INSTALL}") from None
    return uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def build(
    config_path: Path | None, env: str | None, local: bool, port: int | None, token: str | None = None
) -> Dashboard:
    """Open the stack and prepare the dashboard for it (nothing is served yet)."""
    if port is not None and not 1024 <= port <= 65535:
        raise UsageError(f"--port {port} is out of range: allowed 1024 to 65535")
    stack, path, workspace = open_stack(config_path, env, local)
    guard = Guard(LOOPBACK, port or free_port(), token)
    return Dashboard(
        stack=cached_clients(stack),
        config_path=path,
        env=env,
        guard=guard,
        audit=AuditLog(path.parent / AUDIT_FILE),
        local=local,
        workspace=workspace,
    )


def make_server(dash: Dashboard) -> Any:
    """A uvicorn server for ``dash`` on its loopback port (``.run()`` serves until stopped)."""
    uvicorn = _require_server()
    logging.getLogger("zonke.dashboard").setLevel(logging.INFO)
    config = uvicorn.Config(
        create_app(dash),
        host=LOOPBACK,
        port=dash.guard.port,
        access_log=False,  # uvicorn's access log would print the launch token in the query
        log_level="warning",
        server_header=False,
    )
    return uvicorn.Server(config)


def serve(dash: Dashboard, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted; ``on_ready`` gets the launch URL once the socket listens."""
    server = make_server(dash)
    if on_ready is not None:

        def announce() -> None:
            while not server.started and not server.should_exit:
                threading.Event().wait(0.05)
            if server.started:
                on_ready(dash.guard.launch_url)

        threading.Thread(target=announce, daemon=True).start()
    server.run()
