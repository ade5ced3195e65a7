"""Django settings for an app deployed by the Zonké TF stack.

``configure(globals())`` at the end of a settings module reads the stack's environment
contract (``DB_*``/``DATABASE_URL``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DJANGO_CSRF_TRUSTED_ORIGINS``, ``STATIC_URL``, ``HEALTH_CHECK_PATH``, ``MEDIA_*``,
``CELERY_*``, ``REDIS_*``) and sets what the stack needs. It never calls AWS or the network
(the cache's sign-in token is signed locally, when a connection opens), and works
without any of those variables (collectstatic in the image build, ``manage.py`` on a
laptop): then it leaves the
database, hosts and secret key as the settings module had them.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from .cache import cache_settings

__all__ = ["HEALTH_MIDDLEWARE", "celery_settings", "configure", "database_from_environment"]

HEALTH_MIDDLEWARE = "zonke_django.health.HealthCheckMiddleware"
MEDIA_STORAGE = "zonke_django.storage.MediaTierMissingStorage"
SIGNING_KEY_MISSING_STORAGE = "zonke_django.storage.SigningKeyMissingStorage"
S3_LIBRARY_MISSING_STORAGE = "zonke_django.storage.S3LibraryMissingStorage"
S3_STORAGE = "storages.backends.s3.S3Storage"
# kombu imports this class by name for the Redis broker (zonke_django.celery_redis imports redis).
BROKER_CREDENTIAL_PROVIDER = "zonke_django.celery_redis.StackBrokerCredentials"

_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "mysql": "django.db.backends.mysql",
}


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_environment(env: Mapping[str, str]) -> dict[str, Any] | None:
    """The ``default`` database from the stack's variables, or None when there is none.

    The ``DB_*`` parts win over ``DATABASE_URL`` (the stack sets both, built from the same
    values); ``DATABASE_URL`` alone is read as ``scheme://user:password@host:port/name?opts``.
    """
    options: dict[str, str] = {}
    if env.get("DB_HOST"):
        url = urlsplit(env.get("DATABASE_URL", ""))
        engine = _ENGINES.get(url.scheme, "django.db.backends.postgresql")
        config: dict[str, Any] = {
            "ENGINE": engine,
            "HOST": env["DB_HOST"],
            "PORT": env.get("DB_PORT", ""),
            "NAME": env.get("DB_NAME", ""),
            "USER": env.get("DB_USER", ""),
            "PASSWORD": env.get("DB_PASSWORD", ""),
        }
        options.update(parse_qsl(url.query))
    elif env.get("DATABASE_URL"):
        url = urlsplit(env["DATABASE_URL"])
        if url.scheme not in _ENGINES:
            raise ValueError(
                f"DATABASE_URL has the scheme {url.scheme!r}; use one of {', '.join(sorted(_ENGINES))}"
            )
        config = {
            "ENGINE": _ENGINES[url.scheme],
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
            "NAME": unquote(url.path.lstrip("/")),
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
        }
        options.update(parse_qsl(url.query))
    else:
        return None
    if config["ENGINE"] == "django.db.backends.postgresql":
        # TLS to the database: at least "require"; with a CA bundle, the server is verified.
        options.setdefault("sslmode", "require")
        if env.get("DB_SSLMODE"):
            options["sslmode"] = env["DB_SSLMODE"]
        if env.get("DB_SSLROOTCERT"):
            options["sslrootcert"] = env["DB_SSLROOTCERT"]
    config["OPTIONS"] = options
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _media_bucket(env: Mapping[str, str]) -> str:
    # A stack deployed by an older version kept uploads in the static bucket and set no
    # MEDIA_BUCKET.
    return env.get("MEDIA_BUCKET") or env.get("AWS_STORAGE_BUCKET_NAME", "")


def _media_storage(
    env: Mapping[str, str], settings: MutableMapping[str, Any], default: Mapping[str, Any]
) -> dict[str, Any]:
    """Django's default storage in the stack, where the filesystem is read-only.

    With ``[media] enabled`` the stack sets ``MEDIA_URL`` (CloudFront's ``/media/``),
    ``MEDIA_BUCKET`` (the media bucket) and ``MEDIA_PREFIX``: uploads go to the media bucket
    under that prefix through django-storages, with the task role's credentials, and are
    served by CloudFront (so no signed S3 URLs). A stack without ``MEDIA_BUCKET`` (deployed
    by an older version) keeps them in the static bucket, ``AWS_STORAGE_BUCKET_NAME``.
    Without ``[media]``, or without django-storages, saving fails with the fix.
    """
    media_url = env.get("MEDIA_URL", "")
    if not media_url:
        return {**default, "BACKEND": MEDIA_STORAGE}
    settings["MEDIA_URL"] = media_url
    if importlib.util.find_spec("storages") is None:
        return {**default, "BACKEND": S3_LIBRARY_MISSING_STORAGE}
    return {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": _media_bucket(env),
            "location": env.get("MEDIA_PREFIX", "media"),
            "region_name": env.get("AWS_REGION") or None,
            "custom_domain": urlsplit(media_url).netloc,
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
        },
    }


def _private_media_storage(env: Mapping[str, str]) -> dict[str, Any] | None:
    """``STORAGES["private"]``: files CloudFront serves only with a signed URL, or None.

    With signed URLs on, the stack sets ``MEDIA_PRIVATE_PREFIX`` (CloudFront serves it only
    with a URL signed by its trusted key group) and ``MEDIA_SIGNING_KEY_ID`` (the key group's
    public key); the private key is the user's secret ``MEDIA_SIGNING_KEY``. url() then
    returns a CloudFront URL signed with it (django-storages signs only with
    ``querystring_auth``; it expires after ``AWS_QUERYSTRING_EXPIRE``, an hour by default).
    Without the secret, the storage's url() and saves fail with the fix.
    """
    prefix = env.get("MEDIA_PRIVATE_PREFIX", "")
    key_id = env.get("MEDIA_SIGNING_KEY_ID", "")
    media_url = env.get("MEDIA_URL", "")
    if not (prefix and key_id and media_url) or importlib.util.find_spec("storages") is None:
        return None
    key = env.get("MEDIA_SIGNING_KEY", "")
    if not key.strip():
        return {"BACKEND": SIGNING_KEY_MISSING_STORAGE}
    return {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": _media_bucket(env),
            "location": prefix,
            "region_name": env.get("AWS_REGION") or None,
            "custom_domain": urlsplit(media_url).netloc,
            "querystring_auth": True,
            "cloudfront_key_id": key_id,
            "cloudfront_key": key,
            "file_overwrite": False,
            "default_acl": None,
        },
    }


def _redis_broker_url(url: str) -> str:
    """The stack's ``rediss://`` broker URL with the certificate check and the IAM sign-in
    kombu reads from its query; a value already in the query is kept."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = {name for name, _ in query}
    for name, value in (("ssl_cert_reqs", "required"), ("credential_provider", BROKER_CREDENTIAL_PROVIDER)):
        if name not in names:
            query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _reliable_delivery(out: dict[str, Any]) -> None:
    # A task whose worker dies is handed to another (after the visibility timeout), not lost.
    out["CELERY_TASK_ACKS_LATE"] = True
    out["CELERY_TASK_REJECT_ON_WORKER_LOST"] = True
    out["CELERY_WORKER_PREFETCH_MULTIPLIER"] = 1


def celery_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Celery's settings (Django names, ``CELERY_`` namespace) from the broker's part of the
    contract, or nothing without a broker. An app reads them with
    ``app.config_from_object("django.conf:settings", namespace="CELERY")``.

    With ``[broker] type = "sqs"`` the stack sets ``CELERY_BROKER_URL`` (``sqs://``: the task
    role's credentials), ``CELERY_SQS_QUEUES`` (JSON: each queue's URL by its name),
    ``CELERY_TASK_DEFAULT_QUEUE`` and ``CELERY_SQS_VISIBILITY_TIMEOUT``. The queues are
    predefined, so Celery never lists or creates queues (the task role may not).
    https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/sqs.html

    With ``[broker] type = "redis"`` the broker is the ElastiCache cache: the stack sets
    ``CELERY_BROKER_URL`` (``rediss://<primary endpoint>:6379/1``, no credentials: the Django
    cache has database 0), ``CELERY_TASK_DEFAULT_QUEUE``, and the cache's ``REDIS_USERNAME``,
    ``REDIS_CACHE_NAME`` and ``AWS_REGION``. The URL gets ``ssl_cert_reqs=required`` (kombu
    verifies the certificate) and ``credential_provider=``
    ``zonke_django.celery_redis.StackBrokerCredentials``, which kombu makes to sign in with an
    IAM token, as the cache does. ``CELERY_SQS_VISIBILITY_TIMEOUT``, when set, is the
    transport's ``visibility_timeout`` too. A ``rediss://`` URL without ``REDIS_USERNAME`` (not
    the stack's) is kept as it is.
    https://docs.celeryq.dev/en/stable/getting-started/backends-and-brokers/redis.html
    """
    broker = env.get("CELERY_BROKER_URL", "")
    if not broker:
        return {}
    out: dict[str, Any] = {"CELERY_BROKER_URL": broker}
    if broker.startswith("sqs://"):
        queues = json.loads(env.get("CELERY_SQS_QUEUES") or "{}")
        options: dict[str, Any] = {"predefined_queues": {name: {"url": url} for name, url in queues.items()}}
        if env.get("AWS_REGION"):
            options["region"] = env["AWS_REGION"]
        if env.get("CELERY_SQS_VISIBILITY_TIMEOUT"):
            options["visibility_timeout"] = int(env["CELERY_SQS_VISIBILITY_TIMEOUT"])
        out["CELERY_BROKER_TRANSPORT_OPTIONS"] = options
        # SQS keeps no results: results, if the app wants them, go elsewhere (the database).
        out["CELERY_TASK_DEFAULT_QUEUE"] = env.get("CELERY_TASK_DEFAULT_QUEUE") or next(
            iter(queues), "celery"
        )
        _reliable_delivery(out)
    elif broker.startswith("rediss://") and env.get("REDIS_USERNAME"):
        out["CELERY_BROKER_URL"] = _redis_broker_url(broker)
        if env.get("CELERY_SQS_VISIBILITY_TIMEOUT"):
            # A task not acknowledged in this time (acks late: until it ends) is delivered again.
            visibility = int(env["CELERY_SQS_VISIBILITY_TIMEOUT"])
            out["CELERY_BROKER_TRANSPORT_OPTIONS"] = {"visibility_timeout": visibility}
        out["CELERY_TASK_DEFAULT_QUEUE"] = env.get("CELERY_TASK_DEFAULT_QUEUE") or "celery"
        _reliable_delivery(out)
    return out


def configure(
    settings: MutableMapping[str, Any],
    *,
    static_root: str | os.PathLike[str] | None = None,
    deep_health_check: bool = True,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Set the stack's settings in ``settings`` (a settings module's ``globals()``).

    ``static_root`` defaults to the module's ``STATIC_ROOT``, else ``BASE_DIR/staticfiles``.
    ``deep_health_check``: the health check also answers 503 while the static files
    manifest is missing from the image, so such a deploy never takes traffic.
    """
    env = os.environ if environ is None else environ
    in_stack = bool(env.get("DJANGO_ALLOWED_HOSTS"))

    database = database_from_environment(env)
    if database is not None:
        settings["DATABASES"] = {**settings.get("DATABASES", {}), "default": database}

    if env.get("DJANGO_SECRET_KEY"):
        settings["SECRET_KEY"] = env["DJANGO_SECRET_KEY"]
    if in_stack:
        settings["DEBUG"] = env.get("DJANGO_DEBUG", "") == "1"
        settings["ALLOWED_HOSTS"] = _split(env["DJANGO_ALLOWED_HOSTS"])
    origins = _split(env.get("DJANGO_CSRF_TRUSTED_ORIGINS", ""))
    if origins:
        existing = list(settings.get("CSRF_TRUSTED_ORIGINS", []))
        settings["CSRF_TRUSTED_ORIGINS"] = existing + [o for o in origins if o not in existing]

    # CloudFront ends TLS and tells the app the visitor's scheme in this header; the load
    # balancer only admits CloudFront, so the header cannot come from anyone else.
    settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")
    if in_stack:
        settings["SESSION_COOKIE_SECURE"] = True
        settings["CSRF_COOKIE_SECURE"] = True
        settings["SECURE_SSL_REDIRECT"] = True

    settings["STATIC_URL"] = env.get("STATIC_URL") or settings.get("STATIC_URL") or "static/"
    base_dir = Path(
        settings.get("BASE_DIR") or Path(str(settings.get("__file__", "."))).resolve().parent.parent
    )
    root = static_root or settings.get("STATIC_ROOT") or base_dir / "staticfiles"
    settings["STATIC_ROOT"] = str(root)
    storages = dict(settings.get("STORAGES") or {})
    filesystem = "django.core.files.storage.FileSystemStorage"
    storages.setdefault("default", {"BACKEND": filesystem})
    if in_stack and storages["default"].get("BACKEND") == filesystem:
        storages["default"] = _media_storage(env, settings, storages["default"])
    private = _private_media_storage(env) if in_stack else None
    if private is not None:
        storages.setdefault("private", private)
    # Hashed names (style.3f2a.css): CloudFront may cache them for a year.
    storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}
    settings["STORAGES"] = storages
    settings.pop("STATICFILES_STORAGE", None)

    # The stack's cache, unless the settings module chose a cache of its own (anything but
    # Django's per-process default).
    cache = cache_settings(env)
    caches = dict(settings.get("CACHES") or {})
    local = ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache")
    if cache and caches.get("default", {}).get("BACKEND", local[0]) in local:
        settings["CACHES"] = {**caches, "default": cache}

    # Celery's broker, when the stack has one; a value the settings module set is kept.
    for key, value in celery_settings(env).items():
        settings.setdefault(key, value)

    middleware = [m for m in settings.get("MIDDLEWARE", []) if m != HEALTH_MIDDLEWARE]
    # First: the load balancer checks by the task's IP address, which is no allowed host.
    settings["MIDDLEWARE"] = [HEALTH_MIDDLEWARE, *middleware]
    settings["ZONKE_HEALTH_CHECK_PATH"] = env.get("HEALTH_CHECK_PATH") or "/health/"
    settings["ZONKE_DEEP_HEALTH_CHECK"] = deep_health_check
