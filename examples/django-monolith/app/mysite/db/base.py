"""PostgreSQL backend whose user name and password come from AWS Secrets Manager at connect
time, re-read when the database refuses them (see mysite.dbcredentials).

Used when the DATABASES entry has ``CREDENTIALS_SECRET`` (a secret ARN); without it, it is
Django's PostgreSQL backend unchanged. The task role needs secretsmanager:GetSecretValue on
that secret (and kms:Decrypt on its key).
"""

from __future__ import annotations

import time
from typing import Any

from django.db.backends.postgresql import base

from mysite.dbcredentials import SecretCredentials, auth_failed

RETRY_SECONDS = 20.0  # a Secrets Manager rotation finishes within about a minute
_SOURCES: dict[str, SecretCredentials] = {}


def credentials_for(secret_id: str) -> SecretCredentials:
    """One cache per secret and process, shared by every connection of the process."""
    if secret_id not in _SOURCES:
        import boto3

        _SOURCES[secret_id] = SecretCredentials(secret_id, lambda: boto3.client("secretsmanager"))
    return _SOURCES[secret_id]


class DatabaseWrapper(base.DatabaseWrapper):
    def _source(self) -> SecretCredentials | None:
        secret = self.settings_dict.get("CREDENTIALS_SECRET")
        return credentials_for(secret) if secret else None

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        source = self._source()
        if source is not None:
            params["user"], params["password"] = source.current()
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        source = self._source()
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError as exc:
            if source is None or not auth_failed(exc):
                raise
            first_error = exc
        refused = (conn_params["user"], conn_params["password"])
        deadline, pause = time.monotonic() + RETRY_SECONDS, 0.05
        while True:
            for user, password in source.after_failure(refused):
                try:
                    connection = super().get_new_connection(
                        {**conn_params, "user": user, "password": password}
                    )
                except base.Database.OperationalError as exc:
                    if not auth_failed(exc):
                        raise
                    continue
                source.remember((user, password))
                return connection
            if time.monotonic() + pause > deadline:
                raise first_error
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
