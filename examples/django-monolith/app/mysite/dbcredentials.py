"""Database credentials read from AWS Secrets Manager when a connection opens, and read
again when the database refuses them: password rotation without failed requests.

ECS hands secrets to a container only when the task starts, so a task that started before
a rotation keeps the old password. This module instead reads the secret (JSON with
``username`` and ``password``) when a connection is opened, caches it, and on an
authentication failure reads it again and tries, in order:

1. ``AWSCURRENT`` as it is now (the rotation has finished since the cache was filled);
2. ``AWSPENDING`` (single-user rotation has already set the new password in the database
   but not yet promoted it: the window AWS documents, "a short period of time between when
   the password in the database changes and when the secret is updated", to be covered
   by retrying: https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html).

It retries with a short back-off for a few seconds before giving up. The same path serves
RDS's managed rotation of the master password ("new connections that retrieve the secret
may get the previous version", https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html)
and the alternating-users strategy (AWSCURRENT always names a valid user).

Nothing here logs or returns a password in an error message.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

Credentials = tuple[str, str]

AUTH_FAILED_SQLSTATES = frozenset({"28P01", "28000"})  # invalid_password, invalid_authorization


def auth_failed(exc: BaseException) -> bool:
    """Did the server refuse the user name or password (as opposed to any other error)?"""
    if getattr(exc, "sqlstate", None) in AUTH_FAILED_SQLSTATES:
        return True
    text = str(exc)
    return "password authentication failed" in text or "authentication failed for user" in text


class SecretCredentials:
    """The credentials in one Secrets Manager secret, cached between connections."""

    def __init__(self, secret_id: str, client_factory: Callable[[], Any]) -> None:
        self.secret_id = secret_id
        self._client_factory = client_factory
        self._client: Any = None
        self._cached: Credentials | None = None
        self._lock = threading.Lock()
        self.refreshes = 0  # how often the database refused the cached credentials

    def _read(self, stage: str) -> Credentials | None:
        if self._client is None:
            self._client = self._client_factory()
        try:
            value = self._client.get_secret_value(SecretId=self.secret_id, VersionStage=stage)
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code")
            if stage != "AWSCURRENT" and code == "ResourceNotFoundException":
                return None  # no such stage: no rotation under way
            raise
        doc = json.loads(value["SecretString"])
        return str(doc["username"]), str(doc["password"])

    def current(self) -> Credentials:
        with self._lock:
            if self._cached is None:
                self._cached = self._read("AWSCURRENT")
            return self._cached

    def after_failure(self, refused: Credentials) -> list[Credentials]:
        """Credentials to try after ``refused`` was refused: fresh AWSCURRENT, then AWSPENDING."""
        with self._lock:
            self.refreshes += 1
            out: list[Credentials] = []
            for stage in ("AWSCURRENT", "AWSPENDING"):
                found = self._read(stage)
                if found is not None and found != refused and found not in out:
                    out.append(found)
            return out

    def remember(self, working: Credentials) -> None:
        with self._lock:
            self._cached = working
