"""The cache's part of the contract: Django's Redis cache on ElastiCache, signed in with the
task role (IAM authentication), so no password exists anywhere.

ElastiCache takes, as the password of the user ``REDIS_USERNAME``, a SigV4-presigned
``connect`` request for the cache ``REDIS_CACHE_NAME``, valid 15 minutes; a connection needs
a token only when it opens, and redis-py asks its credential provider then.
https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

TOKEN_SECONDS = 900  # what ElastiCache accepts at most
_REUSE_SECONDS = 600  # a token is reused this long, well inside its 15 minutes


class ElastiCacheIAMCredentials:
    """A redis-py credential provider (``get_credentials() -> (username, password)``) whose
    password is an IAM authentication token for the cache, signed with the credentials boto3
    finds (the task role's, in the stack)."""

    def __init__(
        self,
        user: str,
        cache_name: str,
        region: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        credentials: Any = None,
    ) -> None:
        self.user, self.cache_name, self.region = user, cache_name, region
        self._clock, self._credentials = clock, credentials
        self._lock = threading.Lock()
        self._token: tuple[float, str] | None = None

    def token(self) -> str:
        """A fresh token: the presigned ``connect`` request without its scheme."""
        import botocore.session  # the app's dependency (boto3), imported when first needed
        from botocore.model import ServiceId
        from botocore.signers import RequestSigner

        session = botocore.session.get_session()
        credentials = self._credentials or session.get_credentials()
        signer = RequestSigner(
            ServiceId("elasticache"),
            self.region,
            "elasticache",
            "v4",
            credentials,
            session.get_component("event_emitter"),
        )
        query = urlencode({"Action": "connect", "User": self.user})
        request = {
            "method": "GET",
            "url": f"http://{self.cache_name}/?{query}",
            "body": {},
            "headers": {},
            "context": {},
        }
        url = signer.generate_presigned_url(
            request, operation_name="connect", expires_in=TOKEN_SECONDS, region_name=self.region
        )
        return str(url).removeprefix("http://")

    def get_credentials(self) -> tuple[str, str]:
        with self._lock:
            now = self._clock()
            if self._token is None or now - self._token[0] > _REUSE_SECONDS:
                self._token = (now, self.token())
            return self.user, self._token[1]


def cache_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Django's ``CACHES["default"]`` for the stack's cache, or nothing without one."""
    url = env.get("REDIS_URL", "")
    if not url:
        return {}
    options: dict[str, Any] = {}
    if env.get("REDIS_USERNAME") and env.get("REDIS_CACHE_NAME"):
        options["credential_provider"] = ElastiCacheIAMCredentials(
            env["REDIS_USERNAME"], env["REDIS_CACHE_NAME"], env.get("AWS_REGION") or "us-east-1"
        )
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "OPTIONS": options}
