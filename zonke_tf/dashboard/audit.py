"""The dashboard's audit log: one JSON line per change (who, what, when), kept in the
project's ``.zonke`` folder and shown on the Audit page. Secret values are never written:
entries name keys and actions only."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    when: str
    who: str
    action: str
    detail: str
    outcome: str


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, who: str, action: str, detail: str, outcome: str = "ok") -> AuditEntry:
        entry = AuditEntry(
            when=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            who=who,
            action=action,
            detail=detail,
            outcome=outcome,
        )
        line = json.dumps(entry.__dict__, sort_keys=True)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line + "\n")
        return entry

    def last(self, limit: int = 50) -> list[AuditEntry]:
        if not self.path.is_file():
            return []
        entries: list[AuditEntry] = []
        for line in self.path.read_text(encoding="utf-8").splitlines()[-limit:]:
            try:
                doc: dict[str, Any] = json.loads(line)
                entries.append(AuditEntry(**{k: str(doc.get(k, "")) for k in AuditEntry.__annotations__}))
            except (json.JSONDecodeError, TypeError):
                continue
        return list(reversed(entries))
