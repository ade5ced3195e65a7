"""``zonke dashboard``: the Zonké dashboard, a web page on 127.0.0.1 (zonke_tf/dashboard/)."""

from __future__ import annotations

import argparse
import logging
import sys
import webbrowser
from pathlib import Path

from zonke_tf.cli.common import Common, Subparsers
from zonke_tf.cli.console import Console


def cmd_dashboard(args: argparse.Namespace, console: Console) -> int:
    from zonke_tf.dashboard import server

    server._require_server()  # a missing extra fails before anything touches AWS
    # The server log: one line per request (method, path, status, time), never a query or a body.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logging.getLogger("zonke.dashboard").addHandler(handler)
    console.info("Reading the stack's outputs ...")
    dash = server.build(Path(args.config) if args.config else None, args.env, args.local, args.port)

    def ready(url: str) -> None:
        console.emit({"url": url, "audit_log": str(dash.audit.path)})
        console.result(f"Zonké dashboard for {dash.config_path}: {url}")
        sys.stdout.flush()  # the URL must reach a pipe (a script, a test) at once
        console.info("Keep this URL to yourself: it opens a session. Ctrl-C stops the dashboard.")
        if not args.no_browser:
            webbrowser.open(url)

    server.serve(dash, on_ready=ready)
    console.info(f"Dashboard stopped. Changes made are in {dash.audit.path}.")
    return 0


def add_commands(sub: Subparsers, common: Common) -> None:
    p = sub.add_parser("dashboard", help="a web page on 127.0.0.1 for secrets, scaling, deploys, migrations")
    common(p)
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="print the URL, do not open a browser")
    p.set_defaults(func=cmd_dashboard)
