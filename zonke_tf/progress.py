"""Turn Terraform's ``-json`` events into a live progress display and a readable summary."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

_VERB = {
    "create": "creating",
    "update": "updating",
    "delete": "destroying",
    "replace": "replacing",
    "read": "reading",
}
_DONE = {"create": "created", "update": "updated", "delete": "destroyed", "replace": "replaced"}


def _fmt_secs(secs: float) -> str:
    s = int(secs)
    return f"{s // 60}m{s % 60:02d}s" if s >= 60 else f"{s}s"


@dataclass
class Progress:
    """Counts resources done out of the total and shows the current one with elapsed time.

    On a terminal it redraws one status line; elsewhere (CI, a pipe) it prints one line
    per finished resource, and a heartbeat line for long-running ones.
    """

    out: TextIO = field(default_factory=lambda: sys.stderr)
    tty: bool | None = None
    total: int = 0
    done: int = 0
    failed: int = 0
    current: str = ""
    current_action: str = ""
    started: float = field(default_factory=time.monotonic)
    _last_width: int = 0
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.tty is None:
            self.tty = bool(getattr(self.out, "isatty", lambda: False)())

    # -- event intake -------------------------------------------------------------

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        hook = event.get("hook", {})
        addr = (hook.get("resource") or {}).get("addr", "")
        action = hook.get("action", "")
        if action == "read" or (kind == "planned_change" and event.get("change", {}).get("action") == "read"):
            return  # data sources: not resources to create, change or destroy
        if kind == "planned_change":
            planned = event.get("change", {}).get("action")
            if planned == "replace":
                self.total += 2  # Terraform reports a replacement as a delete and a create
            elif planned in ("create", "update", "delete"):
                self.total += 1
        elif kind == "apply_start":
            self.current, self.current_action = addr, action
            if not self.tty:
                self._line(f"  ... {_VERB.get(action, action)} {addr}")
            self._status()
        elif kind == "apply_progress":
            self.current, self.current_action = addr, action
            secs = hook.get("elapsed_seconds", 0)
            if not self.tty:
                self._line(f"  ... still {_VERB.get(action, action)} {addr} ({_fmt_secs(secs)})")
            self._status()
        elif kind == "apply_complete":
            self.done += 1
            secs = hook.get("elapsed_seconds", 0)
            self._line(f"[{self.done}/{self.total}] {addr}: {_DONE.get(action, action)} ({_fmt_secs(secs)})")
            self._status()
        elif kind == "apply_errored":
            self.done += 1
            self.failed += 1
            self._line(f"[{self.done}/{self.total}] {addr}: FAILED")
            self._status()
        elif kind == "zonke_interrupt":
            self._line(str(event.get("@message", "interrupting")))

    # -- drawing ------------------------------------------------------------------

    def status_text(self) -> str:
        elapsed = _fmt_secs(time.monotonic() - self.started)
        doing = (
            f" {_VERB.get(self.current_action, self.current_action)} {self.current}" if self.current else ""
        )
        return f"[{self.done}/{self.total}]{doing} ({elapsed})"

    def _clear(self) -> None:
        if self.tty and self._last_width:
            self.out.write("\r" + " " * self._last_width + "\r")
            self._last_width = 0

    def _status(self) -> None:
        if not self.tty:
            return
        text = self.status_text()[:200]
        self._clear()
        self.out.write(text)
        self.out.flush()
        self._last_width = len(text)

    def _line(self, text: str) -> None:
        self.lines.append(text)
        self._clear()
        self.out.write(text + "\n")
        self.out.flush()

    def finish(self) -> None:
        self._clear()
        self.out.flush()

    @property
    def elapsed(self) -> str:
        return _fmt_secs(time.monotonic() - self.started)


def describe_changes(summary: dict[str, Any], operation: str, took: str | None = None) -> str:
    """One sentence from Terraform's change summary."""
    add, change, remove = summary.get("add", 0), summary.get("change", 0), summary.get("remove", 0)
    if operation == "plan":
        if not (add or change or remove):
            return "No changes: the infrastructure matches the configuration."
        return f"Plan: {add} to add, {change} to change, {remove} to destroy."
    when = f" in {took}" if took else ""
    return f"{operation.capitalize()} complete{when}: {add} added, {change} changed, {remove} destroyed."


def planned_changes(events: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The planned resource changes (address and action), from a plan's events."""
    out = []
    for ev in events:
        if ev.get("type") == "planned_change":
            change = ev.get("change", {})
            out.append(
                {"address": change.get("resource", {}).get("addr", ""), "action": change.get("action", "")}
            )
    return out
