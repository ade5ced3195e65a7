"""The environment contract of the Django containers: one list, used by the tests and
checked against the table in examples/django-monolith/README.md."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support import REPO_ROOT

# Plain environment variables, and secrets (from Secrets Manager), of the web and migration containers.
PLAIN = {
    "DB_HOST",
    "DB_PORT",
    "DB_NAME",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "STATIC_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_REGION",
    "HEALTH_CHECK_PATH",
    "XDG_RUNTIME_DIR",
    "ZONKE_START_WRAPPER",
}
SECRET = {"DB_USER", "DB_PASSWORD", "DJANGO_SECRET_KEY"}
# Secrets of the migration container only (PostgreSQL): the master user, with which the
# start wrapper makes the app's own user, then drops them before the release commands.
MIGRATION_ONLY = {"DB_MASTER_USER", "DB_MASTER_PASSWORD"}
# Built when the container starts (examples/django-monolith/container_start.py), and set
# only when zonke.toml asks for it ([django] settings_module).
STARTED = {"DATABASE_URL", "DB_SSLMODE", "DB_SSLROOTCERT"}
OPTIONAL = {"DJANGO_SETTINGS_MODULE", "DB_CA_BUNDLE"}
# Plain, with [media] enabled: where uploads go (MEDIA_BUCKET under MEDIA_PREFIX) and where
# CloudFront serves them; with a signing key, the path served only with signed URLs and the
# CloudFront key that signs them.
MEDIA = {"MEDIA_URL", "MEDIA_PREFIX", "MEDIA_BUCKET", "MEDIA_PRIVATE_PREFIX", "MEDIA_SIGNING_KEY_ID"}
# Plain, with [broker] type = "sqs": Celery's broker (modules/sqs-broker's environment output).
BROKER = {
    "CELERY_BROKER_URL",
    "CELERY_SQS_QUEUES",
    "CELERY_TASK_DEFAULT_QUEUE",
    "CELERY_SQS_VISIBILITY_TIMEOUT",
}
# Plain, with [cache] enabled: where the cache is and whom to sign in as (modules/redis-cache).
CACHE = {"REDIS_URL", "CACHE_URL", "REDIS_USERNAME", "REDIS_CACHE_NAME"}


def readme_table() -> dict[str, str]:
    """Variable name -> its source column, from the contract table of the example README."""
    text = (REPO_ROOT / "examples" / "django-monolith" / "README.md").read_text()
    block = text.split("<!-- contract -->", 2)[1]
    rows = {}
    for line in block.splitlines():
        match = re.match(r"^\|\s*`([A-Z_]+)`\s*\|\s*([^|]+?)\s*\|", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def readme_rollout_seconds() -> int:
    text = (Path(REPO_ROOT) / "examples" / "django-monolith" / "README.md").read_text()
    match = re.search(r"Modeled rolling deploy with the defaults: \*\*(\d+) s\*\*", text)
    assert match, "the example README must state 'Modeled rolling deploy with the defaults: **N s**'"
    return int(match.group(1))
