"""The one console of the ``zonke`` CLI: human text to stderr/stdout, or one JSON document."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from zonke_tf.engine import Workspace
from zonke_tf.progress import Progress


class Console:
    """Where the CLI writes: human text to stderr/stdout, or one JSON document to stdout."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json

    def info(self, text: str) -> None:
        if not self.as_json:
            print(text, file=sys.stderr)

    def result(self, text: str) -> None:
        if not self.as_json:
            print(text)

    def next_step(self, text: str) -> None:
        self.info(f"Next: {text}")

    def emit(self, doc: dict[str, Any]) -> None:
        if self.as_json:
            print(json.dumps(doc, indent=2, sort_keys=True, default=str))


def run_with_progress(
    ws: Workspace, console: Console, op: str, fn: Callable[..., Any], probe: bool = True
) -> tuple[Any, Progress | None]:
    console.info(f"Preparing {ws.root} ...")
    ws.prepare(probe)
    console.info("terraform init ...")
    ws.init()
    if console.as_json:
        return fn(None), None
    progress = Progress()
    try:
        return fn(progress), progress
    finally:
        progress.finish()
