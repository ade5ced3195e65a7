"""Celery's Redis broker on the stack's ElastiCache cache, signed in with the task role (IAM
authentication), so no password exists anywhere.

With ``[broker] type = "redis"`` the stack sets ``CELERY_BROKER_URL`` (``rediss://`` to the
cache's primary endpoint, database 1, no credentials), and ``celery_settings()`` adds
``credential_provider=zonke_django.celery_redis.StackBrokerCredentials`` to its query. kombu
imports that class and makes it with no arguments, so it reads the cache's part of the
contract (``REDIS_USERNAME``, ``REDIS_CACHE_NAME``, ``AWS_REGION``) from the environment, and
signs its tokens as the Django cache does (``zonke_django.cache.ElastiCacheIAMCredentials``).

This is the only module of the package that imports redis (redis-py, which Celery's redis
extra brings): kombu imports it only in a process that uses the broker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from redis.credentials import CredentialProvider

from .cache import ElastiCacheIAMCredentials

__all__ = ["StackBrokerCredentials"]

_VARIABLES = ("REDIS_USERNAME", "REDIS_CACHE_NAME", "AWS_REGION")


def _require(env: Mapping[str, str], name: str) -> str:
    value = env.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"Celery's Redis broker signs in to ElastiCache with IAM and needs {name}, which is not "
            f"set in this process's environment: the stack sets {', '.join(_VARIABLES)} with "
            '[broker] type = "redis". A broker URL of your own needs no credential_provider.'
        )
    return value


class StackBrokerCredentials(CredentialProvider):
    """A redis-py credential provider kombu can make from a dotted path (no arguments): the
    user ``REDIS_USERNAME`` with an IAM authentication token for ``REDIS_CACHE_NAME`` in
    ``AWS_REGION``, signed when a connection opens and reused well inside its 15 minutes."""

    def __init__(self) -> None:
        env = os.environ
        self.signer = ElastiCacheIAMCredentials(
            _require(env, "REDIS_USERNAME"),
            _require(env, "REDIS_CACHE_NAME"),
            _require(env, "AWS_REGION"),
        )

    def get_credentials(self) -> tuple[str, str]:
        return self.signer.get_credentials()

    async def get_credentials_async(self) -> tuple[str, str]:
        # Signing is local (no network), so the synchronous path serves both.
        return self.signer.get_credentials()
